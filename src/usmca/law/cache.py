"""An on-disk cache of the parsed law tree of the package (start-up time of every command).

Reading and validating the ~200 YAML files of ``law/params`` takes 0.15-0.2 s of CPU, most of it
in PyYAML's constructor; ``usmca law show PATH`` has 0.5 s in all (issue 10 item 5,
``benchmarks/bench_startup.py``). :func:`cached_tree` keeps the validated parameters and tables
of :func:`usmca.law.tree.load_tree` in one pickle file per tree folder and reuses them while the
tree is unchanged.

The cache never changes an answer:

- its key is a BLAKE2 hash of the *content* (not the times) of every file under the tree folder,
  of ``units.yaml`` and the ``usmca.law`` modules that parse them, of the country list the
  validation reads (pycountry's data file, by size and time) and of the Python version; any
  difference is a miss, and the tree is read and validated from the YAML again;
- only a tree that loaded without error is written, so an error in a shipped file is raised (and
  named) on every run;
- an unreadable, truncated or foreign cache file is a miss, never an error; a folder that cannot
  be written (read-only home) only means no cache.

Folder: ``$USMCA_CACHE_DIR`` if set (empty, ``0`` or ``off`` turns the cache off), else
``$XDG_CACHE_HOME/usmca`` (default ``~/.cache/usmca``). The file is a pickle read only from that
folder, which belongs to the user (as the Python bytecode caches do).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .tree import LawTree

__all__ = ["cache_dir", "fingerprint", "cached_tree"]

_FORMAT = "usmca-law-tree-1"
_LAW_DIR = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when ``$USMCA_CACHE_DIR`` turns the cache off."""
    env = os.environ.get("USMCA_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "0", "off", "no", "false") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "usmca"


def _files(root: Path) -> list[Path]:
    out: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        out.extend(Path(folder) / n for n in sorted(names) if not n.endswith((".pyc", ".tmp")))
    return out


def fingerprint(root: Path) -> str:
    """The hash that a cached tree of ``root`` must carry to be used (see the module docstring)."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{_FORMAT}\0{sys.version}\0{root}\0".encode())
    code = sorted(p for p in _LAW_DIR.iterdir() if p.suffix in (".py", ".yaml"))
    for p in [*code, *_files(root)]:
        h.update(str(p.relative_to(root) if p.is_relative_to(root) else p.name).encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    spec = importlib.util.find_spec("pycountry")   # the country list, without importing it
    if spec is not None and spec.origin:
        for p in (Path(spec.origin), Path(spec.origin).parent / "databases" / "iso3166-1.json"):
            if p.is_file():
                st = p.stat()
                h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def _path(folder: Path, root: Path) -> Path:
    tag = hashlib.blake2b(str(root).encode(), digest_size=8).hexdigest()
    return folder / f"law-tree-{tag}.pickle"


def _read(path: Path, key: str) -> LawTree | None:
    from .parameter import Parameter  # noqa: PLC0415
    from .table import TableParameter  # noqa: PLC0415
    from .tree import LawTree  # noqa: PLC0415

    try:
        with path.open("rb") as f:
            doc = pickle.load(f)
    except Exception:  # noqa: BLE001 - any unreadable cache is a miss
        return None
    if not (isinstance(doc, tuple) and len(doc) == 4 and doc[0] == _FORMAT and doc[1] == key
            and isinstance(doc[2], dict) and isinstance(doc[3], dict)
            and all(isinstance(v, Parameter) for v in doc[2].values())
            and all(isinstance(v, TableParameter) for v in doc[3].values())):
        return None
    return LawTree(parameters=MappingProxyType(doc[2]), tables=MappingProxyType(doc[3]))


def _write(path: Path, key: str, tree: LawTree) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump((_FORMAT, key, dict(tree.parameters), dict(tree.tables)), f,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError):
        pass   # no cache: the next run reads the YAML again


def cached_tree(root: Path, load: Callable[[Path], Any]) -> LawTree:
    """The tree of ``root``: from the cache when its fingerprint matches, else ``load(root)``
    (whose errors propagate unchanged), then cached."""
    folder = cache_dir()
    if folder is None:
        return load(root)
    try:
        key = fingerprint(root)
    except OSError:
        return load(root)
    path = _path(folder, root)
    hit = _read(path, key)
    if hit is not None:
        return hit
    tree = load(root)
    if not any(t._frame for t in tree.tables.values()):   # freshly read: no table rows held yet
        _write(path, key, tree)
    return tree
