"""``usmca law``: show, list, diff through the real entry point."""

from __future__ import annotations

from pathlib import Path


def test_show_json_gives_value_unit_reference_and_history(cli) -> None:
    r = cli("law", "show", "usmca/ch04/de_minimis/general", "--date", "2025-03-01", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["value"] == 10 and doc["unit"] == "percent"
    assert doc["reference"]["provision"].startswith("Art. 4.12")
    assert doc["history"][0]["effective_from"] == "2020-07-01"


def test_unknown_path_exits_2_with_one_line(cli) -> None:
    r = cli("law", "show", "usmca/ch04/nothing", "--json")
    assert r.code == 2
    assert r.out == ""
    assert r.err.count("\n") == 1 and "usmca/ch04/nothing" in r.err and "Traceback" not in r.err


def test_bad_date_exits_2(cli) -> None:
    r = cli("law", "show", "usmca/ch04/de_minimis/general", "--date", "2025-02-30")
    assert r.code == 2 and "--date" in r.err and "2025-02-30" in r.err


def test_list_prefix(cli) -> None:
    r = cli("law", "list", "usmca/ch05", "--json")
    assert r.code == 0
    paths = [p["path"] for p in r.json()["parameters"]]
    assert "usmca/ch05/blanket_period_max" in paths and all(p.startswith("usmca/ch05/") for p in paths)


def test_diff_reports_before_and_after(cli, tmp_path: Path) -> None:
    f = tmp_path / "reform.yaml"
    f.write_text("description: sets 5%\nreference: {instrument: Proposal, provision: p. 1, url: 'https://example.org'}\n"
                 "changes:\n  usmca/ch04/sets/non_originating_max:\n    2027-07-01: 5\n")
    before = f.read_text()
    r = cli("law", "diff", str(f), "--json")
    assert r.code == 0, r.err
    (change,) = r.json()["changes"]
    assert (change["before"], change["after"], change["from"]) == (10, 5, "2027-07-01")
    assert f.read_text() == before, "the user's file must not change"


def test_show_under_reform(cli, tmp_path: Path) -> None:
    f = tmp_path / "reform.yaml"
    f.write_text("reference: {instrument: Proposal, provision: p. 1, url: 'https://example.org'}\n"
                 "changes:\n  usmca/ch04/sets/non_originating_max:\n    2027-07-01: 5\n")
    r = cli("law", "show", "usmca/ch04/sets/non_originating_max", "--date", "2028-01-01", "--reform", str(f), "--json")
    assert r.json()["value"] == 5


def test_bad_reform_exits_2_naming_file(cli, tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("changes:\n  usmca/ch04/nope:\n    2027-07-01: 5\n")
    r = cli("law", "diff", str(f))
    assert r.code == 2 and "bad.yaml" in r.err and "usmca/ch04/nope" in r.err


def test_passenger_vehicle_rvc_answers_66_with_its_reference(cli) -> None:
    r = cli("law", "show", "usmca/ch04_appendix_autos/passenger_light_truck/vehicle_rvc", "--date", "2020-07-01", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["value"] == 66 and doc["unit"] == "percent"
    assert doc["reference"]["url"].startswith("https://") and doc["reference"]["provision"]


def test_usage_error_exits_2_without_traceback(cli) -> None:
    r = cli("law", "get")
    assert r.code == 2 and "Traceback" not in r.err and "No such command" in r.err
