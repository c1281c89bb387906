"""Fuzz: malformed BOMs never produce a traceback; the CLI answers exit 2 and one line."""

from __future__ import annotations

import copy
import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from bomgen import random_bom  # noqa: E402

from usmca.errors import UserInputError  # noqa: E402

JUNK = [None, -1, -0.01, "abc", "", [], {}, [1, 2], {"a": 1}, True, 1e308, float("nan"), "8501.5", "99999",
        "2025-13-45", {"type": "nonsense"}, [{"shift": "XYZ"}], "1e999", 10**30]


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, prefix + (i,))
    return out


def _mutate(bom: dict, rng: random.Random) -> Any:
    b = copy.deepcopy(bom)
    for _ in range(rng.randint(1, 3)):
        paths = _paths(b)
        if not paths:
            break
        path = rng.choice(paths)
        parent = b
        for k in path[:-1]:
            parent = parent[k]
        if rng.random() < 0.3 and isinstance(parent, dict):
            del parent[path[-1]]
        elif rng.random() < 0.1 and isinstance(parent, dict):
            parent["unexpected_" + str(rng.randint(0, 9))] = 1
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(JUNK))
    return b


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=10**9))
def test_mutated_boms_give_a_result_or_a_user_error(seed: int) -> None:
    from usmca.origin import qualify

    rng = random.Random(seed)
    bom = _mutate(random_bom(seed), rng)
    try:
        r = qualify(bom)
        json.dumps(r.to_dict(), allow_nan=False)
    except UserInputError as exc:
        assert "\n" not in exc.one_line()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["yaml", "json", "text"]))
def test_cli_on_malformed_files_exits_2_with_one_line(cli, tmp_path_factory, seed: int, kind: str) -> None:
    import yaml

    rng = random.Random(seed)
    d = tmp_path_factory.mktemp("fuzz")
    if kind == "text":
        f = d / "bom.yaml"
        raw = yaml.safe_dump(random_bom(seed))
        cut = rng.randint(0, len(raw))
        f.write_text(raw[:cut] + rng.choice(["{", "]", ": :", "\t-", "\x00", "&a *b", ""]) + raw[cut:])
    else:
        b = _mutate(random_bom(seed), rng)
        f = d / f"bom.{kind}"
        f.write_text(json.dumps(b, default=str) if kind == "json" else yaml.safe_dump(b, allow_unicode=True))
    r = cli("origin", "qualify", str(f), "--json")
    assert r.code in (0, 2), r.err
    if r.code == 2:
        lines = r.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in r.err
        assert r.out == ""
    else:
        json.loads(r.out)


@pytest.mark.parametrize("content", ["", "---\n", "[]", "good: 3", "42", "boms: 5", "good:\n  hs: [1]\n",
                                     "materials: []", "{good: {hs: '8501.52', produced_in: MX}, materials: [[]]}"])
def test_cli_classic_malformed_inputs(cli, tmp_path: Path, content: str) -> None:
    f = tmp_path / "b.yaml"
    f.write_text(content)
    r = cli("origin", "qualify", str(f), "--json")
    assert r.code == 2 and r.err.startswith("error: ") and len(r.err.strip().splitlines()) == 1, r.err


def test_cli_missing_file_and_bad_date(cli, tmp_path: Path) -> None:
    r = cli("origin", "qualify", str(tmp_path / "nope.yaml"), "--json")
    assert r.code == 2 and "not found" in r.err
    f = tmp_path / "b.yaml"
    import yaml

    f.write_text(yaml.safe_dump(random_bom(3)))
    r = cli("origin", "qualify", str(f), "--date", "2025-02-30", "--json")
    assert r.code == 2 and "--date" in r.err
