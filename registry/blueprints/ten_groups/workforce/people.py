"""The person behind a register row, and their training status computed from enrollments.

A row of the rural register or the veterans' intake names a person by document: a known trainee
is found (the typed name must agree), a new one is registered as a trainee
(trainees.operations.find_or_register).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, not_, select

from ....domain.reconciliation.counting import COUNTED_SESSION_STATUSES
from ....domain.trainees.models import Trainee, TraineeTag
from ....domain.trainees.operations import PersonData  # noqa: F401  (the register forms build it from here)
from ....domain.training.models import Enrollment, TrainingSession
from ....domain.training.operations import ENROLLING_STATES
from ....extensions import db

#: A person's training status in a register (computed, never stored).
TRAINING_STATUSES = {"trained": "已参训", "in_training": "培训中", "not_trained": "未参训"}


def add_tag(trainee: Trainee, tag: str) -> None:
    """Give the trainee a group tag the register establishes (never removes one: other records may
    have set it)."""
    if tag not in trainee.tag_codes:
        trainee.tags.append(TraineeTag(tag=tag))


def _participation(trainee_id: ColumnElement, session_statuses, *conditions) -> ColumnElement[bool]:
    return exists(
        select(Enrollment.id).join(TrainingSession, Enrollment.session_id == TrainingSession.id).where(
            Enrollment.trainee_id == trainee_id, Enrollment.status != "withdrawn",
            TrainingSession.status.in_(session_statuses), *conditions)
    )


def trained(trainee_id: ColumnElement, *conditions) -> ColumnElement[bool]:
    """The person took part (not withdrawn) in a finished session meeting ``conditions``: one 人次."""
    return _participation(trainee_id, COUNTED_SESSION_STATUSES, *conditions)


def in_training(trainee_id: ColumnElement, *conditions) -> ColumnElement[bool]:
    """The person is enrolled in a session meeting ``conditions`` that has not finished yet."""
    return _participation(trainee_id, ENROLLING_STATES, *conditions)


def status_condition(status: str, trainee_id: ColumnElement, *conditions) -> ColumnElement[bool] | None:
    """The rows whose person has this training status (None for an unknown status: no filter)."""
    done, running = trained(trainee_id, *conditions), in_training(trainee_id, *conditions)
    return {
        "trained": done,
        "in_training": and_(not_(done), running),
        "not_trained": and_(not_(done), not_(running)),
    }.get(status)


@dataclass(frozen=True)
class Participation:
    """One of a person's participations, as a register shows it."""

    session: TrainingSession
    enrollment: Enrollment

    @property
    def finished(self) -> bool:
        return self.session.status in COUNTED_SESSION_STATUSES


def participations(trainee_ids, *conditions) -> dict[int, list[Participation]]:
    """Each person's participations (not withdrawn) meeting ``conditions``, latest first."""
    ids = sorted(set(trainee_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Enrollment, TrainingSession).join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .where(Enrollment.trainee_id.in_(ids), Enrollment.status != "withdrawn", *conditions)
        .order_by(TrainingSession.end_date.desc(), TrainingSession.id.desc())
    ).all()
    found: dict[int, list[Participation]] = {}
    for enrollment, session in rows:
        found.setdefault(enrollment.trainee_id, []).append(Participation(session, enrollment))
    return found


def status_of(found: list[Participation]) -> str:
    if any(p.finished for p in found):
        return "trained"
    return "in_training" if any(p.session.status in ENROLLING_STATES for p in found) else "not_trained"
