"""Importer of HTSUS General Note 11(o): the USITC text layout into numbered rules.

General Note 11 (USMCA) of the Harmonized Tariff Schedule of the United States, subdivision (o),
transposes USMCA Annex 4-B, Section B. Its text (USITC HTSUS release; the customsmobile.com /
checkoutapi.com mirrors keep the same layout, paginated ``page N USMCA``) is a sequence of
lines::

    Chapter 84                                   <- chapter heading
    Chapter rule 1: ...                          <- chapter note (kept as a note)
    Subheading rule: The underscoring ...        <- note for the following subdivisions
    Subheading rule: Beginning on July 1, 2023, the following rules ... shall apply to heading 7313:
    (a) A change ...                             <- a dated rule (effective_from / effective_to)
    3. (A) A change to subheadings 8402.11 through 8402.20 from any other heading; or
    (B) A change ... provided there is a regional value content of not less than:
    (1) 60 percent where the transaction value method is used; or
    (2) 50 percent where the net cost method is used.

Each numbered rule (``N.``; the source also has ``N,``) is split into alternatives ``(A)``,
``(B)``, ... (lower-case ``(a)`` in dated rules); ``(1)``, ``(2)`` lines continue the current
alternative; a line ``For a good of ... :`` before ``(A)`` qualifies the goods. Lines before the
first rule of the text are the tail of a rule that started earlier (not encoded); the last rule
is complete only when its text ends with a full stop (the mirror excerpts are cut mid-word).
Subdivision ``(p)`` of the note ("Goods that shall be deemed to be originating goods") ends the
rules: nothing after it is read.
Every alternative sentence is read by :func:`.phrases.parse_alternative`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .phrases import normalize_text, parse_alternative

__all__ = ["Gn11Rule", "Gn11Text", "parse_gn11", "split_alternatives"]

_PAGE = re.compile(r"^page\s+(\d+)\s+USMCA\b", re.I)
_CHAPTER = re.compile(r"^Chapter\s+(\d{1,2})\s*$")
_CH_RULE = re.compile(r"^Chapter\s+[Rr]ule\s+(\d+)\s*:\s*(.*)$")
_SUB_RULE = re.compile(r"^(?:Subheading|Heading|Tariff item)\s+rule\s*:\s*(.*)$", re.I)
_SECTION = re.compile(r"^Section\s+([IVXL]+)\b(?:\s+[Rr]ule\s+(\d+)\s*:\s*(.*))?", re.I)
_NUMBERED = re.compile(r"^(\d{1,3})[.,](?:\s+|(?=\())(.*)$")
_LABEL = re.compile(r"^\(?([A-Ha-h])\)\s*(.*)$")
_DATED = re.compile(r"Beginning on (?P<start>[A-Z][a-z]+ \d{1,2}, \d{4})(?:,? and thereafter| until "
                    r"(?P<end>[A-Z][a-z]+ \d{1,2}, \d{4}))?,? the following rules? of origin shall apply to "
                    r"(?P<scope>.+?):?\s*$")
_END_OF_O = re.compile(r"^\(p\)\s+[A-Z]")  # subdivision (p) of the note follows the last rule of (o)
_SUBDIVISIONS = re.compile(r"subdivisions? (\d+)(?: (?:through|and) (\d+))?")


@dataclass
class Gn11Rule:
    """One rule of General Note 11(o) as the importer read it."""

    chapter: int
    number: str
    page: int | None
    lines: list[str]
    complete: bool = True
    qualifier: str | None = None
    effective_from: str | None = None
    effective_to: str | None = None
    notes: list[str] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The rule's original text (lines joined, white space as in the source)."""
        return "\n".join(self.lines)

    @property
    def understood(self) -> bool:
        """Whether every alternative fell within the importer's grammar."""
        return all(e["understood"] for e in self.entries) and bool(self.entries)


@dataclass
class Gn11Text:
    """The result of :func:`parse_gn11`: rules, chapter notes and fragments not encoded."""

    rules: list[Gn11Rule]
    chapter_notes: dict[int, list[dict[str, Any]]]
    tails: list[dict[str, Any]]

    def complete_rules(self) -> list[Gn11Rule]:
        return [r for r in self.rules if r.complete]

    def count_by_page(self) -> dict[int | None, dict[str, int]]:
        """Per page: rules parsed complete, rules cut off, tails of earlier rules."""
        out: dict[int | None, dict[str, int]] = {}
        for r in self.rules:
            d = out.setdefault(r.page, {"complete": 0, "incomplete": 0, "tails": 0})
            d["complete" if r.complete else "incomplete"] += 1
        for t in self.tails:
            out.setdefault(t["page"], {"complete": 0, "incomplete": 0, "tails": 0})["tails"] += 1
        return out


def _date(text: str) -> str:
    return dt.datetime.strptime(text, "%B %d, %Y").date().isoformat()


def split_alternatives(lines: list[str]) -> tuple[str | None, list[str]]:
    """Split a rule's lines into an optional ``For ... :`` qualifier and alternative sentences.

    ``(1)``/``(2)`` lines and a stray ``(C) Whether or not ...`` continue the previous sentence.
    """
    qualifier = None
    sentences: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        m = _LABEL.match(line)
        if m and not re.match(r"(?i)whether or not", m.group(2)):
            sentences.append(m.group(2))
            continue
        if m:  # "(C) Whether or not there is also a change ..." continues (B)
            line = m.group(2)
            line = line[0].lower() + line[1:]
            if sentences:
                sentences[-1] = sentences[-1].rstrip(",;") + ", " + line
                continue
        if not sentences and line.startswith("For ") and line.rstrip().endswith(":"):
            qualifier = line.rstrip(":").strip()
            continue
        if sentences:
            sentences[-1] += " " + line
        else:
            sentences.append(line)
    return qualifier, sentences


def _qualifier_description(q: str | None) -> str | None:
    if q is None:
        return None
    m = re.match(r"^For (?:a |an )?(?P<what>.+?) of (?:subheadings?|headings?|tariff items?) [\d.]+(?P<use>.*)$", q)
    if not m:
        return q
    what = m.group("what").strip()
    use = m.group("use").strip()
    parts = [] if what == "good" else [what]
    if use:
        parts.append(use)
    return " ".join(parts) or None


def _read_rule(rule: Gn11Rule) -> None:
    qualifier, sentences = split_alternatives(rule.lines)
    rule.qualifier = qualifier
    base_desc = _qualifier_description(qualifier)
    groups: dict[tuple[tuple[str, ...], str | None], dict[str, Any]] = {}
    for s in sentences:
        p = parse_alternative(s)
        desc = p.description
        if base_desc and desc and desc.lower() in base_desc.lower():
            desc = base_desc
        elif base_desc and desc:
            desc = f"{desc} ({base_desc})"
        else:
            desc = desc or base_desc
        key = (tuple(p.target), desc)
        g = groups.setdefault(key, {"hs": list(p.target), "goods": desc, "alternatives": [], "understood": True})
        g["alternatives"].extend(p.alternatives)
        g["understood"] = g["understood"] and p.understood
    rule.entries = list(groups.values())


def parse_gn11(text: str, *, first_page: int | None = None, first_chapter: int | None = None) -> Gn11Text:  # noqa: C901 - one state machine over the GN 11(o) layout; psr-library (issue 16) owns its split
    """Parse General Note 11(o) text (one page, several pages, or the whole note).

    Parameters
    ----------
    text
        The text in the USITC layout (see the module docstring).
    first_page
        Page number to use before any ``page N USMCA`` header is seen.
    first_chapter
        HS chapter the text starts in, for a page that begins inside a chapter (without it, rules
        before the first ``Chapter NN`` heading cannot be placed and count as incomplete).

    Returns
    -------
    Gn11Text
        Rules (each with ``entries``: scope, goods qualifier, alternatives in the rule language),
        chapter notes, and tails of rules begun before the text starts.
    """
    rules: list[Gn11Rule] = []
    notes: dict[int, list[dict[str, Any]]] = {}
    tails: list[dict[str, Any]] = []
    page = first_page
    chapter = first_chapter or 0
    current: dict[str, Any] | None = None  # {"kind": "rule"|"note"|"chapter_note"|"tail", ...}
    pending_notes: list[dict[str, Any]] = []

    def close() -> None:
        nonlocal current
        if current is None:
            return
        kind = current["kind"]
        if kind == "rule":
            rules.append(current["rule"])
        elif kind == "chapter_note":
            notes.setdefault(current["chapter"], []).append(
                {"id": current["id"], "text": normalize_text(" ".join(current["lines"])), "page": current["page"],
                 "complete": True})
        elif kind == "note":
            pending_notes.append({"text": normalize_text(" ".join(current["lines"])), "page": current["page"]})
        elif kind == "tail":
            tails.append({"page": current["page"], "chapter": chapter or None, "text": "\n".join(current["lines"])})
        current = None

    def new_rule(number: str, first: str, dated: dict[str, str] | None = None) -> None:
        nonlocal current
        close()
        r = Gn11Rule(chapter=chapter, number=number, page=page, lines=[first] if first else [])
        if dated:
            r.effective_from, r.effective_to = dated.get("from"), dated.get("to")
        for n in list(pending_notes):
            subs = _SUBDIVISIONS.search(n["text"])
            if subs and number.isdigit():
                lo, hi = int(subs.group(1)), int(subs.group(2) or subs.group(1))
                if lo <= int(number) <= hi:
                    r.notes.append(n["text"])
                if int(number) >= hi:
                    pending_notes.remove(n)
            else:
                r.notes.append(n["text"])
                pending_notes.remove(n)
        current = {"kind": "rule", "rule": r}

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        m = _PAGE.match(line)
        if m:
            new_page = int(m.group(1))
            if page is not None and new_page != page + 1 and current is not None:
                if current["kind"] == "rule":  # pages missing in between: the rule was cut
                    current["rule"].complete = False
                close()
                current = None
            page = new_page
            continue
        if _END_OF_O.match(line):  # "(p) Goods that shall be deemed to be originating ...": (o) has ended
            break
        m = _CHAPTER.match(line)
        if m:
            close()
            chapter = int(m.group(1))
            pending_notes.clear()
            continue
        m = _SECTION.match(line)
        if m:
            close()
            if m.group(2):  # a section rule: kept as a note of the section, not evaluated
                current = {"kind": "chapter_note", "chapter": 0, "id": f"section {m.group(1).upper()} rule "
                           f"{m.group(2)}", "lines": [m.group(3) or ""], "page": page}
            continue
        m = _CH_RULE.match(line)
        if m:
            close()
            current = {"kind": "chapter_note", "chapter": chapter, "id": f"chapter rule {m.group(1)}",
                       "lines": [m.group(2)], "page": page}
            continue
        m = _SUB_RULE.match(line)
        if m:
            d = _DATED.search(normalize_text(m.group(1)))
            if d:
                dated = {"from": _date(d.group("start"))}
                if d.group("end"):
                    dated["to"] = _date(d.group("end"))
                scope = d.group("scope").strip()
                new_rule(f"subheading rule ({scope}, from {dated['from']})", "", dated)
                assert current is not None  # new_rule opened it
                current["rule"].notes.append(normalize_text(m.group(1)))
            else:
                close()
                current = {"kind": "note", "lines": [m.group(1)], "page": page}
            continue
        m = _NUMBERED.match(line)
        if m:
            new_rule(m.group(1), m.group(2))
            continue
        if current is None:
            current = {"kind": "tail", "lines": [], "page": page}
        if current["kind"] == "rule":
            current["rule"].lines.append(line)
        else:
            current["lines"].append(line)
    last = current
    close()
    if last is not None and last["kind"] == "rule" and last["rule"].complete:
        end = normalize_text(last["rule"].text)
        last["rule"].complete = end.endswith(".") and not end.endswith(":")
    elif last is not None and last["kind"] == "chapter_note":
        note = notes[last["chapter"]][-1]
        note["complete"] = note["text"].endswith(".")
    for r in rules:
        if r.chapter == 0:
            r.complete = False  # a rule before any chapter heading cannot be placed
        _read_rule(r)
    return Gn11Text(rules, notes, tails)
