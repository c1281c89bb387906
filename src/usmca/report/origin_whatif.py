"""Origin what-if: do the example bills of materials still qualify under a scenario's reform?

For each example BOM shipped with the project (``examples/*_bom.yaml``) and each scenario that
asks for it (``origin_whatif: true``), the origin engine (:func:`usmca.origin.qualify`) is run
twice on the scenario's date: under the law as it stands and under the scenario's reform. The
engine is imported lazily; when it, the BOM or a reformed parameter is missing, the row says so.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable

from usmca.errors import UsmcaError
from usmca.paths import REPO_ROOT

__all__ = ["EXAMPLE_BOMS", "origin_whatif"]

EXAMPLE_BOMS = ("auto_part_bom.yaml", "vehicle_bom.yaml", "electronics_bom.yaml")


def _summary(res: Any) -> dict[str, Any]:
    d = res if isinstance(res, dict) else (res.to_dict() if hasattr(res, "to_dict") else vars(res))
    rvc = d.get("rvc") or {}
    return {"originating": d.get("originating"), "criterion": d.get("criterion"),
            "rvc": rvc.get("value") if isinstance(rvc, dict) else None,
            "threshold": rvc.get("threshold") if isinstance(rvc, dict) else None}


def _qualify(path: Path, date: dt.date, reform: Any) -> dict[str, Any]:
    from usmca.origin import qualify  # noqa: PLC0415 - optional engine

    try:
        return _summary(qualify(path, date=date, reform=reform))
    except TypeError:
        return _summary(qualify(str(path), date=date.isoformat(), reform=reform))


def origin_whatif(scenarios: Iterable[Any], examples_dir: Path | None = None) -> list[dict[str, Any]]:
    """Rows ``{bom, scenario, date, before, after, status}`` for the briefing and the JSON."""
    d = examples_dir or (REPO_ROOT / "examples")
    rows: list[dict[str, Any]] = []
    for s in scenarios:
        if not getattr(s, "origin_whatif", False):
            continue
        reform = None
        status = "ok"
        if s.reform is not None:
            from usmca.law import Reform

            reform = Reform.from_dict(s.reform, source=s.source)  # validated when applied
        for name in EXAMPLE_BOMS:
            path = d / name
            row: dict[str, Any] = {"bom": name, "scenario": s.name, "date": s.date.isoformat(), "before": None,
                                   "after": None, "status": status}
            if not path.is_file():
                row["status"] = "example BOM not found"
                rows.append(row)
                continue
            try:
                row["before"] = _qualify(path, s.date, None)
                row["after"] = _qualify(path, s.date, reform) if reform is not None else row["before"]
            except ImportError as exc:
                row["status"] = f"origin engine not available ({exc})"
            except UsmcaError as exc:
                row["status"] = f"origin engine: {exc}"
            rows.append(row)
    return rows
