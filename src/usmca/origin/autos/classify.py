"""Vehicle classes of the Automotive Appendix (SOR/2020-155 s. 12 definitions).

The BOM names the class of vehicle a good is, or is for, in ``good.use``: ``passenger_vehicle``,
``light_truck``, ``heavy_truck`` or ``other`` (other vehicles of s. 20, or an aftermarket part).
Passenger vehicles and light trucks share one regime (ss. 13-14, 17-18), heavy trucks another
(ss. 13, 15, 17-18), other vehicles a third (s. 20).
"""

from __future__ import annotations

from usmca.errors import UserInputError

from .law import AutoLaw

__all__ = ["USES", "regime", "vehicle_use"]

#: Accepted values of ``good.use`` (names, not legal numbers).
USES = ("passenger_vehicle", "light_truck", "heavy_truck", "other")

_REGIME = {"passenger_vehicle": "passenger_light_truck", "light_truck": "passenger_light_truck",
           "heavy_truck": "heavy_truck", "other": "other"}


def regime(use: str | None, source: str = "BOM", field: str = "good.use") -> str:
    """The regime of a use: ``passenger_light_truck``, ``heavy_truck`` or ``other``.

    ``None`` (no vehicle named) reads as ``other``: the s. 13 alternatives "for any other vehicle
    or as an aftermarket part".

    Raises
    ------
    UserInputError
        When ``use`` is not one of :data:`USES`.
    """
    if use is None:
        return "other"
    key = str(use).strip().lower()
    if key not in _REGIME:
        raise UserInputError(source, field, use, f"must be one of {', '.join(USES)}")
    return _REGIME[key]


def vehicle_use(law: AutoLaw, digits: str, use: str | None) -> str | None:
    """The class of the good itself when it is a passenger vehicle, light truck or heavy truck.

    The s. 12 definitions are HS scopes with exclusions (diesel, motorcycles, off-road, ...);
    ``use`` names the class, and ``other`` (or an HS code outside the scope) gives ``None``.
    Without ``use`` the class is read from the HS scope alone.
    """
    scopes = (("passenger_vehicle", "definitions/passenger_vehicle_hs"),
              ("light_truck", "definitions/light_truck_hs"),
              ("heavy_truck", "definitions/heavy_truck_hs"))
    hits = [name for name, rel in scopes if law.codes(rel).contains(digits)]
    if not hits:
        return None
    if use is None:
        return hits[0]
    return use if use in hits else None
