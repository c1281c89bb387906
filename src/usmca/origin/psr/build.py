"""Write parsed General Note 11(o) rules as the YAML library (one file per chapter) and registry.

The registry (``registry.csv`` beside the chapter files) has one row per HS chapter 1-97: whether
the chapter's rules are encoded, how many rules and alternatives, how many alternatives carry a
condition the engine cannot evaluate, how many rules were cut off in the source (not encoded),
and the source and URL(s) they were read from. ``source_kind`` says which texts the chapter was
read from: ``shared-excerpts`` (``shared/data/legal/gn11``), ``harvested-excerpts`` (further pages
of the same mirror, :mod:`.harvest`), both joined by ``+``, or ``import`` (a user's text).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from .gn11 import Gn11Rule, Gn11Text

__all__ = ["INSTRUMENT", "TREATY", "chapter_documents", "write_library", "REGISTRY_COLUMNS"]

INSTRUMENT = "HTSUS General Note 11(o)"
TREATY = "USMCA Annex 4-B, Section B"
REGISTRY_COLUMNS = ["chapter", "status", "rules", "entries", "alternatives", "alternatives_unsupported",
                    "rules_cut_off", "pages", "source", "source_kind", "verification", "url", "retrieved"]
_SOURCE_KEYS = ["instrument", "treaty", "retrieved", "retrieved_from", "kinds", "verification", "harvest_status",
                "urls"]


def _reference(rule: Gn11Rule, url: str, retrieved_from: str) -> dict[str, Any]:
    return {
        "instrument": INSTRUMENT,
        "treaty": TREATY,
        "provision": f"General Note 11(o), chapter {rule.chapter}, rule {rule.number}",
        "chapter": rule.chapter,
        "rule": rule.number,
        "url": url,
        "retrieved_from": retrieved_from,
        **({"page": rule.page} if rule.page is not None else {}),
    }


def chapter_documents(parsed: Iterable[tuple[Gn11Text, Callable[[int | None], str], str]],
                      retrieved: str | None = None) -> dict[int, dict[str, Any]]:
    """Chapter documents of the library from parsed texts.

    Parameters
    ----------
    parsed
        Triples ``(text, url_of_page, retrieved_from)``: a parsed text, a function giving the URL of
        a page number (``None`` for a text without pages), and a sentence naming the source.
    retrieved
        Retrieval date (ISO); default today.

    Returns
    -------
    dict
        ``{chapter: document}`` holding only the complete rules (a rule cut off in the source is
        counted in ``cut_off`` and not encoded).
    """
    day = retrieved or dt.date.today().isoformat()
    docs: dict[int, dict[str, Any]] = {}

    def doc(ch: int) -> dict[str, Any]:
        return docs.setdefault(ch, {"chapter": ch, "source": {"instrument": INSTRUMENT, "treaty": TREATY,
                                                               "retrieved": day, "urls": []},
                                    "notes": [], "rules": [], "cut_off": []})

    for text, url_of, retrieved_from in parsed:
        for ch, notes in text.chapter_notes.items():
            for n in notes:
                if not n.get("complete", True) or not ch:
                    continue
                d = doc(ch)
                d["notes"].append({"id": n["id"], "text": n["text"], "reference": {
                    "instrument": INSTRUMENT, "treaty": TREATY, "provision": f"General Note 11(o), chapter {ch}, "
                    f"{n['id']}", "url": url_of(n.get("page")), "retrieved_from": retrieved_from}})
        for r in text.rules:
            if not r.chapter:
                continue
            d = doc(r.chapter)
            url = url_of(r.page)
            if url not in d["source"]["urls"]:
                d["source"]["urls"].append(url)
            if not r.complete:
                d["cut_off"].append({"rule": r.number, "page": r.page})
                continue
            for k, e in enumerate(r.entries):
                d["rules"].append({
                    "id": f"{r.chapter}-{r.number}" + (f"/{k + 1}" if len(r.entries) > 1 else ""),
                    "hs": e["hs"], "goods": e["goods"],
                    "effective_from": r.effective_from, "effective_to": r.effective_to,
                    "alternatives": e["alternatives"],
                    "text": (f"{r.number}. " if r.number.isdigit() else "") + r.text, "notes": list(r.notes),
                    "reference": _reference(r, url, retrieved_from),
                })
    for d in docs.values():
        d["cut_off"] = sorted(d["cut_off"], key=lambda x: (x["page"] or 0, x["rule"]))
    return docs


def _registry_row(ch: int, d: dict[str, Any] | None, status: str) -> dict[str, Any]:
    if d is None:
        return {"chapter": ch, "status": status, "rules": 0, "entries": 0, "alternatives": 0,
                "alternatives_unsupported": 0, "rules_cut_off": 0, "pages": "", "source": "", "source_kind": "",
                "verification": "", "url": "", "retrieved": ""}
    alts = [a for r in d["rules"] for a in r["alternatives"]]
    unsup = sum(1 for r in d["rules"] for a in r["alternatives"] if a.get("unsupported") or r.get("goods"))
    pages = sorted({r["reference"].get("page") for r in d["rules"] if r["reference"].get("page") is not None}
                   | {c["page"] for c in d["cut_off"] if c["page"] is not None})
    return {"chapter": ch, "status": status, "rules": len({r["reference"]["rule"] for r in d["rules"]}),
            "entries": len(d["rules"]), "alternatives": len(alts), "alternatives_unsupported": unsup,
            "rules_cut_off": len(d["cut_off"]), "pages": " ".join(map(str, pages)),
            "source": d["source"]["instrument"] + " (" + d["source"].get("retrieved_from", "see urls") + ")",
            "source_kind": "+".join(d["source"].get("kinds") or ["import"]),
            "verification": " ".join(f"{k}:{v}" for k, v in sorted(_verification_counts(d["rules"]).items())),
            "url": " ".join(d["source"]["urls"]), "retrieved": d["source"]["retrieved"]}


def _verification_counts(rules: list[dict[str, Any]]) -> dict[str, int]:
    from .transcribed import verification_of

    out: dict[str, int] = {}
    for r in rules:
        v = verification_of(r)
        out[v] = out.get(v, 0) + 1
    return out


def write_library(docs: dict[int, dict[str, Any]], out: Path, status: dict[int, str] | None = None,
                  source_note: str = "") -> list[Path]:
    """Write ``chNN.yaml`` per chapter and ``registry.csv`` into ``out`` (created if needed).

    Parameters
    ----------
    docs
        From :func:`chapter_documents`.
    out
        Target folder.
    status
        Status per chapter (``complete``, ``partial``, ``fragment``); default ``imported`` for
        chapters with rules and ``missing`` for the others.
    source_note
        Sentence naming the source, stored in each file's ``source.retrieved_from`` (unless the
        document already names its own, as merged harvested chapters do).

    Returns
    -------
    list of Path
        The files written.
    """
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for ch, d in sorted(docs.items()):
        if source_note:
            d["source"].setdefault("retrieved_from", source_note)
        src = d["source"]
        d["source"] = {k: src[k] for k in _SOURCE_KEYS if k in src} | {k: v for k, v in src.items()
                                                                      if k not in _SOURCE_KEYS}
        f = out / f"ch{ch:02d}.yaml"
        with open(f, "w", encoding="utf-8") as fh:
            fh.write(f"# USMCA product-specific rules, HS chapter {ch}: {INSTRUMENT} ({TREATY}).\n"
                     "# Generated by usmca.origin.psr (importer of the General Note 11 text); every rule "
                     "keeps its legal text and source URL.\n")
            yaml.safe_dump(d, fh, sort_keys=False, allow_unicode=True, width=110)
        written.append(f)
    reg = out / "registry.csv"
    with open(reg, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=REGISTRY_COLUMNS)
        w.writeheader()
        for ch in range(1, 98):
            doc = docs.get(ch)
            st = (status or {}).get(ch) or ("imported" if doc and doc["rules"] else "missing")
            if ch == 77:
                st = "reserved"
            w.writerow(_registry_row(ch, doc, st))
    written.append(reg)
    return written
