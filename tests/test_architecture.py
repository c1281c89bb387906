"""The import floors of docs/architecture.md, enforced on every import of every module.

Each top-level unit of ``src/usmca`` (a subpackage or a module) sits on one floor of the table in
docs/architecture.md. An import may go to the importer's own unit or to a unit on a lower floor:
never up, never sideways to a sibling on the same floor, so no cycle between units can form.
Imports are read with :mod:`ast` (module level and inside functions, relative ones resolved) and
include ``importlib.import_module("usmca....")`` with a literal name. There is no exceptions list.
"""

from __future__ import annotations

import ast
import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "usmca"
DOC = ROOT / "docs" / "architecture.md"


@dataclass(frozen=True)
class Edge:
    """``importer`` (a module) imports ``target`` (a module) on ``line``."""

    importer: str
    target: str
    line: int


def read_floors(text: str) -> dict[str, int]:
    """``{unit: floor}`` from the ``floors`` block of docs/architecture.md (lines ``N  unit unit``)."""
    m = re.search(r"```text\nfloors\n(.*?)```", text, re.S)
    if m is None:
        raise AssertionError("docs/architecture.md has no ```text floors``` block")
    floors: dict[str, int] = {}
    for line in m.group(1).splitlines():
        parts = line.split()
        if not parts:
            continue
        if not parts[0].isdigit() or len(parts) < 2:
            raise AssertionError(f"docs/architecture.md: floor line {line!r} is not 'N  unit ...'")
        for unit in parts[1:]:
            if unit in floors:
                raise AssertionError(f"docs/architecture.md: {unit} is on two floors")
            floors[unit] = int(parts[0])
    return floors


def module_name(path: Path, src: Path = SRC) -> str:
    """``src/usmca/origin/rvc.py`` -> ``usmca.origin.rvc``; a package's ``__init__`` -> the package."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def unit_of(module: str) -> str:
    """The top-level unit of a module: ``usmca.origin.rvc`` -> ``origin``; ``usmca`` -> ``usmca``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(path: Path, src: Path = SRC) -> list[Edge]:
    """Every import of ``usmca`` modules in ``path``, wherever it stands in the file."""
    module = module_name(path, src)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[Edge] = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, path.name == "__init__.py")
            # ``from usmca import law`` names the unit in the imported names
            targets = [f"{base}.{a.name}" for a in node.names] if base == "usmca" else [base]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            targets = [node.args[0].value]
        out += [Edge(module, t, node.lineno) for t in targets if t == "usmca" or t.startswith("usmca.")]
    return sorted(out, key=lambda e: e.line)


def all_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@functools.cache
def all_edges() -> tuple[tuple[Path, Edge], ...]:
    return tuple((path, e) for path in all_modules() for e in imports_of(path))


def all_units() -> set[str]:
    units = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    units |= {p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    return units | {"usmca"}


def unit_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for _, e in all_edges():
        a, b = unit_of(e.importer), unit_of(e.target)
        if a != b:
            graph[a].add(b)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one unit (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    nodes = sorted(set(graph) | {b for bs in graph.values() for b in bs})
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    x = stack.pop()
                    on.discard(x)
                    comp.append(x)
                    if x == v:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


@pytest.fixture(scope="module")
def floors() -> dict[str, int]:
    return read_floors(DOC.read_text(encoding="utf-8"))


def test_every_unit_has_a_floor(floors: dict[str, int]) -> None:
    missing = sorted(all_units() - set(floors))
    assert not missing, f"give these units of src/usmca a floor in docs/architecture.md: {missing}"


def test_no_import_goes_up_or_sideways(floors: dict[str, int]) -> None:
    bad = []
    for path, e in all_edges():
        a, b = unit_of(e.importer), unit_of(e.target)
        if a != b and floors.get(b, 99) >= floors.get(a, -1):
            bad.append(f"{path.relative_to(ROOT)}:{e.line}: {e.importer} (floor {floors.get(a)}) "
                       f"imports {e.target} (floor {floors.get(b)})")
    assert not bad, "imports against the floors of docs/architecture.md:\n" + "\n".join(bad)


def test_no_cycle_between_packages() -> None:
    assert cycles(unit_graph()) == []


# --- the checker itself must be able to fail ---------------------------------------------------

def test_checker_sees_function_level_relative_and_importlib_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "src" / "usmca" / "law"
    pkg.mkdir(parents=True)
    f = pkg / "view.py"
    f.write_text("import os\nfrom ..errors import UserInputError\n\n"
                 "def g():\n    from usmca.cli import main\n    import importlib\n"
                 "    return importlib.import_module('usmca.origin.rvc')\n", encoding="utf-8")
    got = [(e.target, e.line) for e in imports_of(f, tmp_path / "src")]
    assert got == [("usmca.errors", 2), ("usmca.cli", 5), ("usmca.origin.rvc", 7)]


def test_cycles_are_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_floor_table_is_read_and_checked() -> None:
    assert read_floors("```text\nfloors\n  1  a  b\n  0  c\n```") == {"a": 1, "b": 1, "c": 0}
    with pytest.raises(AssertionError, match="two floors"):
        read_floors("```text\nfloors\n  1  a\n  0  a\n```")
