"""Property-based fuzz of the user file formats: a mutated BOM, reform, scenario or flow table is
either answered or refused with one ``UserInputError`` line (exit 2), never an internal error
(exit 1 with a traceback) and never a hang (hypothesis ``deadline``). Example counts are bounded
so that the suite stays fast."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usmca.errors import UserInputError

ROOT = Path(__file__).resolve().parents[2]
FUZZ = settings(max_examples=15, deadline=20_000, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
            | st.floats() | st.text(max_size=12) | st.sampled_from(["", "8501.52", "MX", "2099-01-01", "1e308", "-1"]))
_values = st.recursive(_scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
                       max_leaves=6)


def _slots(doc: Any, out: list) -> list:
    """Every (container, key) of a document, depth first."""
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for k, v in items:
        out.append((doc, k))
        _slots(v, out)
    return out


def _mutate(doc: Any, data: st.DataObject) -> Any:
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        slots = _slots(doc, [])
        if not slots:
            break
        box, key = slots[data.draw(st.integers(0, len(slots) - 1), label="slot")]
        if data.draw(st.booleans(), label="delete") and isinstance(box, dict):
            del box[key]
        else:
            box[key] = data.draw(_values, label="value")
    return doc


def _dump(doc: Any, path: Path) -> Path:
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _answered_or_refused(res: Any) -> None:
    """Exit 2 with one ``error:`` line, or a JSON answer (exit 0, or 1 for a negative verdict)."""
    assert "internal error" not in res.err and "Traceback" not in res.err, res.err[-300:]
    if res.code == 2:
        lines = res.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), res.err[-300:]
    else:
        assert res.code in (0, 1), (res.code, res.err[-300:])
        json.loads(res.out)


BOM = yaml.safe_load((ROOT / "examples" / "electronics_bom.yaml").read_text(encoding="utf-8"))
REFORM = yaml.safe_load((ROOT / "examples" / "reforms" / "auto_rvc85.yaml").read_text(encoding="utf-8"))
SCENARIO = yaml.safe_load((ROOT / "src" / "usmca" / "scenarios" / "library" / "a_status_quo_2025.yaml")
                          .read_text(encoding="utf-8"))


@FUZZ
@given(data=st.data())
def test_fuzzed_bom(cli: Any, tmp_path: Path, data: st.DataObject) -> None:
    path = _dump(_mutate(BOM, data), tmp_path / "bom.yaml")
    _answered_or_refused(cli("origin", "qualify", str(path), "--json"))


@FUZZ
@given(data=st.data())
def test_fuzzed_reform(cli: Any, tmp_path: Path, data: st.DataObject) -> None:
    path = _dump(_mutate(REFORM, data), tmp_path / "reform.yaml")
    _answered_or_refused(cli("law", "diff", str(path), "--json"))


@FUZZ
@given(data=st.data())
def test_fuzzed_scenario_is_read_or_refused(tmp_path: Path, data: st.DataObject) -> None:
    from usmca.scenarios.schema import load_scenario

    path = _dump(_mutate(SCENARIO, data), tmp_path / "scenario.yaml")
    try:
        load_scenario(path)
    except UserInputError as exc:
        assert "\n" not in exc.one_line()


_cells = st.one_of(st.sampled_from(["8703230190", "MX", "CA", "2025-03", "1000", "500", "", "-1", "nan", "1e308",
                                    "ZZ", "2025-13", "12345"]), st.text(max_size=8))


@FUZZ
@given(rows=st.lists(st.lists(_cells, min_size=5, max_size=5), max_size=6), header=st.booleans())
def test_fuzzed_flow_table_is_read_or_refused(tmp_path: Path, rows: list, header: bool) -> None:
    from usmca.data.loaders.flows import read_flow_csv

    path = tmp_path / "flows.csv"
    head = "hts10,partner,month,value,usmca_value\n" if header else ""
    body = "".join(",".join(c.replace(",", " ").replace("\n", " ").replace("\r", " ").replace('"', " ") for c in r) + "\n"
                   for r in rows)
    path.write_text(head + body, encoding="utf-8")
    try:
        df = read_flow_csv(path)
    except UserInputError as exc:
        assert "\n" not in exc.one_line()
        return
    assert bool((df["value"] >= 0).all()) and bool((df["usmca_value"] <= df["value"]).all())
    assert all(math.isfinite(v) for v in df["value"])
