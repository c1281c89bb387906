"""Percent changes shared by both GE models' results.

Both Caliendo and Parro (2015) (Table 2) and Yotov et al. (2016, ch. 2) report a variable's
change between two equilibria as ``100 (x' / x - 1)``, the counterfactual ``x'`` relative to the
baseline ``x``; in the "hat" notation of exact hat algebra, ``100 (x_hat - 1)`` with
``x_hat = x' / x``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["pct", "pct_where_positive"]


def pct(new: Any, old: Any) -> np.ndarray:
    """Percent change ``100 (new / old - 1)`` (element-wise, broadcasting)."""
    return 100.0 * (np.asarray(new) / np.asarray(old) - 1.0)


def pct_where_positive(new: Any, old: Any) -> np.ndarray:
    """``100 (new / old - 1)`` where ``old > 0``, ``NaN`` where ``old <= 0`` (e.g. a pair that does
    not trade in the baseline has no percent change)."""
    old = np.asarray(old)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(old > 0, pct(new, np.where(old > 0, old, 1.0)), np.nan)
