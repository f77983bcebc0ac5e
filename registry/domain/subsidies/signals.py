"""Over-claiming made visible (issue 7, item 4): what a reviewer should look at on a claim, with reasons.

Each signal names the person or session and says why, so a reviewer can judge it; none blocks a
decision by itself. They work for any claim whose lines point at enrollments (training claims,
and final apprenticeship claims through the apprentices' plan sessions).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ..catalogue import catalogue
from ..reconciliation.quality import COPIED_MINIMUM
from ..training.models import Enrollment, TrainingSession
from .models import SubsidyClaim
from .training import held_lines

KINDS = {
    "double_claim": "同一人员在其他申领中申领同职业同等级补贴",
    "overlapping": "同一人员同期参加时间重叠的其他班期",
    "exceeds_passes": "申领人数超过考核合格人数",
    "copied": "疑似复制的考核结果",
}


@dataclass(frozen=True)
class Signal:
    kind: str
    detail: str

    @property
    def title(self) -> str:
        return KINDS[self.kind]


def _double_claims(claim: SubsidyClaim) -> list[Signal]:
    programme = catalogue.get(claim.programme_code)
    if programme is None:
        return []
    by_person = {line.trainee_id: line for line in claim.lines}
    signals = []
    for other_line, other in held_lines(list(by_person), catalogue.conflicting_programmes(programme), claim.id):
        if claim.filing_id is not None and other.filing_id == claim.filing_id:
            continue  # the advance and the final claim of one filing are one subsidy
        line = by_person[other_line.trainee_id]
        if (other_line.occupation_code, other_line.level) == (line.occupation_code, line.level):
            signals.append(Signal("double_claim", f"{line.trainee.name}:另见申领 {other.number}({other.claimant_name},"
                                                  f"{other.status_name}),同一职业(工种)同一等级"))
    return signals


def _overlapping(claim: SubsidyClaim) -> list[Signal]:
    mine, theirs = aliased(Enrollment), aliased(Enrollment)
    my_session, their_session = aliased(TrainingSession), aliased(TrainingSession)
    enrollment_ids = [line.enrollment_id for line in claim.lines if line.enrollment_id]
    if not enrollment_ids:
        return []
    rows = db.session.execute(
        select(mine, their_session)
        .join(my_session, mine.session_id == my_session.id)
        .join(theirs, and_(theirs.trainee_id == mine.trainee_id, theirs.id != mine.id, theirs.status != "withdrawn"))
        .join(their_session, theirs.session_id == their_session.id)
        .where(mine.id.in_(enrollment_ids), their_session.start_date <= my_session.end_date,
               my_session.start_date <= their_session.end_date)
        .order_by(mine.id, their_session.start_date)
    ).all()
    return [
        Signal("overlapping", f"{enrollment.trainee.name}:同期在「{session.base.name}」班期 {session.code}"
                              f"({session.start_date:%Y-%m-%d} 至 {session.end_date:%Y-%m-%d})参训")
        for enrollment, session in rows
    ]


def _exceeds_passes(claim: SubsidyClaim) -> list[Signal]:
    enrollment_ids = [line.enrollment_id for line in claim.lines if line.enrollment_id]
    enrollments = {e.id: e for e in db.session.scalars(select(Enrollment).where(Enrollment.id.in_(enrollment_ids)))}
    signals = [
        Signal("exceeds_passes", f"{line.trainee.name}:当前考核结果为「{enrollments[line.enrollment_id].result_name}」"
                                 f"{'(已退训)' if enrollments[line.enrollment_id].status == 'withdrawn' else ''}")
        for line in claim.lines
        if line.enrollment_id in enrollments and (enrollments[line.enrollment_id].result != "passed"
                                                  or enrollments[line.enrollment_id].status == "withdrawn")
    ]
    session_ids = {e.session_id for e in enrollments.values()}
    passes = db.session.scalar(select(func.count(Enrollment.id)).where(
        Enrollment.session_id.in_(session_ids), Enrollment.status != "withdrawn", Enrollment.result == "passed")) or 0
    if len(claim.lines) > passes:
        signals.insert(0, Signal("exceeds_passes", f"申领 {len(claim.lines)} 人,所在班期考核合格仅 {passes} 人"))
    return signals


def _copied(claim: SubsidyClaim) -> list[Signal]:
    session_ids = set(db.session.scalars(select(Enrollment.session_id).where(
        Enrollment.id.in_([line.enrollment_id for line in claim.lines if line.enrollment_id]))))
    if not session_ids:
        return []
    rows = db.session.execute(
        select(Enrollment.session_id, func.count(Enrollment.id), func.min(Enrollment.score))
        .where(Enrollment.session_id.in_(session_ids), Enrollment.status != "withdrawn",
               Enrollment.result.in_(("passed", "failed")))
        .group_by(Enrollment.session_id)
        .having(func.count(Enrollment.id) >= COPIED_MINIMUM, func.count(Enrollment.score) == func.count(Enrollment.id),
                func.min(Enrollment.score) == func.max(Enrollment.score),
                func.min(Enrollment.result) == "passed", func.max(Enrollment.result) == "passed")
    ).all()
    signals = []
    for session_id, people, score in rows:
        session = db.session.get(TrainingSession, session_id)
        signals.append(Signal("copied", f"班期 {session.code}:已考核的 {people} 人全部合格,成绩均为 {score}"))
    return signals


def signals_for(claim: SubsidyClaim) -> list[Signal]:
    return _exceeds_passes(claim) + _double_claims(claim) + _overlapping(claim) + _copied(claim)
