"""Where the toolkit finds third-party data.

Third-party files are never copied into the repository: they are read from the ``shared/data``
folder that sits beside the checkout (``../shared/data`` from the repository root), or from the
folder named by the environment variable ``USMCA_SHARED_DATA``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["REPO_ROOT", "PACKAGE_ROOT", "shared_data_dir"]

PACKAGE_ROOT = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_ROOT.parent.parent


def shared_data_dir() -> Path | None:
    """The ``shared/data`` folder if it exists, else ``None``.

    Looked up in order: ``$USMCA_SHARED_DATA``; ``<repo>/../shared/data``; ``./../shared/data``.
    """
    env = os.environ.get("USMCA_SHARED_DATA")
    candidates = [Path(env)] if env else []
    candidates += [REPO_ROOT.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for c in candidates:
        if c.is_dir():
            return c.resolve()
    return None
