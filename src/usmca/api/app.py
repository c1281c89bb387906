"""The HTTP application of ``usmca serve``: thin routes over the engines, generated from the model.

As in OpenFisca's web API, the routes only read the request and hand plain values to the engines
(law, origin, tariffs, review); every answer carries the legal references the engines give, and
a user error is HTTP 422 with the one line of :class:`usmca.errors.UserInputError` (404 with the same
line when a well-formed request names what the law tree or the data does not hold: see
:mod:`usmca.api.spec`). Long jobs run in worker processes (:mod:`usmca.api.jobs`); repeated duty
queries are answered from memory (:mod:`usmca.api.cache`).

=========================  =====================================================================
``GET /``                  the dashboard (one self-contained page, no external resource)
``GET /law/parameters``    ``?prefix=&date=``: paths with unit, value and reference in force
``GET /law/parameter/P``   ``?date=``: value, unit, reference, description, history
``POST /law/diff``         a reform (parameter diff) -> the law before and after, per change
``POST /origin/qualify``   a BOM or ``{boms: [...]}`` (+ ``date``, ``reform``) -> ``usmca origin qualify --json``
``GET /origin/rule``       ``?hs=&date=``: the product-specific rule (``encoded: false`` if not)
``GET /origin/coverage``   which HS chapters' rules are encoded, from which source
``GET /tariffs/duty``      ``?hts=&origin=&date=&value=&usmca=&us_content=&quantity=&declare=`` -> the duty
``POST /tariffs/duty``     the same fields as JSON, plus an optional ``reform``
``GET /review``            every scenario, origin what-if, effective rates (``usmca review --json``)
``GET /review/scenarios``  the scenario library; ``GET /review/{name}`` one result (cached)
``GET /review/briefing``   the review briefing (HTML)
``GET /spec``              the OpenAPI document (also at ``/openapi.json``; ``/docs``)
=========================  =====================================================================
"""

from __future__ import annotations

import contextlib
import importlib
import os
from typing import Any, AsyncIterator, Callable, Sequence

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from . import dashboard as dashboard_routes
from . import law, origin, review, tariffs
from .body import BodyLimit
from .cache import ResponseCache, data_stamp
from .errors import ERROR_RESPONSES, install_error_handlers
from .jobs import JobPool
from .responses import DASHBOARD_CSP, JSONDocument
from .spec import add_enums

__all__ = ["create_app", "warm_up", "served_app"]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("usmca")
    except PackageNotFoundError:  # not installed as a distribution
        return "0"


def create_app(tree: Any = None, review_cache: review.ReviewCache | None = None,
               cors_origins: Sequence[str] | None = None, jobs: JobPool | bool = True) -> FastAPI:
    """Build the application.

    Request bodies are limited while they stream (:class:`usmca.api.body.BodyLimit`, 413 past
    :data:`usmca.api.body.MAX_BODY_BYTES`); only JSON and YAML bodies are read (415 otherwise).
    CORS is closed unless origins are given: no ``Access-Control-Allow-Origin`` header is sent,
    so a page of another site cannot read an answer.

    Parameters
    ----------
    tree
        The law tree every route uses (default :func:`usmca.law.default_tree`, loaded on first use).
    review_cache
        Where scenario results are kept (default: a new :class:`usmca.api.review.ReviewCache`
        running the Caliendo-Parro engine on the embedded 2024 baseline).
    cors_origins
        Origins allowed to call the API from a browser (``https://example.org``); default
        ``$USMCA_CORS_ORIGINS`` (comma-separated), else none.
    jobs
        Where long jobs (scenario solves, the whole review, the briefing, the dashboard's what-if)
        run: ``True`` a new :class:`usmca.api.jobs.JobPool` (worker processes started on the first
        such job, stopped with the application), a pool of your own, or ``False`` for a thread of
        this process. A ``review_cache`` with its own baseline or solver always runs in a thread.

    Returns
    -------
    fastapi.FastAPI
        Serve it with ``uvicorn`` (``usmca serve``) or test it with ``fastapi.testclient.TestClient``.
    """
    app = FastAPI(title="usmca", version=_version(), default_response_class=JSONDocument,
                  docs_url=None, redoc_url=None,      # served offline by usmca.api.dashboard
                  responses=ERROR_RESPONSES,
                  description="USMCA / T-MEC / CUSMA as code: the law as dated, cited parameters; rules of "
                              "origin; duties; the 2026 joint-review scenarios. Malformed requests are HTTP 422 "
                              "with {error, source, field, value}; well-formed ones naming what the law or "
                              "the data does not hold (an HTS line, a date outside the schedule) are 404 with "
                              "the same document; 503 with Retry-After when the long-job pool is full.", lifespan=_lifespan)
    app.state.tree = _tree_getter(tree)
    app.state.review = review_cache or review.ReviewCache()
    app.state.jobs = JobPool() if jobs is True else (jobs or None)
    install_error_handlers(app)
    for module in (law, origin, tariffs, review, dashboard_routes):
        app.include_router(module.router)

    if cors_origins is None:
        cors_origins = [o.strip() for o in os.environ.get("USMCA_CORS_ORIGINS", "").split(",") if o.strip()]
    if cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type"])
    app.add_middleware(ResponseCache, fingerprint=lambda: _data_identity(app))
    app.add_middleware(BodyLimit)
    app.add_middleware(_NoSniff)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard() -> HTMLResponse:
        from usmca.web import dashboard_html

        return HTMLResponse(dashboard_html(), headers={"Content-Security-Policy": DASHBOARD_CSP})

    from usmca.examples import EXAMPLE_NAMES

    app.openapi = add_enums(app.openapi, {  # type: ignore[method-assign]
        ("/review/{name}", "name"): lambda: list(app.state.review.library()),
        ("/dashboard/run", "body.scenario"): lambda: list(app.state.review.library()),
        ("/examples/{name}", "name"): lambda: [*EXAMPLE_NAMES, *(n.removesuffix(".yaml") for n in EXAMPLE_NAMES)]})

    @app.get("/spec", summary="The OpenAPI document of this API", tags=["meta"])
    def spec() -> JSONDocument:
        return JSONDocument(app.openapi())

    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Stop the long-job pool's worker processes when the server stops."""
    yield
    pool = getattr(app.state, "jobs", None)
    if pool is not None:
        pool.shutdown()


class _NoSniff:
    """ASGI middleware adding ``X-Content-Type-Options: nosniff`` to every response.

    A plain ASGI wrapper rather than ``@app.middleware("http")``: Starlette's
    ``BaseHTTPMiddleware`` runs each request through an extra task and memory stream, which
    measured as a large part of the per-request cost under load (benchmarks/bench_api.py).
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_header(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                if not any(k.lower() == b"x-content-type-options" for k, _ in headers):
                    headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_header)


def _data_identity(app: FastAPI) -> Any:
    """What a cached ``GET`` answer depends on beyond its query: the law tree object and the store
    (:func:`usmca.api.cache.data_stamp`); ``None`` (do not cache) when the store cannot be located."""
    stamp = data_stamp()
    return None if stamp is None else (id(app.state.tree()), stamp)


def _tree_getter(tree: Any) -> Callable[[], Any]:
    if tree is not None:
        return lambda: tree
    from usmca.law import default_tree

    return default_tree


def served_app() -> FastAPI:
    """The application as ``usmca serve --workers N`` starts it in each worker process: built and
    warmed up (:func:`warm_up`) before the first request."""
    app = create_app()
    warm_up(app)
    return app


def warm_up(app: FastAPI) -> dict[str, float]:
    """Load what the first requests would otherwise load all at once: the law tree, the scenario
    library and baseline, the HTS schedule of the tariffs engine.

    Without it, concurrent first requests each build the same cached object (the engines' caches are
    not locked): measured 44 s for 96 concurrent cold duty requests against 1.3 s warm.

    Returns
    -------
    dict
        Seconds spent per part (a part whose engine or data is absent is skipped).
    """
    import time

    from usmca.errors import UserInputError

    spent: dict[str, float] = {}

    def timed(name: str, load: Callable[[], Any]) -> None:
        start = time.perf_counter()
        try:
            load()
        except (ImportError, UserInputError):  # engine not installed, or its data absent
            return
        spent[name] = time.perf_counter() - start

    timed("law", app.state.tree)
    timed("review", lambda: (app.state.review.library(), app.state.review.baseline()))
    if tariffs.duty_engine() is not None:
        timed("tariffs", lambda: importlib.import_module("usmca.tariffs.schedule").load_schedule())
    return spent
