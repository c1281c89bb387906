"""``/law``: the parameter tree over HTTP agrees with ``usmca.law`` and with ``usmca law ... --json``."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from usmca.api.responses import plain
from usmca.law import Parameter, default_tree

from .checks import assert_user_error

DATE = "2025-03-01"
# A reform with one change of a bool review option (no legal number), cited.
REFERENCE = {"instrument": "Test reform", "provision": "n/a", "url": "https://example.org/reform"}


def _scalar_paths(prefix: str = "") -> list[str]:
    tree = default_tree()
    return [p for p in tree.paths(prefix) if isinstance(tree.node(p), Parameter)]


def test_parameters_lists_every_path_under_the_prefix_with_the_value_in_force(client):
    tree = default_tree()
    r = client.get("/law/parameters", params={"prefix": "usmca/ch04", "date": DATE})
    assert r.status_code == 200
    doc = r.json()
    assert [p["path"] for p in doc["parameters"]] == tree.paths("usmca/ch04")
    assert doc["count"] == len(tree.paths("usmca/ch04")) and doc["date"] == DATE
    for row in doc["parameters"]:
        node = tree.node(row["path"])
        if isinstance(node, Parameter):
            entry = node.entry(DATE)
            assert row["unit"] == node.unit
            assert row["value"] == plain(entry.value)  # date-unit values travel as ISO strings
            assert row["since"] == entry.effective_from.isoformat()
            assert row["reference"] == entry.reference.to_dict()
        else:
            assert row["unit"] == "table" and row["rows"] == len(node.rows_at(DATE))


def test_parameters_without_prefix_cover_the_whole_tree_and_default_to_today(client):
    doc = client.get("/law/parameters").json()
    assert doc["date"] == dt.date.today().isoformat()
    assert [p["path"] for p in doc["parameters"]] == default_tree().paths()


def test_a_parameter_not_yet_in_force_has_no_value_but_says_when_it_starts(client):
    tree = default_tree()
    first = min(tree.parameter(p).entries[0].effective_from for p in _scalar_paths())
    day_before = (first - dt.timedelta(days=1)).isoformat()
    rows = client.get("/law/parameters", params={"date": day_before}).json()["parameters"]
    scalars = [r for r in rows if r["unit"] != "table"]
    assert scalars and all(r["value"] is None and "not yet in force" in r["note"] for r in scalars)


@pytest.mark.parametrize("path", _scalar_paths()[:40])
def test_parameter_gives_value_unit_reference_and_history(client, path):
    tree = default_tree()
    node = tree.parameter(path)
    when = max(node.entries[-1].effective_from, dt.date(2020, 7, 1)).isoformat()
    doc = client.get(f"/law/parameter/{path}", params={"date": when}).json()
    entry = node.entry(when)
    assert doc["value"] == entry.value and doc["unit"] == node.unit
    assert doc["reference"] == entry.reference.to_dict()
    assert doc["reference"]["url"].startswith(("http://", "https://"))
    assert doc["history"] == [e.to_dict() for e in node.entries]
    assert doc["source_file"].endswith(path + ".yaml")


def test_parameter_json_matches_law_show_json(client, cli):
    path = _scalar_paths("usmca/ch04")[0]
    api = client.get(f"/law/parameter/{path}", params={"date": DATE}).json()
    out = cli("law", "show", path, "--date", DATE, "--json")
    assert out.code == 0, out.err
    shown = out.json()
    for key in shown:
        assert api[key] == shown[key], key


def test_table_parameter_gives_its_rows_with_provenance(client):
    tree = default_tree()
    if not tree.tables:
        pytest.skip("the law tree has no table yet")
    path = sorted(tree.tables)[0]
    doc = client.get(f"/law/parameter/{path}", params={"date": DATE}).json()
    assert doc["unit"] == "table"
    assert len(doc["rows"]) == len(tree.table(path, DATE))
    for row in doc["rows"]:
        assert row["url"].startswith(("http://", "https://")) and row["provision"]


@pytest.mark.parametrize("params, field", [
    ({"date": "2025-02-30"}, "date"),
    ({"date": "yesterday"}, "date"),
    ({"date": "20250301"}, "date"),  # ISO basic format: Python reads it, the document does not promise it
])
def test_malformed_listing_queries_are_422_with_one_line(client, params, field):
    doc = assert_user_error(client.get("/law/parameters", params=params), "query", field)
    assert "not a date" in doc["error"] and "^" not in doc["error"]  # the reason, not the pattern


def test_a_prefix_with_no_parameter_is_404_with_one_line(client):
    doc = assert_user_error(client.get("/law/parameters", params={"prefix": "no/such/branch"}), "query", "prefix",
                            status=404)
    assert doc["value"] == "no/such/branch"


def test_unknown_parameter_path_is_404_naming_the_path(client):
    doc = assert_user_error(client.get("/law/parameter/usmca/ch04/no_such_parameter"), status=404)
    assert doc["value"] == "usmca/ch04/no_such_parameter"


def test_date_before_a_parameter_starts_is_404(client):
    path = _scalar_paths()[0]
    first = default_tree().parameter(path).entries[0].effective_from
    before = (first - dt.timedelta(days=1)).isoformat()
    doc = assert_user_error(client.get(f"/law/parameter/{path}", params={"date": before}), status=404)
    assert doc["value"] == before


def _bool_path() -> str:
    tree = default_tree()
    return next(p for p in _scalar_paths("usmca/review") if tree.parameter(p).unit == "bool")


def test_diff_reports_before_and_after_from_the_tree(client):
    path = _bool_path()
    tree = default_tree()
    before = tree.at(path, "2027-07-01")
    reform = {"description": "flip a review option", "reference": REFERENCE,
              "changes": {path: {"2027-07-01": not before}}}
    doc = client.post("/law/diff", json=reform).json()
    assert doc["reform"] == "flip a review option"
    (change,) = doc["changes"]
    assert change == {"path": path, "from": "2027-07-01", "to": None, "before": before, "after": (not before),
                      "unit": "bool", "reference": REFERENCE}


def test_diff_matches_law_diff_json(client, cli, tmp_path):
    path = _bool_path()
    before = default_tree().at(path, "2028-01-01")
    reform = {"description": "bounded change", "reference": REFERENCE,
              "changes": {path: {"2028-01-01..2029-12-31": not before}}}
    f = tmp_path / "reform.yaml"
    f.write_text(yaml.safe_dump(reform), encoding="utf-8")
    out = cli("law", "diff", str(f), "--json")
    assert out.code == 0, out.err
    api = client.post("/law/diff", json=reform).json()
    shown = out.json()
    assert api["changes"] == shown["changes"] and api["reform"] == shown["reform"]


def test_a_reform_of_a_path_the_law_does_not_have_is_404(client):
    """Well-formed (the body matches its schema) but naming what the law tree does not hold."""
    body = {"changes": {"usmca/no/such/path": {"2027-01-01": 1}}, "reference": REFERENCE}
    doc = assert_user_error(client.post("/law/diff", json=body), "body", status=404)
    assert doc["field"] == "changes.usmca/no/such/path"
    line = {"hts": "8703.23.01.90", "origin": "MX", "date": "2026-03-01", "value": 1000, "reform": body}
    doc = assert_user_error(client.post("/tariffs/duty", json=line), "body.reform", status=404)
    assert doc["field"] == "changes.usmca/no/such/path"


@pytest.mark.parametrize("body, field_part", [
    ({"changes": {}, "reference": REFERENCE}, "changes"),
    ({"changes": {"x": {"2027-01-01": 1}}, "reference": dict(REFERENCE, url="ftp://x")}, "reference.url"),
    ({"changes": {"x": {"2027-01-01": 1}}}, "reference"),
    ({"changes": {"x": {"2027-01-01": 1}}, "surprise": 1, "reference": REFERENCE}, "surprise"),
])
def test_bad_reforms_are_422_naming_the_field(client, body, field_part):
    doc = assert_user_error(client.post("/law/diff", json=body), "body")
    assert field_part in doc["field"]


def test_reform_value_outside_its_unit_is_422(client):
    tree = default_tree()
    path = next(p for p in _scalar_paths() if tree.parameter(p).unit == "percent")
    doc = assert_user_error(client.post("/law/diff", json={"reference": REFERENCE,
                                                            "changes": {path: {"2027-01-01": 1000}}}), "body")
    assert doc["value"] == 1000


@pytest.mark.parametrize("content", [b"[1, 2]", b"{not json", b"\"text\""])
def test_a_diff_body_that_is_not_a_json_object_is_422(client, content):
    assert_user_error(client.post("/law/diff", content=content, headers={"content-type": "application/json"}),
                      "body")


def test_diff_takes_a_reform_file_as_yaml(client):
    path = _bool_path()
    before = default_tree().at(path, "2027-07-01")
    text = yaml.safe_dump({"description": "as YAML", "reference": REFERENCE,
                           "changes": {path: {"2027-07-01": not before}}})
    r = client.post("/law/diff", content=text.encode(), headers={"content-type": "application/yaml"})
    assert r.status_code == 200, r.text
    assert r.json()["changes"][0]["after"] is (not before)


def test_nan_is_not_json_and_is_422(client):
    tree = default_tree()
    path = next(p for p in _scalar_paths() if tree.parameter(p).unit == "percent")
    body = '{"reference": {"instrument": "x", "provision": "y", "url": "https://example.org"}, ' \
           '"changes": {"%s": {"2027-01-01": NaN}}}' % path
    assert_user_error(client.post("/law/diff", content=body.encode(), headers={"content-type": "application/json"}),
                      "body")


def test_yaml_nan_is_422_too(client):
    tree = default_tree()
    path = next(p for p in _scalar_paths() if tree.parameter(p).unit == "percent")
    text = yaml.safe_dump({"reference": REFERENCE, "changes": {path: {"2027-01-01": 0.5}}}).replace("0.5", ".nan")
    doc = assert_user_error(client.post("/law/diff", content=text.encode(),
                                        headers={"content-type": "application/yaml"}), "body")
    assert doc["field"] == f"changes.{path}.2027-01-01"
