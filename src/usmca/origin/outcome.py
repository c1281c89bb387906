"""Typed pieces of a determination: methods, criteria, RVC tests and margins (the engine's seams).

The JSON document of ``usmca origin qualify --json`` is built from these with ``to_dict()``; the
key order of each mapping is part of that contract (byte-identical output).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Mapping

__all__ = ["Method", "RvcMethod", "Criterion", "Status", "RvcTest", "Margin", "Failure"]

#: How the producer computes the RVC: transaction value, net cost, or the better of the two the
#: rule allows (Art. 4.5; UR s. 7(1), (6)).
Method = Literal["TV", "NC", "best"]
#: One RVC test's method.
RvcMethod = Literal["TV", "NC"]
#: The origin criterion of the certificate (Annex 5-A, field 8; Art. 4.2(a)-(d); 19 U.S.C. 4531(b)(1)(E)).
Criterion = Literal["A", "B", "C", "D", "E"]
#: The answer: originating, not originating, or undetermined (facts or law missing: never a guess).
Status = Literal["originating", "not_originating", "undetermined"]


@dataclass(frozen=True)
class RvcTest:
    """One regional value content test (Art. 4.5; UR s. 7(2)-(3)).

    .. math:: RVC = (B - VNM) / B \\times 100, \\quad margin = RVC - t

    with ``B`` the adjusted transaction value (TV method) or the net cost (NC method) and ``t``
    the threshold of the rule; compared unrounded.
    """

    method: RvcMethod
    value: Decimal
    threshold: Decimal
    margin: Decimal
    passed: bool
    base: Decimal
    vnm: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "value": self.value, "threshold": self.threshold, "margin": self.margin,
                "passed": self.passed, "base": self.base, "vnm": self.vnm}

    def summary(self) -> dict[str, Any]:
        """The ``rvc`` entry of the result (the decisive, else the closest, test)."""
        return {"method": self.method, "value": self.value, "threshold": self.threshold, "margin": self.margin,
                "base": self.base, "vnm": self.vnm}


@dataclass(frozen=True)
class Margin:
    """How far a quantitative test of the determination is from its threshold.

    ``margin`` is ``threshold - value`` for a cap (set share, NME content) and ``value -
    threshold`` for a floor (RVC); requirement hooks give value and threshold only. ``gap`` says
    what must change (automotive requirements).
    """

    test: str
    value: Any
    threshold: Any
    passed: bool | None
    margin: Decimal | None = None
    method: RvcMethod | None = None
    gap: Mapping[str, Any] | None = None
    base: Decimal | None = None
    vnm: Decimal | None = None

    @classmethod
    def of_rvc(cls, test: str, t: RvcTest) -> "Margin":
        return cls(test, t.value, t.threshold, t.passed, t.margin, t.method, None, t.base, t.vnm)

    def to_dict(self) -> dict[str, Any]:
        """The entry of ``margins`` in the JSON document (no base or VNM)."""
        d: dict[str, Any] = {"test": self.test}
        if self.method is not None:
            d["method"] = self.method
        d["value"], d["threshold"] = self.value, self.threshold
        if self.margin is not None:
            d["margin"] = self.margin
        d["passed"] = self.passed
        if self.gap:
            d["gap"] = dict(self.gap)
        return d


@dataclass(frozen=True)
class Failure:
    """A rule or requirement a what-if plan must overcome: what failed, and by how much.

    ``value`` and ``threshold`` are the test's figures (percent for shares and RVC, money for a
    failing value under de minimis); ``by`` is how far the value is on the wrong side of the
    threshold (``threshold - value`` for a floor, ``value - threshold`` for a cap); ``None``
    where the test has no figure (a shift failing without de minimis, an undetermined test).
    """

    test: str
    reason: str
    reference: str = ""
    value: Any = None
    threshold: Any = None
    by: Any = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"test": self.test, "reason": self.reason}
        if self.reference:
            d["reference"] = self.reference
        if self.value is not None:
            d["value"], d["threshold"], d["by"] = self.value, self.threshold, self.by
        return d
