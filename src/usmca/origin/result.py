"""Immutable results of an origin determination and the trace of its steps."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Mapping

from .outcome import Criterion, Status

__all__ = ["TraceStep", "Trace", "QualificationResult"]


@dataclass(frozen=True)
class TraceStep:
    """One step of a determination: what was tested, what came out, under which provision."""

    step: str
    result: str
    reference: str
    node: str = ""
    passed: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"step": self.step, "result": self.result, "reference": self.reference}
        if self.node:
            d["node"] = self.node
        if self.passed is not None:
            d["passed"] = self.passed
        return d


class Trace:
    """A growing list of steps (internal; results hold a tuple)."""

    def __init__(self, node: str = "") -> None:
        self.steps: list[TraceStep] = []
        self.node = node

    def add(self, step: str, result: str, reference: str, passed: bool | None = None) -> None:
        self.steps.append(TraceStep(step, result, reference, self.node, passed))

    def extend(self, steps: "list[TraceStep] | tuple[TraceStep, ...]") -> None:
        self.steps.extend(steps)


def _num(x: Any) -> Any:
    """Decimal -> float for JSON; a Decimal beyond float range stays exact as a string."""
    if isinstance(x, Decimal):
        f = float(x)
        return f if math.isfinite(f) else str(x)
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


@dataclass(frozen=True)
class QualificationResult:
    """The answer to "does this good originate?" (immutable).

    Attributes
    ----------
    originating
        True / False; ``None`` when the law needed is not encoded or a condition of the rule cannot
        be evaluated (the engine never guesses).
    criterion
        The origin criterion of the certificate: ``A`` wholly obtained (Art. 4.2(a)), ``B``
        product-specific rule (4.2(b)), ``C`` exclusively from originating materials (4.2(c)),
        ``D`` parts exception (4.2(d)), ``E`` US statute, Table 2.10.1 goods imported from a
        USMCA country; ``None`` when not originating.
    rule
        The rule applied: source (inline, automotive, library), alternatives, reference, the
        alternative satisfied.
    rvc
        ``{"method", "value", "threshold"}`` of the decisive (or best) RVC test, unrounded.
    trace
        Every step with its legal reference.
    content_by_country
        Value of the materials by country of origin of the underlying inputs (traced through
        originating sub-assemblies), a ledger separate from the legal VNM, plus the producer's
        own value under the labelled key ``producer:<produced_in>`` (good's value minus all
        materials) so that the ledger sums to the good's value (adjusted TV, else total cost).
    to_qualify
        The cheapest set of materials to source as originating per alternative, when failing.
    averaging
        With a net-cost averaging election (UR s. 7(15)): the sums and RVC of every period.
    missing
        The facts whose absence left the answer undetermined (``good.costs``,
        ``materials[2].hs``, ``materials[0].supplier_statement.amount``...); empty otherwise.

    The JSON document carries ``status`` (``originating``, ``not_originating`` or
    ``undetermined``) beside ``originating`` (true, false or null: null exactly when undetermined)
    and ``missing``. Undetermined is an answer, not an error: the command exits 0.
    """

    originating: bool | None
    criterion: Criterion | None
    rule: Mapping[str, Any] | None
    rvc: Mapping[str, Any] | None
    trace: tuple[TraceStep, ...]
    content_by_country: Mapping[str, Decimal]
    to_qualify: tuple[Mapping[str, Any], ...] = ()
    good: Mapping[str, Any] = field(default_factory=dict)
    date: str = ""
    vnm: Mapping[str, Decimal] = field(default_factory=dict)
    margins: tuple[Mapping[str, Any], ...] = ()
    reform: Mapping[str, Any] | None = None
    source: str = ""
    averaging: tuple[Mapping[str, Any], ...] | None = None
    missing: tuple[str, ...] = ()

    @property
    def status(self) -> Status:
        """``originating``, ``not_originating`` or ``undetermined``."""
        return {True: "originating", False: "not_originating", None: "undetermined"}[self.originating]  # type: ignore[return-value]

    def __post_init__(self) -> None:
        object.__setattr__(self, "content_by_country", MappingProxyType(dict(self.content_by_country)))

    def to_frame(self) -> Any:
        """This determination as a one-row pandas DataFrame of floats (:mod:`usmca.frames`)."""
        from usmca.frames import result_frame

        return result_frame(self)

    def to_frames(self) -> Any:
        """Summary, trace and content by country as pandas DataFrames (:mod:`usmca.frames`)."""
        from usmca.frames import result_frames

        return result_frames(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of the command line (plain types; Decimals as numbers)."""
        rvc = None
        if self.rvc is not None:
            rvc = {k: _num(v) for k, v in self.rvc.items()}
            if isinstance(self.rvc.get("value"), Decimal):
                rvc["value_exact"] = str(self.rvc["value"])
        out: dict[str, Any] = {
            "originating": self.originating,
            "status": self.status,
            "missing": list(self.missing),
            "criterion": self.criterion,
            "rule": _plain(self.rule),
            "rvc": rvc,
            "trace": [s.to_dict() for s in self.trace],
            "content_by_country": {k: _num(v) for k, v in sorted(self.content_by_country.items())},
            "to_qualify": _plain(list(self.to_qualify)),
            "good": _plain(self.good),
            "date": self.date,
            "vnm": {k: _num(v) for k, v in self.vnm.items()},
            "margins": _plain(list(self.margins)),
        }
        if self.reform is not None:
            out["reform"] = _plain(self.reform)
        if self.averaging is not None:
            out["averaging"] = _plain(list(self.averaging))
        if self.source:
            out["source"] = self.source
        return out


def _plain(x: Any) -> Any:
    if isinstance(x, Mapping):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return _num(x)
