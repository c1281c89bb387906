"""Plain JSON values of engine results: one conversion shared by the command line and the API.

``usmca.cli.output.emit_json`` (``--json``) and ``usmca.api.responses.plain`` (HTTP) both convert
with :func:`to_jsonable`, so a command and its route give the same document. Non-finite floats
become ``null`` (strict JSON, RFC 8259 section 6 has no NaN or Infinity).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = ["to_jsonable"]


def to_jsonable(obj: Any) -> Any:
    """Convert numpy, pandas, Decimal, dates, paths and dataclasses to plain JSON values.

    Non-finite floats become ``null`` so that the document is strict JSON.
    """
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Decimal):
        return float(obj) if obj.is_finite() else None
    if isinstance(obj, (_dt.date, _dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return to_jsonable(dataclasses.asdict(obj))
    mod = type(obj).__module__
    if mod.startswith("numpy"):
        if hasattr(obj, "tolist"):
            return to_jsonable(obj.tolist())
    if mod.startswith("pandas"):
        if hasattr(obj, "to_dict"):
            try:
                return to_jsonable(obj.to_dict(orient="records"))
            except TypeError:
                return to_jsonable(obj.to_dict())
    if hasattr(obj, "model_dump"):
        return to_jsonable(obj.model_dump())
    if hasattr(obj, "to_dict"):
        return to_jsonable(obj.to_dict())
    return str(obj)
