"""Which cells of the built baseline are published facts and which are imputed, and how.

The report lists every directed goods flow (exporter -> importer) with its total, whether that
total is a fact or a gravity/RAS imputation, and the provenance of its sector cells.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .build import STATUS_CODES
from .model import Baseline

__all__ = ["provenance_rows", "provenance_markdown"]


def provenance_rows(b: Baseline) -> list[dict[str, Any]]:
    """One row per directed goods flow: exporter, importer, total (USD bn), cell codes by sector."""
    if b.cell_status is None:
        return []
    goods = [j for j, s in enumerate(b.sectors) if s != "services"]
    n = len(b.countries)
    imp, exp_ = np.nonzero(~np.eye(n, dtype=bool))
    tot = b.flows[imp, exp_][:, goods].sum(axis=1)
    codes = b.cell_status[imp, exp_][:, goods]
    rows = []
    for k in range(len(imp)):
        c = codes[k]
        rows.append({"exporter": b.countries[exp_[k]], "importer": b.countries[imp[k]], "total_usd_bn": float(tot[k]),
                     "total": "imputed" if (c == 4).all() else "fact",
                     "sectors": {b.sectors[j]: int(c[m]) for m, j in enumerate(goods)},
                     "n_fact_cells": int(np.isin(c, (1, 2)).sum())})
    return rows


def provenance_markdown(b: Baseline) -> str:
    """A Markdown report: counts by provenance code and the table of directed flows."""
    lines = [f"# Provenance of the cells of {b.source}", "", "| code | meaning | cells |", "|---|---|---|"]
    if b.cell_status is not None:
        for code, meaning in STATUS_CODES.items():
            lines.append(f"| {code} | {meaning} | {int((b.cell_status == code).sum())} |")
    adj = b.meta.get("final_share_adjustments") or []
    if adj:
        lines += ["", f"Final-demand shares raised (taken from services) to keep domestic sales at least "
                  f"{b.meta.get('domestic_floor')} of absorption: "
                  + "; ".join(f"{c} {s} +{d:.4f}" for c, s, d in adj)]
    lines += ["", "| exporter | importer | USD bn | total | sector codes (" + ", ".join(
        s for s in b.sectors if s != "services") + ") |", "|---|---|---|---|---|"]
    for r in provenance_rows(b):
        lines.append(f"| {r['exporter']} | {r['importer']} | {r['total_usd_bn']:.1f} | {r['total']} | "
                     + " ".join(str(v) for v in r["sectors"].values()) + " |")
    return "\n".join(lines) + "\n"
