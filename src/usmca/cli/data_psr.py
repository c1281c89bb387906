"""``usmca data load psr FILE_OR_URL``: build the product-specific-rule library from GN11 text.

Reads HTSUS General Note 11 (the USITC release: text, HTML, or PDF with the optional ``pypdf``)
from a file, or from a URL (the only case that touches the network), parses subdivision (o) into
the rule language and writes ``chNN.yaml`` + ``registry.csv`` into ``--out`` or the user library
folder (``$USMCA_PSR_LIBRARY``, else ``~/.local/share/usmca/psr``), never into the package.
``usmca data psr-coverage`` shows what is encoded.

The ``data load`` group is :data:`usmca.cli.apps.data_load_app`, shared by every loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from usmca.errors import UserInputError

from .apps import data_app, data_load_app
from .output import console, emit_json


@data_load_app.command("psr")
def load_psr(
    source: str = typer.Argument(..., metavar="FILE_OR_URL", help="General Note 11 text: path or http(s) URL."),
    out: Optional[Path] = typer.Option(None, "--out", help="Library folder to write (default: the user library)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Parse HTSUS General Note 11(o) into the PSR library (one YAML file per HS chapter)."""
    from usmca.origin.psr.library import PACKAGE_LIBRARY, clear_cache, user_library_dir
    from usmca.origin.psr.sources import import_text, read_source

    target = (out or user_library_dir()).expanduser()
    if target.resolve() == PACKAGE_LIBRARY.resolve():
        raise UserInputError("--out", "", str(target), "the packaged library is rebuilt by its maintainers, "
                                                        "not by a user import; choose another folder")
    summary = import_text(read_source(source), source, target)
    clear_cache()
    if json_out:
        emit_json(summary)
        return
    console.print(f"[bold]PSR library written[/bold] to {target}: {summary['rules']} rule entries in "
                  f"{len(summary['chapters'])} chapters; {summary['cut_off']} rules cut off in the source "
                  "(not encoded).")


@data_app.command("psr-coverage")
def psr_coverage(
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
    show_inexpressible: bool = typer.Option(False, "--inexpressible", help="List every rule the rule language "
                                            "cannot express."),
) -> None:
    """Which HS chapters' product-specific rules are encoded, how verified, and what cannot be expressed."""
    from usmca.origin.psr.coverage_table import coverage_summary

    s = coverage_summary()
    if json_out:
        emit_json(s)
        return
    t = Table("chapter", "status", "rules", "alternatives", "unsupported", "cut off", "verification", "library",
              title="PSR library coverage (chapters with anything encoded)")
    for r in s["chapters"]:
        if r["rules"] > 0:
            t.add_row(str(r["chapter"]), r["status"], str(r["rules"]), str(r["alternatives"]),
                      str(r["alternatives_unsupported"]), str(r["rules_cut_off"]), str(r.get("verification", "")),
                      r["library"])
    console.print(t)
    n_enc = len(s["chapters_encoded"])
    console.print(f"{n_enc}/{s['chapters_in_use']} HS chapters in use have rules encoded (chapter 77 is reserved); "
                  f"{s['rules']} rule entries: " + ", ".join(f"{k} {v}" for k, v in s["rules_by_verification"].items())
                  + f"; {s['rules_cut_off']} rules cut off in the source (not encoded); "
                  f"{len(s['inexpressible'])} alternatives the rule language cannot express"
                  + ("" if show_inexpressible else " (list them with --inexpressible)") + ".")
    if show_inexpressible:
        for x in s["inexpressible"]:
            console.print(f"  {x['rule']} ({', '.join(x['hs'])}): {x['reason']}", highlight=False, markup=False)
    console.print(f"Not encoded ({len(s['chapters_not_encoded'])} chapters): a lookup there answers 'not encoded'. "
                  "Build the full library with: usmca data load psr FILE_OR_URL")


@data_app.command("psr-verify")
def psr_verify(
    source: str = typer.Argument(..., metavar="FILE_URL_OR_FOLDER", help="Another copy of General Note 11(o): a "
                                 "text/HTML/PDF file or URL, or a folder of page excerpts with an index.csv."),
    first_chapter: Optional[int] = typer.Option(None, "--first-chapter", help="Chapter the text starts in (a page "
                                                "excerpt that starts inside a chapter)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Compare the library's rules word for word with another copy of General Note 11(o) (developers).

    Each rule of the other text is compared with the library's rule of the same chapter and number:
    same, agrees-so-far (the other text is cut off), differs (first differing words shown), or
    not-in-library. Comparing with the official USITC text is how a rule is verified against it.
    """
    from usmca.origin.psr.library import load_chapter
    from usmca.origin.psr.sources import read_source
    from usmca.origin.psr.verify import STATUSES, verify_pages, verify_text

    library = {ch: found[1] for ch in range(1, 98) if (found := load_chapter(ch)) is not None}
    folder = Path(source)
    if folder.is_dir():
        if not (folder / "index.csv").is_file():
            raise UserInputError(source, "index.csv", None, "a folder of page excerpts needs an index.csv "
                                 "(page, file, url, kind, chapters)")
        findings = verify_pages(folder, library)
    else:
        findings = verify_text(read_source(source), library, first_chapter=first_chapter, source=source)
    counts = {st: sum(1 for f in findings if f["status"] == st) for st in STATUSES}
    by_level: dict[str, int] = {}
    for f in findings:
        key = f"{f['status']} / {f.get('verification', '-')}"
        by_level[key] = by_level.get(key, 0) + 1
    doc = {"source": source, "rules_compared": len(findings), "by_status": counts, "by_status_and_verification": by_level,
           "findings": findings}
    if json_out:
        emit_json(doc)
        return
    console.print(f"{len(findings)} rules of {source} compared with the library: "
                  + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for f in findings:
        if f["status"] in ("differs", "not-in-library"):
            detail = f" (library: '{f['ours']}' / other: '{f['theirs']}')" if f["status"] == "differs" else ""
            console.print(f"  {f['chapter']}-{f['rule']}: {f['status']}{detail}", highlight=False, markup=False)


@data_app.command("psr-rule")
def psr_rule(
    hs: str = typer.Argument(..., help="HS code of the good (e.g. 8402.90 or 8471300000)."),
    date: Optional[str] = typer.Option(None, "--date", help="Date the rule must be in force on (default today)."),
    between: Optional[str] = typer.Option(None, "--between", help="Trade between two countries, e.g. CA,US "
                                          "(party-specific rules such as 1517.10)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """The product-specific rule of a good, or a plain 'not encoded' (never a guessed rule)."""
    from usmca.hs import normalize
    from usmca.origin.psr import coverage
    from usmca.origin.psr.library import lookup

    try:
        found = lookup(hs, date, trade=between)
    except UserInputError as exc:
        if exc.source == "trade":
            raise UserInputError("--between", "", between, exc.reason) from None
        raise
    if found is None:
        ch = int(normalize(hs)[:2])
        table = coverage().set_index("chapter")
        if ch not in table.index:
            raise UserInputError("HS", "", hs, f"HS chapter {ch:02d} does not exist in the Harmonized System")
        row = table.loc[ch]
        doc = {"hs": hs, "encoded": False, "chapter": ch, "chapter_status": row["status"],
               "reason": f"no rule for {hs} is encoded (chapter {ch}: {row['status']}); build the full library "
                         "with: usmca data load psr FILE_OR_URL"}
        if json_out:
            emit_json(doc)
        else:
            console.print(doc["reason"])
        return
    if json_out:
        emit_json({"encoded": True, **found})
        return
    ref = found["reference"]
    console.print(f"[bold]{found['hs']}[/bold] ({ref.get('provision')}; {ref.get('url')})")
    for i, a in enumerate(found["alternatives"], 1):
        parts = [f"shift {a.get('shift')}"]
        if a.get("except"):
            parts.append("except " + ", ".join(a["except"]))
        if a.get("from_only"):
            parts.append("only from " + ", ".join(a["from_only"]))
        if a.get("rvc"):
            parts.append("RVC " + ", ".join(f"{k.upper()} {v}%" for k, v in a["rvc"].items()))
        if a.get("unsupported"):
            parts.append(f"[yellow]not evaluable: {a['unsupported']}[/yellow]")
        console.print(f"  {i}. " + "; ".join(parts))


@data_app.command("hs-nomenclature")
def hs_nomenclature(
    build: bool = typer.Option(False, "--build", help="Rebuild the HS6 list from the USITC HTS JSON exports."),
    hts_dir: Optional[Path] = typer.Option(None, "--hts-dir", help="Folder of HTS JSON exports "
                                           "(default: shared/data/us_tariffs/hts)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Where to write (default: the package data)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """The packaged HS nomenclature used to validate BOM codes (and its rebuild from the HTS)."""
    from usmca.origin.psr import nomenclature
    from usmca.origin.psr.nomenclature_build import build_nomenclature

    if build:
        src = hts_dir
        if src is None:
            from usmca.paths import shared_data_dir

            d = shared_data_dir()
            if d is None:
                raise UserInputError("--hts-dir", "", None, "no shared data folder found; give --hts-dir")
            src = d / "us_tariffs" / "hts"
        if not src.is_dir():
            raise UserInputError("--hts-dir", "", str(src), "no such folder")
        try:
            prov = build_nomenclature(src, out)
        except FileNotFoundError as exc:
            raise UserInputError("--hts-dir", "", str(src), str(exc)) from None
        for f in (nomenclature.edition, nomenclature.subheadings, nomenclature.headings, nomenclature._period):
            f.cache_clear()
    else:
        prov = nomenclature.edition()
    if json_out:
        emit_json(prov)
        return
    console.print(f"{prov['edition']} ({prov['in_force_from']} to {prov['in_force_until']}): "
                  f"{prov['hs6_subheadings']} subheadings from {len(prov['files'])} HTS files")
