"""Verbs on apprenticeship filings (企业新型学徒制备案): the agency, the draft, submit, district review,
entering the plan, training start, the one-off special subsidy years. The apprentices themselves (their
checks, adding them, leaving reports) are in apprentices.py; what both share is in policy.py.

Every rule cites 穗人社函〔2020〕22号 (shared/policy/004_1a0f249341a7ab5a.txt) 之四 and its item;
the windows and percentages are rule parameters (subsidies/parameters.py), never figures here.
The operations flush, never commit, and raise DomainError with a Chinese message naming the rule.
The advance and final claims on a filing are in claims.py beside this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ..audit import set_reason
from ..catalogue import Programme
from ..errors import DomainError
from ..organisations.models import BaseRecognition, Enterprise, TrainingBase
from ..subsidies import parameters
from ..subsidies.workdays import Deadline, add_working_days
from ..training import operations as training
from ..training.models import Enrollment, TrainingSession
from .apprentices import check_person
from .models import Apprentice, ApprenticeshipFiling, SpecialSubsidyGrant
from .policy import filing_programme, require_draft, rule

#: 004 之四 二(二): technical and vocational schools may train apprentices as they are …
SCHOOL_KINDS = ("technical_school", "vocational_school")
#: … training institutions and enterprise centres when approved and inspected (recognised for the programme).
RECOGNISED_KINDS = ("training_institution", "enterprise_centre")


# --- agencies -----------------------------------------------------------------------------------

def check_agency(agency: TrainingBase | None, programme: Programme, on: date) -> None:
    """004 之四 二(二): a technical or vocational school, or an approved, inspected training institution
    or enterprise training centre (in the registry: recognised for the programme on the day)."""
    if agency is None:
        raise DomainError("请选择培训机构", "agency_id")
    if agency.status != "active":
        raise DomainError(f"培训机构「{agency.name}」状态为「{agency.status_name}」,不能承担学徒培训"
                          f"({rule('二(二)')})", "agency_id")
    if agency.kind in SCHOOL_KINDS:
        return
    if agency.kind not in RECOGNISED_KINDS:
        raise DomainError(f"「{agency.name}」是{agency.kind_name}:承担学徒培训的须为技工院校、职业院校,或经人社部门批准设立、"
                          f"年检合格的职业培训机构、企业培训中心({rule('二(二)')})", "agency_id")
    if programme.code not in agency.recognised_programme_codes(on):
        raise DomainError(f"{agency.kind_name}「{agency.name}」在 {on:%Y-%m-%d} 未获「{programme.name}」项目认定"
                          f"(经批准设立且年检合格),不能承担学徒培训({rule('二(二)')})", "agency_id")


def eligible_agencies(programme: Programme, on: date) -> list[TrainingBase]:
    """The agencies check_agency accepts on ``on``, by name (for the filing form)."""
    recognised = exists(select(BaseRecognition.id).where(
        BaseRecognition.base_id == TrainingBase.id, BaseRecognition.programme_code == programme.code,
        BaseRecognition.recognised_on <= on,
        or_(BaseRecognition.valid_until.is_(None), BaseRecognition.valid_until >= on),
    ))
    return list(db.session.scalars(
        select(TrainingBase).where(
            TrainingBase.status == "active",
            or_(TrainingBase.kind.in_(SCHOOL_KINDS), TrainingBase.kind.in_(RECOGNISED_KINDS) & recognised),
        ).order_by(TrainingBase.name)
    ))


# --- the one-off special training subsidy -------------------------------------------------------

def special_grant(enterprise_id: int, year: int) -> SpecialSubsidyGrant | None:
    return db.session.scalar(select(SpecialSubsidyGrant).where(
        SpecialSubsidyGrant.enterprise_id == enterprise_id, SpecialSubsidyGrant.year == year))


def check_no_special_grant(enterprise: Enterprise, year: int) -> None:
    """004 之四 三(四): an enterprise funded by (or planned for) the one-off special training subsidy
    may not file apprentices for that year."""
    if special_grant(enterprise.id, year) is not None:
        raise DomainError(f"「{enterprise.name}」{year} 年已申领或列入一次性特别培训补助计划,不得再报当年度新型学徒培训项目"
                          f"({rule('三(四)')})", "plan_start")


def record_special_grant(enterprise: Enterprise | None, year: int | None, note: str, on: date) -> SpecialSubsidyGrant:
    """Bureau staff record a year in which the enterprise took the one-off special training subsidy."""
    if enterprise is None:
        raise DomainError("请选择企业", "enterprise_id")
    if year is None or not 2000 <= year <= on.year + 1:
        raise DomainError(f"年度应在 2000 至 {on.year + 1} 之间", "year")
    if special_grant(enterprise.id, year) is not None:
        raise DomainError(f"「{enterprise.name}」{year} 年的一次性特别培训补助已登记", "year")
    grant = SpecialSubsidyGrant(enterprise_id=enterprise.id, year=year, note=(note or "").strip())
    db.session.add(grant)
    db.session.flush()
    return grant


def remove_special_grant(grant: SpecialSubsidyGrant, reason: str) -> None:
    """A grant recorded by mistake is removed with a reason (the audit log keeps the row)."""
    if not (reason or "").strip():
        raise DomainError("删除须填写原因", "reason")
    set_reason(db.session, reason.strip())
    db.session.delete(grant)
    db.session.flush()


# --- the filing ---------------------------------------------------------------------------------

@dataclass
class FilingData:
    agency_id: int | None
    agreement_number: str
    agreement_signed_on: date | None
    plan_start: date | None
    plan_end: date | None
    planned_hours: int | None
    programme_code: str | None = None


def _check_filing(programme: Programme, data: FilingData, on: date) -> TrainingBase:
    agency = db.session.get(TrainingBase, data.agency_id) if data.agency_id else None
    check_agency(agency, programme, on)
    if not (data.agreement_number or "").strip():
        raise DomainError(f"请填写与培训机构签订的学徒制培训合作协议编号({rule('二(一)')})", "agreement_number")
    if len(data.agreement_number.strip()) > 64:
        raise DomainError("合作协议编号不超过 64 个字符", "agreement_number")
    if data.agreement_signed_on is None:
        raise DomainError(f"请填写合作协议签订日期({rule('二(一)')})", "agreement_signed_on")
    if data.agreement_signed_on > on:
        raise DomainError("合作协议签订日期不能晚于今天", "agreement_signed_on")
    if data.plan_start is None or data.plan_end is None:
        raise DomainError("请填写培训计划的开始和结束日期", "plan_start" if data.plan_start is None else "plan_end")
    if data.plan_end < data.plan_start:
        raise DomainError("培训计划结束日期不能早于开始日期", "plan_end")
    if not data.planned_hours or data.planned_hours <= 0:
        raise DomainError("培训方案的计划学时应为正整数", "planned_hours")
    return agency


def _filing_number(district_code: str, year: int) -> str:
    prefix = f"BA{year}-{district_code}-"
    last = db.session.scalar(select(func.max(ApprenticeshipFiling.number))
                             .where(ApprenticeshipFiling.number.startswith(prefix)))
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:05d}"


def create_filing(enterprise: Enterprise, data: FilingData, on: date) -> ApprenticeshipFiling:
    """A draft filing with the district bureau of the enterprise's registration (004 之四 二(一))."""
    programme = filing_programme(data.programme_code)
    agency = _check_filing(programme, data, on)
    check_no_special_grant(enterprise, data.plan_start.year)
    for _ in range(5):  # two enterprises of a district may take the same serial at once
        filing = ApprenticeshipFiling(
            number=_filing_number(enterprise.district.code, on.year), programme_code=programme.code,
            enterprise_id=enterprise.id, district_id=enterprise.district_id, agency_id=agency.id,
            agreement_number=data.agreement_number.strip(), agreement_signed_on=data.agreement_signed_on,
            plan_start=data.plan_start, plan_end=data.plan_end, planned_hours=data.planned_hours, status="draft",
        )
        try:
            with db.session.begin_nested():
                db.session.add(filing)
        except IntegrityError:
            continue
        return filing
    raise DomainError("备案编号冲突,请重试")


def update_filing(filing: ApprenticeshipFiling, data: FilingData, on: date) -> ApprenticeshipFiling:
    """Change a draft (the programme stays as filed)."""
    require_draft(filing)
    agency = _check_filing(filing.programme, data, on)
    check_no_special_grant(filing.enterprise, data.plan_start.year)
    filing.agency_id, filing.agreement_number = agency.id, data.agreement_number.strip()
    filing.agreement_signed_on, filing.plan_start, filing.plan_end = (
        data.agreement_signed_on, data.plan_start, data.plan_end)
    filing.planned_hours = data.planned_hours
    filing.district_id = filing.enterprise.district_id
    db.session.flush()
    return filing


# --- submission and review ----------------------------------------------------------------------

def _recheck(filing: ApprenticeshipFiling, on: date) -> None:
    """The rules that depend on other records, again at submission and approval."""
    check_agency(filing.agency, filing.programme, on)
    check_no_special_grant(filing.enterprise, filing.year)
    for apprentice in filing.apprentices:
        if apprentice.left_on is None:
            check_person(filing, apprentice.trainee, apprentice.occupation_code, apprentice.level, apprentice.id)


def submit_filing(filing: ApprenticeshipFiling, on: date) -> ApprenticeshipFiling:
    """File the draft; the district reviews within the working days in force (004 之四 二(四))."""
    require_draft(filing)
    if not filing.apprentices:
        raise DomainError("请先添加学徒,再提交备案")
    if not filing.planned_hours:
        raise DomainError("请填写培训方案的计划学时", "planned_hours")
    _recheck(filing, on)
    deadline = add_working_days(on, parameters.value("review_working_days", on))
    filing.status, filing.submitted_on = "submitted", on
    filing.review_due_on, filing.due_date_estimated = deadline.day, not deadline.from_calendar
    db.session.flush()
    return filing


@dataclass(frozen=True)
class FilingClock:
    due_on: date | None
    overdue: bool
    #: Set when the due date was counted without the holiday calendar (an estimate).
    warning: str


def review_clock(filing: ApprenticeshipFiling, on: date) -> FilingClock:
    """The review's due date (004 之四 二(四): 30 working days) and whether it has passed undecided."""
    warning = Deadline(filing.review_due_on, False).warning if filing.due_date_estimated else ""
    overdue = filing.status == "submitted" and filing.review_due_on is not None and on > filing.review_due_on
    return FilingClock(filing.review_due_on, overdue, warning)


def reject_filing(filing: ApprenticeshipFiling, on: date, reviewer: str, note: str) -> ApprenticeshipFiling:
    """未能通过评估的,不予备案 (004 之四 二(四)): with the reason."""
    if filing.status != "submitted":
        raise DomainError(f"只能审核待审核的备案(当前状态:{filing.status_name})")
    if not (note or "").strip():
        raise DomainError("不予备案须填写理由", "note")
    filing.status, filing.decided_on, filing.decided_by, filing.decision_note = "rejected", on, reviewer, note.strip()
    db.session.flush()
    return filing


def approve_filing(filing: ApprenticeshipFiling, on: date, reviewer: str, note: str = "") -> ApprenticeshipFiling:
    """评估通过的,予以备案 and enter the plan with real-name records (004 之四 二(四)): one 学徒班 per
    occupation and level at the agency, for the plan's dates, with every apprentice still there enrolled."""
    if filing.status != "submitted":
        raise DomainError(f"只能审核待审核的备案(当前状态:{filing.status_name})")
    _recheck(filing, on)
    staying = sorted((a for a in filing.apprentices if a.left_on is None),
                     key=lambda a: (a.occupation_code, a.level or 0, a.id))
    if not staying:
        raise DomainError("备案中的学徒均已离职,没有可列入培训计划的学徒")
    for (occupation_code, level), group in groupby(staying, key=lambda a: (a.occupation_code, a.level)):
        group = list(group)
        session = training.create_session(filing.agency, training.SessionData(
            programme_code=filing.programme_code, occupation_code=occupation_code, level=level, kind="apprentice",
            start_date=filing.plan_start, end_date=filing.plan_end, planned_hours=filing.planned_hours,
            capacity=len(group), place=filing.agency.address or "", enterprise_id=filing.enterprise_id,
        ), check_recognition=False)  # the agency was checked under 004 之四 二(二) above
        for apprentice in group:
            apprentice.enrollment_id = training.enrol(session, apprentice.trainee).id
    filing.status, filing.decided_on, filing.decided_by = "approved", on, reviewer
    filing.decision_note = (note or "").strip() or None
    db.session.flush()
    return filing


def plan_sessions(filing: ApprenticeshipFiling) -> list[TrainingSession]:
    """The 学徒班 the filing's apprentices were enrolled in on approval."""
    return list(db.session.scalars(
        select(TrainingSession).where(TrainingSession.id.in_(
            select(Enrollment.session_id).join(Apprentice, Apprentice.enrollment_id == Enrollment.id)
            .where(Apprentice.filing_id == filing.id)
        )).order_by(TrainingSession.occupation_code, TrainingSession.level)
    ))


# --- training start and leaving -----------------------------------------------------------------

def start_window_closes(filing: ApprenticeshipFiling) -> date | None:
    """备案后60天内实施学徒制培训方案 (004 之四 二(五)): the last day training may start."""
    if filing.decided_on is None or filing.status != "approved":
        return None
    return filing.decided_on + timedelta(days=parameters.value("advance_claim_days", filing.decided_on))


def record_training_start(filing: ApprenticeshipFiling, started_on: date | None, on: date) -> ApprenticeshipFiling:
    """The day training actually started; a start after the window is kept and flagged, not refused."""
    if filing.status != "approved":
        raise DomainError("只有已备案的培训计划可以登记开训日期")
    if started_on is None:
        raise DomainError("请填写开训日期", "started_on")
    if started_on > on:
        raise DomainError("开训日期不能晚于今天", "started_on")
    filing.training_started_on = started_on
    db.session.flush()
    return filing


def training_start_flag(filing: ApprenticeshipFiling, on: date) -> str:
    """Why the training start is out of time (004 之四 二(五)), or ''."""
    closes = start_window_closes(filing)
    if closes is None:
        return ""
    days = (closes - filing.decided_on).days
    if filing.training_started_on is not None:
        if filing.training_started_on > closes:
            return (f"开训日期 {filing.training_started_on:%Y-%m-%d} 晚于备案后 {days} 天({closes:%Y-%m-%d})"
                    f"({rule('二(五)')})")
        return ""
    if on > closes:
        return f"备案后 {days} 天({closes:%Y-%m-%d})内未登记开训({rule('二(五)')})"
    return ""

