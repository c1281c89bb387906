"""The model registry: one :class:`Solver` protocol, both models, ``usmca ge solve --model`` and scenarios."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from usmca.errors import UserInputError
from usmca.ge import registry


def test_both_models_are_registered_and_unknown_models_are_user_errors() -> None:
    assert sorted(registry.MODELS) == ["caliendo-parro", "gravity"]
    for name, model in registry.MODELS.items():
        assert model.name == name and registry.get_solver(name) is model.solver
    with pytest.raises(UserInputError, match="unknown model") as e:
        registry.get_model("no-such-model", "s.yaml", "model")
    assert (e.value.source, e.value.field, e.value.value) == ("s.yaml", "model", "no-such-model")


def test_register_model_adds_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "MODELS", dict(registry.MODELS))

    def toy(baseline: Any, tariffs: Any, dhat: Any) -> dict[str, Any]:
        return {"countries": {}, "seen": (baseline, tariffs, dhat)}

    registry.register_model(registry.Model("toy", toy, lambda data_dir, tariffs_csv, **opts: (data_dir, opts)))
    assert registry.get_solver("toy")("b", "t", "d")["seen"] == ("b", "t", "d")
    assert registry.get_model("toy").solve_files("d", "t", x=1) == ("d", {"x": 1})


def test_the_registry_imports_neither_the_cli_nor_an_engine() -> None:
    """A fresh interpreter: the registry lists both models without loading an engine or the CLI."""
    code = ("import sys; from usmca.ge.registry import MODELS; "
            "print(','.join(sorted(MODELS)), any(m.startswith(('usmca.cli', 'usmca.ge.caliendo_parro', "
            "'usmca.ge.gravity')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["caliendo-parro,gravity", "False"]
