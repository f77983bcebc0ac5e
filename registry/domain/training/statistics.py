"""Figures for the home pages, computed in SQL within a jurisdiction filter.

Counting (DOMAIN.md, Measures): 人次 counts enrollments that were not withdrawn; 人数 counts
distinct trainees; 合格率 = passed ÷ assessed, where assessed means a result of 合格 or 不合格
(缺考 was not assessed). A session counts in the year it starts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from sqlalchemy import ColumnElement, and_, case, distinct, func, select

from ...extensions import db
from ..beside import beside
from .models import Enrollment, TrainingSession

ACTIVE = Enrollment.status != "withdrawn"
PASSED = Enrollment.result == "passed"
ASSESSED = Enrollment.result.in_(("passed", "failed"))


def pass_rate(passed: int, assessed: int) -> float | None:
    return passed / assessed if assessed else None


@dataclass
class ProgrammeFigures:
    programme_code: str
    sessions: int
    trainings: int  # 人次
    persons: int  # 人数
    passed: int
    assessed: int

    @property
    def pass_rate(self) -> float | None:
        return pass_rate(self.passed, self.assessed)


@dataclass
class Dashboard:
    year: int
    sessions_under_way: int
    sessions_this_year: int
    enrollments_this_year: int
    persons_this_year: int
    passed: int
    assessed: int
    by_programme: list[ProgrammeFigures]

    @property
    def pass_rate(self) -> float | None:
        return pass_rate(self.passed, self.assessed)


def _year_bounds(year: int) -> ColumnElement[bool]:
    return and_(TrainingSession.start_date >= date(year, 1, 1), TrainingSession.start_date <= date(year, 12, 31))


def dashboard(scope: ColumnElement[bool], on: date) -> Dashboard:
    """Home-page figures for the sessions ``scope`` admits, for the year of ``on``.

    The year's people and its figures by programme each walk the year's enrollments; neither needs the
    other, so the people are counted on a second connection meanwhile (domain/beside.py)."""
    year_filter = and_(scope, _year_bounds(on.year))
    with beside(_persons, year_filter) as persons:
        return _dashboard(year_filter, scope, on, persons)


def _persons(year_filter: ColumnElement[bool]) -> int:
    """Distinct people with an enrollment not withdrawn in the year's sessions."""
    return db.session.scalar(
        select(func.count(distinct(Enrollment.trainee_id)))
        .join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .where(year_filter, ACTIVE)
    ) or 0


def _dashboard(year_filter: ColumnElement[bool], scope: ColumnElement[bool], on: date,
               persons: Callable[[], int]) -> Dashboard:
    under_way = db.session.scalar(
        select(func.count(TrainingSession.id)).where(
            scope, TrainingSession.start_date <= on, TrainingSession.end_date >= on
        )
    )
    sessions_this_year = db.session.scalar(select(func.count(TrainingSession.id)).where(year_filter))
    rows = db.session.execute(
        select(
            TrainingSession.programme_code,
            func.count(distinct(TrainingSession.id)),
            func.count(case((ACTIVE, Enrollment.id))),
            func.count(distinct(case((ACTIVE, Enrollment.trainee_id)))),
            func.count(case((and_(ACTIVE, PASSED), Enrollment.id))),
            func.count(case((and_(ACTIVE, ASSESSED), Enrollment.id))),
        )
        .select_from(TrainingSession)
        .outerjoin(Enrollment, Enrollment.session_id == TrainingSession.id)
        .where(year_filter)
        .group_by(TrainingSession.programme_code)
    ).all()
    by_programme = [ProgrammeFigures(*row) for row in rows]
    return Dashboard(
        year=on.year,
        sessions_under_way=under_way or 0,
        sessions_this_year=sessions_this_year or 0,
        enrollments_this_year=sum(p.trainings for p in by_programme),
        persons_this_year=persons(),
        passed=sum(p.passed for p in by_programme),
        assessed=sum(p.assessed for p in by_programme),
        by_programme=by_programme,
    )
