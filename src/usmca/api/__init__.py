"""The HTTP API of ``usmca serve`` (FastAPI): thin routes over the law, origin, tariffs and review
engines, and the dashboard page.

>>> from usmca.api import create_app
>>> app = create_app()                          # doctest: +SKIP
>>> # uvicorn.run(app, host="127.0.0.1", port=8000)

See :mod:`usmca.api.app` for the routes.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
