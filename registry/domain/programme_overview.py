"""What a programme's landing page lists besides its figures: the bases recognised for it and the
sessions it is running. Plain queries, narrowed by the viewer's visibility condition."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from .organisations.models import RECOGNITION_LEVELS, BaseRecognition, TrainingBase
from .training.models import TrainingSession

#: Sessions still to finish: planned, taking enrolments or under way.
CURRENT_STATUSES = ("planned", "open", "in_progress")


def recognitions(programme_code: str, bases_visible: ColumnElement[bool], on: date) -> list[BaseRecognition]:
    """The recognitions in force on ``on`` for the programme, highest level first (省级, 市级, 区级)."""
    statement = (
        select(BaseRecognition)
        .join(TrainingBase, TrainingBase.id == BaseRecognition.base_id)
        .options(joinedload(BaseRecognition.base).joinedload(TrainingBase.district))
        .where(BaseRecognition.programme_code == programme_code, BaseRecognition.recognised_on <= on,
               or_(BaseRecognition.valid_until.is_(None), BaseRecognition.valid_until >= on), bases_visible)
    )
    order = list(RECOGNITION_LEVELS)
    found = db.session.scalars(statement).unique().all()
    return sorted(found, key=lambda r: (order.index(r.level) if r.level in order else len(order), r.base.name))


def recognitions_by_level(found: list[BaseRecognition]) -> dict[str, int]:
    """How many recognitions at each level (示范基地 counts: 省级, 市级, 区级)."""
    counts = {name: 0 for name in RECOGNITION_LEVELS.values()}
    for recognition in found:
        counts[recognition.level_name] = counts.get(recognition.level_name, 0) + 1
    return counts


def current_sessions(programme_code: str, sessions_visible: ColumnElement[bool], limit: int = 15) -> tuple[list[TrainingSession], int]:
    """The programme's sessions that have not finished, soonest first, and how many there are."""
    conditions = (TrainingSession.programme_code == programme_code,
                  TrainingSession.status.in_(CURRENT_STATUSES), sessions_visible)
    total = db.session.scalar(select(func.count(TrainingSession.id)).where(*conditions))
    sessions = db.session.scalars(
        select(TrainingSession).options(joinedload(TrainingSession.base))
        .where(*conditions).order_by(TrainingSession.start_date, TrainingSession.id).limit(limit)
    ).all()
    return list(sessions), total or 0
