"""Anderson (type II) acceleration of a fixed point :math:`x = g(x)`.

Walker, H. F. and Ni, P. (2011), "Anderson acceleration for fixed-point iterations", *SIAM J.
Numer. Anal.* 49(4): 1715-1735, https://doi.org/10.1137/10078356X. With residuals
:math:`f_k = g(x_k) - x_k` and the last ``m`` differences :math:`\\Delta F, \\Delta G`, the next
iterate is :math:`g(x_k) - \\Delta G\\,\\gamma` where :math:`\\gamma = \\arg\\min \\|f_k - \\Delta F\\gamma\\|_2`.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg.lapack import dposv

__all__ = ["Anderson", "Mixer"]

#: Ridge added to the equilibrated (unit-diagonal) Gram matrix of :class:`Mixer`.
RIDGE = 1e-12


class Anderson:
    """Stateful mixer: call :meth:`update` with the current iterate and its image."""

    def __init__(self, memory: int = 6) -> None:
        self.memory = int(memory)
        self.reset()

    def reset(self) -> None:
        """Forget the history (after a bad step)."""
        self._x: np.ndarray | None = None
        self._f: np.ndarray | None = None
        self._g: np.ndarray | None = None
        self._df: list[np.ndarray] = []
        self._dg: list[np.ndarray] = []

    def update(self, x: np.ndarray, gx: np.ndarray) -> np.ndarray:
        r"""Return the accelerated next iterate given ``x`` and ``g(x)``.

        :math:`x_{k+1} = g(x_k) - \Delta G\,\gamma_k`, :math:`\gamma_k = \arg\min_\gamma
        \|f_k - \Delta F\gamma\|_2` over the last ``memory`` differences (Walker and Ni 2011,
        Anderson type II); the plain step :math:`g(x_k)` while the history is empty.
        """
        f = gx - x
        if self._f is not None and self.memory > 0:
            self._df.append(f - self._f)
            self._dg.append(gx - self._g)
            if len(self._df) > self.memory:
                self._df.pop(0)
                self._dg.pop(0)
        self._f, self._g = f, gx
        if not self._df:
            return gx
        df = np.stack(self._df, axis=1)
        dg = np.stack(self._dg, axis=1)
        gamma, *_ = np.linalg.lstsq(df, f, rcond=None)
        return gx - dg @ gamma


class Mixer:
    """Anderson (type II) mixing on preallocated buffers, for long state vectors.

    Same iterate as :class:`Anderson` (Walker and Ni 2011): :math:`x_{k+1} = g_k - \\Delta G\\gamma`
    with :math:`\\gamma = \\arg\\min\\|f_k - \\Delta F\\gamma\\|_2`, the last ``memory`` differences
    kept in a ring. The least-squares problem is solved through its ``memory`` x ``memory``
    normal equations by Cholesky (whose accuracy does not depend on the scale of the columns;
    a relative ridge of :data:`RIDGE` on the diagonal), the Gram matrix gaining one row per
    step: three matrix-vector products with the history per step. A failed factorisation (a
    repeated or zero difference) restarts the history. Call :meth:`residual`
    (:math:`f = g(x) - x`), then :meth:`update`.
    """

    def __init__(self, size: int, memory: int = 10) -> None:
        self.memory = max(int(memory), 0)
        self.df = np.empty((self.memory, size))
        self.dg = np.empty((self.memory, size))
        self.f = np.empty(size)
        self.f_prev = np.empty(size)
        self.g_prev = np.empty(size)
        self.gram = np.empty((self.memory, self.memory))
        self.reset()

    def reset(self) -> None:
        """Forget the history (the next step is the plain one)."""
        self.count = 0
        self.steps = 0

    def residual(self, x: np.ndarray, gx: np.ndarray) -> np.ndarray:
        """:math:`f = g(x) - x` into the mixer's buffer (returned; valid until :meth:`update`)."""
        return np.subtract(gx, x, out=self.f)

    def update(self, x: np.ndarray, gx: np.ndarray) -> None:
        """Overwrite ``x`` with the mixed next iterate, after :meth:`residual` of ``x``, ``gx``."""
        f, m, c = self.f, self.memory, 0
        if self.steps and m:
            k = (self.steps - 1) % m
            dfk = self.df[k]
            np.subtract(f, self.f_prev, out=dfk)
            np.subtract(gx, self.g_prev, out=self.dg[k])
            self.count = c = min(self.count + 1, m)
            row = np.matmul(self.df[:c], dfk)
            self.gram[k, :c] = row
            self.gram[:c, k] = row
        self.steps += 1
        self.f, self.f_prev = self.f_prev, f
        np.copyto(self.g_prev, gx)
        if c:
            a = self.gram[:c, :c].copy()
            a.flat[::c + 1] *= 1.0 + RIDGE
            _, gamma, info = dposv(a, np.matmul(self.df[:c], f), overwrite_a=1, overwrite_b=1)
            if info == 0:
                np.subtract(gx, np.matmul(gamma, self.dg[:c]), out=x)
                return
            self.reset()
        np.copyto(x, gx)
