"""Labour value content (SOR/2020-155 s. 18; USMCA Appendix to Annex 4-B; 19 CFR 182.93).

Net-cost formula (s. 18(6)(a))::

    LVC = (HWLC + HWM) / NC x 100 + HWTC + HWAC

Annual-purchase-value formula (s. 18(6)(b))::

    LVC = (APV + HWLC) / (TAPV + HWLC) x 100 + HWTC + HWAC

where HWLC are the high-wage labour costs of vehicle assembly, HWM the high-wage material and
manufacturing expenditures (with high-wage transportation costs when not already included,
s. 18(3)(c), (20)), NC the vehicle's net cost, APV / TAPV the annual purchase value of high-wage
materials / of all parts and materials of the assembly plant, HWTC the technology credit
(s. 18(10): R&D and IT wages / direct production wages x 100, capped) and HWAC the assembly
credit (s. 18(12)-(13)). The first term is the "high-wage material and labour" part that must
reach its own minimum. Caps and minimums come from the law tree, never from here.

The functions are pure; the ``*_array`` variant is vectorised over numpy arrays for portfolios.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

__all__ = ["high_wage_points_nc", "high_wage_points_apv", "technology_credit", "lvc_total",
           "high_wage_points_nc_array"]

HUNDRED = Decimal(100)


def high_wage_points_nc(hwlc: Decimal, hwm: Decimal, net_cost: Decimal) -> Decimal:
    """High-wage material and labour points by the net-cost formula, s. 18(6)(a).

    .. math:: P = \\frac{HWLC + HWM}{NC} \\times 100
    """
    if net_cost <= 0:
        raise ValueError("net cost must be > 0")
    return (hwlc + hwm) / net_cost * HUNDRED


def high_wage_points_apv(apv: Decimal, tapv: Decimal, hwlc: Decimal = Decimal(0)) -> Decimal:
    """High-wage material and labour points by the annual-purchase formula, s. 18(6)(b).

    .. math:: P = \\frac{APV + HWLC}{TAPV + HWLC} \\times 100

    ``hwlc`` is optional in the numerator and, if included, also in the denominator.
    """
    if tapv + hwlc <= 0:
        raise ValueError("total annual purchase value must be > 0")
    return (apv + hwlc) / (tapv + hwlc) * HUNDRED


def technology_credit(rd_it_wages: Decimal, production_wages: Decimal, cap: Decimal) -> Decimal:
    """High-wage technology expenditures credit, s. 18(9)-(10), capped at ``cap`` points.

    .. math:: HWTC = \\min\\left(\\frac{W_{R\\&D+IT}}{W_{production}} \\times 100,\\; cap\\right)
    """
    if production_wages <= 0:
        raise ValueError("production wages must be > 0")
    return min(rd_it_wages / production_wages * HUNDRED, cap)


def lvc_total(points: Decimal, hwtc: Decimal, hwac: Decimal) -> Decimal:
    """LVC = high-wage material and labour points + HWTC + HWAC (s. 18(6))."""
    return points + hwtc + hwac


def high_wage_points_nc_array(hwlc: np.ndarray, hwm: np.ndarray, net_cost: np.ndarray) -> np.ndarray:
    """Vectorised :func:`high_wage_points_nc` (float64); ``nan`` where the net cost is not positive."""
    hwlc, hwm, nc = (np.asarray(a, dtype=float) for a in (hwlc, hwm, net_cost))
    out = np.full(np.broadcast(hwlc, hwm, nc).shape, np.nan)
    ok = nc > 0
    np.divide((hwlc + hwm) * 100.0, nc, out=out, where=ok)
    return out
