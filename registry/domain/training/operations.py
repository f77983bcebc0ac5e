"""Verbs on sessions and enrollments: create, move through states, enrol, withdraw.

Hours, results and the employment follow-up are recorded by ``results.py``. These verbs flush, never
commit (the caller commits once), and raise DomainError with a Chinese message naming the field or
the rule. Programme-specific rules come from the catalogue (rule hooks), never from programme names
here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ..audit import set_reason
from ..catalogue import LEVELS, catalogue
from ..certificates.operations import holds_counted_certificate
from ..common import plain_number, today
from ..errors import DomainError
from ..organisations.models import Enterprise, TrainingBase
from ..trainees.models import Trainee
from .models import SESSION_KINDS, SESSION_MODES, SESSION_STATUSES, Enrollment, TrainingSession

#: Allowed moves between session states (issue 3: planned → open → in progress → completed → closed),
#: the next state first: the session page offers them in this order, so the move it proposes is forward.
TRANSITIONS = {
    "planned": ("open",),
    "open": ("in_progress", "planned"),
    "in_progress": ("completed",),
    "completed": ("closed", "in_progress"),
    "closed": (),
}
ENROLLING_STATES = ("planned", "open", "in_progress")


@dataclass
class SessionData:
    programme_code: str
    occupation_code: str
    level: int | None
    kind: str
    start_date: date
    end_date: date
    planned_hours: int
    capacity: int
    place: str = ""
    mode: str = "offline"
    enterprise_id: int | None = None


def rule_hook(session: TrainingSession, name: str):
    """The session's programme's rule hook of this name (catalogue ``Programme.rules``), or None."""
    programme = catalogue.get(session.programme_code)
    return programme.rules.get(name) if programme else None


def enrolment_rule(session: TrainingSession):
    """The programme's ``enrolment_refusal`` rule hook: (session, trainee) → why this person may not
    enrol, or None. ``trainee`` is a Trainee, or for a person not yet registered an unsaved one."""
    return rule_hook(session, "enrolment_refusal")


def enrolment_refusal(session: TrainingSession, trainee: Trainee) -> str | None:
    rule = enrolment_rule(session)
    return rule(session, trainee) if rule else None


def _check_session(base: TrainingBase, data: SessionData, check_recognition: bool = True
                   ) -> tuple[str | None, int | None]:
    """Validate session fields against the base's recognitions and the programme's catalogue entry."""
    programme = catalogue.get(data.programme_code)
    if programme is None:
        raise DomainError("请选择培训项目", "programme_code")
    if base.status != "active":
        raise DomainError(f"培训基地状态为「{base.status_name}」,不能开设班期", "programme_code")
    if data.start_date is None or data.end_date is None:
        raise DomainError("请填写开班和结业日期", "start_date")
    if check_recognition and data.programme_code not in base.recognised_programme_codes(data.start_date):
        raise DomainError(f"本基地在开班日期未获「{programme.name}」项目认定", "programme_code")
    occupation = programme.occupation(data.occupation_code)
    if occupation is None:
        raise DomainError(f"「{programme.name}」没有该职业(工种)或专项", "occupation_code")
    level = None
    if occupation.special:
        if data.level:
            raise DomainError(f"「{occupation.name}」是专项职业能力,不分等级", "level")
    else:
        if data.level not in occupation.levels:
            allowed = "、".join(LEVELS[level] for level in occupation.levels)
            raise DomainError(f"「{occupation.name}」可选等级为:{allowed}", "level")
        level = data.level
    if data.kind not in SESSION_KINDS or data.kind not in programme.session_kinds:
        allowed = "、".join(SESSION_KINDS[k] for k in programme.session_kinds)
        raise DomainError(f"「{programme.name}」的班期类型可选:{allowed}", "kind")
    if data.mode not in SESSION_MODES:
        raise DomainError("培训方式无效", "mode")
    check_dates(data.start_date, data.end_date)
    if not data.planned_hours or data.planned_hours <= 0:
        raise DomainError("计划学时应为正整数", "planned_hours")
    if not data.capacity or data.capacity <= 0:
        raise DomainError("班期容量应为正整数", "capacity")
    rule = programme.rules.get("minimum_pass_hours")
    minimum = rule(occupation.code) if rule else None
    if minimum and data.planned_hours < minimum[0]:
        raise DomainError(f"计划学时低于政策要求:{minimum[1]}", "planned_hours")
    if data.kind == "apprentice" and (
        not data.enterprise_id or db.session.get(Enterprise, data.enterprise_id) is None
    ):
        raise DomainError("学徒班须选择学徒所在企业", "enterprise_id")
    track = programme.track_of(occupation.code)
    return (track.code if track else None), level


def _next_code(base: TrainingBase, year: int) -> str:
    prefix = f"{year}-{base.id:04d}-"
    last = db.session.scalar(
        select(func.max(TrainingSession.code)).where(TrainingSession.code.like(prefix + "%"))
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def create_session(base: TrainingBase, data: SessionData, check_recognition: bool = True) -> TrainingSession:
    """Open a new session (班期) at a base; its code is year-base-sequence.

    ``check_recognition=False`` when the caller has checked the base under its own rule instead: an
    approved apprenticeship filing's agency may be a school without a programme recognition.
    """
    track_code, level = _check_session(base, data, check_recognition)
    for _ in range(5):  # two clerks may take the same sequence at once: retry on the unique code
        session = TrainingSession(
            code=_next_code(base, data.start_date.year), base_id=base.id, programme_code=data.programme_code,
            track_code=track_code, occupation_code=data.occupation_code, level=level, kind=data.kind,
            start_date=data.start_date, end_date=data.end_date, planned_hours=data.planned_hours,
            capacity=data.capacity, place=(data.place or "").strip(), mode=data.mode,
            enterprise_id=data.enterprise_id if data.kind == "apprentice" else None, status="planned",
        )
        try:
            with db.session.begin_nested():
                db.session.add(session)
        except IntegrityError:
            continue
        return session
    raise DomainError("班期编号冲突,请重试")


def active_count(session: TrainingSession) -> int:
    return db.session.scalar(
        select(func.count(Enrollment.id)).where(Enrollment.session_id == session.id, Enrollment.status != "withdrawn")
    ) or 0


def programme_check(session: TrainingSession, hook: str, *args) -> None:
    """A programme's own guard on changing one of its sessions (rule hooks ``check_session_move``
    (session, target, on) and ``check_session_update`` (session, data)): it raises DomainError to refuse."""
    guard = rule_hook(session, hook)
    if guard:
        guard(session, *args)


#: What a session's plan keeps once training has begun (the rest may change until it finishes).
FIXED_ONCE_STARTED = ("programme_code", "occupation_code", "level", "start_date")


def check_dates(start: date, end: date) -> None:
    """A session ends on or after the day it starts (the form asks this beside its other fields)."""
    if end < start:
        raise DomainError("结业日期不能早于开班日期", "end_date")


def plan_refusal(session: TrainingSession) -> str | None:
    """Why this session's plan can no longer change at all (the edit page says so before any typing)."""
    if session.status in ("completed", "closed"):
        return f"班期{session.status_name},不能修改计划"
    return None


def fixed_plan_fields(session: TrainingSession) -> tuple[str, ...]:
    """The SessionData fields this session's plan keeps as they are now."""
    return FIXED_ONCE_STARTED if session.status == "in_progress" else ()


def update_session(session: TrainingSession, data: SessionData) -> TrainingSession:
    """Change a session's plan while it has not finished."""
    refusal = plan_refusal(session)
    if refusal:
        raise DomainError(refusal)
    programme_check(session, "check_session_update", data)
    if any(getattr(data, name) != getattr(session, name) for name in fixed_plan_fields(session)):
        raise DomainError("培训已开始,项目、职业(工种)、等级和开班日期不能再修改")
    track_code, level = _check_session(session.base, data)
    enrolled = active_count(session)
    if data.capacity < enrolled:
        raise DomainError(f"容量不能小于已报名人数({enrolled} 人)", "capacity")
    recorded = db.session.scalar(
        select(func.max(Enrollment.attended_hours)).where(Enrollment.session_id == session.id)
    )
    if recorded is not None and data.planned_hours < recorded:
        raise DomainError(f"计划学时不能少于已为学员录入的实到学时(最多 {plain_number(recorded)} 学时)", "planned_hours")
    for field in ("programme_code", "occupation_code", "kind", "start_date", "end_date", "planned_hours",
                  "capacity", "mode"):
        setattr(session, field, getattr(data, field))
    session.track_code, session.level = track_code, level
    session.place = (data.place or "").strip()
    session.enterprise_id = data.enterprise_id if data.kind == "apprentice" else None
    db.session.flush()
    return session


def move_session(session: TrainingSession, target: str, on: date | None = None) -> TrainingSession:
    """Move a session to another state, guarded by its dates and results."""
    on = on or today()
    if target not in SESSION_STATUSES or target not in TRANSITIONS[session.status]:
        raise DomainError(
            f"班期当前为「{session.status_name}」,不能改为「{SESSION_STATUSES.get(target, target)}」", "status"
        )
    programme_check(session, "check_session_move", target, on)
    if target == "in_progress" and on < session.start_date:
        raise DomainError(f"开班日期 {session.start_date} 未到,不能开始培训", "status")
    if target == "completed" and on < session.end_date:
        raise DomainError(f"结业日期 {session.end_date} 未到,不能结业", "status")
    if target == "closed":
        missing = db.session.scalar(
            select(func.count(Enrollment.id)).where(
                Enrollment.session_id == session.id, Enrollment.status != "withdrawn", Enrollment.result.is_(None)
            )
        )
        if missing:
            raise DomainError(f"尚有 {missing} 名学员未录入考核结果,不能归档", "status")
    session.status = target
    db.session.flush()
    return session


def lock_session(session: TrainingSession) -> TrainingSession:
    """Lock the session's row until commit, and re-read it: two clerks enrolling at once take turns,
    so the second counts the first's enrollments (PostgreSQL; SQLite locks the whole file on write)."""
    return db.session.scalars(
        select(TrainingSession).where(TrainingSession.id == session.id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def check_can_enrol(session: TrainingSession, adding: int = 1) -> None:
    lock_session(session)
    if session.status not in ENROLLING_STATES:
        raise DomainError(f"班期{session.status_name},不能再报名")
    remaining = session.capacity - active_count(session)
    if adding > remaining:
        raise DomainError(f"班期容量 {session.capacity} 人,剩余 {max(remaining, 0)} 个名额")


def withdrawn_note(withdrawn_on: date | None) -> str:
    """已于 2026-03-02 退出本班期(退训), the date when known."""
    on = f"已于 {withdrawn_on:%Y-%m-%d} " if withdrawn_on else "已"
    return f"{on}退出本班期(退训)"


def enrol(session: TrainingSession, trainee: Trainee) -> Enrollment:
    """Enrol a trainee; the same person cannot be enrolled twice in one session."""
    existing = db.session.scalar(
        select(Enrollment).where(Enrollment.session_id == session.id, Enrollment.trainee_id == trainee.id)
    )
    if existing is not None:
        if existing.status == "withdrawn":
            raise DomainError(f"{trainee.name} {withdrawn_note(existing.withdrawn_on)},不能再次报名本班期;"
                              "如系误操作或学员返回,请在学员名单中撤销退训",
                              "document_number")
        raise DomainError(f"{trainee.name} 已在本班期报名", "document_number")
    refusal = enrolment_refusal(session, trainee)
    if refusal:
        raise DomainError(f"{trainee.name}:{refusal}")
    check_can_enrol(session)
    enrollment = Enrollment(session_id=session.id, trainee_id=trainee.id, status="enrolled")
    db.session.add(enrollment)
    db.session.flush()
    return enrollment


def enrol_person(session: TrainingSession, data, registered_base_id: int | None = None):
    """Enrol by document: a known person is found (the typed name must agree), a new one registered.

    Returns (enrollment, created, warnings).
    """
    from ..identifiers import mask_name
    from ..trainees.operations import find_trainee, register_trainee

    check_can_enrol(session)
    trainee = find_trainee(data.document_type, data.document_number)
    if trainee is not None:
        typed = "".join((data.name or "").split())
        if typed and typed != "".join(trainee.name.split()):
            raise DomainError(f"姓名与该证件已登记的姓名({mask_name(trainee.name)})不一致,请核对", "name")
        return enrol(session, trainee), False, []
    registration = register_trainee(data, registered_base_id=registered_base_id)
    return enrol(session, registration.trainee), True, registration.warnings


def withdraw(enrollment: Enrollment, on: date, reason: str) -> Enrollment:
    """Withdraw a trainee with a reason; the record stays, the place is freed."""
    if enrollment.status == "withdrawn":
        raise DomainError("该学员已退训")
    if enrollment.result is not None:
        raise DomainError("已有考核结果的学员不能退训")
    if holds_counted_certificate(enrollment):
        raise DomainError("该学员已获发本班期的证书,不能退训;如证书有误,请先撤销证书")
    if not (reason or "").strip():
        raise DomainError("请填写退训原因", "withdrawal_reason")
    if on is None or on > today():
        raise DomainError("退训日期不能为空或晚于今天", "withdrawn_on")
    enrollment.status = "withdrawn"
    enrollment.withdrawn_on = on
    enrollment.withdrawal_reason = reason.strip()
    db.session.flush()
    return enrollment


def cancel_withdrawal(enrollment: Enrollment, reason: str) -> Enrollment:
    """Put a withdrawn trainee back on the roster (a withdrawal made by mistake, or a trainee who came
    back) while there is a place: the session is re-checked as for enrolling (capacity, the programme's
    enrolment rule and its ``reinstatement_refusal`` hook). The withdrawal's date and reason leave the
    row; the audit log keeps them, with this reason."""
    if enrollment.status != "withdrawn":
        raise DomainError("该学员不是退训状态")
    if not (reason or "").strip():
        raise DomainError("请填写撤销退训的原因", "reason")
    session = lock_session(enrollment.session)
    if session.status == "closed":
        raise DomainError("班期已归档,不能撤销退训")
    if active_count(session) >= session.capacity:
        raise DomainError(f"班期容量 {session.capacity} 人已满,不能撤销退训")
    trainee = enrollment.trainee
    refusal = enrolment_refusal(session, trainee) or _reinstatement_refusal(session, enrollment)
    if refusal:
        raise DomainError(f"{trainee.name}:{refusal}")
    set_reason(db.session, f"撤销退训:{reason.strip()}")
    enrollment.status = "enrolled"
    enrollment.withdrawn_on = None
    enrollment.withdrawal_reason = None
    db.session.flush()
    return enrollment


def _reinstatement_refusal(session: TrainingSession, enrollment: Enrollment) -> str | None:
    """The programme's ``reinstatement_refusal`` hook: (enrollment) → why this withdrawal stands, or None
    (an apprentice who reported leaving the enterprise left the plan, not just the class)."""
    hook = rule_hook(session, "reinstatement_refusal")
    return hook(enrollment) if hook else None
