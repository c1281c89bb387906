"""The briefing reads as a document: summary first, caveat near the top, lettered scenarios, tables
without code, downloads that open, a print stylesheet, tables that fit the column."""

from __future__ import annotations

import base64
import csv
import io
import re

import pytest

from usmca.report import render_briefing
from usmca.report.summary import short_title


@pytest.fixture(scope="module")
def html(library_review) -> str:
    return render_briefing(library_review)


def test_summary_and_caveat_come_before_the_numbers(html):
    caveat, summary, first = html.index('id="caveat"'), html.index('id="summary"'), html.index('class="scenario"')
    assert caveat < summary < first
    assert 'href="#baseline"' in html[caveat:summary]
    items = re.findall(r"<li>(.*?)</li>", html[summary:html.index("</ul>", summary)])
    assert 3 <= len(items) <= 6
    assert sum("scenario that matters most" in i for i in items) == 3           # one per USMCA member
    for term in ("Welfare", "Real wage", "Terms of trade", "Effective tariff rate"):
        assert f"<dt>{term}</dt>" in html[summary:first]
    assert "What it leaves out" in html[summary:first]


def test_scenarios_appear_in_lettered_order(html, library_review):
    pos = [html.index(f'id="{n}"') for n in library_review.results]
    assert pos == sorted(pos)
    letters = re.findall(r'<section class="scenario" id="[a-z0-9_]+">\s*<h2>\((\w)\)', html)
    assert letters == sorted(letters) and len(letters) == len(library_review.results)


def test_no_code_in_the_assumptions(html):
    html = re.sub(r'href="data:[^"]*"', "", html)                 # the downloads' base64
    assert not re.search(r"\{'\w+': ", html)                     # no Python dict
    assert "==" not in html                                       # no leaked expression
    assert "src/usmca" not in html and ".py" not in html          # no internal file path
    assert '"residual"' not in html and '"iterations"' not in html  # no raw solver JSON
    assert "Solver: converged in 1 iterations" in html


def test_law_rows_are_not_duplicated(html):
    for section in html.split('<section class="scenario"')[1:]:
        law = section[section.find("Law parameters used"):]
        law = law[:law.find("</table>")]
        rows = re.findall(r"<tr>(.*?)</tr>", law)
        assert len(rows) == len(set(rows))


def _links(html: str, kind: str) -> list[tuple[str, bytes]]:
    out = []
    for name, data in re.findall(rf'download="([^"]+\.{kind})" href="data:[^;]+;base64,([^"]+)"', html):
        out.append((name, base64.b64decode(data)))
    return out


def test_every_table_downloads_as_csv_and_xlsx(html, library_review):
    from openpyxl import load_workbook

    tables = len(re.findall(r"<figure class=\"tbl[ \"]", html))       # "tbl" or "tbl banded"
    csvs, xlsxs = _links(html, "csv"), _links(html, "xlsx")
    assert len(csvs) == len(xlsxs) == tables > 3 * len(library_review.results)
    name, raw = next((n, d) for n, d in csvs if n == "welfare_summary.csv")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    n = len(library_review.countries)
    assert rows[0][:1 + n] == ["scenario", *library_review.countries]      # the point estimates first
    assert rows[0][1 + n:] == [f"{c} ({e})" for c in library_review.countries for e in ("90% low", "90% high")]
    first = next(iter(library_review.results.values()))
    assert rows[1][0] == short_title(first.title)
    assert float(rows[1][2]) == first.countries[library_review.countries[1]]["welfare_pct"]   # exact, not rounded
    wb = load_workbook(io.BytesIO(dict(xlsxs)["welfare_summary.xlsx"]))
    ws = wb.active
    # openpyxl writes 15-16 significant digits (what Excel keeps): equal to the last digit but one
    assert ws.cell(2, 3).value == pytest.approx(first.countries[library_review.countries[1]]["welfare_pct"], rel=1e-14)


def test_print_stylesheet_breaks_pages_between_sections(html):
    css = html[html.index("@media print"):html.index("</style>")]
    assert "section.scenario{break-before:page}" in css and "h2{break-before:page}" in css


def test_effective_rate_table_is_transposed_to_fit(html, library_review):
    start = html.index('id="t-etr_model"')
    head = html[start:html.index("</thead>", start)]
    assert head.count("<th") <= 10                      # one column per partner, not per scenario
    assert short_title(next(iter(library_review.results.values())).title) in html[start:html.index("</table>", start)]


def test_charts_have_axes_units_and_whiskers(html):
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) >= 1 + len(re.findall('<section class="scenario"', html))
    assert all("welfare change, % of baseline real income" in s for s in svgs)
    assert all("whiskers:" in s for s in svgs)
    assert "<script" not in html.lower()
    assert not re.search(r'(src|href)="https?://', "".join(svgs))      # nothing fetched by a chart
