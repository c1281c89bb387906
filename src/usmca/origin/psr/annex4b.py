"""USMCA Annex 4-B rules read outside General Note 11(o): the chapters no GN 11 text was found for.

``texts/annex4b_extra.yaml`` holds Annex 4-B rules in the treaty's own wording (``64.01-64.05`` / "A
change to heading 64.01 through 64.05 from any heading outside that group, except from subheading
6406.10, provided there is a regional value content of not less than 55 percent under the net cost
method."), each with the URL read, its verification level and the official text it was checked
against. They are read by the same importer as General Note 11 (:func:`.gn11.parse_gn11`): the
sentence above is ``shift: CTH`` except ``64.01-64.05`` (the group) and ``6406.10``, with
``rvc: {nc: 55}`` (Annex 4-B, Section A: "from any heading outside that group"; RVC by the net cost
method only, USMCA Art. 4.5.4).

Annex 4-B does not number its rules; the rule is cited by its designation (``rule: 64.01-64.05``),
since the General Note 11(o) number could not be read. The parts of a chapter no source gave
(``not_found``) are recorded on the chapter document, so the registry shows the chapter as
``partial``; a lookup there answers "not encoded".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .build import chapter_documents
from .gn11 import parse_gn11
from .transcribed import VERIFICATION_LEVELS

__all__ = ["ANNEX_TEXT", "ANNEX_KIND", "annex_documents", "merge_annex"]

ANNEX_TEXT = Path(__file__).resolve().parent / "texts" / "annex4b_extra.yaml"
ANNEX_KIND = "annex4b-text"
_INSTRUMENT = "USMCA Annex 4-B"
_TREATY = "USMCA Annex 4-B, Section B"


def _load() -> dict[str, Any]:
    with open(ANNEX_TEXT, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def annex_documents() -> tuple[dict[int, dict[str, Any]], dict[int, str]]:
    """Chapter documents of ``texts/annex4b_extra.yaml`` and their registry status.

    Returns
    -------
    tuple
        ``({chapter: document}, {chapter: status})``; a chapter with a ``not_found`` part is
        ``partial``, otherwise ``complete``.

    Raises
    ------
    ValueError
        When a rule does not read as one complete rule of its chapter, or names an unknown
        verification level (a broken packaged file: a bug, not a user error).
    """
    spec = _load()
    missing = {int(k): str(v) for k, v in (spec.get("not_found") or {}).items()}
    docs: dict[int, dict[str, Any]] = {}
    for r in spec["rules"]:
        ch, designation, text = int(r["chapter"]), str(r["designation"]), " ".join(str(r["text"]).split())
        if r["verification"] not in VERIFICATION_LEVELS:
            raise ValueError(f"{ch} {designation}: unknown verification {r['verification']!r}")
        parsed = parse_gn11(f"Chapter {ch}\n1. {text}")
        url = str(r["url"])

        def url_of(_page: int | None, u: str = url) -> str:
            return u

        got = chapter_documents([(parsed, url_of, str(r["retrieved_from"]))], str(spec["retrieved"]))
        if list(got) != [ch] or got[ch]["cut_off"] or len(got[ch]["rules"]) != 1:
            raise ValueError(f"{ch} {designation}: does not read as one complete rule")
        rule = got[ch]["rules"][0]
        rule["id"] = f"{ch}-{designation}"
        rule["text"] = text
        rule["reference"] = {
            "instrument": _INSTRUMENT, "treaty": _TREATY,
            "provision": f"USMCA Annex 4-B, Section B, chapter {ch}, {designation}",
            "chapter": ch, "rule": designation, "url": r["url"], "retrieved_from": r["retrieved_from"],
            "verification": r["verification"], "verified_how": r["verified_how"],
            "checked_against": r.get("checked_against") or [],
        }
        d = docs.setdefault(ch, {"chapter": ch, "source": {
            "instrument": _INSTRUMENT, "treaty": _TREATY, "retrieved": str(spec["retrieved"]),
            "retrieved_from": f"Annex 4-B text read outside General Note 11 (texts/annex4b_extra.yaml): {r['retrieved_from']}",
            "kinds": [ANNEX_KIND], "verification": r["verification"], "urls": []}, "notes": [], "rules": [], "cut_off": []})
        if r["url"] not in d["source"]["urls"]:
            d["source"]["urls"].append(r["url"])
        d["rules"].append(rule)
    for ch, d in docs.items():
        if ch in missing:
            d["source"]["not_found"] = missing[ch]
    return docs, {ch: "partial" if ch in missing else "complete" for ch in docs}


def merge_annex(docs: dict[int, dict[str, Any]], status: dict[int, str]
                ) -> tuple[dict[int, dict[str, Any]], dict[int, str]]:
    """Add the Annex 4-B chapters to a library build where it has no rule for them.

    A chapter that a General Note 11 text already gives is kept as it is: General Note 11(o) is the US
    implementation of Annex 4-B and the text the engine cites first.
    """
    extra, extra_status = annex_documents()
    out, st = dict(docs), dict(status)
    for ch, d in extra.items():
        if ch not in out or not out[ch]["rules"]:
            out[ch], st[ch] = d, extra_status[ch]
    return out, st
