"""What a programme's landing page lists besides its figures: the bases recognised for it and the
sessions it is running. Plain queries, narrowed by the viewer's visibility condition."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from .catalogue import Programme
from .organisations.models import RECOGNITION_LEVELS, BaseRecognition, TrainingBase
from .reconciliation.results import Figures, Reconciliation, Row, trainings_target
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


def track_rows(programme: Programme, result: Reconciliation) -> list[Row]:
    """The track table of a landing page: every track of the programme in its catalogue order, one
    with nothing finished yet at zero (so that its 人次 target still shows), then the sessions that
    have no track."""
    found = {row.key[1]: row for row in result.rows if len(row.key) > 1 and row.key[0] == programme.code}
    targets = [progress.target for progress in result.targets]
    rows = []
    for track in programme.tracks:
        row = found.pop(track.code, None)
        if row is None:
            target = trainings_target(targets, programme.code, track.code, result.scope.district_id)
            row = Row((programme.code, track.code), track.name, result.scope.narrowed(track_code=track.code),
                      Figures(), target)
        rows.append(row)
    return rows + list(found.values())
