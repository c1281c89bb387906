"""The command groups of ``usmca``; each group's commands live in their own module, imported lazily.

Start-up time is why the modules are imported only when their group runs: importing every command
module (and through them numpy, pandas, duckdb, fastapi, ...) made every command, ``usmca --help``
included, take 2-3 s of wall time on the 2-core development machine (2026-12-04:
``python -X importtime -c "import usmca.cli"`` 2.1 s, of which pandas 1.0 s, the law tree 0.5 s,
typer 0.3 s). :class:`LazyGroup` lists the groups from :data:`COMMAND_MODULES` and imports a
group's modules when the command line names it; ``benchmarks/bench_startup.py`` measures the result.

A new command module is added to :data:`COMMAND_MODULES` under the group it registers on.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

__all__ = ["app", "law_app", "origin_app", "tariffs_app", "ge_app", "data_app", "data_load_app",
           "data_download_app", "COMMAND_MODULES", "LazyGroup"]

#: Top-level name -> (modules of ``usmca.cli`` that register its commands, one-line help for ``usmca --help``).
COMMAND_MODULES: dict[str, tuple[tuple[str, ...], str]] = {
    "review": (("review",), "Run the 2026-review scenario library on the embedded 2024 baseline; write "
                            "out/briefing.html."),
    "serve": (("serve",), "Serve the API (/law, /origin, /tariffs, /review, /spec) and the dashboard at /."),
    "law": (("law",), "The law as dated, cited parameters; reforms as parameter diffs."),
    "origin": (("origin", "origin_certificate", "origin_spreadsheet", "origin_certs"),
               "Rules of origin: qualify bills of materials, certificates."),
    "tariffs": (("tariffs",), "Duties of entry lines and effective tariff rates."),
    "ge": (("ge", "ge_gravity", "ge_sweep"), "General-equilibrium trade models: replications and counterfactuals."),
    "data": (("data_psr", "data_hts", "data_trade", "data_baseline", "data_package"),
             "Load official data into the store; build the embedded baseline and the package data."),
}


def quiet_flag_types() -> None:
    """Help texts: a boolean flag (``--json``) shows no ``<bool>`` type; other options keep theirs.

    typer >= 0.20 prints every option's Python type in the help panel; for an on/off flag it is
    noise. This wraps :meth:`typer.core.TyperOption.display_type_rich` once, at import of the CLI
    (here, not in :mod:`usmca.cli.output`, so that ``usmca --help`` does not import rich's
    progress bars: start-up time).
    """
    from typer.core import TyperOption

    original = TyperOption.display_type_rich
    if getattr(original, "_usmca_quiet", False):
        return

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        return None if getattr(self, "is_flag", False) and self.metavar is None else original(self, ctx)

    display_type_rich._usmca_quiet = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


quiet_flag_types()


def show_version(value: bool) -> None:
    """The ``--version`` callback: print ``usmca <version>`` and exit 0."""
    if not value:
        return
    import sys
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("usmca")
    except PackageNotFoundError:  # a source checkout that was not installed
        v = "unknown (not installed)"
    sys.stdout.write(f"usmca {v}\n")
    raise typer.Exit(0)


class LazyGroup(TyperGroup):
    """The root group: lists :data:`COMMAND_MODULES` and imports a group's modules on first use.

    ``usmca --help`` shows the one-line helps of :data:`COMMAND_MODULES` without importing any
    command module; ``usmca NAME ...`` imports NAME's modules, then converts the typer app that
    they registered on into its click command.
    """

    _listing = False
    _loaded: set[str] = set()   # names whose modules were imported (shared by every build of the root)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(dict.fromkeys([*COMMAND_MODULES, *self.commands]))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMAND_MODULES:
            return self.commands.get(cmd_name)
        modules, short = COMMAND_MODULES[cmd_name]
        if self._listing:  # help listing: a placeholder that carries the help line only
            return typer.core.TyperCommand(name=cmd_name, help=short, short_help=short)
        if cmd_name not in LazyGroup._loaded or cmd_name not in self.commands:
            for m in modules:
                importlib.import_module(f"usmca.cli.{m}")
            built = typer.main.get_command(app)
            self.commands[cmd_name] = built.commands[cmd_name]  # type: ignore[attr-defined]
            LazyGroup._loaded.add(cmd_name)
        return self.commands[cmd_name]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False



app = typer.Typer(
    name="usmca",
    cls=LazyGroup,
    help="USMCA / T-MEC / CUSMA as code: origin, duties and general-equilibrium scenarios.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
@app.callback()
def _root(version: bool = typer.Option(False, "--version", help="Show the version and exit.", is_eager=True,
                                       callback=show_version)
          ) -> None:
    pass


law_app = typer.Typer(help=COMMAND_MODULES["law"][1], no_args_is_help=True)
origin_app = typer.Typer(help=COMMAND_MODULES["origin"][1], no_args_is_help=True)
tariffs_app = typer.Typer(help=COMMAND_MODULES["tariffs"][1], no_args_is_help=True)
ge_app = typer.Typer(help=COMMAND_MODULES["ge"][1], no_args_is_help=True)
data_app = typer.Typer(help=COMMAND_MODULES["data"][1], no_args_is_help=True)

app.add_typer(law_app, name="law")
app.add_typer(origin_app, name="origin")
app.add_typer(tariffs_app, name="tariffs")
app.add_typer(ge_app, name="ge")
app.add_typer(data_app, name="data")

data_load_app = typer.Typer(help="Load official data (PSR text, HTS, trade flows) into the user's store.",
                            no_args_is_help=True)
data_download_app = typer.Typer(help="Download official releases (uses the network; only when asked).",
                                no_args_is_help=True)
data_app.add_typer(data_load_app, name="load")
data_app.add_typer(data_download_app, name="download")
