"""``GET /tariffs/duty`` gives the document of ``usmca tariffs duty --json``; bad queries are 422."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .checks import assert_user_error

pytest.importorskip("usmca.tariffs.duty")

# Entry lines of the sample HTS editions (shared/data/us_tariffs/hts): passenger car, steel, apparel.
LINES = [
    {"hts": "8703.23.01", "origin": "MX", "date": "2025-06-01", "value": 1000, "usmca": True},
    {"hts": "8703.23.01", "origin": "MX", "date": "2025-06-01", "value": 1000, "usmca": True, "us_content": 0.4},
    {"hts": "8703.23.01", "origin": "DE", "date": "2025-06-01", "value": 1000},
    {"hts": "8703.23.01", "origin": "CN", "date": "2026-03-15", "value": 2500.5},
    {"hts": "8703.23.01", "origin": "CA", "date": "2025-06-01", "value": 0, "usmca": False},
]


@pytest.fixture(scope="module")
def schedule(shared_data) -> Any:
    """The engine's default schedule (the store, else the sample editions in shared data)."""
    from usmca.tariffs.schedule import load_schedule

    return load_schedule()


def _query(line: dict[str, Any]) -> dict[str, str]:
    return {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in line.items()}


@pytest.mark.parametrize("line", LINES, ids=lambda ln: f"{ln['origin']}-{ln['date']}-{ln.get('usmca', False)}")
def test_duty_is_the_engine_document(client, schedule, line):
    from usmca.tariffs.duty import duty

    r = client.get("/tariffs/duty", params=_query(line))
    assert r.status_code == 200, r.text
    expected = duty(line["hts"], line["origin"], line["date"], line["value"], usmca_claim=line.get("usmca", False),
                    us_content=line.get("us_content")).to_dict()
    from usmca.jsonable import to_jsonable

    assert r.json() == to_jsonable(expected)


@pytest.mark.parametrize("line", LINES[:3], ids=["claim", "claim-us-content", "no-claim"])
def test_duty_matches_the_cli_json(client, cli, schedule, line):
    pytest.importorskip("usmca.cli.tariffs")
    args = ["tariffs", "duty", "--hts", line["hts"], "--origin", line["origin"], "--date", line["date"],
            "--value", str(line["value"]), "--json"]
    if line.get("usmca"):
        args.append("--usmca")
    if "us_content" in line:
        args += ["--us-content", str(line["us_content"])]
    out = cli(*args)
    assert out.code == 0, out.err
    assert client.get("/tariffs/duty", params=_query(line)).json() == out.json()


def test_every_component_carries_its_legal_reference(client, schedule):
    for line in LINES:
        doc = client.get("/tariffs/duty", params=_query(line)).json()
        assert doc["components"]
        for c in doc["components"]:
            assert c["reference"]["url"].startswith(("http://", "https://")) and c["reference"]["provision"], c
        assert abs(sum(c["duty"] for c in doc["components"]) - doc["total_duty"]) <= 1e-9 * max(1, doc["total_duty"])


@pytest.mark.parametrize("change, field", [
    ({"value": "-1"}, "value"),
    ({"value": "nan"}, "value"),
    ({"value": "ten"}, "value"),
    ({"origin": "MEX"}, "origin"),
    ({"hts": "87.03.xx"}, "hts"),
    ({"hts": "9999.99.99"}, "hts"),
    ({"date": "2025-02-29"}, "date"),
    ({"us_content": "1.5"}, "us_content"),
    ({"usmca": "maybe"}, "usmca"),
])
def test_bad_queries_are_422_naming_the_parameter(client, schedule, change, field):
    params = {**_query(LINES[0]), **change}
    doc = assert_user_error(client.get("/tariffs/duty", params=params), "query", field)
    given = change[field]
    assert str(doc["value"]).replace(".", "") in (given.replace(".", ""), given.replace(".", "") + "0")


def test_missing_parameters_are_422(client):
    assert_user_error(client.get("/tariffs/duty", params={"origin": "MX", "value": "1"}), "query", "hts")


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=14)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hts=st.one_of(_text, st.from_regex(r"\A[0-9]{4}\.[0-9]{2}(\.[0-9]{2})?\Z")), origin=_text,
       date=st.one_of(_text, st.dates().map(str)), value=st.one_of(_text, st.floats().map(str)),
       us_content=st.one_of(st.none(), st.floats().map(str)))
def test_arbitrary_queries_never_give_a_server_error(client, schedule, hts, origin, date, value, us_content):
    params = {"hts": hts, "origin": origin, "date": date, "value": value}
    if us_content is not None:
        params["us_content"] = us_content
    r = client.get("/tariffs/duty", params=params)
    assert r.status_code in (200, 404, 422), r.text  # 404: well-formed, but not in the schedule
    if r.status_code != 200:
        assert_user_error(r, status=r.status_code)


REFERENCE = {"instrument": "Test reform", "provision": "n/a", "url": "https://example.org/reform"}


def _halved_rate_reform(line: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A reform halving the rate of the first additional measure the line pays (from its date)."""
    from usmca.law import default_tree, parse_date
    from usmca.tariffs.declared import rate_path
    from usmca.tariffs.duty import duty

    res = duty(line["hts"], line["origin"], line["date"], line["value"], usmca_claim=line.get("usmca", False))
    extra = [c for c in res.components if c.measure not in ("mfn", "usmca_preference")]
    assert extra, "the test line must pay an additional measure"
    path = rate_path(default_tree(), extra[0].measure, parse_date(line["date"]), line["origin"])
    rate = default_tree().at(path, line["date"])
    return {"description": "halve a rate", "reference": REFERENCE, "changes": {path: {line["date"]: rate / 2}}}, \
        extra[0].measure


def test_post_duty_under_a_reform_matches_the_cli(client, cli, schedule, tmp_path):
    import yaml

    pytest.importorskip("usmca.cli.tariffs")
    line = LINES[0]
    reform, measure = _halved_rate_reform(line)
    f = tmp_path / "reform.yaml"
    f.write_text(yaml.safe_dump(reform), encoding="utf-8")
    out = cli("tariffs", "duty", "--hts", line["hts"], "--origin", line["origin"], "--date", line["date"],
              "--value", str(line["value"]), "--usmca", "--reform", str(f), "--json")
    assert out.code == 0, out.err
    r = client.post("/tariffs/duty", json={**line, "reform": reform})
    assert r.status_code == 200, r.text
    assert r.json() == out.json()
    base = client.get("/tariffs/duty", params=_query(line)).json()
    before = next(c for c in base["components"] if c["measure"] == measure)
    after = next(c for c in r.json()["components"] if c["measure"] == measure)
    assert after["rate"] == before["rate"] / 2 and after["reference"] == REFERENCE


def test_post_duty_without_reform_is_the_get_document(client, schedule):
    for line in LINES:
        assert client.post("/tariffs/duty", json=line).json() == client.get("/tariffs/duty", params=_query(line)).json()


@pytest.mark.parametrize("change, field", [({"value": -5}, "value"), ({"value": "x"}, "value"),
                                           ({"surprise": 1}, "surprise"), ({"reform": "r.yaml"}, "reform"),
                                           ({"origin": "MEX"}, "origin")])
def test_post_duty_bad_bodies_are_422(client, schedule, change, field):
    assert_user_error(client.post("/tariffs/duty", json={**LINES[0], **change}), "body", field)


def test_declared_headings_as_on_the_command_line(client) -> None:
    # machine screws of list 16(c)(iv): 50%, or + 10% when the entry declares 9903.82.06 (U.S.-melted steel)
    q = {"hts": "7318.15.40.00", "origin": "CN", "date": "2026-05-01", "value": "1000"}
    plain = client.get("/tariffs/duty", params=q).json()
    declared = client.get("/tariffs/duty", params={**q, "declare": "9903.82.06"}).json()
    posted = client.post("/tariffs/duty", json={**q, "value": 1000, "declare": ["9903.82.06"]}).json()
    assert (plain["total_rate"], declared["total_rate"], posted["total_rate"]) == (50.0, 10.0, 10.0)
    assert declared["declared"] == posted["declared"] == ["9903.82.06"]
    # a heading no measure reads on the date is data the API does not hold (404); a malformed one is a 422
    assert client.get("/tariffs/duty", params={**q, "declare": "9903.04.60"}).status_code == 404
    assert client.get("/tariffs/duty", params={**q, "declare": "9903.82"}).status_code == 422
