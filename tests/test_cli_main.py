"""Tests of the shared command-line conventions: help, version, errors, start-up cost."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from toolbox.cli.main import SUBCOMMAND_MODULES

ROOT = Path(__file__).resolve().parent.parent

HEAVY_MODULES = ("numpy", "scipy", "numba", "sympy", "pyfftw", "networkx")


def test_version(cli):
    result = cli(["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("toolbox ")


def test_help_lists_every_subcommand(cli):
    result = cli(["--help"])
    assert result.exit_code == 0
    for name in SUBCOMMAND_MODULES:
        assert f"  {name} " in result.stdout or f"  {name}\n" in result.stdout


def test_short_help_option(cli):
    assert cli(["-h"]).stdout == cli(["--help"]).stdout


def test_no_arguments_prints_help(cli):
    result = cli([])
    assert result.exit_code == 0
    assert "Usage: toolbox" in result.stdout


def test_unknown_option_is_one_line_usage_error(cli):
    result = cli(["--no-such-option"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "toolbox: error: No such option: --no-such-option (see 'toolbox --help')\n"


def test_unknown_command_is_usage_error(cli):
    result = cli(["frobnicate"])
    assert result.exit_code == 2
    assert result.stderr.startswith("toolbox: error: No such command 'frobnicate'")
    assert result.stderr.count("\n") == 1


def test_help_imports_no_heavy_module():
    # Render the help of the app and of every command and subcommand in a fresh
    # interpreter, then check which modules were imported along the way.
    script = textwrap.dedent(
        """
        import sys
        import typer
        import typer._click as click
        from toolbox.cli.main import build_app

        root = typer.main.get_command(build_app(None))
        context = click.Context(root, info_name="toolbox")
        root.get_help(context)
        stack = [(root, context)]
        while stack:
            group, group_context = stack.pop()
            for name in getattr(group, "list_commands", lambda c: [])(group_context):
                command = group.get_command(group_context, name)
                sub_context = click.Context(command, info_name=name, parent=group_context)
                command.get_help(sub_context)
                stack.append((command, sub_context))
        print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)))
        """
    ).replace("HEAVY", repr(set(HEAVY_MODULES)))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, cwd="/")
    assert result.stdout.strip() == ""


def test_installed_script_runs(toolbox_script):
    result = toolbox_script(["--version"])
    assert result.returncode == 0
    assert result.stdout.decode().startswith("toolbox ")
    assert result.stderr == b""


def test_installed_script_error_has_no_traceback(toolbox_script):
    result = toolbox_script(["--bogus"])
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert result.stderr.count(b"\n") == 1


def test_io_folder_does_not_shadow_stdlib():
    # From the repository root, the folder io/ is on sys.path; the standard
    # library module must still win, and toolbox.io must be the package.
    script = (
        "import io, json, toolbox.io.files as f; "
        "assert io.StringIO is not None and io.__name__ == 'io'; "
        "assert f.__name__ == 'toolbox.io.files'; "
        "print(io.__file__ if hasattr(io, '__file__') else 'frozen')"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert not result.stdout.strip().startswith(str(ROOT / "io"))


def test_completion_script_and_answer(toolbox_script):
    script = toolbox_script(["completion", "bash"])
    assert script.returncode == 0
    assert b"_TOOLBOX_COMPLETE" in script.stdout
    environment = {"_TOOLBOX_COMPLETE": "complete_bash", "COMP_WORDS": "toolbox comp",
                   "COMP_CWORD": "1", "PATH": "/usr/bin:/bin"}
    answer = toolbox_script([], env=environment)
    assert answer.returncode == 0
    assert b"completion" in answer.stdout


def test_completion_rejects_unknown_shell(cli):
    result = cli(["completion", "tcsh"])
    assert result.exit_code == 2
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in result.stderr


def test_interrupt_reports_status_130(cli, monkeypatch):
    from toolbox.algos.balance import solver

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(solver, "balance", interrupt)
    result = cli(["balance", "H2 + O2 -> H2O"])
    assert result.exit_code == 130
    assert result.stderr == "toolbox: error: interrupted\n"


def test_interrupt_exits_130_without_traceback():
    import signal
    import time


    executable = str(Path(sys.executable).with_name("toolbox"))
    # The command waits on standard input, which stays open until we interrupt it.
    process = subprocess.Popen([executable, "balance", "-"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert b"Traceback" not in stderr


def test_range_error_names_value(cli):
    result = cli(["balance", "--limit", "0", "H2 + O2 -> H2O"])
    assert result.exit_code == 2
    assert "greater than or equal to 1, got '0'" in result.stderr
    choice = cli(["balance", "--format", "xml", "H2 + O2 -> H2O"])
    assert choice.stderr.count("'xml'") == 1


def test_bare_subcommand_prints_help_and_fails(cli):
    result = cli(["balance"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Usage: toolbox balance" in result.stderr


def test_missing_option_value_names_subcommand(cli):
    result = cli(["balance", "H2 + O2 -> H2O", "--format"])
    assert result.exit_code == 2
    assert result.stderr == (
        "toolbox: error: Option '--format' requires an argument. (see 'toolbox balance --help')\n"
    )


def test_help_lists_commands_in_order_with_whole_summaries(cli):
    # The command list ends at the first blank line, before the epilog.
    listing = cli(["--help"]).stdout.split("Commands:\n")[1].split("\n\n")[0]
    names = [line.split()[0] for line in listing.splitlines() if not line.startswith("   ")]
    assert names == sorted(SUBCOMMAND_MODULES) + ["completion"]
    assert "..." not in listing
