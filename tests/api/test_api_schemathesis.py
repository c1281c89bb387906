"""Schemathesis over the OpenAPI document, every check on, a bounded number of examples per route.

Every response must be documented (status, content type, schema), never a 5xx, every negative case
(wrong type, missing field, a value outside its pattern or bounds, unsupported media type) a
documented 4xx, and every schema-valid request accepted (``positive_data_acceptance``: a 2xx, or a
404 when it names what the data does not hold; see usmca.api.spec).

The bodies of ``POST /law/diff``, ``POST /tariffs/duty`` and ``POST /dashboard/run`` are declared by
the pydantic models that validate them (usmca.api.bodies), so they are fuzzed with every check.
``positive_data_acceptance`` is left out for the two routes whose body is a bill of materials,
``POST /origin/qualify`` and ``/dashboard/qualify``: a BOM has rules between its fields (excluded
costs at most the total cost, VNM at most the net cost, international shipping below the
transaction value, a material with a value or costs) and a rule grammar that no JSON Schema can
state, so a body valid against any schema of the BOM can still be malformed (422). That is shown
in tests/api/test_api_origin.py (``test_cross_field_rules_no_json_schema_states_are_422``); every
other check runs on these routes, and a hypothesis fuzz of the BOM format there asserts a valid
answer or a 4xx, never a 5xx.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import positive_data_acceptance  # noqa: E402

from usmca.api import create_app  # noqa: E402

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())

#: Routes whose body schema does not yet describe the document format (see the module docstring).
BODY_DOCUMENTS = {"POST /origin/qualify", "POST /dashboard/qualify"}


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_spec(case) -> None:  # noqa: ANN001 - a schemathesis Case
    excluded = [positive_data_acceptance] if case.operation.label in BODY_DOCUMENTS else []
    # GET /review solves the whole library once (in a worker process): more than the 10 s default
    case.call_and_validate(excluded_checks=excluded, timeout=600)
