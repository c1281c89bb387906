"""The "how this compares" table and the review's command-line options for the economics."""

from __future__ import annotations

import pandas as pd
import pytest

from usmca.data.baseline.elasticities import ELASTICITIES_PATH
from usmca.scenarios.compare import comparisons, load_published


def test_every_published_row_is_cited_and_explained() -> None:
    rows = load_published()
    assert len(rows) >= 5
    for r in rows:
        assert r["url"].startswith(("http://", "https://"))
        assert r["study"] and r["measure"] and r["horizon"] and len(r["why_differs"]) > 40
        assert isinstance(r["value_pct"], (int, float))


def test_review_json_has_the_comparison_table(cli) -> None:
    res = cli("review", "--json", "--scenario", "termination", "--scenario", "status_quo_2025", "--draws", "8")
    assert res.code == 0, res.err
    d = res.json()
    rows = d["comparisons"]
    scen = {r["scenario"] for r in rows}
    assert {"termination", "status_quo_2025"} <= scen
    for r in rows:
        assert r["url"].startswith("http") and r["why_differs"]
        assert r["our_value_pct"] is not None and len(r["our_interval_pct"]) == 2
    assert {e["sector"] for e in d["elasticities"]} == set(d["scenarios"]["termination"]["sectors"]["USA"])
    assert d["agreement_effect"]["se"] > 0 and "specification" in d["agreement_effect"]
    t = d["scenarios"]["termination"]
    assert t["closure"] == "deficits_removed"
    assert t["intervals"]["countries"]["USA"]["exports_real_pct"] is not None
    assert t["explain"]["us_exports"]["baseline_exports_usd_bn"] > 0


def test_comparisons_skip_scenarios_not_run() -> None:
    assert comparisons({}) == []


def test_bad_closure_is_exit_2_one_line(cli) -> None:
    res = cli("review", "--json", "--scenario", "termination", "--closure", "gold_standard")
    assert res.code == 2 and res.err.count("\n") == 1 and "closure" in res.err


def test_bad_elasticity_file_is_exit_2_one_line(cli, tmp_path) -> None:
    t = pd.read_csv(ELASTICITIES_PATH)
    for col, bad in (("sector", "spaceships"), ("theta", -2.0), ("theta", float("inf"))):
        u = t.copy()
        u.loc[0, col] = bad
        p = tmp_path / "el.csv"
        u.to_csv(p, index=False)
        res = cli("review", "--json", "--scenario", "termination", "--elasticities", str(p))
        assert res.code == 2 and res.err.count("\n") == 1 and col in res.err, res.err


def test_scenario_with_unknown_sector_is_exit_2(cli, tmp_path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("name: s\ntitle: s\ndescription: s\nmodel: caliendo-parro\ndate: 2026-03-01\n"
                 "shocks:\n  - {importers: [USA], exporters: [MEX], sectors: [spaceships], set_tariff: '0'}\n")
    res = cli("review", "--json", "--scenario", str(p))
    assert res.code == 2 and res.err.count("\n") == 1 and "spaceships" in res.err


def test_every_published_row_says_where_its_figure_was_read() -> None:
    rows = load_published()
    for r in rows:
        assert r["source_check"].startswith(("primary", "secondary")), r["study"]
        if r["source_check"].startswith("secondary"):     # the primary page is named, the secondary beside it
            assert r.get("secondary_url", r["url"]).startswith("https://")
        assert r["label"]


@pytest.mark.parametrize(("field", "bad"), [("source_check", "checked"), ("label", ""), ("url", "ftp://x")])
def test_a_bad_published_row_is_a_user_error(tmp_path, field, bad) -> None:
    import yaml

    from usmca.errors import UserInputError

    rows = load_published()
    rows[0][field] = bad
    p = tmp_path / "published.yaml"
    p.write_text(yaml.safe_dump(rows), encoding="utf-8")
    with pytest.raises(UserInputError, match=field):
        load_published(p)
