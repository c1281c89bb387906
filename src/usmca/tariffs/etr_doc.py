"""Section 2 of ``docs/etr.md``: the statutory ETR of Mexico and Canada month by month over one year.

For partner :math:`p` and month :math:`m` the table gives the customs value :math:`V_{pm}`, the
share entered under a USMCA claim, the duty :math:`D_{pm}` and :math:`\\text{ETR}_{pm} = 100\\,
D_{pm}/V_{pm}` of :func:`usmca.tariffs.etr.effective_rates` (the law of each day of the month, the
package's flows); the year row is the same over the twelve months, and the paragraph below splits the
year's duty by measure and gives the rate of four HS sections. The block sits between markers and is
rewritten by ``usmca tariffs etr-conventions --write-doc docs/etr.md``; a test checks that the
document holds what this module computes, so the published figures cannot drift from the engine.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["BEGIN", "END", "monthly_block"]

BEGIN, END = "<!-- etr-monthly:begin -->\n", "<!-- etr-monthly:end -->"
#: measures of the year paragraph: label -> measure keys (column 1 is ``mfn``)
GROUPS = {"IEEPA": ("ieepa_fentanyl", "ieepa_energy_potash"), "Section 232 autos": ("section232_autos",),
          "auto parts": ("section232_auto_parts",), "steel": ("section232_steel",),
          "aluminum": ("section232_aluminum",), "copper": ("section232_copper",),
          "trucks and buses": ("section232_mhd_trucks", "section232_mhd_parts", "section232_buses"),
          "timber and furniture": ("section232_softwood_lumber", "section232_upholstered_furniture",
                                   "section232_kitchen_cabinets"),
          "column 1 (MFN)": ("mfn",)}
#: HS sections named in the paragraph
SECTIONS = {"XV": "base metals XV", "XVII": "vehicles XVII", "XVI": "machinery and electrical XVI",
            "V": "mineral products V (crude oil)"}


def _sum(row: pd.Series, keys: tuple[str, ...]) -> float:
    return float(sum(row.get(f"duty_{k}", 0.0) for k in keys)) / 1e9


def _rates(cells: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sums of the additive columns over ``by``, with the shares and the ETR recomputed from them."""
    add = [c for c in cells.columns if c in ("value", "usmca_value", "duty") or c.startswith("duty_")]
    g = cells.groupby(by)[add].sum()
    g["usmca_share"] = 100.0 * g["usmca_value"] / g["value"]
    g["etr"] = 100.0 * g["duty"] / g["value"]
    return g


def monthly_block(flows: pd.DataFrame, year: str = "2025") -> str:
    """The markdown of the monthly table, the year row and the year paragraph (flows of ``year``)."""
    from .etr import effective_rates

    f = flows[flows["month"].astype(str).str.startswith(year)]
    # one evaluation; values and duties add up, so months, the year and sections are sums of its cells
    cells_ = effective_rates(f, by=("partner", "month", "section"), components=True)
    cells_["month"] = cells_["month"].astype(str)
    by_month, by_year, by_section = (_rates(cells_, by) for by in (["partner", "month"], ["partner"], ["partner", "section"]))
    head = ("| Month | Mexico value $bn | MX USMCA-claimed % | MX duty $bn | **MX ETR %** | Canada value $bn "
            "| CA USMCA-claimed % | CA duty $bn | **CA ETR %** |\n|---|---|---|---|---|---|---|---|---|\n")

    def cells(r: pd.Series, bold: bool = False) -> str:
        b = "**" if bold else ""
        return " | ".join(f"{b}{x}{b}" for x in (f"{r['value'] / 1e9:.1f}", f"{r['usmca_share']:.1f}",
                                                   f"{r['duty'] / 1e9:.2f}", f"{r['etr']:.2f}"))

    rows = []
    for m in sorted({str(x) for x in by_month.index.get_level_values("month")}):
        mx, ca = by_month.loc[("MX", m)], by_month.loc[("CA", m)]
        rows.append(f"| {m} | {cells(mx)} | {cells(ca)} |")
    rows.append(f"| **Year** | {cells(by_year.loc['MX'], True)} | {cells(by_year.loc['CA'], True)} |")
    mx, ca = by_year.loc["MX"], by_year.loc["CA"]
    parts = [f"{label} {_sum(mx, keys):.2f} / {_sum(ca, keys):.2f}" for label, keys in GROUPS.items()]
    energy = f" (energy and potash {_sum(mx, ('ieepa_energy_potash',)):.2f} / {_sum(ca, ('ieepa_energy_potash',)):.2f})"
    parts[0] += energy
    sect = ", ".join(f"{name} {by_section.loc[('MX', s), 'etr']:.1f} % / {by_section.loc[('CA', s), 'etr']:.1f} %"
                     for s, name in SECTIONS.items())
    para = (f"Year by measure ($bn, MX / CA): {', '.join(parts)}. Sector rates (HS section, MX / CA): {sect}.")
    return head + "\n".join(rows) + "\n\n" + para + "\n"
