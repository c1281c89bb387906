"""The two ETR conventions side by side, by partner, month and measure (``usmca tariffs etr-conventions``).

For partner :math:`p`, month :math:`m` and measure :math:`k` (column 1 is ``mfn``) the
contribution in percentage points under convention :math:`C` is

.. math:: e^C_{pmk} = 100\\, D^C_{pmk} / V^C_{pm}

with :math:`D` the duty of measure :math:`k` and :math:`V` the customs value under that
convention's weights (:mod:`usmca.tariffs.conventions`). The table gives
:math:`\\sum_k e^C_{pmk}` for both conventions and the difference
:math:`e^{\\text{budget-lab}}_{pmk} - e^{\\text{project}}_{pmk}` of each measure, so that the
differences of the measures add up to the difference of the totals.
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from usmca.law import LawTree

from .conventions import budget_lab_flows
from .etr import effective_rates
from .schedule import Schedule

__all__ = ["convention_table", "to_markdown", "document", "replace_block"]


def _contributions(flows: pd.DataFrame, tree: LawTree | None, schedule: Schedule | None) -> pd.DataFrame:
    out = effective_rates(flows, by=("partner", "month"), tree=tree, schedule=schedule, components=True)
    cols = [c for c in out.columns if c.startswith("duty_")]
    long = out.melt(id_vars=["partner", "month", "value"], value_vars=cols, var_name="measure", value_name="d")
    long["measure"] = long["measure"].str[len("duty_"):]
    long["pp"] = 100.0 * long["d"] / long["value"]
    return long[["partner", "month", "measure", "pp"]]


def convention_table(flows: pd.DataFrame, base: pd.DataFrame, *, tree: LawTree | None = None,
                     schedule: Schedule | None = None) -> pd.DataFrame:
    """Contribution of every measure under both conventions, by partner and month.

    Parameters
    ----------
    flows
        Observed flows of the months to compare (the project convention's weights).
    base
        Observed flows of 2025, for the Budget Lab convention's weights and claim shares.

    Returns
    -------
    DataFrame
        ``partner, month, measure, project, budget_lab, difference`` (percentage points).
    """
    months = sorted(flows["month"].astype(str).unique())
    partners = sorted(flows["partner"].astype(str).unique())
    a = _contributions(flows, tree, schedule)
    b = _contributions(budget_lab_flows(base, months, partners), tree, schedule)
    t = a.merge(b, on=["partner", "month", "measure"], how="outer", suffixes=("_p", "_b")).fillna(0.0)
    t = t.rename(columns={"pp_p": "project", "pp_b": "budget_lab"})
    t["difference"] = t["budget_lab"] - t["project"]
    return t.sort_values(["partner", "month", "measure"]).reset_index(drop=True)


def to_markdown(table: pd.DataFrame, partner: str, threshold: float = 0.005) -> str:
    """One markdown table for ``partner``: totals of both conventions and the difference by measure (pp)."""
    t = table[table["partner"] == partner]
    totals = t.groupby("month")[["project", "budget_lab", "difference"]].sum()
    wide = t.pivot(index="month", columns="measure", values="difference").fillna(0.0)
    keep = [c for c in wide.columns if (wide[c].abs() >= threshold).any()]
    head = ["Month", "Project ETR %", "Budget Lab ETR %", "Difference pp"] + [f"{k} pp" for k in keep]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in totals.index:
        row = [m, f"{totals.loc[m, 'project']:.2f}", f"{totals.loc[m, 'budget_lab']:.2f}",
               f"{totals.loc[m, 'difference']:+.2f}"] + [f"{wide.loc[m, k]:+.2f}" for k in keep]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def document(table: pd.DataFrame, partners: Sequence[str] = ("MX", "CA")) -> str:
    """The generated block of docs/etr.md: one table per partner."""
    names = {"MX": "Mexico", "CA": "Canada"}
    parts = []
    for p in partners:
        parts.append(f"**{names.get(p, p)}** (percentage points; a measure's difference is Budget Lab minus project)\n")
        parts.append(to_markdown(table, p))
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


BEGIN, END = "<!-- etr-conventions:begin -->\n", "<!-- etr-conventions:end -->"


def replace_block(text: str, block: str, begin: str = BEGIN, end: str = END) -> str:
    """``text`` with the generated block between the ``begin`` and ``end`` markers replaced by ``block``."""
    a, b = text.index(begin) + len(begin), text.index(end)
    return text[:a] + block + text[b:]
