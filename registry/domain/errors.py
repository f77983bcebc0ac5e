"""Domain errors carry a Chinese message for the user and, where known, the field at fault."""
from __future__ import annotations


class DomainError(Exception):
    """A rule was broken; ``message`` is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The record does not exist (or the user may not know it exists)."""
