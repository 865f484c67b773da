"""Every subcommand reports a missing file, invalid gzip and empty input the same way."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Each command line reads its input from the final argument.
COMMANDS = {
    "balance": ["balance", "--input"],
    "hamming profile": ["hamming", "profile", "-p", "ACGT"],
    "hamming search": ["hamming", "search", "-k", "1", "-p", "ACGT"],
    "ssumm summarize": ["ssumm", "summarize", "--ratio", "0.5"],
    "ssumm evaluate": ["ssumm", "evaluate", str(FIXTURES / "ssumm" / "ego_facebook.txt")],
    "lintseq": ["lintseq"],
    "minilang translate": ["minilang", "translate"],
    "minilang stats": ["minilang", "stats"],
}


def _assert_one_line_error(result, *fragments):
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("toolbox: error: ")]
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", COMMANDS)
def test_missing_file(cli, tmp_path, name):
    missing = tmp_path / "missing.txt"
    result = cli([*COMMANDS[name], str(missing)])
    _assert_one_line_error(result, str(missing), "file not found")
    assert result.stdout == ""


@pytest.mark.parametrize("name", COMMANDS)
def test_truncated_gzip(cli, tmp_path, name):
    broken = tmp_path / "broken.gz"
    broken.write_bytes(gzip.compress(b"some text\n" * 1000)[:40])
    result = cli([*COMMANDS[name], str(broken)])
    _assert_one_line_error(result, str(broken), "invalid gzip data")


# The error message of each command for an input with nothing to work on.
EMPTY_INPUT_MESSAGES = {
    "balance": "no equations found",
    "hamming profile": "contains no sequence",
    "hamming search": "contains no sequence",
    "ssumm summarize": "has no edges",
    "ssumm evaluate": "summary",
    "lintseq": "standard input is empty",
    "minilang translate": "standard input is empty",
    "minilang stats": "standard input is empty",
}


@pytest.mark.parametrize("name", COMMANDS)
def test_empty_standard_input(cli, name):
    result = cli([*COMMANDS[name], "-"], input=b"")
    _assert_one_line_error(result, EMPTY_INPUT_MESSAGES[name])
