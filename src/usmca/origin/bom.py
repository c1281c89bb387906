"""The bill-of-materials format (DESIGN.md) and its schema.

A BOM is YAML or JSON with a ``good`` and its ``materials``; a material may carry its own
``materials`` (a self-produced material, rolled up under USMCA Art. 4.5/4.8, UR s. 7(4)-(5)).
Validation is done by pydantic models; any error becomes one
:class:`usmca.errors.UserInputError` naming the file and the path (``materials[3].value``).

Amounts are exact decimals (``decimal.Decimal``). Several BOMs may sit in one file: a YAML list,
a mapping ``{boms: [...]}``, or several YAML documents separated by ``---``.

Fields beyond DESIGN.md (all optional):

* good: ``id``; ``wholly_obtained`` (Art. 4.3 category: mineral, plant, ..., or a-k); ``set`` (a
  GRI 3 set, Art. 4.17); ``unassembled_gri2a`` (Art. 4.2(d)); ``remanufactured`` (Art. 4.4);
  ``imported_from`` (criterion E); ``importing_country`` (the USMCA country the good is imported into: with
  ``produced_in`` it selects a party-specific rule of Annex 4-B, e.g. 1517.10 between Canada and the United
  States; absent, the general rule applies as before); ``weight`` / ``component_weight`` (textile de minimis by
  weight, Art. 4.12.3); ``method: best`` (default: the producer's best allowed method).
* material: ``flags`` also ``part`` (a part of the good under the HS, for Art. 4.2(d));
  ``self_produced``; ``rule``, ``transaction_value``, ``costs`` (a sub-assembly's own data);
  ``adjustments`` {freight, duties, brokerage, waste, evidence} (Art. 4.7); ``wholly_obtained``;
  ``recovered`` (Art. 4.4); ``weight``, ``elastomeric``, ``component``, ``textile_item``
  (sewing_thread | narrow_elastic | pocket_bag) for textiles; ``supplier_statement`` of type
  ``nc_vnm`` {net_cost, vnm, added_costs, averaging_months}, ``amount`` {amount}, ``tv_vnm``
  {vnm}, ``tariff_classification`` {non_originating_hs, produced_entirely_in_territory};
  ``fungible`` {method: FIFO|LIFO|average, inventory, withdrawal, units_per_good} (Art. 4.13).
* bom: ``shipment`` (:mod:`.transit`, Art. 4.18) and ``averaging`` (:mod:`.averaging`, UR s. 7(15)).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Mapping, Optional, Union

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from usmca.errors import UserInputError
from usmca.hs import normalize_optional
from usmca.law.countries import is_country
from usmca.law.userfile import check_expansion, read_user_text
from usmca.law.values import load_yaml_all

from .averaging import Averaging
from .rules import parse_rule
from .transit import Shipment

__all__ = ["Bom", "Good", "Material", "Costs", "SupplierStatement", "load_bom", "load_boms", "parse_bom",
           "MATERIAL_FLAGS", "WHOLLY_OBTAINED"]

MATERIAL_FLAGS = ("indirect", "accessory", "retail_packaging", "packing_for_shipment", "part")
#: Categories of wholly obtained goods, USMCA Art. 4.3 (a)-(k); UR s. 3(1)(a)-(k).
WHOLLY_OBTAINED = {
    "mineral": "a", "plant": "b", "live_animal": "c", "from_live_animal": "d", "hunting_fishing": "e",
    "aquaculture": "f", "sea_fishing": "g", "factory_ship": "h", "seabed": "i", "waste_scrap": "j",
    "exclusively_wholly_obtained": "k",
}
EXCLUDED_COSTS = ("sales_promotion", "royalties", "shipping_packing", "non_allowable_interest")
Money = Decimal
#: Sanity bound on amounts and weights (not a legal figure): beyond it a BOM is surely mistyped and
#: percentages would overflow the float64 of the JSON output.
MAX_AMOUNT = Decimal("1e15")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


_hs = normalize_optional


def _country(v: Any) -> Optional[str]:
    if v is None:
        return None
    if not isinstance(v, str) or not is_country(v):
        raise ValueError("must be an ISO 3166-1 alpha-2 country code such as MX")
    return v.strip().upper()


def _money(v: Any) -> Any:
    if isinstance(v, bool):
        raise ValueError("must be a number")
    if isinstance(v, float):
        return Decimal(repr(v))
    return v


class Costs(_Model):
    """Cost inputs of the net-cost method (Art. 4.5.3; UR s. 7(3), (11)-(13))."""

    total_cost: Money = Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    excluded: dict[Literal["sales_promotion", "royalties", "shipping_packing", "non_allowable_interest"],
                   Money] = Field(default_factory=dict)

    _m = field_validator("total_cost", mode="before")(_money)

    @field_validator("excluded", mode="before")
    @classmethod
    def _ex(cls, v: Any) -> Any:
        if isinstance(v, Mapping):
            out = {}
            for k, x in v.items():
                x = _money(x)
                if x is None:
                    continue
                out[k] = x
            return out
        return v

    @field_validator("excluded")
    @classmethod
    def _nonneg(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        for k, x in v.items():
            if not x.is_finite() or x < 0:
                raise ValueError(f"excluded.{k} must be >= 0")
        return v

    @model_validator(mode="after")
    def _le(self) -> "Costs":
        if sum(self.excluded.values(), Decimal(0)) > self.total_cost:
            raise ValueError("excluded costs exceed total_cost")
        return self

    @property
    def net_cost(self) -> Decimal:
        return self.total_cost - sum(self.excluded.values(), Decimal(0))


class SupplierStatement(_Model):
    """A producer statement for accumulation (Art. 4.11; UR s. 9(2)-(5), 9(7)(a)(ii)).

    ``type``: ``nc_vnm`` (s. 9(2)(a); averaged, s. 9(4)(a)), ``amount`` (s. 9(2)(b), 9(4)(b)),
    ``tv_vnm`` (s. 9(3), 9(5)), ``tariff_classification`` (s. 9(7)(a)(ii)).
    """

    type: Literal["nc_vnm", "amount", "tv_vnm", "tariff_classification"]
    net_cost: Optional[Money] = Field(default=None, ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    vnm: Optional[Money] = Field(default=None, ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    amount: Optional[Money] = Field(default=None, ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    added_costs: Money = Field(default=Decimal(0), ge=0, le=MAX_AMOUNT, allow_inf_nan=False)  # UR s. 8(2)(a)-(c) costs
    averaging_months: Optional[Literal[1, 3, 6, 12]] = None
    non_originating_hs: list[str] = Field(default_factory=list)
    produced_entirely_in_territory: Optional[bool] = None
    signed: bool = True
    producer: Optional[str] = None

    _m = field_validator("net_cost", "vnm", "amount", "added_costs", mode="before")(_money)

    @field_validator("non_originating_hs", mode="before")
    @classmethod
    def _codes(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [_hs(x) for x in v]
        return v

    @model_validator(mode="after")
    def _fields(self) -> "SupplierStatement":
        # A statement's figures may be missing (the supplier has not sent them yet): the material
        # then counts at its value and a failing RVC is undetermined (usmca.origin.lines).
        if self.type == "nc_vnm" and self.vnm is not None and self.net_cost is not None and self.vnm > self.net_cost:
            raise ValueError("vnm exceeds net_cost")
        return self


class Adjustments(_Model):
    """Deductions from the value of a non-originating material (Art. 4.7; UR s. 8(2)-(3))."""

    freight: Money = Field(default=Decimal(0), ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    duties: Money = Field(default=Decimal(0), ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    brokerage: Money = Field(default=Decimal(0), ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    waste: Money = Field(default=Decimal(0), ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    evidence: bool = False

    _m = field_validator("freight", "duties", "brokerage", "waste", mode="before")(_money)

    @property
    def total(self) -> Decimal:
        return self.freight + self.duties + self.brokerage + self.waste


class Fungible(_Model):
    """A material drawn from an inventory of commingled fungible materials (Art. 4.13; UR s. 8(18)).

    ``inventory``: receipts ``{receive: [units, unit_cost, O|N]}`` and withdrawals
    ``{withdraw: units}`` in order; ``withdrawal``: the (1-based) withdrawal that fed this
    production; ``units_per_good``: units of the material in one good.
    """

    method: Literal["FIFO", "LIFO", "average"]
    inventory: list[dict[str, Any]]
    withdrawal: int = Field(ge=1)
    units_per_good: Money = Field(default=Decimal(1), gt=0, le=MAX_AMOUNT, allow_inf_nan=False)

    _m = field_validator("units_per_good", mode="before")(_money)

    @field_validator("inventory")
    @classmethod
    def _events(cls, v: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for i, e in enumerate(v):
            if set(e) - {"receive", "withdraw", "date"} or ("receive" in e) == ("withdraw" in e):
                raise ValueError(f"inventory[{i}] must have either receive: [units, unit_cost, O|N] or withdraw")
            if "receive" in e:
                r = e["receive"]
                if not (isinstance(r, list) and len(r) == 3 and r[2] in ("O", "N")):
                    raise ValueError(f"inventory[{i}].receive must be [units, unit_cost, O|N]")
                for x in r[:2]:
                    if isinstance(x, bool) or not isinstance(x, (int, float, str)) or Decimal(str(x)) < 0:
                        raise ValueError(f"inventory[{i}].receive: units and cost must be numbers >= 0")
            else:
                w = e["withdraw"]
                if isinstance(w, bool) or not isinstance(w, (int, float, str)) or Decimal(str(w)) <= 0:
                    raise ValueError(f"inventory[{i}].withdraw must be a number > 0")
        return v


class Material(_Model):
    """One line of the BOM (a material used in the production of the good)."""

    id: Optional[str] = None
    description: str = ""
    hs: Optional[str] = None
    value: Optional[Money] = Field(default=None, ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    origin: Optional[Literal["originating", "non_originating", "unknown"]] = None
    country: Optional[str] = None
    flags: list[Literal["indirect", "accessory", "retail_packaging", "packing_for_shipment", "part"]] = Field(
        default_factory=list)
    supplier_statement: Optional[SupplierStatement] = None
    materials: list["Material"] = Field(default_factory=list)
    intermediate: bool = False
    self_produced: Optional[bool] = None
    rule: Optional[list[dict[str, Any]]] = None
    transaction_value: Optional[Money] = Field(default=None, ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    costs: Optional[Costs] = None
    adjustments: Optional[Adjustments] = None
    wholly_obtained: Optional[str] = None
    weight: Optional[Money] = Field(default=None, ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    elastomeric: bool = False
    component: Optional[bool] = None
    textile_item: Optional[Literal["sewing_thread", "narrow_elastic", "pocket_bag"]] = None
    recovered: bool = False        # recovered material derived in the territory (Art. 4.4; UR s. 4(1))
    fungible: Optional[Fungible] = None

    _m = field_validator("value", "transaction_value", "weight", mode="before")(_money)
    _h = field_validator("hs", mode="before")(_hs)
    _c = field_validator("country", mode="before")(_country)

    @field_validator("rule", mode="before")
    @classmethod
    def _rule(cls, v: Any) -> Any:
        return [v] if isinstance(v, Mapping) else v

    @field_validator("wholly_obtained")
    @classmethod
    def _wo(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and v not in WHOLLY_OBTAINED and v not in WHOLLY_OBTAINED.values():
            raise ValueError(f"must be one of {', '.join(WHOLLY_OBTAINED)}")
        return v

    @model_validator(mode="after")
    def _value(self) -> "Material":
        if self.value is None and self.costs is None:
            raise ValueError("a material needs a value (or costs for a self-produced material)")
        return self

    @property
    def material_value(self) -> Decimal:
        """Value of the material (Art. 4.6): the given value, else its total cost (UR s. 8(1)(c))."""
        if self.value is not None:
            return self.value
        assert self.costs is not None
        return self.costs.total_cost


class Good(_Model):
    """The good whose origin is determined."""

    description: str = ""
    hs: str
    produced_in: str
    date: Optional[dt.date] = None
    use: Optional[str] = None
    method: Literal["TV", "NC", "best"] = "best"
    transaction_value: Optional[Money] = Field(default=None, gt=0, le=MAX_AMOUNT, allow_inf_nan=False)
    international_shipping: Money = Field(default=Decimal(0), ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    costs: Optional[Costs] = None
    rule: Optional[list[dict[str, Any]]] = None
    wholly_obtained: Optional[str] = None
    set: bool = False
    unassembled_gri2a: bool = False
    remanufactured: bool = False   # a remanufactured good (Art. 4.1 definition; Art. 4.4)
    imported_from: Optional[str] = None
    importing_country: Optional[str] = None   # the party the good is imported into (party-specific rules)
    weight: Optional[Money] = Field(default=None, gt=0, le=MAX_AMOUNT, allow_inf_nan=False)
    component_weight: Optional[Money] = Field(default=None, gt=0, le=MAX_AMOUNT, allow_inf_nan=False)
    id: Optional[str] = None

    _m = field_validator("transaction_value", "international_shipping", "weight", "component_weight",
                         mode="before")(_money)
    _h = field_validator("hs", mode="before")(_hs)
    _c = field_validator("produced_in", "imported_from", "importing_country", mode="before")(_country)
    _r = field_validator("rule", mode="before")(Material._rule.__func__)  # type: ignore[attr-defined]
    _w = field_validator("wholly_obtained")(Material._wo.__func__)  # type: ignore[attr-defined]

    @field_validator("method", mode="before")
    @classmethod
    def _method(cls, v: Any) -> Any:
        return v.upper() if isinstance(v, str) and v.lower() != "best" else (v.lower() if isinstance(v, str) else v)

    @model_validator(mode="after")
    def _tv(self) -> "Good":
        if self.transaction_value is not None and self.international_shipping >= self.transaction_value:
            raise ValueError("international_shipping must be below transaction_value")
        return self


class Bom(_Model):
    """A bill of materials: the good, its materials, and optional automotive data (passed through)."""

    good: Good
    materials: list[Material] = Field(default_factory=list)
    automotive: Optional[dict[str, Any]] = None
    shipment: Optional[Shipment] = None          # route outside the territories (Art. 4.18; UR s. 10)
    averaging: Optional[Averaging] = None        # net-cost averaging election (UR s. 7(15)-(20))
    source: str = Field(default="<bom>", exclude=True)


Material.model_rebuild()

_MESSAGES = {
    "greater_than_equal": lambda c: f"must be >= {c.get('ge')}",
    "greater_than": lambda c: f"must be > {c.get('gt')}",
    "less_than_equal": lambda c: f"must be <= {c.get('le')}",
    "missing": lambda c: "required field is missing",
    "extra_forbidden": lambda c: "unknown field",
    "literal_error": lambda c: f"must be one of {c.get('expected')}",
    "decimal_parsing": lambda c: "must be a number",
    "decimal_type": lambda c: "must be a number",
    "finite_number": lambda c: "must be a finite number",
    "date_from_datetime_parsing": lambda c: "not a date (expected YYYY-MM-DD)",
    "date_parsing": lambda c: "not a date (expected YYYY-MM-DD)",
    "date_type": lambda c: "not a date (expected YYYY-MM-DD)",
    "list_type": lambda c: "must be a list",
    "dict_type": lambda c: "must be a mapping",
    "model_type": lambda c: "must be a mapping",
    "string_type": lambda c: "must be a text",
    "bool_type": lambda c: "must be true or false",
    "bool_parsing": lambda c: "must be true or false",
}


def _loc(loc: tuple[Any, ...]) -> str:
    if len(loc) > 16:  # a very deep sub-assembly chain: name its two ends and its depth
        return f"{_loc(loc[:4])}...({len(loc)} levels)...{_loc(loc[-2:])}"
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith("function-") or str(part) in ("literal[...]", "[key]"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def _user_error(exc: ValidationError, source: str, prefix: str = "") -> UserInputError:
    err = exc.errors(include_url=False)[0]
    typ = err.get("type", "")
    ctx = err.get("ctx") or {}
    if typ in _MESSAGES:
        reason = _MESSAGES[typ](ctx)
    else:
        reason = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    field = _loc(tuple(err.get("loc", ())))
    field = f"{prefix}{field}" if field else prefix.rstrip(".")
    value = err.get("input")
    if isinstance(value, (dict, list)) and typ not in ("missing",):
        value = type(value).__name__
    if typ == "missing":
        value = None
    return UserInputError(source, field, value, reason)


def parse_bom(raw: Any, source: str = "<bom>", prefix: str = "") -> Bom:
    """Validate one BOM mapping; raise :class:`UserInputError` naming ``source`` and the path."""
    if not isinstance(raw, Mapping):
        raise UserInputError(source, prefix.rstrip("."), type(raw).__name__, "a BOM is a mapping with good and materials")
    try:
        bom = Bom.model_validate({k: v for k, v in raw.items() if k != "source"})
    except ValidationError as exc:
        raise _user_error(exc, source, prefix) from None
    except RecursionError:
        raise UserInputError(source, prefix.rstrip("."), "...", "BOM nested too deeply") from None
    if bom.good.rule is not None:
        parse_rule(bom.good.rule, source, f"{prefix}good.rule")
    _check_rules(bom.materials, source, prefix)
    from .psr.nomenclature import check_bom  # HS codes must exist on the BOM's date (issue 16)

    check_bom(bom, source, prefix)
    return bom.model_copy(update={"source": source})


def _check_rules(materials: list[Material], source: str, prefix: str) -> None:
    """Validate the inline rules of materials (errors name ``materials[2].rule[0].shift``)."""
    for i, m in enumerate(materials):
        if m.rule is not None:
            parse_rule(m.rule, source, f"{prefix}materials[{i}].rule")
        _check_rules(m.materials, source, f"{prefix}materials[{i}].")


def _read(path: Path) -> list[Any]:
    name = str(path)
    text = read_user_text(path, "BOM file")
    try:
        if path.suffix.lower() == ".json":
            docs = [json.loads(text)]
        else:
            docs = [d for d in load_yaml_all(text) if d is not None]
    except RecursionError:
        raise UserInputError(name, "", path.name, "the BOM file nests too deeply") from None
    except (yaml.YAMLError, json.JSONDecodeError, ValueError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f"line {line + 1}" if line is not None else ""
        raise UserInputError(name, where, path.name, "not valid YAML/JSON") from None
    if not docs:
        raise UserInputError(name, "", name, "the file is empty")
    check_expansion(docs, name)
    return docs


def load_boms(path: str | Path) -> list[Bom]:
    """All BOMs of a file (one BOM, a list, ``{boms: [...]}`` or several YAML documents)."""
    p = Path(path)
    docs = _read(p)
    items: list[tuple[Any, str]] = []
    for di, doc in enumerate(docs):
        pre = f"[{di}]." if len(docs) > 1 else ""
        if isinstance(doc, list):
            items += [(x, f"{pre}[{i}].") for i, x in enumerate(doc)]
        elif isinstance(doc, Mapping) and "boms" in doc and "good" not in doc:
            lst = doc["boms"]
            if not isinstance(lst, list):
                raise UserInputError(str(p), f"{pre}boms", type(lst).__name__, "must be a list of BOMs")
            items += [(x, f"{pre}boms[{i}].") for i, x in enumerate(lst)]
        else:
            items.append((doc, pre))
    if not items:
        raise UserInputError(str(p), "", p.name, "no BOM in the file")
    return [parse_bom(x, str(p), pre) for x, pre in items]


def load_bom(path: str | Path) -> Bom:
    """The single BOM of a file; a file holding several BOMs is an error (use :func:`load_boms`)."""
    boms = load_boms(path)
    if len(boms) != 1:
        raise UserInputError(str(path), "", f"{len(boms)} BOMs", "expected one BOM (use portfolio mode)")
    return boms[0]


def as_bom(bom: "str | Path | Mapping[str, Any] | Bom") -> Bom:
    """A :class:`Bom` from a path, a mapping or a Bom."""
    if isinstance(bom, Bom):
        return bom
    if isinstance(bom, (str, Path)):
        return load_bom(bom)
    if isinstance(bom, Mapping):
        return parse_bom(bom)
    raise UserInputError("<bom>", "", type(bom).__name__, "a BOM is a path, a mapping or a Bom")


AnyBom = Union[str, Path, Mapping[str, Any], Bom]
