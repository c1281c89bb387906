"""The review's long jobs, run in the worker processes of :class:`usmca.api.jobs.JobPool`.

Worker side: a process-wide :class:`usmca.api.review.ReviewCache` (the library's own models on
the embedded baseline) solves a scenario (:func:`scenario_result`), the whole library
(:func:`whole_review`), the briefing (:func:`briefing_html`) or the dashboard's what-if
(:func:`what_if`); what it returns is pickled back to the server.

Server side (:func:`scenario`, :func:`review_document`, :func:`briefing`, :func:`run_changes`):
the server's own cache adopts the results, so a scenario is solved once per server, and the whole
review's JSON and the briefing are kept rendered. A cache built with another baseline or solver
(tests, embedding) cannot be rebuilt in a worker: its jobs run in a thread, as before.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool

from usmca.errors import UserInputError

__all__ = ["scenario_result", "whole_review", "briefing_html", "what_if", "scenario", "review_document",
           "briefing", "run_changes"]

_WORKER_CACHE: Any = None


def _worker_cache() -> Any:
    """The default review cache of this worker process (built on its first job)."""
    global _WORKER_CACHE
    if _WORKER_CACHE is None:
        from .review import ReviewCache

        _WORKER_CACHE = ReviewCache()
    return _WORKER_CACHE


def scenario_result(name: str) -> Any:
    """(worker) The :class:`~usmca.scenarios.runner.ScenarioResult` of library scenario ``name``."""
    return _worker_cache().result(name)


def whole_review() -> tuple[dict[str, Any], bytes]:
    """(worker) Every scenario's result and the rendered JSON of ``usmca review --json``."""
    from .responses import JSONDocument

    cache = _worker_cache()
    document = bytes(JSONDocument(cache.document()).body)
    return {n: cache.result(n) for n in cache.library()}, document


def briefing_html() -> str:
    """(worker) The review briefing (HTML) of the whole library."""
    return str(_worker_cache().briefing())


def what_if(raw: Any, url: str) -> dict[str, Any]:
    """(worker) :func:`usmca.api.review.run_doc`: a library scenario under the user's law changes."""
    from .review import run_doc

    return run_doc(_worker_cache(), raw, url)


def _pooled(app: Any) -> Any:
    """The application's job pool when its review cache can be rebuilt in a worker, else ``None``."""
    pool = getattr(app.state, "jobs", None)
    return pool if pool is not None and getattr(app.state.review, "is_default", False) else None


def _memo(app: Any) -> dict[str, Any]:
    if not hasattr(app.state, "review_rendered"):
        app.state.review_rendered = {}
    memo: dict[str, Any] = app.state.review_rendered
    return memo


async def scenario(app: Any, name: str) -> Any:
    """The result of scenario ``name``: from the server's cache, else solved in a worker.

    Raises
    ------
    UserInputError
        When ``name`` is not a scenario of the library (422, before any job starts).
    """
    cache = app.state.review
    if cache.has_result(name):  # computed: no thread, no job
        return cache.result(name)
    pool = _pooled(app)
    if pool is None:
        return await run_in_threadpool(cache.result, name)
    lib = cache.library()
    if name not in lib:
        raise UserInputError("path", "name", name, f"unknown scenario; one of {', '.join(lib)}")
    if not cache.has_result(name):
        cache.adopt({name: await pool.run(("scenario", name), scenario_result, name)})
    return cache.result(name)


async def review_document(app: Any) -> Any:
    """The rendered document of ``GET /review`` (the whole library, solved once in a worker)."""
    from .responses import JSONDocument, prerendered

    cache = app.state.review
    pool = _pooled(app)
    if pool is None:
        return JSONDocument(await run_in_threadpool(cache.document))
    memo = _memo(app)
    if "review" not in memo:
        results, document = await pool.run(("review",), whole_review)
        cache.adopt(results)
        memo["review"] = document
    return prerendered(memo["review"])


async def briefing(app: Any) -> str:
    """The review briefing (HTML), rendered once in a worker."""
    cache = app.state.review
    pool = _pooled(app)
    if pool is None:
        return str(await run_in_threadpool(cache.briefing))
    memo = _memo(app)
    if "briefing" not in memo:
        memo["briefing"] = await pool.run(("briefing",), briefing_html)
    return str(memo["briefing"])


async def run_changes(app: Any, raw: Any, url: str) -> dict[str, Any]:
    """``POST /dashboard/run``: a scenario under the user's changes (in a worker; never cached)."""
    from .review import run_doc

    cache = app.state.review
    pool = _pooled(app)
    if pool is None:
        return dict(await run_in_threadpool(run_doc, cache, raw, url))
    if not isinstance(raw, dict) or str(raw.get("scenario", "")) not in cache.library():
        return run_doc(cache, raw, url)  # raises the user error at once, solving nothing
    import json

    key = ("what-if", json.dumps(raw, sort_keys=True, default=str), url)
    return dict(await pool.run(key, what_if, raw, url))

