"""Random argument lists fed to ``usmca``: the exit code is 0, 1 or 2 and no traceback is printed.

Commands that use the network, start a server or write outside the temp folders (``serve``,
``review``, ``data download``, ``data load census``, ``data build-baseline``) and the slow
Monte Carlo replication are kept out of the vocabulary; the store and the PSR library point at
temp folders. A failure prints the argument list, which becomes a row of test_cli_hostile.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FORBIDDEN = {"serve", "review", "download", "census", "build-baseline", "yotov-nafta", "--workers", "--draws"}

COMMANDS = [
    ["law", "list"], ["law", "show"], ["law", "diff"], ["origin", "qualify"], ["origin", "certificate"],
    ["tariffs", "duty"], ["tariffs", "etr"], ["data", "psr-rule"], ["data", "psr-coverage"],
    ["data", "load", "hts"], ["data", "load", "dataweb"], ["data", "load", "baci"], ["data", "load", "psr"],
    ["ge", "solve"], ["law"], ["origin"], [],
]
OPTIONS = ["--json", "--date", "--reform", "--fast", "--parties", "--out", "--hts", "--origin", "--value",
           "--usmca", "--us-content", "--quantity", "--unit-value", "--partner", "--from", "--to", "--by",
           "--flows", "--components", "--model", "--tariffs", "--theta", "--sigma", "--store",
           "--effective-from", "--blanket-from", "--blanket-to", "--help", "--bogus", "-x"]
VALUES = ["2025-02-30", "2025-06-01", "1900-01-01", "9999-12-31", "2025-13", "2025-01", "-1", "0", "nan", "inf",
          "1e308", "-0", "abc", "", " ", "MX", "ZZ", "mx", "8708.40.50", "9999.99", "8402.90", "00",
          "usmca/ch04/de_minimis/general", "usmca", "../..", "partner,month", "hs2,nonsense",
          "caliendo-parro", "gravity", "nope", "\u00e9\u00e8", "\x00", "-", "--", "{"]
FILES = ["missing.yaml", "adir", "emptydir", "empty.yaml", "garbage.yaml", "garbage.csv", "bad.yaml", "bad.json",
         "deep.yaml", "deep.json", "list.yaml", "neg.yaml", "unkcc.yaml", "reform_bad_date.yaml",
         "reform_str.yaml", "flows_ok.csv", "flows_empty.csv", "flows_cc.csv", "hts_empty.json", "crlf.yaml",
         "laughs.yaml", "cycle.yaml", "chain.json", "bom_mark.yaml"]


@pytest.fixture()
def sandbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("USMCA_STORE", str(tmp_path / "store.duckdb"))
    monkeypatch.setenv("USMCA_PSR_LIBRARY", str(tmp_path / "psr"))
    monkeypatch.delenv("USMCA_DEBUG", raising=False)
    return tmp_path


def _argv(hostile: dict[str, Path]) -> st.SearchStrategy[list[str]]:
    token = st.one_of(st.sampled_from(OPTIONS), st.sampled_from(VALUES),
                      st.sampled_from(FILES).map(lambda f: str(hostile[f])),
                      st.text(max_size=12))
    return st.tuples(st.sampled_from(COMMANDS), st.lists(token, max_size=7)).map(lambda t: [*t[0], *t[1]])


@pytest.mark.usefixtures("sandbox")
def test_random_argument_lists_never_trace_back(cli, hostile) -> None:
    @settings(max_examples=150, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(_argv(hostile))
    def run(argv: list[str]) -> None:
        if FORBIDDEN & set(argv) or any("\x00" in a for a in argv[:1]):
            return
        r = cli(*argv)
        assert r.code in (0, 1, 2), (argv, r.code, r.err[-300:])
        assert "Traceback" not in r.err, (argv, r.err[-600:])
        assert "internal error" not in r.err, (argv, r.err)
        if r.code == 2 and "Usage" not in r.out + r.err:
            assert len([ln for ln in r.err.splitlines() if ln.strip()]) == 1, (argv, r.err)

    run()
