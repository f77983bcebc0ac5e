"""Data-quality checks the bureau opens beside the reconciliation: each a SQL query and its list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ..certificates.models import Certificate
from ..trainees.models import Trainee
from ..training.models import Enrollment, TrainingSession

#: Sessions with fewer assessed people than this are not suspected of copied results.
COPIED_MINIMUM = 5
DEFAULT_CERTIFICATE_DAYS = 30


@dataclass(frozen=True)
class Check:
    code: str
    title: str
    explanation: str
    #: (jurisdiction, on, days) → SELECT of the rows the list shows.
    query: Callable[[ColumnElement[bool], date, int], Select]
    #: Column headers of the list.
    headers: tuple[str, ...]


def _no_result(jurisdiction: ColumnElement[bool], on: date, days: int) -> Select:
    return (
        select(Enrollment, TrainingSession, Trainee)
        .join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .join(Trainee, Enrollment.trainee_id == Trainee.id)
        .where(jurisdiction, Enrollment.status != "withdrawn", Enrollment.result.is_(None),
               TrainingSession.end_date < on)
        .order_by(TrainingSession.end_date, TrainingSession.id, Enrollment.id)
    )


def _pass_without_certificate(jurisdiction: ColumnElement[bool], on: date, days: int) -> Select:
    assessed_or_ended = func.coalesce(Enrollment.assessed_on, TrainingSession.end_date)
    return (
        select(Enrollment, TrainingSession, Trainee)
        .join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .join(Trainee, Enrollment.trainee_id == Trainee.id)
        .where(jurisdiction, Enrollment.status != "withdrawn", Enrollment.result == "passed",
               assessed_or_ended < on - timedelta(days=days),
               ~exists(select(Certificate.id).where(Certificate.enrollment_id == Enrollment.id)))
        .order_by(assessed_or_ended, Enrollment.id)
    )


def _overlapping(jurisdiction: ColumnElement[bool], on: date, days: int) -> Select:
    """The same person enrolled (not withdrawn) in two sessions at different bases whose dates overlap."""
    first, second = aliased(Enrollment), aliased(Enrollment)
    first_session, second_session = aliased(TrainingSession), aliased(TrainingSession)
    return (
        select(first, first_session, Trainee, second_session)
        .join(first_session, first.session_id == first_session.id)
        .join(second, and_(second.trainee_id == first.trainee_id, second.id > first.id))
        .join(second_session, second.session_id == second_session.id)
        .join(Trainee, first.trainee_id == Trainee.id)
        .where(
            _on_sessions(jurisdiction, first_session),
            first.status != "withdrawn", second.status != "withdrawn",
            first_session.base_id != second_session.base_id,
            first_session.start_date <= second_session.end_date,
            second_session.start_date <= first_session.end_date,
        )
        .order_by(first_session.start_date, first.id)
    )


def _on_sessions(jurisdiction: ColumnElement[bool], session_alias) -> ColumnElement[bool]:
    """The jurisdiction filter is written for TrainingSession; apply it to an alias via id IN (...)."""
    return session_alias.id.in_(select(TrainingSession.id).where(jurisdiction))


def _copied_results(jurisdiction: ColumnElement[bool], on: date, days: int) -> Select:
    """Sessions where everyone assessed passed with one identical score (at least COPIED_MINIMUM people)."""
    assessed = Enrollment.result.in_(("passed", "failed"))
    stats = (
        select(
            Enrollment.session_id.label("session_id"),
            func.count(Enrollment.id).label("people"),
            func.min(Enrollment.score).label("score"),
        )
        .where(Enrollment.status != "withdrawn", assessed)
        .group_by(Enrollment.session_id)
        .having(
            func.count(Enrollment.id) >= COPIED_MINIMUM,
            func.count(Enrollment.score) == func.count(Enrollment.id),
            func.min(Enrollment.score) == func.max(Enrollment.score),
            func.min(Enrollment.result) == "passed", func.max(Enrollment.result) == "passed",
        )
        .subquery()
    )
    return (
        select(TrainingSession, stats.c.people, stats.c.score)
        .join(stats, stats.c.session_id == TrainingSession.id)
        .where(jurisdiction)
        .order_by(TrainingSession.end_date.desc(), TrainingSession.id)
    )


CHECKS = {
    check.code: check
    for check in (
        Check("no_result", "班期已结束但无考核结果", "未退训、班期结束日期已过,仍未录入考核结果的报名记录。",
              _no_result, ("学员", "证件号码", "班期", "结束日期")),
        Check("no_certificate", "合格后久未发证", "考核合格(无考核日期的按班期结束日期)超过规定天数仍无证书的报名记录。",
              _pass_without_certificate, ("学员", "证件号码", "班期", "考核日期")),
        Check("overlapping", "同一学员在不同基地的班期时间重叠",
              "同一学员在两个不同培训基地的班期中均未退训,且两个班期的起止日期相互重叠。",
              _overlapping, ("学员", "证件号码", "班期一", "班期二")),
        Check("copied", "疑似复制的考核结果",
              f"所有已考核学员全部合格且成绩完全相同的班期(至少 {COPIED_MINIMUM} 人)。",
              _copied_results, ("班期", "基地", "人数", "成绩")),
    )
}


def counts(jurisdiction: ColumnElement[bool], on: date, days: int = DEFAULT_CERTIFICATE_DAYS) -> dict[str, int]:
    return {code: counts_one(check, jurisdiction, on, days) for code, check in CHECKS.items()}


def rows(code: str, jurisdiction: ColumnElement[bool], on: date, days: int = DEFAULT_CERTIFICATE_DAYS,
         page: int = 1, per_page: int = 100) -> tuple[list[tuple], int]:
    """One page of a check's list, and how many rows it has in all."""
    check = CHECKS[code]
    total = counts_one(check, jurisdiction, on, days)
    statement = check.query(jurisdiction, on, days).limit(per_page).offset((max(page, 1) - 1) * per_page)
    return [tuple(row) for row in db.session.execute(statement)], total


def counts_one(check: Check, jurisdiction: ColumnElement[bool], on: date, days: int) -> int:
    subquery = check.query(jurisdiction, on, days).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(subquery)) or 0
