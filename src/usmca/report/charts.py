"""Charts of the briefing: Vega-Lite specifications (altair) rendered to inline SVG offline.

`vl-convert <https://github.com/vega/vl-convert>`_ renders a Vega-Lite specification to SVG in
process (Deno + the Vega JavaScript, no browser, no network), so the briefing has charts with
axes, units and interval whiskers and no script. Each bar is a point estimate; the whisker is the
90% Monte Carlo interval when the run has one, else the range of the welfare result when every
trade elasticity is halved and doubled (labelled as such).
"""

from __future__ import annotations

import functools
from typing import Any, Mapping, Sequence

__all__ = ["bar_svg", "grouped_bar_svg", "to_svg"]

_BLUE, _RED, _GREY = "#1f5f9f", "#c0392b", "#333333"
_PALETTE = ["#1f5f9f", "#e08a1e", "#2e8b57", "#8e5aa8", "#8c564b", "#d6609f", "#17becf", "#7f7f7f"]


@functools.lru_cache(maxsize=1)
def _vl_version() -> str:
    import altair as alt

    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"{major}.{minor}"


def to_svg(chart: Any) -> str:
    """Render an altair chart to an ``<svg>`` string (no XML prolog)."""
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(chart.to_dict(), vl_version=_vl_version())
    return svg[svg.index("<svg"):]


def _frame(rows: Sequence[Mapping[str, Any]]) -> Any:
    import pandas as pd

    return pd.DataFrame(list(rows))


def bar_svg(labels: Sequence[str], values: Sequence[float | None], intervals: Sequence[tuple[float, float] | None],
            *, title: str, x_title: str, whisker: str) -> str:
    """Horizontal bars (one per label) with whiskers, zero line, signed colours.

    Parameters
    ----------
    labels, values, intervals
        One bar per label; ``None`` values are left out; an interval is ``(lo, hi)``.
    title, x_title
        Chart title and the x-axis title (with its unit).
    whisker
        What the whiskers show (added to the title), e.g. "90% interval".
    """
    import altair as alt

    rows = [{"label": lab, "value": v, "lo": (iv or (v, v))[0], "hi": (iv or (v, v))[1],
             "sign": "gain" if v >= 0 else "loss"} for lab, v, iv in zip(labels, values, intervals, strict=True) if v is not None]
    df = _frame(rows)
    order = list(labels)
    y = alt.Y("label:N", sort=order, title=None)
    bars = alt.Chart(df).mark_bar(height=14).encode(
        x=alt.X("value:Q", title=x_title), y=y,
        color=alt.Color("sign:N", scale=alt.Scale(domain=["gain", "loss"], range=[_BLUE, _RED]), legend=None),
        tooltip=["label", "value", "lo", "hi"])
    whiskers = alt.Chart(df).mark_rule(color=_GREY, strokeWidth=1.5).encode(x="lo:Q", x2="hi:Q", y=y)
    zero = alt.Chart(_frame([{"z": 0}])).mark_rule(color="#888").encode(x="z:Q")
    chart = (bars + whiskers + zero).properties(
        width=520, height=alt.Step(20), title=alt.TitleParams(title, subtitle=f"whiskers: {whisker}"))
    return to_svg(chart)


def grouped_bar_svg(groups: Sequence[str], series: Mapping[str, Sequence[float | None]],
                    intervals: Mapping[str, Sequence[tuple[float, float] | None]], *, title: str, x_title: str,
                    whisker: str) -> str:
    """One row per group (scenario) with one bar per series (country), whiskers and a legend."""
    import altair as alt

    rows = []
    for name, vals in series.items():
        for g, v, iv in zip(groups, vals, intervals.get(name, [None] * len(groups)), strict=True):
            if v is not None:
                rows.append({"group": g, "series": name, "value": v, "lo": (iv or (v, v))[0],
                             "hi": (iv or (v, v))[1]})
    df = _frame(rows)
    y = alt.Y("group:N", sort=list(groups), title=None, axis=alt.Axis(labelLimit=320))
    off = alt.YOffset("series:N", sort=list(series))
    colour = alt.Color("series:N", sort=list(series), title="country",
                       scale=alt.Scale(domain=list(series), range=_PALETTE[:len(series)]))
    bars = alt.Chart(df).mark_bar(height=6).encode(x=alt.X("value:Q", title=x_title), y=y, yOffset=off,
                                                   color=colour, tooltip=["group", "series", "value", "lo", "hi"])
    whiskers = alt.Chart(df).mark_rule(color=_GREY).encode(x="lo:Q", x2="hi:Q", y=y, yOffset=off)
    zero = alt.Chart(_frame([{"z": 0}])).mark_rule(color="#888").encode(x="z:Q")
    chart = (bars + whiskers + zero).properties(
        width=560, height=(7 * len(series) + 12) * len(groups),
        title=alt.TitleParams(title, subtitle=f"whiskers: {whisker}")).configure_legend(orient="top")
    return to_svg(chart)
