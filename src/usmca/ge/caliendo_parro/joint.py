"""One accelerated loop for the whole Caliendo-Parro (2015) equilibrium: wages, prices, spending.

The textbook algorithm (Caliendo and Parro 2015, *Review of Economic Studies* 82(1): 1-44,
https://doi.org/10.1093/restud/rdu035, Appendix C) nests two fixed-point loops (prices [C]/[P],
expenditure [X]/[I]) inside a wage loop on the trade balance [TB], and solves the inner loops
afresh after every wage step. Here the three blocks are one map :math:`z \\mapsto G(z)` on the
stacked state :math:`z = (\\ln\\hat w,\\ \\ln\\hat\\phi_T = -\\theta\\ln\\hat P_T,\\ \\ln\\hat P_H,
\\ X/\\bar X)` (traded sectors ``T``, sectors bought only at home ``H``, expenditure in units of
its largest initial entry :math:`\\bar X`); one application of :math:`G` (a *sweep*) is

1. costs [C] at the current prices and wages, price indexes [P] from those costs;
2. shares [S] at those costs and price indexes (never formed: only their products with a
   vector are needed, see below);
3. one step of the expenditure block [X]/[I] at those shares;
4. the trade-balance excess :math:`e_n = (M_n - D'_n - E_n)/w_nL_n` [TB] and the paper's wage
   step :math:`\\ln\\hat w \\leftarrow \\ln\\hat w - s\\,e`.

The fixed point of :math:`G` is the equilibrium, and it is found by Anderson mixing of the whole
stacked state (:class:`.anderson.Mixer`): about 60 sweeps for CP 2015's 31 x 40 economy instead of
about 550 inner iterations of the nested loops. Stopping rule: the excess below ``tol`` **and** the
last sweep moved no log price by more than ``step_tol`` and no expenditure by more than
``step_tol`` times :math:`\\bar X`, i.e. the inner blocks are converged as tightly as the nested
solver's final inner tolerance.

Rewritings used in a sweep (identities in exact arithmetic):

* With :math:`\\phi_{nj}=\\sum_i \\pi_{nij}\\hat\\kappa_{nij}^{-\\theta_j}\\hat c_{ij}^{-\\theta_j}`,
  gross output :math:`Y_{ij} = \\sum_n \\pi'_{nij}X_{nj}/(1+\\tau'_{nij}) = \\hat c_{ij}^{-\\theta_j}
  \\sum_n (X_{nj}/\\phi_{nj})\\,[\\pi\\hat\\kappa^{-\\theta}/(1+\\tau')]_{nij}` and the tariff
  revenue rate :math:`t_{nj} = \\phi_{nj}^{-1}\\sum_i[\\pi\\hat\\kappa^{-\\theta}\\tau'/(1+\\tau')]_{nij}
  \\hat c_{ij}^{-\\theta_j}`: three (N x N) matrix-vector products per traded sector, no (J, N, N)
  array is written.
* A home-only sector's share is exactly 1 (:math:`\\pi'_{nnj} = \\pi_{nnj}\\hat\\kappa_{nnj}^{-\\theta}
  (\\hat c_{nj}/\\hat P_{nj})^{-\\theta}` with :math:`\\hat P_{nj}^{-\\theta} =
  \\pi_{nnj}\\hat\\kappa_{nnj}^{-\\theta}\\hat c_{nj}^{-\\theta}`).
* The domestic flows cancel in :math:`M_n - E_n = \\sum_{j\\in T}[X_{nj}(1 - t_{nj}) - Y_{nj}]`,
  because :math:`\\sum_i \\pi'_{nij}/(1+\\tau'_{nij}) = 1 - t_{nj}`.
"""

from __future__ import annotations

import numpy as np

from .anderson import Mixer
from .fused import Workspace

__all__ = ["JointSolver"]


class JointSolver:
    """The stacked map :math:`G` of one equilibrium, on the fixed arrays of a :class:`.fused.Workspace`.

    ``ws`` supplies the permuted sectors (traded first) and the arrays fixed in a solve (tariffs,
    shares, elasticities); ``wl`` is :math:`w_nL_n`, ``d1`` the deficits :math:`D'_n`, ``x0`` the
    starting expenditure (N, J) in the caller's sector order. The state :attr:`z` is one vector
    ``[ln w (N) | ones (N) | ln P rows (J, N) | X rows (J, N)]``, sectors in the permuted order and
    expenditure over :math:`\\bar X`. Its first ``J + 2`` rows are the input of the affine cost
    map [C], one (J + 2) x J product per country (:attr:`iop`: value-added shares, home-only
    constants, input-output shares; traded columns scaled by :math:`-\\theta_j`).
    """

    def __init__(self, ws: Workspace, wl: np.ndarray, d1: np.ndarray, x0: np.ndarray, *,
                 step: float = 0.3, memory: int = 10, price_steps: int = 2) -> None:
        n, j, jt = ws.n, ws.j, ws.jt
        self.ws, self.n, self.j, self.jt, self.step = ws, n, j, jt, step
        self.price_steps = max(int(price_steps), 1)
        self.scale = max(float(np.max(np.abs(x0))), 1e-300)
        self.wl, self.world = wl, float(wl.sum())
        self.wls, self.d1s = wl / self.scale, d1 / self.scale
        self.size = (2 * j + 2) * n
        self.z, self.g = np.zeros(self.size), np.zeros(self.size)
        self.pin, self.lw, self.p, self.x = self._views(self.z)
        gin, self.glw, self.gp, self.gx = self._views(self.g)
        self.pin[1] = gin[1] = 1.0
        self.pin2 = np.empty((j + 2, n))                                  # prices after a step
        self.pin2[1] = 1.0
        self.x[:] = x0[:, ws.order].T / self.scale
        # [C]: (-theta ln c_T, ln P_H) = (ln w, 1, ln P) @ iop per country
        cs = ws.colscale
        self.iop = np.empty((n, j + 2, j))
        np.multiply(ws.va, cs, out=self.iop[:, 0])
        self.iop[:, 1, :jt] = 0.0
        self.iop[:, 1, jt:] = ws.b_home
        np.multiply(ws.io, cs, out=self.iop[:, 2:])
        self.neg_inv_theta = -1.0 / ws.theta[:jt, None]
        # [P] and revenue: [pik; piktax] stacked for one product; [X] = ex @ (Y_T, X_H, I)
        self.pik2 = ws.pik2                                               # (jt, 2N, N)
        self.netbase = ws.netbase
        self.ex = np.empty((n, j, j + 1))
        self.ex[:, :, :j] = ws.io
        self.ex[:, :, jt:j] *= ws.inv1_home.T[:, None, :]                # Y_H = X_H / (1 + tau'_nn)
        self.ex[:, :, j] = ws.alpha
        self.t = np.empty((j, n))
        self.t[jt:] = ws.tax_home                                         # home-only revenue rates
        self.s = np.empty((j, n))
        self.e_t = np.empty((jt, n))
        self.phi2 = np.empty((jt, 2 * n))
        self.inv_phi = np.empty((jt, n))
        self.v = np.empty((j + 1, n))                                     # rows Y_T, X_H, I
        self.tx = np.empty((j, n))
        self.tmp = np.empty((jt, n))
        self.base = np.empty(n)
        self.absf = np.empty(self.size)
        self.excess = np.empty(n)
        self.step_wl = step / self.wls
        self.mixer = Mixer(self.size, memory)
        self.normalise()

    def _views(self, buf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(cost-map input rows (J + 2, N), ln w, ln P rows, X rows) of a state vector."""
        n, j = self.n, self.j
        pin = buf[:(j + 2) * n].reshape(j + 2, n)
        return pin, pin[0], pin[2:], buf[(j + 2) * n:].reshape(j, n)

    def start(self, w_hat: np.ndarray, p_hat: np.ndarray, x: np.ndarray) -> None:
        """Start from wages (N,), prices and expenditure (N, J, caller's order), e.g. another
        solve's equilibrium; wages are rescaled to world value added."""
        order = self.ws.order
        self.p[:] = np.log(p_hat[:, order]).T
        self.lw[:] = np.log(w_hat)
        self.x[:] = x[:, order].T / self.scale
        self.normalise()

    def normalise(self) -> None:
        """Rescale the wages of :attr:`z` so that world value added is unchanged; set the income
        base :math:`(\\hat w_n w_nL_n + D'_n)/\\bar X` of the next sweep."""
        w = np.exp(self.lw)
        k = self.world / float(w @ self.wl)
        self.lw += np.log(k)
        np.multiply(w, self.wls * k, out=self.base)
        self.base += self.d1s

    # ------------------------------------------------------------------ one sweep z -> g
    def sweep(self) -> None:
        """Apply :math:`G` to :attr:`z`, writing :attr:`g`.

        Leaves :math:`-\\theta\\ln\\hat c` (traded) / :math:`\\ln\\hat P` (home-only) at the
        prices of :attr:`z` in :attr:`s`, :math:`\\hat c_T^{-\\theta}` in :attr:`e_t`,
        :math:`(\\phi, \\sum_i [\\pi\\hat\\kappa^{-\\theta}\\tau'/(1+\\tau')]\\hat c^{-\\theta})` in
        :attr:`phi2`, :math:`1/\\phi` in :attr:`inv_phi`, revenue rates in :attr:`t`, gross
        outputs and income in :attr:`v`. The wage step is :math:`-s\\,e_n`, so the excess is
        :math:`(z - g)_{\\ln w}/s`.
        """
        j, jt, n = self.j, self.jt, self.n
        mul, matmul = np.multiply, np.matmul
        s, e_t, inv_phi, phi2 = self.s, self.e_t, self.inv_phi, self.phi2
        x, v, t, tx, tmp = self.x, self.v, self.t, self.tx, self.tmp
        # [C] one product per country; [P] phi = sum_i pik c^-theta per sector; price_steps times
        src = self.pin
        phi = phi2[:, :n]
        if self.price_steps > 1:
            self.pin2[0] = self.lw
        for _ in range(self.price_steps - 1):
            matmul(src.T[:, None, :], self.iop, out=s.T[:, None, :])
            np.exp(s[:jt], out=e_t)
            matmul(self.ws.pik, e_t[:, :, None], out=phi[:, :, None])
            src = self.pin2
            np.log(phi, out=src[2:2 + jt])
            mul(src[2:2 + jt], self.neg_inv_theta, out=src[2:2 + jt])
            src[2 + jt:] = s[jt:]
        matmul(src.T[:, None, :], self.iop, out=s.T[:, None, :])
        np.exp(s[:jt], out=e_t)
        matmul(self.pik2, e_t[:, :, None], out=phi2[:, :, None])
        np.log(phi, out=self.gp[:jt])
        mul(self.gp[:jt], self.neg_inv_theta, out=self.gp[:jt])
        self.gp[jt:] = s[jt:]
        np.reciprocal(phi, out=inv_phi)
        # [S] + [X]/[I]: Y_T = c^-theta ((X_T / phi) @ netbase), t_T = revenue / phi
        mul(x[:jt], inv_phi, out=tmp)
        matmul(tmp[:, None, :], self.netbase, out=v[:jt, None, :])
        mul(v[:jt], e_t, out=v[:jt])
        v[jt:j] = x[jt:]
        mul(phi2[:, n:], inv_phi, out=t[:jt])
        mul(t, x, out=tx)
        np.add.reduce(tx, axis=0, out=v[j])
        v[j] += self.base
        matmul(self.ex, v.T[:, :, None], out=self.gx.T[:, :, None])
        # [TB] M - E = sum_T X (1 - t) - Y; wage step ln w - s (M - E - D') / wL
        np.subtract(x[:jt], tx[:jt], out=tmp)
        np.subtract(tmp, v[:jt], out=tmp)
        bal = self.excess
        np.add.reduce(tmp, axis=0, out=bal)
        np.subtract(self.d1s, bal, out=bal)
        np.multiply(bal, self.step_wl, out=self.glw)
        np.add(self.glw, self.lw, out=self.glw)

    def solve(self, tol: float, step_tol: float, max_sweeps: int) -> tuple[int, float, bool]:
        """Anderson-mixed sweeps from :attr:`z`; returns ``(sweeps, residual, converged)``.

        Converged: excess below ``tol``, and the sweep moved no log price by ``step_tol`` or
        more and no expenditure by ``step_tol`` times :math:`\\bar X` or more. On convergence
        :attr:`z` holds the state the last sweep started from.
        """
        z, g, mixer, absf = self.z, self.g, self.mixer, self.absf
        n = self.n
        amax = np.maximum.reduce
        wa, pxa = absf[:n], absf[2 * n:]
        resid = np.inf
        for it in range(1, max_sweeps + 1):
            self.sweep()
            np.abs(mixer.residual(z, g), out=absf)
            resid = float(amax(wa)) / self.step
            if resid < tol and amax(pxa) < step_tol:
                return it, resid, True
            if not resid < np.inf:
                return it, resid, False
            mixer.update(z, g)
            self.normalise()
        return max_sweeps, resid, False

    def fields(self) -> dict[str, np.ndarray]:
        """The equilibrium at the state of the last sweep, caller's sector order: ``w_hat``,
        ``c_hat``, ``p_hat`` (N, J), ``pi`` (N, N, J), ``expenditure`` (N, J), ``income`` (N,)."""
        ws, n, j, jt = self.ws, self.n, self.j, self.jt
        log_c = np.empty((j, n))
        np.multiply(self.s[:jt], self.neg_inv_theta, out=log_c[:jt])
        np.subtract(self.s[jt:], ws.b_home.T, out=log_c[jt:])
        pi = np.zeros((n, n, j))
        traded = ws.pik * self.e_t[:, None, :] * self.inv_phi[:, :, None]     # [j, n, i]
        pi[:, :, ws.order[:jt]] = traded.transpose(1, 2, 0)
        d = np.arange(n)
        pi[d[:, None], d[:, None], ws.order[None, jt:]] = 1.0                  # home-only: share 1
        inv = ws.inverse
        return {"w_hat": np.exp(self.lw), "c_hat": np.exp(log_c.T[:, inv]), "p_hat": np.exp(self.gp.T[:, inv]),
                "pi": pi, "expenditure": (self.x.T * self.scale)[:, inv], "income": self.v[j] * self.scale}
