"""``GET /tariffs/duty``: the duty an entry line owes on a date, measure by measure.

The query mirrors ``usmca tariffs duty --hts CODE --origin CC --date D --value V [--usmca]
[--us-content F] [--declare H ...] --json`` (``&declare=9903.82.06``, repeatable) and the answer is
the same document: the total rate, the duty, and one
component per measure (MFN, USMCA preference, Chapter 99 measures) with its legal reference. The
work is done by :func:`usmca.tariffs.duty.duty`; this module only reads the query. The HTS
schedule is the engine's (the store, else the sample editions under ``shared/data``).
``POST /tariffs/duty`` takes the same fields as a JSON body plus an optional ``reform`` (the
parameter diff of ``POST /law/diff``), as ``usmca tariffs duty --reform R.yaml``.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Annotated, Any, Optional

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import StringConstraints
from starlette.concurrency import run_in_threadpool

from usmca.errors import UserInputError

from .bodies import DutyRequest, schema_of, validated
from .body import body_doc, read_body
from .law import reform_from_body
from .responses import JSONDocument, plain
from .spec import (
    COUNTRY_PATTERN,
    DATE_PATTERN,
    HEADING_PATTERN,
    HTS_LINE_PATTERN,
    MAX_DECLARED,
    MAX_VALUE,
    not_in_data,
    unknown_path_not_in_data,
)

__all__ = ["router", "duty_doc", "duty_request_doc", "duty_engine", "DutyRequest"]

router = APIRouter(prefix="/tariffs", tags=["tariffs"])


def duty_engine() -> Any:
    """:func:`usmca.tariffs.duty.duty`, or ``None`` while the engine module does not exist."""
    try:
        module = importlib.import_module("usmca.tariffs.duty")
    except ModuleNotFoundError as exc:
        if exc.name not in ("usmca.tariffs", "usmca.tariffs.duty"):
            raise
        return None
    return getattr(module, "duty", None)


def _as_query(exc: UserInputError) -> UserInputError:
    """The engine names command-line options (``--us-content``); the API names query parameters."""
    if exc.source.startswith("--"):
        return UserInputError("query", exc.source[2:].replace("-", "_"), exc.value, exc.reason)
    return exc


def duty_doc(hts: str, origin: str, date: Any, value: float, usmca: bool = False,
             us_content: float | None = None, quantity: float | None = None, tree: Any = None,
             declare: list[str] | None = None) -> dict[str, Any]:
    """The document of ``usmca tariffs duty --json`` for one entry line.

    Calls :func:`usmca.tariffs.duty.duty` with the law tree of the application; ``to_dict()`` of
    its result is the document (total rate, duty, one component per measure with its reference).

    Raises
    ------
    usmca.errors.UserInputError
        From the engine, for an unknown HTS code or country, a negative value, a date out of range;
        re-sourced to the query parameter at fault.
    """
    engine = duty_engine()
    if engine is None:
        raise HTTPException(503, "the tariffs engine (usmca.tariffs.duty) is not installed")
    from usmca.law import parse_date

    when = parse_date(date, "query", "date") if date is not None else dt.date.today()
    try:
        result = engine(hts, origin, when, value, usmca_claim=usmca, us_content=us_content, quantity=quantity,
                        tree=tree, declared=declare or None)
    except UserInputError as exc:
        raise _as_query(exc) from None
    return result.to_dict() if hasattr(result, "to_dict") else plain(result)


@router.get("/duty", response_class=JSONDocument, summary="Duty of an entry line, measure by measure")
async def get_duty(request: Request,
                   hts: str = Query(..., pattern=HTS_LINE_PATTERN,
                                    description="HTS line (8 or 10 digits, dots optional)."),
                   origin: str = Query(..., pattern=COUNTRY_PATTERN, description="Country of origin, ISO 3166-1 "
                                       "alpha-2."),
                   date: Optional[str] = Query(None, pattern=DATE_PATTERN,
                                               description="Date of entry (YYYY-MM-DD, default today)."),
                   value: float = Query(..., ge=0, le=MAX_VALUE, allow_inf_nan=False,
                                        description="Customs value in USD."),
                   usmca: bool = Query(False, description="Claim the USMCA preference."),
                   us_content: Optional[float] = Query(None, ge=0, le=1, allow_inf_nan=False,
                                                       description="US content as a fraction of the value (for "
                                                       "measures that tax only non-US content)."),
                   quantity: Optional[float] = Query(None, ge=0, le=MAX_VALUE, allow_inf_nan=False,
                                                     description="Quantity in the line's unit, for specific and "
                                                     "compound duties."),
                   declare: Optional[list[Annotated[str, StringConstraints(pattern=HEADING_PATTERN)]]] = Query(
                                                        None, max_length=MAX_DECLARED,
                                                        description="A chapter 99 heading the entry declares "
                                                        "(repeatable; e.g. 9903.82.06, U.S.-melted metal)."),
                   ) -> JSONDocument:
    """Total rate, duty and one component per measure, each with its legal reference.

    A line the schedule does not list, a date outside its revisions or an unknown country is a 404."""
    # inline, not in the thread pool: the hand-off to a worker thread and back cost more than the
    # lookup and most of the tail under load (benchmarks/bench_api.py); repeated queries are answered
    # by usmca.api.cache before reaching here
    try:
        doc = duty_doc(hts, origin, date, value, usmca, us_content, quantity, request.app.state.tree(), declare)
    except UserInputError as exc:
        raise not_in_data(exc) from None
    return JSONDocument(doc)


def duty_request_doc(doc: Any, tree: Any) -> dict[str, Any]:
    """:func:`duty_doc` for a ``POST`` body, under its reform when it has one (``usmca tariffs duty
    --reform R.yaml --json``).

    A body that breaks :class:`.bodies.DutyRequest` is malformed (422); a well-formed one naming
    what the data does not hold (an HTS line or country no list knows, a date outside the
    schedule, a reform path the law tree does not have) is a 404, as for ``GET``.
    """
    req = validated(DutyRequest, doc)
    run_tree = tree
    if req.reform is not None:  # validated as a ReformBody with the line
        with unknown_path_not_in_data():
            run_tree = tree.with_reform(reform_from_body(doc["reform"], "body.reform"))
    try:
        return duty_doc(req.hts, req.origin, req.date, req.value, req.usmca, req.us_content, req.quantity, run_tree,
                        req.declare)
    except UserInputError as exc:
        raise not_in_data(exc, source="body" if exc.source == "query" else None) from None


@router.post("/duty", response_class=JSONDocument, summary="Duty of an entry line, under a reform",
             openapi_extra=body_doc("{hts, origin, date, value, usmca, us_content, quantity, declare, reform}.",
                                    schema_of(DutyRequest)))
async def post_duty(request: Request) -> JSONDocument:
    """As ``GET /tariffs/duty``, with the line in the body and an optional ``reform`` (parameter diff)."""
    doc = read_body(await request.body(), request.headers.get("content-type", "application/json"))
    return JSONDocument(await run_in_threadpool(duty_request_doc, doc, request.app.state.tree()))
