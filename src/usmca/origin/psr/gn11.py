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

    ``(1)``/``(2)`` lines (or ``(A)``/``(B)`` lines giving RVC thresholds) and a stray
    ``(C) Whether or not ...`` continue the previous sentence.
    """
    qualifier = None
    sentences: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        m = _LABEL.match(line)
        if m and sentences and re.match(r"\d+(?:\.\d+)? percent where", m.group(2)):
            m = None  # "(A) 60 percent where ...": the RVC thresholds of one sentence (GN 11(o) ch. 91 rules 3-8)
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
    scoped = [k for k in groups if k[0]]
    if ((), None) in groups and len(scoped) == 1:  # an alternative whose scope was not read belongs to the
        lost = groups.pop(((), None))              # rule's only scope (kept unsupported, never dropped)
        groups[scoped[0]]["alternatives"].extend(lost["alternatives"])
        groups[scoped[0]]["understood"] = False
    rule.entries = list(groups.values())


def parse_gn11(text: str, *, first_page: int | None = None, first_chapter: int | None = None) -> Gn11Text:
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
    parser = _Parser(first_page, first_chapter or 0)
    for raw in text.splitlines():
        line = raw.strip()
        if line and not parser.feed(line):
            break
    return parser.finish()


class _Parser:
    """The line-by-line state of :func:`parse_gn11`: page, chapter and the block being read.

    ``current`` is the open block: ``{"kind": "rule"|"note"|"chapter_note"|"tail", ...}``.
    """

    def __init__(self, page: int | None, chapter: int) -> None:
        self.rules: list[Gn11Rule] = []
        self.notes: dict[int, list[dict[str, Any]]] = {}
        self.tails: list[dict[str, Any]] = []
        self.page = page
        self.chapter = chapter
        self.current: dict[str, Any] | None = None
        self.pending_notes: list[dict[str, Any]] = []

    def close(self) -> None:
        cur = self.current
        if cur is None:
            return
        kind = cur["kind"]
        if kind == "rule":
            self.rules.append(cur["rule"])
        elif kind == "chapter_note":
            self.notes.setdefault(cur["chapter"], []).append(
                {"id": cur["id"], "text": normalize_text(" ".join(cur["lines"])), "page": cur["page"],
                 "complete": True})
        elif kind == "note":
            self.pending_notes.append({"text": normalize_text(" ".join(cur["lines"])), "page": cur["page"]})
        elif kind == "tail":
            self.tails.append({"page": cur["page"], "chapter": self.chapter or None, "text": "\n".join(cur["lines"])})
        self.current = None

    def new_rule(self, number: str, first: str, dated: dict[str, str] | None = None) -> Gn11Rule:
        self.close()
        r = Gn11Rule(chapter=self.chapter, number=number, page=self.page, lines=[first] if first else [])
        if dated:
            r.effective_from, r.effective_to = dated.get("from"), dated.get("to")
        for n in list(self.pending_notes):
            subs = _SUBDIVISIONS.search(n["text"])
            if subs and number.isdigit():
                lo, hi = int(subs.group(1)), int(subs.group(2) or subs.group(1))
                if lo <= int(number) <= hi:
                    r.notes.append(n["text"])
                if int(number) >= hi:
                    self.pending_notes.remove(n)
            else:
                r.notes.append(n["text"])
                self.pending_notes.remove(n)
        self.current = {"kind": "rule", "rule": r}
        return r

    def feed(self, line: str) -> bool:
        """Read one non-empty line; False when General Note 11(o) has ended."""
        m = _PAGE.match(line)
        if m:
            new_page = int(m.group(1))
            if self.page is not None and new_page != self.page + 1 and self.current is not None:
                if self.current["kind"] == "rule":  # pages missing in between: the rule was cut
                    self.current["rule"].complete = False
                self.close()
            self.page = new_page
            return True
        if _END_OF_O.match(line):  # "(p) Goods that shall be deemed to be originating ...": (o) has ended
            return False
        m = _CHAPTER.match(line)
        if m:
            self.close()
            self.chapter = int(m.group(1))
            self.pending_notes.clear()
            return True
        m = _SECTION.match(line)
        if m:
            self.close()
            if m.group(2):  # a section rule: kept as a note of the section, not evaluated
                self.current = {"kind": "chapter_note", "chapter": 0, "id": f"section {m.group(1).upper()} rule "
                                f"{m.group(2)}", "lines": [m.group(3) or ""], "page": self.page}
            return True
        m = _CH_RULE.match(line)
        if m:
            self.close()
            self.current = {"kind": "chapter_note", "chapter": self.chapter, "id": f"chapter rule {m.group(1)}",
                            "lines": [m.group(2)], "page": self.page}
            return True
        m = _SUB_RULE.match(line)
        if m:
            self._subheading_rule(m.group(1))
            return True
        m = _NUMBERED.match(line)
        if m:
            self.new_rule(m.group(1), m.group(2))
            return True
        if self.current is None:
            self.current = {"kind": "tail", "lines": [], "page": self.page}
        if self.current["kind"] == "rule":
            self.current["rule"].lines.append(line)
        else:
            self.current["lines"].append(line)
        return True

    def _subheading_rule(self, text: str) -> None:
        d = _DATED.search(normalize_text(text))
        if d:
            dated = {"from": _date(d.group("start"))}
            if d.group("end"):
                dated["to"] = _date(d.group("end"))
            scope = d.group("scope").strip()
            self.new_rule(f"subheading rule ({scope}, from {dated['from']})", "", dated).notes.append(
                normalize_text(text))
        else:
            self.close()
            self.current = {"kind": "note", "lines": [text], "page": self.page}

    def finish(self) -> Gn11Text:
        last = self.current
        self.close()
        if last is not None and last["kind"] == "rule" and last["rule"].complete:
            end = normalize_text(last["rule"].text)
            last["rule"].complete = end.endswith(".") and not end.endswith(":")
        elif last is not None and last["kind"] == "chapter_note":
            note = self.notes[last["chapter"]][-1]
            note["complete"] = note["text"].endswith(".")
        for r in self.rules:
            if r.chapter == 0:
                r.complete = False  # a rule before any chapter heading cannot be placed
            _read_rule(r)
        return Gn11Text(self.rules, self.notes, self.tails)
