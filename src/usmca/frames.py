"""Results as pandas DataFrames with float columns, for notebooks (``result.to_frame()``).

The engines' results keep exact values (``Decimal`` RVC, dates) in ``to_dict()``; their
``to_frame()`` / ``to_frames()`` call the converters here, which turn them into floats:

* a qualification (:class:`usmca.origin.QualificationResult`): ``summary`` (one row: originating,
  criterion, RVC method, value, threshold, margin), ``trace`` (step, result, reference),
  ``content_by_country`` (country, value);
* a duty (:class:`usmca.tariffs.DutyResult`): ``components`` (measure, label, rate %, base, duty,
  instrument, provision, url) and ``summary``;
* a scenario (:class:`usmca.scenarios.ScenarioResult`): ``countries`` (one row per country, a
  column per metric, %), ``sectors`` (country, sector, output %), ``tariffs`` (importer, exporter,
  %).

This module sits on the ground floor (it imports no engine); pandas is imported on first use.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["result_frames", "result_frame"]


def _f(v: Any) -> float:
    if v is None:
        return float("nan")
    if isinstance(v, Decimal):
        return float(v)
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def _ref(r: Any) -> tuple[str, str, str]:
    if isinstance(r, Mapping):
        return str(r.get("instrument", "")), str(r.get("provision", "")), str(r.get("url", ""))
    return (str(r or ""), "", "")


def _qualification(d: Mapping[str, Any]) -> dict[str, "pd.DataFrame"]:
    import pandas as pd

    rvc = d.get("rvc") or {}
    summary = pd.DataFrame([{"hs": (d.get("good") or {}).get("hs"), "date": str(d.get("date")),
                             "originating": d.get("originating"), "criterion": d.get("criterion"),
                             "rvc_method": rvc.get("method"), "rvc_pct": _f(rvc.get("value")),
                             "threshold_pct": _f(rvc.get("threshold")), "margin_pct": _f(rvc.get("margin"))}])
    trace = pd.DataFrame([{"step": t.get("step"), "result": t.get("result"), "reference": _ref(t.get("reference"))[0]}
                          for t in d.get("trace") or []], columns=["step", "result", "reference"])
    content = pd.DataFrame([{"country": k, "value": _f(v)} for k, v in (d.get("content_by_country") or {}).items()],
                           columns=["country", "value"])
    return {"summary": summary, "trace": trace, "content_by_country": content}


def _duty(d: Mapping[str, Any]) -> dict[str, "pd.DataFrame"]:
    import pandas as pd

    comps = pd.DataFrame([{"measure": c["measure"], "label": c["label"], "rate_pct": _f(c["rate"]),
                           "base": _f(c["base"]), "duty": _f(c["duty"]),
                           **dict(zip(("instrument", "provision", "url"), _ref(c.get("reference")), strict=True))}
                          for c in d.get("components") or []],
                         columns=["measure", "label", "rate_pct", "base", "duty", "instrument", "provision", "url"])
    summary = pd.DataFrame([{"hts": d.get("hts"), "origin": d.get("origin"), "date": str(d.get("date")),
                             "value": _f(d.get("value")), "total_rate_pct": _f(d.get("total_rate")),
                             "total_duty": _f(d.get("total_duty"))}])
    return {"components": comps, "summary": summary}


def _scenario(d: Mapping[str, Any]) -> dict[str, "pd.DataFrame"]:
    import pandas as pd

    countries = pd.DataFrame([{"country": c, **{m: _f(v) for m, v in row.items()}}
                              for c, row in (d.get("countries") or {}).items()])
    sectors = pd.DataFrame([{"country": c, "sector": s, "output_pct": _f(v)}
                            for c, row in (d.get("sectors") or {}).items() for s, v in row.items()],
                           columns=["country", "sector", "output_pct"])
    tariffs = pd.DataFrame([{"importer": i, "exporter": e, "tariff_pct": _f(v)}
                            for i, row in (d.get("tariff_wedges") or {}).items() for e, v in row.items()],
                           columns=["importer", "exporter", "tariff_pct"])
    return {"countries": countries, "sectors": sectors, "tariffs": tariffs}


def result_frames(result: Any) -> dict[str, "pd.DataFrame"]:
    """The DataFrames of an engine result (see the module docstring); floats, never Decimals.

    Raises
    ------
    TypeError
        For an object that is none of the three results.
    """
    d = result.to_dict()
    if "total_duty" in d and "components" in d:
        return _duty(d)
    if "originating" in d and "trace" in d:
        return _qualification(d)
    if "countries" in d and "tariff_wedges" in d:
        return _scenario(d)
    raise TypeError(f"no DataFrame view of {type(result).__name__}")




def result_frame(result: Any) -> "pd.DataFrame":
    """The main DataFrame of a result: a duty's components, a qualification's summary row, a
    scenario's countries."""
    frames = result_frames(result)
    for key in ("components", "countries", "summary"):
        if key in frames:
            return frames[key]
    raise TypeError(type(result).__name__)  # pragma: no cover - every result has one of them
