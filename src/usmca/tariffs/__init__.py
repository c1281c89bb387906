"""Duties and effective tariff rates (``usmca.tariffs``).

- :func:`duty` — the duty of one entry line on a date, measure by measure, with references.
- :func:`duty_batch` — the duties of many entry lines at once (:mod:`usmca.tariffs.duty_batch`).
- :func:`usmca.tariffs.etr.effective_rates` — statutory effective tariff rates of flow tables.
- :mod:`usmca.tariffs.schedule` — the HTS schedule in force on a date (store or shared samples).
- :mod:`usmca.tariffs.measures` — the US measures of 2025-26, read from ``us/`` in the law tree.
"""

from __future__ import annotations

from .duty import Component, DutyResult, duty
from .duty_batch import DutyBatch, duty_batch

__all__ = ["duty", "DutyResult", "Component", "duty_batch", "DutyBatch"]
