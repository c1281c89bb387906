"""``usmca tariffs duty --file`` and :func:`usmca.tariffs.duty_batch`: every line as the single-line path.

The batch groups lines by law state and evaluates measures once per distinct good; these tests
compare each line of a varied file (every measure of the test schedule's lines, deal partners,
claims with and without US content, specific duties with a quantity or a unit value, zero values,
two HTS revisions, dates across 2025-2026) with :func:`usmca.tariffs.duty` to the cent.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from usmca.errors import UserInputError
from usmca.tariffs import duty, duty_batch
from usmca.tariffs.duty_batch_io import duty_file

CODES = ["8703.23.01", "8703.23.01.90", "8708.99.68", "7208.10.15.00", "7601.10.60", "7408.11.60.00", "8528.72.64",
         "8517.13.00.00", "9403.20.00", "2709.00.20", "0709.91.00.00", "0804.40.00", "9401.61.40.11", "9801.00.10"]
ORIGINS = ["MX", "CA", "CN", "DE", "FR", "JP", "KR", "BR", "GB", "IN"]


# the days before and on changes of the measures of test_duty.py's cases, and a few others
DAYS = ["2025-02-03", "2025-02-04", "2025-03-03", "2025-03-04", "2025-03-06", "2025-03-07", "2025-03-12",
        "2025-04-02", "2025-04-03", "2025-04-05", "2025-05-02", "2025-05-03", "2025-06-03", "2025-06-04",
        "2025-07-31", "2025-08-01", "2025-10-13", "2025-10-14", "2025-11-10", "2026-01-02", "2026-02-20",
        "2026-02-24", "2026-03-02", "2026-07-24", "2026-12-31"]


def entries(n: int = 250, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = np.array(DAYS, dtype=object)
    opt = rng.random((4, n))
    return pd.DataFrame({
        "hts": rng.choice(CODES, n), "origin": rng.choice(ORIGINS, n), "date": rng.choice(days, n),
        "value": np.where(rng.random(n) < 0.03, 0.0, np.round(rng.lognormal(8, 2, n), 2)),
        "usmca": rng.choice(["true", "false", "", "yes", "0"], n),
        "us_content": np.where(opt[0] < 0.4, np.round(rng.random(n), 3), np.nan),
        "quantity": np.where(opt[1] < 0.3, np.round(rng.random(n) * 500, 1), np.nan),
        "unit_value": np.where(opt[2] < 0.3, np.round(rng.random(n) * 50 + 0.5, 2), np.nan)})


def single(row: pd.Series, schedule) -> object:  # noqa: ANN001
    def opt(x: float) -> float | None:
        return None if isinstance(x, float) and math.isnan(x) else float(x)

    return duty(row["hts"], row["origin"], row["date"], float(row["value"]), schedule=schedule,
                usmca_claim=str(row["usmca"]) in ("true", "yes"), us_content=opt(row["us_content"]),
                quantity=opt(row["quantity"]), unit_value=opt(row["unit_value"]))


def check_lines(frame: pd.DataFrame, out: pd.DataFrame, schedule, results: list | None = None) -> None:  # noqa: ANN001
    assert len(out) == len(frame)
    assert out["row"].tolist() == list(range(1, len(frame) + 1))
    for i, row in frame.iterrows():
        res = results[int(i)] if results is not None else single(row, schedule)
        o = out.iloc[int(i)]
        assert o["hts"] == res.hts and o["revision"] == res.schedule["revision"]
        assert round(float(o["total_duty"]), 2) == round(res.total_duty, 2), (row.to_dict(), res.components)
        assert o["total_duty"] == pytest.approx(res.total_duty, rel=1e-12, abs=1e-12)
        assert o["total_rate"] == pytest.approx(res.total_rate, rel=1e-12, abs=1e-12)
        got = {"duty_column1": o["duty_column1"], **{k: o[k] for k in out.columns if k.startswith("duty_")
                                                      and k not in ("duty_column1", "duty_additional")}}
        want = {("duty_column1" if c.measure in ("mfn", "usmca_preference") else f"duty_{c.measure}"): c.duty
                for c in res.components}
        assert o["column1"] == res.components[0].measure
        for k, d in got.items():
            assert round(float(d), 2) == round(want.get(k, 0.0), 2), (k, row.to_dict())


def test_every_line_as_the_single_line_path(schedule) -> None:  # noqa: ANN001
    frame = entries()
    out = duty_batch(frame, schedule=schedule).duties
    check_lines(frame, out, schedule)
    assert (out["duty_additional"] > 0).sum() > len(frame) // 3  # the file does exercise the measures


def test_file_round_trip_csv_and_parquet(schedule, tmp_path: Path) -> None:  # noqa: ANN001
    frame = entries(80, seed=5)
    src = tmp_path / "entries.csv"
    frame.to_csv(src, index=False)
    results = [single(row, schedule) for _, row in frame.iterrows()]
    for name in ("duties.csv", "duties.parquet"):
        summary = duty_file(src, tmp_path / name, components=True, schedule=schedule)
        assert summary["written"] == len(frame) and summary["rejected"] == 0
        out = (pd.read_parquet(tmp_path / name) if name.endswith("parquet")
               else pd.read_csv(tmp_path / name, dtype={"hts": str}, keep_default_na=False, na_values=[""]))
        check_lines(frame, out, schedule, results)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["duties.csv", "duties.parquet", "entries.csv"]


BAD = "hts,origin,date,value,usmca\n8703.23.01,MX,2025-06-01,100,true\n8703.23.01,MEX,2025-06-01,100,\n" \
      "7601.10.60,CA,2025-06-01,abc,\n9903.01.10,CA,2025-06-01,5,\n8703.23.01,MX,2019-06-01,5,\n" \
      "8703.23.01,MX,2025-06-01,5,maybe\n1,2\n8703.23.01,MX,2025-06-01,5,no\n"


def test_bad_row_stops_naming_row_and_column(cli, schedule, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr("usmca.tariffs.schedule.load_schedule", lambda store=None: schedule)
    src = tmp_path / "e.csv"
    src.write_text(BAD)
    r = cli("tariffs", "duty", "--file", str(src), "--out", str(tmp_path / "d.csv"))
    assert r.code == 2 and "Traceback" not in r.err
    assert "row 2.origin = 'MEX'" in r.err
    assert not (tmp_path / "d.csv").exists() and [p.name for p in tmp_path.iterdir()] == ["e.csv"]


def test_skip_bad_writes_rejects_with_reasons(schedule, tmp_path: Path) -> None:  # noqa: ANN001
    src = tmp_path / "e.csv"
    src.write_text(BAD)
    s = duty_file(src, tmp_path / "d.parquet", skip_bad=True, schedule=schedule)
    assert (s["rows"], s["written"], s["rejected"]) == (8, 2, 6)
    rej = pd.read_csv(s["rejects"], keep_default_na=False)
    assert rej["row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert rej["column"].tolist() == ["origin", "value", "hts", "date", "usmca", ""]
    assert "outside the HTS schedule" in rej["reason"].iloc[3]
    assert "expected 5 columns" in rej["reason"].iloc[5]
    assert pd.read_parquet(tmp_path / "d.parquet")["row"].tolist() == [1, 8]


def test_python_api_raises_user_error(schedule) -> None:  # noqa: ANN001
    frame = entries(20)
    frame.loc[7, "us_content"] = 1.5
    with pytest.raises(UserInputError, match=r"row 8\.us_content"):
        duty_batch(frame, schedule=schedule)
    res = duty_batch(frame, schedule=schedule, skip_bad=True)
    assert res.rejects["row"].tolist() == [8] and len(res.duties) == 19
    with pytest.raises(UserInputError, match="missing column"):
        duty_batch(frame.drop(columns=["value"]), schedule=schedule)


def test_file_size_cap(schedule, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    src = tmp_path / "e.csv"
    entries(50).to_csv(src, index=False)
    monkeypatch.setattr("usmca.tariffs.duty_batch_io.MAX_STREAM_BYTES", 100)
    with pytest.raises(UserInputError, match="MiB|bytes|larger"):
        duty_file(src, tmp_path / "d.csv", schedule=schedule)
    assert not (tmp_path / "d.csv").exists()


# Declared chapter 99 headings (``declare``, as ``--declare``) and the 40% US-content cap of U.S. note 16(j), on the
# package's HTS 2026 lines: every line again as the single-line path.
DECLARED = pd.DataFrame({
    "hts": ["7318.15.40.00", "7318.15.40.00", "7208.39.00.90", "8427.20.80.90", "8427.20.80.90", "8427.20.80.90",
            "8412.21.00.45", "2918.99.30.00", "2918.99.30.00", "8806.22.00.00", "8479.89.55.00"],
    "origin": ["CN", "CN", "CN", "MX", "MX", "DE", "JP", "IN", "DE", "CN", "DE"],
    "date": ["2026-05-01", "2026-05-01", "2026-05-01", "2026-06-10", "2026-06-10", "2026-06-10", "2026-06-10",
             "2026-08-10", "2026-08-10", "2026-09-10", "2026-06-10"],
    "value": [1000.0, 1000.0, 500.0, 100_000.0, 100_000.0, 80_000.0, 2000.0, 10_000.0, 10_000.0, 900.0, 3000.0],
    "usmca": ["", "", "", "true", "true", "", "", "", "", "", ""],
    "us_content": [np.nan, np.nan, np.nan, 0.5, 0.3, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan],
    "declare": ["", "9903.82.06", "9903.82.06", "", "9903.82.06", "", "9903.82.25", "9903.04.60",
                "9903.04.62", "9903.08.21", "9903.82.07"]})


def test_declared_headings_and_the_us_content_cap_as_the_single_line_path() -> None:
    out = duty_batch(DECLARED).duties
    results = [duty(r["hts"], r["origin"], r["date"], float(r["value"]), usmca_claim=r["usmca"] == "true",
                    us_content=None if math.isnan(r["us_content"]) else float(r["us_content"]),
                    declared=r["declare"].split()) for _, r in DECLARED.iterrows()]
    for i, res in enumerate(results):
        assert out.iloc[i]["total_duty"] == pytest.approx(res.total_duty, rel=1e-12, abs=1e-12), (i, res.components)
        assert out.iloc[i]["declared"] == " ".join(res.declared)
    # the forklift under USMCA with 50% US content: 25% of 60% of the value (not of 50%)
    assert out.iloc[3]["total_duty"] == pytest.approx(15_000.0)


@pytest.mark.parametrize(("cell", "reason"), [
    ("9903.82", "chapter 99 headings such as 9903.82.06"),
    ("9903.04.60", "not a chapter 99 heading that an entry can declare on 2026-05-01"),
])
def test_a_bad_declaration_names_its_row_and_column(cell: str, reason: str) -> None:
    frame = DECLARED.iloc[:2].copy()
    frame.loc[1, "declare"] = cell
    with pytest.raises(UserInputError) as err:
        duty_batch(frame)
    assert "row 2.declare" in str(err.value) and reason in str(err.value)
