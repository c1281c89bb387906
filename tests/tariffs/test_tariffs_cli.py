"""``usmca tariffs duty`` and ``usmca tariffs etr`` through the real entry point."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_duty_json(cli, shared_data) -> None:  # noqa: ANN001
    r = cli("tariffs", "duty", "--hts", "8703.23.01", "--origin", "MX", "--date", "2025-06-01", "--value", "30000",
            "--usmca", "--us-content", "0.5", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["total_duty"] == pytest.approx(30000 * 0.5 * 0.25)
    assert [c["measure"] for c in doc["components"]] == ["usmca_preference", "section232_autos"]
    assert doc["schedule"]["revision"]


@pytest.mark.parametrize("args, needle", [
    (("--hts", "9999.99.99", "--date", "2025-06-01"), "--hts"),
    (("--hts", "8703.23.01", "--date", "2019-06-01"), "outside the HTS schedule"),
    (("--hts", "8703.23.01", "--date", "June 1"), "--date"),
])
def test_duty_user_errors_exit_2(cli, shared_data, args, needle) -> None:  # noqa: ANN001
    r = cli("tariffs", "duty", "--origin", "MX", "--value", "100", "--json", *args)
    assert r.code == 2
    assert needle in r.err and "Traceback" not in r.err
    assert r.out == ""


def test_etr_from_flow_file(cli, shared_data, tmp_path: Path) -> None:  # noqa: ANN001
    f = tmp_path / "flows.csv"
    f.write_text("hts10,partner,month,value,usmca_value\n8703230190,MX,2025-05,1000,600\n"
                 "8528726420,MX,2025-05,1000,0\n8528726420,CA,2025-05,500,0\n")
    r = cli("tariffs", "etr", "--partner", "MX", "--from", "2025-05", "--to", "2025-05", "--flows", str(f), "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert doc["basis"] == "statutory"
    assert doc["rows"][0]["etr"] == pytest.approx(100 * (260 + 289) / 2000)


def test_etr_bad_flow_file_names_line_and_column(cli, tmp_path: Path) -> None:  # noqa: ANN001
    f = tmp_path / "flows.csv"
    f.write_text("hts10,partner,month,value,usmca_value\n8703230190,MX,2025-05,1000,600\n8703230190,MX,2025-05,abc,0\n")
    r = cli("tariffs", "etr", "--flows", str(f), "--json")
    assert r.code == 2
    assert "line 3 column 'value'" in r.err


def test_etr_default_flows(cli, shared_data) -> None:  # noqa: ANN001
    r = cli("tariffs", "etr", "--partner", "CA", "--from", "2025-01", "--to", "2025-02", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert [row["month"] for row in doc["rows"]] == ["2025-01", "2025-02"]
    assert doc["total"][0]["value"] == pytest.approx(sum(row["value"] for row in doc["rows"]))


def test_etr_bad_month(cli) -> None:  # noqa: ANN001
    r = cli("tariffs", "etr", "--from", "2025-13", "--json")
    assert r.code == 2 and "--from" in r.err
