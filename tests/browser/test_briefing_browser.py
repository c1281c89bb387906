"""The review briefing in a real browser: summary first, charts with axes and whiskers, readable
assumptions, a table downloaded as CSV and as XLSX, fits the column; printable to PDF."""

from __future__ import annotations

import csv
import io


def test_open_the_briefing_and_download_a_table(page, server, tmp_path):
    pg = page.page
    pg.goto(server + "/review/briefing", timeout=300_000)
    assert pg.locator("#summary").is_visible()
    page.shot("briefing_top")
    items = pg.locator(".summary li")
    assert 3 <= items.count() <= 6
    page.shot("briefing_summary_chart", "#overview svg")
    svg = pg.inner_html("#status_quo_2025 svg >> nth=0")
    assert "welfare change, % of baseline real income" in svg and "whiskers" in svg
    # no table wider than the text column
    widths = pg.eval_on_selector_all("table", "ts => ts.map(t => t.getBoundingClientRect().width)")
    column = pg.eval_on_selector("body", "b => b.clientWidth")
    assert max(widths) <= column
    # the assumptions of (d), opened
    pg.click("#auto_rvc85_us_content details summary")
    pg.locator("#t-auto_rvc85_us_content_law").scroll_into_view_if_needed()
    page.shot("briefing_assumptions", "#auto_rvc85_us_content details")
    text = pg.inner_text("#auto_rvc85_us_content details")
    assert "85%" in text and "{'" not in text and "==" not in text
    # a table downloaded as CSV and as XLSX
    with pg.expect_download() as info:
        pg.click('a[download="welfare_summary.csv"]')
    path = tmp_path / "w.csv"
    info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0][:4] == ["scenario", "USA", "MEX", "CAN"] and len(rows) > 10
    with pg.expect_download() as info:
        pg.click('a[download="welfare_summary.xlsx"]')
    from openpyxl import load_workbook

    info.value.save_as(tmp_path / "w.xlsx")
    ws = load_workbook(tmp_path / "w.xlsx").active
    assert ws.cell(1, 2).value == "USA" and float(rows[1][1]) == ws.cell(2, 2).value
    page.check()


def test_the_briefing_prints_to_pdf(page, server, tmp_path):
    pg = page.page
    pg.goto(server + "/review/briefing", timeout=300_000)
    pdf = pg.pdf(path=str(tmp_path / "briefing.pdf"), format="A4")
    assert pdf[:5] == b"%PDF-" and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") >= 10
    page.check()
