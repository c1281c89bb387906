"""``POST /origin/qualify``: does the good of a bill of materials originate (USMCA Art. 4.2)?

The body is a JSON (or YAML, with ``Content-Type: application/yaml``) document, either
``{"bom": {...}, "date": "YYYY-MM-DD", "reform": {...}}`` or the BOM itself (``{"good": ...,
"materials": [...]}``). The answer is the document of ``usmca origin qualify BOM --json``
(:meth:`usmca.origin.QualificationResult.to_dict`): status, criterion, rule, RVC, the trace with
the provision of every step, content by country and what would make it qualify. With a reform
(the parameter diff of ``usmca law diff``), the result compares reform and baseline.

The server never reads a file named in a request: the BOM and the reform must be mappings.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Mapping

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from usmca.errors import UserInputError

from .body import body_doc, read_body
from .law import reform_from_body
from .responses import JSONDocument

__all__ = ["router", "qualify_doc"]

router = APIRouter(prefix="/origin", tags=["origin"])

_ENVELOPE = {"bom", "date", "reform"}


def _split(doc: Any) -> tuple[Any, Any, Any, str]:
    """(bom, date, reform, field prefix of the BOM) from either body shape."""
    if not isinstance(doc, Mapping):
        raise UserInputError("body", "", type(doc).__name__, "the body must be a JSON object: a BOM or {bom, date, reform}")
    if "bom" in doc:
        unknown = sorted(set(doc) - _ENVELOPE)
        if unknown:
            raise UserInputError("body", unknown[0], doc[unknown[0]], "unknown key (expected bom, date, reform)")
        return doc["bom"], doc.get("date"), doc.get("reform"), "bom."
    return doc, None, None, ""


def qualify_doc(doc: Any, date: Any = None, tree: Any = None) -> dict[str, Any]:
    """The origin determination of the body ``doc`` (see the module docstring).

    Parameters
    ----------
    doc
        ``{"bom", "date"?, "reform"?}`` or a BOM mapping.
    date
        Overrides the body's date (the ``?date=`` query parameter).
    tree
        The law tree (default :func:`usmca.law.default_tree`).

    Raises
    ------
    UserInputError
        For a malformed BOM, date or reform, naming the field at fault (``bom.materials[2].value``).
    """
    from usmca.origin import qualify  # the public function, through the package's lazy loader
    from usmca.origin.bom import parse_bom

    if isinstance(qualify, ModuleType):  # the submodule usmca.origin.qualify was imported first
        qualify = qualify.qualify

    bom_raw, body_date, reform_raw, prefix = _split(doc)
    if not isinstance(bom_raw, Mapping):
        raise UserInputError("body", prefix.rstrip(".") or "bom", type(bom_raw).__name__,
                             "the BOM must be a JSON object with good and materials")
    bom = parse_bom(bom_raw, "body", prefix)
    reform = reform_from_body(reform_raw, "body.reform") if reform_raw is not None else None
    from usmca.law import parse_date

    if date is not None:
        when = parse_date(date, "query", "date")
    elif body_date is not None:
        if not isinstance(body_date, str):
            raise UserInputError("body", "date", body_date, "not a date (expected YYYY-MM-DD)")
        when = parse_date(body_date, "body", "date")
    else:
        when = None
    return qualify(bom, date=when, tree=tree, reform=reform).to_dict()


_BODY_DOC = body_doc("A BOM (DESIGN.md format) or {bom, date, reform}.")


@router.post("/qualify", response_class=JSONDocument, summary="Qualify a bill of materials",
             openapi_extra=_BODY_DOC)
async def post_qualify(request: Request,
                       date: str | None = Query(None, description="Date of the determination (overrides the body).")
                       ) -> JSONDocument:
    """Origin of the good: status, criterion, rule, RVC, cited trace, content by country, what-if."""
    raw = await request.body()
    doc = read_body(raw, request.headers.get("content-type", "application/json"))
    result = await run_in_threadpool(qualify_doc, doc, date, request.app.state.tree())
    return JSONDocument(result)
