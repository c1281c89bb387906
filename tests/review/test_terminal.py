"""Terminal output at 80 columns: no column is dropped or cut silently; --version; no <bool> noise."""

from __future__ import annotations

import re

from rich.console import Console

from usmca.cli import output


def _console() -> Console:
    return Console(width=80, record=True, force_terminal=False, color_system=None)


def test_review_summary_keeps_every_column_at_80(library_review, monkeypatch):
    from usmca.cli import review as cli_review

    con = _console()
    monkeypatch.setattr(output, "console", con)
    monkeypatch.setattr(cli_review, "console", con)
    cli_review._terminal_summary(library_review, library_review.countries)
    text = con.export_text()
    assert "…" not in text
    assert all(len(line) <= 80 for line in text.splitlines())
    header_lines = [ln for ln in text.splitlines() if ln.strip().startswith("scenario")]
    shown = {tok for ln in header_lines for tok in ln.split()}
    assert set(library_review.countries) <= shown               # ROW included, in a second part if need be
    for name in library_review.results:                         # scenario names whole, not wrapped mid-word
        assert re.search(rf"(^|\s){name}(\s|$)", text, flags=re.M), name


def test_a_wide_table_is_split_into_parts_that_say_so():
    con = _console()
    header = ["label", *[f"column {k}" for k in range(12)]]
    rows = [["rowlabel", *[f"{k * 1.5:+.2f}" for k in range(12)]]]
    parts = output.print_table("Wide", header, rows, right=range(1, 13), out=con)
    text = con.export_text()
    assert parts > 1 and f"part {parts}/{parts}" in text
    assert all(h in text for h in header) and all(len(ln) <= 80 for ln in text.splitlines())
    assert text.count("rowlabel") == parts                   # the label column repeats in every part


def test_a_narrow_table_is_one_part():
    con = _console()
    assert output.print_table("Narrow", ["a", "b"], [["1", "2"]], out=con) == 1
    assert "part" not in con.export_text()


def test_version_and_help_without_type_noise(cli):
    r = cli("--version")
    assert r.code == 0 and re.fullmatch(r"usmca \S+\n", r.out)
    h = cli("review", "--help")
    assert h.code == 0 and "--json" in h.out and "<bool>" not in h.out
