"""General Note 11(o) pages harvested beyond ``shared/data``, and their place in the packaged library.

The page excerpts under ``shared/data/legal/gn11`` cover 19 pages of HTSUS General Note 11(o).
More pages of the same mirror of the USITC text (customsmobile.com / checkoutapi.com, the first
~2,000 characters of each page) were collected by hand into a folder outside the repository
(third-party text stays out of it)::

    index.csv        page,file,url,first_chapter      (first_chapter: chapter the page starts in)
    page_083.txt     the excerpt, starting "page 83 USMCA"

Those pages are read by the same importer (:func:`.gn11.parse_gn11`); the rules read in full are
committed to the packaged library as data, each with the URL of its page and ``retrieved_from``
starting with :data:`HARVEST_SOURCE`. Rebuilding the library from ``shared/data`` alone
(:func:`.sources.build_from_fragments`) keeps them by reading them back from the committed chapter
files (:func:`committed_harvest`), so the library stays reproducible and the harvested rules stay
checked (tests re-read every harvested rule from its stored text).

Chapter status of a harvested chapter (registry): ``complete`` when its heading and the next
chapter heading (or subdivision (p), which ends (o)) both appear in one excerpt with no rule cut,
``partial`` otherwise.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any, Callable

import yaml

from .build import chapter_documents
from .gn11 import Gn11Text, parse_gn11

__all__ = ["HARVEST_SOURCE", "HARVEST_KIND", "FRAGMENT_KIND", "read_harvest", "harvest_documents",
           "committed_harvest", "merge_documents"]

HARVEST_SOURCE = ("USITC HTSUS General Note 11 (USMCA) as reproduced on the customsmobile.com / "
                  "checkoutapi.com mirror, harvested page excerpt")
HARVEST_KIND = "harvested-excerpts"
FRAGMENT_KIND = "shared-excerpts"
HARVEST_RETRIEVED = "2026-11-23"
_HEADING = re.compile(r"^\s*Chapter\s+(\d{1,2})\s*$", re.M)
_END_OF_O = re.compile(r"^\s*\(p\)\s+[A-Z]", re.M)
_PAGE_IN_URL = re.compile(r"[?&]page=(\d+)")

Parsed = tuple[Gn11Text, Callable[[int | None], str], str]



def _same_url(url: str) -> Callable[[int | None], str]:
    """The page URL of a harvested page, whatever page number is asked for."""
    return lambda _page: url

def _closed_chapters(text: str) -> set[int]:
    """Chapters whose heading and the following boundary (next heading or "(p)") are both in ``text``."""
    heads = [(m.start(), int(m.group(1))) for m in _HEADING.finditer(text)]
    end = _END_OF_O.search(text)
    out = set()
    for i, (_pos, ch) in enumerate(heads):
        if i + 1 < len(heads) or (end is not None and end.start() > heads[i][0]):
            out.add(ch)
    return out


def read_harvest(folder: Path, exclude_pages: set[int] | None = None) -> tuple[list[Parsed], dict[int, str]]:
    """Parse the harvested pages of ``folder`` (see the module docstring for its layout).

    Parameters
    ----------
    folder
        Folder holding ``index.csv`` and the page files.
    exclude_pages
        Pages already read from ``shared/data`` (not read twice).

    Returns
    -------
    (list, dict)
        Triples ``(parsed text, url of page, retrieved_from)`` for :func:`.build.chapter_documents`,
        and the status per chapter (``complete`` / ``partial``).
    """
    with open(folder / "index.csv", newline="", encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: int(r["page"]))
    parsed: list[Parsed] = []
    closed: set[int] = set()
    seen: set[int] = set()
    cut: set[int] = set()
    for row in rows:
        page = int(row["page"])
        if exclude_pages and page in exclude_pages:
            continue
        text = (folder / row["file"]).read_text(encoding="utf-8")
        p = parse_gn11(text, first_page=page, first_chapter=int(row["first_chapter"]))
        closed |= _closed_chapters(text)
        seen |= {r.chapter for r in p.rules if r.chapter}
        cut |= {r.chapter for r in p.rules if not r.complete} | {t["chapter"] for t in p.tails if t["chapter"]}
        parsed.append((p, _same_url(row["url"]), f"{HARVEST_SOURCE} {page}"))
    status = {ch: "complete" if ch in closed and ch not in cut else "partial" for ch in seen}
    return parsed, status


def harvest_documents(folder: Path, exclude_pages: set[int] | None = None) -> tuple[dict[int, dict[str, Any]],
                                                                                   dict[int, str]]:
    """Chapter documents (as :func:`.build.chapter_documents`) of the harvested pages, marked as such."""
    parsed, status = read_harvest(folder, exclude_pages)
    docs = chapter_documents(parsed, HARVEST_RETRIEVED)
    for ch, d in docs.items():
        by_page = {_page_of(u): u for u in d["source"]["urls"]}
        for c in d["cut_off"]:
            c["source"] = HARVEST_KIND
            c["url"] = by_page.get(c["page"] or 0, "")
        d["source"]["harvest_status"] = status.get(ch, "partial")
    return docs, status


def _is_harvested(ref: dict[str, Any]) -> bool:
    return str(ref.get("retrieved_from", "")).startswith(HARVEST_SOURCE)


def committed_harvest(library: Path) -> tuple[dict[int, dict[str, Any]], dict[int, str]]:
    """The harvested rules, notes and cut-off records already committed in a library folder."""
    docs: dict[int, dict[str, Any]] = {}
    status: dict[int, str] = {}
    for f in sorted(library.glob("ch[0-9][0-9].yaml")):
        doc = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        rules = [r for r in doc.get("rules", []) if _is_harvested(r.get("reference", {}))]
        notes = [n for n in doc.get("notes", []) if _is_harvested(n.get("reference", {}))]
        cut = [c for c in doc.get("cut_off", []) if c.get("source") == HARVEST_KIND]
        if not (rules or notes or cut):
            continue
        ch = int(doc["chapter"])
        src = doc.get("source", {})
        urls = sorted({r["reference"]["url"] for r in rules} | {n["reference"]["url"] for n in notes}
                      | {c["url"] for c in cut if "url" in c}, key=_page_of)
        docs[ch] = {"chapter": ch, "source": {"instrument": src.get("instrument"), "treaty": src.get("treaty"),
                                              "retrieved": HARVEST_RETRIEVED, "urls": urls,
                                              "harvest_status": src.get("harvest_status", "partial")},
                    "notes": notes, "rules": rules, "cut_off": cut}
        status[ch] = docs[ch]["source"]["harvest_status"]
    return docs, status


def _page_of(url: str) -> int:
    m = _PAGE_IN_URL.search(url)
    return int(m.group(1)) if m else 0


def merge_documents(base: dict[int, dict[str, Any]], base_status: dict[int, str], extra: dict[int, dict[str, Any]],
                    extra_status: dict[int, str]) -> tuple[dict[int, dict[str, Any]], dict[int, str]]:
    """Merge harvested chapter documents into those built from ``shared/data``.

    Rules are ordered by page (stable within a page); a rule id already present in ``base`` (same
    effective date) is not added twice. The chapter status is ``complete`` if either source read
    the whole chapter, else ``partial`` (or the base status when nothing was harvested).
    """
    out: dict[int, dict[str, Any]] = {}
    status = dict(base_status)
    for ch in sorted(set(base) | set(extra)):
        b, e = base.get(ch), extra.get(ch)
        if e is None:
            assert b is not None
            b["source"]["kinds"] = [FRAGMENT_KIND]
            out[ch] = b
            continue
        if b is None:
            d = {**e, "source": {**e["source"], "kinds": [HARVEST_KIND],
                                 "retrieved_from": HARVEST_SOURCE + "s (first ~2,000 characters of each page)"}}
            d["source"]["urls"] = sorted(d["source"]["urls"], key=_page_of)
            out[ch] = d
            status[ch] = extra_status.get(ch, "partial")
            continue
        keys = {(r["id"], r.get("effective_from")) for r in b["rules"]}
        rules = b["rules"] + [r for r in e["rules"] if (r["id"], r.get("effective_from")) not in keys]
        note_ids = {n["id"] for n in b["notes"]}
        d = {**b, "notes": b["notes"] + [n for n in e["notes"] if n["id"] not in note_ids],
             "rules": sorted(rules, key=lambda r: r["reference"].get("page") or 0),
             "cut_off": sorted(b["cut_off"] + e["cut_off"], key=lambda c: (c["page"] or 0, c["rule"]))}
        d["source"] = {**b["source"], "kinds": [FRAGMENT_KIND, HARVEST_KIND],
                       "urls": sorted(set(b["source"]["urls"]) | set(e["source"]["urls"]), key=_page_of),
                       "harvest_status": e["source"].get("harvest_status", "partial")}
        out[ch] = d
        both = {base_status.get(ch), extra_status.get(ch)}
        status[ch] = "complete" if "complete" in both else "partial"
    return out, status
