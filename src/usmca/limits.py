"""Bounds on what the toolkit reads: file sizes, nesting, decompression, numeric ranges, dates.

Every reader of a user's file or number calls these helpers, so that a hostile or mistaken input
(a named pipe, ``/dev/zero``, a 4 MB gzip expanding to 4 GiB, a 10-million-row CSV read whole, a
YAML document nested 10,000 deep, an elasticity of 1e308) ends as one
:class:`~usmca.errors.UserInputError` line (exit status 2) in bounded time and memory, never as a
hang, a ``MemoryError`` or a traceback. The caps are sized from the largest legitimate input
with headroom, and each is named in the message so that a user with a larger file knows why.

===========================  ==============  ==================================================
cap                          value           legitimate input it is sized from
===========================  ==============  ==================================================
MAX_DOC_BYTES                2 MiB           a BOM of ~25,000 materials; reforms, scenarios,
                                             parties are a few KB (same as the API body limit)
MAX_DOC_DEPTH                200             a BOM nests a few levels per tier of sub-assembly
MAX_JSON_BYTES               64 MiB          the USITC HTS JSON export, 13.6 MB for 2025
MAX_TABLE_BYTES              64 MiB          CSVs read whole (DataWeb export, flow table,
                                             tariff file): ~1.5 million rows
MAX_STREAM_BYTES             8 GiB           CSVs read in chunks (BACI, ~250 MB per year)
MAX_FOLDER_FILES             10,000          a folder of BOMs
MAX_FOLDER_BYTES             256 MiB         total size of the files of a folder read
===========================  ==============  ==================================================

Numeric ranges (inclusive unless stated): trade elasticity :math:`\\theta \\in (0, 100]`
(estimates are 1-20, Caliendo & Parro 2015 Table 1; Simonovska & Waugh 2014), elasticity of
substitution :math:`\\sigma \\in (1, 100]`, tariff as a fraction :math:`[0, 10]` (1,000 %, ten
times the highest US rate of 2025), Monte Carlo coefficient of variation :math:`[0, 5]`,
identifiers within int64, dates within the law tree's span (its first dated value to
:data:`DATE_HORIZON_YEARS` after its last).
"""

from __future__ import annotations

import math
import os
import stat
import zlib
from pathlib import Path
from typing import Any, Iterable

from usmca.errors import UserInputError

__all__ = ["MAX_DOC_BYTES", "MAX_DOC_DEPTH", "MAX_JSON_BYTES", "MAX_TABLE_BYTES", "MAX_STREAM_BYTES",
           "MAX_FOLDER_FILES", "MAX_FOLDER_BYTES", "INT64_MAX", "THETA", "SIGMA", "TARIFF_FRACTION",
           "THETA_CV", "DATE_HORIZON_YEARS", "regular_file", "read_capped", "gunzip_capped",
           "folder_files", "check_number", "check_yaml_depth", "yaml_structure", "mib"]

MAX_DOC_BYTES = 2 * 1024**2
MAX_DOC_DEPTH = 200
MAX_JSON_BYTES = 64 * 1024**2
MAX_TABLE_BYTES = 64 * 1024**2
MAX_STREAM_BYTES = 8 * 1024**3
MAX_FOLDER_FILES = 10_000
MAX_FOLDER_BYTES = 256 * 1024**2
INT64_MAX = 2**63 - 1
#: (low, high, low_open): the accepted closed/half-open ranges of numeric inputs
THETA = (0.0, 100.0, True)
SIGMA = (1.0, 100.0, True)
TARIFF_FRACTION = (0.0, 10.0, False)
THETA_CV = (0.0, 5.0, False)
#: Years past the last dated value of the law tree that a date may reach (the USMCA's 16-year
#: term, Art. 34.7, ends in 2036, inside this horizon from the tree's 2027 changes).
DATE_HORIZON_YEARS = 10


def mib(n: int) -> str:
    """``2097152`` -> ``"2 MiB"`` (for messages)."""
    return f"{n / 1024**3:g} GiB" if n >= 1024**3 else f"{n / 1024**2:g} MiB"


def regular_file(path: str | Path, what: str = "file", cap: int | None = None, source: str | None = None) -> Path:
    """The path, checked to be a regular file no larger than ``cap`` bytes (nothing is read).

    A named pipe, socket or device (``/dev/zero``) is refused before it is opened: opening a pipe
    blocks until a writer comes, and a device never ends.

    Raises
    ------
    UserInputError
        Missing, a folder, not a regular file, or larger than ``cap``.
    """
    p = Path(path)
    name = source or str(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise UserInputError(name, "", str(path), f"{what} not found") from None
    except OSError as exc:
        raise UserInputError(name, "", str(path), f"cannot read the {what} ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise UserInputError(name, "", str(path), f"is a folder, not a {what}")
    if not stat.S_ISREG(st.st_mode):
        kind = "named pipe" if stat.S_ISFIFO(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode) else "device"
        raise UserInputError(name, "", str(path), f"is a {kind}, not a regular {what}")
    if cap is not None and st.st_size > cap:
        raise UserInputError(name, "size", f"{st.st_size:,} bytes", f"a {what} is at most {mib(cap)}")
    return p


def read_capped(path: str | Path, what: str = "file", cap: int = MAX_DOC_BYTES, source: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes (checked before and while reading)."""
    p = regular_file(path, what, cap, source)
    try:
        with open(p, "rb") as fh:
            data = fh.read(cap + 1)
    except OSError as exc:
        raise UserInputError(source or str(path), "", str(path), f"cannot read the {what} ({exc.strerror})") from None
    if len(data) > cap:  # grew while being read
        raise UserInputError(source or str(path), "size", f"> {cap:,} bytes", f"a {what} is at most {mib(cap)}")
    return data


def gunzip_capped(raw: bytes, source: str, cap: int = MAX_JSON_BYTES) -> bytes:
    """Decompress gzip data, stopping at ``cap`` output bytes (a "zip bomb" never fills memory).

    Raises
    ------
    UserInputError
        Not readable gzip, or more than ``cap`` bytes once expanded.
    """
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(raw, cap + 1)
    except zlib.error as exc:
        raise UserInputError(source, "", None, f"not a readable gzip file ({exc})") from None
    if len(out) > cap or d.unconsumed_tail:
        raise UserInputError(source, "size", f"> {cap:,} bytes expanded", f"expands beyond {mib(cap)}")
    if not d.eof:
        raise UserInputError(source, "", None, "not a readable gzip file (truncated)")
    return out


def folder_files(path: str | Path, suffixes: Iterable[str], what: str = "file") -> list[Path]:
    """The regular files of a folder with one of ``suffixes``, sorted, within the folder caps.

    Raises
    ------
    UserInputError
        More than :data:`MAX_FOLDER_FILES` files or :data:`MAX_FOLDER_BYTES` in total.
    """
    p = Path(path)
    suf = tuple(s.lower() for s in suffixes)
    files: list[Path] = []
    total = 0
    with os.scandir(p) as it:
        for e in it:
            if not e.name.lower().endswith(suf) or not e.is_file(follow_symlinks=True):
                continue
            files.append(Path(e.path))
            total += e.stat().st_size
            if len(files) > MAX_FOLDER_FILES:
                raise UserInputError(str(p), "files", f"> {MAX_FOLDER_FILES:,}",
                                     f"a folder of {what}s holds at most {MAX_FOLDER_FILES:,}")
            if total > MAX_FOLDER_BYTES:
                raise UserInputError(str(p), "size", f"> {total:,} bytes",
                                     f"the {what}s of a folder total at most {mib(MAX_FOLDER_BYTES)}")
    return sorted(files)


def check_number(value: Any, source: str, field: str, bounds: tuple[float, float, bool]) -> float:
    """``value`` as a finite float within ``bounds = (low, high, low_open)``.

    Raises
    ------
    UserInputError
        Not a number, NaN, infinite or out of range.
    """
    low, high, low_open = bounds
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise UserInputError(source, field, value, "not a number") from None
    ok = math.isfinite(x) and (x > low if low_open else x >= low) and x <= high
    if not ok:
        rng = f"{'(' if low_open else '['}{low:g}, {high:g}]"
        raise UserInputError(source, field, value, f"must be a finite number in {rng}")
    return x


def yaml_structure(text: str, max_depth: int = MAX_DOC_DEPTH) -> tuple[bool, str | None]:
    """Scan YAML tokens once (the C scanner when present) without building anything.

    Returns ``(too_deep, first_alias)``: whether collections nest deeper than ``max_depth`` and the
    name of the first alias (``*name``) met before the scan stopped. A few hundred bytes of nested
    aliases expand to billions of nodes, and a 10,000-deep document exhausts the recursion limit
    when built, so callers refuse both before parsing. Syntax errors other than libyaml's own
    nesting limit (1,000 flow levels) are left to the parser, which reports them with their line.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    opens = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken, yaml.BlockSequenceStartToken,
             yaml.BlockMappingStartToken)
    closes = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)
    depth, alias = 0, None
    try:
        for token in yaml.scan(text, Loader=loader):
            if isinstance(token, opens):
                depth += 1
                if depth > max_depth:
                    return True, alias
            elif isinstance(token, closes):
                depth -= 1
            elif alias is None and isinstance(token, yaml.AliasToken):
                alias = str(token.value)
    except yaml.YAMLError as exc:
        if "nesting depth" in str(exc):
            return True, alias
    return False, alias


def check_yaml_depth(text: str, source: str, max_depth: int = MAX_DOC_DEPTH) -> None:
    """Refuse YAML/JSON text nested deeper than ``max_depth``, before anything is built.

    A cheap upper bound first: the flow depth (running sum of ``[{`` minus ``]}``, vectorised)
    plus the longest line prefix of spaces and dashes (each block level takes at least one such
    character). Only when that bound exceeds ``max_depth`` is the exact count made by
    :func:`yaml_structure`.
    """
    import re

    import numpy as np

    b = np.frombuffer(text.encode("utf-8", "replace"), dtype=np.uint8)
    step = ((b == 0x5B) | (b == 0x7B)).astype(np.int32) - ((b == 0x5D) | (b == 0x7D)).astype(np.int32)
    flow = int(np.cumsum(step).max()) if len(b) else 0
    block = max((len(m) for m in re.findall(r"^[ \t-]*", text, flags=re.M)), default=0)
    if flow + block + 1 <= max_depth:
        return
    if yaml_structure(text, max_depth)[0]:
        raise UserInputError(source, "", Path(source).name, f"nests too deeply (more than {max_depth} levels)")
