"""Non-allowable interest costs (USMCA Art. 4.1, "non-allowable interest costs"; UR s. 7(14),
Schedule 9), a net-cost exclusion.

Interest costs are non-allowable when the contract rate exceeds by more than ``s`` basis points
(law tree ``usmca/ch04/rvc/non_allowable_interest_spread_bp``) the federal government rate of
comparable maturity. For a fixed-rate contract (Schedule 9, s. 2(a)) the comparable maturity is
the weighted average principal maturity (WAPM) of the payment schedule::

    WAPM = round_half_up_1(sum_k P_k t_k / L)

with principal payments ``P_k`` at ``t_k`` years and original loan ``L``; the government rate at
``WAPM`` is interpolated linearly between the nearest shorter maturity ``D`` (rate ``A``) and the
nearest longer one ``C`` (rate ``B``)::

    r_gov = A + (B - A)(WAPM - D)/(C - D)

beyond the longest maturity the closest one is used (s. 2(c)).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping, Sequence

from usmca.errors import UserInputError

__all__ = ["InterestTest", "weighted_average_principal_maturity", "government_rate", "interest_test"]


@dataclass(frozen=True)
class InterestTest:
    """Outcome of the Schedule 9 comparison for one contract."""

    wapm_years: Decimal
    government_rate: Decimal       # percent
    contract_rate: Decimal         # percent
    spread_bp: Decimal             # contract - government, basis points
    limit_bp: Decimal
    non_allowable: bool


def weighted_average_principal_maturity(payments: Sequence[tuple[Decimal, Decimal]], loan: Decimal) -> Decimal:
    """WAPM of a fixed-rate contract: ``(years, principal payment)`` pairs and the original loan."""
    if loan <= 0:
        raise UserInputError("interest", "loan", str(loan), "must be > 0")
    weighted = sum((Decimal(t) * Decimal(p) for t, p in payments), Decimal(0))
    return (weighted / loan).quantize(Decimal("0.1"), ROUND_HALF_UP)


def government_rate(curve: Mapping[Decimal, Decimal], maturity: Decimal) -> Decimal:
    """Government rate at ``maturity`` by linear interpolation on ``curve`` (years -> percent)."""
    if not curve:
        raise UserInputError("interest", "curve", "{}", "no government rates given")
    pts = sorted((Decimal(k), Decimal(v)) for k, v in curve.items())
    for m, r in pts:
        if m == maturity:
            return r
    shorter = [p for p in pts if p[0] < maturity]
    longer = [p for p in pts if p[0] > maturity]
    if not shorter:
        return longer[0][1]
    if not longer:
        return shorter[-1][1]  # Schedule 9, s. 2(c): closest maturity
    (d, a), (c, b) = shorter[-1], longer[0]
    return a + (b - a) * (maturity - d) / (c - d)


def interest_test(payments: Sequence[tuple[Decimal, Decimal]], loan: Decimal, contract_rate: Decimal,
                  curve: Mapping[Decimal, Decimal], limit_bp: Decimal) -> InterestTest:
    """Whether a fixed-rate contract's interest is non-allowable (Schedule 9, s. 2(a), 2(c))."""
    wapm = weighted_average_principal_maturity(payments, loan)
    gov = government_rate(curve, wapm)
    spread = (Decimal(contract_rate) - gov) * 100
    return InterestTest(wapm, gov, Decimal(contract_rate), spread, Decimal(limit_bp), spread > Decimal(limit_bp))
