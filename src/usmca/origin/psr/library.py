"""The product-specific-rule library: one YAML file per HS chapter, and its lookup.

A chapter file ``chNN.yaml`` holds the rules of USMCA Annex 4-B, Section B, as transposed in HTSUS
General Note 11(o), for chapter NN::

    chapter: 84
    source: {instrument: HTSUS General Note 11(o), treaty: USMCA Annex 4-B, Section B, ...}
    notes: [{id: chapter rule 1, text: ..., reference: {...}}]      # chapter rules (not evaluated)
    rules:
      - id: 84-3
        hs: ["8402.11-8402.20"]          # scope: codes / ranges in the rule language's spelling
        goods: null                      # qualifier when the rule covers only some goods of the scope
        effective_from: null             # dated rules (e.g. the steel phase-in of chapter 73)
        effective_to: null               # exclusive
        alternatives: [{shift: CTH, text: ...}, {shift: CTSH, except: [...], rvc: {tv: 60, nc: 50}}]
        text: "3. (A) A change to subheadings 8402.11 through 8402.20 ..."
        reference: {instrument, treaty, provision, chapter, rule, url, retrieved_from, page}

The packaged library (``usmca/origin/psr/library/``) holds what could be read in a primary
source; a user builds the complete library with ``usmca data load psr FILE_OR_URL``, which writes
the same files into :func:`user_library_dir`. A chapter file there replaces the packaged one.

Lookup rule (Annex 4-B, Section A: "a rule applicable to a tariff item shall take precedence over
a rule applicable to the heading or subheading which is parent to that tariff item"): among the
rules in force on the date whose scope contains the good's code, the one of the most detailed
level wins, then the narrowest range. When the code given is shorter than the scope of another
rule that might apply (a six-digit code and a rule for one of its tariff items), the answer says
so instead of choosing.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from pathlib import Path
from typing import Any, Mapping

import yaml

from usmca.errors import UserInputError
from usmca.hs import HsRange, dotted, normalize

from .transcribed import verification_of

__all__ = ["PACKAGE_LIBRARY", "user_library_dir", "library_dirs", "load_chapter", "lookup", "clear_cache"]

PACKAGE_LIBRARY = Path(__file__).resolve().parent / "library"
# The law-tree parameter whose first date is the entry into force of General Note 11 (USMCA).
_GN11_PATH = "us/general_note_11/parties"


def user_library_dir() -> Path:
    """Where ``usmca data load psr`` writes the user's library.

    ``$USMCA_PSR_LIBRARY`` if set, else ``$XDG_DATA_HOME/usmca/psr`` (default
    ``~/.local/share/usmca/psr``).
    """
    env = os.environ.get("USMCA_PSR_LIBRARY")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "usmca" / "psr"


def library_dirs() -> list[tuple[str, Path]]:
    """The libraries searched, first wins per chapter: ``[("user", dir), ("package", dir)]``."""
    out = []
    u = user_library_dir()
    if u.is_dir():
        out.append(("user", u))
    out.append(("package", PACKAGE_LIBRARY))
    return out


def clear_cache() -> None:
    """Forget loaded chapter files (after writing a library, or when the environment changed)."""
    _load_file.cache_clear()


@functools.lru_cache(maxsize=256)
def _load_file(path: str, mtime: float) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, Mapping) or not isinstance(data.get("rules", []), list):
        raise UserInputError(path, "rules", type(data).__name__, "a PSR chapter file holds a list of rules")
    return dict(data)


def load_chapter(chapter: int) -> tuple[str, dict[str, Any]] | None:
    """The chapter file in force for ``chapter`` as ``(library, data)``, or ``None`` if not encoded."""
    for origin, d in library_dirs():
        f = d / f"ch{chapter:02d}.yaml"
        if f.is_file():
            return origin, _load_file(str(f), f.stat().st_mtime)
    return None


def _as_date(date: Any) -> dt.date:
    if date is None:
        return dt.date.today()
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    try:
        return dt.date.fromisoformat(str(date))
    except ValueError:
        raise UserInputError("date", "", date, "expected an ISO date YYYY-MM-DD") from None


def _check_in_force(day: dt.date) -> None:
    """Refuse a date before General Note 11 (USMCA) entered into force (its first law-tree date)."""
    from usmca.law import default_tree

    first = default_tree().parameter(_GN11_PATH).entries[0].effective_from
    if day < first:
        raise UserInputError("date", "", day.isoformat(),
                             f"before HTSUS General Note 11 (USMCA) entered into force on {first.isoformat()}")


def _in_force(rule: Mapping[str, Any], day: dt.date) -> bool:
    lo, hi = rule.get("effective_from"), rule.get("effective_to")
    if lo is not None and day < _as_date(lo):
        return False
    return not (hi is not None and day >= _as_date(hi))


def _specificity(r: HsRange) -> tuple[int, int]:
    return r.level, -(int(r.hi) - int(r.lo))


def _qualified(alts: list[dict[str, Any]], why: str) -> list[dict[str, Any]]:
    out = []
    for a in alts:
        b = dict(a)
        b["unsupported"] = f"{b['unsupported']}; {why}" if b.get("unsupported") else why
        out.append(b)
    return out


#: Notes that add no condition on the good: the automotive underscoring cross-references, the
#: headers of dated rules, the transit exception (applied by :mod:`usmca.origin.transit`) and
#: definitions of terms.
_INFORMATIVE = re.compile(r"underscor|^Beginning on|^Notwithstanding Article 4\.18|\bthe term\b.{0,80}\bmeans\b"
                          r"|^Applies only to a good traded between", re.I)  # the last: a party rule's own scope


def _conditions(notes: list[str]) -> list[str]:
    """The chapter and subheading rules among ``notes`` that condition origin (the engine does not
    evaluate them: wholly-obtained fruit, a chemical-reaction route, a de minimis method)."""
    out: list[str] = []
    for n in notes:
        if n and not _INFORMATIVE.search(n) and n not in out:
            out.append(n)
    return out


def _trade(trade: Any) -> frozenset[str] | None:
    if trade is None:
        return None
    items = trade.replace(",", " ").split() if isinstance(trade, str) else list(trade)
    out = frozenset(str(c).strip().upper() for c in items if str(c).strip())
    if len(out) != 2:
        raise UserInputError("trade", "", trade, "two countries are needed, e.g. CA,US")
    return out


def lookup(hs: str, date: Any = None, *, trade: Any = None) -> dict[str, Any] | None:
    """The product-specific rule of a good, or ``None`` when it is not encoded.

    Parameters
    ----------
    hs
        The good's HS code (dotted or digits; 6 to 10 digits; a 4-digit heading is accepted).
    date
        The date the rule must be in force on (ISO string or date; default today).
    trade
        The two countries the good is traded between (``("CA", "US")`` or ``"CA,US"``). A
        party-specific rule (an entry with ``parties``, e.g. 1517.10 between Canada and the United
        States, SOR/2020-155 Sch. 1 s. 1) replaces the general rule for that trade only; without
        ``trade`` the general rule is returned and ``party_rules`` names the party-specific ones.

    Returns
    -------
    dict or None
        ``{"hs": scope, "alternatives": [...], "reference": {...}, "text": ..., "goods": ...,
        "notes": [...], "chapter_notes": [...], "rules": [ids], "library": "package"|"user"}``.
        Alternatives are in the rule language (any one suffices). Conditions the engine cannot
        evaluate carry ``unsupported``: a rule that covers only some goods of the scope, a
        narrower rule that may apply to a code given with too few digits, a non-tariff condition.

    Raises
    ------
    UserInputError
        When ``hs`` is not an HS code or ``date`` not a date.
    """
    try:
        digits = normalize(hs)
    except ValueError as exc:
        raise UserInputError("hs", "", hs, str(exc)) from None
    day = _as_date(date)
    _check_in_force(day)
    found = load_chapter(int(digits[:2]))
    if found is None:
        return None
    origin, data = found
    pair = _trade(trade)
    matches: list[tuple[HsRange, dict[str, Any]]] = []
    party: list[tuple[HsRange, dict[str, Any]]] = []
    narrower: list[str] = []
    for rule in data.get("rules", []):
        if not _in_force(rule, day):
            continue
        if rule.get("parties"):
            for scope in rule.get("hs", []):
                r = HsRange.parse(scope)
                if r.contains(digits):
                    party.append((r, rule))
            continue
        for scope in rule.get("hs", []):
            r = HsRange.parse(scope)
            c = r.contains(digits)
            if c:
                matches.append((r, rule))
            elif c is None:
                narrower.append(str(r))
    applicable = [(r, rule) for r, rule in party if pair is not None and frozenset(rule["parties"]) == pair]
    other_party = sorted({str(rule.get("id")) for pr, rule in party if (pr, rule) not in applicable})
    if applicable:
        matches = applicable
    if not matches:
        return None
    best = max(_specificity(r) for r, _ in matches)
    chosen = [(r, rule) for r, rule in matches if _specificity(r) == best]
    scope = str(chosen[0][0])
    alternatives: list[dict[str, Any]] = []
    for _, rule in chosen:
        alts = [dict(a) for a in rule.get("alternatives", [])]
        if rule.get("goods"):
            alts = _qualified(alts, f"applies only to goods of {scope} described as: {rule['goods']} (the "
                                    f"engine does not check the description of the good)")
        alternatives.extend(alts)
    narrower = sorted({n for n in narrower if n != scope and HsRange.parse(n).level > len(digits)})
    if narrower:
        alternatives = _qualified(alternatives, f"rules of narrower scope ({', '.join(narrower)}) may apply: "
                                                f"give the good's full tariff item")
    conditions = _conditions([n for _, rule in chosen for n in rule.get("notes", [])]
                             + [str(n.get("text", "")) for n in data.get("notes", [])])
    if conditions:
        alternatives = _qualified(alternatives, "a chapter or subheading rule of General Note 11(o) also applies "
                                                "and is not evaluated by the engine: " + " | ".join(conditions))
    first = chosen[0][1]
    return {
        "hs": scope,
        "query": dotted(digits),
        "alternatives": alternatives,
        "reference": dict(first.get("reference") or {}),
        "text": "\n".join(str(rule.get("text", "")) for _, rule in chosen),
        "goods": [rule.get("goods") for _, rule in chosen if rule.get("goods")],
        "notes": [n for _, rule in chosen for n in rule.get("notes", [])],
        "chapter_notes": list(data.get("notes", [])),
        "rules": [rule.get("id") for _, rule in chosen],
        "library": origin,
        "narrower_rules": narrower,
        "parties": list(first.get("parties") or []),
        "party_rules": [] if applicable else other_party,
        "verification": verification_of(first),
        "conditions": conditions,
    }
