"""The embedded compact 2024 baseline (8 regions x 10 sectors) and its builder.

``facts.csv`` holds the published figures (each row with its source URL); ``build.py`` turns them
into ``baseline_2024.json`` (``usmca data build-baseline``); :func:`load_baseline` reads it.
"""

from __future__ import annotations

from .build import BASELINE_PATH, FACTS_PATH, build, read_facts, write_baseline
from .model import Baseline, load_baseline
from .sectors import GOODS, REGIONS, SECTOR_LABELS, SECTORS, USMCA

__all__ = ["Baseline", "load_baseline", "build", "read_facts", "write_baseline", "BASELINE_PATH", "FACTS_PATH",
           "REGIONS", "SECTORS", "GOODS", "USMCA", "SECTOR_LABELS"]
