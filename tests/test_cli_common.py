"""Tests of the diagnostics helpers in toolbox.cli.common and the help rendering mode."""

from __future__ import annotations

import pytest

from toolbox.cli import common
from toolbox.cli.main import _markup_mode


@pytest.fixture(autouse=True)
def _restore_settings():
    saved = (common.settings.quiet, common.settings.verbose)
    yield
    common.settings.quiet, common.settings.verbose = saved


def test_notes_hidden_by_quiet(capsys):
    common.configure(quiet=True)
    common.info("hidden")
    common.warn("shown")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "toolbox: warning: shown\n"


def test_debug_lines_need_verbose(capsys):
    common.configure(verbose=0)
    common.debug("hidden")
    common.configure(verbose=1)
    common.debug("method: fft")
    assert capsys.readouterr().err == "toolbox: info: method: fft\n"


def test_quiet_and_verbose_conflict():
    with pytest.raises(common.CliError, match="--quiet and --verbose cannot be combined"):
        common.configure(quiet=True, verbose=1)


def test_progress_is_silent_off_terminal(capsys):
    with common.progress("working", total=3) as bar:
        bar.advance()
        bar.update(total=5)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_help_is_plain_under_no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert _markup_mode() is None


def test_help_is_plain_off_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert _markup_mode() is None  # pytest captures stdout, so it is not a terminal


def test_threads_from_environment(monkeypatch):
    pytest.importorskip("numba")
    monkeypatch.setenv("TOOLBOX_THREADS", "1")
    assert common.apply_threads(None) == 1


def test_threads_environment_must_be_a_number(monkeypatch):
    pytest.importorskip("numba")
    monkeypatch.setenv("TOOLBOX_THREADS", "many")
    with pytest.raises(common.CliError, match="TOOLBOX_THREADS='many' is not a whole number"):
        common.apply_threads(None)
