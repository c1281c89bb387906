"""Transit and transshipment (USMCA Art. 4.18; UR s. 10): loss of originating status in transport.

An originating good transported outside the territories of the Parties keeps its status only if
(UR s. 10(1); Art. 4.18.2)

(a) it remains under customs control outside the territories (law tree
    ``usmca/ch04/transit/customs_control_required``), and
(b) it undergoes no further production or other operation there other than the permitted ones:
    unloading, reloading, separation from a bulk shipment, storing, labelling or marking required
    by the importing Party, operations necessary to transport it or to preserve it in good
    condition (law tree ``usmca/ch04/transit/permitted_operations``).

A good failing (1) is *entirely* non-originating (s. 10(2)). Subsection (1) does not apply
(s. 10(3)) to the goods of the groups of ``usmca/ch04/transit/exception_groups`` (smart cards
of 8523.52 with a single integrated circuit; semiconductors of 8541.10-8541.60 and
8542.31-8542.39; electronic microassemblies of 8543.90 and 8548.90) if the operations abroad do
not change their classification to a subheading outside the group; the description a group
also requires (``usmca/ch04/transit/exception_conditions``) is declared by the BOM.

BOM section (optional)::

    shipment:
      route:                       # legs of the transport, in order; legs in CA/MX/US are ignored
        - {country: PA, operations: [unloading, storing, reloading], customs_control: true}
        - {country: SG, operations: [testing], hs_after: 8542.31}   # classification after the leg
      exception_condition_met: true                                  # e.g. single integrated circuit
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from usmca.hs import HsSet, dotted, normalize_optional

from .context import PARTIES
from .result import Trace

__all__ = ["Leg", "Shipment", "check_transit", "P_OPERATIONS", "P_CUSTOMS", "P_GROUPS", "P_CONDITIONS"]

P_OPERATIONS = "usmca/ch04/transit/permitted_operations"
P_CUSTOMS = "usmca/ch04/transit/customs_control_required"
P_GROUPS = "usmca/ch04/transit/exception_groups"
P_CONDITIONS = "usmca/ch04/transit/exception_conditions"
REF = "USMCA Art. 4.18; UR s. 10"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Leg(_Model):
    """One stage of the transport of the good: a country and what happened to the good there."""

    country: str
    operations: list[str] = Field(default_factory=list)
    customs_control: Optional[bool] = None
    hs_after: Optional[str] = None

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, v: Any) -> Any:
        if not isinstance(v, str) or len(v.strip()) != 2 or not v.strip().isalpha():
            raise ValueError("must be an ISO 3166-1 alpha-2 country code such as PA")
        return v.strip().upper()

    @field_validator("operations", mode="before")
    @classmethod
    def _ops(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [v]
        if isinstance(v, list):
            return [str(x).strip().lower().replace(" ", "_").replace("-", "_") for x in v]
        return v

    @field_validator("hs_after", mode="before")
    @classmethod
    def _hs(cls, v: Any) -> Any:
        return normalize_optional(v)


class Shipment(_Model):
    """The route of the good to the importing Party (Art. 4.18)."""

    route: list[Leg] = Field(default_factory=list)
    exception_condition_met: Optional[bool] = None


def _exception(shipment: Shipment, hs: str, outside: list[Leg], ctx: Any, trace: Trace) -> bool:
    """Whether s. 10(3) disapplies s. 10(1) for this good and route."""
    if not ctx.law.has(P_GROUPS):
        return False
    groups = ctx.law.at(P_GROUPS) or {}
    conditions = (ctx.law.at(P_CONDITIONS) or {}) if ctx.law.has(P_CONDITIONS) else {}
    for name, codes in groups.items():
        group = HsSet.parse(codes)
        if group.contains(hs) is not True:
            continue
        cite = ctx.law.cite(P_GROUPS)
        cond = conditions.get(name)
        if cond and shipment.exception_condition_met is not True:
            word = "not declared" if shipment.exception_condition_met is None else "declared not met"
            trace.add("transit exception", f"{dotted(hs)} is in the {name} group, but the condition '{cond}' is "
                      f"{word}: s. 10(1) applies", f"{cite}; {ctx.law.cite(P_CONDITIONS)}")
            return False
        moved = [leg for leg in outside if leg.hs_after is not None and group.contains(leg.hs_after) is not True]
        if moved:
            trace.add("transit exception", f"{dotted(hs)} ({name} group): reclassified abroad to "
                      f"{dotted(moved[0].hs_after or '')} outside the group {group}: s. 10(1) applies", cite)
            return False
        trace.add("transit exception", f"{dotted(hs)} ({name} group {group}): operations abroad keep it in the "
                  "group: the transit conditions do not apply", cite, True)
        return True
    return False


def check_transit(shipment: Shipment, hs: str | None, ctx: Any, trace: Trace) -> bool | None:
    """Whether an originating good keeps its status through its transport (Art. 4.18; UR s. 10).

    Parameters
    ----------
    shipment
        The route (legs outside CA, MX and US are tested).
    hs
        The good's HS code (digits), for the exceptions of s. 10(3).
    ctx
        The :class:`usmca.origin.context.Context`.
    trace
        One step per leg tested, with its reference.

    Returns
    -------
    bool or None
        True: status kept; False: the good is entirely non-originating (s. 10(2)); None: the
        customs control of a leg is not stated.
    """
    outside = [leg for leg in shipment.route if leg.country not in PARTIES]
    if not outside:
        trace.add("transit", "transported without leaving the territories of the Parties", REF, True)
        return True
    if hs is not None and _exception(shipment, hs, outside, ctx, trace):
        return True
    permitted = set(ctx.law.at(P_OPERATIONS) or [])
    need_control = bool(ctx.law.get(P_CUSTOMS, True))
    cite_ops, cite_cc = ctx.law.cite(P_OPERATIONS), ctx.law.cite(P_CUSTOMS)
    verdict: bool | None = True
    for i, leg in enumerate(shipment.route):
        if leg.country in PARTIES:
            continue
        kept = _leg(f"transit leg {i + 1} ({leg.country})", leg, hs, permitted, need_control, (cite_ops, cite_cc),
                    trace)
        if kept is False:
            verdict = False
        elif kept is None and verdict is True:
            verdict = None
    return verdict


def _leg(step: str, leg: Any, hs: str | None, permitted: set[str], need_control: bool, cites: tuple[str, str],
         trace: Trace) -> bool | None:
    """One leg outside the territories: permitted operations only, no further production, under
    customs control (UR s. 10(1)); None when the control is not stated."""
    cite_ops, cite_cc = cites
    kept: bool | None = True
    bad = [op for op in leg.operations if op not in permitted]
    if bad:
        trace.add(step, f"operations {bad} are not among the permitted ones (unloading, reloading, separation "
                  "from bulk, storing, required labelling, transport and preservation operations)", cite_ops, False)
        kept = False
    if hs is not None and leg.hs_after is not None and leg.hs_after[:6] != hs[:6]:
        trace.add(step, f"classification changed abroad {dotted(hs)} -> {dotted(leg.hs_after)}: further "
                  "production outside the territories", cite_ops, False)
        kept = False
    if need_control and leg.customs_control is False:
        trace.add(step, "left customs control outside the territories", cite_cc, False)
        kept = False
    elif need_control and leg.customs_control is None:
        trace.add(step, "customs control outside the territories not stated", cite_cc, None)
        if kept is True:
            kept = None
    if not bad and leg.customs_control is not False and (leg.hs_after is None or hs is None
                                                         or leg.hs_after[:6] == hs[:6]):
        ops = ", ".join(leg.operations) or "no operation"
        trace.add(step, f"{ops}: permitted", cite_ops, True if leg.customs_control or not need_control else None)
    return kept
