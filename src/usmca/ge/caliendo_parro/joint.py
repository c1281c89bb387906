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

import math

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
        # One (J + 2) x (J + 1) matrix per country serves [C] and [X]: rows (value-added shares,
        # home-only constants, input-output shares), columns (sectors, final-demand shares).
        # [C]: (ln c_T, ln P_H, *) = (ln w, 1, ln P) @ iox; [X]: X = iox[2:] @ (Y, I).
        self.iox = np.zeros((n, j + 2, j + 1))
        self.iox[:, 0, :j] = ws.va
        self.iox[:, 1, jt:j] = ws.b_home
        self.iox[:, 2:, :j] = ws.io
        self.iox[:, 2:, j] = ws.alpha
        self.ioy = self.iox[:, 2:]
        self.cs = np.concatenate([ws.colscale, [0.0]])[:, None]           # -theta_j on traded rows
        self.neg_inv_theta = -1.0 / ws.theta[:jt, None]
        self.inv1_home = ws.inv1_home
        # [P] and revenue: [pik; piktax] stacked for one product
        self.pik2 = ws.pik2                                               # (jt, 2N, N)
        self.netbase = ws.netbase
        self.t = np.empty((j, n))
        self.t[jt:] = ws.tax_home                                         # home-only revenue rates
        self.s = np.empty((j + 1, n))
        self.e_t = np.empty((jt, n))
        self.phi2 = np.empty((jt, 2 * n))
        self.inv_phi = np.empty((jt, n))
        self.v = np.empty((j + 1, n))                                     # rows Y_T, Y_H, I
        self.tx = np.empty((j, n))
        self.tmp = np.empty((jt, n))
        self.base = np.empty(n)
        self.absf = np.empty(self.size)
        self.excess = np.empty(n)
        self.step_wl = step / self.wls
        self.w = np.empty(n)
        self.mixer = Mixer(self.size, memory)
        # views used by every sweep, made once
        self.pinT, self.pin2T, self.sT = self.pin.T[:, None, :], self.pin2.T[:, None, :], self.s.T[:, None, :]
        self.s_t, self.s_h = self.s[:jt], self.s[jt:j]
        self.pik, self.e3 = ws.pik, self.e_t[:, :, None]
        self.phi, self.rev, self.phi23 = self.phi2[:, :n], self.phi2[:, n:], self.phi2[:, :, None]
        self.phi3 = self.phi[:, :, None]
        self.p2t, self.p2h = self.pin2[2:2 + jt], self.pin2[2 + jt:]
        self.gpt, self.gph = self.gp[:jt], self.gp[jt:]
        self.xt, self.xh, self.tt, self.txt = self.x[:jt], self.x[jt:], self.t[:jt], self.tx[:jt]
        self.tmp3, self.vt, self.vt3, self.vh, self.vI = self.tmp[:, None, :], self.v[:jt], self.v[:jt, None, :], \
            self.v[jt:j], self.v[j]
        self.vT, self.gxT = self.v.T[:, :, None], self.gx.T[:, :, None]
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
        w = np.exp(self.lw, out=self.w)
        k = self.world / float(w @ self.wl)
        np.add(self.lw, math.log(k), out=self.lw)
        np.multiply(w, self.wls, out=self.base)
        np.multiply(self.base, k, out=self.base)
        np.add(self.base, self.d1s, out=self.base)

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
        mul, matmul, exp, log = np.multiply, np.matmul, np.exp, np.log
        s, cs, e_t, e3, phi, phi3, inv_phi, nit = self.s, self.cs, self.e_t, self.e3, self.phi, self.phi3, \
            self.inv_phi, self.neg_inv_theta
        iox, sT, s_t, s_h = self.iox, self.sT, self.s_t, self.s_h
        # [C] one product per country; [P] phi = sum_i pik c^-theta per sector; price_steps times
        src = self.pinT
        if self.price_steps > 1:
            self.pin2[0] = self.lw
        for _ in range(self.price_steps - 1):
            matmul(src, iox, out=sT)
            mul(s, cs, out=s)
            exp(s_t, out=e_t)
            matmul(self.pik, e3, out=phi3)
            log(phi, out=self.p2t)
            mul(self.p2t, nit, out=self.p2t)
            self.p2h[...] = s_h
            src = self.pin2T
        matmul(src, iox, out=sT)
        mul(s, cs, out=s)
        exp(s_t, out=e_t)
        matmul(self.pik2, e3, out=self.phi23)
        log(phi, out=self.gpt)
        mul(self.gpt, nit, out=self.gpt)
        self.gph[...] = s_h
        np.reciprocal(phi, out=inv_phi)
        # [S] + [X]/[I]: Y_T = c^-theta ((X_T / phi) @ netbase), t_T = revenue / phi
        tmp, vt, xt, tt, txt, vI = self.tmp, self.vt, self.xt, self.tt, self.txt, self.vI
        mul(xt, inv_phi, out=tmp)
        matmul(self.tmp3, self.netbase, out=self.vt3)
        mul(vt, e_t, out=vt)
        mul(self.xh, self.inv1_home, out=self.vh)
        mul(self.rev, inv_phi, out=tt)
        mul(self.t, self.x, out=self.tx)
        np.add.reduce(self.tx, axis=0, out=vI)
        np.add(vI, self.base, out=vI)
        matmul(self.ioy, self.vT, out=self.gxT)
        # [TB] M - E = sum_T X (1 - t) - Y; wage step ln w - s (M - E - D') / wL
        np.subtract(xt, txt, out=tmp)
        np.subtract(tmp, vt, out=tmp)
        bal = self.excess
        np.add.reduce(tmp, axis=0, out=bal)
        np.subtract(self.d1s, bal, out=bal)
        mul(bal, self.step_wl, out=self.glw)
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
        np.subtract(self.s[jt:j], ws.b_home.T, out=log_c[jt:])
        pi = np.zeros((n, n, j))
        traded = ws.pik * self.e_t[:, None, :] * self.inv_phi[:, :, None]     # [j, n, i]
        pi[:, :, ws.order[:jt]] = traded.transpose(1, 2, 0)
        d = np.arange(n)
        pi[d[:, None], d[:, None], ws.order[None, jt:]] = 1.0                  # home-only: share 1
        inv = ws.inverse
        return {"w_hat": np.exp(self.lw), "c_hat": np.exp(log_c.T[:, inv]), "p_hat": np.exp(self.gp.T[:, inv]),
                "pi": pi, "expenditure": (self.x.T * self.scale)[:, inv], "income": self.v[j] * self.scale}
