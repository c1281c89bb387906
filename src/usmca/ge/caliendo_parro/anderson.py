"""Anderson (type II) acceleration of a fixed point :math:`x = g(x)`.

Walker, H. F. and Ni, P. (2011), "Anderson acceleration for fixed-point iterations", *SIAM J.
Numer. Anal.* 49(4): 1715-1735, https://doi.org/10.1137/10078356X. With residuals
:math:`f_k = g(x_k) - x_k` and the last ``m`` differences :math:`\\Delta F, \\Delta G`, the next
iterate is :math:`g(x_k) - \\Delta G\\,\\gamma` where :math:`\\gamma = \\arg\\min \\|f_k - \\Delta F\\gamma\\|_2`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Anderson"]


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
