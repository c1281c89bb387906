"""Request bodies: JSON (RFC 8259, so no ``NaN``/``Infinity``) or YAML, bounded in size.

A BOM or a reform is usually kept as a YAML file; the API takes it as JSON, or as YAML when the
request says ``Content-Type: application/yaml``. Whatever is wrong with a body is a
:class:`usmca.errors.UserInputError` with source ``body`` (HTTP 422), never a server error.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from usmca.errors import UserInputError

__all__ = ["read_body", "body_doc", "MAX_BODY_BYTES"]

#: Largest request body accepted (bytes): a BOM of some thousands of materials.
MAX_BODY_BYTES = 2_000_000
_YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")


def read_body(raw: bytes, content_type: str) -> Any:
    """Parse a request body as JSON, or as YAML when the content type says so.

    Raises
    ------
    UserInputError
        When the body is empty, too large, not UTF-8, or not valid JSON/YAML, or when YAML uses
        aliases (a few hundred bytes of nested aliases can expand to billions of nodes).
    """
    if not raw.strip():
        raise UserInputError("body", "", "", "empty body: send a JSON object")
    if len(raw) > MAX_BODY_BYTES:
        raise UserInputError("body", "", f"{len(raw)} bytes", f"body larger than {MAX_BODY_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserInputError("body", "", "bytes", "the body is not UTF-8 text") from None
    kind = content_type.split(";")[0].strip().lower()
    try:
        if kind in _YAML_TYPES:
            if any(isinstance(t, yaml.AliasToken) for t in yaml.scan(text)):
                raise UserInputError("body", "", "*alias", "YAML aliases are not accepted in a request body")
            return yaml.safe_load(text)
        return json.loads(text, parse_constant=_no_constant)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UserInputError("body", f"line {mark.line + 1}" if mark else "", text[:40],
                             f"not valid YAML: {getattr(exc, 'problem', '') or 'syntax error'}") from None
    except RecursionError:
        raise UserInputError("body", "", text[:40], "nested too deeply") from None
    except ValueError as exc:  # json.JSONDecodeError, or NaN/Infinity
        where = f"line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise UserInputError("body", where, text[:40], "not valid JSON") from None


def _no_constant(name: str) -> Any:
    """Reject ``NaN`` and ``Infinity``, which Python's parser accepts but JSON (RFC 8259) does not."""
    raise ValueError(f"{name} is not JSON")


def body_doc(description: str) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of a route that reads its body with :func:`read_body`."""
    return {"requestBody": {"required": True, "description": description + " JSON, or YAML with "
                            "Content-Type application/yaml.",
                            "content": {"application/json": {"schema": {"type": "object"}},
                                        "application/yaml": {"schema": {"type": "string"}}}}}
