"""The law tree: every parameter file under ``usmca/law/params``, addressed by its path.

``usmca/ch04/de_minimis/general.yaml`` is the parameter ``usmca/ch04/de_minimis/general``: the
folder tree mirrors the legal hierarchy (agreement, chapter, article), as in PolicyEngine.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, TypeVar

from usmca.errors import LawError, ShippedDataError

from .parameter import Parameter, parse_parameter
from .table import TableParameter, parse_table
from .values import Entry, load_yaml
from .view import LawView

if TYPE_CHECKING:  # numpy and pandas are imported on use: `usmca law show` starts without them (bench_startup.py)
    import numpy as np
    import pandas as pd

    from .reform import Reform

__all__ = ["LawTree", "load_tree", "default_tree", "PARAMS_ROOT"]

PARAMS_ROOT = Path(__file__).resolve().parent / "params"
#: How many days' views a tree keeps (a portfolio rarely spans more dates).
_MAX_VIEWS = 64
_NOTHING = object()
T = TypeVar("T")


@dataclass(frozen=True)
class LawTree:
    """An immutable set of parameters and tables; reforms return new trees.

    Parameters
    ----------
    parameters
        Scalar parameters by path.
    tables
        Table parameters by path.
    reforms
        Descriptions of the reforms applied to reach this tree (empty for the law in force).
    """

    parameters: Mapping[str, Parameter]
    tables: Mapping[str, TableParameter]
    reforms: tuple[str, ...] = ()
    _views: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key: Any, build: Callable[[], T]) -> T:
        """A value computed once from this tree's parameters, whatever the date (an index of
        paths...). ``build`` must read only the tree: the tree is immutable, so the value is safe
        to share between views and threads (a race builds it twice, both equal)."""
        hit = self._memo.get(key, _NOTHING)
        if hit is _NOTHING:
            hit = build()
            self._memo[key] = hit
        return hit

    def on(self, date: Any) -> "LawView":
        """The law in force on ``date``: a :class:`usmca.law.view.LawView` (one per tree and day).

        The view caches its reads; the tree keeps the views of the last days asked for, so the
        determinations of a portfolio on one day share them. An array of dates gives a vectorised
        view (not kept).
        """
        if is_many(date):
            return LawView(self, date)
        view = LawView(self, date)
        key = view.date
        hit = self._views.get(key)
        if hit is not None:
            return hit
        if len(self._views) >= _MAX_VIEWS:
            try:  # oldest first; another thread may be trimming too (API worker threads)
                self._views.pop(next(iter(self._views)), None)
            except (RuntimeError, StopIteration):
                pass
        return self._views.setdefault(key, view)

    def parameter(self, path: str) -> Parameter:
        """The parameter at ``path``; raises :class:`LawError` naming the path if unknown."""
        try:
            return self.parameters[_norm(path)]
        except KeyError:
            raise LawError("law", "path", path, _unknown_hint(self, path)) from None

    def node(self, path: str) -> Parameter | TableParameter:
        """A parameter or a table by path."""
        p = _norm(path)
        if p in self.tables:
            return self.tables[p]
        return self.parameter(p)

    def entry(self, path: str, date: Any) -> Entry:
        """The entry (value, unit, reference, effective date) in force on ``date``."""
        return self.parameter(path).entry(date)

    def at(self, path: str, date: Any) -> Any:
        """The value of ``path`` in force on ``date``."""
        return self.parameter(path).at(date)

    def get(self, path: str, date: Any, default: Any = None) -> Any:
        """The value of an optional parameter (e.g. a review option) on ``date``.

        ``default`` when the path is not in the tree, the parameter is not yet in force, or its
        value is ``None`` (expired); unlike :meth:`at`, which raises in the first two cases.
        """
        p = _norm(path)
        if p not in self.parameters:
            return default
        try:
            value = self.parameters[p].at(date)
        except LawError:
            return default
        return default if value is None else value

    def at_many(self, path: str, dates: Any) -> np.ndarray:
        """The values of ``path`` in force on each of ``dates`` (vectorised by searchsorted)."""
        return self.parameter(path).at_many(dates)

    def table(self, path: str, date: Any | None = None) -> pd.DataFrame:
        """The rows of the table at ``path`` in force on ``date`` (all rows when None)."""
        p = _norm(path)
        if p not in self.tables:
            raise LawError("law", "path", path, "not a table of the law tree")
        return self.tables[p].rows_at(date)

    def paths(self, prefix: str = "") -> list[str]:
        """Sorted paths of parameters and tables under ``prefix``."""
        pre = _norm(prefix)
        every = self.derived("paths", lambda: sorted([*self.parameters, *self.tables]))
        return [p for p in every if not pre or p == pre or p.startswith(pre + "/")]

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths())

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and (_norm(path) in self.parameters or _norm(path) in self.tables)

    def with_reform(self, reform: "Reform") -> "LawTree":
        """A new tree with ``reform`` applied (validated all-or-nothing first)."""
        return reform.apply(self)


def is_many(date: Any) -> bool:
    """Whether ``date`` is an array of dates (a numpy array, list, tuple, pandas Series/Index).

    numpy is not imported to ask: a numpy array exists only once numpy is (start-up time).
    """
    np_mod = sys.modules.get("numpy")
    return (isinstance(date, (list, tuple)) or (np_mod is not None and isinstance(date, np_mod.ndarray))
            or getattr(date, "ndim", 0) >= 1)


def _norm(path: str) -> str:
    return path.strip().strip("/").replace(".", "/") if "/" not in path else path.strip().strip("/")


def _unknown_hint(tree: LawTree, path: str) -> str:
    inside = tree.paths(_norm(path)) if _norm(path) else []
    if inside:  # a folder of the tree, not a parameter
        return (f"a folder of {len(inside)} parameters, not a parameter (e.g. {', '.join(inside[:3])}; "
                f"usmca law list {_norm(path)})")
    parent = _norm(path).rsplit("/", 1)[0]
    near = tree.paths(parent)[:3] if parent else []
    return "unknown parameter path" + (f" (under {parent}: {', '.join(near)})" if near else "")


def load_tree(root: str | Path | None = None) -> LawTree:
    """Read and validate every parameter file under ``root`` (default: the package's tree).

    Raises
    ------
    LawError
        At the first file that breaks the schema, naming the file and the key.
    """
    import yaml  # noqa: PLC0415 - start-up time: the default tree is usually read from its cache

    base = Path(root) if root is not None else PARAMS_ROOT
    if not base.is_dir():
        raise LawError(str(base), "", None, "the law tree folder does not exist")
    params: dict[str, Parameter] = {}
    tables: dict[str, TableParameter] = {}
    for f in sorted(base.rglob("*.yaml")):
        rel = f.relative_to(base).with_suffix("").as_posix()
        if f.name.startswith("_") or f.name == "index.yaml":
            continue
        source = f.relative_to(base).as_posix()
        try:
            raw = load_yaml(f.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else ""
            raise LawError(source, where, None, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
        if isinstance(raw, dict) and raw.get("unit") == "table":
            tables[rel] = parse_table(rel, raw, f, source)
        else:
            params[rel] = parse_parameter(rel, raw, source)
    return LawTree(parameters=MappingProxyType(params), tables=MappingProxyType(tables))


@functools.lru_cache(maxsize=1)
def default_tree() -> LawTree:
    """The law in force as encoded in the package (loaded once, immutable).

    Read through an on-disk cache keyed by the files' content (:mod:`usmca.law.cache`; start-up
    time): the same tree, without parsing the YAML again while nothing changed.

    Raises
    ------
    ShippedDataError
        A parameter file of the package breaks the schema: a bug in the shipped law, reported
        with the file (relative to ``law/params``), the key and the value.
    """
    from .cache import cached_tree  # noqa: PLC0415

    try:
        return cached_tree(PARAMS_ROOT, load_tree)
    except LawError as exc:
        at = LawError(f"src/usmca/law/params/{exc.source}", exc.field, exc.value, exc.reason)
        raise ShippedDataError("law", at) from exc
