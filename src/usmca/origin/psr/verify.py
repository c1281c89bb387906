"""Compare the library's rules, word for word, with another copy of General Note 11(o).

A rule of the library keeps its legal text (``text``) and says how it was verified
(``reference.verification``). This module reads a second text of General Note 11(o) in the USITC
layout (the official PDF or HTML of hts.usitc.gov turned into text, a mirror page, a transcription)
with the same importer (:func:`.gn11.parse_gn11`) and compares every rule it finds with the
library's rule of the same chapter and number:

``same``             the two texts are identical once canonicalised (white space, quotation marks,
                     the page headers and "[Compiler's note: ...]" remarks of the USITC layout);
``agrees-so-far``    the second text is cut off (a page excerpt) and the library's text begins with
                     all of it: the rule agrees as far as the second text goes;
``differs``          the texts differ; the first differing words of each are reported;
``not-in-library``   a complete rule of the second text that the library does not hold.

Comparing with an official text is how a rule earns ``verification: official-text-read``; comparing
a transcription with a mirror excerpt corroborates the transcription (``reference.cross_check``,
see :func:`cross_check_documents`) without changing its verification level.

>>> canonical("(1) 60  percent\\u2019s  [Compiler's note: x] page 114 USMCA")
"(1) 60 percent's"
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any, Iterable

from .gn11 import parse_gn11

__all__ = ["canonical", "compare_text", "verify_text", "verify_pages", "cross_check_documents", "STATUSES"]

STATUSES = ("same", "agrees-so-far", "differs", "not-in-library")
_NOTE = re.compile(r"\[Compiler's note:[^\]]*\]", re.I)
_HEADER = re.compile(r"\bpage \d+\s+USMCA\b", re.I)
_SPACE_AFTER = re.compile(r"([,;)])(?=[A-Za-z])")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def canonical(text: str) -> str:
    """A rule's text with the layout removed: headers, compiler's notes, quotes and white space (a
    space missing after a comma, semicolon or closing parenthesis before a word, as the mirror prints
    "group,except" or "(A)A change", is restored)."""
    t = _HEADER.sub(" ", _NOTE.sub(" ", text.translate(_QUOTES)))
    t = _SPACE_AFTER.sub(r"\1 ", t)
    return " ".join(t.split())


def _body(text: str, number: str) -> str:
    """The rule's text without the ``"N. "`` the library prefixes to a numbered rule."""
    t = canonical(text)
    return t[len(number) + 2:] if number.isdigit() and t.startswith(f"{number}. ") else t


def compare_text(ours: str, theirs: str, theirs_complete: bool = True) -> dict[str, Any]:
    """Compare the library's text of one rule with another copy of it (both canonicalised).

    Returns
    -------
    dict
        ``{"status": ..., "agree_chars": n}`` and, when they differ, ``"ours"`` / ``"theirs"``: the
        text of each from the first difference (60 characters).
    """
    a, b = canonical(ours), canonical(theirs)
    if a == b:
        return {"status": "same", "agree_chars": len(a)}
    if not theirs_complete and a.startswith(b):
        return {"status": "agrees-so-far", "agree_chars": len(b)}
    n = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return {"status": "differs", "agree_chars": n, "ours": a[n:n + 60], "theirs": b[n:n + 60]}


def verify_text(text: str, library: dict[int, dict[str, Any]], *, first_page: int | None = None,
                first_chapter: int | None = None, source: str = "") -> list[dict[str, Any]]:
    """Findings for every rule of ``text`` (General Note 11(o) in the USITC layout).

    Parameters
    ----------
    text
        The second copy of the text.
    library
        ``{chapter: document}`` of the library (``rules`` with ``text`` and ``reference.rule``).
    first_page, first_chapter
        For a page excerpt that starts inside a chapter (as :func:`.gn11.parse_gn11`).
    source
        Where ``text`` was read (kept on each finding).
    """
    parsed = parse_gn11(text, first_page=first_page, first_chapter=first_chapter)
    out: list[dict[str, Any]] = []
    for r in parsed.rules:
        if not r.chapter:
            continue
        doc = library.get(r.chapter) or {}
        ours = [x for x in doc.get("rules", []) if str(x["reference"].get("rule")) == r.number
                and (x.get("effective_from") == r.effective_from or "nomenclature" in x["reference"])]
        row: dict[str, Any] = {"chapter": r.chapter, "rule": r.number, "source": source, "page": r.page,
                               "complete": r.complete}
        if not ours:
            if r.complete:
                out.append({**row, "status": "not-in-library"})
            continue
        first = ours[0]
        found = compare_text(_body(first["text"], r.number), r.text, r.complete)
        out.append({**row, **found, "ids": [x["id"] for x in ours],
                    "verification": first["reference"].get("verification", "mirror-excerpt")})
    return out


def verify_pages(folder: Path, library: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`verify_text` over a folder of page excerpts with an ``index.csv`` (``page, file, url,
    kind, chapters``: the layout of ``shared/data/legal/gn11``); only the PSR pages are read."""
    with open(folder / "index.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("kind", "PSR").startswith("PSR")]
    out: list[dict[str, Any]] = []
    for row in rows:
        text = (folder / row["file"]).read_text(encoding="utf-8")
        out.extend(verify_text(text, library, first_page=int(row["page"]),
                               first_chapter=int(row["chapters"].split()[0]), source=row["url"]))
    return out


def cross_check_documents(docs: dict[int, dict[str, Any]], findings: Iterable[dict[str, Any]]) -> int:
    """Record on each transcribed rule what a mirror excerpt says of it (``reference.cross_check``).

    Only rules the transcription supplied (``verification: transcription-only``) are annotated; their
    verification level is not changed (a mirror is not the official text). Returns how many rules
    were annotated.
    """
    n = 0
    for f in findings:
        if f["status"] not in ("same", "agrees-so-far", "differs") or f.get("verification") != "transcription-only":
            continue
        for r in docs.get(f["chapter"], {}).get("rules", []):
            if r["id"] in f["ids"]:
                r["reference"]["cross_check"] = {
                    "against": f["source"], "status": f["status"], "agree_chars": f["agree_chars"],
                    **({"differs": {"library": f["ours"], "other": f["theirs"]}} if f["status"] == "differs" else {}),
                }
                n += 1
    return n
