"""Cohorts (一届学制班) and their students' progression to graduation, on the shared training machinery.

* Planning a cohort plans a TrainingSession of kind ``degree`` (学制班) at the school through
  ``training.operations.create_session``: the major's occupation and training level, its total hours,
  from **1 September of the intake year** (the school year's start) to **30 June of the year of
  expected graduation** (intake year + 学制; a 3-year major of 2024 graduates by 2027-06-30). Students
  are enrolled on the session's own page (the shared enrolment, import and capacity rules).
* Each student's standing (学籍) is 在读 until an outcome is recorded: 毕业 (with the diploma's number
  and date), 结业 (finished the course without meeting the graduation requirements; may later be
  upgraded to 毕业 after a resit), 肄业 (left after at least one school year), 退学, 转出. Those who
  left are withdrawn from the session (退训, the shared rule) unless they already have an assessment
  result, which stands.
* The cohort finishes (毕业离校) only when every student has an outcome: its session's end date becomes
  that day and the session moves to 已结业 (completed). The shared session pages cannot complete a
  cohort's session before that, nor change what it was planned from (rule hooks in rules.py).
* A graduate's destination (毕业去向) is kept here and copied to the enrollment's shared employment
  follow-up (就业: 本市 or 外地就业; 升学 and 未就业 are not employed), so 就业率 agrees.

Policy: 000 二(三)15 ("推行企校双制技能人才培育模式,通过职业培训与学制教育相结合"); 001 二(三)15
("推动更多毕业生留肇就业").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from registry.domain.common import add_months
from registry.domain.errors import DomainError
from registry.domain.training import operations as training
from registry.domain.training.models import Enrollment, TrainingSession
from registry.domain.training.results import record_employment
from registry.extensions import db

from .majors import check_school
from .models import (
    DESTINATIONS, EMPLOYED_DESTINATIONS, FINISHING_OUTCOMES, LEAVING_OUTCOMES, OUTCOMES, Cohort, Destination, Major,
    Standing,
)
from .rules import CODE

FIRST_INTAKE_YEAR = 2000
MAX_CAPACITY = 2000
DIPLOMA_PATTERN = re.compile(r"[0-9A-Z-]{4,40}")


def school_year_start(intake_year: int) -> date:
    """开学: 1 September of the intake year."""
    return date(intake_year, 9, 1)


def expected_graduation(intake_year: int, years: int) -> date:
    """预计毕业: 30 June of intake year + 学制."""
    return date(intake_year + years, 6, 30)


def final_year_start(cohort: Cohort) -> date:
    """The first day of the last school year: graduation and 结业 are recorded from then on."""
    return date(cohort.intake_year + cohort.major.years - 1, 9, 1)


def cohort_of(session: TrainingSession) -> Cohort | None:
    return db.session.scalar(select(Cohort).where(Cohort.session_id == session.id))


# --- planning ---------------------------------------------------------------------------------

def plan_cohort(major: Major, intake_year: int | None, capacity: int | None, today: date) -> Cohort:
    """A new intake of a running major: its 学制班 session is planned at the school."""
    base = major.base
    check_school(base)
    if major.ended_on is not None:
        raise DomainError(f"「{major.name}」已于 {major.ended_on:%Y-%m-%d} 停办,不能再招生", "major_id")
    if intake_year is None or not FIRST_INTAKE_YEAR <= intake_year <= today.year + 1:
        raise DomainError(f"入学年度应在 {FIRST_INTAKE_YEAR} 至 {today.year + 1} 年之间", "intake_year")
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        raise DomainError(f"招生人数(班期容量)应为 1 至 {MAX_CAPACITY} 之间的整数", "capacity")
    if db.session.scalar(select(Cohort.id).where(Cohort.major_id == major.id, Cohort.intake_year == intake_year)):
        raise DomainError(f"「{major.label}」已有 {intake_year} 级学制班", "intake_year")
    session = training.create_session(base, training.SessionData(
        programme_code=CODE, occupation_code=major.occupation_code, level=major.level, kind="degree",
        start_date=school_year_start(intake_year), end_date=expected_graduation(intake_year, major.years),
        planned_hours=major.total_hours, capacity=capacity, place=base.address or "", mode="offline",
    ))
    cohort = Cohort(major_id=major.id, intake_year=intake_year, session_id=session.id)
    db.session.add(cohort)
    db.session.flush()
    return cohort


# --- the students -----------------------------------------------------------------------------

def students(cohort: Cohort) -> list[tuple[Enrollment, Standing | None]]:
    """Every enrollment of the cohort's session (withdrawn ones included) with its standing."""
    rows = db.session.execute(
        select(Enrollment, Standing)
        .outerjoin(Standing, Standing.enrollment_id == Enrollment.id)
        .where(Enrollment.session_id == cohort.session_id)
        .order_by(Enrollment.id)
    )
    return [(enrollment, standing) for enrollment, standing in rows]


def standing_of(enrollment: Enrollment) -> Standing | None:
    return db.session.scalar(select(Standing).where(Standing.enrollment_id == enrollment.id))


@dataclass
class OutcomeData:
    status: str
    on: date | None
    diploma_number: str = ""
    note: str = ""


def allowed_outcomes(enrollment: Enrollment, standing: Standing | None) -> tuple[str, ...]:
    """What a student's standing may become: a first outcome; a correction of the same one; 结业 → 毕业
    after a resit; one leaving outcome for another. Someone withdrawn from the session only left."""
    if standing is None:
        return LEAVING_OUTCOMES if enrollment.status == "withdrawn" else tuple(OUTCOMES)
    if standing.status == "graduated":
        return ("graduated",)
    if standing.status == "completed":
        return ("completed", "graduated")
    return LEAVING_OUTCOMES


def _check_outcome(cohort: Cohort, enrollment: Enrollment, standing: Standing | None, data: OutcomeData,
                   today: date) -> OutcomeData:
    session = cohort.session
    name = enrollment.trainee.name
    if enrollment.session_id != cohort.session_id:
        raise DomainError(f"{name} 不是本学制班的学生", "status")
    if session.status == "closed":
        raise DomainError("学制班班期已归档,学籍结果不能再修改", "status")
    if data.status not in OUTCOMES:
        raise DomainError("请选择学籍结果:" + "、".join(OUTCOMES.values()), "status")
    allowed = allowed_outcomes(enrollment, standing)
    if data.status not in allowed:
        if standing is None:
            raise DomainError(f"{name} 已退出本班期(退训),只能登记为:" + "、".join(OUTCOMES[s] for s in allowed), "status")
        raise DomainError(f"{name} 已登记为「{standing.status_name}」,只能改为:" + "、".join(OUTCOMES[s] for s in allowed),
                          "status")
    on = data.on
    if on is None:
        raise DomainError("请填写结果日期", "on")
    if on > today:
        raise DomainError("结果日期不能晚于今天", "on")
    if data.status in FINISHING_OUTCOMES:
        if session.status not in ("in_progress", "completed"):
            raise DomainError(f"学制班班期为「{session.status_name}」,开学(培训中)后才能登记毕业或结业", "status")
        first = final_year_start(cohort)
        if on < first:
            raise DomainError(f"毕业、结业日期应在最后一学年内({first:%Y-%m-%d} 起)", "on")
        if standing is not None and standing.status == "completed" and data.status == "graduated" \
                and on < standing.status_on:
            raise DomainError(f"换发毕业证书的日期不能早于结业日期 {standing.status_on:%Y-%m-%d}", "on")
    elif data.status == "incomplete":
        one_year = add_months(session.start_date, 12)
        if on < one_year:
            raise DomainError(f"肄业须学习满一学年({one_year:%Y-%m-%d} 起)后离校;未满一学年请登记退学", "on")
    elif on < date(cohort.intake_year, 1, 1):
        raise DomainError(f"退学、转出日期不能早于入学年度 {cohort.intake_year} 年", "on")
    diploma = "".join((data.diploma_number or "").split()).upper()
    if data.status == "graduated":
        if not diploma:
            raise DomainError("毕业须填写毕业证书编号", "diploma_number")
        if not DIPLOMA_PATTERN.fullmatch(diploma):
            raise DomainError("毕业证书编号应为 4 至 40 位字母、数字或横线", "diploma_number")
        clash = db.session.scalar(select(Standing).where(
            Standing.diploma_number == diploma, Standing.id != (standing.id if standing else -1)))
        if clash is not None:
            raise DomainError(f"毕业证书编号 {diploma} 已登记给 {clash.enrollment.trainee.name}", "diploma_number")
    elif diploma:
        raise DomainError("只有毕业才填写毕业证书编号", "diploma_number")
    note = (data.note or "").strip()
    if data.status in LEAVING_OUTCOMES and not note:
        raise DomainError("请填写离校原因(转出请写明转入学校)", "note")
    if len(note) > 500:
        raise DomainError("说明不超过 500 个字", "note")
    return OutcomeData(data.status, on, diploma if data.status == "graduated" else "", note)


def record_outcome(cohort: Cohort, enrollment: Enrollment, data: OutcomeData, today: date) -> Standing:
    """Record (or correct) a student's outcome; a student who left is withdrawn from the session."""
    standing = standing_of(enrollment)
    checked = _check_outcome(cohort, enrollment, standing, data, today)
    if checked.status in LEAVING_OUTCOMES and enrollment.status != "withdrawn" and enrollment.result is None:
        training.withdraw(enrollment, checked.on, f"{OUTCOMES[checked.status]}:{checked.note}")
    if standing is None:
        standing = Standing(cohort_id=cohort.id, enrollment_id=enrollment.id)
        db.session.add(standing)
    standing.status = checked.status
    standing.status_on = checked.on
    standing.diploma_number = checked.diploma_number or None
    standing.note = checked.note
    db.session.flush()
    return standing


# --- finishing --------------------------------------------------------------------------------

def missing_outcomes(cohort: Cohort) -> int:
    """Students still 在读 (no outcome recorded), withdrawn ones included."""
    return db.session.scalar(
        select(func.count(Enrollment.id))
        .outerjoin(Standing, Standing.enrollment_id == Enrollment.id)
        .where(Enrollment.session_id == cohort.session_id, Standing.id.is_(None))
    ) or 0


def close_cohort(cohort: Cohort, on: date | None, today: date) -> Cohort:
    """毕业离校: once every student has an outcome, the cohort finishes on ``on`` and its session
    (ending that day) moves to 已结业."""
    session = cohort.session
    if cohort.closed_on is not None:
        raise DomainError(f"该学制班已于 {cohort.closed_on:%Y-%m-%d} 毕业离校", "closed_on")
    if session.status != "in_progress":
        raise DomainError(f"学制班班期为「{session.status_name}」,培训中的学制班才能办理毕业离校", "closed_on")
    if on is None or on > today:
        raise DomainError("毕业离校日期不能为空或晚于今天", "closed_on")
    if on < session.start_date:
        raise DomainError(f"毕业离校日期不能早于开学日期 {session.start_date:%Y-%m-%d}", "closed_on")
    total = db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.session_id == session.id)) or 0
    if not total:
        raise DomainError("该学制班没有学生,不能办理毕业离校", "closed_on")
    missing = missing_outcomes(cohort)
    if missing:
        raise DomainError(f"尚有 {missing} 名学生未登记学籍结果(毕业、结业、肄业、退学或转出),不能办理毕业离校",
                          "closed_on")
    last = db.session.scalar(select(func.max(Standing.status_on)).where(Standing.cohort_id == cohort.id))
    if last is not None and on < last:
        raise DomainError(f"毕业离校日期不能早于最后登记的学籍结果日期 {last:%Y-%m-%d}", "closed_on")
    cohort.closed_on = on
    # The session ends the day the cohort left (earlier or later than the expected 30 June).
    session.end_date = on
    db.session.flush()
    training.move_session(session, "completed", today)
    return cohort


# --- the shared session pages' guards (rules.py hooks) -----------------------------------------

def check_session_move(session: TrainingSession, target: str, on: date) -> None:
    """A cohort's session completes only by the cohort finishing, and does not reopen afterwards."""
    cohort = cohort_of(session)
    if cohort is None:
        return
    if target == "completed" and cohort.closed_on is None:
        raise DomainError(f"该班期是「{cohort.label}」学制班:请在学制班页面为每名学生登记学籍结果并办理毕业离校,"
                          "班期随之结业", "status")
    if target == "in_progress" and cohort.closed_on is not None:
        raise DomainError(f"「{cohort.label}」已于 {cohort.closed_on:%Y-%m-%d} 毕业离校,班期不能恢复为培训中", "status")


def check_session_update(session: TrainingSession, data) -> None:
    """What a cohort's session was planned from (its major and intake year) does not change."""
    cohort = cohort_of(session)
    if cohort is None:
        return
    for field, label in (("programme_code", "培训项目"), ("occupation_code", "职业(工种)"), ("level", "等级"),
                         ("kind", "班期类型"), ("start_date", "开学日期")):
        if getattr(data, field) != getattr(session, field):
            raise DomainError(f"该班期是「{cohort.label}」学制班,{label}由专业和入学年度确定,不能修改", field)


# --- graduates' destinations ---------------------------------------------------------------------

@dataclass
class DestinationData:
    kind: str
    since: date | None
    employer: str = ""


def record_destination(standing: Standing, data: DestinationData, today: date, by_bureau: bool = False,
                       reason: str | None = None) -> Destination:
    """A graduate's destination (毕业去向), copied to the enrollment's employment follow-up."""
    enrollment = standing.enrollment
    session = enrollment.session
    if standing.status != "graduated":
        raise DomainError(f"{enrollment.trainee.name} 的学籍结果为「{standing.status_name}」,只有毕业生登记毕业去向", "kind")
    if data.kind not in DESTINATIONS:
        raise DomainError("请选择毕业去向:" + "、".join(DESTINATIONS.values()), "kind")
    if data.since is None:
        raise DomainError("请填写去向日期", "since")
    if data.since > today:
        raise DomainError("去向日期不能晚于今天", "since")
    if data.since < session.start_date:
        raise DomainError(f"去向日期不能早于开学日期 {session.start_date:%Y-%m-%d}", "since")
    employer = (data.employer or "").strip()
    if data.kind in EMPLOYED_DESTINATIONS and not employer:
        raise DomainError("就业须填写就业单位", "employer")
    if data.kind == "further_study" and not employer:
        raise DomainError("升学须填写录取院校", "employer")
    if len(employer) > 120:
        raise DomainError("单位或院校名称不超过 120 个字", "employer")
    if data.kind == "not_employed":
        employer = ""
    employed = data.kind in EMPLOYED_DESTINATIONS
    record_employment(enrollment, employed, data.since if employed else None, employer if employed else None,
                      by_bureau=by_bureau, reason=reason)
    destination = db.session.scalar(select(Destination).where(Destination.standing_id == standing.id))
    if destination is None:
        destination = Destination(standing=standing)
        db.session.add(destination)
    destination.kind = data.kind
    destination.since = data.since
    destination.employer = employer
    db.session.flush()
    return destination
