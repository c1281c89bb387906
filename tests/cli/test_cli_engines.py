"""The engines themselves (not only the command line) reject bad input with a UserInputError.

The API and notebooks call the engines directly, so each fix of this QA pass sits in the engine:
these tests call the Python entry points with the hostile values the CLI tests use.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from usmca.errors import LawError, UserInputError


def _flows(**over: object) -> pd.DataFrame:
    row = {"hts10": "8708400000", "partner": "MX", "month": "2025-03", "value": 100.0, "usmca_value": 50.0}
    row.update(over)
    return pd.DataFrame([row])


@pytest.mark.parametrize(("kwargs", "option"), [
    ({"value": "abc"}, "--value"), ({"value": None}, "--value"), ({"value": True}, "--value"),
    ({"value": 1e308}, "--value"), ({"us_content": "x"}, "--us-content"), ({"quantity": "x"}, "--quantity"),
    ({"unit_value": "x"}, "--unit-value"), ({"origin": "ZZ"}, "--origin"), ({"origin": "QM"}, "--origin"),
])
def test_duty_rejects_non_numbers_unknown_countries_and_overflow(kwargs: dict, option: str) -> None:
    from usmca.tariffs import duty

    args = {"hts": "8708.40.50", "origin": "MX", "date": "2025-06-01", "value": 1000.0}
    args.update(kwargs)
    with pytest.raises(UserInputError) as err:
        duty(args.pop("hts"), args.pop("origin"), args.pop("date"), args.pop("value"), **args)
    assert err.value.source == option


def test_duty_accepts_kosovo_and_every_assigned_code() -> None:
    from usmca.law.countries import check_country, is_country

    assert is_country("xk") and is_country(" mx ") and not is_country("ZZ") and not is_country("EU")
    assert check_country("ca", "--origin") == "CA"
    with pytest.raises(UserInputError, match="ISO 3166-1"):
        check_country("Mexico", "--origin")


@pytest.mark.parametrize(("frame", "field"), [
    (_flows(hts10="abc"), "row 0.hts10"),  # was: a rate computed for a non-code
    (_flows(value="abc"), "row 0.value"),  # was: ValueError from numpy
    (_flows(value=float("nan")), "row 0.value"),
    (_flows(usmca_value=500.0), "row 0.usmca_value"),
])
def test_effective_rates_rejects_bad_flows(frame: pd.DataFrame, field: str) -> None:
    from usmca.tariffs.etr import effective_rates

    with pytest.raises(UserInputError) as err:
        effective_rates(frame)
    assert err.value.field == field


def test_effective_rates_rejects_us_content_outside_0_1() -> None:
    from usmca.tariffs.etr import effective_rates

    with pytest.raises(UserInputError, match="us_content"):
        effective_rates(_flows(), us_content=5)  # was: accepted, a 500 % US content


@pytest.mark.parametrize("dates", [np.array(["NaT"], dtype="datetime64[D]"), ["2025-02-30"], ["x"]])
def test_at_many_rejects_missing_and_malformed_dates(dates: object) -> None:
    from usmca.law import default_tree

    with pytest.raises(LawError):  # was: NaT silently took the latest value
        default_tree().at_many("usmca/ch04/de_minimis/general", dates)


def test_user_files_missing_folder_binary_deep_and_bom(hostile: dict[str, Path]) -> None:
    from usmca.law.userfile import load_user_yaml, read_user_text

    for name, reason in (("missing.yaml", "not found"), ("adir", "folder"), ("garbage.yaml", "UTF-8"),
                         ("bad.yaml", "line"), ("deep.json", "deeply")):
        with pytest.raises(UserInputError) as err:
            load_user_yaml(hostile[name], "reform file")
        assert reason in err.value.one_line(), err.value.one_line()
        assert str(hostile[name]) == err.value.source
    assert read_user_text(hostile["bom_mark.yaml"]).startswith("# An automatic gear box")


def test_brief_keeps_error_lines_short() -> None:
    from usmca.law.userfile import brief

    nested: list = []
    for _ in range(5000):
        nested = [nested]
    line = UserInputError("r.yaml", "changes", brief(nested), "bad").one_line()
    assert len(line) < 120 and "list of 1 items" in line
    assert brief("x" * 500).endswith("…") and brief(3) == 3


def test_reform_load_rejects_binary_and_deep_files(hostile: dict[str, Path]) -> None:
    from usmca.law import Reform

    for name in ("garbage.yaml", "deep.yaml", "adir"):
        with pytest.raises(UserInputError) as err:
            Reform.load(hostile[name])
        assert name in err.value.one_line()


def test_store_folder_is_refused_and_unused_store_is_never_created(tmp_path: Path) -> None:
    from usmca.data.store import connect, connect_on_use

    with pytest.raises(UserInputError, match="folder"):
        connect(tmp_path)
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UserInputError, match="cannot open the store"):  # was: duckdb IOException
        connect(tmp_path / "notes.txt")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "x"
    target = tmp_path / "never.duckdb"
    with connect_on_use(target):
        pass
    assert not target.exists()
    with connect_on_use(target) as con:
        assert con.execute("select 1").fetchall() == [(1,)]
    assert target.is_file()


def test_psr_lookup_refuses_dates_before_general_note_11() -> None:
    from usmca.law import default_tree
    from usmca.origin.psr.library import lookup

    first = default_tree().parameter("us/general_note_11/parties").entries[0].effective_from
    with pytest.raises(UserInputError, match="General Note 11"):
        lookup("8402.90", "1900-01-01")
    assert lookup("8402.90", first) is not None


def test_certificate_out_write_errors_are_user_errors(tmp_path: Path) -> None:
    from usmca.cli.output import write_out

    with pytest.raises(UserInputError, match="folder"):
        write_out(tmp_path, "x")
    with pytest.raises(UserInputError, match="cannot write"):
        write_out(tmp_path / "no" / "such" / "c.html", "x")
    write_out(tmp_path / "c.html", "ok")
    assert (tmp_path / "c.html").read_text(encoding="utf-8") == "ok"
