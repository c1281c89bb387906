"""Read General Note 11 text from a file, a URL, or the fragments under ``shared/data``.

* :func:`read_source` takes a path or an ``http(s)`` URL (network only then) holding the USITC
  text: plain text, HTML (tags stripped, block elements become line breaks) or PDF (when the
  optional ``pypdf`` package is installed; otherwise the user is told to convert it to text).
* :func:`build_from_fragments` rebuilds the packaged library from the General Note 11 page
  excerpts under ``shared/data/legal/gn11`` (``index.csv`` gives each page's URL and the chapter
  it starts in; ``chapter_coverage.csv`` how complete each chapter's text is), merging in the
  rules read from further harvested pages (:mod:`.harvest`).
"""

from __future__ import annotations

import csv
import html
import http.client
import re
import urllib.request
from pathlib import Path
from typing import Any

from usmca.errors import UserInputError

from .annex4b import merge_annex
from .build import chapter_documents, write_library
from .gn11 import Gn11Text, parse_gn11
from .harvest import FRAGMENT_KIND, HARVEST_KIND, HARVEST_SOURCE, committed_harvest, harvest_documents, merge_documents
from .transcribed import fill_from_transcription, transcribed_documents
from .verify import cross_check_documents, verify_pages

__all__ = ["read_source", "html_to_text", "import_text", "build_from_fragments", "FRAGMENT_SOURCE"]

FRAGMENT_SOURCE = ("USITC HTSUS General Note 11 (USMCA) as reproduced on the customsmobile.com / "
                   "checkoutapi.com mirror, page excerpt")
_BLOCK = re.compile(r"<\s*(?:br|/p|/div|/li|/tr|/h\d|p|div|li|tr|h\d)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")


def html_to_text(s: str) -> str:
    """Plain text of an HTML page: block elements become line breaks, tags and scripts go."""
    s = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", s)
    s = _BLOCK.sub("\n", s)
    s = _TAG.sub(" ", s)
    return "\n".join(" ".join(line.split()) for line in html.unescape(s).splitlines())


def _pdf_text(data: bytes, name: str) -> str:
    try:
        import io

        import pypdf  # optional
    except ModuleNotFoundError:
        raise UserInputError(name, "", name, "a PDF needs the optional package pypdf (pip install pypdf), "
                                             "or convert it to text first (pdftotext -layout)") from None
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def read_source(source: str, *, timeout: float = 60.0) -> str:
    """The text of General Note 11 from a path or an ``http(s)`` URL.

    Raises
    ------
    UserInputError
        When the file is missing or unreadable, the URL cannot be fetched, or the content is empty.
    """
    if re.match(r"^https?://", source):
        try:
            req = urllib.request.Request(source, headers={"User-Agent": "usmca-toolkit"})
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - user-given URL
                data = resp.read()
                ctype = resp.headers.get("Content-Type", "")
        except (OSError, ValueError, http.client.HTTPException) as exc:  # URL, network, HTTP: the user's to fix
            raise UserInputError(source, "", source, f"cannot download: {exc}") from None
    else:
        p = Path(source)
        if not p.is_file():
            raise UserInputError(source, "", source, "no such file")
        data = p.read_bytes()
        ctype = ""
    if data[:5] == b"%PDF-" or "pdf" in ctype:
        text = _pdf_text(data, source)
    else:
        text = data.decode("utf-8-sig", errors="replace")
        if "html" in ctype or re.search(r"(?i)<html|<body|<p[ >]", text[:5000]):
            text = html_to_text(text)
    if not text.strip():
        raise UserInputError(source, "", source, "the file holds no text")
    return text


def import_text(text: str, source: str, out: Path, *, retrieved: str | None = None) -> dict[str, Any]:
    """Parse General Note 11(o) text and write the library into ``out``.

    Returns
    -------
    dict
        Summary: chapters written, rules encoded, rules cut off, files.
    """
    parsed: Gn11Text = parse_gn11(text)
    if not parsed.rules:
        raise UserInputError(source, "", source[:80], "no General Note 11(o) rule found (expected lines such "
                                                      "as 'Chapter 84' and '3. A change to heading ...')")
    docs = chapter_documents([(parsed, lambda _p: source, f"imported from {source}")], retrieved)
    files = write_library(docs, out, source_note=f"imported from {source}")
    return {"source": source, "out": str(out), "chapters": sorted(docs),
            "rules": sum(len(d["rules"]) for d in docs.values()),
            "cut_off": sum(len(d["cut_off"]) for d in docs.values()),
            "files": [str(f) for f in files]}


def build_from_fragments(shared: Path, out: Path, *, retrieved: str = "2026-11-23",
                         harvest: Path | None = None) -> dict[str, Any]:
    """Rebuild the packaged library from the General Note 11 page excerpts in ``shared``.

    Parameters
    ----------
    shared
        The ``shared/data`` folder (:func:`usmca.paths.shared_data_dir`).
    out
        Where to write (the package's ``library`` folder when rebuilding the shipped data).
    retrieved
        The date the excerpts were collected (``legal/README.md``).
    harvest
        Further pages to merge in (:mod:`.harvest`): a folder of harvested page excerpts (with
        ``index.csv``), or a library folder whose committed harvested rules are kept (the packaged
        library, to rebuild it reproducibly without the harvested texts). ``None``: excerpts only.
    """
    gn = shared / "legal" / "gn11"
    with open(gn / "index.csv", newline="", encoding="utf-8") as fh:
        pages = [r for r in csv.DictReader(fh) if r["kind"].startswith("PSR")]
    with open(gn / "chapter_coverage.csv", newline="", encoding="utf-8") as fh:
        status = {int(r["hs_chapter"]): r["gn11_o_text_status"].split(" ")[0] for r in csv.DictReader(fh)}
    parsed = []
    shared_pages = {int(r["page"]) for r in pages}
    for row in pages:
        page = int(row["page"])
        text = (gn / row["file"]).read_text(encoding="utf-8")
        first = int(row["chapters"].split()[0])
        url = row["url"]
        parsed.append((parse_gn11(text, first_page=page, first_chapter=first), lambda _p, u=url: u,
                       f"{FRAGMENT_SOURCE} {page}"))
    docs = chapter_documents(parsed, retrieved)
    note = FRAGMENT_SOURCE + "s (first ~2,000 characters of each page; see registry.csv for what is encoded)"
    extra: dict[int, dict[str, Any]] = {}
    extra_status: dict[int, str] = {}
    if harvest is not None and (harvest / "index.csv").is_file():
        extra, extra_status = harvest_documents(harvest, exclude_pages=shared_pages)
    elif harvest is not None:
        extra, extra_status = committed_harvest(harvest)
    docs, status = merge_documents(docs, status, extra, extra_status)
    tdocs, tstatus = transcribed_documents()
    for d in docs.values():
        if d["source"]["kinds"] == [FRAGMENT_KIND, HARVEST_KIND]:
            d["source"]["retrieved_from"] = f"{note}; and {HARVEST_SOURCE}s (see urls)"
    for ch in sorted(tdocs):  # chapters read in no mirror excerpt, or whose excerpt gave no complete rule
        if ch not in docs or not docs[ch]["rules"]:
            docs[ch], status[ch] = tdocs[ch], tstatus[ch]
        else:  # rules the excerpts cut off or never reached, where the transcription holds them
            docs[ch]["source"].setdefault("retrieved_from", note)
            docs[ch] = fill_from_transcription(docs[ch], tdocs[ch])
    cross_check_documents(docs, verify_pages(gn, docs))  # transcribed rules against the excerpts that cut them
    docs, status = merge_annex(docs, status)  # chapters no General Note 11 text gave (texts/annex4b_extra.yaml)
    files = write_library(docs, out, status=status, source_note=note)
    return {"chapters": sorted(docs), "rules": sum(len(d["rules"]) for d in docs.values()),
            "files": [str(f) for f in files]}


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import sys

    from usmca.paths import shared_data_dir

    # python -m usmca.origin.psr.sources [TARGET] [HARVEST_FOLDER]; without HARVEST_FOLDER the harvested
    # rules already committed in the packaged library are kept.
    package = Path(__file__).resolve().parent / "library"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else package
    harvest = Path(sys.argv[2]) if len(sys.argv) > 2 else package
    d = shared_data_dir()
    if d is None:
        raise SystemExit("shared/data not found")
    print(build_from_fragments(d, target, harvest=harvest))
