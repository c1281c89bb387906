"""Output files that are either complete or absent: written to a temporary name, then renamed.

A job that fails or is interrupted (Ctrl-C, a lost cluster) must not leave a file that looks like
a finished result. :func:`atomic_output` yields a temporary path beside the target (same folder,
so the final :func:`os.replace` is one atomic rename on POSIX file systems); on success the
temporary file replaces the target, on any exception (``KeyboardInterrupt`` included) it is
removed and the target is left as it was.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["atomic_output"]


@contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path; rename it to ``target`` when the block succeeds, delete it otherwise."""
    target = Path(target)
    tmp = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
