"""Re-key the published figures into the project's own facts table (``facts.csv``).

This is a maintenance tool, run by hand when a figure is added (``python -m
usmca.data.baseline.rekey``); the build (:mod:`usmca.data.baseline.build`) reads only the
resulting ``facts.csv`` that ships with the package, so a fresh clone needs no third-party data.

Sources (read from ``shared/data``, never copied; every row keeps the URL where the figure was
read and says how it was converted):

- ``facts/baseline_facts.csv``: GDP, bilateral goods flows, world totals, FX rates, tariffs,
  US imports and exports by sector (each with its own source URL and status);
- ``cp2015/levels``: Caliendo and Parro (2015) 1993 input-output levels, aggregated to the ten
  sector groups and eight regions (the documented simplification for technology shares, the
  trade elasticities and the prior sector composition of bilateral flows).

Conversion rules (stated in each row's ``derivation``): foreign-currency values are converted at
the Federal Reserve G.5A 2023 annual average (the 2024 release was not found); for each directed
flow the importer-reported figure is preferred (customs imports record origin), else the
exporter-reported one.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd

from usmca.paths import shared_data_dir

from .sectors import CP_REGION_MAP, CP_SECTOR_MAP, GOODS, REGIONS, SECTORS

__all__ = ["rekey", "FACTS_PATH", "COLUMNS"]

FACTS_PATH = Path(__file__).with_name("facts.csv")
COLUMNS = ["quantity", "country", "partner", "sector", "input", "value", "unit", "year", "status",
           "source_url", "derivation"]
CP_URL = "https://github.com/paulofelipe/cp2015"
CP_PAPER = "Caliendo and Parro (2015), Review of Economic Studies 82(1):1-44, doi:10.1093/restud/rdu035"
FX_URL = "https://federalreserve.gov/releases/g5a/20240201"
DATAWEB_URL = "https://dataweb.usitc.gov/"
#: Law-tree parameter of the duty on originating goods (USMCA Art. 2.4), read on LAW_DATE.
P_PREFERENTIAL = "usmca/ch02/originating_goods_duty"
#: Date on which the law tree is read for the base year (mid-2024, as in the build's BASE_DATE).
LAW_DATE = "2024-07-01"
WB_KOR_MFN = "https://querytab.com/dataset/korea-rep-tariff-rate-most-favored-nation-simple-mean-all-products/10048832"


def _row(quantity: str, country: str = "", partner: str = "", sector: str = "all", input_: str = "",
         value: float = 0.0, unit: str = "USD bn", year: int = 2024, status: str = "official",
         source_url: str = "", derivation: str = "") -> dict:
    return {"quantity": quantity, "country": country, "partner": partner, "sector": sector, "input": input_,
            "value": repr(float(value)), "unit": unit, "year": year, "status": status,
            "source_url": source_url, "derivation": derivation}


def _law_entry(path: str) -> Any:
    """The law-tree entry of ``path`` in force on :data:`LAW_DATE` (value and reference)."""
    from usmca.law import default_tree

    return default_tree().entry(path, LAW_DATE)


def _published(shared: Path) -> list[dict]:
    f = pd.read_csv(shared / "facts" / "baseline_facts.csv", dtype=str, keep_default_na=False)
    f["v"] = f["value"].astype(float)
    fx = {r.reporter: r.v for r in f[f.figure == "fx_rate"].itertuples() if r.year == "2023"}
    out: list[dict] = []

    def usd(r) -> tuple[float, str]:
        if r.unit == "USD bn":
            return r.v, f"as published ({r.basis})"
        if r.unit == "EUR bn":
            return r.v * fx["EUR"], f"EUR {r.v} bn x {fx['EUR']} USD/EUR (Fed G.5A 2023, {FX_URL}); {r.basis}"
        if r.unit == "CAD bn":
            return r.v / fx["CAD"], f"CAD {r.v} bn / {fx['CAD']} CAD/USD (Fed G.5A 2023, {FX_URL}); {r.basis}"
        raise ValueError(r.unit)

    for r in f[(f.figure == "gdp_current_usd") & (f.year == "2024")].itertuples():
        out.append(_row("gdp", r.reporter, value=r.v, status=r.status, source_url=r.source_url,
                        derivation="World Bank WDI NY.GDP.MKTP.CD, current US$"))
    g23 = f[(f.figure == "gdp_current_usd") & (f.year == "2023")]
    for r in g23.itertuples():
        if r.reporter in ("EU27", "WLD"):
            out.append(_row("gdp", r.reporter, value=r.v, year=2023, status=r.status, source_url=r.source_url,
                            derivation="World Bank WDI, 2023 (2024 not found); vintage Sep-2024"))
    seven = [c for c in REGIONS if c != "ROW"]
    row_gdp = float(g23[g23.reporter == "WLD"].v.iloc[0] - g23[g23.reporter.isin(seven)].v.sum())
    out.append(_row("gdp", "ROW", value=row_gdp, year=2023, status="derived", source_url=g23.source_url.iloc[0],
                    derivation="WDI 2023 World minus the seven regions (2023 WDI, same vintage)"))
    # directed flows: importer-reported preferred, else exporter-reported
    flows: dict[tuple[str, str], dict] = {}
    sub = f[f.figure.isin(["goods_exports", "goods_imports"]) & (f.sector == "all")]
    for r in sub.itertuples():
        if r.unit not in ("USD bn", "EUR bn", "CAD bn"):
            continue
        exp_, imp = (r.reporter, r.partner) if r.figure == "goods_exports" else (r.partner, r.reporter)
        rank = 2 if r.figure == "goods_imports" else 1
        if r.reporter == "KOR" and "MOTIE" in r.basis:
            rank = 0  # same reporter as the Comtrade row; keep one basis per reporter
        v, how = usd(r)
        prev = flows.get((exp_, imp))
        if prev is None or rank > prev["rank"]:
            flows[(exp_, imp)] = {"rank": rank, "row": _row(
                "flow", exp_, imp, value=v, year=int(r.year), status=r.status, source_url=r.source_url,
                derivation=("importer-reported; " if rank == 2 else "exporter-reported; ") + how)}
    out += [flows[k]["row"] for k in sorted(flows)]
    for r in f[f.figure.isin(["goods_exports_total", "goods_imports_total"])].itertuples():
        if r.unit in ("JPY trn", "CNY trn"):
            continue
        if r.reporter == "JPN" and r.status != "derived":
            continue
        v, how = usd(r)
        q = "exports_total" if r.figure == "goods_exports_total" else "imports_total"
        out.append(_row(q, r.reporter, value=v, status=r.status, source_url=r.source_url, derivation=how))
    # Canada's totals from the StatCan US shares and the US-reported bilateral flows
    share = {r.figure: r for r in f[f.figure.str.startswith("share_of_goods")].itertuples()}
    can_us = flows[("CAN", "USA")]["row"]
    us_can = flows[("USA", "CAN")]["row"]
    se, sm = share["share_of_goods_exports"], share["share_of_goods_imports"]
    out.append(_row("exports_total", "CAN", value=float(can_us["value"]) / (se.v / 100), status="derived",
                    source_url=se.source_url, derivation=f"CAN->USA {can_us['value']} (US general imports) / "
                    f"{se.v}% US share of Canadian exports (StatCan); mixes the US and Canadian bases"))
    out.append(_row("imports_total", "CAN", value=float(us_can["value"]) / (sm.v / 100), status="derived",
                    source_url=sm.source_url, derivation=f"USA->CAN {us_can['value']} (US exports) / "
                    f"{sm.v}% US share of Canadian imports (StatCan); mixes the US and Canadian bases"))
    # sector facts: exact groups, combined groups and sub-category lower bounds
    sec = f[f.figure.isin(["us_imports_by_sector", "us_exports_by_sector"]) & (f.sector != "all")]
    for r in sec.itertuples():
        if r.partner in ("MEX", "CAN") and r.year != "2024":
            continue
        exp_, imp = ("USA", r.partner) if r.figure == "us_exports_by_sector" else (r.partner, "USA")
        kind, sector = _sector_kind(r.sector)
        if kind is None:
            continue
        out.append(_row(kind, exp_, imp, sector=sector, value=r.v, year=int(r.year), status=r.status,
                        source_url=r.source_url, derivation=f"source category '{r.sector}' ({r.basis})"))
    for r in f[f.figure == "mfn_applied_simple_avg"].itertuples():
        out.append(_row("tariff", r.reporter, value=r.v, unit="percent", year=int(r.year), status=r.status,
                        source_url=r.source_url, derivation="simple average MFN applied, all products"))
    out.append(_row("tariff", "USA", value=round(76.16 / 3251.2 * 100, 4), unit="percent", status="official",
                    source_url=DATAWEB_URL, derivation="calculated duties 76.16 / imports for consumption 3,251.2 "
                    "USD bn, 2024 (USITC DataWeb, via shared/research/trade-facts.md)"))
    out.append(_row("tariff", "KOR", value=14.07, unit="percent", year=2020, status="official",
                    source_url=WB_KOR_MFN, derivation="World Bank WDI TM.TAX.MRCH.SM.FN.ZS, MFN simple mean, "
                    "all products, 2020 (latest in the mirror read)"))
    pref = _law_entry(P_PREFERENTIAL)
    out.append(_row("tariff_preferential", "USMCA", value=float(pref.value), unit="percent", status="official",
                    source_url=pref.reference.url, derivation=f"USMCA {pref.reference.provision.split(' (')[0]} "
                    "(elimination of customs duties on originating goods; law tree "
                    f"{P_PREFERENTIAL}); claim shares below 100% are ignored in the baseline"))
    return out


def _sector_kind(label: str) -> tuple[str | None, str]:
    if label in SECTORS:
        return "flow", label
    if label == "machinery_electrical_84_85":
        return "flow_group", "machinery+electrical"
    if label == "HS84_machinery":
        return "flow", "machinery"
    if label == "HS85_electrical":
        return "flow", "electrical"
    if label == "plastics":
        return "flow_lower_bound", "plastics_rubber"
    if label in ("HS30_pharma",):
        return "flow_lower_bound", "chem_pharma"
    if label == "HS27_mineral_fuels":
        return "flow_lower_bound", "energy_minerals"
    if label in ("HS88_aircraft", "HS90_optical_medical"):
        return "flow_lower_bound", "other_manuf"
    if ":" in label:
        head = label.split(":", 1)[0]
        return ("flow_lower_bound", head) if head in SECTORS else (None, "")
    return None, ""  # "other": sector unknown, stays in the remainder


def _technology(shared: Path) -> list[dict]:
    lv = shared / "cp2015" / "levels"
    va = pd.read_csv(lv / "value_added.csv")
    ic = pd.read_csv(lv / "intermediate_consumption.csv")
    fc = pd.read_csv(lv / "final_consumption.csv")
    tr = pd.read_csv(lv / "trade.csv")
    for d, cols in ((va, ["sector"]), (ic, ["input", "sector"]), (fc, ["sector"])):
        for c in cols:
            d[c] = d[c].map(CP_SECTOR_MAP)
        d["region"] = d["region"].map(CP_REGION_MAP)
    deriv = f"aggregated from the 1993 levels of {CP_PAPER}: sum of levels over CP sectors and regions"
    out: list[dict] = []
    vag = va.groupby(["region", "sector"]).value.sum()
    icg = ic.groupby(["region", "input", "sector"]).value.sum()
    go = vag + icg.groupby(["region", "sector"]).sum()
    fcg = fc.groupby(["region", "sector"]).value.sum()
    fct = fcg.groupby("region").sum()
    for c in REGIONS:
        for s in SECTORS:
            out.append(_row("va_share", c, sector=s, value=vag[c, s] / go[c, s], unit="fraction", year=1993,
                            status="derived", source_url=CP_URL, derivation="value added / gross output; " + deriv))
            out.append(_row("final_share", c, sector=s, value=fcg[c, s] / fct[c], unit="fraction", year=1993,
                            status="derived", source_url=CP_URL, derivation="final consumption share; " + deriv))
            for k in SECTORS:
                out.append(_row("io_share", c, sector=s, input_=k, value=icg[c, k, s] / go[c, s], unit="fraction",
                                year=1993, status="derived", source_url=CP_URL,
                                derivation="input k / gross output of sector; " + deriv))
    tr["sector"] = tr["sector"].map(CP_SECTOR_MAP)
    tr["exporter"] = tr["exporter"].map(CP_REGION_MAP)
    tr["importer"] = tr["importer"].map(CP_REGION_MAP)
    foreign = tr[tr.exporter != tr.importer]
    # theta is not a fact: it is estimated with its standard error in elasticities.py
    comp = foreign.groupby(["exporter", "importer", "sector"]).value.sum()
    for e in REGIONS:
        for m in REGIONS:
            if e == m:
                continue
            tot = sum(comp.get((e, m, s), 0.0) for s in GOODS)
            for s in GOODS:
                out.append(_row("prior_composition", e, m, sector=s, value=comp.get((e, m, s), 0.0) / tot,
                                unit="fraction", year=1993, status="derived", source_url=CP_URL,
                                derivation="1993 sector composition of the flow; " + deriv))
    return out


def rekey(shared: Path | None = None, path: Path = FACTS_PATH) -> Path:
    """Write ``facts.csv`` from the published figures; returns its path."""
    shared = shared or shared_data_dir()
    if shared is None:
        raise FileNotFoundError("shared/data not found: rekey needs the published sources")
    rows = _published(shared) + _technology(shared)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover
    print(rekey())
