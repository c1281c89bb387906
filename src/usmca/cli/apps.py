"""The command groups of ``usmca``; each group's commands live in their own module."""

from __future__ import annotations

import typer

from .output import show_version

app = typer.Typer(
    name="usmca",
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


law_app = typer.Typer(help="The law as dated, cited parameters; reforms as parameter diffs.", no_args_is_help=True)
origin_app = typer.Typer(help="Rules of origin: qualify bills of materials, certificates.", no_args_is_help=True)
tariffs_app = typer.Typer(help="Duties of entry lines and effective tariff rates.", no_args_is_help=True)
ge_app = typer.Typer(help="General-equilibrium trade models: replications and counterfactuals.", no_args_is_help=True)
data_app = typer.Typer(help="Load official data into the store; build the embedded baseline.", no_args_is_help=True)

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
