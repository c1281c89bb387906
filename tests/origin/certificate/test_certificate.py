"""Certification of origin: the Annex 5-A data elements, HTML rendering, refusals."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from usmca.errors import UserInputError
from usmca.origin.certificate import check_blanket_period, make_certificate, render_html
from usmca.origin.certificate.build import add_months

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
PARTIES = EXAMPLES / "certificate" / "parties.yaml"
# A small good of this test's own: an electric motor (8501.52) made in Mexico; the Chinese stator
# (8503.00) changes heading, so the inline rule "CTH" is met (criterion B).
MOTOR = {
    "good": {"description": "Electric motor, AC multi-phase", "hs": "8501.52.40", "produced_in": "MX",
             "date": "2026-03-01", "method": "TV", "transaction_value": 410.0, "international_shipping": 12.0,
             "rule": [{"shift": "CTH"}]},
    "materials": [
        {"id": "stator", "description": "Wound stator", "hs": "8503.00", "value": 120.0,
         "origin": "non_originating", "country": "CN"},
        {"id": "housing", "description": "Cast housing", "hs": "7325.99", "value": 40.0,
         "origin": "originating", "country": "MX"},
    ],
}


@pytest.fixture(scope="module")
def bom_path(tmp_path_factory):
    p = tmp_path_factory.mktemp("bom") / "motor.yaml"
    p.write_text(yaml.safe_dump(MOTOR))
    return p


@pytest.fixture(scope="module")
def tree():
    from usmca.law import default_tree

    return default_tree()


def _failing_bom(tmp_path: Path) -> Path:
    doc = json.loads(json.dumps(MOTOR))
    doc["good"]["rule"] = [{"shift": "none", "rvc": {"tv": 99}}]
    p = tmp_path / "fails.yaml"
    p.write_text(yaml.safe_dump(doc))
    return p


def test_json_has_the_nine_elements(bom_path, tree):
    from usmca.origin import qualify

    cert = make_certificate(bom_path, PARTIES, blanket_from="2026-01-01", blanket_to="2026-12-31")
    expected = qualify(bom_path).to_dict()
    assert cert["data_elements"] == tree.at("usmca/ch05/minimum_data_elements", "2026-03-01")
    assert cert["certifier_role"] == "exporter"
    assert cert["exporter"] == cert["certifier"]  # same_as_certifier resolved
    assert cert["importer"]["country"] == "US"
    assert cert["good"]["hs"] == "8501.52" and cert["good"]["hts"] == expected["good"]["hs"]
    assert cert["origin_criterion"] == expected["criterion"] and cert["origin_criterion"] is not None
    assert cert["blanket_period"]["max_months"] == tree.at("usmca/ch05/blanket_period_max", "2026-01-01")
    assert cert["signature"] == {"name": "Ana Ruiz", "date": dt.date(2026, 3, 2)}
    assert expected["originating"] is True and cert["origin_criterion"] == "B"


def test_html_is_self_contained_and_escaped(bom_path, tmp_path):
    cert = make_certificate(bom_path, PARTIES)
    cert["certifier"]["name"] = "<script>x</script>"
    html = render_html(cert)
    assert "<script>x" not in html and "&lt;script&gt;" in html
    assert "http" not in html.split("<body>")[0]  # no external stylesheet or script
    for n in range(1, 10):
        assert f'<td class="n">{n}</td>' in html
    assert "Single shipment" in html and cert["good"]["hs"] in html


def test_blanket_period_limits(tree):
    months = tree.at("usmca/ch05/blanket_period_max", "2026-01-01")
    start = dt.date(2026, 1, 1)
    last_ok = add_months(start, months) - dt.timedelta(days=1)
    assert check_blanket_period(start, last_ok, tree)["to"] == last_ok.isoformat()
    with pytest.raises(UserInputError, match="exceeds"):
        check_blanket_period(start, add_months(start, months), tree)
    with pytest.raises(UserInputError, match="ends before"):
        check_blanket_period("2026-05-01", "2026-04-30", tree)
    with pytest.raises(UserInputError, match="needs both"):
        check_blanket_period("2026-05-01", None, tree)
    assert check_blanket_period(None, None, tree) is None


def test_add_months_clips_day():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 15), 12) == dt.date(2027, 11, 15)


def test_refuses_a_good_that_does_not_qualify(bom_path, tmp_path):
    with pytest.raises(UserInputError, match="no certification of origin"):
        make_certificate(_failing_bom(tmp_path), PARTIES)


def test_parties_schema_errors(bom_path, tmp_path):
    doc = yaml.safe_load(PARTIES.read_text())
    del doc["certifier"]["email"]
    p = tmp_path / "p.yaml"
    p.write_text(yaml.safe_dump(doc))
    with pytest.raises(UserInputError, match="email"):
        make_certificate(bom_path, p)
    doc = yaml.safe_load(PARTIES.read_text())
    doc["certifier_role"] = "broker"
    p.write_text(yaml.safe_dump(doc))
    with pytest.raises(UserInputError, match="certifier_role"):
        make_certificate(bom_path, p)


def test_cli(bom_path, cli, tmp_path):
    out = tmp_path / "c.html"
    ok = cli("origin", "certificate", str(bom_path), "--parties", str(PARTIES), "--out", str(out), "--json")
    assert ok.code == 0, ok.err
    assert ok.json()["html"] == str(out) and "Certification of origin" in out.read_text()
    too_long = cli("origin", "certificate", str(bom_path), "--parties", str(PARTIES),
                   "--blanket-from", "2026-01-01", "--blanket-to", "2027-01-01")
    assert too_long.code == 2 and too_long.err.count("\n") == 1 and "exceeds" in too_long.err
    refused = cli("origin", "certificate", str(_failing_bom(tmp_path)), "--parties", str(PARTIES), "--json")
    assert refused.code == 2 and "not originating" in refused.err and refused.out == ""


def test_exporter_unknown_only_when_producer_certifies(bom_path, tmp_path):
    doc = yaml.safe_load(PARTIES.read_text())
    doc["exporter"] = "unknown"
    p = tmp_path / "p.yaml"
    p.write_text(yaml.safe_dump(doc))
    with pytest.raises(UserInputError, match="producer"):
        make_certificate(bom_path, p)
    doc["certifier_role"] = "producer"
    p.write_text(yaml.safe_dump(doc))
    cert = make_certificate(bom_path, p)
    assert cert["exporter"] == "unknown" and "Unknown" in render_html(cert)
