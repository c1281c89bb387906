"""``usmca tariffs``: the duty of an entry line (``duty``) and effective tariff rates (``etr``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.table import Table

from usmca.errors import UserInputError
from usmca.law import LawTree, Reform, default_tree
from usmca.law.countries import check_country

from .apps import tariffs_app
from .output import console, emit_json

if TYPE_CHECKING:  # pandas is imported on use: `usmca tariffs duty` starts without it (bench_startup.py)
    import pandas as pd


def _tree(reform: Optional[Path]) -> LawTree:
    tree = default_tree()
    return tree.with_reform(Reform.load(reform)) if reform else tree


@tariffs_app.command("duty")
def duty_cmd(
    ctx: typer.Context,
    hts: Optional[str] = typer.Option(None, "--hts", help="HTS code, 8 or 10 digits (dots optional)."),
    origin: Optional[str] = typer.Option(None, "--origin", help="Country of origin, ISO 3166-1 alpha-2."),
    date: Optional[str] = typer.Option(None, "--date", help="Date of entry, YYYY-MM-DD."),
    value: Optional[float] = typer.Option(None, "--value", help="Customs value in USD."),
    usmca: bool = typer.Option(False, "--usmca", help="Claim USMCA treatment (General Note 11)."),
    us_content: Optional[float] = typer.Option(None, "--us-content", help="US content as a fraction of value."),
    quantity: Optional[float] = typer.Option(None, "--quantity", help="Quantity in the specific-rate unit."),
    unit_value: Optional[float] = typer.Option(None, "--unit-value", help="USD per unit, for the ad valorem "
                                               "equivalent of a specific duty."),
    declare: Optional[list[str]] = typer.Option(None, "--declare", help="A chapter 99 heading the entry declares "
                                                "(repeatable), e.g. 9903.82.01 (no aluminum, steel or copper)."),
    reform: Optional[Path] = typer.Option(None, "--reform", help="A reform file (parameter diff)."),
    file: Optional[Path] = typer.Option(None, "--file", help="An entries file (CSV or Parquet; columns hts, origin, "
                                        "date, value[, usmca, us_content, quantity, unit_value, declare]): one duty per row."),
    out: Optional[Path] = typer.Option(None, "--out", help="With --file: the duties file (.csv or .parquet)."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="With --file: write bad rows to a rejects file "
                                  "instead of stopping."),
    rejects: Optional[Path] = typer.Option(None, "--rejects", help="With --skip-bad: the rejects file "
                                           "(default OUT.rejects.csv)."),
    components: bool = typer.Option(False, "--components", help="With --file: one duty column per measure."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Duty owed on one entry line: total rate, duty, one component per measure with its reference.

    With --file, the duty of every line of an entries file, written to --out (docs/duty-batch.md).
    """
    if file is not None:
        _duty_file(file, out, skip_bad, rejects, components, reform, json_out,
                   {"--hts": hts, "--origin": origin, "--date": date, "--value": value})
        return
    for option, given in (("--hts", hts), ("--origin", origin), ("--date", date), ("--value", value)):
        if given is None:  # a usage error, as when the option was required: one line naming command and option
            from usmca.cli import _cx  # the click typer runs on (typer >= 0.29 vendors it)

            raise _cx.UsageError(f"Missing option '{option}' (or give an entries file with --file).", ctx=ctx)
    assert hts is not None and origin is not None and value is not None
    from usmca.tariffs import duty

    res = duty(hts, origin, date, value, usmca_claim=usmca, us_content=us_content, quantity=quantity,
               unit_value=unit_value, tree=_tree(reform), declared=declare)
    if json_out:
        emit_json(res.to_dict())
        return
    t = Table(title=f"{res.hts} from {res.origin} on {res.date} — HTS {res.schedule['revision']}")
    for col in ("measure", "rate %", "base USD", "duty USD", "reference"):
        t.add_column(col)
    for c in res.components:
        ref = c.reference
        t.add_row(c.measure, f"{c.rate:g}", f"{c.base:,.2f}", f"{c.duty:,.2f}",
                  f"{ref.get('instrument', '')}, {ref.get('provision', '')}")
    t.add_row("total", f"{res.total_rate:.4g}", f"{res.value:,.2f}", f"{res.total_duty:,.2f}", "")
    console.print(t)
    console.print(f"data: HTS {res.schedule['revision']} from {res.schedule['source']}", soft_wrap=True)
    if res.declarable:
        console.print(f"declarable on this line (--declare): {', '.join(res.declarable)}"   # wrapped at spaces
                      + (f"; declared: {', '.join(res.declared)}" if res.declared else ""))
    for w in res.warnings:
        console.print(f"[yellow]note:[/yellow] {w}")


def _duty_file(file: Path, out: Optional[Path], skip_bad: bool, rejects: Optional[Path], components: bool,
               reform: Optional[Path], json_out: bool, single: dict[str, object]) -> None:
    """``tariffs duty --file``: :func:`usmca.tariffs.duty_batch_io.duty_file`, and a one-line summary."""
    from usmca.tariffs.duty_batch_io import duty_file

    for option, given in single.items():
        if given is not None:
            raise UserInputError(option, "", given, "give either one line (--hts ...) or --file, not both")
    if out is None:
        raise UserInputError("--out", "", None, "required with --file (a .csv or .parquet file)")
    if rejects is not None and not skip_bad:
        raise UserInputError("--rejects", "", str(rejects), "only with --skip-bad")
    summary = duty_file(file, out, skip_bad=skip_bad, rejects=rejects, components=components, tree=_tree(reform))
    if json_out:
        emit_json(summary)
        return
    console.print(f"{summary['written']:,} of {summary['rows']:,} lines -> {summary['out']}"
                  + (f"; {summary['rejected']:,} rejected -> {summary['rejects']}" if skip_bad else ""), soft_wrap=True)


def _month(value: str, option: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value.strip()):
        raise UserInputError(option, "", value, "a month is YYYY-MM")
    return value.strip()


@tariffs_app.command("etr")
def etr_cmd(
    partner: Optional[str] = typer.Option(None, "--partner", help="Partner, ISO alpha-2 (default all in the flows)."),
    start: str = typer.Option("2025-01", "--from", help="First month, YYYY-MM."),
    end: str = typer.Option("2025-12", "--to", help="Last month, YYYY-MM."),
    by: str = typer.Option("partner,month", "--by", help="Grouping: partner, month, year, hs2, section, gtap."),
    flows: Optional[Path] = typer.Option(None, "--flows", help="A flow CSV (hts10,partner,month,value,usmca_value); "
                                                                "default: the store, else the shared DataWeb files."),
    us_content: float = typer.Option(0.0, "--us-content", help="US content share assumed for USMCA vehicles."),
    components: bool = typer.Option(False, "--components", help="Add one duty column per measure."),
    reform: Optional[Path] = typer.Option(None, "--reform", help="A reform file (parameter diff)."),
    convention: str = typer.Option("project", "--convention", help="Weights and claim shares: project (same-month "
                                   "flows, claims at entry) or budget-lab (2024 weights, H2-2025 claim shares)."),
    engine: str = typer.Option("auto", "--engine", help="memory (pandas; a CSV of at most 64 MiB), duckdb (streams "
                               "a --flows CSV or Parquet file of any size through DuckDB), or auto (duckdb for Parquet)."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """Statutory effective tariff rates (duty / customs value, USMCA-claimed share exempt)."""
    from usmca.tariffs.conventions import budget_lab_flows, check_convention
    from usmca.tariffs.etr import effective_rates

    conv = check_convention(convention)
    a, b = _month(start, "--from"), _month(end, "--to")
    if a > b:
        raise UserInputError("--from", "", start, f"after --to {end}")
    if not 0.0 <= us_content <= 1.0:
        raise UserInputError("--us-content", "", us_content, "a fraction between 0 and 1")
    cc = check_country(partner, "--partner") if partner else None
    groups = tuple(x.strip() for x in by.split(",") if x.strip())
    if _streamed(engine, flows, conv, components):
        assert flows is not None
        _etr_streamed(flows, cc, a, b, groups, conv, us_content, reform, json_out)
        return
    frame, source = _flows(flows, cc, a, b)
    if frame.empty:
        raise UserInputError("--partner" if cc else "--from", "", cc or start,
                             f"no flows for {cc or 'any partner'} in {a}..{b} ({source['source']})")
    if conv == "budget-lab":
        base, _ = _flows(flows, cc, "2025-01", "2025-12")
        frame = budget_lab_flows(base, sorted(frame["month"].astype(str).unique()), [cc] if cc else None)
        source = {**source, "convention": "budget-lab: 2024 GTAP-sector weights, H2-2025 mean claim shares"}
    out = effective_rates(frame, by=groups, tree=_tree(reform), us_content=us_content, components=components)
    total = effective_rates(frame, by=tuple(g for g in groups if g == "partner"), tree=_tree(reform), us_content=us_content)
    from usmca.tariffs.schedule import load_schedule

    _print_etr(out, total, source, {"flows": source, "schedule": load_schedule().data_source},
               (a, b, cc, groups, conv, us_content), json_out)


def _streamed(engine: str, flows: Optional[Path], conv: str, components: bool) -> bool:
    """Whether ``tariffs etr`` streams the flow file through DuckDB (see ``--engine``)."""
    if engine not in ("auto", "memory", "duckdb"):
        raise UserInputError("--engine", "", engine, "one of auto, memory, duckdb")
    if engine == "memory":
        return False
    if engine == "duckdb" and (flows is None or conv != "project" or components):
        why = ("needs --flows FILE" if flows is None else
               "computes the project convention only" if conv != "project" else "has no --components")
        raise UserInputError("--engine", "", engine, why)
    if flows is None or conv != "project" or components:
        return False
    if engine == "duckdb" or flows.suffix.lower() == ".parquet":
        return True
    from usmca.limits import MAX_TABLE_BYTES

    if flows.is_file() and flows.stat().st_size > MAX_TABLE_BYTES:
        raise UserInputError(str(flows), "", f"{flows.stat().st_size:,} bytes",
                             f"the in-memory engine reads a CSV of at most {MAX_TABLE_BYTES:,} bytes; "
                             "--engine duckdb streams a file of any size")
    return False


def _etr_streamed(flows: Path, cc: Optional[str], a: str, b: str, groups: tuple[str, ...], conv: str,
                  us_content: float, reform: Optional[Path], json_out: bool) -> None:
    """``tariffs etr --flows FILE`` through :func:`usmca.tariffs.etr_duckdb.effective_rates_file`."""
    from usmca.tariffs.etr_duckdb import effective_rates_file
    from usmca.tariffs.schedule import load_schedule

    out = effective_rates_file(flows, by=groups, tree=_tree(reform), us_content=us_content, month_range=(a, b),
                               partner=cc)
    keys = [g for g in groups if g == "partner"]
    sums = out.groupby(keys, sort=True)[["value", "usmca_value", "duty"]].sum().reset_index() if keys else \
        out[["value", "usmca_value", "duty"]].sum().to_frame().T
    sums["usmca_share"] = 100.0 * sums["usmca_value"] / sums["value"].where(sums["value"] > 0)
    sums["etr"] = 100.0 * sums["duty"] / sums["value"].where(sums["value"] > 0)
    months = sorted(out["month"].astype(str).unique()) if "month" in out else [a, b]
    source = {"kind": "file", "source": flows.name, "months": [months[0], months[-1]] if months else [],
              "engine": "duckdb (streamed)"}
    _print_etr(out, sums, source, {"flows": source, "schedule": load_schedule().data_source},
               (a, b, cc, groups, conv, us_content), json_out)


def _print_etr(out: pd.DataFrame, total: pd.DataFrame, source: dict, data_source: dict,
               asked: tuple[str, str, Optional[str], tuple[str, ...], str, float], json_out: bool) -> None:
    """The ETR table (or one JSON document) with its data line."""
    from usmca.data.package import data_line

    a, b, cc, groups, conv, us_content = asked
    doc = {"basis": "statutory", "convention": conv, "flows": source["source"], "data_source": data_source,
           "from": a, "to": b, "partner": cc, "by": list(groups),
           "us_content_assumed": us_content, "rows": out.to_dict(orient="records"),
           "total": total.to_dict(orient="records")}
    if json_out:
        emit_json(doc)
        return
    t = Table(title=f"Statutory effective tariff rate, {a}..{b}, {conv} convention")
    for col in (*groups, "value $bn", "USMCA %", "duty $bn", "ETR %"):
        t.add_column(col)
    for r in out.to_dict(orient="records"):
        t.add_row(*(str(r[g]) for g in groups), f"{r['value'] / 1e9:,.2f}", f"{r['usmca_share']:.1f}",
                  f"{r['duty'] / 1e9:,.3f}", f"{r['etr']:.2f}")
    console.print(t)
    console.print(data_line(source, data_source["schedule"]), soft_wrap=True)


def _flows(path: Optional[Path], partner: Optional[str], a: str, b: str) -> tuple[pd.DataFrame, dict]:
    """Flows and their data source (``kind``, ``source``, ``months``): --flows, the store, else the
    observed flows (``$USMCA_SHARED_DATA``, else the package; :func:`usmca.data.package.observed_flows`)."""
    from usmca.data.loaders.flows import load_flows, read_flow_csv, shared_flows
    from usmca.data.package import observed_flows
    from usmca.data.store import connect, store_path
    from usmca.tariffs.schedule import store_has_table

    def months(df: pd.DataFrame) -> list[str]:
        return [str(df["month"].min()), str(df["month"].max())] if len(df) else []

    if path is not None:
        df = read_flow_csv(path)
        mask = (df["month"] >= a) & (df["month"] <= b)
        if partner:
            mask &= df["partner"] == partner
        df = df[mask].reset_index(drop=True)
        return df, {"kind": "file", "source": path.name, "months": months(df)}
    if store_has_table(None, "flows"):
        with connect(read_only=True) as con:
            df = load_flows(con, partner, a, b)
        if df is not None:
            return df, {"kind": "store", "source": f"store:{store_path().name}", "months": months(df)}
    df = shared_flows(partner, a, b)
    return df, {**observed_flows()[1], "months": months(df)}



@tariffs_app.command("etr-conventions")
def etr_conventions_cmd(
    start: str = typer.Option("2025-01", "--from", help="First month, YYYY-MM."),
    end: str = typer.Option("2026-02", "--to", help="Last month, YYYY-MM."),
    flows: Optional[Path] = typer.Option(None, "--flows", help="A flow CSV (default: the store, else the shared files)."),
    markdown: bool = typer.Option(False, "--markdown", help="Print the tables of docs/etr.md section 5."),
    write_doc: Optional[Path] = typer.Option(None, "--write-doc", help="Rewrite the generated block of this "
                                             "document (docs/etr.md) with the tables."),
    json_out: bool = typer.Option(False, "--json", help="Write one JSON document."),
) -> None:
    """The project and Budget Lab ETR conventions side by side, by partner, month and measure (pp)."""
    from usmca.tariffs.compare import BEGIN, END, convention_table, document, replace_block

    a, b = _month(start, "--from"), _month(end, "--to")
    if a > b:
        raise UserInputError("--from", "", start, f"after --to {end}")
    text = None
    if write_doc is not None:  # checked before any work: the document must carry the generated block
        text = write_doc.read_text(encoding="utf-8") if write_doc.is_file() else ""
        if BEGIN not in text or END not in text:
            raise UserInputError(str(write_doc), "", None, f"no generated block ({BEGIN.strip()} ... {END})")
    frame, source = _flows(flows, None, a, b)
    if frame.empty:
        raise UserInputError("--from", "", start, f"no flows in {a}..{b} ({source['source']})")
    base, _ = _flows(flows, None, "2025-01", "2025-12")
    table = convention_table(frame, base)
    if json_out:
        emit_json({"flows": source, "from": a, "to": b, "rows": table.to_dict(orient="records")})
        return
    block = document(table, [p for p in ("MX", "CA") if p in set(table["partner"])])
    if write_doc is not None and text is not None:
        text = replace_block(text, block)
        from usmca.tariffs import etr_doc

        if etr_doc.BEGIN in text and etr_doc.END in text:   # section 2, the year month by month
            text = replace_block(text, etr_doc.monthly_block(base), etr_doc.BEGIN, etr_doc.END)
        write_doc.write_text(text, encoding="utf-8")
        return
    if markdown:
        typer.echo(block, nl=False)
        return
    t = Table(title=f"ETR conventions, {a}..{b} ({source['source']})")
    for col in ("partner", "month", "project %", "budget-lab %", "difference pp"):
        t.add_column(col)
    tot = table.groupby(["partner", "month"])[["project", "budget_lab", "difference"]].sum().reset_index()
    for r in tot.to_dict(orient="records"):
        t.add_row(r["partner"], r["month"], f"{r['project']:.2f}", f"{r['budget_lab']:.2f}", f"{r['difference']:+.2f}")
    console.print(t)
