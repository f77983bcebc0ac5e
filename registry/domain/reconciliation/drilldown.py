"""The sessions and people behind a figure of the reconciliation page (same SQL conditions)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, distinct, func, select

from ...extensions import db
from ..trainees.models import Trainee
from ..training.models import Enrollment, TrainingSession
from . import counting
from .counting import Scope


@dataclass
class Drilldown:
    scope: Scope
    measure: str
    #: The figure itself, as the page shows it (人次, or people for a measure of unit 人).
    count: int
    #: (session, 人次 of the measure in it), most first.
    sessions: list[tuple[TrainingSession, int]]
    #: One page of (enrollment, session, trainee), or for 人 measures (trainee, 人次) pairs.
    people: list[tuple]
    page: int
    pages: int


def drilldown(scope: Scope, measure: str, jurisdiction: ColumnElement[bool] | None, page: int = 1,
              per_page: int = 50) -> Drilldown:
    condition = counting.measure_condition(scope.programme_code, measure)
    distinct_people = counting.is_distinct(scope.programme_code, measure)

    def base(*columns):
        return counting.participations(*columns, scope=scope, jurisdiction=jurisdiction).where(condition)

    count_column = func.count(distinct(Enrollment.trainee_id)) if distinct_people else func.count(Enrollment.id)
    count = db.session.scalar(base(count_column)) or 0
    session_counts = db.session.execute(
        base(TrainingSession.id, func.count(Enrollment.id)).group_by(TrainingSession.id)
        .order_by(func.count(Enrollment.id).desc(), TrainingSession.id).limit(200)
    ).all()
    sessions_by_id = {s.id: s for s in db.session.scalars(
        select(TrainingSession).where(TrainingSession.id.in_([sid for sid, _ in session_counts]))
    )}
    sessions = [(sessions_by_id[sid], n) for sid, n in session_counts]
    pages = max(1, -(-count // per_page))
    page = min(max(page, 1), pages)
    if distinct_people:
        statement = (
            base(Trainee, func.count(Enrollment.id)).join(Trainee, Enrollment.trainee_id == Trainee.id)
            .group_by(Trainee.id).order_by(Trainee.name, Trainee.id)
        )
    else:
        statement = (
            base(Enrollment, TrainingSession, Trainee).join(Trainee, Enrollment.trainee_id == Trainee.id)
            .order_by(TrainingSession.end_date, TrainingSession.id, Enrollment.id)
        )
    people = [tuple(row) for row in db.session.execute(statement.limit(per_page).offset((page - 1) * per_page))]
    return Drilldown(scope, measure, count, sessions, people, page, pages)
