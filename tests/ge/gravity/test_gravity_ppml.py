"""The pyfixest PPML front on synthetic panels whose true parameters are known exactly.

With the dependent variable equal to its conditional mean, PPML recovers the parameters up to
the solver tolerance, so these tests fail if a fixed effect, the normalisation of the pair
effects (intra-national = 0) or the stage-2 fill is built wrong.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from usmca.errors import UserInputError
from usmca.ge.ppml import estimate_pair_effects, fill_pair_effects, fit_ppml

N, YEARS = 8, (2000, 2004, 2008)


def _panel(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, float]:
    rng = np.random.default_rng(seed)
    names = [f"C{k}" for k in range(N)]
    gamma = rng.normal(-4.0, 0.7, size=(N, N))
    gamma = (gamma + gamma.T) / 2
    np.fill_diagonal(gamma, 0.0)
    b = 0.4
    rows = []
    pair_id = {}
    for i in range(N):
        for j in range(N):
            pair_id[(i, j)] = pair_id.get((j, i), len(pair_id) + 1)
    for t, year in enumerate(YEARS):
        pi = rng.normal(size=N)
        chi = rng.normal(size=N)
        for i in range(N):
            for j in range(N):
                rta = float(i != j and (i + j) % 3 == 0 and t >= 1)
                mu = np.exp(5 + pi[i] + chi[j] + gamma[i, j] + b * rta)
                rows.append((names[i], names[j], pair_id[(i, j)], year, mu, rta))
    return pd.DataFrame(rows, columns=["exporter", "importer", "pair_id", "year", "trade", "RTA"]), gamma, b


def test_stage1_recovers_the_policy_effect_and_pair_effects() -> None:
    panel, gamma, b = _panel()
    pe = estimate_pair_effects(panel, years=YEARS, base_year=2004)
    assert pe.estimate.coef["RTA"] == pytest.approx(b, abs=1e-7)
    f = pe.frame
    i = f["exporter"].str[1:].astype(int).to_numpy()
    j = f["importer"].str[1:].astype(int).to_numpy()
    np.testing.assert_allclose(f["ln_tij_bar"], gamma[i, j], atol=1e-6)
    assert pe.estimate.se["RTA"] > 0 and pe.estimate.vcov.shape == (1, 1)


def test_stage2_fills_missing_pairs_from_covariates() -> None:
    rng = np.random.default_rng(4)
    names = [f"C{k}" for k in range(N)]
    dist = rng.uniform(5, 9, size=(N, N))
    dist = (dist + dist.T) / 2
    fe_i, fe_j = rng.normal(size=N), rng.normal(size=N)
    rows = [(names[i], names[j], i * N + j, np.exp(dist[i, j]), fe_i[i] + fe_j[j] - 0.9 * dist[i, j] if i != j else 0.0)
            for i in range(N) for j in range(N)]
    df = pd.DataFrame(rows, columns=["exporter", "importer", "pair_id", "DIST", "ln_tij_bar"])
    truth = df["ln_tij_bar"].copy()
    hole = (df["exporter"] == "C2") & (df["importer"] == "C5")
    df.loc[hole, "ln_tij_bar"] = np.nan
    out, est = fill_pair_effects(df, regressors=("ln_DIST",))
    assert est.coef["ln_DIST"] == pytest.approx(-0.9, abs=1e-7)
    assert out.loc[hole, "filled"].all() and out["filled"].sum() == 1
    np.testing.assert_allclose(out.loc[hole, "ln_tij_bar"], truth[hole], atol=1e-6)


def test_bad_formula_and_missing_columns_are_user_errors() -> None:
    panel, _, _ = _panel()
    with pytest.raises(UserInputError):
        fit_ppml(panel, "trade ~ NOPE | exporter")
    with pytest.raises(UserInputError):
        estimate_pair_effects(panel.drop(columns=["pair_id"]), years=YEARS, base_year=2004)
    with pytest.raises(UserInputError):
        estimate_pair_effects(panel, years=YEARS, base_year=1999)


def test_effects_only_when_asked_and_recovered_as_pyfixest_does() -> None:
    """``effects=False`` gives the same estimate without ``ln_tij_bar``; the recovered effects
    reproduce the fitted linear predictor and pyfixest's own ``fixef`` pair differences."""
    from usmca.ge.ppml import fixed_effects, gravity_codes

    panel, gamma, b = _panel(seed=2)
    bare = estimate_pair_effects(panel, years=YEARS, base_year=2008, effects=False)
    full = estimate_pair_effects(panel, years=YEARS, base_year=2008)
    assert "ln_tij_bar" not in bare.frame.columns and "ln_tij_bar" in full.frame.columns
    assert bare.estimate.coef["RTA"] == full.estimate.coef["RTA"]
    fe = fixed_effects(full.estimate)
    data = full.estimate.fit._data
    eta = sum(fe[k].reindex(data[k]).to_numpy() for k in ("exp_time", "imp_time", "pair"))
    eta = eta + data["RTA"].to_numpy() * full.estimate.coef["RTA"]
    np.testing.assert_allclose(eta, full.estimate.fit._Y_hat_link, atol=1e-9)
    theirs = full.estimate.fit.fixef(atol=1e-12, btol=1e-12)["C(pair)"]
    mine = fe["pair"] - fe["pair"].loc[0]
    for level, value in theirs.items():
        assert mine.loc[int(float(level))] == pytest.approx(value - theirs.get("0", 0.0), abs=1e-8)
    codes = gravity_codes(panel)
    dom = (panel["exporter"] == panel["importer"]).to_numpy()
    assert (codes.loc[dom, "pair"] == 0).all() and (codes.loc[~dom, "pair"] > 0).all()
    assert codes.groupby(["exp_time"]).ngroups == N * len(YEARS)
