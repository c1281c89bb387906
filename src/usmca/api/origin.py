"""``POST /origin/qualify``: does the good of a bill of materials originate (USMCA Art. 4.2)?

The body is a JSON (or YAML, with ``Content-Type: application/yaml``) document, either
``{"bom": {...}, "date": "YYYY-MM-DD", "reform": {...}}`` or the BOM itself (``{"good": ...,
"materials": [...]}``), or a portfolio ``{"boms": [...], "date", "reform"}`` (answered as
``usmca origin qualify FOLDER --json``); ``"scenario": name`` in place of ``reform`` applies the law
reform of a scenario of the review library on the scenario's date (unless a date is given). The
answer is the document of ``usmca origin qualify BOM --json``
(:meth:`usmca.origin.QualificationResult.to_dict`): status, criterion, rule, RVC, the trace with
the provision of every step, content by country and what would make it qualify. With a reform
(the parameter diff of ``usmca law diff``), the result compares reform and baseline.

The server never reads a file named in a request: the BOM and the reform must be mappings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from usmca.errors import UserInputError
from usmca.law import parse_date
from usmca.origin import psr
from usmca.origin.bom import parse_bom
from usmca.origin.qualify import qualify

from .body import body_doc, read_body
from .law import reform_from_body
from .responses import JSONDocument
from .spec import DATE_PATTERN, HS_PATTERN, not_in_data

__all__ = ["router", "qualify_doc", "rule_doc"]

router = APIRouter(prefix="/origin", tags=["origin"])

_ENVELOPE = {"bom", "boms", "date", "reform", "scenario"}


def _envelope(doc: Any) -> tuple[Any, Any, Any, bool]:
    """(BOM or list of BOMs, date, reform or ``{"scenario": name}``, is a portfolio) from any of the
    three body shapes."""
    if not isinstance(doc, Mapping):
        raise UserInputError("body", "", type(doc).__name__,
                             "the body must be a JSON object: a BOM, {bom, date, reform} or {boms, date, reform}")
    if "bom" not in doc and "boms" not in doc:
        return doc, None, None, False
    unknown = sorted(set(doc) - _ENVELOPE)
    if unknown:
        raise UserInputError("body", unknown[0], doc[unknown[0]], "unknown key (expected bom or boms, date, reform)")
    if "bom" in doc and "boms" in doc:
        raise UserInputError("body", "boms", "...", "give either bom or boms, not both")
    if "scenario" in doc:
        if "reform" in doc:
            raise UserInputError("body", "scenario", doc["scenario"], "give either reform or scenario, not both")
        doc = {**doc, "reform": {"scenario": doc["scenario"]}}
    if "boms" in doc:
        if not isinstance(doc["boms"], list) or not doc["boms"]:
            raise UserInputError("body", "boms", type(doc["boms"]).__name__, "must be a non-empty list of BOMs")
        return doc["boms"], doc.get("date"), doc.get("reform"), True
    return doc["bom"], doc.get("date"), doc.get("reform"), False


def _when(query_date: Any, body_date: Any) -> dt.date | None:
    if query_date is not None:
        return parse_date(query_date, "query", "date")
    if body_date is None:
        return None
    if not isinstance(body_date, (str, dt.date)):
        raise UserInputError("body", "date", body_date, "not a date (expected YYYY-MM-DD)")
    return parse_date(body_date, "body", "date")


def _one(raw: Any, field: str, when: Any, tree: Any, reform: Any) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise UserInputError("body", field or "bom", type(raw).__name__,
                             "the BOM must be a JSON object with good and materials")
    bom = parse_bom(raw, "body", f"{field}." if field else "")
    return qualify(bom, date=when, tree=tree, reform=reform).to_dict()


def _reform(raw: Any, library: Callable[[], Mapping[str, Any]] | None) -> tuple[Any, dt.date | None]:
    """The reform of the body (a parameter diff, or the law reform of a scenario of the library) and,
    for a scenario, its date."""
    if raw is None:
        return None, None
    if isinstance(raw, Mapping) and set(raw) == {"scenario"}:
        name = raw["scenario"]
        scenarios = library() if library is not None else {}
        if not isinstance(name, str) or name not in scenarios:
            raise UserInputError("body", "scenario", name, f"unknown scenario; one of {', '.join(scenarios)}")
        if scenarios[name].reform is None:
            with_reform = [n for n, s in scenarios.items() if s.reform is not None]
            raise UserInputError("body", "scenario", name, "this scenario changes no law; one of "
                                 + ", ".join(with_reform))
        return reform_from_body(scenarios[name].reform, scenarios[name].source), scenarios[name].date
    return reform_from_body(raw, "body.reform"), None


def qualify_doc(doc: Any, date: Any = None, tree: Any = None,
                library: Callable[[], Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The origin determination of the body ``doc`` (see the module docstring).

    Parameters
    ----------
    doc
        A BOM mapping, ``{"bom", "date"?, "reform"?}``, or a portfolio ``{"boms": [...], "date"?,
        "reform"?}``; ``"scenario": name`` instead of ``reform`` takes the law reform of that
        scenario of the review library, and its date unless a date is given (as the origin
        what-if of the review briefing).
    date
        Overrides the body's date (the ``?date=`` query parameter).
    tree
        The law tree (default :func:`usmca.law.default_tree`).
    library
        Returns the scenario library by name (:func:`usmca.scenarios.load_library`).

    Returns
    -------
    dict
        For one BOM, the document of ``usmca origin qualify BOM --json``; for a portfolio, that of
        ``usmca origin qualify FOLDER --json``: ``{summary, results, errors}``, where a BOM that
        cannot be read is listed in ``errors`` (``{source: "boms[i]", error: one line}``) and the
        others are still determined.

    Raises
    ------
    UserInputError
        For a malformed BOM, date or reform, naming the field at fault (``bom.materials[2].value``).
    """
    boms, body_date, reform_raw, portfolio = _envelope(doc)
    reform, scenario_date = _reform(reform_raw, library)
    when = _when(date, body_date) or scenario_date
    if not portfolio:
        return _one(boms, "bom" if isinstance(doc, Mapping) and "bom" in doc else "", when, tree, reform)
    results, errors = [], []
    for i, raw in enumerate(boms):
        try:
            results.append(_one(raw, f"boms[{i}]", when, tree, reform))
        except UserInputError as exc:
            errors.append({"source": f"boms[{i}]", "error": exc.one_line()})
    status = [r["originating"] for r in results]
    summary = {"goods": len(results), "originating": status.count(True), "not_originating": status.count(False),
               "undetermined": status.count(None), "errors": len(errors)}
    if reform is not None:
        summary["changed_by_reform"] = sum(1 for r in results if r.get("reform", {}).get("changed"))
    return {"summary": summary, "results": results, "errors": errors}


_BODY_DOC = body_doc("A BOM (DESIGN.md format), {bom, date, reform}, or a portfolio {boms: [...], date, reform}.")


@router.post("/qualify", response_class=JSONDocument, summary="Qualify a bill of materials",
             openapi_extra=_BODY_DOC)
async def post_qualify(request: Request,
                       date: str | None = Query(None, description="Date of the determination (overrides the body).")
                       ) -> JSONDocument:
    """Origin of the good: status, criterion, rule, RVC, cited trace, content by country, what-if."""
    raw = await request.body()
    doc = read_body(raw, request.headers.get("content-type", "application/json"))
    args = (doc, date, request.app.state.tree(), request.app.state.review.library)
    if _inline(raw, doc):
        # one small BOM under the law in force takes ~1 ms: answered on the event loop, in arrival
        # order; the hand-off to a worker thread and back cost more than that and, with 40 threads
        # sharing the GIL, made the tail (p99 ~400 ms at 50 clients, benchmarks/bench_api.py)
        return JSONDocument(qualify_doc(*args))
    return JSONDocument(await run_in_threadpool(qualify_doc, *args))


#: Largest body answered inline (a BOM of a few hundred materials); portfolios and reforms go to a thread.
INLINE_BYTES = 32 * 1024


def _inline(raw: bytes, doc: Any) -> bool:
    """A single BOM, no reform or scenario, at most :data:`INLINE_BYTES`."""
    return (len(raw) <= INLINE_BYTES and isinstance(doc, Mapping)
            and not any(k in doc for k in ("boms", "reform", "scenario")))


def rule_doc(hs: str, date: Any = None) -> dict[str, Any]:
    """The product-specific rule of ``hs`` in force on ``date`` (:func:`usmca.origin.psr.lookup`).

    ``encoded`` is false, and ``rule`` null, when the library does not encode the good's rule: the
    engine never guesses one.
    """
    when = parse_date(date, "query", "date") if date is not None else dt.date.today()
    try:
        rule = psr.lookup(hs, when)
    except UserInputError as exc:
        raise UserInputError("query", "hs", exc.value, exc.reason) from None
    return {"hs": hs, "date": when.isoformat(), "encoded": rule is not None, "rule": rule}


@router.get("/rule", response_class=JSONDocument, summary="The product-specific rule of an HS code")
def get_rule(hs: str = Query(..., pattern=HS_PATTERN, description="HS code of the good (2 to 10 digits, dots "
                             "optional)."),
             date: str | None = Query(None, pattern=DATE_PATTERN,
                                      description="Date the rule must be in force on (default today).")
             ) -> JSONDocument:
    """The rule of USMCA Annex 4-B (HTSUS General Note 11(o)) with its legal text and source, or
    ``encoded: false``; a date before the rules entered into force is a 404."""
    try:
        return JSONDocument(rule_doc(hs, date))
    except UserInputError as exc:
        raise not_in_data(exc) from None


@router.get("/coverage", response_class=JSONDocument, summary="Which chapters' rules are encoded")
def get_coverage() -> JSONDocument:
    """One row per HS chapter: status, rules encoded, source and URL (:func:`usmca.origin.psr.coverage`)."""
    rows = psr.coverage().to_dict(orient="records")
    return JSONDocument({"chapters": rows})
