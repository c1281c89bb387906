"""Description-limited alternatives of s. 13 (SOR/2020-155 s. 13 table; 19 CFR 182 App. A s. 13).

Some s. 13 alternatives are limited by the description of the good, which its HS subheading
cannot express: body stampings of 8708.29, chassis frames (and, for heavy trucks, chassis) of
8708.99, radiators of 8708.91, silencers and exhaust pipes of 8708.92, and buses of 8702 for 15
or fewer / 16 or more persons. The ``applies_to`` column of ``s13_rules`` names the limit as
tokens: ``body_stamping`` (the alternative applies only to such goods) or ``!body_stamping``
(only to goods other than those); a token may also be an s. 20 use (``other_vehicle_s20_2``),
which settles the number of persons of a bus.

A BOM settles the limit by declaring the description class of its good (``good.use:
"passenger_vehicle:body_stamping"`` or ``automotive.part_description_class``). Then

.. math:: applies(T) = \\begin{cases} d \\in T & T \\text{ positive} \\\\ d \\notin T & T = \\lnot T' \\end{cases}

for the declared class ``d``; without a declaration the alternative keeps its ``unsupported``
condition (the engine never guesses). ``other`` declares a good of none of the listed classes.
"""

from __future__ import annotations

from usmca.errors import UserInputError

from .classify import S20_USES
from .law import AutoLaw

__all__ = ["OTHER", "description_classes", "check_description", "resolve"]

#: The declared class of a good that is none of the listed descriptions.
OTHER = "other"


def description_classes(law: AutoLaw) -> list[str]:
    """Every description class named in the ``applies_to`` column of ``s13_rules`` (plus ``other``)."""
    def build() -> list[str]:
        toks: set[str] = set()
        for cell in law.table("s13_rules")["applies_to"]:
            toks.update(t.lstrip("!") for t in str(cell or "").split())
        return sorted((toks - set(S20_USES)) | {OTHER})

    return list(law.derived("description_classes", build))


def check_description(law: AutoLaw, description: str | None, source: str = "BOM",
                      field: str = "automotive.part_description_class") -> str | None:
    """Validate a declared description class (``None`` passes through).

    Raises
    ------
    UserInputError
        When the class is not one of :func:`description_classes`.
    """
    if description is None:
        return None
    d = str(description).strip().lower()
    known = description_classes(law)
    if d not in known:
        raise UserInputError(source, field, description, f"must be one of {', '.join(known)}")
    return d


def resolve(applies_to: str, description: str | None, use: str | None) -> bool | None:
    """Does an alternative limited to ``applies_to`` apply to the declared good?

    Parameters
    ----------
    applies_to
        Space-separated tokens of the ``applies_to`` column (empty: not limited).
    description
        The declared description class, or ``None``.
    use
        The class of vehicle (an s. 20 use settles the bus rows of 8702).

    Returns
    -------
    bool or None
        True / False when settled; None when the BOM does not settle it.
    """
    toks = str(applies_to or "").split()
    if not toks:
        return True
    neg = [t[1:] for t in toks if t.startswith("!")]
    pos = [t for t in toks if not t.startswith("!")]
    if neg:
        return None if description is None else description not in neg
    known = {x for x in (description, use) if x}
    if known & set(pos):
        return True
    if description is not None or (use in S20_USES and set(pos) & set(S20_USES)):
        return False
    return None
