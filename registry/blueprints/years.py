"""The year a page is about (``?year=``), written once for every page: the years pages accept, the
Chinese message for one they do not, the years a page may link to, and a year selector's options.

Every page that takes ``?year=`` accepts the same years (``FIRST_YEAR``–``LAST_YEAR``; a page may
stop earlier, e.g. reports that cannot be about the far future), so a link one page makes to
another's year opens; a year outside them answers 400 with the message, never a different year.
"""
from __future__ import annotations

from datetime import date

from flask import abort, request

from ..domain.common import today

FIRST_YEAR, LAST_YEAR = 2000, 2100


def accepted(year: int, last: int = LAST_YEAR) -> bool:
    return FIRST_YEAR <= year <= last


def _parse(raw: str | None, last: int) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not accepted(int(raw), last):  # "²".isdigit() is true
        abort(400, description=f"参数「year」须为 {FIRST_YEAR} 至 {last} 之间的年份")
    return int(raw)


def page_year(last: int = LAST_YEAR) -> int:
    """The year the page shows: ``?year=``, or this year when none is asked for."""
    year = _parse(request.args.get("year"), last)
    return today().year if year is None else year


def year_filter(raw: str | None = None, last: int = LAST_YEAR) -> int | None:
    """A list's year filter: ``raw`` (by default ``?year=``), or None when none is asked for."""
    return _parse(request.args.get("year") if raw is None else raw, last)


def recent_years(year: int, count: int) -> list[int]:
    """``year`` and the years before it, ``count`` in all, newest first, leaving out any a page would
    not accept (so a link to each opens)."""
    return [y for y in range(year, year - count, -1) if accepted(y)]


def year_options(year: int | None = None, back: int = 4, ahead: int = 1, on: date | None = None) -> list[int]:
    """A year selector's options, newest first: from ``ahead`` years after this one back to ``back``
    years before it, and the page's own ``year`` wherever it lies, so that the selector always shows
    the year the page is about (a template global too)."""
    this = (on or today()).year
    years = set(range(this - back, this + ahead + 1))
    if year is not None:
        years.add(year)
    return sorted((y for y in years if accepted(y)), reverse=True)
