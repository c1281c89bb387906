"""Printable, self-contained HTML of a certification of origin (jinja2; no external assets)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import jinja2

__all__ = ["render_html", "TEMPLATE"]

TEMPLATE = Path(__file__).resolve().parent / "certificate.html.j2"


def render_html(cert: Mapping[str, Any]) -> str:
    """The certificate of :func:`usmca.origin.certificate.make_certificate` as one HTML page.

    All text is HTML-escaped (autoescape); the page carries its CSS inline, prints on one A4 or
    Letter sheet, and numbers the fields 1-9 as in Annex 5-A.
    """
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE.parent)),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template(TEMPLATE.name).render(c=cert)
