"""新生代产业工人: the participations behind the high-skill-leader and top-talent counts (004 之一 二、三),
with the reason each one counts, read with the same conditions the reconciliation counts with."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import joinedload

from ....domain.reconciliation import counting
from ....domain.reconciliation.counting import Scope
from ....domain.trainees.models import Trainee
from ....domain.training.models import Enrollment, TrainingSession
from ....extensions import db
from . import measures

PROGRAMME = "new_workers"
MEASURES = {"high_skill_leaders": "高技能领军人才培训", "top_talent": "拔尖技能人才培训"}


def counted_query(year: int, visible_sessions: ColumnElement[bool], measure: str = "") -> Select:
    """The year's 人次 counted in either measure (or in ``measure``), within the viewer's sessions."""
    condition = {"high_skill_leaders": measures.high_skill_leaders(), "top_talent": measures.top_talent()}.get(
        measure, measures.high_skill_leaders() | measures.top_talent())
    return (
        counting.participations(Enrollment, scope=Scope(year, PROGRAMME), jurisdiction=visible_sessions)
        .where(condition)
        .options(joinedload(Enrollment.session), joinedload(Enrollment.trainee))
        .order_by(TrainingSession.end_date.desc(), TrainingSession.id, Enrollment.id)
    )


@dataclass
class Counted:
    enrollment: Enrollment
    measure: str
    #: For top talent: why it counts (measures.TOP_TALENT_ROUTES).
    route: str | None

    @property
    def session(self) -> TrainingSession:
        return self.enrollment.session

    @property
    def trainee(self) -> Trainee:
        return self.enrollment.trainee

    @property
    def reason(self) -> str:
        if self.measure == "high_skill_leaders":
            return "高技能领军人才研修班期"
        return measures.TOP_TALENT_ROUTES.get(self.route or "", "")


def explain(enrollments: list[Enrollment]) -> list[Counted]:
    """Which measure each counted participation is in, and (top talent) by which route."""
    ids = [e.id for e in enrollments]
    holds = dict(db.session.execute(
        select(Enrollment.id, measures.holds_senior_certificate())
        .join(TrainingSession, Enrollment.session_id == TrainingSession.id).where(Enrollment.id.in_(ids))
    ).all()) if ids else {}
    explained = []
    for enrollment in enrollments:
        if enrollment.session.occupation_code == measures.LEADER_ITEM:
            explained.append(Counted(enrollment, "high_skill_leaders", None))
        else:
            route = measures.top_talent_route(enrollment.session, bool(holds.get(enrollment.id)))
            explained.append(Counted(enrollment, "top_talent", route))
    return explained


@dataclass
class YearCounts:
    year: int
    high_skill_leaders: int
    top_talent: int
    #: Top talent by route: item, level, certificate.
    routes: dict[str, int]


def year_counts(year: int, visible_sessions: ColumnElement[bool]) -> YearCounts:
    """The two measures in ``year`` and the top-talent 人次 by the route they count by."""
    leader = measures.high_skill_leaders()
    item = TrainingSession.occupation_code == measures.TOP_TALENT_ITEM
    level = TrainingSession.level.in_(measures.SENIOR_LEVELS)

    def count(condition) -> ColumnElement:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    top = measures.top_talent()
    row = db.session.execute(counting.participations(
        count(leader), count(top), count(top & item), count(top & ~item & level), count(top & ~item & ~level),
        scope=Scope(year, PROGRAMME), jurisdiction=visible_sessions)).one()
    leaders, talent, by_item, by_level, by_certificate = (int(v or 0) for v in row)
    return YearCounts(year, leaders, talent, {"item": by_item, "level": by_level, "certificate": by_certificate})
