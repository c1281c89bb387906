"""JSON responses that match the command line's ``--json`` documents byte for byte in content.

The engines return dataclasses, numpy scalars, Decimals and dates; :func:`plain` converts them
with the same rules as :func:`usmca.cli.output.to_jsonable` (non-finite floats become ``null``),
so ``GET /tariffs/duty`` and ``usmca tariffs duty --json`` give the same document.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse

__all__ = ["JSONDocument", "plain"]


def plain(obj: Any) -> Any:
    """Plain JSON values of ``obj`` (see :func:`usmca.cli.output.to_jsonable`)."""
    from usmca.cli.output import to_jsonable

    return to_jsonable(obj)


class JSONDocument(JSONResponse):
    """A strict-JSON response (no NaN) of any engine result."""

    def render(self, content: Any) -> bytes:
        return json.dumps(plain(content), ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
