"""Hostile input files for the command-line QA tests, written once per session into a temp folder.

``hostile`` maps a short name to a path: missing files, folders, empty and binary files, invalid
YAML/JSON/CSV, a BOM with a byte-order mark or CRLF line ends, a BOM of 10,000 materials, deeply
nested documents, reforms and flow tables with bad cells. ``examples`` is the repo's examples folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_REF = "reference: {instrument: a, provision: b, url: 'https://example.org'}\n"
_FLOW_HEAD = "hts10,partner,month,value,usmca_value\n"


def _reform(change: str) -> str:
    return f"description: x\n{_REF}changes:\n{change}"


@pytest.fixture(scope="session")
def examples() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("hostile")
    bom_text = (EXAMPLES / "auto_part_bom.yaml").read_text(encoding="utf-8")
    files: dict[str, bytes | str] = {
        "empty.yaml": "",
        "garbage.yaml": bytes(range(256)) * 8,
        "garbage.csv": bytes(range(256)) * 8,
        "bad.yaml": "good: [unclosed\n  - x: {",
        "bad.json": '{"good": ',
        "bom_only.yaml": b"\xef\xbb\xbf",
        "list.yaml": "- 1\n- 2\n",
        "scalar.yaml": "just a string\n",
        "crlf.yaml": bom_text.replace("\n", "\r\n"),
        "bom_mark.yaml": b"\xef\xbb\xbf" + bom_text.encode("utf-8"),
        "neg.yaml": bom_text.replace("value: 260.00", "value: -5"),
        "nan.yaml": bom_text.replace("value: 260.00", "value: .nan"),
        "huge.yaml": bom_text.replace("value: 260.00", "value: 1e400"),
        "strval.yaml": bom_text.replace("value: 260.00", 'value: "abc"'),
        "unkcc.yaml": bom_text.replace("produced_in: MX", "produced_in: ZZ"),
        "unkcc_mat.yaml": bom_text.replace("country: JP", "country: QQ"),
        "baddate.yaml": bom_text.replace("date: 2025-03-01", "date: 2025-02-30"),
        "olddate.yaml": bom_text.replace("date: 2025-03-01", "date: 1900-01-01"),
        "badhs.yaml": bom_text.replace('hs: "8708.40"', 'hs: "87x8.40"', 1),
        "deep.json": '{"good": ' + "[" * 5000 + "]" * 5000 + "}",
        "deep.yaml": "good: " + "[" * 5000 + "]" * 5000 + "\n",
        "reform_bad_path.yaml": _reform("  no/such/param:\n    2027-01-01: 5\n"),
        "reform_bad_date.yaml": _reform("  usmca/ch04/de_minimis/general:\n    2027-02-30: 5\n"),
        "reform_str.yaml": _reform("  usmca/ch04/de_minimis/general:\n    2027-01-01: abc\n"),
        "reform_nan.yaml": _reform("  usmca/ch04/de_minimis/general:\n    2027-01-01: .nan\n"),
        "reform_neg.yaml": _reform("  usmca/ch04/de_minimis/general:\n    2027-01-01: -50\n"),
        "reform_range.yaml": _reform("  usmca/ch04/de_minimis/general:\n    2031-01-01..2030-01-01: 5\n"),
        "reform_changes_list.yaml": "description: x\nchanges: [1, 2]\n",
        "flows_empty.csv": "",
        "flows_cols.csv": "a,b\n1,2\n",
        "flows_month.csv": _FLOW_HEAD + "8708400000,MX,2025-13,100,50\n",
        "flows_neg.csv": _FLOW_HEAD + "8708400000,MX,2025-03,-100,50\n",
        "flows_nan.csv": _FLOW_HEAD + "8708400000,MX,2025-03,nan,50\n",
        "flows_over.csv": _FLOW_HEAD + "8708400000,MX,2025-03,100,500\n",
        "flows_hts.csv": _FLOW_HEAD + "abc,MX,2025-03,100,50\n",
        "flows_cc.csv": _FLOW_HEAD + "8708400000,ZZ,2025-03,100,50\n",
        "flows_ok.csv": _FLOW_HEAD + "8708400000,MX,2025-03,100,50\n",
        "parties_list.yaml": "- a\n",
        "hts_empty.json": "[]",
        "hts_badgz.json": b"\x1f\x8b" + bytes(range(64)),
    }
    laughs = ["good: {hs: '8708.40', produced_in: MX, date: '2025-03-01', method: NC, costs: {total_cost: 100}}",
              "x0: &m0 {hs: '8483.40', value: 1, origin: non_originating, country: CN}"]
    laughs += [f"x{i}: &m{i} {{hs: '8483.40', value: 1, origin: originating, country: MX, "
               f"materials: [*m{i - 1}, *m{i - 1}]}}" for i in range(1, 26)]
    files["laughs.yaml"] = "\n".join([*laughs, "materials: [*m25]", ""])
    files["cycle.yaml"] = "good: &a {hs: '8708.40', materials: [*a]}\nmaterials: []\n"
    files["reform_cc.yaml"] = _reform("  us/general_note_11/parties:\n    2027-01-01: [ZZ]\n")
    out: dict[str, Path] = {}
    for name, content in files.items():
        p = d / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8", newline="")
        out[name] = p
    big = yaml.safe_load(bom_text)
    big["good"]["date"] = "2025-03-01"
    big["materials"] = [{"id": f"m{i}", "hs": "8483.40", "value": 0.01, "origin": "non_originating",
                         "country": "CN"} for i in range(10_000)]
    (d / "big.json").write_text(json.dumps(big), encoding="utf-8-sig")
    out["big.json"] = d / "big.json"
    chain: dict = {"id": "leaf", "hs": "8483.40", "value": 1.0, "origin": "non_originating", "country": "CN"}
    for i in range(300):
        chain = {"id": f"a{i}", "hs": "8483.40", "value": 1.0, "origin": "originating", "country": "MX",
                 "materials": [chain]}
    big["materials"] = [chain]
    (d / "chain.json").write_text(json.dumps(big), encoding="utf-8")
    out["chain.json"] = d / "chain.json"
    for name in ("adir", "emptydir"):
        (d / name).mkdir()
        out[name] = d / name
    out["missing.yaml"] = d / "missing.yaml"
    out["missing.csv"] = d / "missing.csv"
    out["root"] = d
    return out
