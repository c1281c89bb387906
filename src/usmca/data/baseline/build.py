"""Build the embedded 2024 baseline from the facts table (``usmca data build-baseline``).

Method (every step is deterministic; the built file is rebuilt bit-for-bit by a test):

1. **Bilateral goods totals** :math:`T_{ei}` (exporter e, importer i, 8 regions). Cells with a
   published figure are kept as facts. The other cells start from a frictionless gravity prior
   :math:`\\hat T_{ei} = \\kappa Y_e Y_i` (Anderson 1979; :math:`Y` = GDP), with :math:`\\kappa` set
   so that the prior sums to the known flows on the known cells, and are balanced by RAS
   (:func:`usmca.data.baseline.ras.ras_fixed`) to the published world export and import totals of
   the seven named regions (ROW's margins are unconstrained: its row and column take what the
   others' totals leave).
2. **Sector split** of every flow: published sector figures are kept; a combined group (machinery
   + electrical) is split by the prior; sub-category figures are lower bounds; the rest of the
   flow is spread over the remaining goods sectors in proportion to the flow's 1993 composition
   (Caliendo and Parro 2015 data). When all nine sectors are published, the difference between
   the flow total and their sum (a basis difference: general imports vs. imports for
   consumption, chapters 98/99) goes to ``other_manuf``.
3. **Tariffs**: the importer's applied average where published, else the median of the
   published ones; zero within USMCA (Art. 2.4); none on services. Bilateral measures in force in
   the base year are added from the law tree (:data:`BILATERAL_MEASURES`): Section 301 on US
   imports from China, as its trade-weighted average (``us/section301/china/average_rate``).
   The US average is the collected rate over all partners (it already holds the 301 duty
   collected on China, below the statutory average because of exclusions and trade diversion),
   so the China tariff is the statutory one and the others are slightly overstated.
4. **Domestic sales and expenditure** from the Caliendo-Parro (2015) accounting identities, so
   that the baseline is an exact equilibrium of the model. With :math:`G_n` the input-output
   matrix (:math:`G_{n,jk}` = input j per unit of gross output of sector k), :math:`\\alpha_n` the
   final-demand shares, :math:`M^g_n` imports gross of tariffs, :math:`E_n` exports and
   :math:`I_n = wL_n + R_n + D_n` (value added = GDP, tariff revenue, goods deficit):

   .. math:: (I - G_n) X_n = \\alpha_n I_n + G_n (E_n - M^g_n), \\qquad Z_{nnj} = X_{nj} - M^g_{nj}.

   Summing the rows shows :math:`\\sum_j \\gamma_{nj} Y_{nj} = wL_n`: labour markets clear.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

from .ras import ras_fixed
from .sectors import GOODS, REGIONS, SECTORS, USMCA

__all__ = ["build", "write_baseline", "read_facts", "BASELINE_PATH", "STATUS_CODES", "FACTS_PATH"]

FACTS_PATH = Path(__file__).with_name("facts.csv")
BASELINE_PATH = Path(__file__).with_name("baseline_2024.json")
STATUS_CODES = {
    0: "domestic sales from the model identities",
    1: "fact (published figure)",
    2: "fact plus the basis residual of the flow total",
    3: "flow total is a fact; sector split imputed (1993 composition, bounded by published sub-totals)",
    4: "flow total imputed (gravity prior balanced by RAS); sector split imputed",
    5: "not traded (services)",
}
_N, _J, _G = len(REGIONS), len(SECTORS), len(GOODS)
_IX = {c: k for k, c in enumerate(REGIONS)}
_JX = {s: k for k, s in enumerate(SECTORS)}


def read_facts(path: Path | str = FACTS_PATH) -> pd.DataFrame:
    """Read a facts table, checking its columns and that every row has a source URL."""
    p = Path(path)
    if not p.is_file():
        raise UserInputError(str(path), "", str(path), "facts table not found")
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    need = {"quantity", "country", "partner", "sector", "input", "value", "source_url"}
    if need - set(df.columns):
        raise UserInputError(p.name, "columns", sorted(need - set(df.columns)), "missing columns")
    bad = df.index[~df.source_url.str.startswith("http")]
    if len(bad):
        raise UserInputError(p.name, f"row {int(bad[0]) + 2}.source_url", df.source_url[bad[0]], "no source URL")
    df["v"] = df["value"].astype(float)
    return df


def _bilateral(f: pd.DataFrame, gdp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Goods totals ``T[e, i]`` (exporter, importer) and the mask of published cells."""
    known = np.zeros((_N, _N))
    isknown = np.zeros((_N, _N), bool)
    for r in f[(f.quantity == "flow") & (f.sector == "all")].itertuples():
        known[_IX[r.country], _IX[r.partner]] = r.v
        isknown[_IX[r.country], _IX[r.partner]] = True
    rows = np.full(_N, np.nan)
    cols = np.full(_N, np.nan)
    for r in f[f.quantity == "exports_total"].itertuples():
        rows[_IX[r.country]] = r.v
    for r in f[f.quantity == "imports_total"].itertuples():
        cols[_IX[r.country]] = r.v
    prior = np.outer(gdp, gdp)
    np.fill_diagonal(prior, 0.0)
    prior *= known[isknown].sum() / prior[isknown].sum()
    free = ~isknown & ~np.eye(_N, dtype=bool)
    return ras_fixed(prior, free, known, rows, cols), isknown


def _split(f: pd.DataFrame, T: np.ndarray, isknown: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sector split ``S[e, i, g]`` of the goods totals, and the status code of each cell."""
    exact = np.full((_N, _N, _G), np.nan)
    lb = np.zeros((_N, _N, _G))
    group = np.full((_N, _N), np.nan)
    gmask = np.array([g in ("machinery", "electrical") for g in GOODS])
    prior = np.zeros((_N, _N, _G))
    gx = {g: k for k, g in enumerate(GOODS)}
    for r in f[f.quantity == "prior_composition"].itertuples():
        prior[_IX[r.country], _IX[r.partner], gx[r.sector]] = r.v
    for r in f[f.quantity.isin(["flow", "flow_lower_bound", "flow_group"]) & (f.sector != "all")].itertuples():
        e, i = _IX[r.country], _IX[r.partner]
        if r.quantity == "flow":
            exact[e, i, gx[r.sector]] = r.v
        elif r.quantity == "flow_lower_bound":
            lb[e, i, gx[r.sector]] += r.v
        else:
            group[e, i] = r.v
    fixed = np.isfinite(exact)
    ex0 = np.nan_to_num(exact)
    hasgroup = np.isfinite(group)
    ingroup = hasgroup[..., None] & gmask & ~fixed
    gp = np.where(ingroup, prior, 0.0)
    gsum = gp.sum(-1, keepdims=True)
    grem = np.nan_to_num(group)[..., None] - (ex0 * (gmask & hasgroup[..., None])).sum(-1, keepdims=True)
    gval = np.where(ingroup, grem * np.divide(gp, gsum, out=np.full_like(gp, 0.5), where=gsum > 0), 0.0)
    free = ~fixed & ~ingroup
    rem = T[..., None] - ex0.sum(-1, keepdims=True) - gval.sum(-1, keepdims=True)
    lbf = np.where(free, lb, 0.0)
    fp = np.where(free, prior, 0.0)
    fsum = fp.sum(-1, keepdims=True)
    share = np.divide(fp, fsum, out=np.where(free, 1.0, 0.0) / np.maximum(free.sum(-1, keepdims=True), 1),
                      where=fsum > 0)
    spread = rem - lbf.sum(-1, keepdims=True)
    offdiag = ~np.eye(_N, dtype=bool)
    if np.any((spread < -1e-9) & offdiag[..., None] & free.any(-1, keepdims=True)):
        e, i = np.argwhere(((spread < -1e-9) & offdiag[..., None]).any(-1))[0]
        raise UserInputError("facts.csv", f"flow {REGIONS[e]}->{REGIONS[i]}", float(T[e, i]),
                             "published sector figures exceed the flow total")
    S = np.where(fixed, ex0, 0.0) + gval + np.where(free, lbf + spread * share, 0.0)
    allfixed = fixed.all(-1)
    resid = np.where(allfixed, T - ex0.sum(-1), 0.0)
    S[..., gx["other_manuf"]] += resid
    S[~offdiag] = 0.0
    status = np.where(fixed, 1, np.where(isknown[..., None], 3, 4))
    status[..., gx["other_manuf"]] = np.where(allfixed, 2, status[..., gx["other_manuf"]])
    return S, status


BASE_DATE = "2024-07-01"
"""Date on which the law tree is read for the base year's bilateral measures (mid-2024)."""
BILATERAL_MEASURES: tuple[tuple[str, str, str], ...] = (("USA", "CHN", "us/section301/china/average_rate"),)
"""(importer, exporter, law-tree path in percent) added to the importer's average on all goods."""


def _measures() -> list[dict[str, Any]]:
    """The bilateral measures of the base year read from the law tree, with their references."""
    from usmca.law import default_tree

    tree = default_tree()
    out = []
    for imp, exp_, path in BILATERAL_MEASURES:
        e = tree.entry(path, BASE_DATE)
        out.append({"importer": imp, "exporter": exp_, "path": path, "value": float(e.value), "unit": "percent",
                    "date": BASE_DATE, "url": e.reference.url})
    return out


def _tariffs(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Tariffs ``tau[i, e, j]`` (importer, exporter, sector) as fractions, and importer rates."""
    rate = np.full(_N, np.nan)
    for r in f[f.quantity == "tariff"].itertuples():
        rate[_IX[r.country]] = r.v / 100.0
    rate = np.where(np.isfinite(rate), rate, np.nanmedian(rate))
    pref = f[f.quantity == "tariff_preferential"].v.iloc[0] / 100.0
    tau = np.broadcast_to(rate[:, None, None], (_N, _N, _J)).copy()
    u = np.array([c in USMCA for c in REGIONS])
    tau[np.ix_(u, u)] = pref
    for m in _measures():
        tau[_IX[m["importer"]], _IX[m["exporter"]], :] += m["value"] / 100.0
    tau[:, :, _JX["services"]] = 0.0
    tau[np.arange(_N), np.arange(_N), :] = 0.0
    return tau, rate


IMPUTED_TARIFF = "imputed: median of the published importer averages (no published figure)"
"""Source label of an importer tariff that no fact gives (step 3 of the method)."""


def _tariff_sources(f: pd.DataFrame) -> dict[str, str]:
    """Where each importer's average tariff comes from: the fact's source URL, or the imputation.

    The key ``USMCA`` gives the source of the zero tariff within USMCA (the law-tree value of
    ``usmca/ch02/originating_goods_duty`` re-keyed into the facts table).
    """
    known = {r.country: r.source_url for r in f[f.quantity == "tariff"].itertuples()}
    out = {c: known.get(c, IMPUTED_TARIFF) for c in REGIONS}
    out["USMCA"] = str(f[f.quantity == "tariff_preferential"].source_url.iloc[0])
    return out


def _by(f: pd.DataFrame, q: str, shape: tuple[int, ...]) -> np.ndarray:
    a = np.full(shape, np.nan)
    for r in f[f.quantity == q].itertuples():
        idx = ((_IX[r.country],) if r.country else ()) + ((_JX[r.input],) if r.input else ()) + (_JX[r.sector],)
        a[idx] = r.v
    return a


DOMESTIC_FLOOR = 0.10
"""Smallest domestic share of absorption a goods sector may have in the built baseline."""


def _expenditure(io: np.ndarray, alpha: np.ndarray, income: np.ndarray, exports: np.ndarray,
                 gross: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[tuple[str, str, float]]]:
    """Solve :math:`(I - G_n) X_n = \\alpha_n I_n + G_n (E_n - M^g_n)` for every country.

    Where the 1993 final-demand shares imply domestic sales below ``DOMESTIC_FLOOR`` of
    absorption (e.g. Mexican machinery, whose 2024 imports for assembly dwarf its 1993 demand),
    the final-demand share of that sector is raised just enough, taken from services, so that
    :math:`X_{nj} - M^g_{nj} = \\text{floor} \\cdot X_{nj}`. Returns X, the shares used, and the
    list of adjustments (country, sector, added share).
    """
    eye = np.eye(_J)
    A = eye[None] - io
    B = np.linalg.inv(A)
    base = np.einsum("njk,nk->nj", io, exports - gross)
    alpha = alpha.copy()
    s = _JX["services"]
    adjusted: list[tuple[str, str, float]] = []
    for _ in range(4 * _J):
        X = np.einsum("njk,nk->nj", B, alpha * income[:, None] + base)
        gap = (1.0 - DOMESTIC_FLOOR) * X - gross          # >= 0 wanted
        gap[:, s] = 0.0
        if gap.min() >= -1e-9:
            return X, alpha, adjusted
        n, j = np.unravel_index(np.argmin(gap), gap.shape)
        # d gap_j / d alpha_j (moving share from services to j)
        slope = (1.0 - DOMESTIC_FLOOR) * income[n] * (B[n, j, j] - B[n, j, s])
        delta = -gap[n, j] / slope
        alpha[n, j] += delta
        alpha[n, s] -= delta
        adjusted.append((REGIONS[n], SECTORS[j], float(delta)))
    raise UserInputError("facts.csv", "final_share", None, "cannot reach the domestic floor")


def build(facts: pd.DataFrame) -> dict[str, Any]:
    """Build the baseline (a JSON-ready mapping) from a facts table (see :func:`read_facts`)."""
    f = facts
    gdp = np.array([f[(f.quantity == "gdp") & (f.country == c)].v.iloc[0] for c in REGIONS])
    T, isknown = _bilateral(f, gdp)
    S, st = _split(f, T, isknown)
    tau, rate = _tariffs(f)
    va = _by(f, "va_share", (_N, _J))
    io = _by(f, "io_share", (_N, _J, _J))          # [n, input j, sector k]
    io *= ((1.0 - va) / io.sum(axis=1))[:, None, :]  # exact identity sum_j io + va = 1
    alpha = _by(f, "final_share", (_N, _J))
    alpha /= alpha.sum(axis=1, keepdims=True)
    from .elasticities import load_elasticities  # noqa: PLC0415 - the cited table (with standard errors)

    theta = load_elasticities(sectors=tuple(_JX)).theta   # replaces the facts' CP replication-file values
    # flows Z[i, e, j]: importer i, exporter e (the model's order)
    Z = np.zeros((_N, _N, _J))
    Z[:, :, : _G] = S.transpose(1, 0, 2)
    status = np.full((_N, _N, _J), 5)
    status[:, :, : _G] = st.transpose(1, 0, 2)
    imports = Z.sum(axis=1)                              # net of tariffs, [n, j]
    gross = (Z * (1.0 + tau)).sum(axis=1)
    exports = Z.sum(axis=0)
    revenue = (Z * tau).sum(axis=(1, 2))
    deficit = imports.sum(1) - exports.sum(1)
    income = gdp + revenue + deficit
    X, alpha, adjusted = _expenditure(io, alpha, income, exports, gross)
    dom = X - gross
    Z[np.arange(_N), np.arange(_N), :] = dom
    status[np.arange(_N), np.arange(_N), :] = 0
    output = Z.sum(axis=0)
    return {
        "description": "Compact 2024 baseline: 8 regions x 10 sectors, USD bn, built by usmca data "
                       "build-baseline from src/usmca/data/baseline/facts.csv",
        "year": 2024, "unit": "USD bn", "countries": list(REGIONS), "sectors": list(SECTORS),
        "value_added": gdp, "flows": Z, "tariffs": tau, "va_share": va, "io_share": io,
        "final_share": alpha, "theta": theta, "deficits": deficit, "expenditure": X, "gross_output": output,
        "tariff_by_importer": rate, "tariff_sources": _tariff_sources(f), "bilateral_measures": _measures(),
        "final_share_adjustments": [list(a) for a in adjusted],
        "domestic_floor": DOMESTIC_FLOOR, "cell_status": status, "status_codes": STATUS_CODES,
        "sources": sorted(set(f.source_url)),
        "array_order": {"flows": "importer, exporter, sector (net of tariffs)",
                        "tariffs": "importer, exporter, sector (fraction)",
                        "io_share": "country, input sector, using sector (share of gross output)"},
    }


def _round(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return _round(obj.tolist())
    if isinstance(obj, list):
        return [_round(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): _round(v) for k, v in obj.items()}
    if isinstance(obj, (float, np.floating)):
        return float(f"{float(obj):.12g}")
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def write_baseline(facts_path: Path | str = FACTS_PATH, out: Path | str = BASELINE_PATH) -> Path:
    """Build from ``facts_path`` and write the JSON file ``out`` (12 significant digits)."""
    doc = _round(build(read_facts(facts_path)))
    out = Path(out)
    out.write_text(json.dumps(doc, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    return out
