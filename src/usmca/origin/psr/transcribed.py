"""Chapters typed from a public transcription of General Note 11(o), and party-specific rules.

``texts/gn11_o_transcribed.txt`` holds the General Note 11(o) text of whole chapters in the USITC
layout (``Chapter 15`` / ``1. A change to ...``), typed from a public transcription of the 2026
HTS (``texts/provenance.yaml``). It is read by the same importer as every other source
(:func:`.gn11.parse_gn11`); each rule's reference says how it was verified:

==========================  ===============================================================
``official-text-read``      checked against an official text read in full (a consolidated
                            regulation, the USITC PDF)
``mirror-excerpt``          read in a third-party mirror of the USITC text (page excerpts)
``government-page-copy``    read in a third-party copy of a US government page quoting the
                            Annex 4-B text (page excerpt; :mod:`.annex4b`)
``transcription-only``      typed from a public transcription, not checked against an
                            official page
``import``                  read from a text the user supplied (``usmca data load psr``)
==========================  ===============================================================

**Party-specific rules.** Annex 4-B as adapted by Canada (SOR/2020-155, Schedule 1, s. 1) gives a
different rule for a good of subheading 1517.10 traded between Canada and the United States: "a
change from heading 15.11 or any other Chapter". It is encoded as an entry with ``parties: [CA,
US]``: :func:`.library.lookup` uses it only when asked for trade between those two countries. In the
rule language the change "from heading 15.11 or any other chapter" is ``shift: CTH`` except from
every other heading of chapter 15 (a material of heading 15.17 itself fails the change of heading).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from .build import chapter_documents
from .gn11 import parse_gn11
from .succession import dated_pair, text_on_hs2022

__all__ = ["TRANSCRIPTION_KIND", "TEXTS", "transcribed_documents", "party_rules", "verification_of",
           "VERIFICATION_LEVELS", "adapt_to_hs2022", "trade_entries", "trade_rules", "fill_from_transcription"]

TEXTS = Path(__file__).resolve().parent / "texts"
TRANSCRIPTION_KIND = "transcription"
VERIFICATION_LEVELS = ("official-text-read", "mirror-excerpt", "government-page-copy", "transcription-only", "import")
_SOR_URL = "https://laws-lois.justice.gc.ca/eng/regulations/SOR-2020-155/page-9.html#h-1255912"
_SOR_TEXT = ("Schedule 1, s. 1: ... except that in the case of a good in subheading 1517.10 traded between Canada "
             "and the United States, the rule of origin is a change from heading 15.11 or any other Chapter")


def _provenance() -> dict[str, Any]:
    with open(TEXTS / "provenance.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def party_rules() -> dict[int, list[dict[str, Any]]]:
    """Party-specific entries per chapter (today: 1517.10 between Canada and the United States)."""
    return {15: [{
        "id": "15-1517.10/CA-US",
        "hs": ["1517.10"],
        "goods": None,
        "parties": ["CA", "US"],
        "effective_from": None,
        "effective_to": None,
        "alternatives": [{"shift": "CTH", "except": ["15.01-15.10", "15.12-15.22"],
                          "text": "a change from heading 15.11 or any other Chapter"}],
        "text": _SOR_TEXT,
        "notes": ["Applies only to a good traded between Canada and the United States; other trade "
                  "takes the general rule of chapter 15."],
        "reference": {
            "instrument": "SOR/2020-155, CUSMA Rules of Origin Regulations (Canada), Schedule 1",
            "treaty": "USMCA Annex 4-B, Section B (as adapted by Canada)",
            "provision": "SOR/2020-155, Schedule 1, s. 1 (subheading 1517.10, Canada-United States)",
            "chapter": 15, "rule": "1517.10 (CA-US)", "url": _SOR_URL,
            "retrieved_from": "Justice Canada consolidated XML, justicecanada/laws-lois-xml "
                              "eng/regulations/SOR-2020-155.xml (shared/data/legal/SOR-2020-155.xml)",
            "verification": "official-text-read",
        },
    }]}


_TRADE_NAMES = {"CA": "Canada", "MX": "Mexico", "US": "United States"}


def trade_entries(chapter: int, hs: str, text: str) -> list[dict[str, Any]]:
    """The entries of one trade-specific rule (``texts/gn11_o_trade.yaml``), read by the importer.

    The rule's lettered alternatives are read as one numbered rule of ``chapter``; every entry keeps
    the scope the rule is printed for (``hs``): an alternative for some goods of it ("sweaters of
    subheading 6110.30 classified as part of an ensemble of subheading 6103.23") keeps its ``goods``.
    """
    parsed = parse_gn11(f"Chapter {chapter}\n1. {text}")
    return [dict(e, hs=[hs]) for rule in parsed.rules for e in rule.entries]


def trade_rules(url: str, where: str, verification: str) -> dict[int, list[dict[str, Any]]]:
    """Rules of ``texts/gn11_o_trade.yaml`` per chapter: one entry per trade and goods.

    An entry with ``parties`` applies only to trade between those two countries (see
    :func:`.library.lookup`); the "all other trade" rule is the general rule of its scope.
    """
    with open(TEXTS / "gn11_o_trade.yaml", encoding="utf-8") as fh:
        specs = yaml.safe_load(fh)["rules"]
    out: dict[int, list[dict[str, Any]]] = {}
    for spec in specs:
        ch, hs, parties = int(spec["chapter"]), str(spec["hs"]), spec.get("parties")
        tag = "-".join(parties) if parties else "other"
        who = (f"trade between {_TRADE_NAMES[parties[0]]} and {_TRADE_NAMES[parties[1]]}" if parties
               else "all other trade")
        entries = trade_entries(ch, hs, spec["text"])
        for k, e in enumerate(entries):
            entry = {
                "id": f"{ch}-{hs}/{tag}" + (f"/{k + 1}" if len(entries) > 1 else ""),
                "hs": e["hs"], "goods": e["goods"], **({"parties": list(parties)} if parties else {}),
                "effective_from": None, "effective_to": None, "alternatives": e["alternatives"],
                "text": spec["text"], "notes": [],
                "reference": {
                    "instrument": "HTSUS General Note 11(o) (USMCA)", "treaty": "USMCA Annex 4-B, Section B",
                    "provision": f"General Note 11(o), chapter {ch}, rule for {hs} ({who})",
                    "chapter": ch, "rule": f"{hs} ({tag})", "url": url, "retrieved_from": where,
                    "preamble": spec.get("preamble"), "verification": verification,
                },
            }
            out.setdefault(ch, []).extend(_trade_on_hs2022(entry, spec.get("hs2022")))
    return out


def _trade_on_hs2022(entry: dict[str, Any], how: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A trade rule printed with HS 2017 codes (``hs2022: {successors: true}`` in its spec): the printed
    entry for BOMs before HS 2022 and its HS 2022 reading after (:func:`.succession.dated_pair`)."""
    if not how:
        return [entry]
    if not how.get("successors"):
        raise ValueError(f"{entry['id']}: only the successors reading applies to trade rules")
    return dated_pair(entry, read_on_hs2022(int(entry["reference"]["chapter"]), entry, str(how["reason"])))


def _int_or_none(number: Any) -> int | None:
    return int(number) if str(number).isdigit() else None


def read_on_hs2022(chapter: int, rule: dict[str, Any], reason: str) -> dict[str, Any]:
    """One library entry read again from its printed text with the HS 2022 successors of its HS 2017
    codes (:func:`.succession.text_on_hs2022`); the stored ``text`` stays as printed.

    Raises
    ------
    ValueError
        When a printed code has no mechanical successor, or the rule does not read as one entry.
    """
    read = text_on_hs2022(rule["text"])
    if read is None:
        raise ValueError(f"{rule['id']}: a printed code has no HS 2022 successor")
    text, changes = read
    if "preamble" in rule["reference"]:  # a trade rule: its scope is the one printed for it
        new_hs = text_on_hs2022(rule["hs"][0].replace("-", " through "))
        entries = trade_entries(chapter, (new_hs or (rule["hs"][0], []))[0].replace(" through ", "-"), text)
    else:
        entries = [e for p in parse_gn11(f"Chapter {chapter}\n{text}").rules for e in p.entries]
    if len(entries) != 1:
        raise ValueError(f"{rule['id']}: read as {len(entries)} entries on HS 2022, expected one")
    out = copy.deepcopy(rule)
    alts = entries[0]["alternatives"]
    if len(alts) == len(rule["alternatives"]):  # each alternative keeps its printed sentence
        alts = [dict(a, text=old["text"]) if "text" in old else a for a, old in zip(alts, rule["alternatives"], strict=True)]
    out["hs"], out["alternatives"] = entries[0]["hs"], alts
    out["reference"]["hs2022"] = f"{reason} (read on HS 2022: {'; '.join(dict.fromkeys(changes))})"
    return out


def adapt_to_hs2022(chapter: int, number: str, hs: list[str], alternatives: list[dict[str, Any]],
                    prov: dict[str, Any] | None = None) -> tuple[list[str], list[dict[str, Any]], str | None]:
    """A transcribed rule read on the HS 2022 nomenclature (``hs2022`` in ``texts/provenance.yaml``).

    Some rules print codes of an older HS edition. Two readings are applied, each listed by chapter
    and rule number in the provenance file with its reason (never inferred from the text):

    * ``scope``: a printed range is narrowed to the HS 2022 codes that lie inside it unchanged
      (``2801.10-2853.00`` -> ``2801.10-2852.90``: HS 2022 split 2853.00, so heading 2853 is listed
      as cut off instead);
    * ``unsupported``: the alternatives (by letter) that name an HS 2017 subheading are flagged
      ``unsupported`` with the reason;
    * ``successors``: every printed code is read as its HS 2022 successors (:mod:`.succession`:
      9401.90 -> 9401.91-9401.99, 2853.00 -> heading 28.53), in the scope and in the alternatives;
      :func:`transcribed_documents` then keeps the printed rule too, for BOMs dated before HS 2022
      (:func:`.succession.dated_pair`).

    Returns
    -------
    tuple
        ``(hs, alternatives, reason)``; ``reason`` is ``None`` when the rule is not adapted.
    """
    table = ((prov if prov is not None else _provenance()).get("hs2022") or {}).get(chapter, {}) or {}
    how = table.get(int(number)) if str(number).isdigit() else None
    if not how:
        return hs, alternatives, None
    if how.get("successors"):  # read from the text, not from the parsed codes (read_on_hs2022)
        return hs, alternatives, None
    scope = how.get("scope") or {}
    new_hs = [scope.get(h, h) for h in hs]
    flagged = {"ABCDEFGH".index(k) for k in (how.get("unsupported") or [])}
    alts = [dict(a, unsupported=f"names an HS 2017 code: {how['reason']}") if i in flagged else a
            for i, a in enumerate(alternatives)]
    return new_hs, alts, str(how["reason"])


def transcribed_documents(retrieved: str | None = None) -> tuple[dict[int, dict[str, Any]], dict[int, str]]:
    """Chapter documents of the transcribed text (plus the party-specific rules) and their status.

    Rules of the transcription left out because they name codes that do not exist in HS 2022
    (``left_out`` in ``texts/provenance.yaml``) are listed in the chapter's ``cut_off`` with the reason.
    """
    prov = _provenance()
    text = (TEXTS / "gn11_o_transcribed.txt").read_text(encoding="utf-8")
    url = prov["official_text"]["url"]
    tr = prov["transcription"]
    where = (f"typed from the public transcription {tr['repository']}@{tr['commit'][:12]} "
             f"(texts/provenance.yaml); not verified against an official page")
    docs = chapter_documents([(parse_gn11(text), lambda _p: url, where)], retrieved or str(tr["retrieved"]))
    for ch, d in docs.items():
        out = []
        for r in d["rules"]:
            how = ((prov.get("hs2022") or {}).get(ch) or {}).get(_int_or_none(r["reference"]["rule"])) or {}
            if how.get("successors"):
                out.extend(dated_pair(r, read_on_hs2022(ch, r, str(how["reason"]))))
                continue
            r["hs"], r["alternatives"], why = adapt_to_hs2022(ch, str(r["reference"]["rule"]), r["hs"],
                                                              r["alternatives"], prov)
            if why:
                r["reference"]["hs2022"] = why
            out.append(r)
        d["rules"] = out
        d["source"]["kinds"] = [TRANSCRIPTION_KIND]
        d["source"]["retrieved_from"] = where
        d["source"]["verification"] = prov["verification"]
        for r in d["rules"]:
            r["reference"]["verification"] = prov["verification"]
            r["reference"]["instrument"] = prov["official_text"]["instrument"].split(",")[0]
        for n in d["notes"]:
            n["reference"]["verification"] = prov["verification"]
    for ch, rules in (prov.get("left_out") or {}).items():  # rules read but not typed in: counted as cut off
        if int(ch) in docs:
            docs[int(ch)]["cut_off"].extend({"rule": str(n), "page": None, "reason": why} for n, why in rules.items())
    for ch, extra in party_rules().items():
        if ch in docs:
            docs[ch]["rules"].extend(extra)
    for ch, extra in trade_rules(url, where, prov["verification"]).items():
        if ch in docs:
            docs[ch]["rules"].extend(extra)
    return docs, {ch: "transcribed" for ch in docs}


def verification_of(rule: dict[str, Any]) -> str:
    """How a library rule was verified (see the module docstring)."""
    ref = rule.get("reference") or {}
    if ref.get("verification"):
        return str(ref["verification"])
    src = str(ref.get("retrieved_from", ""))
    if src.startswith("imported from"):
        return "import"
    return "mirror-excerpt"


def fill_from_transcription(doc: dict[str, Any], tdoc: dict[str, Any]) -> dict[str, Any]:
    """A chapter read in mirror excerpts, completed with the transcribed rules it lacks.

    A rule the excerpts cut off (``cut_off``), or never reached, is taken from the transcription
    when ``texts/gn11_o_transcribed.txt`` holds it; the excerpt's own rules stay as they are (a rule
    number present in ``doc`` is never replaced). Each added rule keeps ``verification:
    transcription-only``; the cut-off entries it fills are removed.
    """
    have = {str(r["reference"]["rule"]) for r in doc["rules"]}
    added = [r for r in tdoc["rules"] if str(r["reference"]["rule"]) not in have]
    if not added:
        return doc
    filled = {str(r["reference"]["rule"]) for r in added}
    src = dict(doc["source"])
    src["kinds"] = [*(src.get("kinds") or []), TRANSCRIPTION_KIND]
    src["urls"] = [*src.get("urls", []), *[u for u in tdoc["source"]["urls"] if u not in src.get("urls", [])]]
    src["retrieved_from"] = (f"{src.get('retrieved_from', 'see urls')}; rules "
                             f"{', '.join(sorted(filled, key=_rule_key))} {tdoc['source']['retrieved_from']}")
    return {**doc, "source": src, "rules": doc["rules"] + added,
            "cut_off": [c for c in doc["cut_off"] if str(c["rule"]) not in filled]}


def _rule_key(number: str) -> tuple[int, str]:
    return (int(number), "") if number.isdigit() else (10**6, number)
