"""Material lines: legal status, value of non-originating materials, accumulation, ledger.

For each material used in the production of a good this module settles

* its role: packing for shipment (disregarded, Art. 4.16; UR s. 8(17)); indirect material
  (originating, Art. 4.9; UR s. 8(13)); accessory or retail packaging (out of the tariff shift and
  de minimis, counted in RVC, Art. 4.14-4.15; UR s. 8(14)-(15), (23)-(25)); ordinary material;
* its status: declared, wholly obtained (Art. 4.3), recovered in a remanufactured good
  (Art. 4.4), drawn from commingled fungible stock (Art. 4.13, by the inventory method), or
  determined from its own BOM when self-produced (roll-up);
* its contribution to the value of non-originating materials (VNM, Art. 4.6-4.7; UR s. 7(4)-(5),
  s. 8(1)-(3)):

  - originating material acquired from another producer: 0 (UR s. 7(4)(a));
  - self-produced material designated intermediate and originating: 0 (Art. 4.8; s. 7(4)(b));
  - self-produced material not designated: the VNM of its own production (s. 7(5)(a));
  - non-originating material: its value less the Art. 4.7 deductions backed by documentary
    evidence (s. 8(2)-(3)), or the figure of a producer statement (Art. 4.11; s. 9(2)-(5)):
    ``nc_vnm`` -> VNM = statement VNM and NC += statement NC + s. 8(2)(a)-(c) costs - value;
    ``amount`` (NC only) -> VNM = value - amount; ``tv_vnm`` (TV only) -> VNM = statement VNM;

* the content-by-country ledger: the value of the inputs by country of origin, traced through
  sub-assemblies whether or not they are legally rolled up (the residual value added of a
  sub-assembly is assigned to the country where it was produced).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Callable

from usmca.errors import UserInputError

from .bom import WHOLLY_OBTAINED, Material
from .context import P
from .deminimis import Failing
from .fungible import Receipt, Withdrawal, allocate
from .result import Trace
from .rules import Alternative, parse_rule, shift_test

if TYPE_CHECKING:
    from .determine import NodeResult

__all__ = ["Line", "evaluate_lines", "shift_failures", "add_ledger"]

ZERO = Decimal(0)
UNKNOWN = "unknown"
#: The figures each kind of supplier statement gives (UR s. 9(2)-(5)).
_STATEMENT_FIGURES = {"nc_vnm": ("net_cost", "vnm"), "amount": ("amount",), "tv_vnm": ("vnm",)}


@dataclass
class Line:
    """One evaluated material line."""

    index: int
    path: str
    id: str
    material: Material
    role: str                          # material | accessory | indirect | packing
    originating: bool
    value: Decimal                     # Art. 4.6 value (after Art. 4.7 deductions if non-originating)
    vnm_tv: Decimal = ZERO
    vnm_nc: Decimal = ZERO
    nc_adjust: Decimal = ZERO
    self_produced: bool = False
    sub: "NodeResult | None" = None
    ledger: dict[str, Decimal] = field(default_factory=dict)
    statement_codes: tuple[str, ...] | None = None   # s. 9(7)(a)(ii) classification statement
    missing: list[str] = field(default_factory=list)  # statement figures not given (UR s. 9(2)-(5))

    @property
    def tested(self) -> bool:
        """Subject to the tariff shift and value de minimis (non-originating ordinary material)."""
        return self.role == "material" and not self.originating


def add_ledger(into: dict[str, Decimal], other: dict[str, Decimal], scale: Decimal = Decimal(1)) -> None:
    for k, v in other.items():
        into[k] = into.get(k, ZERO) + v * scale


def evaluate_lines(materials: list[Material], node_path: str, produced_in: str | None, ctx: Any,
                   trace: Trace, evaluate_node: Callable[..., "NodeResult"], remanufactured: bool = False
                   ) -> list[Line]:
    """Evaluate each material of a node (recursing into self-produced materials)."""
    out = []
    for i, m in enumerate(materials):
        path = f"{node_path}.materials[{i}]" if node_path else f"materials[{i}]"
        out.append(_line(i, m, path, produced_in, ctx, trace, evaluate_node, remanufactured))
    return out


def _line(i: int, m: Material, path: str, produced_in: str | None, ctx: Any, trace: Trace,
          evaluate_node: Callable[..., "NodeResult"], remanufactured: bool = False) -> Line:
    name = m.id or path
    value = m.material_value
    flags = set(m.flags)
    role = ("packing" if "packing_for_shipment" in flags else "indirect" if "indirect" in flags
            else "accessory" if flags & {"accessory", "retail_packaging"} else "material")
    line = Line(i, path, name, m, role, False, value)
    if role == "packing":
        trace.add(f"material {name}", "packing material for shipment: disregarded",
                  "USMCA Art. 4.16; UR s. 8(17)")
        return line
    if role == "indirect":
        line.originating = True
        line.ledger = {m.country or UNKNOWN: value}
        trace.add(f"material {name}", "indirect material: originating regardless of where produced",
                  "USMCA Art. 4.9; UR s. 8(13)")
        return line
    self_produced = m.self_produced if m.self_produced is not None else bool(m.materials)
    line.self_produced = self_produced
    sub = _own_production(line, produced_in, ctx, evaluate_node) if m.materials else None
    if m.fungible is not None and not m.materials:
        _fungible(line, ctx, trace)
        line.ledger = {m.country or UNKNOWN: value}
        return line
    _status(line, sub, remanufactured, trace)
    _vnm(line, trace)
    line.ledger = _ledger(m, value, sub, produced_in if self_produced else None)
    return line


def _own_production(line: Line, produced_in: str | None, ctx: Any,
                    evaluate_node: Callable[..., "NodeResult"]) -> "NodeResult":
    """Determine a material from its own BOM; a designated intermediate material subject to an RVC
    may not contain another one (UR s. 8(6))."""
    m, path = line.material, line.path
    sub = evaluate_node(m, path, m.country or (produced_in if line.self_produced else None))
    line.sub = sub
    if m.intermediate and line.self_produced and _rvc_subject(m, ctx):
        nested = _nested_designation(sub, ctx)
        if nested:
            raise UserInputError("BOM", f"{nested}.intermediate", True, f"may not be designated: it is subject "
                                 f"to an RVC requirement and incorporated into the designated intermediate "
                                 f"material {path}, also subject to one (UR s. 8(6))")
    return sub


def _ledger(m: Material, value: Decimal, sub: "NodeResult | None", producer: str | None) -> dict[str, Decimal]:
    """Underlying inputs by country, traced through sub-assemblies (the residual value added of a
    sub-assembly goes to the country where it was produced)."""
    if sub is None:
        return {m.country or UNKNOWN: value}
    led: dict[str, Decimal] = {}
    add_ledger(led, sub.ledger)
    residual = value - sub.materials_value
    if residual != 0:
        key = m.country or producer or UNKNOWN
        led[key] = led.get(key, ZERO) + residual
    return led


def _fungible(line: Line, ctx: Any, trace: Trace) -> None:
    """Origin and VNM of a material drawn from commingled fungible stock (Art. 4.13; UR s. 8(18))."""
    f = line.material.fungible
    assert f is not None
    allowed = ctx.law.at(P.FUNGIBLE_METHODS) if ctx.law.has(P.FUNGIBLE_METHODS) else None
    if allowed is not None and f.method not in allowed:
        raise UserInputError("BOM", f"{line.path}.fungible.method", f.method, f"not a method of {allowed}")
    try:
        events = [Receipt(Decimal(str(e["receive"][0])), Decimal(str(e["receive"][1])), e["receive"][2] == "O",
                          str(e.get("date", ""))) if "receive" in e else
                  Withdrawal(Decimal(str(e["withdraw"])), str(e.get("date", ""))) for e in f.inventory]
    except (InvalidOperation, ValueError):
        raise UserInputError("BOM", f"{line.path}.fungible.inventory", "...", "numbers expected") from None
    allocs = allocate(events, f.method)
    if f.withdrawal > len(allocs):
        raise UserInputError("BOM", f"{line.path}.fungible.withdrawal", f.withdrawal,
                             f"the inventory has {len(allocs)} withdrawals")
    a = allocs[f.withdrawal - 1]
    methods = ctx.law.cite(P.FUNGIBLE_METHODS) if ctx.law.has(P.FUNGIBLE_METHODS) else ""
    ref = f"USMCA Art. 4.13; UR s. 8(18), Schedule 8 [{methods}]"
    if a.non_originating_units == 0:
        line.originating = True
        trace.add(f"material {line.id}", f"fungible stock, {f.method}: withdrawal {f.withdrawal} of {a.quantity} units "
                  "is all originating", ref)
        return
    per_unit = a.non_originating_value / a.quantity
    line.originating = False
    line.value = line.vnm_tv = line.vnm_nc = per_unit * f.units_per_good
    trace.add(f"material {line.id}", f"fungible stock, {f.method}: withdrawal {f.withdrawal} has "
              f"{a.non_originating_units} non-originating units of {a.quantity} (value {a.non_originating_value}); "
              f"VNM per good {line.value}", ref)


def _status(line: Line, sub: "NodeResult | None", remanufactured: bool, trace: Trace) -> None:
    """The legal status of a material: recovered (Art. 4.4), wholly obtained (4.3), declared, or
    determined from its own production (UR s. 3(8), 7(21)); unknown counts as non-originating."""
    m, name = line.material, line.id
    if m.recovered and remanufactured:
        line.originating = True
        trace.add(f"material {name}", "recovered material derived in the territory, incorporated into a "
                  "remanufactured good: treated as originating", "USMCA Art. 4.4; UR s. 4(1)")
    elif m.wholly_obtained:
        line.originating = True
        trace.add(f"material {name}", f"wholly obtained ({WHOLLY_OBTAINED.get(m.wholly_obtained, m.wholly_obtained)})",
                  "USMCA Art. 4.3; UR s. 3(1)")
    elif m.origin == "originating":
        line.originating = True
        trace.add(f"material {name}", "originating (declared)", "USMCA Art. 4.2; UR s. 7(4)(a)")
        if m.recovered:
            trace.add(f"material {name}", "recovered material not used in a remanufactured good: originating only "
                      "under the general rules", "UR s. 4(2)")
    elif m.origin == "non_originating":
        line.originating = False
        trace.add(f"material {name}", "non-originating (declared)", "USMCA Art. 4.6")
    elif sub is not None:
        line.originating = sub.originating is True
        word = {True: "originating", False: "non-originating", None: "undetermined, treated as non-originating"}
        trace.add(f"material {name}", f"own production determined: {word[sub.originating]}"
                  + (f" (criterion {sub.criterion})" if sub.criterion else ""),
                  "USMCA Art. 4.2, 4.8; UR s. 3(8), s. 7(21)")
    else:
        line.originating = False
        trace.add(f"material {name}", "origin unknown: treated as non-originating", "UR s. 7(21)")


def _vnm(line: Line, trace: Trace) -> None:
    m, name = line.material, line.id
    sub = line.sub
    if line.originating and (not line.self_produced or m.intermediate or sub is None):
        if m.intermediate:
            trace.add(f"material {name}", "designated intermediate material, originating: its non-originating "
                      "inputs are not VNM", "USMCA Art. 4.8; UR s. 7(4)(b), s. 8(6)-(8)")
        return
    if line.self_produced and sub is not None and not m.intermediate:
        line.vnm_tv, line.vnm_nc = sub.vnm_tv, sub.vnm_nc
        trace.add(f"material {name}", f"self-produced, not designated intermediate: VNM of its production "
                  f"{sub.vnm_tv} (TV) / {sub.vnm_nc} (NC) counts", "UR s. 7(5)(a)")
        return
    if m.intermediate and not line.originating:
        trace.add(f"material {name}", "designated intermediate material is non-originating: its whole value is "
                  "VNM (the designation may be rescinded in a verification, UR s. 8(10): the outcome is in to_qualify)",
                  "USMCA Art. 4.8; UR s. 8(7)(a), 8(10)")
    value = line.value
    adj = m.adjustments
    if adj is not None and adj.total > 0:
        if adj.evidence:
            value = max(ZERO, value - adj.total)
            trace.add(f"material {name}", f"value {line.value} less freight, duties, brokerage, waste {adj.total} "
                      f"= {value}", "USMCA Art. 4.7; UR s. 8(2)")
        else:
            trace.add(f"material {name}", "no documentary evidence: no deduction", "UR s. 8(3)")
    line.value = value
    line.vnm_tv = line.vnm_nc = value
    if m.supplier_statement is not None:
        _statement(line, value, trace)


def _statement(line: Line, value: Decimal, trace: Trace) -> None:
    """A producer statement for accumulation (Art. 4.11; UR s. 9): the VNM and net cost it gives."""
    m, name = line.material, line.id
    st = m.supplier_statement
    assert st is not None
    if not st.signed:
        trace.add(f"material {name}", "producer statement not signed: ignored", "UR s. 9(7)(a)")
        return
    lacking = [f for f in _STATEMENT_FIGURES.get(st.type, ()) if getattr(st, f) is None]
    if lacking:
        line.missing = [f"{line.path}.supplier_statement.{f}" for f in lacking]
        trace.add(f"material {name}", f"{st.type} statement without its {' and '.join(lacking)}: not usable, the "
                  f"material counts at its value {value}", "USMCA Art. 4.11; UR s. 9(2)-(5)", None)
        return
    if st.type == "nc_vnm":
        assert st.vnm is not None and st.net_cost is not None
        line.vnm_tv = line.vnm_nc = st.vnm
        line.nc_adjust = st.net_cost + st.added_costs - value
        avg = f", averaged over {st.averaging_months} month(s)" if st.averaging_months else ""
        trace.add(f"material {name}", f"accumulation: statement NC {st.net_cost} and VNM {st.vnm}{avg}; VNM "
                  f"{value} -> {st.vnm}, net cost {'+' if line.nc_adjust >= 0 else ''}{line.nc_adjust}",
                  "USMCA Art. 4.11; UR s. 9(2)(a), 9(4)(a), 9(3)")
    elif st.type == "amount":
        assert st.amount is not None
        line.vnm_nc = max(ZERO, value - st.amount)
        trace.add(f"material {name}", f"accumulation: statement amount {st.amount}; VNM (NC method) {value} -> "
                  f"{line.vnm_nc}; not usable under the TV method", "USMCA Art. 4.11; UR s. 9(2)(b), 9(4)(b)")
    elif st.type == "tv_vnm":
        assert st.vnm is not None
        line.vnm_tv = st.vnm
        trace.add(f"material {name}", f"accumulation: statement VNM {st.vnm} (TV method); not usable under the "
                  "NC method", "USMCA Art. 4.11; UR s. 9(3), 9(5)")
    elif st.type == "tariff_classification":
        if st.produced_entirely_in_territory:
            line.statement_codes = tuple(st.non_originating_hs)
            trace.add(f"material {name}", "accumulation: classification statement, tariff shift tested on the "
                      f"supplier's non-originating inputs {list(st.non_originating_hs)}",
                      "USMCA Art. 4.11; UR s. 9(1)(c), 9(7)(a)(ii)")
        else:
            trace.add(f"material {name}", "classification statement without 'produced entirely in the territory':"
                      " not usable", "UR s. 9(7)(a)(ii)")


def _rvc_subject(m: Material, ctx: Any) -> bool:
    """Whether a material's rule (inline, else library) has an RVC requirement."""
    if m.rule is not None:
        return any(a.rvc for a in parse_rule(m.rule))
    choice = ctx.library_rule(m.hs) if m.hs else None
    return choice is not None and any(a.rvc for a in choice.alternatives)


def _nested_designation(node: "NodeResult", ctx: Any) -> str | None:
    """Path of a designated, RVC-subject self-produced material anywhere inside ``node``."""
    for ln in node.lines:
        if ln.sub is None:
            continue
        if ln.material.intermediate and ln.self_produced and _rvc_subject(ln.material, ctx):
            return ln.path
        found = _nested_designation(ln.sub, ctx)
        if found:
            return found
    return None


def shift_failures(line: Line, alt: Alternative, good: str) -> tuple[list[Failing], list[str]]:
    """The materials (or inputs) of ``line`` failing the shift of ``alt``, at the producer's best option.

    Options (the producer's choice, UR s. 3(8) and s. 9(1)(c)): test the material itself; test the
    non-originating inputs listed in a classification statement; for a self-produced material,
    test its own non-originating inputs. The option with the least failing value is kept.

    Returns
    -------
    (failing, notes)
        Failing items (empty when the line passes) and notes on undetermined tests.
    """
    m = line.material
    ok, why = shift_test(alt, good, m.hs)
    notes = [] if ok is not None else [f"{line.path}: {why}"]
    own = [] if ok else [Failing(line.path, m.hs, line.value, m.weight, m.elastomeric, m.textile_item, why,
                                  "part" in m.flags, f"{line.path}.hs" if ok is None else None)]
    options = [(own, notes)]
    if line.statement_codes is not None:
        fails, sn = [], []
        for c in line.statement_codes:
            okc, whyc = shift_test(alt, good, c)
            if okc is None:
                sn.append(f"{line.path} input {c}: {whyc}")
            if not okc:
                fails.append(Failing(line.path, c, line.value, m.weight, m.elastomeric, m.textile_item,
                                     f"supplier input {whyc}",
                                     missing=f"{line.path}.supplier_statement.non_originating_hs" if okc is None
                                     else None))
        if fails:  # the statement gives no values: the whole material fails
            fails = fails[:1]
        options.append((fails, sn))
    if line.self_produced and line.sub is not None:
        fails, sn = [], []
        for child in line.sub.lines:
            if child.tested:
                f, n = shift_failures(child, alt, good)
                fails += f
                sn += n
        options.append((fails, sn))
    return min(options, key=lambda o: (sum((f.value for f in o[0]), ZERO), len(o[0])))
