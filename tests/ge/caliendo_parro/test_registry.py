"""The solver registry behind ``usmca ge solve --model``."""

from __future__ import annotations

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
