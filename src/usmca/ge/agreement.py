"""The trade effect of the agreement itself (CUSFTA/NAFTA), estimated by PPML, as cited package data.

Estimate: structural gravity by PPML with exporter-year, importer-year and pair fixed effects
(Yotov, Piermartini, Monteiro and Larch 2016, ch. 2, application 2,
https://www.wto.org/english/res_e/booksp_e/advancedwtounctad2016_e.pdf), run with pyfixest
(:func:`usmca.ge.ppml.fit_ppml`) on the book's panel (69 countries, manufacturing incl.
intra-national flows, 1986-2006 every 4 years), with the RTA dummy split into the agreement
among the United States, Canada and Mexico (``NAFTA``: CUSFTA from 1989 for US-Canada, NAFTA from
1994) and all other agreements (``RTA_other``)::

    trade_ijt = exp(pi_it + chi_jt + gamma_ij + b NAFTA_ijt + c RTA_other_ijt) + e

Standard errors are clustered by pair. :math:`\\hat b` is the partial (gravity) effect of the
agreement on trade among its members, *including* its tariff preferences. Its trade-cost
equivalent is :math:`b/(\\sigma-1)` with the elasticity of substitution the same study pairs with
this panel (:math:`\\sigma = 7`, Yotov et al. 2016, ch. 2): a cost, so the same in every sector.
When a scenario removes the agreement its non-tariff part is what is left once the tariff
preference the scenario already removes is netted out (:func:`log_trade_cost`).

Build: ``python -m usmca.ge.agreement`` (needs ``../shared/data/yotov_nafta``) writes
``agreement_effect.json`` beside this file; :func:`load_agreement_effect` reads it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from usmca.errors import UserInputError

__all__ = ["AGREEMENT_PATH", "estimate_agreement_effect", "load_agreement_effect", "log_trade_cost"]

AGREEMENT_PATH = Path(__file__).with_name("agreement_effect.json")
BOOK_URL = "https://www.wto.org/english/res_e/booksp_e/advancedwtounctad2016_e.pdf"
MEMBERS = ("USA", "CAN", "MEX")
YEARS = tuple(range(1986, 2007, 4))
BOOK_SIGMA = 7.0
"""Elasticity of substitution of Yotov et al. (2016), ch. 2, application 2 (their GE analysis)."""


def estimate_agreement_effect(shared: Path) -> dict[str, Any]:
    """Run the PPML of the module docstring on ``shared/yotov_nafta`` and return the cited record."""
    from .loaders.yotov import read_panel
    from .ppml import fit_ppml

    p = read_panel(shared / "yotov_nafta")
    df = p[p["year"].isin(YEARS)].copy()
    members = df["exporter"].isin(MEMBERS) & df["importer"].isin(MEMBERS) & (df["exporter"] != df["importer"])
    df["NAFTA"] = members.astype(float) * df["RTA"]
    df["RTA_other"] = df["RTA"] - df["NAFTA"]
    df["exp_time"] = df["exporter"].astype(str) + "_" + df["year"].astype(str)
    df["imp_time"] = df["importer"].astype(str) + "_" + df["year"].astype(str)
    df["pair"] = np.where(df["exporter"] == df["importer"], "domestic", "p" + df["pair_id"].astype(str))
    df = df[df.groupby("pair")["trade"].transform("sum") > 0]
    spec = "trade ~ NAFTA + RTA_other | exp_time + imp_time + pair"
    est = fit_ppml(df, spec, vcov={"CRV1": "pair"})
    first = df[df["NAFTA"] > 0].groupby(["exporter", "importer"])["year"].min()
    return {
        "coefficient": round(float(est.coef["NAFTA"]), 6), "se": round(float(est.se["NAFTA"]), 6),
        "other_rta": {"coefficient": round(float(est.coef["RTA_other"]), 6),
                      "se": round(float(est.se["RTA_other"]), 6)},
        "partial_trade_effect_pct": round(100 * (float(np.exp(est.coef["NAFTA"])) - 1), 2),
        "sigma": BOOK_SIGMA,
        "trade_cost_equivalent_pct": round(100 * (float(np.exp(est.coef["NAFTA"] / (BOOK_SIGMA - 1))) - 1), 2),
        "nobs": int(est.nobs),
        "sample": f"Yotov et al. (2016) ch. 2 application 2 panel: {df['exporter'].nunique()} countries, "
                  f"manufacturing incl. intra-national flows, years {', '.join(map(str, YEARS))}; "
                  "agreement in force: " + "; ".join(f"{e}->{i} from {y}" for (e, i), y in first.items()),
        "specification": "PPML (pyfixest fepois) " + spec + "; exporter-year, importer-year and pair fixed "
                         "effects, intra-national pairs one pair effect; standard errors clustered by pair",
        "source": "Yotov, Piermartini, Monteiro and Larch (2016), An Advanced Guide to Trade Policy Analysis, "
                  "WTO/UNCTAD, ch. 2 application 2 (data); estimated by usmca.ge.agreement",
        "url": BOOK_URL,
        "interpretation": "partial effect of CUSFTA/NAFTA on trade among the three, tariff preferences included; "
                          "trade-cost equivalent exp(b/(sigma-1)) - 1 with the book's sigma = 7; the non-tariff "
                          "part applied by a scenario nets out the tariff preference it removes",
    }


def load_agreement_effect(path: Path | str | None = None) -> dict[str, Any]:
    """The cited estimate (default: the package's ``agreement_effect.json``), validated."""
    p = Path(path) if path is not None else AGREEMENT_PATH
    if not p.is_file():
        raise UserInputError(str(p), "", str(p), "agreement-effect file not found (python -m usmca.ge.agreement)")
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserInputError(p.name, "", None, f"not JSON: {exc}") from None
    for k in ("coefficient", "se", "sigma"):
        v = d.get(k)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not np.isfinite(v) or v < 0:
            raise UserInputError(p.name, k, v, "must be a finite number >= 0")
    if d["sigma"] <= 1:
        raise UserInputError(p.name, "sigma", d["sigma"], "must be > 1")
    if not str(d.get("url", "")).startswith(("http://", "https://")):
        raise UserInputError(p.name, "url", d.get("url"), "the estimate needs its source URL")
    return d


def log_trade_cost(share: np.ndarray, margin: np.ndarray, beta: np.ndarray, sigma: float) -> np.ndarray:
    r"""Log iceberg change of removing ``share`` of the agreement, per draw: (B, N, N, J).

    The agreement raises trade among members by :math:`e^{b}` at given prices; in the gravity
    model it was estimated with (Yotov et al. 2016, :math:`\sigma = 7`) that is a fall of trade
    costs by :math:`b/(\sigma-1)`. Its tariff part, the preference margin
    :math:`\ln\frac{1+\tau^{MFN}_{nj}}{1+\tau_{nij}}`, is restored by the scenario's tariffs, so
    the non-tariff part is

    .. math:: \ln\hat d_{nij} = s_{nij}\max(0,\; b/(\sigma-1) - \mathrm{margin}_{nij}).

    ``share`` and ``margin`` are (N, N, J); ``beta`` (B,) draws of :math:`b`.
    """
    x = beta[:, None, None, None] / (sigma - 1.0) - margin[None]
    return share[None] * np.maximum(x, 0.0)


def main(argv: list[str] | None = None) -> int:
    """``python -m usmca.ge.agreement [OUT]``: estimate and write the cited record."""
    from usmca.paths import shared_data_dir

    shared = shared_data_dir()
    if shared is None:
        print("error: ../shared/data not found (needed to estimate the agreement effect)", file=sys.stderr)
        return 2
    out = Path((argv or sys.argv[1:] or [str(AGREEMENT_PATH)])[0])
    out.write_text(json.dumps(estimate_agreement_effect(shared), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
