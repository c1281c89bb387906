"""Vehicle classes of the Automotive Appendix (SOR/2020-155 s. 12 definitions; s. 20(2)-(3)).

The BOM names the class of vehicle a good is, or is for, in ``good.use`` (or
``automotive.vehicle_class``):

- ``passenger_vehicle``, ``light_truck``: ss. 13-14, 17-18;
- ``heavy_truck``: ss. 13, 15, 17-18;
- ``other_vehicle_s20_2``: a motor vehicle of s. 20(2)(a)-(g) (buses for 15 or fewer persons,
  diesel passenger vehicles, three/four-wheeled motorcycles, motorhomes, ambulances, off-road
  vehicles of 8703, 8704.21, 8704.31), or a good for use as original equipment in one;
- ``other_vehicle_s20_3``: a motor vehicle of s. 20(3)(a) (tractors of 87.01 other than
  8701.20, buses for 16 or more persons, 8704.10 dumpers, off-road heavy trucks, 87.05, 87.06
  chassis for other vehicles), or a good for use as original equipment in one;
- ``aftermarket``: an aftermarket part (the s. 13 alternatives "for any other vehicle or as an
  aftermarket part"; the s. 20 overrides do not apply);
- ``other``: another vehicle, not said which, or an aftermarket part (the conditions that depend
  on which are reported as ``unsupported``, never guessed).

A description qualifier may follow a colon, ``passenger_vehicle:body_stamping``, to settle a
description-limited s. 13 alternative (see :mod:`usmca.origin.autos.descriptions`).
Passenger vehicles and light trucks share one regime, heavy trucks another, the other classes
the ``other`` rows of s. 13 (with the s. 20 overrides).
"""

from __future__ import annotations

from usmca.errors import UserInputError

from .law import AutoLaw

__all__ = ["USES", "S20_USES", "regime", "split_use", "vehicle_use"]

#: Accepted values of ``good.use`` (names, not legal numbers).
USES = ("passenger_vehicle", "light_truck", "heavy_truck", "other_vehicle_s20_2", "other_vehicle_s20_3",
        "aftermarket", "other")

#: Uses naming an "other vehicle" of s. 20(2)(a)-(g) or s. 20(3)(a).
S20_USES = ("other_vehicle_s20_2", "other_vehicle_s20_3")

_REGIME = {"passenger_vehicle": "passenger_light_truck", "light_truck": "passenger_light_truck",
           "heavy_truck": "heavy_truck", "other": "other", "aftermarket": "other",
           "other_vehicle_s20_2": "other", "other_vehicle_s20_3": "other"}


def split_use(use: str | None, source: str = "BOM", field: str = "good.use") -> tuple[str | None, str | None]:
    """``"passenger_vehicle:body_stamping"`` -> ``("passenger_vehicle", "body_stamping")``.

    The class is validated against :data:`USES`; the description is returned as given (lower
    case) and validated by the rule that uses it.

    Raises
    ------
    UserInputError
        When the class is not one of :data:`USES`.
    """
    if use is None:
        return None, None
    cls, _, desc = str(use).strip().lower().partition(":")
    cls, desc = cls.strip(), desc.strip()
    if cls == "" and desc:
        cls_out = None
    else:
        if cls not in _REGIME:
            raise UserInputError(source, field, use, f"must be one of {', '.join(USES)} "
                                 "(optionally followed by ':<description class>')")
        cls_out = cls
    return cls_out, (desc or None)


def regime(use: str | None, source: str = "BOM", field: str = "good.use") -> str:
    """The regime of a use: ``passenger_light_truck``, ``heavy_truck`` or ``other``.

    ``None`` (no vehicle named) reads as ``other``: the s. 13 alternatives "for any other vehicle
    or as an aftermarket part".

    Raises
    ------
    UserInputError
        When ``use`` is not one of :data:`USES`.
    """
    cls, _ = split_use(use, source, field)
    return "other" if cls is None else _REGIME[cls]


def vehicle_use(law: AutoLaw, digits: str, use: str | None) -> str | None:
    """The class of the good itself when it is a passenger vehicle, light truck or heavy truck.

    The s. 12 definitions are HS scopes with exclusions (diesel, motorcycles, off-road, ...);
    ``use`` names the class, and another class (or an HS code outside the scope) gives ``None``.
    Without ``use`` the class is read from the HS scope alone.
    """
    cls, _ = split_use(use)
    scopes = (("passenger_vehicle", "definitions/passenger_vehicle_hs"),
              ("light_truck", "definitions/light_truck_hs"),
              ("heavy_truck", "definitions/heavy_truck_hs"))
    hits = [name for name, rel in scopes if law.codes(rel).contains(digits)]
    if not hits:
        return None
    if cls is None:
        return hits[0]
    return cls if cls in hits else None
