"""The inline SVG charts: well-formed, bars proportional to the values, negatives to the left."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from usmca.report.svg import bar_chart, grouped_bar_chart


def _rects(svg: str) -> list[tuple[float, float]]:
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    return [(float(r.get("x")), float(r.get("width"))) for r in root.iter(f"{ns}rect")]


def test_bars_are_proportional_and_signed():
    svg = bar_chart(["A", "B", "C"], [2.0, -1.0, None], "t")
    (xa, wa), (xb, wb) = _rects(svg)
    assert wa == pytest.approx(2 * wb, rel=1e-3)
    centre = float(re.search(r'<line x1="([0-9.]+)"', svg).group(1))
    assert xa == pytest.approx(centre) and xb + wb == pytest.approx(centre)
    assert "n/a" in svg and "<script" not in svg


def test_labels_are_escaped_and_grouped_chart_parses():
    svg = grouped_bar_chart(["<x>", "y"], {"USA": [1.0, -0.5], "MEX": [None, 0.2]}, "a & b")
    ET.fromstring(svg)
    assert "&lt;x&gt;" in svg and "a &amp; b" in svg
    assert len(_rects(svg)) == 2 + 3          # two legend swatches, three bars (one value is None)
