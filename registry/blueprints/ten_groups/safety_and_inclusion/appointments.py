"""Heads and safety managers of high-risk enterprises: the day each took the post, and whether they
passed the safety assessment in time (004 之九 二).

"落实高危企业主要负责人和安全管理人员初次安全培训时间不得少于48学时,每年再培训时间不得少于16学时,
自任职之日起6个月内,必须经安全生产监管部门对其安全生产知识和管理能力考核合格".

An appointment's standing is read from the person's enrollments in this programme's sessions (a pass
counts only with the policy's hours attended: 48 for the initial training, 16 for a refresher):

* 合格 — passed the initial training (主要负责人和安全管理人员初次培训) before taking the post or
  within six months of it, and passed it or a refresher in the last year;
* 待考核 — no pass yet, and the six months (``assessment_due_on``, the same day six months on) have
  not run out: the day itself still counts;
* 逾期未考核 — no pass, the day after the six months and later;
* 逾期后考核合格 — passed, but only after the six months (the record of the late pass is kept);
* 年度再培训逾期 — passed, but the latest pass (initial or refresher) is more than a year old: the
  refresher was due one year after it (the certificate of this training is valid one year);
* 已离任 — left the post (the record stays).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, or_, select

from registry.domain.common import add_months, today
from registry.domain.errors import DomainError
from registry.domain.organisations.models import Enterprise
from registry.domain.training.models import Enrollment, TrainingSession
from registry.extensions import db

from ..rules import SAFETY, SAFETY_MINIMUM_HOURS
from .models import APPOINTMENT_STANDINGS, HIGH_RISK_INDUSTRIES, SAFETY_POSTS, SafetyAppointment
from registry.domain.trainees.operations import PersonData, find_or_register

INITIAL = "safety_manager_initial"
REFRESHER = "safety_manager_refresher"
#: 004 之九 二: assessed within 6 months of taking the post.
ASSESSMENT_MONTHS = 6
#: 004 之九 二: "每年再培训".
REFRESHER_MONTHS = 12
EARLIEST = date(2000, 1, 1)
STANDING_RULE = ("自任职之日起6个月内须考核合格(初次培训不少于48学时);此后每年再培训不少于16学时,"
                 "距上次合格满一年未再培训的为「年度再培训逾期」(穗人社函〔2020〕22号 之九 二)")
#: Standings that need the bureau's attention.
OVERDUE = ("overdue", "refresher_overdue")


@dataclass
class AppointmentData:
    enterprise_id: int | None
    post: str
    industry: str
    took_post_on: date | None
    note: str = ""


def assessment_due(took_post_on: date) -> date:
    """The last day to pass: the same day six months on (the month's last day when it has none)."""
    return add_months(took_post_on, ASSESSMENT_MONTHS)


def _check(data: AppointmentData, on: date) -> dict:
    if not data.enterprise_id or db.session.get(Enterprise, data.enterprise_id) is None:
        raise DomainError("请选择「任职企业」", "enterprise_id")
    if data.post not in SAFETY_POSTS:
        raise DomainError("请选择「岗位」(主要负责人或安全管理人员)", "post")
    if data.industry not in HIGH_RISK_INDUSTRIES:
        raise DomainError("请选择「高危行业」", "industry")
    if data.took_post_on is None:
        raise DomainError("请填写「任职日期」", "took_post_on")
    if not EARLIEST <= data.took_post_on <= on:
        raise DomainError(f"「任职日期」应在 {EARLIEST:%Y-%m-%d} 与今天之间", "took_post_on")
    note = (data.note or "").strip()
    if len(note) > 2000:
        raise DomainError("「备注」不能超过 2000 个字", "note")
    return dict(enterprise_id=data.enterprise_id, post=data.post, industry=data.industry,
                took_post_on=data.took_post_on, assessment_due_on=assessment_due(data.took_post_on), note=note)


def _check_not_held(trainee_id: int, values: dict, appointment: SafetyAppointment | None) -> None:
    held = db.session.scalar(select(SafetyAppointment).where(
        SafetyAppointment.trainee_id == trainee_id, SafetyAppointment.enterprise_id == values["enterprise_id"],
        SafetyAppointment.post == values["post"], SafetyAppointment.left_post_on.is_(None)))
    if held is not None and held is not appointment:
        raise DomainError(f"此人已登记在该企业担任{held.post_name}(任职日期 {held.took_post_on:%Y-%m-%d}),"
                          "不能重复登记;如已离任后再任职,请先登记离任", "post")


def add_appointment(person: PersonData, data: AppointmentData, on: date | None = None,
                    registered_base_id: int | None = None, registered_district_id: int | None = None
                    ) -> SafetyAppointment:
    """Record that a person took the post; the person is found by document or registered (by the
    user's unit, ``permissions.registering_unit``)."""
    values = _check(data, on or today())
    trainee = find_or_register(person, registered_base_id, registered_district_id).trainee
    _check_not_held(trainee.id, values, None)
    appointment = SafetyAppointment(trainee_id=trainee.id, **values)
    db.session.add(appointment)
    db.session.flush()
    return appointment


def update_appointment(appointment: SafetyAppointment, data: AppointmentData, on: date | None = None
                       ) -> SafetyAppointment:
    """Correct the post, enterprise, industry or day; the due day follows the day."""
    values = _check(data, on or today())
    if appointment.left_post_on and values["took_post_on"] > appointment.left_post_on:
        raise DomainError(f"「任职日期」不能晚于离任日期 {appointment.left_post_on:%Y-%m-%d}", "took_post_on")
    _check_not_held(appointment.trainee_id, values, appointment)
    for key, value in values.items():
        setattr(appointment, key, value)
    db.session.flush()
    return appointment


def end_appointment(appointment: SafetyAppointment, left_on: date | None, on: date | None = None
                    ) -> SafetyAppointment:
    """The person left the post: no more assessments are due; the record stays."""
    on = on or today()
    if appointment.left_post_on is not None:
        raise DomainError(f"已于 {appointment.left_post_on:%Y-%m-%d} 登记离任")
    if left_on is None:
        raise DomainError("请填写「离任日期」", "left_post_on")
    if not appointment.took_post_on <= left_on <= on:
        raise DomainError(f"「离任日期」应在任职日期 {appointment.took_post_on:%Y-%m-%d} 与今天之间", "left_post_on")
    appointment.left_post_on = left_on
    db.session.flush()
    return appointment


# --- standing ---------------------------------------------------------------------------------------

def _passes(aggregate, on: date, *occupations: str):
    """The first or last day (``aggregate``) up to ``on`` the appointee passed this programme's sessions
    of these occupations with the policy's hours attended, as a scalar subquery."""
    hours = or_(*(and_(TrainingSession.occupation_code == code, Enrollment.attended_hours >= SAFETY_MINIMUM_HOURS[code])
                  for code in occupations))
    return (select(aggregate(Enrollment.assessed_on))
            .join(TrainingSession, Enrollment.session_id == TrainingSession.id)
            .where(Enrollment.trainee_id == SafetyAppointment.trainee_id, Enrollment.status != "withdrawn",
                   Enrollment.result == "passed", Enrollment.assessed_on <= on,
                   TrainingSession.programme_code == SAFETY.code, hours)
            .scalar_subquery())


def first_initial_pass(on: date):
    """The day the appointee first passed the initial training (before or after taking the post), or NULL."""
    return _passes(func.min, on, INITIAL)


def last_pass(on: date):
    """The day of the appointee's latest pass, initial or refresher, or NULL."""
    return _passes(func.max, on, INITIAL, REFRESHER)


def refresher_cutoff(on: date) -> date:
    """The earliest last pass that is not yet overdue on ``on``: a refresher is due REFRESHER_MONTHS
    after the last pass (add_months), and is overdue the day after."""
    day = add_months(on, -REFRESHER_MONTHS)
    while add_months(day - timedelta(days=1), REFRESHER_MONTHS) >= on:
        day -= timedelta(days=1)
    while add_months(day, REFRESHER_MONTHS) < on:
        day += timedelta(days=1)
    return day


def standing_expression(on: date):
    """An appointment's standing on ``on`` in SQL (APPOINTMENT_STANDINGS), so lists filter and count it."""
    first, last = first_initial_pass(on), last_pass(on)
    return case(
        (SafetyAppointment.left_post_on.is_not(None), "left"),
        (and_(first.is_(None), SafetyAppointment.assessment_due_on >= on), "pending"),
        (first.is_(None), "overdue"),
        (last < refresher_cutoff(on), "refresher_overdue"),
        (first > SafetyAppointment.assessment_due_on, "late"),
        else_="qualified",
    )


@dataclass
class Standing:
    code: str
    first_initial_pass: date | None
    last_pass: date | None
    due_on: date
    on: date

    @property
    def name(self) -> str:
        return STANDING_NAMES[self.code]

    @property
    def days_left(self) -> int:
        return (self.due_on - self.on).days

    @property
    def refresher_due_on(self) -> date | None:
        return add_months(self.last_pass, REFRESHER_MONTHS) if self.last_pass else None


STANDING_NAMES = {**APPOINTMENT_STANDINGS, "late": "逾期后考核合格"}


def standings(condition, on: date) -> list:
    """(appointment, Standing) for the appointments meeting ``condition``."""
    return [(a, Standing(code, first, last, a.assessment_due_on, on)) for a, code, first, last in db.session.execute(
        select(SafetyAppointment, standing_expression(on), first_initial_pass(on), last_pass(on)).where(condition))]


def standing_of(appointment: SafetyAppointment, on: date | None = None) -> Standing:
    return standings(SafetyAppointment.id == appointment.id, on or today())[0][1]


def counts_by_standing(visible, on: date) -> dict[str, int]:
    """How many appointments the viewer sees in each standing (every standing present)."""
    standing = standing_expression(on).label("standing")
    rows = db.session.execute(
        select(standing, func.count()).select_from(SafetyAppointment).where(visible).group_by(standing)).all()
    counts = dict.fromkeys(STANDING_NAMES, 0)
    counts.update({key: n for key, n in rows})
    return counts


def training_of(appointment: SafetyAppointment) -> list[Enrollment]:
    """The appointee's enrollments in this programme's manager trainings, newest first."""
    return db.session.scalars(
        select(Enrollment).join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .where(Enrollment.trainee_id == appointment.trainee_id, TrainingSession.programme_code == SAFETY.code,
               TrainingSession.occupation_code.in_((INITIAL, REFRESHER)))
        .order_by(TrainingSession.start_date.desc())
    ).all()
