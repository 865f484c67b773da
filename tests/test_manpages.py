"""The man pages in man/ match the command tree and render without warnings."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import typer
import typer._click as click
from typer.core import TyperGroup, TyperOption

from toolbox.cli.main import SUBCOMMAND_MODULES, build_app
from toolbox.cli.manpages import render_pages

MAN = Path(__file__).resolve().parent.parent / "man"
COMMANDS = (*SUBCOMMAND_MODULES, "completion")
PAGES = ["toolbox.1", *(f"toolbox-{name}.1" for name in COMMANDS)]


def test_committed_pages_are_up_to_date():
    expected = render_pages(MAN)
    assert sorted(expected) == sorted(PAGES)
    for name, text in expected.items():
        committed = (MAN / name).read_text(encoding="utf-8") if (MAN / name).exists() else ""
        assert committed == text, f"man/{name} is stale; run 'make man' and commit the result"


@pytest.mark.parametrize("page", PAGES)
def test_groff_reports_no_warning(page):
    if shutil.which("groff") is None:
        pytest.skip("groff is not installed (Debian package groff-base)")
    result = subprocess.run(["groff", "-man", "-ww", "-z", str(MAN / page)],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stderr == ""


@pytest.mark.parametrize("page", PAGES)
def test_man_renders_required_sections(page):
    if shutil.which("man") is None:
        pytest.skip("man is not installed (Debian package man-db)")
    environment = {**os.environ, "MANWIDTH": "80", "MAN_KEEP_FORMATTING": ""}
    result = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", str(MAN / page)],
                            capture_output=True, text=True, env=environment)
    assert result.returncode == 0
    assert result.stderr == ""
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "EXAMPLES"):
        assert f"\n{section}\n" in result.stdout, f"{page} lacks the {section} section"


def _option_names(command, context):
    names = set()
    for parameter in command.get_params(context):
        if isinstance(parameter, TyperOption):
            names.update(o for o in parameter.opts if o.startswith("--"))
    return names


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_documented(name):
    root = typer.main.get_command(build_app(None))
    root_context = click.Context(root, info_name="toolbox")
    command = root.get_command(root_context, name)
    context = click.Context(command, info_name=name, parent=root_context)
    page = (MAN / f"toolbox-{name}.1").read_text(encoding="utf-8").replace("\\-", "-")
    commands = [(command, context)]
    if isinstance(command, TyperGroup):
        for sub_name in command.list_commands(context):
            sub = command.get_command(context, sub_name)
            commands.append((sub, click.Context(sub, info_name=sub_name, parent=context)))
    for each, each_context in commands:
        for option in _option_names(each, each_context):
            assert option in page, f"{option} of {each.name} is missing from toolbox-{name}.1"
