"""Routes of the dashboard page: example BOMs, BOM upload, HTS search, offline API docs.

=============================  ==================================================================
``GET /examples``              the example bills of materials shipped with the package
``GET /examples/{name}``       one example as YAML text (the page loads it into the form)
``POST /dashboard/qualify``    an uploaded BOM file (raw body; ``?filename=`` says its type: YAML,
                               JSON, CSV or XLSX) -> the document of ``POST /origin/qualify``
``GET /hts/search``            ``?q=&date=``: HTS lines whose code starts with, or whose
                               description contains, ``q``
``GET /docs``, ``GET /redoc``  Swagger UI and ReDoc from the assets of the ``fastapi-offline``
                               package (served from here: no CDN)
=============================  ==================================================================

An uploaded file is read in memory and forgotten: nothing is stored on the server. A file that is
too large, not a BOM or malformed is a :class:`usmca.errors.UserInputError` (HTTP 422, one line).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Optional

from fastapi import APIRouter, Query, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from usmca.errors import UserInputError

from . import review_jobs
from .bodies import RunBody, schema_of
from .body import MAX_BODY_BYTES, body_doc, read_body
from .responses import JSONDocument
from .spec import DATE_PATTERN, SEARCH_PATTERN, not_in_data

__all__ = ["router", "bom_from_upload", "hts_search_doc", "DOCS_CSP"]

router = APIRouter(tags=["dashboard"])

#: Suffixes of the BOM files the upload accepts.
BOM_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")
#: Most HTS lines one search returns.
MAX_HITS = 40
#: The API docs pages load their script and style from this server only.
DOCS_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; "
            "frame-ancestors 'none'")


@functools.lru_cache(maxsize=1)
def _assets() -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


def bom_from_upload(raw: bytes, filename: str) -> Any:
    """The BOM document of an uploaded file (a mapping, or ``{"boms": [...]}`` for several goods).

    Raises
    ------
    UserInputError
        When the file is larger than :data:`usmca.api.body.MAX_BODY_BYTES`, its suffix is not one of
        :data:`BOM_SUFFIXES`, or it cannot be read as a BOM (the reader's one line).
    """
    name = Path(filename or "").name
    suffix = Path(name).suffix.lower()
    if len(raw) > MAX_BODY_BYTES:
        raise UserInputError(name or "upload", "", f"{len(raw)} bytes", f"file larger than {MAX_BODY_BYTES} bytes")
    if suffix not in BOM_SUFFIXES:
        raise UserInputError(name or "upload", "filename", name, f"not a BOM file: expected {', '.join(BOM_SUFFIXES)}")
    if not raw.strip():
        raise UserInputError(name, "", "", "the file is empty")
    if suffix in (".csv", ".xlsx"):
        return _spreadsheet(raw, name, suffix)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UserInputError(name, "", f"{len(raw)} bytes", "not a text file (a YAML or JSON BOM is UTF-8 text)") from None
    doc = read_body(raw, "application/json" if suffix == ".json" else "application/yaml")
    if not isinstance(doc, dict) or not ({"good", "bom", "boms"} & set(doc)):
        raise UserInputError(name, "", type(doc).__name__, "not a BOM: expected a mapping with 'good' and 'materials'")
    return doc


def _spreadsheet(raw: bytes, name: str, suffix: str) -> Any:
    """BOM mappings of a CSV/XLSX upload (:mod:`usmca.origin.spreadsheet`), read from a private
    temporary folder that is removed before the answer is sent."""
    import tempfile

    from usmca.origin.spreadsheet import spreadsheet_dicts
    from usmca.origin.spreadsheet_cells import read_book

    with tempfile.TemporaryDirectory(prefix="usmca-upload-") as d:
        p = Path(d) / f"upload{suffix}"
        p.write_bytes(raw)
        try:
            book = read_book(p)
        except UserInputError as exc:
            raise UserInputError(name, exc.field, exc.value, exc.reason) from None
        boms = [b for b, _, _ in spreadsheet_dicts(book)]
    return boms[0] if len(boms) == 1 else {"boms": boms}


@router.get("/examples", response_class=JSONDocument, summary="Example bills of materials")
def get_examples() -> JSONDocument:
    """Name, description and HS code of each example BOM shipped with the package."""
    import yaml

    from usmca.examples import example_boms

    rows = []
    for p in example_boms():
        good = (yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("good", {})
        rows.append({"name": p.stem, "file": p.name, "description": good.get("description"), "hs": str(good.get("hs"))})
    return JSONDocument({"examples": rows})


@router.get("/examples/{name}", response_class=JSONDocument, summary="One example BOM as YAML text")
def get_example(name: str) -> JSONDocument:
    """The YAML text of the example ``name`` (as ``GET /examples`` lists them)."""
    from usmca.examples import EXAMPLE_NAMES, example_bom

    try:
        p = example_bom(name)
    except KeyError:
        raise UserInputError("path", "name", name, f"no such example; one of {', '.join(EXAMPLE_NAMES)}") from None
    return JSONDocument({"name": p.stem, "file": p.name, "yaml": p.read_text(encoding="utf-8")})


@router.post("/dashboard/qualify", response_class=JSONDocument, summary="Qualify an uploaded BOM file",
             openapi_extra={"requestBody": {"required": True, "description": "The file's bytes (YAML, JSON, CSV "
                                            "or XLSX; ?filename= gives the type).",
                                            "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                                "format": "binary"}}}}})
async def post_upload(request: Request,
                      filename: str = Query(..., description="The file's name; its suffix gives the format."),
                      date: Optional[str] = Query(None, description="Date of the determination (YYYY-MM-DD)."),
                      scenario: Optional[str] = Query(None, description="A review scenario whose reform applies.")
                      ) -> JSONDocument:
    """Read the uploaded file in memory, qualify its good(s), keep nothing."""
    from .origin import qualify_doc

    raw = await request.body()
    doc = await run_in_threadpool(bom_from_upload, raw, filename)
    if scenario:
        doc = {"bom": doc, "scenario": scenario} if "boms" not in doc else {**doc, "scenario": scenario}
    result = await run_in_threadpool(qualify_doc, doc, date, request.app.state.tree(), request.app.state.review.library)
    return JSONDocument(result)


def hts_search_doc(q: str, date: Any = None, limit: int = MAX_HITS) -> dict[str, Any]:
    """HTS lines in force on ``date`` whose code starts with the digits of ``q`` or whose
    description contains every word of ``q`` (case-insensitive); at most ``limit``.

    Raises
    ------
    UserInputError
        For an empty query, a bad date, or when no schedule is available.
    """
    import datetime as dt

    from usmca.law import parse_date
    from usmca.tariffs.schedule import load_schedule

    text = (q or "").strip()
    if len(text) < 2:
        raise UserInputError("query", "q", text, "give at least two characters of a code or a description")
    d = parse_date(date, "query", "date") if date else dt.date.today()
    sched = load_schedule()
    try:
        rows = sched.rows_at(d)
    except UserInputError:
        d = sched.revisions[-1][2]
        rows = sched.rows_at(d)
    digits = re.sub(r"[.\s]", "", text)
    if digits.isdigit():
        hit = rows["hts"].str.startswith(digits)
    else:
        desc = rows["description"].str.lower()
        hit = desc.str.contains(text.lower().split()[0], regex=False)
        for w in text.lower().split()[1:]:
            hit &= desc.str.contains(w, regex=False)
    found = rows[hit & (rows["hts"].str.len() >= 8)]
    out = [{"hts": r.hts, "htsno": r.htsno, "description": r.description, "general": r.general}
           for r in found.head(limit).itertuples()]
    return {"query": text, "date": d.isoformat(), "count": int(len(found)), "shown": len(out), "lines": out,
            "source": sched.source}


@router.get("/hts/search", response_class=JSONDocument, summary="Search HTS lines by code or description")
async def get_hts_search(q: str = Query(..., pattern=SEARCH_PATTERN, max_length=200,
                                        description="Code prefix (digits, dots allowed) or words."),
                         date: Optional[str] = Query(None, pattern=DATE_PATTERN,
                                                     description="Date (YYYY-MM-DD, default today).")
                         ) -> JSONDocument:
    """HTS lines matching the query, with their description and general (MFN) rate (404 when no
    schedule is available)."""
    try:
        return JSONDocument(await run_in_threadpool(hts_search_doc, q, date))
    except UserInputError as exc:
        raise not_in_data(exc) from None


@router.post("/dashboard/run", response_class=JSONDocument, summary="Run a scenario with extra law changes",
             openapi_extra=body_doc("{scenario: name, changes: {path: {date: value}}} (the dashboard's reform builder).",
                                    schema_of(RunBody)))
async def post_run(request: Request) -> JSONDocument:
    """One library scenario re-solved under the scenario's reform plus the given law changes."""
    raw = read_body(await request.body(), request.headers.get("content-type", "application/json"))
    return JSONDocument(await review_jobs.run_changes(request.app, raw, str(request.base_url)))  # in a worker


@router.get("/docs", include_in_schema=False)
def swagger_ui() -> HTMLResponse:
    """Swagger UI over ``/openapi.json`` with its script and style served from this server."""
    page = get_swagger_ui_html(openapi_url="openapi.json", title="usmca API",
                               swagger_js_url="docs-assets/swagger-ui-bundle.js",
                               swagger_css_url="docs-assets/swagger-ui.css",
                               swagger_favicon_url="docs-assets/favicon.png")
    return HTMLResponse(page.body, headers={"Content-Security-Policy": DOCS_CSP})


@router.get("/redoc", include_in_schema=False)
def redoc() -> HTMLResponse:
    """ReDoc over ``/openapi.json`` with its script served from this server (no web fonts)."""
    page = get_redoc_html(openapi_url="openapi.json", title="usmca API", redoc_js_url="docs-assets/redoc.standalone.js",
                          redoc_favicon_url="docs-assets/favicon.png", with_google_fonts=False)
    return HTMLResponse(page.body, headers={"Content-Security-Policy": DOCS_CSP})


@functools.lru_cache(maxsize=1)
def _redoc_js() -> bytes:
    """ReDoc's script with its one hard-coded remote image (the vendor's logo) pointed at our icon."""
    text = (_assets() / "redoc.standalone.js").read_text(encoding="utf-8")
    return text.replace("https://cdn.redoc.ly/redoc/logo-mini.svg", "docs-assets/favicon.png").encode("utf-8")


@router.get("/docs-assets/{name}", include_in_schema=False)
def docs_asset(name: str) -> Response:
    """One of the four files of the Swagger UI / ReDoc distribution."""
    allowed = {"swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png"}
    if name not in allowed:
        raise UserInputError("path", "name", name, "no such asset")
    cache = {"Cache-Control": "public, max-age=86400"}
    if name == "redoc.standalone.js":
        return Response(_redoc_js(), media_type="text/javascript", headers=cache)
    return FileResponse(_assets() / name, headers=cache)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> FileResponse:
    """The icon browsers ask for (the one of the docs distribution)."""
    return FileResponse(_assets() / "favicon.png", media_type="image/png",
                        headers={"Cache-Control": "public, max-age=86400"})
