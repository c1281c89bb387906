"""Assertions shared by the API tests."""

from __future__ import annotations

from typing import Any


def assert_user_error(response: Any, source: str | None = None, field: str | None = None,
                      status: int = 422) -> dict[str, Any]:
    """A 422 (or ``status``: 404 for a well-formed request naming what the data does not hold) with the
    one-line error document naming ``source`` and ``field``."""
    assert response.status_code == status, response.text
    doc = response.json()
    assert set(doc) == {"error", "source", "field", "value"}, doc
    assert isinstance(doc["error"], str) and doc["error"] and "\n" not in doc["error"]
    assert "Traceback" not in doc["error"]
    if source is not None:
        assert doc["source"] == source, doc
    if field is not None:
        assert doc["field"] == field, doc
    return doc


#: A duty query every API test may use (a Mexican car part, no claim).
DUTY = "/tariffs/duty?hts=8703.23.01&origin=MX&date=2025-03-01&value=1000"


def make_client(app: Any) -> Any:
    """A FastAPI TestClient over ``app`` (starlette's httpx deprecation notice silenced)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    return TestClient(app)


