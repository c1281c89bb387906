"""Errors over HTTP: user errors are 422 with one line, unknown routes a JSON 404, engine failures
a JSON 500 without a traceback."""

from __future__ import annotations


def test_unknown_route_is_a_json_404(client):
    r = client.get("/no/such/route")
    assert r.status_code == 404 and r.json()["field"] == "path"


def test_an_engine_failure_is_a_json_500_without_traceback():
    import warnings

    from usmca.api import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    broken = TestClient(create_app(tree=object()), raise_server_exceptions=False)
    r = broken.get("/law/parameters")
    assert r.status_code == 500
    doc = r.json()
    assert doc["source"] == "server" and "AttributeError" in doc["error"] and "Traceback" not in r.text


def test_a_huge_bad_value_is_not_echoed_back(client):
    from usmca.api.errors import MAX_LINE, MAX_VALUE

    r = client.post("/origin/qualify", json={"bom": {"good": {"hs": "x" * 100_000, "produced_in": "MX"}}})
    assert r.status_code == 422
    doc = r.json()
    assert len(doc["error"]) <= MAX_LINE and len(str(doc["value"])) <= MAX_VALUE + 3
    assert doc["field"] == "bom.good.hs"


def test_a_wrong_method_is_a_json_405(client):
    r = client.get("/law/diff")
    assert r.status_code == 405 and r.json()["value"] == "/law/diff"


def test_several_validation_errors_are_one_line(client):
    r = client.get("/tariffs/duty")
    assert r.status_code == 422
    doc = r.json()
    assert doc["source"] == "query" and doc["field"] == "hts" and "(and 2 more)" in doc["error"]
