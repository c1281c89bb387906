"""The solver registry behind ``usmca ge solve --model`` (both models)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from usmca.errors import UserInputError
from usmca.ge import registry


def test_caliendo_parro_is_registered_and_unknown_models_are_user_errors() -> None:
    assert "caliendo-parro" in registry.SOLVERS
    assert registry.get_solver("caliendo-parro") is registry.SOLVERS["caliendo-parro"]
    with pytest.raises(UserInputError, match="unknown model"):
        registry.get_solver("no-such-model")


def test_register_solver_adds_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "SOLVERS", dict(registry.SOLVERS))
    registry.register_solver("toy", lambda data_dir, tariffs_csv, **opts: (data_dir, tariffs_csv, opts))
    assert registry.get_solver("toy")("d", "t", x=1) == ("d", "t", {"x": 1})


def test_both_models_are_registered_without_importing_the_cli() -> None:
    """A fresh interpreter: the registry alone lists both models, and does not pull in the CLI."""
    code = ("import sys; from usmca.ge.registry import SOLVERS; "
            "print(','.join(sorted(SOLVERS)), any(m.startswith('usmca.cli') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["caliendo-parro,gravity", "False"]
