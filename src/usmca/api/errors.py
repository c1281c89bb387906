"""User errors as HTTP 422 with one line; everything else as a JSON 500 without a traceback.

The command line turns a :class:`usmca.errors.UserInputError` into ``error: <one line>`` and exit
status 2; the API turns it into status 422 and the document

.. code-block:: json

    {"error": "<source>: <field> = <value>: <reason>", "source": "...", "field": "...", "value": ...}

FastAPI's own validation errors (a query parameter that is not a number, a body that is not JSON)
take the same shape, so a client meets one error format whatever went wrong with its input.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Mapping, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from usmca.errors import UserInputError

from .body import BodyTooLarge, MediaTypeError
from .responses import JSONDocument, plain
from .spec import PATTERN_REASONS, NotInData

__all__ = ["install_error_handlers", "user_error_document", "validation_error", "ErrorDocument", "ERROR_RESPONSES"]

log = logging.getLogger("usmca.api")


#: Longest error line and longest echoed value (characters): a whole BOM is not echoed back.
MAX_LINE = 600
MAX_VALUE = 200


class ErrorDocument(BaseModel):
    """The body of every error response (4xx and 500)."""

    error: str
    source: str
    field: str
    value: Any = None


def _doc(description: str) -> dict[str, Any]:
    return {"model": ErrorDocument, "description": description}


#: Every error status a route may answer, for the OpenAPI document (added to every route).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: _doc("Unknown route, or a well-formed request naming what the law tree or the data does not hold "
              "(an HTS line, a date outside the schedule, a parameter path): the one-line error document."),
    405: _doc("Method not allowed on this route; the Allow header lists the methods."),
    413: _doc("Request body larger than the limit (refused while it streams)."),
    415: _doc("Request body of an unsupported media type (send application/json or application/yaml)."),
    422: _doc("User error: one line naming the source, field and value at fault."),
    503: _doc("Busy (every worker of the long-job pool is taken and its queue is full) or an engine is "
              "unavailable; Retry-After gives the seconds to wait."),
}


def user_error_document(exc: UserInputError) -> dict[str, Any]:
    """The 422 document of a user error: its one line, source, field and value (JSON-safe, short)."""
    line = exc.one_line()
    if len(line) > MAX_LINE:
        short = UserInputError(exc.source, exc.field, _Shown(repr(exc.value)[:MAX_VALUE] + "..."), exc.reason)
        line = short.one_line()[:MAX_LINE]
    return {"error": line, "source": exc.source, "field": exc.field, "value": _safe(exc.value)}


class _Shown(str):
    """A string shown as is by ``repr`` (an already cut ``repr``)."""

    def __repr__(self) -> str:
        return str(self)


def _safe(value: Any) -> Any:
    """``value`` as JSON if it converts and is short, else its ``repr`` cut at :data:`MAX_VALUE`."""
    try:
        out = plain(value)
        text = json.dumps(out, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return repr(value)[:MAX_VALUE]
    return out if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "..."


def validation_error(exc: RequestValidationError) -> UserInputError:
    """The first error of a FastAPI validation failure as a :class:`UserInputError`.

    ``loc`` is ``("query", "value")`` or ``("body", "bom", "good", "hs")``: its head is the
    source, the rest the field (``bom.good.hs``).
    """
    return first_error(exc.errors())


def first_error(errors: Sequence[Mapping[str, Any]], source: str | None = None) -> UserInputError:
    """The first of pydantic's ``errors`` as a :class:`UserInputError`: the field from its ``loc``
    (whose head is the source unless ``source`` is given), the reason of a pattern from
    :data:`usmca.api.spec.PATTERN_REASONS`, and how many more errors there are."""
    first = errors[0] if errors else {"loc": ("request",), "msg": "invalid request", "input": None}
    loc = [str(x) for x in first.get("loc") or ()]
    if source is None:
        source, loc = (loc[0], loc[1:]) if loc else ("request", [])
    reason = str(first.get("msg", "invalid")).rstrip(".")
    ctx = first.get("ctx")
    pattern = ctx.get("pattern") if isinstance(ctx, dict) else None
    if first.get("type") == "string_pattern_mismatch" and pattern in PATTERN_REASONS:
        reason = PATTERN_REASONS[pattern]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return UserInputError(source, ".".join(loc), first.get("input"), reason + more)


def _allowed(request: Request) -> str:
    """The ``Allow`` header of a 405: the methods of every route whose path matches (a path served by
    a GET route and a POST route is ``GET, POST``; Starlette names only the first route's)."""
    from starlette.routing import Match

    methods = {m for m in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
               if any(route.matches({**request.scope, "method": m})[0] == Match.FULL for route in request.app.routes)}
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers: user errors and validation errors -> 422, other errors -> JSON 500."""

    @app.exception_handler(UserInputError)
    async def _user(_: Request, exc: UserInputError) -> JSONDocument:
        return JSONDocument(user_error_document(exc), status_code=422)

    @app.exception_handler(NotInData)
    async def _absent(_: Request, exc: NotInData) -> JSONDocument:
        return JSONDocument(user_error_document(exc), status_code=404)

    @app.exception_handler(MediaTypeError)
    async def _media(_: Request, exc: MediaTypeError) -> JSONDocument:
        return JSONDocument(user_error_document(exc), status_code=415)

    @app.exception_handler(BodyTooLarge)
    async def _large(_: Request, exc: BodyTooLarge) -> JSONDocument:
        return JSONDocument(user_error_document(exc), status_code=413, headers={"Connection": "close"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONDocument:
        return JSONDocument(user_error_document(validation_error(exc)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONDocument:
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed(request)
        return JSONDocument({"error": f"{request.url.path}: {exc.detail}", "source": "request",
                             "field": "path", "value": request.url.path}, status_code=exc.status_code,
                            headers=headers or None)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONDocument:  # pragma: no cover - a bug
        log.exception("internal error on %s", request.url.path)
        return JSONDocument({"error": f"internal error ({type(exc).__name__}); this is a bug, please report it",
                             "source": "server", "field": "", "value": None}, status_code=500)
