"""Exceptions raised by the LintSeq core."""

from __future__ import annotations

__all__ = ["LintSeqError", "LinterUnavailableError", "RecordError"]


class LintSeqError(ValueError):
    """Base class of every LintSeq failure."""


class RecordError(LintSeqError):
    """One program cannot be turned into an edit sequence; the message says why."""


class LinterUnavailableError(LintSeqError):
    """The chosen external linter is not installed or does not run."""
