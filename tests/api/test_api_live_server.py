"""The application under a real uvicorn server on a free local port (what ``usmca serve`` runs)."""

from __future__ import annotations

from typing import Any

import httpx


def _get(base: str, path: str, **params: Any) -> httpx.Response:
    return httpx.get(base + path, params=params, timeout=30)


def test_dashboard_and_api_over_http(base_url):
    page = _get(base_url, "/")
    assert page.status_code == 200 and "duty-form" in page.text
    doc = _get(base_url, "/law/parameters", prefix="usmca/ch04", date="2025-03-01").json()
    assert doc["count"] == len(doc["parameters"]) > 0


def test_user_error_over_http_is_422_one_line(base_url):
    r = httpx.post(base_url + "/origin/qualify", content=b"{", headers={"content-type": "application/json"},
                   timeout=30)
    assert r.status_code == 422 and r.json()["source"] == "body" and "\n" not in r.json()["error"]
