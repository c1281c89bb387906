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


def test_text_plain_and_form_bodies_are_415(client):
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        r = client.post("/law/diff", content=b"changes: {}", headers={"content-type": kind})
        assert r.status_code == 415, (kind, r.text)
        assert r.json()["field"] == "Content-Type"
    r = client.post("/law/diff", content=b"changes: {}", headers={"content-type": "application/yaml"})
    assert r.status_code != 415


def test_405_carries_an_allow_header(client):
    r = client.put("/law/diff")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    r = client.delete("/tariffs/duty")
    assert r.status_code == 405 and r.headers["allow"] == "GET, POST"
    r = client.delete("/law/parameters")
    assert r.status_code == 405 and r.headers["allow"] == "GET"


def test_cors_is_closed_by_default_and_configurable(client):
    import warnings

    from usmca.api import create_app

    hdrs = {"origin": "https://evil.example", "access-control-request-method": "POST"}
    assert "access-control-allow-origin" not in client.get("/law/parameters", headers=hdrs).headers
    assert "access-control-allow-origin" not in client.options("/law/diff", headers=hdrs).headers
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    opened = TestClient(create_app(cors_origins=["https://ok.example"]))
    ok = {**hdrs, "origin": "https://ok.example"}
    assert opened.options("/law/diff", headers=ok).headers["access-control-allow-origin"] == "https://ok.example"
    assert "access-control-allow-origin" not in opened.options("/law/diff", headers=hdrs).headers


def test_a_chunked_body_is_cut_at_the_limit(client):
    from usmca.api.body import MAX_BODY_BYTES

    sent = 0

    def chunks():
        nonlocal sent
        for _ in range(3 * MAX_BODY_BYTES // 65536):
            sent += 65536
            yield b" " * 65536

    r = client.post("/origin/qualify", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "larger than" in r.json()["error"]
    assert "content-length" not in r.request.headers  # it really streamed


def test_a_300_mb_post_does_not_grow_the_server(base_url):
    import resource

    import httpx

    def body():
        for _ in range(300 * 16):
            yield b"x" * 65536

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for headers in ({"content-type": "application/json"},
                    {"content-type": "application/json", "content-length": str(300 * 2**20)}):
        try:
            r = httpx.post(f"{base_url}/origin/qualify", content=body(), headers=headers, timeout=30)
            assert r.status_code == 413
        except httpx.HTTPError:  # the server may close while the client still sends: also a refusal
            pass
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    assert grown_kb < 100_000, f"server (same process) peak memory grew by {grown_kb} KiB"


def test_every_error_status_is_in_the_spec(client):
    spec = client.get("/spec").json()
    assert "ErrorDocument" in spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert {"404", "405", "413", "415", "422"} <= codes, (method, path, codes)
            ref = next(iter(op["responses"]["422"]["content"].values()))["schema"]["$ref"]
            assert ref.endswith("/ErrorDocument"), (method, path)
