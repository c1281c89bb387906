"""One alternative of a General Note 11(o) rule, from its sentence to the rule language.

The sentences of HTSUS General Note 11(o) (= USMCA Annex 4-B, Section B) follow a small grammar::

    A change to TARGET from SOURCE [, whether or not there is also a change from any other LEVEL]
        [, except from CODES] [, provided there is a regional value content of not less than:
        (1) X percent where the transaction value method is used; or (2) Y percent where the net
        cost method is used | of not less than Y percent under the net cost method]
    No (required) change in tariff classification to TARGET, provided ...

and is read as follows (Annex 4-B, Section A, general interpretative notes; UR s. 3(2): the
shift is tested on each non-originating material):

=====================================================  ========================================
SOURCE                                                 rule language
=====================================================  ========================================
any other chapter / heading / subheading / tariff item  ``shift: CC / CTH / CTSH / CTI``
any heading (subheading) outside that group            ``shift: CTH`` (CTSH), ``except: [group]``
CODES, whether or not ... from any other LEVEL         ``shift: LEVEL`` when CODES lie outside
                                                       the good's LEVEL group; else the shift at
                                                       the CODES' level ``except`` the rest of
                                                       the group (:func:`.codes.complement_within`)
CODES (alone)                                          ``shift: <target level>, from_only: CODES``
any other good within that subheading or any other     ``shift: CTSH`` (sufficient) plus an
subheading                                             ``unsupported`` alternative for a change
                                                       between goods of one subheading
except from <goods> of CODES (a description)          ``except: CODES`` (stricter, so sufficient)
                                                       plus an ``unsupported`` alternative
except from more than one of the following: LIST       ``except: LIST`` (sufficient) plus an
                                                       ``unsupported`` alternative for "at most
                                                       one of the groups"
except from CODES or <goods by description only>       ``except: CODES`` flagged ``unsupported``
                                                       (excepting the codes alone is too loose)
any other subheading within that group [or CODES],     ``shift: CTSH``, ``except`` the rest of
whether or not ... from any other heading               the heading (:func:`.codes.complement_within`)
any other good within that subheading, whether or not  as "any other good within that subheading
... from any other subheading                          or any other subheading"
=====================================================  ========================================

``provided there is [also] a regional value content of not less than X / Y`` gives ``rvc: {tv: X,
nc: Y}``; "No change in tariff classification ..., whether or not there is also a change from
another subheading" is still ``shift: none``; any other proviso (weight, volume, alcohol content, juice ingredients) is kept as
``unsupported`` with its text. A sentence this grammar does not cover becomes one alternative
``{shift: none, unsupported: "text not read by the importer: ..."}``: never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .codes import canonical, complement_within, digits_of, is_code_list, parse_code_list

__all__ = ["ParsedAlternative", "parse_alternative", "normalize_text"]

_LEVEL_SHIFT = {"chapter": "CC", "heading": "CTH", "subheading": "CTSH", "tariff item": "CTI"}
_SHIFT_DIGITS = {"CC": 2, "CTH": 4, "CTSH": 6, "CTI": 8, "none": 0}
_DIGITS_SHIFT = {2: "CC", 4: "CTH", 6: "CTSH", 8: "CTI"}

_FIXES = [  # typos of the source text that break the grammar (kept verbatim in `text`)
    (r"includinganother", "including another"), (r"thatgroup", "that group"),
    (r"aregional", "a regional"), (r",or\b", ", or"), (r"\(A\)A", "(A) A"), (r"\bofnot\b", "of not"),
]
_COMPILER = re.compile(r"\[Compiler's note:[^\]]*\]\s*", re.I)
_TV = re.compile(r"(\d+(?:\.\d+)?) percent where the transaction value (?:method )?is used", re.I)
_NC = re.compile(r"(\d+(?:\.\d+)?) percent (?:where the net cost (?:method )?is used|under the net cost method)",
                 re.I)
_RVC_CLAUSE = re.compile(r",?\s*provided (?:that )?there is (?:also )?a regional value content of "
                         r"(?:not less than|at least)\b.*$",
                         re.I | re.S)
_PROVISO = re.compile(r",?\s*provided (?:that )?(?P<cond>.*)$", re.I | re.S)
_NO_CHANGE = re.compile(r"^No (?:required )?(?:change in tariff classification|tariff change|required change in "
                        r"tariff classification) (?:is required )?to (?P<target>.+)$", re.I | re.S)
_CHANGE = re.compile(r"^A change to (?P<target>.+?) from (?P<source>.+)$", re.I | re.S)
_WHETHER = re.compile(r",?\s*whether or not there is also a change from (?:any other|another) "
                      r"(?P<level>chapter|heading|subheading|tariff item)(?:, including another \w+ within that group)?",
                      re.I)
_EXCEPT = re.compile(r",?\s*except from (?P<codes>.+)$", re.I | re.S)
_ANY_OTHER = re.compile(r"^any other (?P<level>chapter|heading|subheading|tariff item)"
                        r"(?:,? including another (?:chapter|heading|subheading|tariff item) within that group)?$", re.I)
# "from heading outside that group" (without "any") is a print variant: GN 11(o) chapter 37 rule 1
_OUTSIDE = re.compile(r"^(?:any )?(?P<level>heading|subheading|tariff item) outside that group$", re.I)
_OTHER_GOOD = re.compile(r"^any other good (?:within (?:that|these) subheadings?|of subheadings? [\d.]+)"
                         r"(?: or any other subheading)?(?:,? including another subheading within that group)?$", re.I)
_WITHIN_GROUP = re.compile(r"^any other (?P<level>heading|subheading|tariff item) within that group"
                           r"(?:,? or (?P<codes>.+))?$", re.I)
_MORE_THAN_ONE = re.compile(r"^more than one of the following:?\s*", re.I)
_TARGET = re.compile(r"^(?:(?P<desc>.+?) of )?(?:any of )?(?P<codes>(?:chapters?|headings?|subheadings?|tariff items?|\d).*)$",
                     re.I | re.S)


def normalize_text(text: str) -> str:
    """Collapse white space, drop compiler's notes and fix the typos that break the grammar."""
    t = _COMPILER.sub("", text)
    t = " ".join(t.split())
    for pat, rep in _FIXES:
        t = re.sub(pat, rep, t)
    return t


@dataclass
class ParsedAlternative:
    """What one sentence says: the goods it is about and its alternative(s) in the rule language."""

    target: list[str]
    description: str | None
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    understood: bool = True


def _target(text: str) -> tuple[list[str], str | None]:
    m = _TARGET.match(text.strip())
    if not m:
        raise ValueError(f"no goods named in {text!r}")
    desc = re.sub(r"^(?:a|an|the)\s+", "", (m.group("desc") or "").strip(), flags=re.I) or None
    if desc and (desc.lower() in ("good", "goods", "any good") or desc.lower().startswith("good of any")):
        desc = None
    return parse_code_list(m.group("codes")), desc


def _rvc(text: str) -> dict[str, float] | None:
    out: dict[str, float] = {}
    tv, nc = _TV.search(text), _NC.search(text)
    if tv:
        out["tv"] = _num(tv.group(1))
    if nc:
        out["nc"] = _num(nc.group(1))
    return out or None


def _num(s: str) -> Any:
    f = float(s)
    return int(f) if f.is_integer() else f


def _group_prefix(target: list[str], n: int) -> str | None:
    """The single ``n``-digit group holding every target code, if there is one."""
    prefixes = set()
    for t in target:
        lo, _, hi = t.partition("-")
        a, b = digits_of(lo), digits_of(hi or lo)
        if len(a) < n:
            return None
        prefixes.update({a[:n], b[:n]})
    return prefixes.pop() if len(prefixes) == 1 else None


def _outside(codes: list[str], prefix: str) -> bool:
    return all(not digits_of(c.partition("-")[0]).startswith(prefix)
               and not digits_of(c.partition("-")[2] or c).startswith(prefix) for c in codes)


def _target_shift(target: list[str]) -> str:
    n = min(len(digits_of(t.partition("-")[0])) for t in target)
    return _DIGITS_SHIFT.get(n, "CTI")


def _unread(text: str, why: str) -> dict[str, Any]:
    return {"shift": "none", "unsupported": f"text not read by the importer ({why}); read the legal text",
            "text": text}


def parse_alternative(raw: str) -> ParsedAlternative:
    """Read one alternative sentence of General Note 11(o) into the rule language.

    Parameters
    ----------
    raw
        The sentence, e.g. ``"A change to subheading 8402.90 from any other heading."``.

    Returns
    -------
    ParsedAlternative
        ``target`` (canonical codes of the goods), ``description`` (a qualifier such as
        ``"word-processing machines"``, or ``None``) and one or two alternatives (two when the
        text is split into a sufficient evaluable part and an ``unsupported`` remainder).
        ``understood`` is False when the sentence fell outside the grammar.
    """
    text = normalize_text(raw)
    body = re.sub(r"(?:;\s*or|;|\.|,\s*or|,)\s*$", "", text).strip()
    rvc = _rvc(body)
    body_wo = _RVC_CLAUSE.sub("", body).strip()
    condition = None
    mp = _PROVISO.search(body_wo)
    if mp:
        condition = mp.group("cond").strip().rstrip(".;")
        body_wo = body_wo[: mp.start()].strip()
    if rvc is None and re.search(r"regional value content", body, re.I):
        return ParsedAlternative([], None, [_unread(text, "regional value content without both figures")], False)
    try:
        alts, target, desc = _shift_part(body_wo, text)
    except ValueError as exc:
        tgt: list[str] = []
        desc = None
        m = re.search(r"^(?:A change|No (?:required )?(?:change in tariff classification|tariff change)) to "
                      r"(?P<t>.*?(?:headings?|subheadings?|tariff items?) [\d.]+(?: through [\d.]+)?)", body_wo, re.I)
        if m:
            try:
                tgt, desc = _target(m.group("t"))
            except ValueError:
                tgt, desc = [], None
        return ParsedAlternative(tgt, desc, [_unread(text, str(exc))], False)
    for a in alts:
        if rvc:
            a["rvc"] = dict(rvc)
        if condition:
            extra = f"condition not evaluated by the engine: {condition}"
            a["unsupported"] = f"{a['unsupported']}; {extra}" if "unsupported" in a else extra
        a["text"] = text
    return ParsedAlternative(target, desc, alts, True)


def _shift_part(body: str, text: str) -> tuple[list[dict[str, Any]], list[str], str | None]:
    m0 = _NO_CHANGE.match(_WHETHER.sub("", body))  # "No change ..., whether or not ...": still no change
    if m0:
        target, desc = _target(m0.group("target"))
        return [{"shift": "none"}], target, desc
    m = _CHANGE.match(body)
    if not m:
        raise ValueError("neither 'A change to ... from ...' nor 'No change in tariff classification'")
    target, desc = _target(m.group("target"))
    source = m.group("source").strip()
    excepted: list[str] = []
    described: str | None = None
    at_most_one = False
    me = _EXCEPT.search(source)
    if me:
        codes_txt = me.group("codes").strip()
        source = source[: me.start()].strip()
        mm = _MORE_THAN_ONE.match(codes_txt)
        if mm:
            at_most_one = True
            codes_txt = codes_txt[mm.end():]
        if is_code_list(codes_txt):
            excepted = parse_code_list(codes_txt)
        else:
            excepted = _codes_in(codes_txt)
            described = codes_txt
            if not excepted:
                raise ValueError(f"the exception {codes_txt!r} names no HS code")
    whether = None
    mw = _WHETHER.search(source)
    if mw:
        whether = _LEVEL_SHIFT[mw.group("level").lower()]
        source = (source[: mw.start()] + source[mw.end():]).strip().rstrip(",")
    alts = _source(source, whether, target)
    if excepted:
        for a in alts:
            a["except"] = a.get("except", []) + excepted
    untied = _untied_description(described) if described is not None else None
    if untied is not None:  # goods excepted by description only: excepting the codes is not enough
        for a in alts:
            a["unsupported"] = (f"the exception also names goods by description only ({untied}); the engine "
                                "cannot tell which materials they are")
    elif described is not None:  # excepting whole codes is stricter than the text: sufficient
        alts.append({"shift": alts[0]["shift"], "unsupported": f"the exception covers only some goods of "
                     f"{', '.join(excepted)} ({described}); the engine cannot tell which"})
    if at_most_one:
        groups = ", ".join(excepted)
        rest = {"shift": alts[0]["shift"], "unsupported":
                f"non-originating materials may come from at most one of the listed groups ({groups})"}
        alts.append(rest)
    return alts, target, desc


_CODE_RUN = re.compile(r"(?:(?:chapters?|headings?|subheadings?|tariff items?)\s+)[\d.]+(?:(?:,\s*|\s+or\s+|\s+through\s+)"
                       r"[\d.]+)*", re.I)


def _codes_in(text: str) -> list[str]:
    """Every code named with its level word inside a descriptive phrase (for a sufficient reading)."""
    out: list[str] = []
    for m in _CODE_RUN.finditer(text):
        try:
            out.extend(parse_code_list(m.group(0)))
        except ValueError:
            continue
    return out


def _untied_description(text: str) -> str | None:
    """The part of a described exception that qualifies no code ("or assemblies incorporating ..."), if any.

    A description tied to codes ends in "of" before them ("housings of subheadings 8467.91 or 8467.99"):
    excepting the whole codes is then stricter than the text. Words after the last code, or before a
    code without "of", name goods by description alone.
    """
    parts = _CODE_RUN.split(text)
    for i, seg in enumerate(parts):
        core = re.sub(r"^(?:[\s,;]|\bor\b|\band\b)+|(?:[\s,;]|\bor\b|\band\b)+$", "", seg).strip()
        if not core:
            continue
        if i < len(parts) - 1 and re.search(r"\bof$", core):
            continue
        return core
    return None


def _within_group(m: re.Match[str], whether: str | None, target: list[str]) -> list[dict[str, Any]]:
    """ "from any other subheading within that group [or CODES][, whether or not ... any other LEVEL]"."""
    shift = _LEVEL_SHIFT[m.group("level").lower()]
    extra = parse_code_list(m.group("codes")) if m.group("codes") else []
    allowed = list(target) + extra
    if whether is None:
        return [{"shift": shift, "from_only": allowed}]
    prefix = _group_prefix(target, _SHIFT_DIGITS[whether])
    rest = complement_within(prefix, allowed) if prefix is not None else None
    if rest is None:
        raise ValueError("the codes the change may come from are not inside the good's group at one level")
    return [{"shift": shift, "except": rest}] if rest else [{"shift": shift}]


def _source(source: str, whether: str | None, target: list[str]) -> list[dict[str, Any]]:
    m = _WITHIN_GROUP.match(source)
    if m and (m.group("codes") is None or is_code_list(m.group("codes"))):
        return _within_group(m, whether, target)
    m = _ANY_OTHER.match(source)
    if m and whether is None:
        return [{"shift": _LEVEL_SHIFT[m.group("level").lower()]}]
    m = _OUTSIDE.match(source)
    if m and whether is None:
        return [{"shift": _LEVEL_SHIFT[m.group("level").lower()], "except": list(target)}]
    if _OTHER_GOOD.match(source) and whether in (None, "CTSH"):  # "..., whether or not ... any other subheading"
        return [{"shift": "CTSH"},
                {"shift": "none", "unsupported": "a change from another good within the same subheading "
                                                 "(the engine does not know which good a material is)"}]
    mm = _MORE_THAN_ONE.match(source)
    if mm:
        source = source[mm.end():]
    if re.fullmatch(r"any (heading|subheading|chapter)", source, flags=re.I):  # 51-3 as printed: no "other"
        raise ValueError(f"'from {source}' as printed, without 'other': whether a material of the good's own "
                         f"{source.split()[-1]} may be used is not stated")
    if not is_code_list(source):
        raise ValueError(f"the source {source!r} names goods by description")
    codes = parse_code_list(source)
    if whether is None:
        return [{"shift": _target_shift(target), "from_only": codes}]
    n = _SHIFT_DIGITS[whether]
    prefix = _group_prefix(target, n)
    if prefix is None:
        raise ValueError("the goods of the rule span several groups")
    if _outside(codes, prefix):
        return [{"shift": whether}]
    levels = {len(digits_of(c.partition("-")[0])) for c in codes}
    if len(levels) != 1:
        raise ValueError("the codes the change may come from mix levels")
    rest = complement_within(prefix, codes)
    if rest is None:
        raise ValueError("the codes the change may come from are not inside the good's group")
    return [{"shift": _DIGITS_SHIFT[levels.pop()], "except": rest}]


def scope_of(target: list[str]) -> list[str]:
    """The canonical HS scope of a rule (its target codes), for the library entries."""
    return [canonical(t) if "-" not in t else t for t in target]
