"""``GET /``: the dashboard renders, loads nothing from the network, and calls routes that exist."""

from __future__ import annotations

import re

import pytest

# Anything that would make a browser fetch from another host: absolute or protocol-relative URLs in
# src/href/action attributes, CSS url() or @import, and JS fetch/import of an absolute URL.
EXTERNAL = [
    re.compile(r"""\b(src|href|action|data)\s*=\s*["']?\s*(https?:)?//""", re.I),
    re.compile(r"""url\(\s*["']?\s*(https?:)?//""", re.I),
    re.compile(r"""@import""", re.I),
    re.compile(r"""\b(fetch|import)\s*\(\s*["'`]\s*(https?:)?//""", re.I),
    re.compile(r"""https?://""", re.I),
]


#: XML namespace names are identifiers the browser never fetches (createElementNS needs the SVG one).
NAMESPACES = ("http://www.w3.org/2000/svg",)


@pytest.fixture(scope="module")
def page(client) -> str:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    text = r.text
    for ns in NAMESPACES:
        text = text.replace(f'"{ns}"', '""')
    return text


def test_dashboard_references_no_external_url(page):
    for pattern in EXTERNAL:
        assert not pattern.search(page), pattern.pattern
    assert "<script src" not in page and "<link" not in page


def test_the_patterns_catch_a_cdn(page):
    # the check above must be able to fail: a page with a CDN script is caught
    cdn = page.replace("</head>", '<script src="https://cdn.example.org/lib.js"></script></head>')
    assert any(p.search(cdn) for p in EXTERNAL)


@pytest.mark.parametrize("part", ["duty-form", "hts-form", "law-form", "origin-form", "bom-file", "example-load",
                                  "reform-form", "run-scenario", "review/briefing", 'href="docs"', 'href="redoc"'])
def test_dashboard_has_its_tools(page, part):
    assert part in page


def test_every_route_the_page_calls_exists(client, page):
    calls = set(re.findall(r"""["'`]((?:law|origin|tariffs|review|examples|hts|dashboard)(?:/[a-z/]*)?)["'`?]""", page))
    calls |= set(re.findall(r"""href=["']([a-z/]+)["']""", page))
    assert {"tariffs/duty", "law/parameters", "law/parameter/", "dashboard/qualify", "origin/rule", "review/scenarios",
            "dashboard/run", "review/briefing", "examples", "examples/", "hts/search", "spec", "docs", "redoc"} <= calls
    paths = set(client.get("/openapi.json").json()["paths"]) | {"/", "/docs", "/redoc"}
    for call in calls:
        url = "/" + call
        assert any(p == url or p.startswith(url) for p in paths), url


def test_spec_is_the_openapi_document_with_every_route(client):
    spec = client.get("/spec").json()
    assert spec == client.get("/openapi.json").json()
    assert {"/law/parameters", "/law/parameter/{path}", "/law/diff", "/origin/qualify", "/tariffs/duty",
            "/review/scenarios", "/review/{name}", "/review/briefing", "/origin/rule", "/origin/coverage",
            "/spec"} <= set(spec["paths"])
    assert {"get", "post"} <= set(spec["paths"]["/tariffs/duty"])
    assert "application/yaml" in spec["paths"]["/origin/qualify"]["post"]["requestBody"]["content"]


def test_the_script_is_valid_javascript(page, tmp_path):
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot parse the page's script")
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 1
    f = tmp_path / "dashboard.js"
    f.write_text(scripts[0], encoding="utf-8")
    out = subprocess.run([node, "--check", str(f)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def test_the_browser_is_told_to_load_nothing_from_elsewhere(client):
    csp = client.get("/").headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp and "http" not in csp
    assert client.get("/law/parameters").headers["x-content-type-options"] == "nosniff"


def test_every_route_the_readme_names_exists(client):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("usmca serve")
    section = readme[start:readme.index("\n## ", start)]
    routes = sorted(set(re.findall(r"`(/[a-z/{}_.-]*)`", section)))
    assert "/law" in routes and "/spec" in routes
    paths = set(client.get("/openapi.json").json()["paths"]) | {"/", "/docs", "/redoc"}
    for route in routes:
        assert route in paths or client.get(route).status_code != 404, route


def test_run_without_changes_is_the_scenario_as_it_is(client):
    """No change to a scenario without a reform of its own: the scenario itself (was a 422, "a
    reform needs changes", found by schemathesis once the body was declared)."""
    scen = client.get("/review/scenarios").json()["scenarios"]
    name = next(s["name"] for s in scen if not s.get("changes_law"))
    r = client.post("/dashboard/run", json={"scenario": name, "changes": {}})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["scenario"] == name and doc["changes"] == []
    assert doc["result"]["countries"] == doc["reference"]["countries"]
