"""Regional value content (USMCA Art. 4.5): the two formulas, exact and vectorised.

Transaction-value method (Art. 4.5.2)::

    RVC = (TV - VNM) / TV x 100

Net-cost method (Art. 4.5.3)::

    RVC = (NC - VNM) / NC x 100

where ``TV`` is the transaction value of the good adjusted to exclude international shipping
costs (Art. 4.5.2, Uniform Regulations s. 5), ``NC`` the net cost of the good (total cost minus
sales promotion, marketing and after-sales service, royalties, shipping and packing, and
non-allowable interest: Art. 4.5.3 and Art. 4.1 "net cost", Uniform Regulations s. 6), and
``VNM`` the value of non-originating materials (Art. 4.6, after the adjustments of Art. 4.7).

Thresholds are compared unrounded (the result is never rounded here); no threshold lives in this
module: they come from the product-specific rule or the law tree.

The functions are pure: Decimal in, Decimal out, for single goods; the ``*_array`` variants take
numpy arrays (float64) for portfolios and return ``nan`` where the denominator is not positive.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

import numpy as np

__all__ = [
    "HUNDRED",
    "rvc_transaction_value",
    "rvc_net_cost",
    "rvc",
    "net_cost",
    "adjusted_transaction_value",
    "rvc_transaction_value_array",
    "rvc_net_cost_array",
    "NET_COST_EXCLUSIONS",
]

HUNDRED = Decimal(100)

#: The cost items Art. 4.5.3 / Art. 4.1 ("net cost") remove from total cost (Uniform Regulations
#: s. 6(1) and Schedule VII). These are names of legal categories, not numbers.
NET_COST_EXCLUSIONS: tuple[str, ...] = (
    "sales_promotion",            # sales promotion, marketing and after-sales service costs
    "royalties",                  # royalties
    "shipping_packing",           # shipping and packing costs
    "non_allowable_interest",     # non-allowable interest costs
)


def _dec(x: object, name: str) -> Decimal:
    if isinstance(x, Decimal):
        d = x
    elif isinstance(x, bool):
        raise TypeError(f"{name} must be a number, not bool")
    elif isinstance(x, (int, str)):
        d = Decimal(x)
    elif isinstance(x, float):
        d = Decimal(repr(x))
    else:
        raise TypeError(f"{name} must be a number, got {type(x).__name__}")
    if not d.is_finite():
        raise ValueError(f"{name} must be finite, got {d}")
    return d


def rvc_transaction_value(tv: Decimal | int | str | float, vnm: Decimal | int | str | float) -> Decimal:
    """Regional value content by the transaction-value method (USMCA Art. 4.5.2).

    .. math:: RVC_{TV} = \\frac{TV - VNM}{TV} \\times 100

    Parameters
    ----------
    tv
        Transaction value of the good, adjusted to exclude international shipping (FOB basis).
    vnm
        Value of non-originating materials (Art. 4.6), including materials of undetermined origin.

    Returns
    -------
    Decimal
        The percentage, unrounded (exact decimal division at 28 significant digits).

    Raises
    ------
    ValueError
        If ``tv <= 0`` or ``vnm < 0``.
    """
    t, v = _dec(tv, "tv"), _dec(vnm, "vnm")
    if t <= 0:
        raise ValueError(f"transaction value must be > 0, got {t}")
    if v < 0:
        raise ValueError(f"value of non-originating materials must be >= 0, got {v}")
    return (t - v) / t * HUNDRED


def rvc_net_cost(net_cost: Decimal | int | str | float, vnm: Decimal | int | str | float) -> Decimal:
    """Regional value content by the net-cost method (USMCA Art. 4.5.3).

    .. math:: RVC_{NC} = \\frac{NC - VNM}{NC} \\times 100

    Parameters
    ----------
    net_cost
        Net cost of the good (total cost less the exclusions of Art. 4.5.3; see :func:`net_cost`).
    vnm
        Value of non-originating materials (Art. 4.6 and 4.7).

    Returns
    -------
    Decimal
        The percentage, unrounded.

    Raises
    ------
    ValueError
        If ``net_cost <= 0`` or ``vnm < 0``.
    """
    n, v = _dec(net_cost, "net_cost"), _dec(vnm, "vnm")
    if n <= 0:
        raise ValueError(f"net cost must be > 0, got {n}")
    if v < 0:
        raise ValueError(f"value of non-originating materials must be >= 0, got {v}")
    return (n - v) / n * HUNDRED


def rvc(method: str, base: Decimal | int | str | float, vnm: Decimal | int | str | float) -> Decimal:
    """Dispatch on ``method`` (``"TV"`` or ``"NC"``) to the Art. 4.5 formula."""
    m = method.upper()
    if m == "TV":
        return rvc_transaction_value(base, vnm)
    if m == "NC":
        return rvc_net_cost(base, vnm)
    raise ValueError(f"method must be TV or NC, got {method!r}")


def net_cost(total_cost: Decimal | int | str | float,
             excluded: Mapping[str, Decimal | int | str | float] | None = None) -> Decimal:
    """Net cost of a good: total cost minus the excluded cost items (Art. 4.5.3, Art. 4.1).

    .. math:: NC = TC - (SP + R + SPk + NAI)

    with ``SP`` sales promotion, marketing and after-sales service costs, ``R`` royalties,
    ``SPk`` shipping and packing costs and ``NAI`` non-allowable interest costs, to the extent
    they are included in total cost (Uniform Regulations s. 6(1)).

    Parameters
    ----------
    total_cost
        Total cost of the good.
    excluded
        Mapping of excluded cost item -> amount; any key is accepted (each is one of the
        categories of :data:`NET_COST_EXCLUSIONS` in a validated BOM). Missing items count zero.
    """
    tc = _dec(total_cost, "total_cost")
    ex = sum((_dec(v, f"excluded.{k}") for k, v in (excluded or {}).items()), Decimal(0))
    return tc - ex


def adjusted_transaction_value(transaction_value: Decimal | int | str | float,
                               international_shipping: Decimal | int | str | float = 0) -> Decimal:
    """Transaction value adjusted to an FOB basis (Art. 4.5.2; Uniform Regulations s. 5).

    .. math:: TV_{adj} = TV - C_{ship}

    where ``C_ship`` is the cost of international shipping included in the transaction value.
    """
    return _dec(transaction_value, "transaction_value") - _dec(international_shipping, "international_shipping")


def rvc_transaction_value_array(tv: np.ndarray, vnm: np.ndarray) -> np.ndarray:
    """Vectorised :func:`rvc_transaction_value` over arrays (float64); ``nan`` where ``tv <= 0``."""
    t = np.asarray(tv, dtype=np.float64)
    v = np.asarray(vnm, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (t - v) / t * 100.0
    return np.where(t > 0, out, np.nan)


def rvc_net_cost_array(nc: np.ndarray, vnm: np.ndarray) -> np.ndarray:
    """Vectorised :func:`rvc_net_cost` over arrays (float64); ``nan`` where ``nc <= 0``."""
    return rvc_transaction_value_array(nc, vnm)
