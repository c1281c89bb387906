"""Fused, allocation-free inner loops of the Caliendo-Parro (2015) solver.

The equilibrium in changes (Caliendo and Parro 2015, *Review of Economic Studies* 82(1): 1-44,
https://doi.org/10.1093/restud/rdu035, Appendix C; conditions [C]-[TB] of :mod:`.kernels`) is
solved by a wage loop around two warm-started fixed-point loops: prices ([C], [P]) and
expenditure ([X], [I]). Both inner loops are memory bound: each iteration streams the
input-output shares :math:`\\gamma_{nkj}` (N x J x J) and the bilateral shares (J x N x N) once,
for about two flops per element. :class:`Workspace` runs them on buffers allocated once per
solve, with every iteration a fixed handful of ufunc and batched matrix-vector calls writing
into those buffers (``out=``), and with these exact rewritings of the equations:

* **Sectors bought only at home** (:math:`\\pi_{nij} = 0` for :math:`i \\ne n`, e.g. services in
  CP 2015) are ordered last and skip the bilateral product: their price index is
  :math:`\\ln\\hat P_{nj} = \\ln\\hat c_{nj} - \\ln(\\pi_{nnj}\\hat\\kappa_{nnj}^{-\\theta_j})/\\theta_j`,
  and their gross output is :math:`\\pi'_{nnj}X'_{nj}/(1+\\tau'_{nnj})`. Only the ``jt`` traded
  sectors go through the (J x N x N) products and the exponentials.
* **Affine maps as one product.** The cost [C] is affine in :math:`\\ln\\hat P`; with the state
  vector extended by a constant 1 and the columns of traded sectors scaled by
  :math:`-\\theta_j`, one batched product gives :math:`-\\theta_j\\ln\\hat c_{nj}` for traded
  sectors (the exponent of [P]) and :math:`\\ln\\hat P_{nj}` directly for home-only sectors.
  Expenditure [X] and income [I] are linear in :math:`X`: with the state :math:`(X_n, I_n)` and
  the input vector :math:`(Y_{n,\\text{traded}}, X_{n,\\text{home}}, I_n, 1)`, one batched
  product gives the next :math:`(X_n, I_n)`, the income row being
  :math:`I_n = b_n + \\sum_j t_{nj} X_{nj}` composed with the expenditure rows.
* **Shares never formed in the loops.** :math:`\\pi'_{nij}/(1+\\tau'_{nij}) = \\hat P_{nj}^{\\theta_j}
  \\,[\\pi_{nij}\\hat\\kappa_{nij}^{-\\theta_j}/(1+\\tau'_{nij})]\\,\\hat c_{ij}^{-\\theta_j}`: the bracket is
  fixed for a solve; the two scalings are applied once per wage iteration.

These are identities in exact arithmetic, so the iterates are those of the textbook loops of
:mod:`.kernels` up to rounding (the benchmark ``benchmarks/bench_ge_cp.py`` compares the two).
"""

from __future__ import annotations

import numpy as np

__all__ = ["Workspace", "sector_order"]


def sector_order(pik_t: np.ndarray) -> tuple[np.ndarray, int]:
    """Traded sectors first, then the sectors bought only at home; returns ``(order, jt)``.

    ``pik_t`` is sector-major ``[j, n, i]``; a sector is home-only when every off-diagonal
    entry is exactly zero.
    """
    n = pik_t.shape[1]
    off = pik_t.reshape(pik_t.shape[0], -1)[:, np.flatnonzero(~np.eye(n, dtype=bool).ravel())]
    traded = np.any(off != 0.0, axis=1)
    order = np.concatenate([np.flatnonzero(traded), np.flatnonzero(~traded)])
    return order, int(traded.sum())


class Workspace:
    """Buffers and fused loops of one equilibrium solve (fixed tariffs, shares and elasticities).

    Sectors are in the permuted order of :func:`sector_order` (``jt`` traded first);
    :meth:`unpermute` restores the caller's order. ``pik_t`` is
    :math:`\\pi_{nij}\\hat\\kappa_{nij}^{-\\theta_j}` sector-major ``[j, n, i]``, ``tau1_t`` the
    tariffs in force, same layout. States are stored sector-major (one row per sector, one column
    per country), so that the per-sector products read and write whole rows and the per-country
    products read and write columns (strided BLAS vectors, no transposing copies).
    """

    def __init__(self, pik_t: np.ndarray, tau1_t: np.ndarray, theta: np.ndarray, va_share: np.ndarray,
                 io_share: np.ndarray, final_share: np.ndarray, *, nested: bool = True) -> None:
        n, j = va_share.shape
        order, jt = sector_order(pik_t)
        self.n, self.j, self.jt = n, j, jt
        self.order, self.inverse = order, np.argsort(order)
        th = self.theta = theta[order]
        self.io = io_share[:, order][:, :, order]
        self.alpha = final_share[:, order]
        self.va = va_share[:, order]
        diag = np.arange(n)
        # traded block (jt, N, N): [pi kappa^-theta ; pi kappa^-theta tau' / (1 + tau')] stacked
        # for one product (pik2), and pi kappa^-theta / (1 + tau'); home-only diagonals (J - jt, N)
        tr, home = order[:jt], order[jt:]
        self.pik2 = np.empty((jt, 2 * n, n))
        self.pik = self.pik2[:, :n]
        self.piktax = self.pik2[:, n:]
        self.pik[...] = pik_t[tr]
        t1 = tau1_t[tr]
        inv1 = 1.0 / (1.0 + t1)
        self.netbase = self.pik * inv1                               # pi kappa^-theta / (1 + tau')
        np.multiply(t1, inv1, out=t1)
        np.multiply(self.pik, t1, out=self.piktax)                   # pi kappa^-theta tau' / (1 + tau')
        self.pik_home = pik_t[home[:, None], diag, diag]
        th1 = tau1_t[home[:, None], diag, diag]
        self.inv1_home = 1.0 / (1.0 + th1)
        self.tax_home = th1 * self.inv1_home
        self.b_home = -np.log(self.pik_home).T / th[jt:]             # (N, J - jt)
        self.colscale = np.concatenate([-th[:jt], np.ones(j - jt)])
        if nested:
            self.build_nested()

    def build_nested(self) -> None:
        """Buffers of the nested loops (:meth:`prices`, :meth:`shares`, :meth:`expenditure`)."""
        n, j, jt, th, io = self.n, self.j, self.jt, self.theta, self.io
        # Price block. State rows: (ln phi_T = -theta ln P_T, ln P_home, 1); the product
        # state @ iop gives rows (-theta ln c_T, ln P_home, 1).
        rowscale = np.concatenate([-1.0 / th[:jt], np.ones(j - jt)])
        self.iop = np.zeros((n, j + 1, j + 1))
        self.iop[:, :j, :j] = io * rowscale[:, None] * self.colscale
        self.iop[:, j, j] = 1.0
        self.stepscale = np.repeat(np.concatenate([1.0 / th[:jt], np.ones(j - jt), [1.0]])[:, None], n, axis=1)
        self.p_state = np.zeros((j + 1, n))
        self.p_state[j] = 1.0
        self.p_new = self.p_state.copy()
        self.e_t = np.empty((jt, n))
        self.phi = np.empty((jt, n))
        self.dp = np.empty((j + 1, n))
        # Expenditure block. Rows of a state buffer: 1, Y_T, I, X_home, X_T. The product
        # iox @ rows[:J + 2] (1, Y_T, I, X_home) gives the next rows[jt + 1:] (I, X_home, X_T).
        self.ro = np.r_[jt:j, 0:jt]                                  # sector of each X row
        e = np.zeros((n, j, j + 2))
        e[:, :, 1:jt + 1] = io[:, :, :jt]
        e[:, :, jt + 1] = self.alpha
        self.iox = np.zeros((n, j + 1, j + 2))
        self.iox[:, 1:, :] = e[:, self.ro, :]
        self.io_home = io[:, self.ro][:, :, jt:].copy()              # columns scaled per wage iteration
        self.x_state = np.zeros((j + 2 + jt, n))
        self.x_state[0] = 1.0
        self.x_new = self.x_state.copy()
        self.dx = np.empty((j, n))
        self.row = np.empty((n, 1, j + 2))
        self.t_rows = np.empty((n, j))                               # revenue rates, X-row order
        # per wage iteration
        self.log_c = np.empty((n, j))
        self.e_c = np.empty((jt, n))
        self.e_p = np.empty((jt, n))
        self.net = np.empty((jt, n, n))
        self.d_home = np.empty((j - jt, n))
        self.pi_home = np.empty((j - jt, n))

    # ---------------------------------------------------------------- prices [C], [P]
    def prices(self, log_w: np.ndarray, tol: float, max_iter: int = 2000) -> int:
        r"""Iterate :math:`\ln\hat P \leftarrow -\theta^{-1}\ln\sum_i\pi\hat\kappa^{-\theta}\hat c^{-\theta}`
        from the stored (warm) prices until the largest change of :math:`\ln\hat P` is below
        ``tol``; returns the iteration count and leaves :math:`\ln\hat c`, :math:`\hat c_T^{-\theta}`
        and :math:`\hat P_T^{\theta}` at the final prices in the workspace."""
        j, jt = self.j, self.jt
        wpart = self.va * log_w[:, None]
        wpart[:, jt:] += self.b_home
        np.multiply(wpart, self.colscale, out=self.iop[:, j, :j])
        iop, pik, e_t, phi, dp, sc = self.iop, self.pik, self.e_t, self.phi, self.dp, self.stepscale
        p, s = self.p_state, self.p_new
        pv, sv = p.T[:, None, :], s.T[:, None, :]
        e3, phi3 = e_t[:, :, None], phi[:, :, None]
        matmul, exp, log, sub, mul, fabs = np.matmul, np.exp, np.log, np.subtract, np.multiply, np.abs
        amax = np.maximum.reduce
        for it in range(1, max_iter + 1):  # noqa: B007 - the count is returned after the loop
            matmul(pv, iop, out=sv)
            if jt:
                exp(s[:jt], out=e_t)
                matmul(pik, e3, out=phi3)
                log(phi, out=s[:jt])
            sub(s, p, out=dp)
            mul(dp, sc, out=dp)
            fabs(dp, out=dp)
            step = amax(dp, axis=None)
            p, s, pv, sv = s, p, sv, pv
            if step < tol:
                break
        self.p_state, self.p_new = p, s
        matmul(pv, iop, out=sv)                                      # costs at the final prices
        np.multiply(s[:jt].T, -1.0 / self.theta[:jt], out=self.log_c[:, :jt])
        np.subtract(s[jt:j].T, self.b_home, out=self.log_c[:, jt:])
        np.exp(s[:jt], out=self.e_c)
        np.negative(p[:jt], out=self.e_p)
        np.exp(self.e_p, out=self.e_p)
        return it

    @property
    def log_p(self) -> np.ndarray:
        """Log price changes (N, J), permuted order."""
        jt = self.jt
        out = np.empty((self.n, self.j))
        np.multiply(self.p_state[:jt].T, -1.0 / self.theta[:jt], out=out[:, :jt])
        out[:, jt:] = self.p_state[jt:self.j].T
        return out

    # ---------------------------------------------------------------- shares [S]
    def shares(self) -> None:
        r"""Per wage iteration: :math:`\pi'/(1+\tau')` of traded sectors, tariff revenue rates
        :math:`t_{nj}=\sum_i\pi'_{nij}\tau'_{nij}/(1+\tau'_{nij})` and the home-only diagonals."""
        j, jt, th = self.j, self.jt, self.theta
        np.multiply(self.netbase, self.e_c[:, None, :], out=self.net)
        np.multiply(self.net, self.e_p[:, :, None], out=self.net)
        nh = j - jt
        if jt:
            rev = np.matmul(self.piktax, self.e_c[:, :, None])[:, :, 0]
            np.multiply(rev, self.e_p, out=self.t_rows[:, nh:].T)
        lc = self.log_c[:, jt:].T
        lp = self.p_state[jt:j]
        np.multiply(self.pik_home, np.exp(-th[jt:, None] * lc) * np.exp(th[jt:, None] * lp), out=self.pi_home)
        np.multiply(self.pi_home, self.tax_home, out=self.t_rows[:, :nh].T)
        np.multiply(self.pi_home, self.inv1_home, out=self.d_home)

    # ---------------------------------------------------------------- expenditure [X], [I]
    def set_expenditure(self, x: np.ndarray) -> None:
        """Start the expenditure loop from ``x`` (N, J) in the caller's sector order."""
        self.x_state[self.jt + 2:] = x[:, self.order[self.ro]].T

    def expenditure(self, base: np.ndarray, tol: float, max_iter: int = 5000) -> int:
        r"""Iterate :math:`X \leftarrow G\,Y(X) + \alpha\,(b + \sum_j t_{nj}X_{nj})` from the stored
        (warm) expenditure until :math:`\max|\Delta X| / \max|X_0| <` ``tol``; returns the count.
        ``base`` is :math:`b_n = \hat w_n w_nL_n + D'_n`."""
        j, jt = self.j, self.jt
        iox, x, xn = self.iox, self.x_state, self.x_new
        np.multiply(self.io_home, self.d_home.T[:, None, :], out=iox[:, 1:, jt + 2:])
        np.matmul(self.t_rows[:, None, :], iox[:, 1:, :], out=self.row)
        iox[:, 0, :] = self.row[:, 0, :]
        iox[:, 0, 0] = base
        x[jt + 1] = base + (self.t_rows.T * x[jt + 2:]).sum(axis=0)
        if jt:
            np.matmul(x[j + 2:, None, :], self.net, out=x[1:jt + 1, None, :])
        scale = max(float(np.max(np.abs(x[jt + 2:]))), 1e-300)
        net, dx = self.net, self.dx
        matmul, sub, fabs, amax = np.matmul, np.subtract, np.abs, np.maximum.reduce
        zin, zout = x[:j + 2].T[:, :, None], xn[jt + 1:].T[:, :, None]
        xt, yt = xn[j + 2:, None, :], xn[1:jt + 1, None, :]
        for it in range(1, max_iter + 1):  # noqa: B007 - the count is returned after the loop
            matmul(iox, zin, out=zout)
            if jt:
                matmul(xt, net, out=yt)
            sub(xn[jt + 2:], x[jt + 2:], out=dx)
            fabs(dx, out=dx)
            step = amax(dx, axis=None) / scale
            x, xn = xn, x
            zin, zout = x[:j + 2].T[:, :, None], xn[jt + 1:].T[:, :, None]
            xt, yt = xn[j + 2:, None, :], xn[1:jt + 1, None, :]
            if step < tol:
                break
        self.x_state, self.x_new = x, xn
        return it

    @property
    def x(self) -> np.ndarray:
        """Expenditure (N, J), permuted order."""
        out = np.empty((self.n, self.j))
        out[:, self.ro] = self.x_state[self.jt + 2:].T
        return out

    @property
    def income(self) -> np.ndarray:
        """Income (N,) at the current expenditure."""
        return self.x_state[self.jt + 1].copy()

    # ---------------------------------------------------------------- trade balance [TB]
    def balance(self) -> tuple[np.ndarray, np.ndarray]:
        """Foreign imports and exports net of tariffs :math:`(M_n, E_n)`; only traded sectors
        have foreign flows."""
        j, jt = self.j, self.jt
        if not jt:
            return np.zeros(self.n), np.zeros(self.n)
        xt = self.x_state[j + 2:]                                     # (jt, N)
        dg = np.diagonal(self.net, axis1=1, axis2=2)                 # (jt, N)
        foreign = self.net.sum(axis=2) - dg                           # row sums off the diagonal
        m = (xt * foreign).sum(axis=0)
        e = (self.x_state[1:jt + 1] - dg * xt).sum(axis=0)           # Y_T rows hold x_T @ net
        return m, e

    # ---------------------------------------------------------------- output
    def unpermute(self, a: np.ndarray) -> np.ndarray:
        """Return an (N, J) array of the workspace in the caller's sector order."""
        return a[:, self.inverse]

    def pi(self) -> np.ndarray:
        """Counterfactual shares :math:`\\pi'_{nij}` as ``[n, i, j]`` in the caller's order."""
        n, j, jt = self.n, self.j, self.jt
        out = np.zeros((n, n, j))
        traded = self.pik * self.e_c[:, None, :] * self.e_p[:, :, None]   # [j, n, i]
        out[:, :, self.order[:jt]] = traded.transpose(1, 2, 0)
        d = np.arange(n)
        out[d[:, None], d[:, None], self.order[None, jt:]] = self.pi_home.T
        return out
