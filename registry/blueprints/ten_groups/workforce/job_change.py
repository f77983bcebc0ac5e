"""Job changers' situations (004 之五 三、四): on each participation in the programme, the former
enterprise and post, whether the worker is still in post, redeployed, stopped, laid off or out of
contract, and the post they retrain for. Plain domain functions: they flush, never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import joinedload

from ....domain.errors import DomainError
from ....domain.identifiers import check_credit_code
from ....domain.reconciliation.counting import COUNTED_SESSION_STATUSES
from ....domain.trainees.models import Trainee
from ....domain.training.models import Enrollment, TrainingSession
from ....extensions import db
from .models import SEPARATED, SITUATIONS, JobChangeRecord

PROGRAMME = "job_change"


@dataclass
class JobChangeData:
    former_enterprise_name: str
    former_post: str
    situation: str
    former_credit_code: str = ""
    separated_on: date | None = None
    intended_post: str = ""


def _check(enrollment: Enrollment, data: JobChangeData, on: date) -> dict:
    session = enrollment.session
    if session.programme_code != PROGRAMME:
        raise DomainError("只有企业职工转岗转业班期的报名记录才登记转岗转业情况")
    if enrollment.status == "withdrawn":
        raise DomainError("该学员已退训,不登记转岗转业情况")
    name = " ".join((data.former_enterprise_name or "").split())
    if not name:
        raise DomainError("请填写原工作单位", "former_enterprise_name")
    if len(name) > 120:
        raise DomainError("原工作单位名称不超过 120 个字", "former_enterprise_name")
    code = check_credit_code(data.former_credit_code, "former_credit_code") if (data.former_credit_code or "").strip() else None
    post = (data.former_post or "").strip()
    if not post:
        raise DomainError("请填写原岗位", "former_post")
    if len(post) > 60:
        raise DomainError("原岗位不超过 60 个字", "former_post")
    if data.situation not in SITUATIONS:
        raise DomainError("请选择人员情况", "situation")
    separated_on = data.separated_on
    if data.situation == "in_post":
        if separated_on is not None:
            raise DomainError("在岗职工不填写离岗日期", "separated_on")
    elif separated_on is None and data.situation in SEPARATED:
        raise DomainError(f"「{SITUATIONS[data.situation]}」须填写离岗(解除、终止劳动合同)日期", "separated_on")
    if separated_on is not None:
        if separated_on > on:
            raise DomainError("离岗日期不能晚于今天", "separated_on")
        if separated_on > session.end_date:
            raise DomainError(f"离岗日期不能晚于本班期结业日期 {session.end_date:%Y-%m-%d}:登记的是参训时的情况",
                              "separated_on")
    intended = (data.intended_post or "").strip()
    if len(intended) > 60:
        raise DomainError("拟转岗位不超过 60 个字", "intended_post")
    return dict(former_enterprise_name=name, former_credit_code=code, former_post=post, situation=data.situation,
                separated_on=separated_on, intended_post=intended)


def record_job_change(enrollment: Enrollment, data: JobChangeData, on: date) -> JobChangeRecord:
    """Record (or correct) the worker's situation on this participation."""
    values = _check(enrollment, data, on)
    record = db.session.scalar(select(JobChangeRecord).where(JobChangeRecord.enrollment_id == enrollment.id))
    if record is None:
        record = JobChangeRecord(enrollment_id=enrollment.id, recorded_on=on, **values)
        db.session.add(record)
    else:
        for key, value in values.items():
            setattr(record, key, value)
    db.session.flush()
    return record


# --- lists and figures ---------------------------------------------------------------------------

def sessions_query(visible_sessions: ColumnElement[bool], only_missing: bool = False) -> Select:
    """The programme's sessions a viewer sees, with how many participants (not withdrawn) they have
    and how many of them have a record (columns: session, enrolled, recorded); ``only_missing``: the
    sessions where some have none yet."""
    recorded = func.count(JobChangeRecord.id)
    enrolled = func.count(Enrollment.id)
    query = (
        select(TrainingSession, enrolled.label("enrolled"), recorded.label("recorded"))
        .outerjoin(Enrollment, (Enrollment.session_id == TrainingSession.id) & (Enrollment.status != "withdrawn"))
        .outerjoin(JobChangeRecord, JobChangeRecord.enrollment_id == Enrollment.id)
        .where(TrainingSession.programme_code == PROGRAMME, visible_sessions)
        .group_by(TrainingSession.id)
        .order_by(TrainingSession.start_date.desc(), TrainingSession.id.desc())
    )
    return query.having(enrolled > recorded) if only_missing else query


def roster(session: TrainingSession) -> list[tuple[Enrollment, JobChangeRecord | None]]:
    """A session's participants (withdrawn ones last) with their records."""
    rows = db.session.execute(
        select(Enrollment, JobChangeRecord).join(Trainee, Enrollment.trainee_id == Trainee.id)
        .outerjoin(JobChangeRecord, JobChangeRecord.enrollment_id == Enrollment.id)
        .where(Enrollment.session_id == session.id)
        .order_by(case((Enrollment.status == "withdrawn", 1), else_=0), Enrollment.id)
    ).all()
    return [(enrollment, record) for enrollment, record in rows]


def missing_count(visible_sessions: ColumnElement[bool]) -> int:
    """Participations (not withdrawn) in the programme's sessions the viewer sees with no record yet."""
    return db.session.scalar(
        select(func.count(Enrollment.id)).join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .outerjoin(JobChangeRecord, JobChangeRecord.enrollment_id == Enrollment.id)
        .where(TrainingSession.programme_code == PROGRAMME, visible_sessions, Enrollment.status != "withdrawn",
               JobChangeRecord.id.is_(None))
    ) or 0


def records_count(visible_sessions: ColumnElement[bool]) -> int:
    return db.session.scalar(
        select(func.count(JobChangeRecord.id)).join(Enrollment, JobChangeRecord.enrollment_id == Enrollment.id)
        .join(TrainingSession, Enrollment.session_id == TrainingSession.id).where(visible_sessions)
    ) or 0


def by_situation(year: int, visible_sessions: ColumnElement[bool]) -> dict[str, int]:
    """人次 of the year (finished sessions by their end date, as reconciliation counts them) by the
    worker's recorded situation; ``None`` for participations with no record."""
    rows = db.session.execute(
        select(JobChangeRecord.situation, func.count(Enrollment.id))
        .select_from(Enrollment).join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .outerjoin(JobChangeRecord, JobChangeRecord.enrollment_id == Enrollment.id)
        .where(TrainingSession.programme_code == PROGRAMME, visible_sessions, Enrollment.status != "withdrawn",
               TrainingSession.status.in_(COUNTED_SESSION_STATUSES),
               TrainingSession.end_date >= date(year, 1, 1), TrainingSession.end_date <= date(year, 12, 31))
        .group_by(JobChangeRecord.situation)
    ).all()
    return {situation: count for situation, count in rows}


def records_query(visible_sessions: ColumnElement[bool], situation: str = "", text: str = "") -> Select:
    """Recorded situations the viewer sees, latest session first."""
    query = (
        select(JobChangeRecord)
        .join(Enrollment, JobChangeRecord.enrollment_id == Enrollment.id)
        .join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .join(Trainee, Enrollment.trainee_id == Trainee.id)
        .where(visible_sessions)
        .options(joinedload(JobChangeRecord.enrollment).joinedload(Enrollment.session),
                 joinedload(JobChangeRecord.enrollment).joinedload(Enrollment.trainee))
        .order_by(TrainingSession.start_date.desc(), JobChangeRecord.id.desc())
    )
    if situation in SITUATIONS:
        query = query.where(JobChangeRecord.situation == situation)
    if text := text.strip():
        query = query.where(Trainee.name.contains(text) | JobChangeRecord.former_enterprise_name.contains(text))
    return query
