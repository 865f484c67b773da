"""Entry point of the ``toolbox`` command.

Each subcommand lives in its own module ``toolbox.cli.<name>`` that defines
``register(app)``. Those modules import only typer and the standard library at
module level. The algorithm cores, and with them numpy, scipy, numba, sympy and
pyfftw, are imported inside the command bodies, so ``--help`` starts fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from toolbox.cli import common

# Modules under toolbox.cli that each add one subcommand (or group) to the app.
SUBCOMMAND_MODULES: tuple[str, ...] = ("hamming", "balance", "ssumm", "minilang", "lintseq")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("toolbox")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"toolbox {_version()}")
        raise typer.Exit()


def _markup_mode() -> str | None:
    # Rich help panels on a terminal; plain text in pipes, tests and man-page generation.
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return None
    try:
        return "rich" if sys.stdout.isatty() else None
    except (AttributeError, ValueError):
        return None


def build_app(markup_mode: str | None = None) -> typer.Typer:
    """Build the Typer application with every subcommand registered."""
    app = typer.Typer(
        name="toolbox",
        epilog="Run 'toolbox COMMAND --help' for a command's options, or 'man toolbox-COMMAND'.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=markup_mode,  # type: ignore[arg-type]
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def root(
        version: Annotated[
            bool,
            typer.Option("--version", callback=_print_version, is_eager=True,
                         help="Print the version and exit."),
        ] = False,
        debug: Annotated[
            bool,
            typer.Option("--debug", help="Show the Python traceback of an unexpected error "
                         "(also set by TOOLBOX_DEBUG=1)."),
        ] = False,
    ) -> None:
        """Command-line algorithm toolbox: each subcommand wraps one algorithm from a recent paper.

        Inputs are files or '-' for standard input; results go to standard output
        or -o FILE, and every message goes to standard error.
        """
        if debug:
            common.settings.debug = True

    for module_name in (*SUBCOMMAND_MODULES, "completion"):
        module = importlib.import_module(f"toolbox.cli.{module_name}")
        module.register(app)
    return app


def _first_sentence(text: str) -> str:
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    end = paragraph.find(". ")
    return (paragraph[:end] if end >= 0 else paragraph).rstrip(".")


def _finish_listing(group: Any) -> None:
    # Click cuts a command's summary at about 45 characters in the command
    # list; a short_help of one full sentence is shown whole instead.
    for command in group.commands.values():
        if not command.short_help and command.help:
            command.short_help = _first_sentence(command.help)
        if hasattr(command, "commands"):
            _finish_listing(command)


def build_command(markup_mode: str | None = None) -> Any:
    """Return the Click command tree of the app, algorithms by name and `completion` last."""
    root = typer.main.get_command(build_app(markup_mode))
    names = sorted(name for name in root.commands if name != "completion")
    root.commands = {name: root.commands[name] for name in [*names, "completion"]}
    _finish_listing(root)
    return root


def _silence_stdout() -> None:
    # The reader of our output has gone (for example `toolbox ... | head -1`).
    # Point stdout at /dev/null so the interpreter's final flush cannot fail again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _rejected_input(error: Exception) -> object | None:
    """Return the value that pydantic rejected behind a Typer usage error, if any."""
    details = getattr(error.__cause__, "errors", None)
    if not callable(details):
        return None
    try:
        first = details()[0]
    except (IndexError, TypeError):
        return None
    return first.get("input") if isinstance(first, dict) else None


def _command_path(root: Any, argv: Sequence[str]) -> str:
    """Return the path of the (sub)command that ``argv`` names, such as ``toolbox balance``."""
    path = ["toolbox"]
    group = root
    for token in argv:
        commands = getattr(group, "commands", None)
        if not commands or token not in commands:
            if token.startswith("-"):
                continue
            break
        path.append(token)
        group = commands[token]
    return " ".join(path)


def _format_usage_error(error: Exception, root: Any = None, argv: Sequence[str] = ()) -> str:
    message = error.format_message() if hasattr(error, "format_message") else str(error)
    # Typer validates Literal choices with pydantic, whose messages carry this prefix.
    message = " ".join(message.split()).replace("Value error, ", "")
    rejected = _rejected_input(error)
    # Range and type errors do not name the value, but choice errors already do.
    if isinstance(rejected, str) and repr(rejected) not in message:
        message += f", got {rejected!r}"
    context = getattr(error, "ctx", None)
    if context is not None:
        command = context.command_path
    else:
        # Errors raised while parsing options carry no context; find the command from argv.
        command = _command_path(root, argv) if root is not None else "toolbox"
    return f"{message} (see '{command} --help')"


def run(args: Sequence[str] | None = None) -> int:
    """Run the command line ``args`` and return the exit status."""
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    from toolbox.io.errors import InputError

    argv = list(sys.argv[1:] if args is None else args)
    if os.environ.get("_TOOLBOX_COMPLETE"):
        # A shell is asking for completions (see `toolbox completion`); Typer
        # registers its bash, zsh and fish handlers only on request.
        from typer._completion_classes import completion_init

        completion_init()
    try:
        command = build_command(_markup_mode())
        result = command.main(argv, prog_name="toolbox", standalone_mode=False)
        sys.stdout.flush()
        if result == common.EXIT_INTERRUPTED:
            # Typer turns a KeyboardInterrupt inside a command into this status, silently.
            _report_error("interrupted")
        return result if isinstance(result, int) else common.EXIT_OK
    except NoArgsIsHelpError as error:
        # Bare `toolbox` is a request for help; a bare subcommand is missing its input.
        is_root = error.ctx is None or error.ctx.parent is None
        typer.echo(error.ctx.get_help() if error.ctx else "", err=not is_root)
        return common.EXIT_OK if is_root else common.EXIT_USAGE
    except UsageError as error:
        _report_error(_format_usage_error(error, command, argv))
        return common.EXIT_USAGE
    except ClickException as error:
        _report_error(" ".join(error.format_message().split()))
        return error.exit_code
    except common.CliError as error:
        _report_error(str(error))
        return error.exit_code
    except InputError as error:
        _report_error(str(error))
        return common.EXIT_USAGE
    except BrokenPipeError:
        _silence_stdout()
        return common.EXIT_OK
    except SystemExit as exit_request:
        # Typer turns a broken pipe inside a command into exit status 1 after
        # wrapping stdout. A closed reader is not our failure, so exit 0.
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            _silence_stdout()
            return common.EXIT_OK
        raise exit_request
    except KeyboardInterrupt:
        _report_error("interrupted")
        return common.EXIT_INTERRUPTED
    except MemoryError:
        _report_error("out of memory; use a smaller input or block size")
        return common.EXIT_NO_RESULT
    except Exception as error:  # every unexpected failure still ends in one line
        if common.settings.debug:
            raise
        _report_error(
            f"internal error: {type(error).__name__}: {error} "
            "(rerun with --debug for the traceback, and please report it)"
        )
        return common.EXIT_NO_RESULT


def _report_error(message: str) -> None:
    try:
        sys.stderr.write(f"{common.PROG}: error: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def main() -> None:
    """Console-script entry point: run, then exit with the status."""
    try:
        status = run()
    except KeyboardInterrupt:
        status = common.EXIT_INTERRUPTED
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    sys.exit(status)


if __name__ == "__main__":
    main()
