"""Checks the package's records share."""
from __future__ import annotations

from ...domain.errors import DomainError


def clean_text(value: str | None, field: str, label: str, limit: int, required: bool = True) -> str:
    """The value with its runs of spaces collapsed; a Chinese message naming the field when it is
    missing (and required) or too long."""
    value = " ".join((value or "").split())
    if required and not value:
        raise DomainError(f"请填写{label}", field)
    if len(value) > limit:
        raise DomainError(f"{label}不能超过 {limit} 个字", field)
    return value
