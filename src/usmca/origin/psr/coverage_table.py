"""The coverage registry: which HS chapters' product-specific rules are encoded, from what source.

Each library folder (packaged, and the user's after ``usmca data load psr``) has a
``registry.csv`` written with its chapter files (:func:`usmca.origin.psr.build.write_library`).
:func:`coverage` merges them per chapter, the user's library winning where it has the chapter.
"""

from __future__ import annotations

import pandas as pd

from .build import REGISTRY_COLUMNS
from .library import library_dirs

__all__ = ["coverage"]


def coverage() -> pd.DataFrame:
    """One row per HS chapter 1-97: what of its Annex 4-B / GN11(o) rules is encoded.

    Returns
    -------
    pandas.DataFrame
        Columns ``chapter, status, rules, entries, alternatives, alternatives_unsupported,
        rules_cut_off, pages, source, source_kind, url, retrieved, library``; ``source_kind`` is
        ``shared-excerpts``, ``harvested-excerpts``, both joined by ``+``, or ``import``. ``status`` is ``complete``,
        ``partial``, ``fragment`` (the source text of the chapter is cut), ``imported`` (read from a
        user-supplied text), ``missing`` (nothing encoded: a lookup answers "not encoded") or
        ``reserved`` (chapter 77). ``rules`` counts the numbered rules encoded,
        ``alternatives_unsupported`` those alternatives carrying a condition the engine cannot
        evaluate, ``rules_cut_off`` the rules seen but cut off in the source (not encoded).
    """
    frames = []
    for origin, d in library_dirs():
        f = d / "registry.csv"
        if f.is_file():
            df = pd.read_csv(f, dtype={"pages": str, "source": str, "source_kind": str, "url": str,
                                       "retrieved": str},
                             keep_default_na=False)
            df["library"] = origin
            has = {int(p.stem[2:]) for p in d.glob("ch[0-9][0-9].yaml")}
            df = df[df["chapter"].isin(has) | (origin == "package")]
            frames.append(df)
    if not frames:
        return pd.DataFrame(columns=REGISTRY_COLUMNS + ["library"])
    out = pd.concat(frames, ignore_index=True).drop_duplicates("chapter", keep="first")
    out = out.reindex(columns=REGISTRY_COLUMNS + ["library"], fill_value="")  # older registries: no source_kind
    return out.sort_values("chapter").reset_index(drop=True)
