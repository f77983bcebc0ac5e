"""Shared column helpers and time functions."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    """Naive UTC timestamp: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


#: The registry's time zone (China Standard Time).
REGISTRY_ZONE = ZoneInfo("Asia/Shanghai")


def local_time(stored: datetime) -> datetime:
    """A stored (naive UTC) timestamp in China Standard Time, as pages show it."""
    return stored.replace(tzinfo=timezone.utc).astimezone(REGISTRY_ZONE).replace(tzinfo=None)


def today() -> date:
    """Local (China Standard Time) calendar date; the registry's working day."""
    return datetime.now(REGISTRY_ZONE).date()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # not reached


def plain_number(value: Decimal | int | float | None) -> str:
    """A number as people write it (hours, scores): 354 for 354.0, 12.5 for 12.50; '' for none recorded."""
    if value is None:
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        return str(value)
    return format(number.normalize(), "f") if number else "0"


class TimestampMixin:
    #: UTC, set on insert.
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, info={"label": "创建时间"})
    #: UTC, set on every update.
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, nullable=False,
                                                 info={"label": "更新时间"})
