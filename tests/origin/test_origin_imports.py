"""The origin engine is composed, not looked up: no import cycle inside ``usmca.origin``, no importlib.

The core (context, determine, ...) never imports the engines it is composed with (``autos``,
``psr``); :mod:`usmca.origin.qualify` wires them. Top-level imports only (``TYPE_CHECKING`` blocks
excluded); the repo-wide layering test lives in ``tests/test_architecture.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import usmca.origin

ROOT = Path(usmca.origin.__file__).resolve().parent
PKG = "usmca.origin"


def _modules() -> dict[str, Path]:
    out = {}
    for f in ROOT.rglob("*.py"):
        rel = f.relative_to(ROOT.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out["usmca." + ".".join(parts)] = f
    return out


def _imports(name: str, f: Path, known: set[str]) -> set[str]:
    is_pkg = f.name == "__init__.py"
    deps: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                parts = name.split(".") if is_pkg else name.split(".")[:-1]
                base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else [])) \
                    if node.level else (node.module or "")
                deps.add(base)
                deps.update(f"{base}.{a.name}" for a in node.names)
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(node.orelse)
                for h in getattr(node, "handlers", []):
                    visit(h.body)

    visit(ast.parse(f.read_text(encoding="utf-8")).body)
    return {d for d in deps if d in known and d != name}


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {m: _imports(m, f, set(mods)) for m, f in mods.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in graph:
        if v not in index:
            strong(v)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_inside_origin() -> None:
    graph = _graph()
    assert len(graph) > 40
    assert _cycles(graph) == []


def test_the_core_does_not_import_the_engines_it_is_composed_with() -> None:
    graph = _graph()
    core = [m for m in graph if not m.startswith((f"{PKG}.autos", f"{PKG}.psr", f"{PKG}.certificate"))
            and m not in (PKG, f"{PKG}.qualify")]
    for m in core:
        bad = {d for d in graph[m] if d.startswith((f"{PKG}.autos", f"{PKG}.psr"))}
        assert not bad, (m, bad)


def test_no_importlib_in_origin() -> None:
    for f in ROOT.rglob("*.py"):
        if "psr" in f.relative_to(ROOT).parts:
            continue  # the PSR library's package init is another task's (its lazy loader is noted there)
        assert "importlib" not in f.read_text(encoding="utf-8"), f
