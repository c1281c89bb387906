"""What the review adds beside the scenarios: the cited elasticities, the agreement estimate, and
"how this compares": each scenario with published counterparts next to named studies.

Every published figure is in ``published.yaml`` (beside this file) with the study, what it measures
(welfare, GDP or trade; short or long run), its URL (the primary source where one was found), where
the figure itself was read (``source_check``: primary, or secondary with ``secondary_url``: not
verified against the primary text) and a sentence on why it differs from ours;
:func:`comparisons` pairs each with our point estimate and 90% interval of the same measure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import yaml

from usmca.errors import UserInputError

__all__ = ["PUBLISHED_PATH", "comparisons", "load_published", "review_extras"]

PUBLISHED_PATH = Path(__file__).with_name("published.yaml")
_REQUIRED = ("study", "label", "scenario", "country", "measure", "ours", "value_pct", "horizon", "url", "why_differs",
             "source_check")


def load_published(path: Path | str | None = None) -> list[dict[str, Any]]:
    """The cited published estimates (a list of mappings with the fields of ``_REQUIRED``)."""
    p = Path(path) if path is not None else PUBLISHED_PATH
    if not p.is_file():
        return []
    rows = yaml.safe_load(p.read_text(encoding="utf-8")) or []
    for k, r in enumerate(rows):
        for f in _REQUIRED:
            if r.get(f) in (None, ""):
                raise UserInputError(p.name, f"[{k}].{f}", None, "required: every published figure is cited")
        if not str(r["url"]).startswith(("http://", "https://")):
            raise UserInputError(p.name, f"[{k}].url", r["url"], "must be an http(s) URL")
        if not str(r["source_check"]).startswith(("primary", "secondary")):
            raise UserInputError(p.name, f"[{k}].source_check", r["source_check"],
                                 "must say primary or secondary (where the figure was read)")
        if str(r["source_check"]).startswith("secondary") and not str(r.get("secondary_url", r["url"])).startswith(
                ("http://", "https://")):
            raise UserInputError(p.name, f"[{k}].secondary_url", r.get("secondary_url"), "must be an http(s) URL")
    return rows


def comparisons(results: Mapping[str, Any], published: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One row per published figure whose scenario was run: ours (point, 90% interval) beside theirs."""
    rows = []
    for r in (load_published() if published is None else published):
        res = results.get(r["scenario"])
        if res is None:
            continue
        c, m = r["country"], r["ours"]
        if r.get("relative_to_compare_to") and res.versus:
            point = res.versus["countries"].get(c, {}).get(m)
            band = res.versus["intervals"].get(c, {}).get(m)
            basis = f"change relative to scenario {res.versus['scenario']} (the agreement's own effect)"
        else:
            point = res.countries.get(c, {}).get(m)
            band = res.intervals.get("countries", {}).get(c, {}).get(m) if res.intervals else None
            basis = "change relative to the 2024 baseline"
        rows.append({**{k: r[k] for k in r}, "our_value_pct": point, "our_interval_pct": band,
                     "our_measure": m, "our_basis": basis, "our_closure": res.closure})
    return rows


def review_extras(results: Mapping[str, Any]) -> dict[str, Any]:
    """``elasticities``, ``agreement_effect`` and ``comparisons`` for the review's JSON and briefing."""
    from usmca.data.baseline.elasticities import load_elasticities
    from usmca.ge.agreement import load_agreement_effect

    return {"elasticities": load_elasticities().to_dict(), "agreement_effect": load_agreement_effect(),
            "comparisons": comparisons(results)}
