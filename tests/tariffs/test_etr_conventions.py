"""ETR conventions: the Budget Lab's fixed weights and H2-2025 claim shares beside the project's own."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from usmca.errors import UserInputError
from usmca.tariffs.conventions import budget_lab_flows, check_convention, claim_shares_h2

DOC = Path(__file__).resolve().parents[2] / "docs" / "etr.md"


def _flows(rows: list[tuple[str, str, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["hts10", "partner", "month", "value", "usmca_value"])


def test_claim_share_is_the_mean_of_the_second_half_monthly_shares() -> None:
    f = _flows([("8703230190", "MX", "2025-03", 100.0, 0.0),      # first half: ignored
                ("8703230190", "MX", "2025-07", 100.0, 50.0),
                ("8703230190", "MX", "2025-12", 300.0, 300.0),     # unweighted: (0.5 + 1.0) / 2
                ("7208101500", "CA", "2025-08", 10.0, 0.0)])
    s = claim_shares_h2(f)
    assert s[("8703230190", "MX")] == pytest.approx(0.75)
    assert s[("7208101500", "CA")] == 0.0
    assert ("8703230190", "CA") not in s.index


def test_unknown_convention_is_a_user_error() -> None:
    with pytest.raises(UserInputError, match="one of project, budget-lab"):
        check_convention("yale")


def test_budget_lab_needs_the_second_half_of_2025() -> None:
    with pytest.raises(UserInputError, match="July-December 2025"):
        budget_lab_flows(_flows([("8703230190", "MX", "2025-03", 1.0, 0.0)]), ["2025-03"])


def test_budget_lab_flows_repeat_fixed_weights(shared_data) -> None:  # noqa: ANN001
    from usmca.data.loaders.flows import shared_flows

    base = shared_flows("MX", "2025-01", "2025-12")
    f = budget_lab_flows(base, ["2025-03", "2026-01"])
    a, b = (f[f["month"] == m].set_index("hts10") for m in ("2025-03", "2026-01"))
    pd.testing.assert_series_equal(a["value"], b["value"])
    # the 2024 GTAP-sector totals of the tracker's weights file are kept (lines of sectors it lists)
    assert 12 * a["value"].sum() / 1e9 == pytest.approx(489.35, rel=0.05)
    share = (a["usmca_value"].sum() / a["value"].sum())
    assert 0.8 < share < 0.95          # the H2-2025 claim level, not March's 49 %


def _doc_block() -> str:
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- etr-conventions:begin -->\n(.*?)<!-- etr-conventions:end -->", text, re.S)
    assert m, "docs/etr.md lacks the generated block"
    return m.group(1)


def test_the_doc_table_is_the_command_output(shared_data, tmp_path) -> None:  # noqa: ANN001
    from usmca.cli import app

    copy = tmp_path / "etr.md"
    stale = DOC.read_text(encoding="utf-8").replace(_doc_block(), "stale\n")
    copy.write_text(stale, encoding="utf-8")
    res = CliRunner().invoke(app, ["tariffs", "etr-conventions", "--from", "2025-01", "--to", "2026-02",
                                   "--write-doc", str(copy)])
    assert res.exit_code == 0, res.output
    assert copy.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")
    # and the March-June gap is the IEEPA claim-share effect the doc describes
    row = next(ln for ln in _doc_block().splitlines() if ln.startswith("| 2025-04 "))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert float(cells[3]) < -5.0


def test_write_doc_needs_the_markers(cli, tmp_path) -> None:  # noqa: ANN001
    bad = tmp_path / "x.md"
    bad.write_text("no block here\n", encoding="utf-8")
    flows = tmp_path / "f.csv"
    flows.write_text("hts10,partner,month,value,usmca_value\n8703230190,MX,2025-07,100,50\n", encoding="utf-8")
    res = cli("tariffs", "etr-conventions", "--from", "2025-07", "--to", "2025-07", "--flows", str(flows),
              "--write-doc", str(bad))
    assert res.code == 2 and "no generated block" in res.err and "Traceback" not in res.err
    assert bad.read_text(encoding="utf-8") == "no block here\n"


def test_the_public_figures_table_quotes_the_monthly_table() -> None:
    """docs/etr.md section 3 quotes the toolkit's rates from section 2 (generated): a stale quote fails."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- etr-monthly:begin -->\n(.*?)<!-- etr-monthly:end -->", text, re.S)
    assert block, "docs/etr.md lacks the monthly block"
    rows = {c[0].strip("* "): [x.strip("* ") for x in c[1:]]
            for ln in block.group(1).splitlines() if ln.startswith("| 20") or ln.startswith("| **Year")
            for c in [[x.strip() for x in ln.strip("|").split("|")]]}
    mx = {k: v[3] for k, v in rows.items()}
    ca = {k: v[7] for k, v in rows.items()}
    assert f"| Mexico, 2025 | 3.7 % | collected: calculated duty / customs value | **unverified** seed, no source located " \
           f"(research/trade-facts.md §0) | {mx['Year']} % |" in text
    assert f"| Canada, 2025 | 2.4 % | collected | **unverified** seed | {ca['Year']} % |" in text
    assert f"| {mx['2025-01']} % / {mx['2025-03']} % |" in text and f"| {ca['2025-01']} % / {ca['2025-03']} % |" in text
    assert f"| Mexico, Nov 2025 | 4.18 % | collected (Puente Libre) | secondary | {mx['2025-11']} % |" in text
    assert f"MX {mx['Year']} %, CA {ca['Year']} % (project convention)" in text
