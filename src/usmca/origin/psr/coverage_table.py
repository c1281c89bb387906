"""The coverage registry: which HS chapters' product-specific rules are encoded, from what source.

Each library folder (packaged, and the user's after ``usmca data load psr``) has a
``registry.csv`` written with its chapter files (:func:`usmca.origin.psr.build.write_library`).
:func:`coverage` merges them per chapter, the user's library winning where it has the chapter.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .build import REGISTRY_COLUMNS
from .library import library_dirs, load_chapter
from .transcribed import VERIFICATION_LEVELS, verification_of

__all__ = ["coverage", "coverage_summary", "CHAPTERS_IN_USE"]

#: HS chapters in use: 01-97 without chapter 77 (reserved by the HS for possible future use).
CHAPTERS_IN_USE = tuple(c for c in range(1, 98) if c != 77)


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


def coverage_summary() -> dict[str, Any]:
    """What ``usmca data psr-coverage`` reports: chapters, rules by verification, inexpressible rules.

    Returns
    -------
    dict
        ``chapters_in_use`` (96), ``chapters_encoded`` and ``chapters_not_encoded`` (lists),
        ``rules`` (entries encoded), ``rules_by_verification`` (``official-text-read``,
        ``mirror-excerpt``, ``transcription-only``, ``import``), ``rules_cut_off`` (seen in a source
        but cut off there, not encoded), ``party_specific`` (entries applying to trade between two
        given countries) and ``inexpressible``: every alternative the rule language cannot express,
        with its rule id, chapter, scope and reason (the engine reports such an alternative as not
        evaluable; it never guesses).
    """
    table = coverage()
    by_ver = {v: 0 for v in VERIFICATION_LEVELS}
    inexpressible: list[dict[str, Any]] = []
    party: list[str] = []
    encoded: list[int] = []
    cut = 0
    for ch in CHAPTERS_IN_USE:
        found = load_chapter(ch)
        if found is None or not found[1].get("rules"):
            continue
        origin, data = found
        encoded.append(ch)
        cut += len(data.get("cut_off", []))
        for r in data["rules"]:
            v = verification_of(r)
            by_ver[v] = by_ver.get(v, 0) + 1
            if r.get("parties"):
                party.append(str(r.get("id")))
            reasons = [str(a["unsupported"]) for a in r.get("alternatives", []) if a.get("unsupported")]
            if r.get("goods"):
                reasons.append(f"applies only to goods described as: {r['goods']} (the engine does not read "
                               "descriptions of goods)")
            for why in reasons:
                inexpressible.append({"rule": r.get("id"), "chapter": ch, "hs": list(r.get("hs", [])),
                                      "reason": why, "verification": v, "library": origin})
    return {
        "chapters_in_use": len(CHAPTERS_IN_USE),
        "chapters_encoded": encoded,
        "chapters_not_encoded": [c for c in CHAPTERS_IN_USE if c not in encoded],
        "rules": sum(by_ver.values()),
        "rules_by_verification": by_ver,
        "rules_cut_off": cut,
        "party_specific": party,
        "inexpressible": inexpressible,
        "chapters": table.to_dict(orient="records"),
    }
