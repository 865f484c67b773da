"""Command-line interface of toolbox: one Typer application with a subcommand per core."""
