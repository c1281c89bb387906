"""``GET /tariffs/duty``: the duty an entry line owes on a date, measure by measure.

The query mirrors ``usmca tariffs duty --hts CODE --origin CC --date D --value V [--usmca]
[--us-content F] --json`` and the answer is the same document: the total rate, the duty, and one
component per measure (MFN, USMCA preference, Chapter 99 measures) with its legal reference. The
work is done by :func:`usmca.tariffs.duty`; this module only reads the query.
"""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any, Optional

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from .responses import JSONDocument, plain

__all__ = ["router", "duty_doc", "duty_engine"]

router = APIRouter(prefix="/tariffs", tags=["tariffs"])


def duty_engine() -> Any:
    """:func:`usmca.tariffs.duty`, or ``None`` while the engine is not installed."""
    try:
        import usmca.tariffs as tariffs
    except ImportError:
        return None
    return getattr(tariffs, "duty", None)


def duty_doc(hts: str, origin: str, date: Any, value: float, usmca: bool = False,
             us_content: float | None = None, tree: Any = None) -> dict[str, Any]:
    """The document of ``usmca tariffs duty --json`` for one entry line.

    The arguments are passed by name to :func:`usmca.tariffs.duty` (``tree`` only when the engine
    takes one); the result's ``to_dict()`` is the document.

    Raises
    ------
    usmca.errors.UserInputError
        From the engine, for an unknown HTS code or country, a negative value, a date out of range.
    """
    engine = duty_engine()
    if engine is None:
        raise HTTPException(503, "the tariffs engine (usmca.tariffs.duty) is not installed")
    from usmca.law import parse_date

    when = parse_date(date, "query", "date") if date is not None else dt.date.today()
    kwargs: dict[str, Any] = {"hts": hts, "origin": origin, "date": when, "value": value, "usmca": usmca,
                              "us_content": us_content}
    params = inspect.signature(engine).parameters
    if "tree" in params and tree is not None:
        kwargs["tree"] = tree
    result = engine(**kwargs)
    return result.to_dict() if hasattr(result, "to_dict") else plain(result)


@router.get("/duty", response_class=JSONDocument, summary="Duty of an entry line, measure by measure")
async def get_duty(request: Request,
                   hts: str = Query(..., description="HTS code (8 or 10 digits, dots optional)."),
                   origin: str = Query(..., description="Country of origin, ISO 3166-1 alpha-2."),
                   date: Optional[str] = Query(None, description="Date of entry (YYYY-MM-DD, default today)."),
                   value: float = Query(..., allow_inf_nan=False, description="Customs value in USD."),
                   usmca: bool = Query(False, description="Claim the USMCA preference."),
                   us_content: Optional[float] = Query(None, allow_inf_nan=False, description="US content as a fraction of the value "
                                                       "(for measures that exempt it)."),
                   ) -> JSONDocument:
    """Total rate, duty and one component per measure, each with its legal reference."""
    doc = await run_in_threadpool(duty_doc, hts, origin, date, value, usmca, us_content, request.app.state.tree())
    return JSONDocument(doc)
