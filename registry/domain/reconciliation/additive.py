"""The additive figures by grain: 人次, 合格, 考核, 取证, 就业 and the programmes' own 人次 measures
(figures.read_at_once reads them; docs/reconciliation.md, Scale)."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import BigInteger, ColumnElement, cast, func, select

from ...extensions import db
from ..certificates.models import Certificate, counted_by_enrollment
from ..organisations.models import TrainingBase
from ..training.models import Enrollment, TrainingSession
from . import counting, tallies
from .counting import Scope
from .extra_columns import ExtraColumns
from .models import SessionTally
from .results import Figures, Grain, GrainFigures


def additive_figures(scope: Scope, jurisdiction: ColumnElement[bool] | None,
                     extras: Iterable[tuple[str, str]] = (), by_base: bool = False,
                     by_district: bool = True) -> list[GrainFigures]:
    """The additive measures by grain (programme, track, occupation and month, with the district when
    ``by_district`` and the base when ``by_base``), with ``extras``, (programme code, measure code) of
    programmes' own 人次 measures. Without ``by_district`` a grain's district is the scope's (None for
    the city): what the scope's targets and every grouping but the district's need (on the benchmark's
    year 660 grains instead of 4,752).

    Where the database keeps the sessions' tallies (PostgreSQL), the common figures, 取证 and the extras
    decided by the session alone are their sums, and only the extras whose condition looks at each
    enrollment walk the 人次 of their own programmes. Elsewhere one walk gives them all (ExtraColumns)."""
    extra = ExtraColumns(scope, extras)
    conditions = counting.session_conditions(scope, jurisdiction)
    detail = _detail(by_district, by_base)
    if tallies.kept():
        rows = _tallied_by_grain(extra, conditions, detail)
    else:
        common = [
            func.count(),  # not of a column: PostgreSQL then reads the enrollments from the covering index alone
            func.count().filter(counting.PASSED),
            func.count().filter(counting.ASSESSED),
            func.count().filter(counting.EMPLOYED),
            _certified(),
            *extra.on_session_columns(),
            *extra.slot_columns(),
        ]
        rows = _by_grain(common, conditions, detail)
    readers, none = extra.readers(), ()
    keys = 4 + len(detail)
    district_at = 4 if by_district else None
    base_at = keys - 1 if by_base else None
    grains: list[GrainFigures] = []
    for row in rows:
        programme_code, track_code, occupation_code, month = row[:4]
        grain = Grain(programme_code, track_code, occupation_code, None if base_at is None else row[base_at], int(month))
        district_id = scope.district_id if district_at is None else row[district_at]
        trainings, passed, assessed, employed, certified = row[keys:keys + 5]
        figures = Figures(trainings, 0, passed, assessed, certified, employed)
        extras = {measure: row[keys + 5 + i] for i, measure in readers.get(programme_code, none)}
        grains.append(GrainFigures(grain, district_id, figures, extras))
    return grains


def _detail(by_district: bool, by_base: bool) -> list[str]:
    """The grain's keys beyond programme, track, occupation and month."""
    return ["district"] * by_district + ["base"] * by_base


def _grain_keys(detail: list[str], per_session: bool) -> list[ColumnElement]:
    """A grain's key columns. Walking a session's 人次 (``per_session``), its district is one value
    per session, taken with max() (the walk groups by the session alone)."""
    district = func.max(TrainingBase.district_id) if per_session else TrainingBase.district_id
    more = {"district": district, "base": TrainingSession.base_id}
    return [TrainingSession.programme_code, TrainingSession.track_code, TrainingSession.occupation_code,
            counting.MONTH, *[more[name] for name in detail]]


def _tallied_by_grain(extra: ExtraColumns, session_conditions: list[ColumnElement[bool]],
                      detail: list[str]) -> list[tuple]:
    """What _by_grain gives, with the common figures and the extras decided by the session summed from
    the sessions' tallies (tallies.py), and only the extras that look at each enrollment (the slots)
    counted from the 人次, of their own programmes' sessions alone."""
    keys = _grain_keys(detail, per_session=False)
    sums = [func.sum(getattr(SessionTally, figure)) for figure in tallies.FIGURES]
    sums += extra.on_session_sums(SessionTally.trainings)
    statement = (
        select(*keys, *[cast(c, BigInteger) for c in sums])
        .select_from(TrainingSession)
        .join(TrainingBase, TrainingSession.base_id == TrainingBase.id)
        .join(SessionTally, SessionTally.session_id == TrainingSession.id)
        .where(SessionTally.trainings > 0, *session_conditions)  # as the walk: sessions with 人次
        .group_by(*keys)
    )
    rows = db.session.execute(statement).all()
    slots = extra.slot_columns()
    if not slots:
        return rows
    in_slot_programmes = TrainingSession.programme_code.in_(extra.slot_programmes())
    counted = {tuple(row[:len(keys)]): tuple(row[len(keys):])
               for row in _by_grain(slots, [*session_conditions, in_slot_programmes], detail)}
    nothing = (0,) * len(slots)
    return [(*row, *counted.get(tuple(row[:len(keys)]), nothing)) for row in rows]


def _by_grain(columns: list[ColumnElement[int]], session_conditions: list[ColumnElement[bool]],
              detail: list[str]) -> list[tuple]:
    """(programme, track, occupation, month[, district][, base], *sums of ``columns``): the inner GROUP
    BY walks the sessions and their 人次 session by session (in key order: SQLite needs no sort), the
    outer one sums the sessions by grain, so the page reads a few thousand rows, not one per session."""
    keys = _grain_keys(detail, per_session=True)
    per_session = (
        select(*[k.label(f"k{i}") for i, k in enumerate(keys)], *[c.label(f"v{i}") for i, c in enumerate(columns)])
        .select_from(TrainingSession)
        .join(TrainingBase, TrainingSession.base_id == TrainingBase.id)
        .join(Enrollment, Enrollment.session_id == TrainingSession.id)
        .where(counting.NOT_WITHDRAWN, *session_conditions)
        .group_by(TrainingSession.id)  # the session's columns depend on its key
        .subquery()
    )
    grain = [per_session.c[f"k{i}"] for i in range(len(keys))]
    sums = [cast(func.sum(per_session.c[f"v{i}"]), BigInteger) for i in range(len(columns))]
    return db.session.execute(select(*grain, *sums).group_by(*grain)).all()


def _certified() -> ColumnElement[int]:
    """取证 of the session: its certificates that count (one per enrollment at most; a withdrawn
    enrollment never holds one, certificates.operations.holds_counted_certificate), read from a partial
    index by the session's key."""
    return (
        select(func.count())
        .select_from(Certificate)
        .where(Certificate.session_id == TrainingSession.id, counted_by_enrollment(Certificate.__tablename__))
        .scalar_subquery()
    )
