"""The review briefing (self-contained HTML with inline SVG charts) and its parts."""

from __future__ import annotations

from .briefing import BRIEFING_FILE, render_briefing, top_sectors, write_briefing

__all__ = ["render_briefing", "write_briefing", "top_sectors", "BRIEFING_FILE"]
