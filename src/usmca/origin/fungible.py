"""Fungible materials and goods: inventory management methods (USMCA Art. 4.13; UR s. 8(18)-(22),
Schedule 8); and the value of non-originating identical materials (UR s. 5(13)-(14), s. 7(10),
Schedule 7: FIFO, LIFO, rolling average), the same computation with every lot non-originating.

Originating and non-originating fungible materials drawn from one inventory are told apart by
an inventory method recognised in GAAP or set out in Schedule 8 (the method in force is listed in
the law tree, ``usmca/ch04/fungible/inventory_methods``):

* FIFO: units withdrawn come from the oldest receipts first;
* LIFO: from the latest receipts first;
* average (Schedule 8, Part 1): before each withdrawal of ``q`` units, with ``r`` the ratio of
  non-originating units to all units in inventory and ``u`` the average unit value,

  .. math:: q_N = q\\,r, \\qquad VNM = q\\,u\\,r

  and the units left are split by the same ratio.
* average over a period for fungible goods (Schedule 8, Part 2): the share of originating units
  received in the preceding period (opening inventory included) applies to the units shipped.

Exact decimals throughout. ``published_rounding=True`` reproduces the figures printed in the
Schedule 8 examples, which round the ratio and the average unit value to two decimals before
multiplying (the exact figures differ by a few cents; a test shows both).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Sequence

from usmca.errors import UserInputError

__all__ = ["Receipt", "Withdrawal", "Allocation", "allocate", "period_average_ratio"]

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Receipt:
    """Units received into inventory (originating or not) at a unit cost (UR s. 8)."""

    quantity: Decimal
    unit_cost: Decimal
    originating: bool
    date: str = ""


@dataclass(frozen=True)
class Withdrawal:
    """Units withdrawn for production (or shipped, for fungible goods)."""

    quantity: Decimal
    date: str = ""


@dataclass(frozen=True)
class Allocation:
    """What a withdrawal is considered to contain."""

    date: str
    quantity: Decimal
    originating_units: Decimal
    non_originating_units: Decimal
    non_originating_value: Decimal


def _lots(events: Sequence[Receipt | Withdrawal], method: str) -> list[Allocation]:
    lots: list[list] = []  # [qty, unit_cost, originating]
    out = []
    for ev in events:
        if isinstance(ev, Receipt):
            lots.append([ev.quantity, ev.unit_cost, ev.originating])
            continue
        need, o, n, nv = ev.quantity, ZERO, ZERO, ZERO
        while need > 0:
            if not lots:
                raise UserInputError("inventory", ev.date or "withdrawal", str(ev.quantity), "exceeds the inventory")
            lot = lots[0] if method == "FIFO" else lots[-1]
            take = min(need, lot[0])
            if lot[2]:
                o += take
            else:
                n += take
                nv += take * lot[1]
            lot[0] -= take
            need -= take
            if lot[0] == 0:
                lots.remove(lot)
        out.append(Allocation(ev.date, ev.quantity, o, n, nv))
    return out


def _average(events: Sequence[Receipt | Withdrawal], published_rounding: bool) -> list[Allocation]:
    units_o = units_n = value = ZERO
    out = []
    for ev in events:
        if isinstance(ev, Receipt):
            if ev.originating:
                units_o += ev.quantity
            else:
                units_n += ev.quantity
            value += ev.quantity * ev.unit_cost
            continue
        total = units_o + units_n
        if ev.quantity > total:
            raise UserInputError("inventory", ev.date or "withdrawal", str(ev.quantity), "exceeds the inventory")
        ratio = units_n / total
        avg = value / total
        if published_rounding:
            ratio = ratio.quantize(CENT, ROUND_HALF_UP)
            avg = avg.quantize(CENT, ROUND_HALF_UP)
        n = ev.quantity * ratio
        out.append(Allocation(ev.date, ev.quantity, ev.quantity - n, n, ev.quantity * avg * ratio))
        left = total - ev.quantity
        value -= ev.quantity * avg
        units_n = left * ratio
        units_o = left - units_n
    return out


def allocate(events: Sequence[Receipt | Withdrawal], method: Literal["FIFO", "LIFO", "average"],
             *, published_rounding: bool = False) -> list[Allocation]:
    """Allocate each withdrawal to originating / non-originating units (Schedule 8, Part 1).

    Parameters
    ----------
    events
        Receipts and withdrawals in chronological order (opening inventory first).
    method
        ``FIFO``, ``LIFO`` or ``average``.
    published_rounding
        Average method only: round the ratio and the average unit value to cents as the printed
        examples do.
    """
    m = method.upper() if method.lower() != "average" else "average"
    if m in ("FIFO", "LIFO"):
        return _lots(events, m)
    if m == "average":
        return _average(events, published_rounding)
    raise UserInputError("method", "", method, "inventory method must be FIFO, LIFO or average")


def period_average_ratio(receipts: Sequence[Receipt]) -> Decimal:
    """Share of originating units among the units received in a period (Schedule 8, Part 2)."""
    total = sum((r.quantity for r in receipts), ZERO)
    if total <= 0:
        raise UserInputError("inventory", "receipts", "0", "no units received in the period")
    return sum((r.quantity for r in receipts if r.originating), ZERO) / total
