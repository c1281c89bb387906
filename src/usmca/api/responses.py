"""Responses: JSON that matches the command line's ``--json`` documents byte for byte in content.

The engines return dataclasses, numpy scalars, Decimals and dates; :func:`plain` converts them
with the same rules as :func:`usmca.jsonable.to_jsonable` (non-finite floats become ``null``),
so ``GET /tariffs/duty`` and ``usmca tariffs duty --json`` give the same document. The HTML pages
(dashboard, briefing) are sent with a Content-Security-Policy that lets them load nothing from
another host.
"""

from __future__ import annotations

import json
import threading
import weakref
from typing import Any

from fastapi.responses import JSONResponse

from usmca.jsonable import to_jsonable

__all__ = ["JSONDocument", "plain", "rendered_document", "prerendered", "DASHBOARD_CSP", "BRIEFING_CSP"]

#: Content-Security-Policy of the dashboard: its own inline script and style, requests to this server
#: only; links to the legal sources stay ordinary links.
DASHBOARD_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
                 "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
#: The review briefing has no script at all (inline CSS and SVG).
BRIEFING_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'"


def plain(obj: Any) -> Any:
    """Plain JSON values of ``obj`` (see :func:`usmca.jsonable.to_jsonable`)."""
    return to_jsonable(obj)


class JSONDocument(JSONResponse):
    """A strict-JSON response (no NaN) of any engine result."""

    def render(self, content: Any) -> bytes:
        return json.dumps(plain(content), ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


_RENDERED: dict[int, bytes] = {}
_RENDER_LOCK = threading.Lock()


class _Rendered(JSONDocument):
    """A :class:`JSONDocument` built from bytes already rendered."""

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else super().render(content)


def _forget(key: int) -> None:
    _RENDERED.pop(key, None)


def rendered_document(result: Any) -> JSONDocument:
    """The JSON document of an immutable engine result (``result.to_dict()``), rendered once per
    result object and then served from its bytes.

    A cached review scenario spent ~25 ms per request converting the same result (dataclass ->
    dict -> JSON) again (profile in benchmarks/bench_api.py). The bytes are keyed by the object's
    identity and dropped when the object is collected (``weakref.finalize``), so an id is never
    reused for another result while its rendering is kept.
    """
    key = id(result)
    body = _RENDERED.get(key)
    if body is None:
        body = bytes(JSONDocument(result.to_dict()).body)
        try:
            weakref.finalize(result, _forget, key)
        except TypeError:  # not weak-referenceable: do not keep it
            return _Rendered(body)
        with _RENDER_LOCK:
            _RENDERED[key] = body
    return _Rendered(body)


def prerendered(body: bytes) -> JSONDocument:
    """A :class:`JSONDocument` of JSON bytes rendered before (by :class:`JSONDocument` itself)."""
    return _Rendered(body)
