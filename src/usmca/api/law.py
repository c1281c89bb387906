"""``/law``: the parameter tree as dated, cited values, and what a reform changes.

Generated from the model, as OpenFisca's ``/parameters`` and ``/parameter/<id>``: every path of
:func:`usmca.law.default_tree` is served with its unit, its value on a date and the reference of
that value (instrument, provision, URL), plus its full history. A reform is the same parameter
diff as ``usmca law diff REFORM.yaml`` (``{description, reference, changes: {path: {date: value}}}``)
sent as the JSON body.

The handlers (:func:`parameters_doc`, :func:`parameter_doc`, :func:`diff_doc`) take a
:class:`usmca.law.LawTree` and plain values and return the JSON document; the routes only read the
request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Optional

from fastapi import APIRouter, Query, Request

from usmca.errors import UserInputError

from .bodies import ReformBody, schema_of, validated
from .body import body_doc, read_body
from .responses import JSONDocument
from .spec import DATE_PATTERN, NotInData, not_in_data, unknown_path_not_in_data

__all__ = ["router", "parameters_doc", "parameter_doc", "diff_doc", "reform_from_body"]

router = APIRouter(prefix="/law", tags=["law"])

#: Where the parameter files live in the repository, for the ``source_file`` link of a response.
PARAMS_IN_REPO = "src/usmca/law/params/"


def _date(value: Optional[str], field: str = "date") -> dt.date:
    from usmca.law import parse_date

    return parse_date(value, "query", field) if value else dt.date.today()


def _row(tree: Any, path: str, d: dt.date) -> dict[str, Any]:
    from usmca.law import Parameter

    node = tree.node(path)
    if not isinstance(node, Parameter):
        return {"path": path, "unit": "table", "value": None, "rows": int(len(node.rows_at(d))), "since": None,
                "reference": None, "label": node.label, "description": node.description}
    first = node.entries[0]
    if d < first.effective_from:
        return {"path": path, "unit": node.unit, "value": None, "since": None, "reference": None,
                "label": node.label, "note": f"not yet in force (from {first.effective_from.isoformat()})"}
    e = node.entry(d)
    return {"path": path, "unit": node.unit, "value": e.value, "since": e.effective_from.isoformat(),
            "reference": e.reference.to_dict(), "label": node.label}


def parameters_doc(tree: Any, prefix: str = "", date: Any = None) -> dict[str, Any]:
    """Every parameter and table under ``prefix`` with its unit and its value in force on ``date``.

    Raises
    ------
    UserInputError
        When no parameter lies under ``prefix`` or the date is not ``YYYY-MM-DD``.
    """
    d = date if isinstance(date, dt.date) else _date(date)
    paths = tree.paths(prefix)
    if not paths:
        raise NotInData("query", "prefix", prefix, "no parameter under this prefix")
    return {"date": d.isoformat(), "prefix": prefix, "count": len(paths), "reforms": list(tree.reforms),
            "parameters": [_row(tree, p, d) for p in paths]}


def parameter_doc(tree: Any, path: str, date: Any = None) -> dict[str, Any]:
    """One parameter: value, unit and reference in force on ``date``, description and history.

    A table gives its declared columns and the rows in force (each row carries its provenance
    columns ``instrument, provision, url``).
    """
    from usmca.law import Parameter

    d = date if isinstance(date, dt.date) else _date(date)
    node = tree.node(path)
    source_file = PARAMS_IN_REPO + node.source_file if node.source_file else None
    if not isinstance(node, Parameter):
        frame = node.rows_at(d)
        return {**node.to_dict(), "date": d.isoformat(), "source_file": source_file,
                "rows": frame.to_dict(orient="records")}
    e = node.entry(d)
    return {"path": node.path, "date": d.isoformat(), "value": e.value, "unit": node.unit,
            "effective_from": e.effective_from.isoformat(), "reference": e.reference.to_dict(),
            "description": node.description, "label": node.label, "notes": node.notes,
            "last_verified_on": node.last_verified_on.isoformat() if node.last_verified_on else None,
            "source_file": source_file, "history": [h.to_dict() for h in node.entries],
            "reforms": list(tree.reforms)}


def reform_from_body(raw: Any, source: str = "body") -> Any:
    """A :class:`usmca.law.Reform` from a JSON mapping (never from a path: the server reads no file)."""
    from usmca.law import Reform

    if not isinstance(raw, Mapping):
        raise UserInputError(source, "", type(raw).__name__, "a reform is a JSON object with 'changes'")
    return Reform.from_dict(dict(raw), source=source)


def diff_doc(tree: Any, raw: Any) -> dict[str, Any]:
    """What the reform ``raw`` changes: per change, the period, the value before and after, the unit
    and the reference of the new value (the document of ``usmca law diff --json``).

    The reform is validated all-or-nothing against ``tree`` before anything is reported.
    """
    from usmca.law.diff import reform_diff

    validated(ReformBody, raw)
    with unknown_path_not_in_data():
        return reform_diff(tree, reform_from_body(raw))


@router.get("", response_class=JSONDocument, summary="The whole law tree in force on a date")
def get_law(request: Request,
            date: Optional[str] = Query(None, pattern=DATE_PATTERN,
                                        description="Date of the values (YYYY-MM-DD, default today).")
            ) -> JSONDocument:
    """Every parameter path with its unit, value, effective date and reference (``/law/parameters``
    without a prefix)."""
    return JSONDocument(parameters_doc(request.app.state.tree(), "", date))


@router.get("/parameters", response_class=JSONDocument, summary="Parameters with unit and value in force")
def get_parameters(request: Request,
                   prefix: str = Query("", description="Only paths under this prefix, e.g. usmca/ch04."),
                   date: Optional[str] = Query(None, pattern=DATE_PATTERN,
                                               description="Date of the values (YYYY-MM-DD, default today).")
                   ) -> JSONDocument:
    """Every parameter path under ``prefix`` with its unit, value, effective date and reference."""
    return JSONDocument(parameters_doc(request.app.state.tree(), prefix, date))


@router.get("/parameter/{path:path}", response_class=JSONDocument, summary="One parameter with its history")
def get_parameter(request: Request, path: str,
                  date: Optional[str] = Query(None, pattern=DATE_PATTERN,
                                              description="Date of the value (YYYY-MM-DD, default today).")
                  ) -> JSONDocument:
    """Value, unit and reference on ``date``, with the description and the full dated history.

    A path the law tree does not have, or a date before the parameter's first value, is a 404."""
    try:
        return JSONDocument(parameter_doc(request.app.state.tree(), path, date))
    except UserInputError as exc:
        raise not_in_data(exc) from None


@router.post("/diff", response_class=JSONDocument, summary="What a reform changes",
             openapi_extra=body_doc("A reform: {description, reference: {instrument, provision, url}, "
                                    "changes: {path: {date or 'start..end': value}}} (as in `usmca law diff`).",
                                    schema_of(ReformBody)))
async def post_diff(request: Request) -> JSONDocument:
    """Validate the reform against the law tree and list, per change, the law before and after."""
    raw = read_body(await request.body(), request.headers.get("content-type", "application/json"))
    return JSONDocument(diff_doc(request.app.state.tree(), raw))
