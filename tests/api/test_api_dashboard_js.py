"""The dashboard's script, run in node against a live server with a minimal DOM: each tool shows
what the API answers (a scenario table, parameters with references, an origin verdict, errors)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
BOM = HERE.parents[1] / "examples" / "electronics_bom.yaml"


def _law_scenario() -> str | None:
    """A scenario of the library whose law reform applies to the law tree (None if there is none)."""
    from usmca.law import Reform, default_tree
    from usmca.scenarios import load_library

    for name, s in load_library().items():
        if s.reform is not None:
            try:
                default_tree().with_reform(Reform.from_dict(dict(s.reform), s.source))
            except Exception:  # noqa: BLE001 - a reform that names parameters not encoded yet
                continue
            return name
    return None


@pytest.fixture(scope="module")
def shown(client, base_url, tmp_path_factory) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot run the page's script")
    page = client.get("/").text
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.S)
    f = tmp_path_factory.mktemp("dashboard") / "dashboard.js"
    f.write_text(script, encoding="utf-8")
    env = {**os.environ, "ORIGIN_SCENARIO": _law_scenario() or ""}
    out = subprocess.run([node, str(HERE / "dashboard_harness.js"), str(f), base_url, str(BOM)],
                         capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def test_review_tool_lists_the_library_and_shows_a_scenario(shown):
    from usmca.scenarios import load_library

    lib = load_library()
    assert all(name in shown["review"]["text"] for name in lib)
    first = next(iter(lib.values()))
    assert first.title in shown["review_detail"]["text"] and "welfare_pct" in shown["review_detail"]["text"]


def test_law_tool_lists_parameters_and_shows_one_with_its_reference(shown):
    from usmca.law import default_tree

    tree = default_tree()
    paths = tree.paths("usmca/ch04/de_minimis")
    assert all(p in shown["law"]["text"] for p in paths)
    assert paths[0] in shown["law_detail"]["text"]
    node = tree.node(paths[0])
    if hasattr(node, "entry"):
        ref = node.entry("2025-03-01").reference
        assert "History" in shown["law_detail"]["text"] and ref.provision in shown["law_detail"]["text"]
        assert ref.url in shown["links"]


def test_origin_tool_shows_the_verdict_and_the_trace(client, shown):
    expected = client.post("/origin/qualify", content=BOM.read_bytes(),
                           headers={"content-type": "application/yaml"}).json()
    text = shown["origin"]["text"]
    verdict = {True: "originating", False: "not originating", None: "undetermined"}[expected["originating"]]
    assert verdict in text and "Trace" in text
    assert all(step["reference"] in text for step in expected["trace"])


def test_origin_tool_shows_the_one_line_error(client, shown):
    assert "good.hs" in shown["origin_bad"]["error"] and "not-a-code" in shown["origin_bad"]["error"]


def test_duty_tool_shows_the_duty_or_the_error_line(client, shown):
    r = client.get("/tariffs/duty", params={"hts": "8703.23.01", "origin": "MX", "date": "2025-06-01",
                                            "value": "1000", "usmca": "true"})
    if r.status_code != 200:  # no engine or no schedule here: the page shows the API's one line
        assert shown["duty"]["error"] == r.json()["error"]
        return
    doc = r.json()
    text = shown["duty"]["text"]
    assert f"Duty {doc['total_duty']:g} USD" in " ".join(text.split())
    for c in doc["components"]:
        assert c["measure"] in text and c["reference"]["provision"] in text


def test_origin_tool_checks_the_bom_under_a_review_scenario(client, shown):
    from usmca.scenarios import load_library

    lib = load_library()
    assert shown["scenario_options"] == [n for n, s in lib.items() if s.reform is not None]
    name = _law_scenario()
    if name is None:
        pytest.skip("no scenario of the library changes encoded law")
    text = BOM.read_text(encoding="utf-8")
    body = "bom:\n" + "\n".join("  " + line for line in text.split("\n")) + f"\nscenario: {name}\n"
    expected = client.post("/origin/qualify", content=body.encode(), headers={"content-type": "application/yaml"})
    assert expected.status_code == 200, expected.text
    reform = expected.json()["reform"]
    said = {True: "originating", False: "not originating", None: "undetermined"}
    line = f"{said[reform['baseline']['originating']]} under the law in force, " \
           f"{said[reform['reform']['originating']]} under the scenario"
    assert line in " ".join(shown["origin_scenario"]["text"].split())


def test_rule_tool_shows_the_alternatives_or_says_not_encoded(client, shown):
    doc = client.get("/origin/rule", params={"hs": "2202.90.10", "date": "2025-03-01"}).json()
    text = " ".join(shown["rule"]["text"].split())
    if not doc["encoded"]:
        assert "not encoded" in text
        return
    for alt in doc["rule"]["alternatives"]:
        assert " ".join(alt["text"].split()) in text
    assert doc["rule"]["reference"]["instrument"] in text
