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

__all__ = ["read_body", "body_doc", "MAX_BODY_BYTES"]

#: Largest request body accepted (bytes): a BOM of some thousands of materials.
MAX_BODY_BYTES = 2_000_000
#: Deepest nesting of YAML collections accepted (a BOM with sub-assemblies nests a few levels per tier).
MAX_DEPTH = 200
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPEN = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken, yaml.BlockSequenceStartToken,
         yaml.BlockMappingStartToken)
_CLOSE = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)
_YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")


def read_body(raw: bytes, content_type: str) -> Any:
    """Parse a request body as JSON, or as YAML when the content type says so.

    Raises
    ------
    UserInputError
        When the body is empty, too large, not UTF-8, or not valid JSON/YAML, holds a non-finite
        number, or when YAML uses aliases or nests deeper than :data:`MAX_DEPTH`.
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
    """Refuse aliases and deep nesting before building anything (one pass of the C scanner).

    A few hundred bytes of nested aliases expand to billions of nodes, and PyYAML's pure-Python
    scanner is quadratic in the nesting depth; a BOM needs neither.
    """
    depth = 0
    try:
        for token in yaml.scan(text, Loader=_YAML_LOADER):
            if isinstance(token, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise UserInputError("body", "", text[:40], f"nested deeper than {MAX_DEPTH} levels")
            elif isinstance(token, _CLOSE):
                depth -= 1
            elif isinstance(token, yaml.AliasToken):
                raise UserInputError("body", "", f"*{token.value}", "YAML aliases are not accepted in a request body")
    except yaml.YAMLError as exc:  # PyYAML >= 6.0.3's scanner stops deep nesting itself, before any token
        if "maximum nesting depth" in str(getattr(exc, "problem", "") or ""):
            raise UserInputError("body", "", text[:40], f"nested deeper than {MAX_DEPTH} levels") from None
        raise


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


def body_doc(description: str) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of a route that reads its body with :func:`read_body`."""
    return {"requestBody": {"required": True, "description": description + " JSON, or YAML with "
                            "Content-Type application/yaml.",
                            "content": {"application/json": {"schema": {"type": "object"}},
                                        "application/yaml": {"schema": {"type": "string"}}}}}
