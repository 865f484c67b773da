"""Exception raised by the Hamming distance cores."""

from __future__ import annotations

__all__ = ["HammingError"]


class HammingError(ValueError):
    """Invalid text, pattern or parameter for a Hamming distance computation."""
