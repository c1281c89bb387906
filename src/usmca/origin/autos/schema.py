"""The ``automotive:`` mapping of a bill of materials (validated with pydantic).

.. code-block:: yaml

    automotive:
      vehicle_class: passenger_vehicle      # optional; default good.use, else read from the HS code
                                            # passenger_vehicle | light_truck | heavy_truck |
                                            # other_vehicle_s20_2 | other_vehicle_s20_3 (original
                                            # equipment of an other vehicle of s. 20(2)(a)-(g) /
                                            # (3)(a)) | aftermarket | other (not said which)
      part_description_class: body_stamping # settles a description-limited s. 13 alternative:
                                            # body_stamping, chassis_frame, chassis, radiator,
                                            # silencer_or_exhaust_pipe, transport_15_or_fewer,
                                            # transport_16_or_more, or other (none of them); the
                                            # rule reads it from good.use "<class>:<description>"
                                            # (or automotive_rule(..., description=...))
      table_g_materials: [block, head]      # ids of materials named in Table G column 2 (s. 20(4))
      new_plant:                            # s. 20(8) claim for an s. 20(2)/(3) motor vehicle
        basis: new_plant                    # new_plant (s. 20(8)(a)) | refit (s. 20(8)(b))
        first_prototype: 2024-05-01         # first motor vehicle prototype (after the refit)
        new_vehicle: true                   # class/marque (size, underbody) not produced before
        new_building: true                  # (a)(ii); new_machinery: true for (a)(iii)
        new_machinery: true
      alternative_staging: false            # approved alternative staging regime (s. 19)
      core_parts:                           # s. 14(4)-(13); Table A.2 column 1
        method: per_part                    # per_part | super_core (s. 14(10))
        vnm_basis: all_materials            # all_materials (s. 14(7)(a)) | components (s. 14(7)(b))
        parts:
          - {category: Engines, hs: "8407.34", net_cost: 3000, vnm: 600}
          - {category: Transmissions, originating: true}
      lvc:                                  # s. 18
        formula: net_cost                   # net_cost | annual_purchase
        net_cost: 30000                     # NC of the vehicle
        high_wage_material: 9000            # HWM
        high_wage_transport: 0              # s. 18(3)(c), if not already in HWM
        high_wage_labor_cost: 2500          # HWLC
        assembly_plant_hours: 100000        # direct production hours at the assembly plant
        assembly_plant_wages: 2000000       # their base wages (currency below)
        currency: USD                       # USD | CAD | MXN (rate of the plant's country)
        rd_it_wages: 400000                 # s. 18(10) numerator
        production_wages: 8000000           # s. 18(10) denominator
        assembly_credit: true               # or assembly_plant: {...} to test the definition
      steel_aluminum:                       # s. 17, Table S; purchases in the period
        steel: {originating: 7500, total: 10000, melted_and_poured: 7000}
        aluminum: {originating: 800, total: 1000}
      us_content: {value: 14000, net_cost: 30000}   # review option only

Errors name the field (``automotive.lvc.high_wage_labor_cost``) through
:class:`usmca.errors.UserInputError`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal, Mapping, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from usmca.errors import UserInputError

__all__ = ["Automotive", "parse_automotive"]

NonNeg = Field(default=None, ge=0)


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CorePart(_M):
    category: str
    hs: Optional[str] = None
    originating: Optional[bool] = None
    net_cost: Optional[Decimal] = Field(default=None, gt=0)
    vnm: Optional[Decimal] = NonNeg
    transaction_value: Optional[Decimal] = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _given(self) -> "CorePart":
        if self.vnm is not None and self.net_cost is not None and self.vnm > self.net_cost:
            raise ValueError("vnm must not exceed net_cost")
        return self


class CoreParts(_M):
    method: Literal["per_part", "super_core"] = "per_part"
    vnm_basis: Literal["all_materials", "components"] = "all_materials"
    parts: list[CorePart] = Field(default_factory=list)


class AssemblyPlant(_M):
    engines: Decimal = Field(default=Decimal(0), ge=0)
    transmissions: Decimal = Field(default=Decimal(0), ge=0)
    battery_packs: Decimal = Field(default=Decimal(0), ge=0)
    average_wage: Decimal = Field(ge=0)
    currency: Literal["USD", "CAD", "MXN"] = "USD"
    operated_by_producer: bool = False
    contract_years: Decimal = Field(default=Decimal(0), ge=0)


class Lvc(_M):
    formula: Literal["net_cost", "annual_purchase"] = "net_cost"
    net_cost: Optional[Decimal] = Field(default=None, gt=0)
    high_wage_material: Decimal = Field(default=Decimal(0), ge=0)
    high_wage_transport: Decimal = Field(default=Decimal(0), ge=0)
    high_wage_labor_cost: Decimal = Field(default=Decimal(0), ge=0)
    annual_purchase_value: Optional[Decimal] = NonNeg
    total_annual_purchase_value: Optional[Decimal] = Field(default=None, gt=0)
    include_labor_in_apv: bool = True
    assembly_plant_hours: Optional[Decimal] = Field(default=None, gt=0)
    assembly_plant_wages: Optional[Decimal] = NonNeg
    currency: Literal["USD", "CAD", "MXN"] = "USD"
    rd_it_wages: Optional[Decimal] = NonNeg
    production_wages: Optional[Decimal] = Field(default=None, gt=0)
    technology_credit: Optional[Decimal] = NonNeg
    assembly_credit: Optional[bool] = None
    assembly_plant: Optional[AssemblyPlant] = None


class Metal(_M):
    originating: Decimal = Field(ge=0)
    total: Decimal = Field(gt=0)
    melted_and_poured: Optional[Decimal] = NonNeg

    @model_validator(mode="after")
    def _le(self) -> "Metal":
        if self.originating > self.total:
            raise ValueError("originating purchases must not exceed total")
        if self.melted_and_poured is not None and self.melted_and_poured > self.originating:
            raise ValueError("melted_and_poured must not exceed originating")
        return self


class SteelAluminum(_M):
    steel: Optional[Metal] = None
    aluminum: Optional[Metal] = None


class UsContent(_M):
    value: Decimal = Field(ge=0)
    net_cost: Decimal = Field(gt=0)


class NewPlant(_M):
    basis: Literal["new_plant", "refit"]
    first_prototype: dt.date
    new_vehicle: bool = False
    new_building: bool = False
    new_machinery: bool = False


class Automotive(_M):
    vehicle_class: Optional[Literal["passenger_vehicle", "light_truck", "heavy_truck", "other_vehicle_s20_2",
                                    "other_vehicle_s20_3", "aftermarket", "other"]] = None
    part_description_class: Optional[str] = None
    table_g_materials: list[str] = Field(default_factory=list)
    new_plant: Optional[NewPlant] = None
    alternative_staging: bool = False
    core_parts: Optional[CoreParts] = None
    lvc: Optional[Lvc] = None
    steel_aluminum: Optional[SteelAluminum] = None
    us_content: Optional[UsContent] = None


def parse_automotive(raw: Mapping[str, Any] | None, source: str = "BOM") -> Automotive:
    """Validate the ``automotive`` mapping; a mistake raises UserInputError naming the field."""
    if raw is None:
        return Automotive()
    if not isinstance(raw, Mapping):
        raise UserInputError(source, "automotive", raw, "must be a mapping")
    try:
        return Automotive.model_validate(dict(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in err["loc"]).replace(".[", "[")
        field = "automotive" + (f".{where}" if where else "")
        value = err.get("input")
        reason = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        raise UserInputError(source, field, value, reason) from None
