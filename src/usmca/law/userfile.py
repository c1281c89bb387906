"""Reading a file the user names, with every failure as one :class:`~usmca.errors.UserInputError`.

A missing file, a folder, a file that is not UTF-8 text, an unreadable file or YAML/JSON that is
invalid or nested too deeply all become ``UserInputError(source, field, value, reason)`` naming
the file, never a traceback. The text is read, never written: the user's input stays as it was.
A leading UTF-8 byte-order mark is dropped and CRLF line ends are accepted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from usmca.errors import UserInputError
from usmca.limits import MAX_DOC_BYTES, check_yaml_depth, read_capped

__all__ = ["read_user_text", "load_user_yaml", "check_expansion", "brief", "MAX_NODES"]

#: Most nodes a user document may expand to (YAML aliases share nodes; walking them does not).
MAX_NODES = 5_000_000


def read_user_text(path: str | Path, what: str = "file", cap: int = MAX_DOC_BYTES) -> str:
    """The text of a user's file as UTF-8 (BOM dropped), at most ``cap`` bytes.

    A pipe, socket or device is refused before it is opened, and the size is checked before the
    file is read (:mod:`usmca.limits`).

    Parameters
    ----------
    path
        The file the user gave.
    what
        What the file should be, for the message (``"reform file"``, ``"PARTIES file"``).
    cap
        Largest size accepted (default :data:`usmca.limits.MAX_DOC_BYTES`).

    Raises
    ------
    UserInputError
        The file is missing, a folder, a pipe or device, larger than ``cap``, unreadable or not
        UTF-8 text.
    """
    name = str(path)
    data = read_capped(path, what, cap)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserInputError(name, f"byte {exc.start}", data[exc.start:exc.start + 1],
                             f"the {what} is not UTF-8 text") from None


def load_user_yaml(path: str | Path, what: str = "file",
                   loader: Callable[[str], Any] | None = None) -> Any:
    """Parse a user's YAML (or JSON, a subset of YAML; ``.json`` files go through :mod:`json`).

    Parameters
    ----------
    path
        The file the user gave.
    what
        What the file should be, for the message.
    loader
        The YAML parser (default :func:`yaml.safe_load`).

    Raises
    ------
    UserInputError
        As :func:`read_user_text`, or the text is not valid YAML/JSON (the line is named), or it
        nests too deeply to be a legitimate input.
    """
    text = read_user_text(path, what)
    name = str(path)
    check_yaml_depth(text, name)
    import yaml  # noqa: PLC0415 - start-up time: commands that read no YAML do not import PyYAML

    try:
        if Path(path).suffix.lower() == ".json":
            return json.loads(text)
        doc = (loader or yaml.safe_load)(text)
    except RecursionError:
        raise UserInputError(name, "", Path(path).name, f"the {what} nests too deeply") from None
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = getattr(mark, "line", None) if mark is not None else getattr(exc, "lineno", None)
        if line is not None and mark is not None:
            line += 1
        problem = getattr(exc, "problem", None) or getattr(exc, "msg", None) or type(exc).__name__
        where = f"line {line}" if line is not None else ""
        raise UserInputError(name, where, Path(path).name, f"not valid YAML/JSON ({problem})") from None
    check_expansion(doc, name)
    return doc


def check_expansion(doc: Any, source: str, limit: int = MAX_NODES) -> None:
    """Refuse a document whose YAML aliases expand to more than ``limit`` nodes.

    Thirty lines of nested aliases (``b: [*a, *a]``, ``c: [*b, *b]``, ...) parse into a few
    shared objects but expand to billions of nodes once validated or walked ("billion laughs").
    The expanded size :math:`n(x) = 1 + \\sum_{c \\in x} n(c)` is computed once per distinct
    object (memoised on ``id``), so the check is linear in the parsed size.

    Raises
    ------
    UserInputError
        The expansion exceeds ``limit``.
    """
    memo: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[Any, bool]] = [(doc, False)]
    while stack:  # iterative post-order: deep documents do not hit the recursion limit
        node, done = stack.pop()
        if not isinstance(node, (dict, list)) or (not done and id(node) in memo):
            continue
        kids = list(node.values()) if isinstance(node, dict) else node
        if not done:
            if id(node) in open_:
                raise UserInputError(source, "", Path(source).name, "a YAML alias refers to itself")
            open_.add(id(node))
            stack.append((node, True))
            stack.extend((k, False) for k in kids if isinstance(k, (dict, list)) and id(k) not in memo)
            continue
        open_.discard(id(node))
        memo[id(node)] = size = 1 + sum(memo.get(id(k), 1) for k in kids)
        if size > limit:
            raise UserInputError(source, "", Path(source).name,
                                 f"YAML aliases expand to more than {limit:,} nodes")


def brief(value: Any, width: int = 60) -> Any:
    """A short stand-in for a value shown in an error message (scalars as they are).

    Containers become ``"<list of 10000 items>"`` so that a huge or deeply nested value never
    makes a long line, or a recursion error while it is printed.
    """
    if isinstance(value, (list, tuple, set, frozenset)):
        return f"<{type(value).__name__} of {len(value)} items>"
    if isinstance(value, dict):
        keys = ", ".join(str(k) for k in list(value)[:5])
        return f"<mapping with keys {keys[:width]}{', ...' if len(value) > 5 else ''}>"
    if isinstance(value, str) and len(value) > width:
        return value[: width - 1] + "…"
    if isinstance(value, bytes) and len(value) > width:
        return value[:width]
    return value
