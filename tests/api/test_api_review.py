"""``/review``: the scenario library over HTTP, run on demand and cached; the briefing page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest

from .checks import assert_user_error

pytest.importorskip("usmca.scenarios")


@pytest.fixture(scope="module")
def library() -> dict[str, Any]:
    from usmca.scenarios import load_library

    return load_library()


def test_scenarios_lists_the_library_in_order(client, library):
    doc = client.get("/review/scenarios").json()
    assert [s["name"] for s in doc["scenarios"]] == list(library)
    assert doc["count"] == len(library)
    for s in doc["scenarios"]:
        assert s["title"] == library[s["name"]].title and s["date"] == library[s["name"]].date.isoformat()


def test_a_scenario_is_the_runner_result_on_the_embedded_baseline(client, library):
    from usmca.data.baseline import load_baseline
    from usmca.jsonable import to_jsonable
    from usmca.scenarios import run_scenario

    name = next(iter(library))
    direct = to_jsonable(run_scenario(library[name], load_baseline()).to_dict())
    served = client.get(f"/review/{name}").json()
    for doc in (direct, served):
        doc["diagnostics"].pop("seconds", None)  # wall-clock time of the solve
    assert served == direct
    assert served["diagnostics"]["residual"] < 1e-9


def test_every_number_used_carries_its_source(client, library):
    name = list(library)[-1]
    doc = client.get(f"/review/{name}").json()
    for item in doc["law_used"]:
        assert item["reference"]["url"].startswith(("http://", "https://")), item
    for item in doc["assumptions"]:
        assert item["url"].startswith(("http://", "https://")) and item["source"], item


def test_results_are_computed_once_and_cached():
    from usmca.api import create_app
    from usmca.api.review import ReviewCache
    from usmca.ge.registry import get_solver

    calls: list[int] = []
    solver = get_solver("caliendo-parro")

    def counting(baseline: Any, tariffs: Any, dhat: Any) -> Any:
        calls.append(1)
        return solver(baseline, tariffs, dhat)

    from fastapi.testclient import TestClient

    client = TestClient(create_app(review_cache=ReviewCache(solver=counting)))
    name = client.get("/review/scenarios").json()["scenarios"][0]["name"]
    first = client.get(f"/review/{name}").json()
    second = client.get(f"/review/{name}").json()
    assert first == second and len(calls) == 1
    listed = {s["name"]: s["computed"] for s in client.get("/review/scenarios").json()["scenarios"]}
    assert listed[name] is True and sum(listed.values()) == 1


def test_unknown_scenario_is_422_listing_the_library(client, library):
    doc = assert_user_error(client.get("/review/no_such_scenario"), "path", "name")
    assert doc["value"] == "no_such_scenario"
    assert all(name in doc["error"] for name in library)


_BRIEFING = """
import json, sys, warnings
warnings.simplefilter("ignore")
from fastapi.testclient import TestClient
from usmca.api import create_app
r = TestClient(create_app()).get("/review/briefing")
json.dump({"status": r.status_code, "type": r.headers["content-type"], "text": r.text,
           "csp": r.headers.get("content-security-policy", "")}, sys.stdout)
"""


def test_briefing_is_a_self_contained_page_with_every_scenario(library):
    # In a fresh interpreter, as in `usmca serve`: the page must not depend on what other tests imported.
    out = subprocess.run([sys.executable, "-c", _BRIEFING], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    r = json.loads(out.stdout)
    assert r["status"] == 200, r["text"][:500] + out.stderr[-2000:]
    assert r["type"].startswith("text/html")
    assert "default-src 'none'" in r["csp"] and "script-src" not in r["csp"]
    html = r["text"]
    for s in library.values():
        assert s.name in html
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)\s*=\s*[\"']?(https?:)?//", html, re.I)


def test_the_whole_review_is_the_cli_json(client, cli):
    out = cli("review", "--json")
    assert out.code == 0, out.err
    shown = out.json()
    served = client.get("/review").json()
    for doc in (shown, served):
        doc.pop("generated")                        # the time of each run
        for sc in doc["scenarios"].values():
            sc["diagnostics"].pop("seconds", None)
    assert served == shown
