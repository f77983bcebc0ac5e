"""Shared column helpers and time functions."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    """Naive UTC timestamp: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today() -> date:
    """Local (China Standard Time) calendar date; the registry's working day."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


class TimestampMixin:
    #: UTC, set on insert.
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    #: UTC, set on every update.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, nullable=False)
