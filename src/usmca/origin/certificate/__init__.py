"""Certification of origin (USMCA Art. 5.2, Annex 5-A): JSON and printable HTML.

Public API: :func:`make_certificate` (the nine data elements, refusing non-originating goods and
over-long blanket periods), :func:`render_html`, :func:`load_parties`, :class:`Parties`.
"""

from __future__ import annotations

from .build import check_blanket_period, make_certificate
from .render import render_html
from .schema import Parties, Party, Signature, load_parties

__all__ = ["make_certificate", "check_blanket_period", "render_html", "load_parties", "Parties", "Party",
           "Signature"]
