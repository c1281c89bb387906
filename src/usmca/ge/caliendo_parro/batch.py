"""Many Caliendo-Parro equilibria at once: one solve per parameter draw, vectorised over draws.

The Monte Carlo over the trade elasticities (and the agreement's trade-cost effect) solves the
same equilibrium in changes (Caliendo and Parro 2015, Appendix C,
https://doi.org/10.1093/restud/rdu035; conditions [C]-[TB] of :mod:`.kernels`) for B parameter
vectors. Every array carries a leading draw axis ``b``; the wage loop is the paper's damped
excess-demand update :math:`\\hat w \\leftarrow \\hat w(1 - s\\,(M_n - D'_n - E_n)/w_nL_n)`,
rescaled per draw so that world value added is unchanged, with the price and expenditure blocks
solved by warm-started fixed-point iteration inside it. A draw stops moving once its own
residual is below ``tol``; the loop ends when every draw has converged (or at ``max_iter``, when
the unconverged draws are flagged).

:func:`measures` turns a baseline and a counterfactual batch into the reported figures (the
same formulas as :mod:`.welfare` and :mod:`.results`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["BatchEquilibrium", "equilibrium_batch", "measures"]


class BatchEquilibrium(NamedTuple):
    """B solved equilibria (leading axis b); fields as :class:`.kernels.Equilibrium`."""

    w_hat: np.ndarray        #: (B, N)
    c_hat: np.ndarray        #: (B, N, J)
    p_hat: np.ndarray        #: (B, N, J)
    flows: np.ndarray        #: (B, N, N, J) flows net of tariffs [importer, exporter, sector]
    income: np.ndarray       #: (B, N)
    tariffs: np.ndarray      #: (N, N, J)
    converged: np.ndarray    #: (B,) bool


def equilibrium_batch(pi: np.ndarray, tau0: np.ndarray, tau1: np.ndarray, x: np.ndarray, va_share: np.ndarray,
                      io_share: np.ndarray, final_share: np.ndarray, theta: np.ndarray, wl: np.ndarray,
                      d1: np.ndarray, log_d_hat: np.ndarray | None = None, *, tol: float = 1e-8,
                      max_iter: int = 500, step: float = 0.5, memory: int = 6) -> BatchEquilibrium:
    r"""Solve B equilibria in changes; ``theta`` is (B, J), ``log_d_hat`` (B, N, N, J) or None.

    :math:`\hat\kappa_{nij} = \frac{1+\tau'_{nij}}{1+\tau_{nij}}\hat d_{nij}`; the blocks are those of
    :func:`.kernels.equilibrium`, batched: cost/price ([C], [P]), shares ([S]), expenditure and
    income ([X], [I]), then the wage update from [TB].
    """
    b_n, j_n = theta.shape
    n_c = pi.shape[0]
    th = theta[:, :, None, None]                                     # (B, J, 1, 1)
    log_k = np.log((1.0 + tau1) / (1.0 + tau0)).transpose(2, 0, 1)[None]  # (1, J, N, N)
    if log_d_hat is not None:
        log_k = log_k + log_d_hat.transpose(0, 3, 1, 2)
    pi_t = pi.transpose(2, 0, 1)[None]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        pik = np.where(pi_t > 0, pi_t * np.exp(-th * log_k), 0.0)      # (B, J, N, N)
    tau1_t = tau1.transpose(2, 0, 1)
    inv1 = 1.0 / (1.0 + tau1_t)
    rev = tau1_t * inv1
    world = wl.sum()
    w = np.ones((b_n, n_c))
    log_p = np.zeros((b_n, n_c, j_n))
    xx = np.broadcast_to(x, (b_n, n_c, j_n)).copy()
    active = np.ones(b_n, bool)
    thj = theta[:, None, :]                                          # (B, 1, J)
    itol = 1e-6
    hist_f: list[np.ndarray] = []
    hist_g: list[np.ndarray] = []
    f_old = g_old = None
    for _ in range(max_iter):
        wpart = va_share[None] * np.log(w)[:, :, None]
        for _k in range(500):                                        # [C], [P] by fixed point
            log_c = wpart + np.matmul(log_p.transpose(1, 0, 2), io_share).transpose(1, 0, 2)
            e = np.exp(-thj * log_c).transpose(0, 2, 1)[:, :, :, None]   # (B, J, I, 1)
            new = np.log(np.matmul(pik, e)[..., 0]).transpose(0, 2, 1) / -thj
            stepp = np.max(np.abs(new - log_p))
            log_p = new
            if stepp < itol:
                break
        log_c = wpart + np.matmul(log_p.transpose(1, 0, 2), io_share).transpose(1, 0, 2)
        pi1 = pik * np.exp(-thj * log_c).transpose(0, 2, 1)[:, :, None, :] \
            * np.exp(thj * log_p).transpose(0, 2, 1)[:, :, :, None]   # (B, J, N, I)
        s_ = pi1 * inv1                                               # [b, j, n, i]
        net = s_.transpose(0, 1, 3, 2)                                # [b, k, i, n]
        t = (pi1 * rev).sum(axis=3).transpose(0, 2, 1)                # (B, N, J)
        base = w * wl + d1
        scale = np.max(np.abs(xx))
        for _k in range(5000):                                       # [X], [I] by warm-started iteration
            y = np.matmul(net, xx.transpose(0, 2, 1)[:, :, :, None])[..., 0].transpose(0, 2, 1)   # (B, I, K)
            inc = base + (t * xx).sum(axis=2)
            new = np.matmul(y.transpose(1, 0, 2), io_share.transpose(0, 2, 1)).transpose(1, 0, 2) \
                + final_share[None] * inc[:, :, None]
            stepx = np.max(np.abs(new - xx)) / scale
            xx = new
            if stepx < itol:
                break
        fl = s_ * xx.transpose(0, 2, 1)[:, :, :, None]                 # (B, J, N, I)
        dom = np.einsum("bjnn->bn", fl)
        m = fl.sum(axis=(1, 3)) - dom
        ex = fl.sum(axis=(1, 2)) - dom
        excess = (m - d1 - ex) / wl
        res = np.max(np.abs(excess), axis=1)
        active = res >= tol
        if not active.any():
            break
        itol = min(1e-6, max(1e-13, 1e-2 * float(res.max())))
        g = w * (1.0 - step * excess)
        g = g * (world / (g @ wl))[:, None]
        # Anderson (type II) mixing per draw, batched (Walker and Ni 2011; see .anderson)
        f = g - w
        if f_old is not None:
            hist_f.append(f - f_old)
            hist_g.append(g - g_old)
            del hist_f[:-memory], hist_g[:-memory]
        f_old, g_old = f, g
        w_new = g
        if hist_f:
            df = np.stack(hist_f, axis=2)                              # (B, N, m)
            dg = np.stack(hist_g, axis=2)
            a = np.einsum("bnm,bnk->bmk", df, df)
            lam = 1e-12 * np.trace(a, axis1=1, axis2=2)[:, None, None] + 1e-300
            gam = np.linalg.solve(a + lam * np.eye(a.shape[1])[None], np.einsum("bnm,bn->bm", df, f)[..., None])
            w_new = g - (dg @ gam)[..., 0]
            bad = ~np.all(np.isfinite(w_new) & (w_new > 0), axis=1)
            w_new[bad] = g[bad]
        w_new = np.where(active[:, None], w_new, w)
        w = w_new * (world / (w_new @ wl))[:, None]
    inc = w * wl + d1 + (t * xx).sum(axis=2)
    return BatchEquilibrium(w_hat=w, c_hat=np.exp(log_c), p_hat=np.exp(log_p), flows=fl.transpose(0, 2, 3, 1),
                            income=inc, tariffs=tau1, converged=~active)


def measures(bln: BatchEquilibrium, cfl: BatchEquilibrium, final_share: np.ndarray,
             d_hat: np.ndarray | None = None) -> dict[str, np.ndarray]:
    r"""Reported figures of B counterfactuals (cfl vs bln), each (B, N) or (B, N, J), in percent.

    Welfare = ToT + VoT + TE of :func:`.welfare.decompose`; real wage :math:`\hat w/\hat P`;
    nominal foreign exports / imports and gross output (net of tariffs); *real* ones deflate each
    flow by its price change :math:`\hat c_{ij}\hat d_{nij}` (a volume index at baseline prices).
    """
    m0, m1 = bln.flows, cfl.flows
    c = cfl.c_hat / bln.c_hat
    dc = c - 1.0
    n_c = m0.shape[1]
    off = ~np.eye(n_c, dtype=bool)[None, :, :, None]
    e0 = np.swapaxes(m0, 1, 2)
    tot = (e0.sum(axis=2) * dc).sum(axis=2) - np.einsum("bnij,bij->bn", m0, dc)
    vot = np.einsum("nij,bnij->bn", bln.tariffs, m1 - m0 * c[:, None, :, :])
    dh = np.ones((1,) + m0.shape[1:]) if d_hat is None else d_hat
    te = -np.einsum("bnij,bnij->bn", m0 * (1.0 + bln.tariffs)[None], dh - 1.0)
    income = bln.income
    cpi = np.exp(np.einsum("nj,bnj->bn", final_share, np.log(cfl.p_hat / bln.p_hat)))
    price = c[:, None, :, :] * dh                                      # (B, N, I, J)
    f0, f1 = np.where(off, m0, 0.0), np.where(off, m1, 0.0)
    r1 = f1 / price

    def pct(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(b > 0, 100.0 * (a / b - 1.0), np.nan)

    y0, y1 = m0.sum(axis=1), m1.sum(axis=1)
    return {"welfare_pct": 100.0 * (tot + vot + te) / income, "tot_pct": 100.0 * tot / income,
            "vot_pct": 100.0 * vot / income,
            "real_wage_pct": 100.0 * (cfl.w_hat / bln.w_hat / cpi - 1.0),
            "exports_pct": pct(f1.sum(axis=(1, 3)), f0.sum(axis=(1, 3))),
            "imports_pct": pct(f1.sum(axis=(2, 3)), f0.sum(axis=(2, 3))),
            "exports_real_pct": pct(r1.sum(axis=(1, 3)), f0.sum(axis=(1, 3))),
            "imports_real_pct": pct(r1.sum(axis=(2, 3)), f0.sum(axis=(2, 3))),
            "gross_output_pct": pct(y1, y0), "gross_output_real_pct": pct(y1 / c, y0)}
