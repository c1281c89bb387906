"""Estimation front for structural gravity on pyfixest PPML (``pyfixest.fepois``; not rewritten).

Implements the two-stage procedure of Anderson and Yotov (2016) as used in Yotov, Piermartini,
Monteiro and Larch (2016), ch. 2, application 2
(https://www.wto.org/english/res_e/booksp_e/advancedwtounctad2016_e.pdf):

1. ``X_ijt = exp(pi_it + chi_jt + gamma_ij + b RTA_ijt) + e`` by PPML with exporter-time,
   importer-time and (symmetric) pair fixed effects, all intra-national pairs sharing one pair
   effect (the normalisation ``gamma_ii = 0``). Pairs that never trade are dropped.
2. For one year, ``exp(gamma_ij) = exp(pi_i + chi_j + c' z_ij) + e`` by PPML on international
   pairs with exporter and importer effects (``z``: log distance, contiguity, language, colony),
   standard errors clustered by pair; its predictions fill the pairs dropped in stage 1.

pyfixest docs: https://py-fixest.github.io/pyfixest/reference/estimation.fepois.html
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

__all__ = ["PpmlEstimate", "fit_ppml", "estimate_pair_effects", "fill_pair_effects", "PairEffects",
           "gravity_codes", "fixed_effects"]


@dataclass(frozen=True, eq=False)
class PpmlEstimate:
    """Coefficients, their covariance and fit statistics of one PPML estimation."""

    coef: pd.Series
    vcov: pd.DataFrame
    nobs: int
    seconds: float
    formula: str
    fit: Any = field(repr=False)

    @property
    def se(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.vcov.to_numpy())), index=self.coef.index, name="se")

    def table(self) -> pd.DataFrame:
        """Tidy: ``term, estimate, se``."""
        return pd.DataFrame({"term": self.coef.index, "estimate": self.coef.to_numpy(), "se": self.se.to_numpy()})


def fit_ppml(data: pd.DataFrame, formula: str, *, vcov: str | dict[str, str] = "hetero",
             fixef_k: str = "none", fixef_tol: float = 1e-10, iwls_tol: float = 1e-10) -> PpmlEstimate:
    """Run ``pyfixest.fepois(formula, data)`` and wrap the result.

    ``fixef_k="none"`` leaves the absorbed effects out of the small-sample factor ``(n-1)/(n-K)``
    (fixest's convention, which pyfixest follows:
    https://search.r-project.org/CRAN/refmans/fixest/html/ssc.html), which gives the robust
    standard errors of Stata's ``ppml`` reported in the book (RTA: 0.0558).
    """
    import pyfixest as pf
    from formulaic.errors import FormulaicError

    t0 = time.perf_counter()
    try:
        fit = pf.fepois(formula, data=data, vcov=vcov, iwls_tol=iwls_tol, **_pyfixest_options(pf, fixef_k, fixef_tol))
    except (ValueError, KeyError, NameError, FormulaicError) as exc:
        raise UserInputError("ppml", "formula", formula, str(exc).splitlines()[0] if str(exc) else "invalid") from None
    coef = fit.coef()
    names = list(coef.index)
    cov = pd.DataFrame(np.asarray(fit._vcov, dtype=float), index=names, columns=names)
    return PpmlEstimate(coef.rename("estimate"), cov, int(fit._N), time.perf_counter() - t0, formula, fit)


def _pyfixest_options(pf: Any, fixef_k: str, fixef_tol: float) -> dict[str, Any]:
    """The small-sample and demeaning options in the spelling of the installed pyfixest.

    pyfixest 0.60 renamed ``ssc(fixef_k=)`` to ``ssc(k_fixef=)`` and moved ``fixef_tol`` into a typed
    ``demeaner=MapDemeaner(fixef_tol=...)``; older releases (>= 0.25, our lower bound) take the old names.
    """
    ssc_params = inspect.signature(pf.ssc).parameters
    ssc = pf.ssc(**{("k_fixef" if "k_fixef" in ssc_params else "fixef_k"): fixef_k})
    if hasattr(pf, "MapDemeaner") and "demeaner" in inspect.signature(pf.fepois).parameters:
        return {"ssc": ssc, "demeaner": pf.MapDemeaner(fixef_tol=fixef_tol)}
    return {"ssc": ssc, "fixef_tol": fixef_tol}


@dataclass(frozen=True, eq=False)
class PairEffects:
    """Stage-1 estimate and the pair effects of one year (``ln_tij_bar``, NaN where unidentified;
    the column is absent when the effects were not asked for)."""

    estimate: PpmlEstimate
    year: int
    frame: pd.DataFrame  # exporter, importer, pair_id, trade, RTA, DIST, CNTG, LANG, CLNY[, ln_tij_bar]


_PANEL = ("exporter", "importer", "pair_id", "year", "trade")


def gravity_codes(df: pd.DataFrame) -> pd.DataFrame:
    r"""Integer fixed-effect codes of a gravity panel: ``exp_time``, ``imp_time``, ``pair``.

    Exporter-year and importer-year are ``country code * n_years + year code``; ``pair`` is
    ``pair_id + 1`` for international pairs and ``0`` for every intra-national pair (one shared
    effect, the normalisation :math:`\gamma_{ii} = 0` of Yotov et al. 2016, ch. 2). Integers
    rather than concatenated strings: the same partition of the rows, built in milliseconds.
    """
    names = pd.concat([df["exporter"], df["importer"]], ignore_index=True).astype(str)
    codes, _ = pd.factorize(names)
    exp_c, imp_c = codes[: len(df)], codes[len(df):]
    year_c, years = pd.factorize(df["year"])
    ny = max(len(years), 1)
    domestic = exp_c == imp_c
    pid = df["pair_id"].to_numpy()
    if pid.dtype.kind not in "iu":
        pid = pd.factorize(pid)[0]
    return pd.DataFrame({"exp_time": exp_c.astype(np.int64) * ny + year_c,
                         "imp_time": imp_c.astype(np.int64) * ny + year_c,
                         "pair": np.where(domestic, 0, pid.astype(np.int64) + 1)}, index=df.index)


def fixed_effects(est: PpmlEstimate, *, atol: float = 1e-12, btol: float = 1e-12) -> dict[str, pd.Series]:
    r"""Recover the absorbed fixed effects of a PPML fit whose effects are integer-coded columns.

    The same problem as ``pyfixest``'s ``Fepois.fixef`` (Stammann 2018, eq. 5.2,
    http://arxiv.org/abs/1707.01815): the minimum-norm least-squares :math:`lpha` of
    :math:`Dlpha = \hat\eta - X\hateta` by LSQR from zero, :math:`D` the 0/1 dummies of every
    level of every effect and :math:`\hat\eta` the fitted linear predictor, but with :math:`D`
    built directly from the codes (one sparse matrix, no formula parsing). Every effect after the
    ``|`` of ``est.formula`` must be a column of integer codes (e.g. :func:`gravity_codes`).
    Returns one Series per effect, indexed by code.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.linalg import lsqr

    fit = est.fit
    fe = [f.strip() for f in est.formula.split("|", 1)[1].split("+")] if "|" in est.formula else []
    data = fit._data
    eta = getattr(fit, "_Y_hat_link", None)
    if eta is None or getattr(fit, "_offset_name", None) is not None:     # another pyfixest layout
        res = fit.fixef(atol=atol, btol=btol)
        return {f: pd.Series({int(float(k)): v for k, v in res[f"C({f})"].items()}) for f in fe}
    names = list(est.coef.index)
    x = data[names].to_numpy(dtype=float) if names else np.zeros((len(data), 0))
    uhat = np.asarray(eta, dtype=float).ravel() - x @ est.coef.to_numpy()
    cols, levels, offset = [], [], 0
    for f in fe:
        lev, inv = np.unique(data[f].to_numpy(), return_inverse=True)
        cols.append(inv.ravel() + offset)
        levels.append(lev)
        offset += len(lev)
    n = len(data)
    d = csr_matrix((np.ones(n * len(fe)), np.column_stack(cols).ravel(), np.arange(0, n * len(fe) + 1, len(fe))),
                   shape=(n, offset))
    alpha = lsqr(d, uhat, atol=atol, btol=btol)[0]
    out, k = {}, 0
    for f, lev in zip(fe, levels, strict=True):
        out[f] = pd.Series(alpha[k:k + len(lev)], index=lev)
        k += len(lev)
    return out


def estimate_pair_effects(panel: pd.DataFrame, *, years: Sequence[int], base_year: int,
                          policy: Sequence[str] = ("RTA",), vcov: str | dict[str, str] = "hetero",
                          effects: bool = True) -> PairEffects:
    """Stage 1: three-way-FE PPML on ``years``; pair effects relative to intra-national trade.

    Parameters
    ----------
    panel : DataFrame
        ``exporter, importer, pair_id, year, trade`` and the ``policy`` columns.
    years : sequence of int
        Years kept (the book: 1986, 1990, ..., 2006).
    base_year : int
        Year whose cross-section is returned with ``ln_tij_bar``.
    effects : bool
        Recover the pair effects (``ln_tij_bar``, :func:`fixed_effects`); ``False`` returns the
        policy estimate only (the frame without ``ln_tij_bar``), at the cost of the PPML alone.
    """
    missing = [c for c in (*_PANEL, *policy) if c not in panel.columns]
    if missing:
        raise UserInputError("panel", "header", list(panel.columns), f"missing column(s) {', '.join(missing)}")
    if base_year not in years:
        raise UserInputError("ppml", "base_year", base_year, "must be one of the estimation years")
    keep = panel["year"].isin(list(years)).to_numpy()
    if not keep.any():
        raise UserInputError("panel", "year", list(years), "no rows in these years")
    df = panel[keep]
    codes = gravity_codes(df)
    pair = codes["pair"].to_numpy()
    trade = df["trade"].to_numpy(dtype=float)
    uniq, inv = np.unique(pair, return_inverse=True)
    traded = (np.bincount(inv.ravel(), weights=trade, minlength=len(uniq)) > 0)[inv.ravel()]
    est_df = pd.concat([df.loc[traded, ["trade", *policy]], codes[traded]], axis=1)
    est = fit_ppml(est_df, f"trade ~ {' + '.join(policy)} | exp_time + imp_time + pair", vcov=vcov)
    base = (df["year"] == base_year).to_numpy()
    out = df[base].reset_index(drop=True)
    if effects:
        fe = fixed_effects(est)["pair"]
        dom = float(fe.get(0, 0.0))
        gamma = fe.reindex(pair[base]).to_numpy(dtype=float) - dom
        gamma[pair[base] == 0] = 0.0
        out["ln_tij_bar"] = gamma
    return PairEffects(est, int(base_year), out)


def fill_pair_effects(cross_section: pd.DataFrame, *,
                      regressors: Sequence[str] = ("ln_DIST", "CNTG", "LANG", "CLNY"),
                      cluster: str = "pair_id") -> tuple[pd.DataFrame, PpmlEstimate]:
    """Stage 2: fill missing ``ln_tij_bar`` from PPML of ``exp(ln_tij_bar)`` on gravity covariates.

    ``ln_DIST`` is built from ``DIST`` when absent. Returns the frame with ``ln_tij_bar`` complete
    (column ``filled`` marks the predicted pairs) and the stage-2 estimate.
    """
    df = cross_section.copy()
    if "ln_DIST" in regressors and "ln_DIST" not in df.columns:
        if "DIST" not in df.columns:
            raise UserInputError("cross_section", "DIST", None, "needed for ln_DIST")
        df["ln_DIST"] = np.log(df["DIST"].astype(float))
    intl = (df["exporter"] != df["importer"]).to_numpy()
    have = np.isfinite(df["ln_tij_bar"].to_numpy(dtype=float))
    est_rows = df[intl & have].copy()
    est_rows["tij"] = np.exp(est_rows["ln_tij_bar"])
    est = fit_ppml(est_rows, f"tij ~ {' + '.join(regressors)} | exporter + importer", vcov={"CRV1": cluster})
    todo = intl & ~have
    df["filled"] = todo
    if todo.any():
        pred = np.asarray(est.fit.predict(newdata=df[todo], type="response"), dtype=float)
        if not np.all(np.isfinite(pred)) or np.any(pred <= 0):
            raise UserInputError("cross_section", "ln_tij_bar", "unpredictable pair",
                                 "a missing pair's exporter or importer has no other observation")
        df.loc[todo, "ln_tij_bar"] = np.log(pred)
    df.loc[~intl, "ln_tij_bar"] = 0.0
    return df, est
