"""Building blocks programmes use to declare how their own measures count (catalogue.Measure.counts).

Each returns a SQL condition on an enrollment joined to its session (counting.participations).
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import aliased

from ..trainees.models import TraineeTag
from ..training.models import Enrollment, TrainingSession

Condition = Callable[[], ColumnElement[bool]]


def every() -> Condition:
    return lambda: true()


def occupation_in(*codes: str) -> Condition:
    return lambda: TrainingSession.occupation_code.in_(codes)


def trainee_tagged(tag: str) -> Condition:
    """The trainee carries ``tag``: a semi-join, the tagged people read once per query (a hashed
    subplan on PostgreSQL) rather than a look-up per 人次."""
    return lambda: Enrollment.trainee_id.in_(select(TraineeTag.trainee_id).where(TraineeTag.tag == tag))


def first_in_programme(programme_code: str) -> Condition:
    """A person new to the programme: no earlier participation in it that ended before this session began.

    Looked up per 人次 only for the few people who could have one: those with more than one enrollment in
    the programme (read once per query, a semi-join like the tags). Anybody else's only enrollment in
    the programme is this one, and no session ends before it begins (the sessions' dates_in_order check)."""
    def condition() -> ColumnElement[bool]:
        earlier_enrollment, earlier_session = aliased(Enrollment), aliased(TrainingSession)
        earlier = ~exists(
            select(earlier_enrollment.id)
            .join(earlier_session, earlier_enrollment.session_id == earlier_session.id)
            .where(
                earlier_enrollment.trainee_id == Enrollment.trainee_id,
                earlier_enrollment.status != "withdrawn",
                earlier_session.programme_code == programme_code,
                earlier_session.end_date < TrainingSession.start_date,
            )
        )
        return or_(Enrollment.trainee_id.not_in(_enrolled_more_than_once(programme_code)), earlier)
    return condition


def _enrolled_more_than_once(programme_code: str) -> Select:
    """Trainees with more than one enrollment in the programme (withdrawn or not)."""
    enrollment, session = aliased(Enrollment), aliased(TrainingSession)
    return (
        select(enrollment.trainee_id)
        .select_from(session)
        .join(enrollment, enrollment.session_id == session.id)
        .where(session.programme_code == programme_code)
        .group_by(enrollment.trainee_id)
        .having(func.count() > 1)
    )


def both(first: Condition, second: Condition) -> Condition:
    return lambda: and_(first(), second())
