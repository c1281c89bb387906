"""The dashboard of ``usmca serve``: one self-contained page (HTML, inline CSS and vanilla JS).

The page loads nothing from the network but the API it is served with (relative URLs, no CDN):
a duty calculator (``GET tariffs/duty``), a law-parameter browser (``GET law/parameters``,
``GET law/parameter/{path}``), an origin check that posts a pasted BOM (``POST origin/qualify``),
and the review scenarios with a link to the briefing (``GET review/scenarios``,
``GET review/briefing``). Every answer is shown with the legal references the engines give.
"""

from __future__ import annotations

import functools
from importlib import resources

__all__ = ["dashboard_html", "DASHBOARD_FILE"]

DASHBOARD_FILE = "dashboard.html"


@functools.lru_cache(maxsize=1)
def dashboard_html() -> str:
    """The dashboard page as a string (read once from the package)."""
    return resources.files(__name__).joinpath(DASHBOARD_FILE).read_text(encoding="utf-8")
