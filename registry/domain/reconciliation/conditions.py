"""Building blocks programmes use to declare how their own measures count (catalogue.Measure.counts).

Each returns a SQL condition on an enrollment joined to its session (counting.participations).
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import ColumnElement, and_, exists, select, true
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


def first_in_programme() -> Condition:
    """A person new to the programme: no earlier participation in it that ended before this session began."""
    def condition() -> ColumnElement[bool]:
        earlier_enrollment, earlier_session = aliased(Enrollment), aliased(TrainingSession)
        return ~exists(
            select(earlier_enrollment.id)
            .join(earlier_session, earlier_enrollment.session_id == earlier_session.id)
            .where(
                earlier_enrollment.trainee_id == Enrollment.trainee_id,
                earlier_enrollment.status != "withdrawn",
                earlier_session.programme_code == TrainingSession.programme_code,
                earlier_session.end_date < TrainingSession.start_date,
            )
        )
    return condition


def both(first: Condition, second: Condition) -> Condition:
    return lambda: and_(first(), second())
