"""Usage errors (unknown command or option, missing or mistyped argument) are one line, exit 2.

Before this QA pass typer printed a six-line boxed panel for these; the contract is one line on
stderr naming the command and the option. ``--help`` and a bare group still print the help.
"""

from __future__ import annotations

import pytest

USAGE = [
    (("nonsense",), "nonsense"),
    (("law", "nonsense"), "nonsense"),
    (("law", "show"), "path"),
    (("law", "list", "--bogus"), "--bogus"),
    (("origin", "qualify"), "path"),
    (("origin", "qualify", "x.yaml", "--bogus"), "--bogus"),
    (("origin", "certificate", "x.yaml"), "--parties"),
    (("tariffs", "duty", "--hts", "8708.40.50", "--origin", "MX", "--date", "2025-06-01"), "--value"),
    (("tariffs", "duty", "--hts", "8708.40.50", "--origin", "MX", "--date", "2025-06-01", "--value", "abc"), "--value"),
    (("tariffs", "etr", "--us-content", "lots"), "--us-content"),
    (("ge", "replicate", "cp2015", "--draws", "many"), "--draws"),
    (("ge", "solve", "--tariffs", "t.csv"), "--model"),
    (("data", "load", "census"), "--from"),
    (("serve", "--port", "http"), "--port"),
]


@pytest.mark.parametrize(("args", "culprit"), USAGE, ids=[" ".join(a) for a, _ in USAGE])
def test_usage_error_is_one_line_exit_2(cli, args: tuple[str, ...], culprit: str) -> None:
    r = cli(*args)
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert r.code == 2, r.err
    assert len(lines) == 1, r.err
    assert lines[0].startswith("error: usmca"), lines[0]
    assert culprit in lines[0], lines[0]
    assert "Traceback" not in r.err


@pytest.mark.parametrize("args", [("--help",), ("law", "--help"), ("origin", "qualify", "--help"),
                                  ("tariffs", "duty", "--help")])
def test_help_exits_0_with_usage(cli, args: tuple[str, ...]) -> None:
    r = cli(*args)
    assert r.code == 0, r.err
    assert "Usage" in r.out


@pytest.mark.parametrize("args", [(), ("law",), ("data", "load")])
def test_bare_group_prints_help_and_exits_2(cli, args: tuple[str, ...]) -> None:
    r = cli(*args)
    assert r.code == 2
    assert "Usage" in r.out + r.err
    assert "Traceback" not in r.err
