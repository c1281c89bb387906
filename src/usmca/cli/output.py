"""Output helpers shared by every command: one JSON document, rich tables, progress bars.

Start-up time: rich's progress bars are imported when a bar is shown, not with this module.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator, TypeVar

from rich.console import Console

from usmca.jsonable import to_jsonable

__all__ = ["console", "err_console", "emit_json", "progress", "write_out", "print_table", "split_columns",
           "show_version", "print_rich"]

console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")


def show_version(value: bool) -> None:
    """The ``--version`` callback (kept here for importers; it lives in :mod:`usmca.cli.apps`)."""
    from .apps import show_version as show

    show(value)


def emit_json(obj: Any) -> None:
    """Write exactly one JSON document to stdout."""
    sys.stdout.write(json.dumps(to_jsonable(obj), indent=2, allow_nan=False))
    sys.stdout.write("\n")
    sys.stdout.flush()


def progress(items: Iterable[T], description: str, total: int | None = None,
             enabled: bool = True) -> Iterator[T]:
    """Iterate with a rich progress bar on stderr (off when ``enabled`` is false, e.g. ``--json``)."""
    if not enabled:
        yield from items
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=total if total is not None else _len(items))
        for item in items:
            yield item
            bar.advance(task)


def _len(items: Iterable[Any]) -> int | None:
    try:
        return len(items)  # type: ignore[arg-type]
    except TypeError:
        return None


def write_out(path: Path, text: str, option: str = "--out") -> None:
    """Write ``text`` to the file the user named with ``option``; failures are a UserInputError.

    A missing folder, a folder in place of the file or a read-only location becomes one line
    (``--out: /x/y.html = ...: cannot write (No such file or directory)``), never a traceback.
    """
    from usmca.errors import UserInputError

    if path.is_dir():
        raise UserInputError(option, "", str(path), "is a folder; give a file name")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserInputError(option, "", str(path), f"cannot write ({exc.strerror or type(exc).__name__})") from None


#: Widest a single word may make a column before it is folded over lines (URLs, long codes).
FOLD = 24


def _table(title: str, header: list[str], rows: list[list[str]], cols: list[int], right: set[int],
           keep: int = 0) -> Any:
    from rich import box
    from rich.table import Table

    t = Table(title=title, box=box.SIMPLE_HEAD, padding=(0, 0), pad_edge=False)
    for k in cols:
        t.add_column(header[k], justify="right" if k in right else "left", overflow="fold",
                     no_wrap=k < keep and len(max([header[k], *[r[k] for r in rows]], key=len)) <= FOLD)
    for r in rows:
        t.add_row(*[r[k] for k in cols])
    return t


def split_columns(header: list[str], rows: list[list[str]], width: int, keep: int = 1,
                  con: Console | None = None) -> list[list[int]]:
    """Split the columns of a table into groups that fit ``width`` characters without cutting a word.

    The first ``keep`` columns (the row labels) repeat in every group; each other column goes,
    in order, into the current group while the group's minimum width (every cell wrapped at its
    spaces, measured by rich; a token longer than :data:`FOLD` is folded) stays within ``width``.
    A column that alone does not fit still gets a group of its own (rich then
    wraps its cells; it never drops them).

    Returns
    -------
    list of list of int
        Column indices per group (``[[0, 1, 2, ...]]`` when the whole table fits).
    """
    from rich.measure import Measurement

    c = con or Console(width=width)
    opts = c.options.update_width(10_000)   # unclamped
    # a column's narrowest rendering: its longest word (header included), a very long token folded at FOLD
    edge = Measurement.get(c, opts, _table("", [""], [[""]], [0], set())).maximum      # the table's outer edges
    need = [min(Measurement.get(c, opts, _table("", header, rows, [k], set())).minimum - edge, FOLD)
            for k in range(len(header))]

    def fits(cols: list[int]) -> bool:
        return sum(need[k] for k in cols) + len(cols) - 1 + edge <= width

    groups: list[list[int]] = []
    current: list[int] = []
    for k in range(keep, len(header)):
        if current and not fits(list(range(keep)) + current + [k]):
            groups.append(current)
            current = []
        current.append(k)
    if current or not groups:
        groups.append(current)
    return [list(range(keep)) + g for g in groups]


def print_table(title: str, header: list[str], rows: list[list[str]], *, keep: int = 1,
                right: Iterable[int] = (), out: Console | None = None) -> int:
    """Print a table that never loses a column: too wide for the terminal, it is split into
    stacked parts (the first ``keep`` columns repeated, "part 1/2: columns ..." in the title).

    Cells are never truncated (no ellipsis): a cell too long for its column wraps.

    Returns
    -------
    int
        The number of parts printed.
    """
    con = out or console
    groups = split_columns(header, rows, con.width, keep, con)
    for n, cols in enumerate(groups, 1):
        part = f" (part {n}/{len(groups)}: {', '.join(header[k] for k in cols[keep:])})" if len(groups) > 1 else ""
        con.print(_table(title + part, header, rows, cols, set(right), keep))
    return len(groups)


def print_rich(table: Any, out: Console | None = None) -> int:
    """Print a rich ``Table`` built elsewhere through :func:`print_table` (split, never truncated).

    Cells are taken as plain text; the first column repeats in every part.
    """
    header = [str(c.header) for c in table.columns]
    cells = [[str(x) for x in c._cells] for c in table.columns]
    rows = [list(r) for r in zip(*cells, strict=True)] if cells else []
    right = [k for k, c in enumerate(table.columns) if c.justify == "right"]
    title = str(table.title or "")
    return print_table(title, header, rows, right=right, out=out)
