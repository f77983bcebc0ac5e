"""Recording what happened in a session: each enrollment's attended hours, result, score and
assessment, the employment follow-up, and the programme's rules on them (minimum hours for a pass,
the assessments it certifies, who may still change a closed session's records).

Kept apart from ``operations.py`` (planning, state moves, enrolment) because results pages, result
imports and the demo record results without touching the rest. Like the operations, these flush and
never commit, and raise DomainError naming the field.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from ...extensions import db
from ..audit import set_reason
from ..catalogue import ASSESSMENT_TYPES, catalogue
from ..certificates.operations import holds_counted_certificate
from ..common import plain_number, today
from ..errors import DomainError
from .models import RESULTS, Enrollment, TrainingSession
from .operations import rule_hook

#: Session states in which hours and results may be recorded.
RESULT_STATES = ("in_progress", "completed", "closed")
MAX_SCORE = Decimal("100")


def minimum_pass_hours(session: TrainingSession) -> tuple[int, str] | None:
    """The programme's minimum attended hours for a pass in this session, with the rule's wording."""
    rule = rule_hook(session, "minimum_pass_hours")
    return rule(session.occupation_code) if rule else None


@dataclass
class ResultData:
    attended_hours: Decimal | None = None
    result: str | None = None
    score: Decimal | None = None
    assessed_on: date | None = None
    assessment_type: str | None = None


def _decimal(value, field: str, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(f"{label}应为数字", field) from None
    if not number.is_finite():
        # NaN would fail every comparison below with an exception (a 500), Infinity is no amount.
        raise DomainError(f"{label}应为有效数字,不能填写「{value}」", field)
    try:
        number = number.quantize(Decimal("0.1"))
    except InvalidOperation:
        raise DomainError(f"{label}数值过大", field) from None
    if number < 0:
        raise DomainError(f"{label}不能为负数", field)
    return number


def allowed_assessment_types(session: TrainingSession) -> tuple[str, ...]:
    """职业技能等级认定 for levelled occupations, 专项职业能力考核 for 专项 items; 培训合格评价 for either."""
    programme = catalogue.get(session.programme_code)
    occupation = programme.occupation(session.occupation_code) if programme else None
    if occupation is None:
        return ("training_qualified",)
    kinds = ("special_ability", "training_qualified") if occupation.special else ("skill_level", "training_qualified")
    # Only assessments whose pass earns a certificate the programme issues.
    return tuple(k for k in kinds if programme.certificate_type_for(k) in programme.certificate_types)


def check_result(session: TrainingSession, data: ResultData, on: date) -> ResultData:
    """Validate one trainee's hours and result against the session and the programme's rules."""
    hours = _decimal(data.attended_hours, "attended_hours", "实到学时")
    score = _decimal(data.score, "score", "成绩")
    if hours is not None and hours > session.planned_hours:
        raise DomainError(f"实到学时 {plain_number(hours)} 超过计划学时 {session.planned_hours}", "attended_hours")
    if score is not None and score > MAX_SCORE:
        raise DomainError("成绩应在 0 到 100 之间", "score")
    result = data.result or None
    if result is not None and result not in RESULTS:
        raise DomainError("考核结果应为 合格、不合格 或 缺考", "result")
    if result is None:
        if score is not None or data.assessed_on is not None:
            raise DomainError("填写成绩或考核日期时,请同时填写考核结果", "result")
        return ResultData(hours, None, None, None, None)
    if on < session.start_date:
        raise DomainError(f"班期 {session.start_date} 才开班,不能录入考核结果", "result")
    assessed_on = data.assessed_on
    if assessed_on is None:
        raise DomainError("请填写考核日期", "assessed_on")
    if assessed_on < session.start_date or assessed_on > on:
        raise DomainError(f"考核日期应在开班日期 {session.start_date} 与今天之间", "assessed_on")
    assessment_type = data.assessment_type or None
    allowed = allowed_assessment_types(session)
    if result != "absent" and assessment_type not in allowed:
        raise DomainError("考核类型应为:" + "、".join(ASSESSMENT_TYPES[t] for t in allowed), "assessment_type")
    if result == "absent":
        score = None
    if result == "passed":
        if hours is None:
            raise DomainError("合格须填写实到学时", "attended_hours")
        minimum = minimum_pass_hours(session)
        if minimum and hours < minimum[0]:
            raise DomainError(f"实到学时 {plain_number(hours)} 低于最低要求 {plain_number(minimum[0])} 学时,不能评为合格。依据:{minimum[1]}",
                              "attended_hours")
    return ResultData(hours, result, score, assessed_on, assessment_type)


def not_started(session: TrainingSession) -> str | None:
    """Why no hours or results can be recorded in this session yet (issue 3: no results before the
    session starts), or None once its training is under way."""
    if session.status in RESULT_STATES:
        return None
    return f"班期{session.status_name},培训尚未开始,不能录入学时和结果"


def check_can_change_records(session: TrainingSession, by_bureau: bool, reason: str | None) -> None:
    """After a session is closed only bureau staff change its records, and each change has a reason."""
    if session.status == "closed":
        if not by_bureau:
            raise DomainError("班期已归档,只有人社部门可以修改其记录")
        if not (reason or "").strip():
            raise DomainError("班期已归档,修改须填写原因", "reason")
    refusal = not_started(session)
    if refusal:
        raise DomainError(refusal)


def certificate_refusal(enrollment: Enrollment, checked: ResultData) -> str | None:
    """A certificate issued for this pass stands on it: while the certificate counts, the result stays
    合格 under the same assessment (the certificate's type comes from it). Hours, score and date may
    still be corrected; to undo the pass, the certificate is revoked first."""
    if enrollment.result != "passed" or (
        checked.result == "passed" and checked.assessment_type == enrollment.assessment_type
    ):
        return None
    if not holds_counted_certificate(enrollment):
        return None
    return "该学员已凭此合格结果获发证书,考核结果和考核类型不能更改;如结果确有错误,请先撤销证书"


def record_result(
    enrollment: Enrollment, data: ResultData, on: date | None = None, by_bureau: bool = False, reason: str | None = None
) -> Enrollment:
    """Record one enrollment's hours and result."""
    session = enrollment.session
    check_can_change_records(session, by_bureau, reason)
    if enrollment.status == "withdrawn":
        raise DomainError("已退训的学员不能录入结果", "result")
    checked = check_result(session, data, on or today())
    refusal = certificate_refusal(enrollment, checked)
    if refusal:
        raise DomainError(refusal, "result")
    if reason:
        set_reason(db.session, reason.strip())
    enrollment.attended_hours = checked.attended_hours
    enrollment.result = checked.result
    enrollment.score = checked.score
    enrollment.assessed_on = checked.assessed_on
    enrollment.assessment_type = checked.assessment_type
    db.session.flush()
    return enrollment


def record_employment(
    enrollment: Enrollment, employed: bool | None, employed_on: date | None, employer_name: str | None,
    by_bureau: bool = False, reason: str | None = None,
) -> Enrollment:
    """Employment follow-up for 就业率: employed or not, from when, and with whom."""
    if enrollment.session.status == "closed":
        check_can_change_records(enrollment.session, by_bureau, reason)
    if employed:
        if employed_on is None:
            raise DomainError("请填写就业日期", "employed_on")
        if employed_on < enrollment.session.start_date:
            raise DomainError("就业日期不能早于开班日期", "employed_on")
        if not (employer_name or "").strip():
            raise DomainError("请填写就业单位", "employer_name")
    if reason:
        set_reason(db.session, reason.strip())
    enrollment.is_employed = employed
    enrollment.employed_on = employed_on if employed else None
    enrollment.employer_name = (employer_name or "").strip() if employed else None
    db.session.flush()
    return enrollment
