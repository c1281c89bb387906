"""Request bodies: JSON (RFC 8259, so no ``NaN``/``Infinity``) or YAML, bounded in size.

A BOM or a reform is usually kept as a YAML file; the API takes it as JSON, or as YAML when the
request says ``Content-Type: application/yaml``. Whatever is wrong with a body is a
:class:`usmca.errors.UserInputError` with source ``body`` (HTTP 422), never a server error.
"""

from __future__ import annotations

import json
import math
from typing import Any

import yaml

from usmca.errors import UserInputError
from usmca.limits import yaml_structure

__all__ = ["read_body", "body_doc", "MAX_BODY_BYTES", "BodyLimit", "BodyTooLarge", "MediaTypeError", "MEDIA_TYPES"]

#: Largest request body accepted (bytes): a BOM of some thousands of materials.
MAX_BODY_BYTES = 2_000_000
#: Deepest nesting of YAML collections accepted (a BOM with sub-assemblies nests a few levels per tier).
MAX_DEPTH = 200
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_TYPES = ("application/yaml", "application/x-yaml")
#: The media types a request body may have. ``text/plain`` (and form encodings) are refused with 415:
#: a cross-site form may send them without a CORS preflight, so accepting them would let any web
#: page make the server work.
MEDIA_TYPES = ("application/json",) + _YAML_TYPES


class MediaTypeError(UserInputError):
    """The body's ``Content-Type`` is not one of :data:`MEDIA_TYPES` (HTTP 415)."""


class BodyTooLarge(UserInputError):
    """The body exceeds :data:`MAX_BODY_BYTES` (HTTP 413), found while it streams in."""


class BodyLimit:
    """ASGI middleware: refuse a body larger than ``limit`` bytes while it streams (memory stays flat).

    A ``Content-Length`` above the limit is answered 413 before a byte of the body is read; a
    chunked body is counted as it arrives and the route's read stops with :class:`BodyTooLarge`
    at the first chunk past the limit (the server then closes the connection; uvicorn reads at
    most its 64 KiB flow-control window beyond that).
    """

    def __init__(self, app: Any, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or ()).get(b"content-length", b"")
        if length.strip().isdigit() and int(length) > self.limit:
            from .errors import user_error_document
            from .responses import JSONDocument

            doc = user_error_document(_too_large(int(length), self.limit))
            await JSONDocument(doc, status_code=413, headers={"Connection": "close"})(scope, receive, send)
            return
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _too_large(seen, self.limit)
            return message

        await self.app(scope, counted, send)


def _too_large(n: int, limit: int) -> BodyTooLarge:
    return BodyTooLarge("body", "", f"{n} bytes", f"body larger than {limit} bytes")


def read_body(raw: bytes, content_type: str) -> Any:
    """Parse a request body as JSON, or as YAML when the content type says so.

    Raises
    ------
    BodyTooLarge
        When the body is larger than :data:`MAX_BODY_BYTES` (413).
    MediaTypeError
        When the content type is not one of :data:`MEDIA_TYPES` (415).
    UserInputError
        When the body is empty, not UTF-8, or not valid JSON/YAML, holds a non-finite number, or
        when YAML uses aliases or nests deeper than :data:`MAX_DEPTH` (422).
    """
    if len(raw) > MAX_BODY_BYTES:
        raise _too_large(len(raw), MAX_BODY_BYTES)
    kind = content_type.split(";")[0].strip().lower()
    if kind not in MEDIA_TYPES:
        raise MediaTypeError("body", "Content-Type", kind, f"unsupported media type; send one of {', '.join(MEDIA_TYPES)}")
    if not raw.strip():
        raise UserInputError("body", "", "", "empty body: send a JSON object")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserInputError("body", "", "bytes", "the body is not UTF-8 text") from None
    try:
        if kind in _YAML_TYPES:
            _check_yaml(text)
            doc = yaml.load(text, Loader=_YAML_LOADER)
            _check_finite(doc, "")
            return doc
        return json.loads(text, parse_constant=_no_constant)
    except UserInputError:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UserInputError("body", f"line {mark.line + 1}" if mark else "", text[:40],
                             f"not valid YAML: {getattr(exc, 'problem', '') or 'syntax error'}") from None
    except RecursionError:
        raise UserInputError("body", "", text[:40], "nested too deeply") from None
    except ValueError as exc:  # json.JSONDecodeError, or NaN/Infinity
        where = f"line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise UserInputError("body", where, text[:40], "not valid JSON") from None


def _check_yaml(text: str) -> None:
    """Refuse aliases and deep nesting before building anything (:func:`usmca.limits.yaml_structure`).

    A few hundred bytes of nested aliases expand to billions of nodes, and PyYAML's pure-Python
    scanner is quadratic in the nesting depth; a BOM needs neither.
    """
    too_deep, alias = yaml_structure(text, MAX_DEPTH)
    if alias is not None:
        raise UserInputError("body", "", f"*{alias}", "YAML aliases are not accepted in a request body")
    if too_deep:
        raise UserInputError("body", "", text[:40], f"nested deeper than {MAX_DEPTH} levels")


def _check_finite(doc: Any, field: str) -> None:
    """Refuse YAML's ``.nan`` and ``.inf`` anywhere in the document, as JSON has no such numbers."""
    if isinstance(doc, float) and not math.isfinite(doc):
        raise UserInputError("body", field, repr(doc), "not a finite number")
    if isinstance(doc, dict):
        for k, v in doc.items():
            _check_finite(v, f"{field}.{k}" if field else str(k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            _check_finite(v, f"{field}[{i}]")


def _no_constant(name: str) -> Any:
    """Reject ``NaN`` and ``Infinity``, which Python's parser accepts but JSON (RFC 8259) does not."""
    raise ValueError(f"{name} is not JSON")


def body_doc(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of a route that reads its body with :func:`read_body`: the
    document's ``schema`` (default: any object), as JSON or as YAML."""
    doc = schema if schema is not None else {"type": "object"}
    yaml_doc = schema if schema is not None else {"type": "string"}
    return {"requestBody": {"required": True, "description": description + " JSON, or YAML with "
                            "Content-Type application/yaml.",
                            "content": {"application/json": {"schema": doc},
                                        "application/yaml": {"schema": yaml_doc}}}}
