"""``/review``: the scenario library of the 2026 joint review, run on demand and kept in memory.

``GET /review/scenarios`` lists the library (:func:`usmca.scenarios.load_library`);
``GET /review`` gives the whole document of ``usmca review --json``;
``GET /review/{name}`` runs one scenario on the embedded 2024 baseline with the Caliendo-Parro
engine (:func:`usmca.scenarios.run_scenario`) the first time it is asked for, and serves the
cached :class:`~usmca.scenarios.runner.ScenarioResult` afterwards: welfare, real wage, terms and
volume of trade, exports and imports by country, output by sector, the tariff wedges, and every
law parameter and assumption used with its source. ``GET /review/briefing`` renders the review
briefing of ``usmca review`` (self-contained HTML) from the same cache.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from usmca.errors import UserInputError

from . import review_jobs
from .responses import BRIEFING_CSP, JSONDocument, rendered_document

__all__ = ["router", "ReviewCache"]

router = APIRouter(prefix="/review", tags=["review"])


class ReviewCache:
    """Scenario results computed once per process (thread-safe).

    Parameters
    ----------
    baseline
        A callable returning the baseline (default :func:`usmca.data.baseline.load_baseline`).
    solver
        A :class:`usmca.ge.registry.Solver` (default: the model each scenario names).
    """

    def __init__(self, baseline: Callable[[], Any] | None = None, solver: Any = None) -> None:
        self._baseline_fn = baseline
        self._solver = solver
        self._lock = threading.Lock()
        self._library: dict[str, Any] | None = None
        self._baseline: Any = None
        self._results: dict[str, Any] = {}
        self._whole: Any = None

    def library(self) -> dict[str, Any]:
        """The resolved scenario library, keyed by name."""
        with self._lock:
            if self._library is None:
                from usmca.scenarios import load_library

                self._library = load_library()
            return self._library

    def baseline(self) -> Any:
        """The baseline the scenarios run on (loaded once)."""
        with self._lock:
            if self._baseline is None:
                if self._baseline_fn is not None:
                    self._baseline = self._baseline_fn()
                else:
                    from usmca.data.baseline import load_baseline

                    self._baseline = load_baseline()
            return self._baseline

    def result(self, name: str) -> Any:
        """The result of scenario ``name`` (run on first request).

        Raises
        ------
        UserInputError
            When ``name`` is not a scenario of the library (the message lists them).
        """
        lib = self.library()
        if name not in lib:
            raise UserInputError("path", "name", name, f"unknown scenario; one of {', '.join(lib)}")
        if name not in self._results:
            from usmca.scenarios import run_scenario

            res = run_scenario(lib[name], self.baseline(), self._solver)
            with self._lock:
                self._results.setdefault(name, res)
        return self._results[name]

    @property
    def is_default(self) -> bool:
        """True when this cache runs each scenario's own model on the embedded baseline, so that a
        worker process of :class:`usmca.api.jobs.JobPool` can compute the same results."""
        return self._baseline_fn is None and self._solver is None

    def has_result(self, name: str) -> bool:
        """True when scenario ``name`` is computed (or adopted)."""
        return name in self._results

    def adopt(self, results: dict[str, Any]) -> None:
        """Keep results computed elsewhere (by a worker process of :mod:`usmca.api.review_jobs`)."""
        with self._lock:
            for name, res in results.items():
                self._results.setdefault(name, res)

    def listing(self) -> list[dict[str, Any]]:
        """Name, title, date, description and comparison of every scenario, in library order."""
        return [{"name": s.name, "title": s.title, "date": s.date.isoformat(), "description": s.description,
                 "compare_to": s.compare_to, "changes_law": s.reform is not None, "origin_whatif": s.origin_whatif,
                 "computed": s.name in self._results, "href": f"review/{s.name}",
                 "law_paths": list(dict.fromkeys(x.path for x in s.law))}
                for s in self.library().values()]

    def review(self) -> Any:
        """The :class:`usmca.scenarios.review.Review` of the whole library (assembled once from the
        cached results by :func:`usmca.scenarios.review.assemble_review`)."""
        from usmca.scenarios.review import assemble_review

        lib = self.library()
        results = {n: self.result(n) for n in lib}
        b = self.baseline()
        with self._lock:
            if self._whole is None:
                self._whole = assemble_review(results, b, list(lib.values()))
            return self._whole

    def document(self) -> dict[str, Any]:
        """The document of ``usmca review --json``: every scenario, origin what-if, effective rates."""
        return self.review().to_dict()

    def briefing(self) -> str:
        """The review briefing (HTML) over every scenario of the library (``usmca review``)."""
        from usmca.report import render_briefing

        return render_briefing(self.review())


@router.get("", response_class=JSONDocument, summary="Every scenario, as `usmca review --json`")
async def get_review(request: Request) -> JSONDocument:
    """Results of every scenario, the origin what-if of the example BOMs and the effective US rates."""
    return await review_jobs.review_document(request.app)  # in a worker process (usmca.api.jobs)


@router.get("/scenarios", response_class=JSONDocument, summary="The scenario library")
async def get_scenarios(request: Request) -> JSONDocument:
    """Every scenario of the 2026-review library with its title, date and description."""
    cache: ReviewCache = request.app.state.review
    rows = await run_in_threadpool(cache.listing)
    return JSONDocument({"count": len(rows), "scenarios": rows})


@router.get("/briefing", response_class=HTMLResponse, summary="The review briefing (HTML)")
async def get_briefing(request: Request) -> HTMLResponse:
    """The self-contained briefing page of ``usmca review`` (every scenario; cached results)."""
    html = await review_jobs.briefing(request.app)  # in a worker process (usmca.api.jobs)
    return HTMLResponse(html, headers={"Content-Security-Policy": BRIEFING_CSP})


def run_doc(cache: ReviewCache, raw: Any, url: str = "http://127.0.0.1/") -> dict[str, Any]:
    """Run one library scenario with extra law changes (the dashboard's reform builder).

    ``raw`` is ``{"scenario": name, "changes": {path: {date or "start..end": value}}, "description"?}``;
    the changes are laid over the scenario's own reform (a change to the same path and period
    replaces it), each cited as the user's what-if with ``url`` (the dashboard it came from)
    and validated all-or-nothing against the law tree. The answer is
    ``{"result": <the scenario's result>, "reference": <the library result>, "changes": [...]}``;
    nothing is cached or stored.

    Raises
    ------
    UserInputError
        For an unknown scenario or a value of the wrong type (HTTP 422); a path that is not in the
        law tree is a :class:`usmca.api.spec.NotInData` (404).
    """
    import dataclasses
    from collections.abc import Mapping

    from usmca.law import Reform
    from usmca.scenarios import run_scenario

    from .bodies import RunBody, validated
    from .spec import unknown_path_not_in_data

    if not isinstance(raw, Mapping):
        raise UserInputError("body", "", type(raw).__name__, "expected {scenario, changes}")
    validated(RunBody, raw)
    name = str(raw.get("scenario", ""))
    lib = cache.library()
    if name not in lib:
        raise UserInputError("body", "scenario", name, f"unknown scenario; one of {', '.join(lib)}")
    changes = raw.get("changes") or {}
    if not isinstance(changes, Mapping):
        raise UserInputError("body", "changes", type(changes).__name__, "expected {path: {date: value}}")
    s = lib[name]
    user_ref = {"instrument": "User reform built in the usmca dashboard", "provision": "what-if (not law)", "url": url}
    own = dict(s.reform or {})
    merged = {path: dict(periods) for path, periods in (own.get("changes") or {}).items()}
    for path, periods in changes.items():
        if not isinstance(periods, Mapping):
            raise UserInputError("body", f"changes.{path}", periods, "expected {date: value}")
        for period, value in periods.items():
            merged.setdefault(str(path), {})[str(period)] = {"value": value, "reference": user_ref}
    reform: dict[str, Any] | None = None       # no change and no reform of its own: the scenario as it is
    if merged:
        reform = {"description": str(raw.get("description") or f"{s.title} with the user's changes"),
                  "reference": own.get("reference") or user_ref, "changes": merged}
        from usmca.law import default_tree

        with unknown_path_not_in_data():                                       # validate before solving
            default_tree().with_reform(Reform.from_dict(reform, source="body"))
    result = run_scenario(dataclasses.replace(s, reform=reform), cache.baseline(), cache._solver)
    return {"scenario": name, "changes": [{"path": p, "period": k, "value": v} for p, pv in changes.items()
                                          for k, v in pv.items()],
            "result": result.to_dict(), "reference": cache.result(name).to_dict()}


@router.get("/{name}", response_class=JSONDocument, summary="Results of one scenario")
async def get_scenario(request: Request, name: str) -> JSONDocument:
    """Welfare, wages and trade by country, output by sector, tariffs, and the cited law and assumptions."""
    res = await review_jobs.scenario(request.app, name)  # solved in a worker process (usmca.api.jobs)
    return rendered_document(res)  # rendered once per cached result
