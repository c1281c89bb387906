"""Inline SVG charts for the offline briefing (no scripts, no network).

A diverging horizontal bar chart: one bar per label, zero in the middle, negative values to the
left in one colour, positive to the right in another; the scale is symmetric,
:math:`x = x_0 + v / \\max|v| \\cdot w/2`.
"""

from __future__ import annotations

from html import escape
from typing import Sequence

__all__ = ["bar_chart", "grouped_bar_chart"]

_NEG, _POS, _AXIS = "#c0392b", "#1f77b4", "#555"


def _fmt(v: float) -> str:
    return f"{v:+.2f}%" if abs(v) < 100 else f"{v:+.0f}%"


def bar_chart(labels: Sequence[str], values: Sequence[float | None], title: str, width: int = 560,
              bar_h: int = 18) -> str:
    """A diverging bar chart as an ``<svg>`` string; ``None`` values are drawn as 'n/a'."""
    vals = [v for v in values if v is not None]
    vmax = max([abs(v) for v in vals] + [1e-9])
    left, right = 70, 70
    inner = width - left - right
    x0 = left + inner / 2
    h = 28 + bar_h * len(labels) + 8
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" role="img" '
           f'aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
           f'<text x="{width / 2:.0f}" y="16" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
           f'<line x1="{x0:.1f}" y1="22" x2="{x0:.1f}" y2="{h - 6}" stroke="{_AXIS}" stroke-width="1"/>']
    for k, (lab, v) in enumerate(zip(labels, values, strict=True)):
        y = 26 + k * bar_h
        out.append(f'<text x="{left - 6}" y="{y + bar_h * 0.7:.1f}" text-anchor="end">{escape(str(lab))}</text>')
        if v is None:
            out.append(f'<text x="{x0 + 4:.1f}" y="{y + bar_h * 0.7:.1f}" fill="{_AXIS}">n/a</text>')
            continue
        w = abs(v) / vmax * (inner / 2 - 52)        # room for the value label at the bar's end
        x = x0 if v >= 0 else x0 - w
        colour = _POS if v >= 0 else _NEG
        out.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{max(w, 0.5):.1f}" height="{bar_h - 5}" fill="{colour}">'
                   f'<title>{escape(str(lab))}: {_fmt(v)}</title></rect>')
        tx, anchor = (x0 + w + 4, "start") if v >= 0 else (x0 - w - 4, "end")
        out.append(f'<text x="{tx:.1f}" y="{y + bar_h * 0.7:.1f}" text-anchor="{anchor}">{_fmt(v)}</text>')
    out.append("</svg>")
    return "".join(out)


def grouped_bar_chart(groups: Sequence[str], series: dict[str, Sequence[float | None]], title: str,
                      width: int = 760) -> str:
    """Several diverging bar charts stacked (one per series label), sharing one scale."""
    vals = [v for s in series.values() for v in s if v is not None]
    vmax = max([abs(v) for v in vals] + [1e-9])
    left, right, bar_h = 150, 70, 14
    inner = width - left - right
    x0 = left + inner / 2
    n_series = len(series)
    block = bar_h * n_series + 8
    h = 40 + block * len(groups)
    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" role="img" '
           f'aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
           f'<text x="{width / 2:.0f}" y="14" text-anchor="middle" font-weight="bold">{escape(title)}</text>']
    for k, name in enumerate(series):
        out.append(f'<rect x="{left + k * 90}" y="20" width="10" height="10" fill="{colours[k % 8]}"/>'
                   f'<text x="{left + k * 90 + 14}" y="29">{escape(name)}</text>')
    out.append(f'<line x1="{x0:.1f}" y1="34" x2="{x0:.1f}" y2="{h - 4}" stroke="{_AXIS}"/>')
    for g, grp in enumerate(groups):
        y0 = 38 + g * block
        out.append(f'<text x="{left - 6}" y="{y0 + block / 2:.1f}" text-anchor="end">{escape(grp)}</text>')
        for k, (name, s) in enumerate(series.items()):
            v = s[g]
            if v is None:
                continue
            w = abs(v) / vmax * inner / 2
            x = x0 if v >= 0 else x0 - w
            out.append(f'<rect x="{x:.1f}" y="{y0 + k * bar_h}" width="{max(w, 0.5):.1f}" height="{bar_h - 3}" '
                       f'fill="{colours[k % 8]}"><title>{escape(grp)}, {escape(name)}: {_fmt(v)}</title></rect>')
    out.append("</svg>")
    return "".join(out)
