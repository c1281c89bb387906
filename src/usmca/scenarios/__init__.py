"""Scenarios of the 2026 joint review: YAML files (law reforms and tariff/trade-cost shocks, every
assumed number cited), their compiler to model shocks, and the runner.

>>> from usmca.scenarios import load_library
>>> sorted(load_library())[:2]
['after_ruling_2026', 'auto_rvc85_us_content']
"""

from __future__ import annotations

from .compile import CompiledScenario, compile_scenario
from .library import load_library, resolve, scenario_names
from .runner import ScenarioResult, run_scenario, run_scenarios
from .schema import LIBRARY_DIR, Scenario, load_scenario

__all__ = ["Scenario", "load_scenario", "load_library", "resolve", "scenario_names", "compile_scenario",
           "CompiledScenario", "ScenarioResult", "run_scenario", "run_scenarios", "LIBRARY_DIR"]
