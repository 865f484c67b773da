"""Fixtures shared by every test module."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@dataclass
class Outcome:
    """Exit status and captured streams of one toolbox invocation."""

    exit_code: int
    stdout: str
    stderr: str


def run_cli(args: list[str], input: str | bytes | None = None, env: dict | None = None) -> Outcome:
    """Run ``toolbox ARGS`` in-process through the real entry point and capture its streams."""
    from toolbox.cli import common
    from toolbox.cli.main import run

    saved = (common.settings.quiet, common.settings.verbose, common.settings.debug)
    runner = CliRunner()
    with runner.isolation(input=input, env=env) as streams:
        status = run([str(a) for a in args])
        sys.stdout.flush()
        sys.stderr.flush()
        stdout = streams[0].getvalue().decode("utf-8", "replace")
        stderr = streams[1].getvalue().decode("utf-8", "replace")
    common.settings.quiet, common.settings.verbose, common.settings.debug = saved
    return Outcome(status, stdout, stderr)


@pytest.fixture
def cli():
    """Return a function that runs ``toolbox`` in-process: ``cli(["balance", "H2 + O2 -> H2O"])``."""
    return run_cli


def toolbox_executable() -> str:
    """Path of the installed ``toolbox`` console script next to this interpreter."""
    candidate = Path(sys.executable).with_name("toolbox")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("toolbox")
    if found is None:
        pytest.fail("the toolbox console script is not installed; run 'pip install -e .[test]'")
    return found


@pytest.fixture
def toolbox_script():
    """Return a function that runs the installed ``toolbox`` script in a subprocess."""

    def run(args: list[str], input: bytes | str | None = None, **kwargs) -> subprocess.CompletedProcess:
        data = input.encode() if isinstance(input, str) else input
        return subprocess.run(
            [toolbox_executable(), *map(str, args)], input=data, capture_output=True,
            timeout=kwargs.pop("timeout", 300), **kwargs,
        )

    return run
