"""The general-equilibrium models of usmca by name: one :class:`Solver` protocol, one registry.

A model is registered once as a :class:`Model` with its two entry points:

- ``solver``, a :class:`Solver`: one counterfactual on a baseline in levels (the review scenarios;
  a scenario's ``model:`` field picks it, :func:`usmca.scenarios.runner.run_scenario`);
- ``solve_files``: ``fn(data_dir, tariffs_csv, **opts) -> result`` behind ``usmca ge solve --model
  NAME``, whose result has ``.to_dict()`` returning ``{"model", "regions": {region: {metric:
  value}}, "diagnostics": {"baseline": {...}, "counterfactual": {...}, ...}}``; it accepts and
  ignores option names it does not know.

Both models of this package are registered here:

- ``caliendo-parro``: Caliendo and Parro (2015), REStud 82(1), https://doi.org/10.1093/restud/rdu035
  (:func:`usmca.ge.caliendo_parro.adapter.cp_solver`,
  :func:`usmca.ge.caliendo_parro.scenario.solve_files`);
- ``gravity``: one-sector structural gravity, Anderson and van Wincoop (2003); Yotov,
  Piermartini, Monteiro and Larch (2016), ch. 2 (:func:`usmca.ge.gravity.adapter.gravity_solver`,
  :func:`usmca.ge.gravity.files.solve_files`).

Other packages add a model with :func:`register_model`. The entry points import their engine on
first call: importing both engines (numpy, scipy, pandas) took 1.85 s (min of 5; median 2.27 s)
against 0.15 s for this module alone (median 0.19 s) on the shared 2-core machine, and the
command line imports this module to list the models.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Protocol

from usmca.errors import UserInputError

if TYPE_CHECKING:
    import numpy as np

    from usmca.data.baseline import Baseline

__all__ = ["Solver", "FileSolve", "SolveResult", "Model", "MODELS", "CLOSURES", "register_model", "get_model",
           "get_solver"]

CLOSURES = ("deficit_share", "deficits_removed")
"""Trade-balance closures a run may choose (:mod:`usmca.ge.caliendo_parro.adapter`): deficits held
as a share of world income, or removed in a first step (Caliendo and Parro 2015's counterfactual
with deficits removed)."""


class Solver(Protocol):
    """One counterfactual of a GE model on a baseline.

    ``solver(baseline, new_tariffs, trade_cost_hat)`` with the baseline's countries, sectors,
    flows and tariffs (``[importer, exporter, sector]``), the new ad-valorem tariffs and the
    iceberg trade-cost changes :math:`\\hat d_{nij}` of the same shape, returns
    ``{"countries": {code: {metric: percent}}, "sectors": {code: {sector: output percent}},
    "diagnostics": {...}}`` with the metrics of :data:`usmca.scenarios.runner.COUNTRY_METRICS`
    that the model has (a missing one is reported as ``null``). A solver whose ``accepts_options``
    is true also takes the run's keyword options (``closure``, ``draws``, ``seed``,
    ``agreement_share``, ``agreement_margin``; see :func:`usmca.ge.caliendo_parro.adapter.cp_solver`).
    """

    def __call__(self, baseline: Baseline, new_tariffs: np.ndarray, trade_cost_hat: np.ndarray
                 ) -> Mapping[str, Any]: ...


class SolveResult(Protocol):
    """What ``usmca ge solve`` prints: ``.to_dict()`` with ``model``, ``regions``, ``diagnostics``."""

    def to_dict(self) -> dict[str, Any]: ...


class FileSolve(Protocol):
    """``fn(data_dir, tariffs_csv, **opts)``: the model on the files of ``usmca ge solve``."""

    def __call__(self, data_dir: str | Path | None, tariffs_csv: str | Path, **opts: Any) -> SolveResult: ...


@dataclass(frozen=True)
class Model:
    """A registered model: its name, its scenario :class:`Solver` and its file entry point."""

    name: str
    solver: Solver
    solve_files: FileSolve


class _CaliendoParro:
    """The Caliendo-Parro scenario solver, imported on first call; it takes the run's options."""

    accepts_options = True

    def __call__(self, baseline: Baseline, new_tariffs: np.ndarray, trade_cost_hat: np.ndarray,
                 **options: Any) -> Mapping[str, Any]:
        from .caliendo_parro.adapter import cp_solver

        return cp_solver(baseline, new_tariffs, trade_cost_hat, **options)


def _cp_files(data_dir: str | Path | None, tariffs_csv: str | Path, **opts: Any) -> SolveResult:
    from .caliendo_parro.scenario import solve_files

    return solve_files(data_dir, tariffs_csv, **opts)


def _gravity_solver(baseline: Baseline, new_tariffs: np.ndarray, trade_cost_hat: np.ndarray) -> Mapping[str, Any]:
    from .gravity.adapter import gravity_solver

    return gravity_solver(baseline, new_tariffs, trade_cost_hat)


def _gravity_files(data_dir: str | Path | None, tariffs_csv: str | Path, **opts: Any) -> SolveResult:
    from .gravity.files import solve_files

    return solve_files(data_dir, tariffs_csv, **opts)


MODELS: dict[str, Model] = {
    "caliendo-parro": Model("caliendo-parro", _CaliendoParro(), _cp_files),
    "gravity": Model("gravity", _gravity_solver, _gravity_files),
}


def register_model(model: Model) -> None:
    """Add (or replace) a model under ``model.name``."""
    MODELS[model.name] = model


def get_model(name: str, source: str = "--model", field: str = "") -> Model:
    """The model called ``name``; a :class:`UserInputError` naming ``source`` and ``field`` if unknown."""
    try:
        return MODELS[name]
    except KeyError:
        raise UserInputError(source, field, name, f"unknown model (known: {', '.join(sorted(MODELS))})") from None


def get_solver(name: str, source: str = "--model", field: str = "") -> Solver:
    """The scenario :class:`Solver` of model ``name`` (see :func:`get_model`)."""
    return get_model(name, source, field).solver
