"""Output helpers shared by every command: one JSON document, rich tables, progress bars."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator, TypeVar

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from usmca.jsonable import to_jsonable

__all__ = ["console", "err_console", "emit_json", "progress", "write_out"]

console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")


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
