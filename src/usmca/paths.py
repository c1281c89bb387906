"""Where the toolkit finds third-party data.

Third-party files are never copied into the repository: they are read from the ``shared/data``
folder that sits beside the checkout (``../shared/data`` from the repository root), or from the
folder named by the environment variable ``USMCA_SHARED_DATA``.

The engines' defaults (the HTS schedule, the observed flows from Canada and Mexico) ship inside
the package (:mod:`usmca.data.package`); third-party data then overrides them only when named
explicitly: a loaded store, or ``$USMCA_SHARED_DATA`` (:func:`explicit_shared_data_dir`).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["REPO_ROOT", "PACKAGE_ROOT", "shared_data_dir", "explicit_shared_data_dir", "missing_data_hint"]

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


def explicit_shared_data_dir() -> Path | None:
    """``$USMCA_SHARED_DATA`` if it is set and names a folder, else ``None`` (no implicit lookup)."""
    env = os.environ.get("USMCA_SHARED_DATA")
    if env and Path(env).is_dir():
        return Path(env).resolve()
    return None


#: Dataset folder -> how to get it (the official source; the README's "Data" section says the same).
_HINTS = {
    "cp2015": "the cp2015 folder: the Caliendo-Parro (2015) inputs as model_inputs/*.csv (31 regions x 40 sectors, "
              "from the paper's replication package, Review of Economic Studies 82(1), "
              "https://doi.org/10.1093/restud/rdu035)",
    "yotov_nafta": "the yotov_nafta folder: the Yotov et al. (2016) Advanced Guide, ch. 2 application 2 panel "
                   "(WTO/UNCTAD, https://www.wto.org/english/res_e/reser_e/structural_gravity_e.htm)",
    "us_tariffs": "the USITC HTS exports and DataWeb files of us_tariffs/ (see its README.md)",
    "gegravity_sample": "the gegravity_sample folder: examples/sample_data_set.dlm of "
                        "https://github.com/peter-herman/gegravity",
}


def missing_data_hint(dataset: str) -> str:
    """What to put where when the data folder ``dataset`` is missing (for an error message)."""
    what = _HINTS.get(dataset, f"the {dataset} folder")
    return (f"needs {what}, in ../shared/data beside the checkout or in $USMCA_SHARED_DATA, or give --data DIR "
            "(README, 'Data')")
