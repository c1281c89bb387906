"""Every computing command, run successfully with ``--json``, writes exactly ONE JSON document.

``json.loads`` on the whole of stdout must succeed (no banner, no table, no second document, no
progress bar on stdout), with exit status 0. Each case also checks one field of the document so
that an empty ``{}`` does not pass. Inputs with a byte-order mark or CRLF line ends must give the
same answer as the clean file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

BOM = "{ex}/auto_part_bom.yaml"

# (arguments, a key path that must be in the document)
SUCCESS = [
    ("law list usmca/ch04 --date 2025-03-01 --json", "parameters"),
    ("law show usmca/ch04/de_minimis/general --date 2025-03-01 --json", "value"),
    ("law diff {ex}/reforms/auto_rvc85.yaml --json", "changes"),
    ("origin qualify " + BOM + " --json", "originating"),
    ("origin qualify " + BOM + " --date 2027-07-01 --reform {ex}/reforms/auto_rvc85.yaml --json", "reform"),
    ("origin qualify {ex} --json", "summary"),
    ("origin qualify {ex} --fast --json", "summary"),
    ("origin qualify {big.json} --json", "originating"),
    ("origin certificate {ex}/electronics_bom.yaml --parties {ex}/certificate/parties.yaml --json", "origin_criterion"),
    ("tariffs duty --hts 8708.40.50 --origin MX --date 2025-06-01 --value 1000 --json", "total_duty"),
    ("tariffs duty --hts 8708.40.50 --origin MX --date 2025-06-01 --value 1000 --usmca --us-content 0.5 --json",
     "components"),
    ("tariffs etr --flows {flows_ok.csv} --from 2025-01 --to 2025-12 --json", "rows"),
    ("tariffs etr --flows {flows_ok.csv} --by hs2,year --components --json", "total"),
    ("data psr-coverage --json", None),
    ("data psr-rule 8402.90 --date 2025-03-01 --json", "encoded"),
]


def _argv(template: str, hostile: dict[str, Path], examples: Path) -> list[str]:
    from .test_cli_hostile import _argv as argv

    return argv(template, hostile, examples)


@pytest.mark.parametrize(("template", "key"), SUCCESS, ids=[s[0][:70] for s in SUCCESS])
def test_json_output_is_one_document(cli, hostile, examples, template: str, key: str | None) -> None:
    r = cli(*_argv(template, hostile, examples))
    assert r.code == 0, r.err
    doc = json.loads(r.out)  # the whole of stdout, or this raises
    if key is not None:
        assert isinstance(doc, dict) and key in doc, sorted(doc)[:20]
    else:
        assert doc, "an empty document"


def test_ge_replicate_json_is_one_document(cli, shared_data: Path) -> None:
    r = cli("ge", "replicate", "cp2015", "--data", str(shared_data / "cp2015"), "--json")
    assert r.code == 0, r.err
    assert "Mexico" in json.loads(r.out)["regions"]


@pytest.mark.parametrize("variant", ["crlf.yaml", "bom_mark.yaml"])
def test_bom_with_byte_order_mark_or_crlf_gives_the_same_answer(cli, hostile, examples, variant: str) -> None:
    clean = cli("origin", "qualify", str(examples / "auto_part_bom.yaml"), "--json").json()
    other = cli("origin", "qualify", str(hostile[variant]), "--json").json()
    for key in ("originating", "criterion", "rvc"):
        assert other[key] == clean[key], key


def test_big_bom_is_fast_and_counts_every_material(cli, hostile) -> None:
    doc = cli("origin", "qualify", str(hostile["big.json"]), "--json").json()
    nonorig = [s for s in doc["trace"] if s["result"].startswith("non-originating")]
    assert len(nonorig) == 10_000


def test_portfolio_with_bad_files_keeps_one_document_and_one_error_line(cli, hostile, examples, tmp_path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for src in (examples / "auto_part_bom.yaml", hostile["neg.yaml"], hostile["garbage.yaml"]):
        (folder / src.name).write_bytes(src.read_bytes())
    r = cli("origin", "qualify", str(folder), "--json")
    assert r.code == 2
    doc = json.loads(r.out)  # the good BOM's result and the two errors, in one document
    assert doc["summary"]["goods"] == 1 and len(doc["errors"]) == 2
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "2 of 3" in lines[0], r.err  # was: one stderr line per bad file
