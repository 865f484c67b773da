"""The ``toolbox completion`` command: print a shell completion script."""

from __future__ import annotations

from typing import Annotated, Literal

import typer


def completion(
    shell: Annotated[
        Literal["bash", "zsh", "fish"],
        typer.Argument(help="Shell to print the completion script for."),
    ],
) -> None:
    """Print the shell completion script for toolbox.

    Add the output to your shell's start-up file, for example:

    \b
        toolbox completion bash > ~/.local/share/bash-completion/completions/toolbox
        toolbox completion zsh > "${fpath[1]}/_toolbox"
        toolbox completion fish > ~/.config/fish/completions/toolbox.fish

    Completion runs toolbox on every Tab press with _TOOLBOX_COMPLETE set;
    toolbox imports no numerical library for that, so it answers quickly.
    """
    from typer._completion_shared import get_completion_script

    script = get_completion_script(prog_name="toolbox", complete_var="_TOOLBOX_COMPLETE", shell=shell)
    typer.echo(script)


def register(app: typer.Typer) -> None:
    app.command("completion")(completion)
