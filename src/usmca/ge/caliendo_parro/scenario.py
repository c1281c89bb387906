"""Tariff scenarios from CSV files, and the file-level entry point used by ``usmca ge solve``.

A scenario file has the header ``importer,exporter,sector,tariff``; each row replaces the
baseline tariff :math:`\\tau_{nij}` of one importer x exporter x sector by ``tariff`` (an
ad-valorem fraction, 0.25 = 25 %). ``*`` in ``exporter`` or ``sector`` means every exporter
(other than the importer) or every sector. Later rows override earlier ones.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from usmca.errors import UserInputError
from usmca.limits import MAX_TABLE_BYTES, TARIFF_FRACTION, check_number, regular_file

from .inputs import CPInputs

__all__ = ["read_tariff_csv", "load_inputs", "solve_files"]

COLUMNS = ("importer", "exporter", "sector", "tariff")


def _lookup(names: tuple[str, ...], aliases: Mapping[str, str]) -> dict[str, int]:
    table = {n.lower(): k for k, n in enumerate(names)}
    for alias, name in aliases.items():
        if name.lower() in table:
            table.setdefault(alias.lower(), table[name.lower()])
    return table


def read_tariff_csv(path: str | Path, inputs: CPInputs, aliases: Mapping[str, str] | None = None) -> np.ndarray:
    """Baseline tariffs with the file's rows applied, shape (N, N, J).

    Raises
    ------
    UserInputError
        Naming ``file:line`` and the column for: missing file or column, unknown country or
        sector, importer = exporter, a tariff that is not a number, negative or non-finite.
    """
    src = str(path)
    p = regular_file(path, "tariff file", MAX_TABLE_BYTES)
    ctab = _lookup(inputs.countries, aliases or {})
    stab = _lookup(inputs.sectors, {})
    n = len(inputs.countries)
    tau = np.array(inputs.tariffs, copy=True)
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise UserInputError(f"{src}:1", "header", reader.fieldnames, f"missing column(s) {', '.join(missing)}")
            reader.fieldnames = header
            for row in reader:
                line = reader.line_num
                where = f"{src}:{line}"
                vals = {c: (row.get(c) or "").strip() for c in COLUMNS}
                imp = ctab.get(vals["importer"].lower())
                if imp is None:
                    raise UserInputError(where, "importer", vals["importer"], "unknown country")
                if vals["exporter"] == "*":
                    exp = np.array([k for k in range(n) if k != imp])
                else:
                    e = ctab.get(vals["exporter"].lower())
                    if e is None:
                        raise UserInputError(where, "exporter", vals["exporter"], "unknown country")
                    if e == imp:
                        raise UserInputError(where, "exporter", vals["exporter"], "equals the importer")
                    exp = np.array([e])
                if vals["sector"] == "*":
                    sec = np.arange(len(inputs.sectors))
                else:
                    s = stab.get(vals["sector"].lower())
                    if s is None:
                        raise UserInputError(where, "sector", vals["sector"], "unknown sector")
                    sec = np.array([s])
                t = check_number(vals["tariff"], where, "tariff", TARIFF_FRACTION)
                tau[imp, exp[:, None], sec[None, :]] = t
    except UnicodeDecodeError as exc:
        raise UserInputError(src, "", src, f"not UTF-8 text: {exc.reason}") from None
    except csv.Error as exc:
        raise UserInputError(src, "", src, f"malformed CSV: {exc}") from None
    tau.setflags(write=False)
    return tau


def load_inputs(data: str | Path | None) -> tuple[CPInputs, dict[str, str]]:
    """Model inputs from ``data``: a CP2015 folder (``model_inputs/``) or an OECD ICIO CSV file
    (``None``: the shared CP2015 folder)."""
    p = Path(data) if data is not None else None
    if p is not None and p.is_file() and p.suffix.lower() in (".csv", ".zip", ".gz"):
        from ..loaders.icio import load_icio

        icio = load_icio(p)
        return icio.inputs, {}
    from ..loaders.cp2015 import load_cp2015

    cp = load_cp2015(p)
    return cp.inputs, dict(cp.aliases)


def solve_files(data_dir: str | Path | None, tariffs_csv: str | Path, *, hold_deficits: bool = False,
                theta: float | None = None, tol: float | None = None, max_iter: int | None = None,
                **_: Any):  # noqa: ANN201
    """Registry entry for ``usmca ge solve --model caliendo-parro`` (returns :class:`CPResults`).

    Deficits are removed in baseline and counterfactual (CP 2015's convention) unless
    ``hold_deficits`` is set; ``theta`` (> 0) replaces every sector's trade elasticity. Other
    option names are accepted and ignored.
    """
    from .solve import DEFAULT_MAX_ITER, DEFAULT_TOL, solve

    inputs, aliases = load_inputs(data_dir)
    tau = read_tariff_csv(tariffs_csv, inputs, aliases)
    th = None if theta is None else np.full(len(inputs.sectors), float(theta))
    return solve(inputs, tau, balanced=not hold_deficits, theta=th, tol=tol or DEFAULT_TOL,
                 max_iter=max_iter or DEFAULT_MAX_ITER)
