"""Hostile invocations of every ``usmca`` command: exit 2 and ONE line on stderr naming the culprit.

Each row is ``(arguments, culprit)``: ``{name}`` is a file of the ``hostile`` fixture, ``{ex}`` the
examples folder. The run must exit 2, write exactly one stderr line starting ``error:`` that
contains ``culprit`` (the file, option, field or value at fault), print no traceback, and leave
every input file byte-for-byte as it was. The rows marked "was:" reproduce bugs found by this QA
pass (a traceback or a silent answer before the fix).
"""

from __future__ import annotations

import hashlib
import re
import shlex
from pathlib import Path

import pytest

BOM = "{ex}/auto_part_bom.yaml"
PARTIES = "{ex}/certificate/parties.yaml"
DUTY = "tariffs duty --hts 8708.40.50 --origin MX --date 2025-06-01 --value 1000 --json"
ETR = "tariffs etr --json --from 2025-01 --to 2025-12 --flows"

CASES: list[tuple[str, str]] = [
    # origin qualify: files
    ("origin qualify {missing.yaml} --json", "missing.yaml"),
    ("origin qualify {emptydir} --json", "emptydir"),
    ("origin qualify {empty.yaml} --json", "empty.yaml"),
    ("origin qualify {garbage.yaml} --json", "garbage.yaml"),
    ("origin qualify {bad.yaml} --json", "bad.yaml"),
    ("origin qualify {bad.json} --json", "bad.json"),
    ("origin qualify {bom_only.yaml} --json", "bom_only.yaml"),
    ("origin qualify {list.yaml} --json", "list.yaml"),
    ("origin qualify {scalar.yaml} --json", "scalar.yaml"),
    ("origin qualify {deep.json} --json", "deep.json"),
    ("origin qualify {deep.yaml} --json", "deep.yaml"),
    ("origin qualify {laughs.yaml} --json", "aliases expand"),  # was: hung (billion laughs)
    ("origin qualify {cycle.yaml} --json", "refers to itself"),
    ("origin qualify {chain.json} --json", "levels"),  # was: a 3,000-character field name
    ("law diff {laughs.yaml} --json", "aliases expand"),
    ("law diff {reform_cc.yaml} --json", "ZZ"),  # was: exit 0, GN11 parties set to ZZ
    # origin qualify: fields
    ("origin qualify {neg.yaml} --json", "materials[0].value"),
    ("origin qualify {nan.yaml} --json", "materials[0].value"),
    ("origin qualify {huge.yaml} --json", "materials[0].value"),
    ("origin qualify {strval.yaml} --json", "materials[0].value"),
    ("origin qualify {badhs.yaml} --json", "good.hs"),
    ("origin qualify {baddate.yaml} --json", "2025-02-30"),
    ("origin qualify {olddate.yaml} --json", "1900-01-01"),
    ("origin qualify {unkcc.yaml} --json", "good.produced_in"),  # was: exit 0, 'not originating'
    ("origin qualify {unkcc_mat.yaml} --json", "country"),  # was: accepted QQ as a country
    ("origin qualify " + BOM + " --date 2025-02-30 --json", "2025-02-30"),
    ("origin qualify " + BOM + " --date 1900-01-01 --json", "1900-01-01"),
    ("origin qualify " + BOM + " --date abc --json", "--date"),
    # reforms (shared by every command that takes --reform)
    ("origin qualify " + BOM + " --reform {garbage.yaml} --json", "garbage.yaml"),  # was: UnicodeDecodeError
    ("origin qualify " + BOM + " --reform {deep.yaml} --json", "deep.yaml"),  # was: RecursionError
    ("origin qualify " + BOM + " --reform {adir} --json", "adir"),
    ("law diff {garbage.yaml} --json", "garbage.yaml"),  # was: UnicodeDecodeError
    ("law diff {deep.yaml} --json", "deep.yaml"),  # was: RecursionError
    ("law diff {missing.yaml} --json", "missing.yaml"),
    ("law diff {empty.yaml} --json", "empty.yaml"),
    ("law diff {reform_bad_path.yaml} --json", "no/such/param"),
    ("law diff {reform_bad_date.yaml} --json", "2027-02-30"),
    ("law diff {reform_str.yaml} --json", "abc"),
    ("law diff {reform_nan.yaml} --json", "nan"),
    ("law diff {reform_neg.yaml} --json", "-50"),
    ("law diff {reform_range.yaml} --json", "2031-01-01..2030-01-01"),
    ("law diff {reform_changes_list.yaml} --json", "changes"),
    ("law show usmca/ch04/de_minimis/general --reform {garbage.yaml} --json", "garbage.yaml"),
    (DUTY + " --reform {garbage.yaml}", "garbage.yaml"),
    # law
    ("law list nope/prefix --json", "nope/prefix"),
    ("law list --date 2025-02-30 --json", "2025-02-30"),
    ("law show nope --json", "nope"),
    ("law show usmca/ch04_appendix_autos --json", "a folder of"),  # was: hinted unrelated paths
    ("origin qualify {ex} --fast --date 2025-02-30 --json", "2025-02-30"),
    ("origin certificate " + BOM + " --parties " + PARTIES + " --out " + BOM, "--out"),
    ("law show usmca/ch04/de_minimis/general --date 1800-01-01 --json", "1800-01-01"),
    ("law show usmca/ch04/de_minimis/general --date 99999-01-01 --json", "99999-01-01"),
    # origin certificate
    ("origin certificate " + BOM + " --parties {garbage.yaml} --json", "garbage.yaml"),  # was: UnicodeDecodeError
    ("origin certificate " + BOM + " --parties {missing.yaml} --json", "missing.yaml"),
    ("origin certificate " + BOM + " --parties {adir} --json", "adir"),
    ("origin certificate " + BOM + " --parties {empty.yaml} --json", "empty.yaml"),
    ("origin certificate " + BOM + " --parties {parties_list.yaml} --json", "parties_list.yaml"),
    # was: FileNotFoundError
    ("origin certificate " + BOM + " --parties " + PARTIES + " --json --out {root}/no/such/dir/c.html", "--out"),
    ("origin certificate " + BOM + " --parties " + PARTIES + " --json --out {adir}", "--out"),  # was: IsADirectoryError
    ("origin certificate " + BOM + " --parties " + PARTIES + " --json --blanket-from 2025-02-30 --blanket-to 2025-12-31",
     "2025-02-30"),
    ("origin certificate " + BOM + " --parties " + PARTIES + " --json --blanket-from 2025-06-01 --blanket-to 2025-01-01",
     "2025-01-01"),
    ("origin certificate " + BOM + " --parties " + PARTIES + " --json --blanket-from 2025-01-01 --blanket-to 2030-01-01",
     "blanket"),
    ("origin certificate {garbage.yaml} --parties " + PARTIES + " --json", "garbage.yaml"),
    # tariffs duty
    (DUTY.replace("8708.40.50", "abc"), "--hts"),
    (DUTY.replace("8708.40.50", "9999999999"), "--hts"),
    (DUTY.replace("--origin MX", "--origin ZZ"), "--origin"),  # was: exit 0, ZZ taxed as a country
    (DUTY.replace("--origin MX", "--origin mexico"), "--origin"),
    (DUTY.replace("2025-06-01", "2025-02-30"), "--date"),
    (DUTY.replace("2025-06-01", "1900-01-01"), "1900-01-01"),
    (DUTY.replace("--value 1000", "--value -5"), "--value"),
    (DUTY.replace("--value 1000", "--value nan"), "--value"),
    (DUTY.replace("--value 1000", "--value inf"), "--value"),
    (DUTY.replace("--value 1000", "--value 1e308"), "--value"),  # was: exit 0 with total_duty null
    (DUTY.replace("--value 1000", "--value abc"), "--value"),
    (DUTY + " --us-content 2", "--us-content"),
    (DUTY + " --us-content nan", "--us-content"),
    (DUTY + " --quantity -3", "--quantity"),
    (DUTY + " --unit-value 0", "--unit-value"),
    # tariffs etr
    (ETR + " {missing.csv}", "missing.csv"),
    (ETR + " {adir}", "adir"),
    (ETR + " {flows_empty.csv}", "flows_empty.csv"),  # was: pandas EmptyDataError traceback
    (ETR + " {garbage.csv}", "garbage.csv"),
    (ETR + " {flows_cols.csv}", "flows_cols.csv"),
    (ETR + " {flows_month.csv}", "month"),
    (ETR + " {flows_neg.csv}", "value"),
    (ETR + " {flows_nan.csv}", "value"),
    (ETR + " {flows_over.csv}", "usmca_value"),
    (ETR + " {flows_hts.csv}", "hts10"),
    (ETR + " {flows_cc.csv}", "partner"),  # was: exit 0, ZZ taken as a partner
    (ETR + " {flows_ok.csv} --partner ZZ", "--partner"),
    (ETR + " {flows_ok.csv} --by nonsense", "nonsense"),
    (ETR + " {flows_ok.csv} --us-content nan", "--us-content"),
    ("tariffs etr --json --from 2025-13", "--from"),
    ("tariffs etr --json --from 2025-06 --to 2025-01", "--from"),
    # data
    ("data psr-rule abc --json", "abc"),
    ("data psr-rule 9999.99 --json", "9999.99"),  # was: KeyError 99 traceback
    ("data psr-rule 8402.90 --date 2025-02-30 --json", "2025-02-30"),
    ("data psr-rule 8402.90 --date 1900-01-01 --json", "1900-01-01"),  # was: exit 0, a rule in 1900
    ("data load psr {missing.yaml} --out {root}/psr1 --json", "missing.yaml"),
    ("data load psr {adir} --out {root}/psr2 --json", "adir"),
    ("data load hts {missing.yaml} --store {root}/s.duckdb --json", "missing.yaml"),
    ("data load hts {garbage.yaml} --store {root}/s.duckdb --json", "garbage.yaml"),
    ("data load hts {bad.json} --store {root}/s.duckdb --json", "bad.json"),
    ("data load hts {deep.json} --store {root}/s.duckdb --json", "deep.json"),
    ("data load hts {adir} --store {root}/s.duckdb --json", "adir"),
    ("data load hts {hts_empty.json} --store {root}/never.duckdb --json", "hts_empty.json"),  # was: KeyError
    ("data load hts {hts_badgz.json} --store {root}/never.duckdb --json", "hts_badgz.json"),
    ("data load dataweb {missing.csv} --store {root}/s.duckdb --json", "missing.csv"),
    ("data load dataweb {garbage.csv} --store {root}/s.duckdb --json", "garbage.csv"),
    ("data load dataweb {empty.yaml} --store {root}/s.duckdb --json", "empty.yaml"),
    ("data load baci {missing.csv} --store {root}/s.duckdb --json", "missing.csv"),
    ("data load baci {garbage.csv} --store {root}/s.duckdb --json", "garbage.csv"),
    ("data load census --from 2025-13 --json", "--from"),
    ("data load census --from 2025-05 --to 2025-01 --json", "--to"),  # was: exit 0, nothing loaded
    ("data load census --from 2025-01 --level HS99 --json", "--level"),
    ("data download hts --out {root}/dl.json --url notaurl --json", "--url"),  # was: ValueError traceback
    ("data download hts --out {root}/no/dir/dl.json --url https://example.org --json", "--out"),
    # ge (options checked before any data is read)
    ("ge solve --json --model nope --tariffs {flows_ok.csv}", "nope"),
    ("ge solve --json --model caliendo-parro --tariffs {flows_ok.csv} --theta nan", "--theta"),
    ("ge solve --json --model gravity --tariffs {flows_ok.csv} --sigma 1", "--sigma"),
    ("ge replicate cp2015 --draws -1 --json", "--draws"),
    ("ge replicate yotov-nafta --sigma 1 --json", "--sigma"),
    ("ge replicate yotov-nafta --draws -1 --json", "--draws"),
    # serve (validated before the server starts)
    ("serve --port -1", "--port"),
    ("serve --log-level nonsense", "--log-level"),
]


def _argv(template: str, hostile: dict[str, Path], examples: Path) -> list[str]:
    subst = {k: str(v) for k, v in hostile.items()}
    subst["ex"] = str(examples)
    return shlex.split(re.sub(r"\{([\w.]+)\}", lambda m: subst[m.group(1)], template))


def _digest(paths: list[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


@pytest.mark.parametrize(("template", "culprit"), CASES, ids=[c[0][:70] for c in CASES])
def test_hostile_invocation_is_one_line_exit_2(cli, hostile, examples, template: str, culprit: str) -> None:
    argv = _argv(template, hostile, examples)
    inputs = [Path(a) for a in argv if "/" in a]
    before = _digest(inputs)
    r = cli(*argv)
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert "Traceback" not in r.err
    assert r.code == 2, (r.code, r.err[-500:])
    assert len(lines) == 1, r.err
    assert len(lines[0]) < 600, "one line, not a page"
    assert lines[0].startswith("error: "), lines[0]
    assert culprit in lines[0], lines[0]
    assert r.out.strip() == "", "an error must not also write a JSON document"
    assert _digest(inputs) == before, "an input file was modified"
