"""Registry of general-equilibrium solvers behind ``usmca ge solve --model NAME``.

Each entry maps a model name to a callable ``fn(data_dir, tariffs_csv, **opts) -> results``
whose result has ``.to_dict()`` returning ``{"model": str, "regions": {region: {metric:
value}}, "diagnostics": {"baseline": {...}, "counterfactual": {...}, ...}}`` (each solve's
``outer_iterations``, ``residual``, ``seconds``, ``converged``). A solver must accept and ignore
option names it does not know. Both models of this package are registered here:

- ``caliendo-parro``: :func:`usmca.ge.caliendo_parro.scenario.solve_files` (Caliendo and Parro
  2015, REStud 82(1), https://doi.org/10.1093/restud/rdu035);
- ``gravity``: :func:`usmca.ge.gravity.files.solve_files` (one-sector structural gravity,
  Anderson and van Wincoop 2003; Yotov, Piermartini, Monteiro and Larch 2016, ch. 2).

Other packages add a model with :func:`register_solver`.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

from usmca.errors import UserInputError

__all__ = ["SOLVERS", "register_solver", "get_solver", "Solver"]


class Solver(Protocol):
    """``fn(data_dir, tariffs_csv, **opts) -> object with .to_dict()``."""

    def __call__(self, data_dir: Any, tariffs_csv: Any, **opts: Any) -> Any: ...


def _caliendo_parro(data_dir: Any, tariffs_csv: Any, **opts: Any) -> Any:
    from .caliendo_parro.scenario import solve_files

    return solve_files(data_dir, tariffs_csv, **opts)


def _gravity(data_dir: Any, tariffs_csv: Any, **opts: Any) -> Any:
    from .gravity.files import solve_files

    return solve_files(data_dir, tariffs_csv, **opts)


SOLVERS: dict[str, Callable[..., Any]] = {"caliendo-parro": _caliendo_parro, "gravity": _gravity}


def register_solver(name: str, fn: Callable[..., Any]) -> None:
    """Add (or replace) the solver of model ``name``."""
    SOLVERS[str(name)] = fn


def get_solver(name: str) -> Callable[..., Any]:
    """The solver of ``name``; a :class:`UserInputError` on ``--model`` if unknown."""
    try:
        return SOLVERS[name]
    except KeyError:
        raise UserInputError("--model", "", name, f"unknown model (known: {', '.join(sorted(SOLVERS))})") from None
