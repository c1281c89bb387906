"""Audit guards: legal dates and rates used by the builders come from the law tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd

import usmca
from usmca.law import default_tree
from usmca.law.build_auto_tables import P_IN_FORCE, TABLES, in_force, tables_dir

SRC = Path(usmca.__file__).parent
DATE = re.compile(r"^(19|20)\d\d-\d\d-\d\d$")
#: Non-legal dates allowed in code: the base-year date at which the baseline reads the law.
ALLOWED = {("data/baseline/build.py", "BASE_DATE"), ("data/baseline/rekey.py", "LAW_DATE")}
AUDITED = ("scenarios", "report", "data/baseline", "ge", "api", "law/build_auto_tables.py")


def test_auto_tables_in_force_is_the_law_tree_date() -> None:
    tree = default_tree()
    value = str(tree.at(P_IN_FORCE, "2030-01-01"))
    assert in_force() == value
    for name in TABLES.values():
        frame = pd.read_csv(tables_dir() / f"{name}.csv", dtype=str)
        assert set(frame["effective_from"]) == {value}, name


def test_baseline_preferential_duty_is_the_law_tree_value() -> None:
    from usmca.data.baseline.rekey import FACTS_PATH, LAW_DATE, P_PREFERENTIAL

    e = default_tree().entry(P_PREFERENTIAL, LAW_DATE)
    facts = pd.read_csv(FACTS_PATH, dtype=str, keep_default_na=False)
    row = facts[facts.quantity == "tariff_preferential"]
    assert len(row) == 1
    assert float(row.value.iloc[0]) == float(e.value)
    assert row.source_url.iloc[0] == e.reference.url
    assert P_PREFERENTIAL in row.derivation.iloc[0]


def _date_literals(path: Path) -> list[tuple[int, str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and n.body and isinstance(n.body[0], ast.Expr)}
    owner = {id(n.value): n.targets[0].id for n in ast.walk(tree)
             if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)}
    return [(n.lineno, n.value, owner.get(id(n), "")) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
            and DATE.match(n.value)]


def test_no_legal_date_literal_in_audited_code() -> None:
    found = []
    for part in AUDITED:
        base = SRC / part
        for f in ([base] if base.suffix == ".py" else sorted(base.rglob("*.py"))):
            rel = f.relative_to(SRC).as_posix()
            found += [f"{rel}:{line} {value}" for line, value, name in _date_literals(f)
                      if (rel, name) not in ALLOWED]
    assert found == []


def test_date_scanner_finds_a_literal(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text('"""Doc 2020-07-01."""\nX = "2020-07-01"\nBASE_DATE = "2024-07-01"\n', encoding="utf-8")
    assert [(v, n) for _, v, n in _date_literals(f)] == [("2020-07-01", "X"), ("2024-07-01", "BASE_DATE")]
