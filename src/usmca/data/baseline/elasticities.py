"""Trade elasticities of the baseline sectors, with standard errors, estimated and cited.

Method: the estimator of Caliendo and Parro (2015, Section 4, "Estimating sectoral trade
elasticities", https://doi.org/10.1093/restud/rdu035). For every triplet of countries
:math:`(n, i, h)` and sector :math:`j`, the multiplicative gravity terms cancel in

.. math:: \\ln\\frac{X_{ni}^j X_{ih}^j X_{hn}^j}{X_{in}^j X_{hi}^j X_{nh}^j}
          = -\\theta^j \\ln\\frac{\\tilde\\tau_{ni}^j \\tilde\\tau_{ih}^j \\tilde\\tau_{hn}^j}
                                 {\\tilde\\tau_{in}^j \\tilde\\tau_{hi}^j \\tilde\\tau_{nh}^j}
             + \\varepsilon^j_{nih},

with :math:`X_{ni}` imports of n from i and :math:`\\tilde\\tau = 1 + \\tau`; OLS without a constant,
heteroskedasticity-robust (HC0) standard error, as in CP's ``Estimation.do`` ("reg y x, nocons
robust"). Data: CP's own 1993 bilateral trade and applied tariffs (their replication package, as
extracted to ``shared/data/cp2015/model_inputs/bilateral.csv``), 30 countries (the rest-of-world
aggregate is left out), CP sectors summed into the baseline's goods groups (flows summed,
tariffs trade-weighted). Every triplet with six positive flows enters (CP's "full sample").

Rule for imprecise estimates: a group whose own estimate is not significantly positive at the 5%
level (one-sided, :math:`\\hat\\theta/se < 1.645`) takes the pooled estimate (one slope over the
triplets of all goods groups) and its standard error, the same fallback CP 2015 used for their
insignificant transport sectors and CEPII's product-level elasticities (Fontagne, Guimbard and
Orefice 2022) use for insignificant HS6 lines (http://www.cepii.fr/CEPII/en/bdd_modele/
presentation.asp?id=35). Services are not traded in the model (their value does not affect any
result) and carry the pooled estimate. The value CP's replication file gives the same CP sectors
(``T.txt`` of their package, harmonic mean weighted by 1993 world trade) is kept beside each value
for comparison (``cp2015_replication_file``): for Auto and Other Transport that file holds 8.22, a
value it also gives every non-traded sector, not an estimate for those sectors; the previous
baseline used it for vehicles. Our own estimate for vehicles on CP's data is negative and
insignificant, as CP report for their transport sectors.

Build: ``python -m usmca.data.baseline.elasticities`` (needs ``../shared/data``) writes
``elasticities.csv`` beside this file; :func:`load_elasticities` reads it (no ../shared needed).
"""

from __future__ import annotations

import itertools
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from usmca.errors import UserInputError

from .sectors import CP_SECTOR_MAP, GOODS, SECTORS

__all__ = ["ELASTICITIES_PATH", "Elasticities", "estimate_elasticities", "load_elasticities", "triplet_regression"]

ELASTICITIES_PATH = Path(__file__).with_name("elasticities.csv")
CP_URL = "https://doi.org/10.1093/restud/rdu035"
DATA_URL = "https://sites.google.com/site/lorenzocaliendo/research/CP"
T_CRIT = 1.645
COLUMNS = ("sector", "theta", "se", "estimate", "n_triplets", "own_theta", "own_se", "cp2015_replication_file",
           "method", "source", "url")


class Elasticities:
    """Per-sector :math:`\\theta_j`, its standard error, and which estimate it uses (for correlated draws).

    Attributes
    ----------
    sectors : tuple of sector names; theta, se : (J,) arrays; estimate : (J,) estimate labels
    (sectors sharing a label share one draw in the Monte Carlo); table : the cited CSV rows.
    """

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self.sectors = tuple(table["sector"])
        self.theta = table["theta"].to_numpy(float)
        self.se = table["se"].to_numpy(float)
        self.estimate = table["estimate"].astype(str).to_numpy()

    def for_sectors(self, sectors: tuple[str, ...]) -> "Elasticities":
        """The rows in the order of ``sectors`` (every one must be present)."""
        idx = self.table.set_index("sector")
        missing = [s for s in sectors if s not in idx.index]
        if missing:
            raise UserInputError("elasticities", "sector", missing[0], "no elasticity for this baseline sector")
        return Elasticities(idx.loc[list(sectors)].reset_index())

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """(n, J) log-normal draws with mean theta and s.d. se; sectors sharing an estimate share a draw.

        :math:`\\theta^{(d)}_j = \\exp(\\ln\\theta_j - s_j^2/2 + s_j z^{(d)}_{e(j)})`,
        :math:`s_j^2 = \\ln(1 + se_j^2/\\theta_j^2)`, :math:`z \\sim N(0, 1)` per estimate :math:`e`.
        """
        labels, inv = np.unique(self.estimate, return_inverse=True)
        z = rng.standard_normal((n, len(labels)))[:, inv]
        s2 = np.log1p((self.se / self.theta) ** 2)
        return np.exp(np.log(self.theta) - s2 / 2 + np.sqrt(s2) * z)

    def to_dict(self) -> list[dict]:
        return [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
                for r in self.table.to_dict(orient="records")]


def triplet_regression(flows: np.ndarray, tariffs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The CP 2015 triplet variables ``(y, x)`` of one sector: flows and tariffs are (N, N) ``[importer, exporter]``.

    Vectorised over the :math:`\\binom{N}{3}` triplets; triplets with a zero flow are dropped.
    """
    n_c = flows.shape[0]
    n, i, h = np.array(list(itertools.combinations(range(n_c), 3))).T
    t = 1.0 + tariffs
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(flows[n, i] * flows[i, h] * flows[h, n] / (flows[i, n] * flows[h, i] * flows[n, h]))
        x = np.log(t[n, i] * t[i, h] * t[h, n] / (t[i, n] * t[h, i] * t[n, h]))
    ok = np.isfinite(y) & np.isfinite(x)
    return y[ok], x[ok]


def _ols(y: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """:math:`\\hat\\theta = -x'y/x'x` and its HC0 standard error."""
    b = float(x @ y / (x @ x))
    e = y - b * x
    return -b, float(np.sqrt((x ** 2 * e ** 2).sum()) / (x @ x))


def estimate_elasticities(shared: Path) -> pd.DataFrame:
    """Estimate :math:`\\theta` by goods group from CP's 1993 data (see the module docstring)."""
    b = pd.read_csv(shared / "cp2015" / "model_inputs" / "bilateral.csv")
    b = b[(b.importer != b.exporter) & (b.importer != "Row") & (b.exporter != "Row")].copy()
    b["group"] = b["sector"].map(CP_SECTOR_MAP)
    b = b[b.group.isin(GOODS)]
    b["tw"] = b.trade_1993_usd * b.tau_1993
    g = b.groupby(["group", "importer", "exporter"]).agg(v=("trade_1993_usd", "sum"), tw=("tw", "sum")).reset_index()
    regions = sorted(set(g.importer) | set(g.exporter))
    ix = {r: k for k, r in enumerate(regions)}
    pub = pd.read_csv(shared / "cp2015" / "model_inputs" / "sectors.csv").set_index("sector")["theta"]
    world = b.groupby("sector").trade_1993_usd.sum()
    own: dict[str, tuple[float, float, int]] = {}
    ys, xs = [], []
    for s in GOODS:
        d = g[g.group == s]
        flows = np.zeros((len(regions),) * 2)
        tar = np.zeros_like(flows)
        rows, cols = d.importer.map(ix).to_numpy(), d.exporter.map(ix).to_numpy()
        flows[rows, cols] = d.v.to_numpy()
        tar[rows, cols] = np.where(d.v > 0, d.tw / d.v.where(d.v > 0, 1.0), 0.0)
        y, x = triplet_regression(flows, tar)
        ys.append(y)
        xs.append(x)
        own[s] = (*_ols(y, x), len(y))
    pooled = (*_ols(np.concatenate(ys), np.concatenate(xs)), int(sum(len(y) for y in ys)))
    out = []
    for s in SECTORS:
        cps = [c for c, grp in CP_SECTOR_MAP.items() if grp == s and c in world.index]
        w = world.reindex(cps).to_numpy(float)
        published = float(w.sum() / (w / pub.reindex(cps).to_numpy(float)).sum()) if cps else math.nan
        th, se, n = own.get(s, (math.nan, math.nan, 0))
        use_own = s in own and th / se >= T_CRIT
        theta, sev, est = (th, se, s) if use_own else (pooled[0], pooled[1], "pooled")
        why = ("own estimate" if use_own else
               "services: not traded in the model, pooled estimate (value affects no result)" if s not in own else
               f"own estimate {th:.2f} (se {se:.2f}) not significantly positive at 5%: pooled goods estimate")
        out.append({"sector": s, "theta": round(theta, 4), "se": round(sev, 4), "estimate": est,
                    "n_triplets": n if use_own else pooled[2],
                    "own_theta": round(th, 4) if s in own else None, "own_se": round(se, 4) if s in own else None,
                    "cp2015_replication_file": round(published, 4) if cps else None,
                    "method": "Caliendo-Parro (2015, Section 4) triplet estimator, OLS without constant, HC0 se; "
                              "1993 bilateral trade and applied tariffs of CP's replication data, 30 countries; "
                              + why,
                    "source": "Caliendo, L. and Parro, F. (2015), Estimates of the Trade and Welfare Effects of "
                              "NAFTA, Review of Economic Studies 82(1):1-44; data: " + DATA_URL,
                    "url": CP_URL})
    return pd.DataFrame(out, columns=list(COLUMNS))


def _bad(src: str, field: str, value: object, reason: str) -> UserInputError:
    return UserInputError(src, field, value, reason)


def load_elasticities(path: Path | str | None = None, sectors: tuple[str, ...] = SECTORS) -> Elasticities:
    """Read and validate an elasticity table (default: the package's ``elasticities.csv``).

    Raises
    ------
    UserInputError
        Missing file or column, an unknown sector, a missing baseline sector, a theta or se that
        is not a finite number (theta > 0, se >= 0), or a row without a source URL.
    """
    p = Path(path) if path is not None else ELASTICITIES_PATH
    src = p.name
    if not p.is_file():
        raise _bad(str(p), "", str(p), "elasticity file not found")
    try:
        t = pd.read_csv(p)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise _bad(src, "", None, f"not a CSV table: {exc}") from None
    for c in ("sector", "theta", "se", "url"):
        if c not in t.columns:
            raise _bad(src, c, None, "missing column")
    if "estimate" not in t.columns:
        t["estimate"] = t["sector"]
    for k, r in t.iterrows():
        line = f"{src}:{k + 2}"
        if r["sector"] not in sectors:
            raise _bad(line, "sector", r["sector"], f"unknown sector; one of {', '.join(sectors)}")
        for c, lo, rel in (("theta", 0.0, "> 0"), ("se", 0.0, ">= 0")):
            try:
                v = float(r[c])
            except (TypeError, ValueError):
                raise _bad(line, c, r[c], "not a number") from None
            if not math.isfinite(v) or v < lo or (c == "theta" and v == 0):
                raise _bad(line, c, r[c], f"must be finite and {rel}")
        if not str(r["url"]).startswith(("http://", "https://")):
            raise _bad(line, "url", r["url"], "every elasticity needs its source URL")
    if t["sector"].duplicated().any():
        raise _bad(src, "sector", t["sector"][t["sector"].duplicated()].iloc[0], "listed twice")
    t["theta"] = t["theta"].astype(float)
    t["se"] = t["se"].astype(float)
    return Elasticities(t).for_sectors(tuple(sectors))


def main(argv: list[str] | None = None) -> int:
    """``python -m usmca.data.baseline.elasticities [OUT]``: estimate and write the table."""
    from usmca.paths import shared_data_dir

    shared = shared_data_dir()
    if shared is None:
        print("error: ../shared/data not found (needed to estimate the elasticities)", file=sys.stderr)
        return 2
    out = Path((argv or sys.argv[1:] or [str(ELASTICITIES_PATH)])[0])
    estimate_elasticities(shared).to_csv(out, index=False)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
