"""The briefing's economics on a real (small) run: every figure with its 90% interval, "how this
compares" complete, the low elasticities as the main caveat with their sensitivity, vehicle output
and US exports explained by their inputs, the agreement estimate shown. Presence and completeness
are tested, not agreement with the published numbers."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from usmca.report import render_briefing
from usmca.scenarios.runner import RunOptions

SCENARIOS = ["status_quo_2025", "after_ruling_2026", "termination", "countermeasures"]


@pytest.fixture(scope="module")
def run():  # noqa: ANN201 - (Review, html)
    from usmca.scenarios.review import run_review

    rv = run_review(SCENARIOS, engine_rates=False, options=RunOptions(draws=8, seed=1))
    return rv, render_briefing(rv)


def _section(html: str, ident: str, tag: str = "section") -> str:
    start = html.index(f'id="{ident}"')
    return html[start:html.index(f"</{tag}>", start)]


def _text(fragment: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment))


def test_how_this_compares_is_complete(run):
    rv, html = run
    rows = rv.extras["comparisons"]
    assert {r["scenario"] for r in rows} == {"termination", "status_quo_2025", "countermeasures"}
    sec = _section(html, "compare")
    text = " ".join(_text(sec).split())
    for r in rows:
        assert f'href="{htmllib.escape(r["url"])}"' in sec or f'href="{r["url"]}"' in sec, r["study"]
        for field in ("measure", "horizon"):
            assert " ".join(htmllib.unescape(r[field]).split()) in text, (r["study"], field)
        assert f"{r['value_pct']:+.2f}" in text                                 # their figure
        lo, hi = r["our_interval_pct"]
        assert f"{r['our_value_pct']:+.2f} {lo:+.2f} to {hi:+.2f}" in text     # ours with its interval
        assert " ".join(r["why_differs"].split()) in text                       # why they differ
        assert r["source_check"].split(" (")[0] in text
    for name in ("termination", "status_quo_2025", "countermeasures"):
        assert f'href="#{name}"' in sec                                          # each scenario links to its section
    assert "the agreement's own effect" in text and "After the Supreme Court ruling" in text
    assert html.index('id="compare"') < html.index('class="scenario"')         # before the scenarios


def test_every_figure_of_the_results_has_its_interval(run):
    rv, html = run
    for name, r in rv.results.items():
        sec = _section(html, name)
        res = sec[sec.index(f"t-{name}_results"):]
        res = res[:res.index("</table>")]
        cells = re.findall(r'<td class="(?:neg|pos|)">([^<]*)(<span class="iv">[^<]*</span>)?', res)
        assert len(cells) >= 8 and all(iv for _, iv in cells[:8]), name  # the first row: 8 metrics, each banded
        assert "no interval" not in res
        for c in ("USA", "MEX", "CAN"):
            lo, hi = r.intervals["countries"][c]["exports_real_pct"]
            assert f"{lo:+.2f} to {hi:+.2f}" in res                          # real exports, banded
        sectors = sec[sec.index(f"t-{name}_sectors"):]
        sectors = sectors[:sectors.index("</table>")]
        assert sectors.count('class="iv"') == 2 * sectors.count("<tr>") - 2  # nominal and real, every row
    over = html[html.index('id="t-welfare_summary"'):]
    over = over[:over.index("</table>")]
    assert over.count('class="iv"') == len(rv.results) * len(rv.countries) and "no interval" not in over
    diff = _section(html, "termination")
    assert "Difference from (b)" in diff and "t-termination_vs_after_ruling_2026" in diff
    d = diff[diff.index("t-termination_vs_after_ruling_2026"):]
    assert d[:d.index("</table>")].count('class="iv"') >= 9


def test_low_elasticities_are_the_main_caveat_with_source_and_sensitivity(run):
    rv, html = run
    start = html.index('id="main-caveat"')
    cav = html[start:html.index("</div>", start)]
    text = _text(cav)
    assert html.index('id="summary"') < start < html.index('class="scenario"')
    thetas = [e["theta"] for e in rv.extras["elasticities"] if e["sector"] != "services"]
    assert f"{min(thetas):.2f}" in text and f"{max(thetas):.2f}" in text
    assert "Caliendo-Parro (2015" in text and "1993" in text and 'href="#elasticities"' in cav
    assert "halved" in text and "doubled" in text
    rows = re.findall(r"<tr>(.*?)</tr>", cav)
    assert len(rows) == 1 + len(rv.results)                                 # header + one row per scenario
    sens = rv.results["status_quo_2025"].sensitivity["welfare_pct"]["MEX"]
    assert all(f"{v:+.2f}" in cav for v in sens)
    el = _section(html, "elasticities", "h2")
    tbl = html[html.index('id="t-elasticities"'):]
    tbl = tbl[:tbl.index("</table>")]
    assert tbl.count("<tr>") == 1 + len(rv.extras["elasticities"]) and "doi.org" in tbl
    assert "Trade elasticities" in el


def test_vehicles_and_us_exports_are_explained_by_their_inputs(run):
    rv, html = run
    for name in ("status_quo_2025", "termination"):
        r = rv.results[name]
        sec = _text(_section(html, name))
        veh = r.explain["vehicles"]["MEX"]
        assert "Vehicle output." in sec and f"theta = {veh['theta']:.2f}" in sec
        assert "pooled goods estimate" in sec and "8.22" in sec                # the source, and the old value
        assert f"{veh['first_order_output_pct']:+.1f}%" in sec
        lo, hi = veh["model_output_interval_pct"]
        assert f"{veh['model_output_pct']:+.1f}% (90% interval {lo:+.1f} to {hi:+.1f})" in sec
        us = r.explain["us_exports"]
        assert "US exports." in sec and "Lerner symmetry" in sec and "deficits_removed" in sec
        assert f"{us['exports_pct']:+.1f}%" in sec and f"{us['exports_real_pct']:+.1f}%" in sec
        assert "In volume" in sec and "nominal" in sec
    ag = rv.extras["agreement_effect"]
    tbl = _text(html[html.index('id="t-agreement_effect"'):html.index("</figure>", html.index('id="t-agreement_effect"'))])
    assert f"{ag['coefficient']:.3f} (se {ag['se']:.3f})" in tbl
    assert ag["specification"].split(";")[0] in tbl and str(ag["nobs"]) in tbl.replace(",", "")


def test_summary_findings_carry_intervals(run):
    _, html = run
    summary = html[html.index('id="summary"'):html.index("</ul>", html.index('id="summary"'))]
    items = re.findall(r"<li>(.*?)</li>", summary)
    with_numbers = [i for i in items if re.search(r"[+-]\d+\.\d\d", i) and "tariff" not in i]
    assert with_numbers and all("90% interval" in i for i in with_numbers), with_numbers


def test_terminal_shows_intervals_and_the_comparisons(run, monkeypatch):
    from rich.console import Console

    from usmca.cli import output
    from usmca.cli import review as cli_review

    rv, _ = run
    con = Console(width=100, record=True, force_terminal=False, color_system=None)
    monkeypatch.setattr(output, "console", con)
    monkeypatch.setattr(cli_review, "console", con)
    cli_review._terminal_summary(rv, rv.countries)
    text = con.export_text()
    lo, hi = rv.results["termination"].intervals["countries"]["MEX"]["welfare_pct"]
    assert "welfare, % [90% interval]" in text and f"[{lo:+.2f}, {hi:+.2f}]" in text
    assert "real exports, % [90% interval]" in text
    assert "How this compares" in text
    for c in rv.extras["comparisons"]:
        assert c["label"] in text and f"{c['value_pct']:+.2f}" in text
    assert "termination: ours is the change relative to scenario after_ruling_2026" in " ".join(text.split())
