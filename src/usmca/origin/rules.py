"""The product-specific rule language: parse, validate and evaluate the tariff shift.

A rule is a list of alternatives; ANY one suffices (UR s. 3(6), s. 5(2)). Within one alternative
every part present must hold::

    - shift: CC | CTH | CTSH | CTI | none   # change of chapter / heading / subheading / item
      except: ["85.03", "84.07-84.09"]      # materials classified here may not make the shift
      from_only: ["15.11"]                  # the shift counts only from these
      rvc: {tv: 60, nc: 50}                 # regional value content (Art. 4.5), AND with the shift
      unsupported: "yarn-forward condition" # a condition the engine cannot evaluate
      text: "A change to subheading ..."    # the legal text

The tariff-shift test (Annex 4-B, Section A, general interpretative note (d); UR s. 3(2)) is
applied to EACH non-originating material: material ``m`` of the good ``g`` makes the shift at
level ``L`` (2, 4, 6, 8 digits for CC, CTH, CTSH, CTI) when

.. math:: prefix_L(m) \\ne prefix_L(g) \\;\\wedge\\; m \\notin E \\;\\wedge\\; (F = \\emptyset \\vee m \\in F)

with ``E`` the ``except`` set and ``F`` the ``from_only`` set. A code too short to decide is
*undetermined* and fails (the engine never guesses), with a note in the trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Sequence

import numpy as np

from usmca.errors import UserInputError
from usmca.hs import SHIFT_LEVEL, HsSet, dotted, normalize

__all__ = ["Alternative", "parse_rule", "shift_test", "shift_test_array"]

_KEYS = {"shift", "except", "from_only", "rvc", "unsupported", "text", "reference", "note"}


@dataclass(frozen=True)
class Alternative:
    """One alternative of a product-specific rule (all its parts must hold)."""

    shift: str = "NONE"
    except_: HsSet = field(default_factory=HsSet)
    from_only: HsSet = field(default_factory=HsSet)
    rvc: Mapping[str, Decimal] | None = None
    unsupported: str | None = None
    text: str | None = None
    raw: Mapping[str, Any] | None = None

    @property
    def level(self) -> int:
        """Digits that must change (0 for no change required)."""
        return SHIFT_LEVEL[self.shift]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"shift": self.shift if self.shift != "NONE" else "none"}
        if self.except_:
            d["except"] = [str(r) for r in self.except_.ranges]
        if self.from_only:
            d["from_only"] = [str(r) for r in self.from_only.ranges]
        if self.rvc:
            d["rvc"] = {k.lower(): v for k, v in self.rvc.items()}
        if self.unsupported:
            d["unsupported"] = self.unsupported
        if self.text:
            d["text"] = self.text
        return d


def _rvc(raw: Any, source: str, fld: str) -> dict[str, Decimal] | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not raw:
        raise UserInputError(source, fld, raw, "rvc must be a mapping such as {tv: 60, nc: 50}")
    out: dict[str, Decimal] = {}
    for k, v in raw.items():
        key = str(k).upper()
        if key not in ("TV", "NC"):
            raise UserInputError(source, f"{fld}.{k}", v, "rvc methods are tv and nc")
        if isinstance(v, bool) or not isinstance(v, (int, float, str, Decimal)):
            raise UserInputError(source, f"{fld}.{k}", v, "must be a percentage")
        try:
            d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
        except (InvalidOperation, ValueError, TypeError):
            raise UserInputError(source, f"{fld}.{k}", v, "must be a percentage") from None
        if not d.is_finite() or d < 0 or d > 100:
            raise UserInputError(source, f"{fld}.{k}", v, "must be between 0 and 100")
        out[key] = d
    return out


def _codes(raw: Any, source: str, fld: str) -> HsSet:
    if raw is None:
        return HsSet()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, Sequence):
        raise UserInputError(source, fld, raw, "must be a list of HS codes or ranges")
    try:
        return HsSet.parse(list(raw))
    except ValueError as exc:
        raise UserInputError(source, fld, raw, str(exc)) from None


def parse_rule(raw: Any, source: str = "rule", fld: str = "rule", strict: bool = True) -> tuple[Alternative, ...]:
    """Validate a rule (a list of alternatives, or one mapping) and return its alternatives.

    With ``strict=False`` (rules from the PSR library or the automotive module) an unknown key is
    not an error of the user's: it becomes an ``unsupported`` condition, so the answer is
    "undetermined" rather than a guess.

    Raises
    ------
    UserInputError
        Naming ``source`` and the field path (``rule[1].shift``) at fault.
    """
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise UserInputError(source, fld, raw, "a rule is a non-empty list of alternatives")
    alts = []
    for i, a in enumerate(raw):
        f = f"{fld}[{i}]"
        if not isinstance(a, Mapping):
            raise UserInputError(source, f, a, "an alternative is a mapping (shift, except, rvc, ...)")
        unknown = set(map(str, a)) - _KEYS
        extra = None
        if unknown and strict:
            raise UserInputError(source, f"{f}.{sorted(unknown)[0]}", a[sorted(unknown)[0]], "unknown key in a rule")
        if unknown:
            extra = "condition(s) not understood by the engine: " + ", ".join(sorted(unknown))
        shift = a.get("shift", "none")
        shift = "NONE" if shift is None or shift is False else str(shift).upper()
        if shift not in SHIFT_LEVEL:
            raise UserInputError(source, f"{f}.shift", a.get("shift"), "must be CC, CTH, CTSH, CTI or none")
        unsupported = a.get("unsupported")
        if unsupported is not None and not isinstance(unsupported, str):
            raise UserInputError(source, f"{f}.unsupported", unsupported, "must be a text")
        if extra:
            unsupported = f"{unsupported}; {extra}" if unsupported else extra
        text = a.get("text")
        alts.append(Alternative(
            shift=shift,
            except_=_codes(a.get("except"), source, f"{f}.except"),
            from_only=_codes(a.get("from_only"), source, f"{f}.from_only"),
            rvc=_rvc(a.get("rvc"), source, f"{f}.rvc"),
            unsupported=unsupported or None,
            text=str(text) if text is not None else None,
            raw=dict(a),
        ))
    return tuple(alts)


def shift_test(alt: Alternative, good: str, material: str | None) -> tuple[bool | None, str]:
    """Does one non-originating material make the tariff shift of ``alt``?

    Parameters
    ----------
    alt
        The alternative.
    good, material
        HS digits of the good and of the material (``None`` when the material's code is unknown).

    Returns
    -------
    (bool | None, str)
        True / False, or None when undetermined (code too short or missing), with the reason.
    """
    n = alt.level
    if n == 0:
        return True, "no change in tariff classification required"
    if material is None:
        return None, "material has no HS code"
    m = normalize(material)
    k = min(n, len(m), len(good))
    if m[:k] == good[:k]:
        if k < n:
            return None, f"codes too short to test a change at the {n}-digit level"
        return False, f"{dotted(m)} is in the same {_lvl(n)} as the good"
    if alt.except_:
        c = alt.except_.contains(m)
        if c:
            return False, f"{dotted(m)} is excepted ({alt.except_})"
        if c is None:
            return None, f"{dotted(m)} may fall in the excepted codes ({alt.except_})"
    if alt.from_only:
        c = alt.from_only.contains(m)
        if c is False:
            return False, f"{dotted(m)} is not among the codes the shift may come from ({alt.from_only})"
        if c is None:
            return None, f"{dotted(m)} may not be among {alt.from_only}"
    return True, f"change of {_lvl(n)} from {dotted(m)}"


def _lvl(n: int) -> str:
    return {2: "chapter", 4: "heading", 6: "subheading", 8: "tariff item"}[n]


def shift_test_array(alt: Alternative, good_int: np.ndarray, good_len: np.ndarray,
                     mat_int: np.ndarray, mat_len: np.ndarray, undetermined: bool = False) -> np.ndarray:
    """Vectorised :func:`shift_test` over lines; an undetermined test (a code too short to tell)
    counts as failing, or as passing when ``undetermined`` is True (so that the lines failing in
    the first reading but not in the second are exactly the undetermined ones).

    Parameters
    ----------
    alt
        The alternative (one for all lines).
    good_int, good_len, mat_int, mat_len
        Codes of each line's good and material in the form of :func:`usmca.hs.codes_to_int`.

    Returns
    -------
    numpy.ndarray of bool
        True where the material makes the shift.
    """
    n = alt.level
    if n == 0:
        return np.ones(mat_int.shape, dtype=bool)
    scale = 10 ** (10 - n)
    long_enough = (mat_len >= n) & (good_len >= n)
    ok = long_enough & (mat_int // scale != good_int // scale)
    # short codes: a change is certain only if the shorter common prefix already differs
    k = np.minimum(np.minimum(mat_len, good_len), n).astype(np.int64)
    kscale = 10 ** (10 - k)
    if undetermined:
        ok |= ~long_enough
    else:
        ok |= (~long_enough) & (mat_int // kscale != good_int // kscale)
    if alt.except_:
        ok &= ~alt.except_.contains_array(mat_int, mat_len, undetermined=not undetermined)
    if alt.from_only:
        # conservative: a short code counts as inside only if surely inside
        inside = alt.from_only.contains_array(mat_int, mat_len)
        if not undetermined:
            inside &= mat_len >= min(r.level for r in alt.from_only.ranges)
        ok &= inside
    return ok
