"""Exceptions for malformed or unreadable input."""

from __future__ import annotations

__all__ = ["InputError", "SkipCounter"]


class InputError(ValueError):
    """Malformed, missing or unreadable input, located by file and line where known.

    ``str(error)`` is a complete one-line message that starts with ``FILE:LINE:``
    when the location is known.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        self.reason = message
        location = ""
        if path is not None:
            location = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(location + message)


class SkipCounter:
    """Count of skipped input records, with the first few reasons kept for the report."""

    def __init__(self, keep: int = 5):
        self.count = 0
        self.examples: list[str] = []
        self._keep = keep

    def add(self, error: InputError | str) -> None:
        self.count += 1
        if len(self.examples) < self._keep:
            self.examples.append(str(error))

    def summary(self, what: str = "line") -> str:
        """Return a one-line report such as ``skipped 3 malformed lines (first: ...)``."""
        plural = what if self.count == 1 else what + "s"
        text = f"skipped {self.count} malformed {plural}"
        if self.examples:
            text += f" (first: {self.examples[0]})"
        return text

    def __bool__(self) -> bool:
        return self.count > 0
