"""Vocational capability assessments of people with disabilities (职业能力评估, 004 之十 六(一)):
"各级残联要将职业能力评估列为年度及未来工作的重点内容,全面开展职业能力评估服务,实现评估对残疾人培训就业
的助推引领带动作用 … 用评估把握训练方向、检验训练效果".

Each assessment belongs to a registered person (found by document or registered, and tagged 残疾人);
whether they trained afterwards is read from their enrollments in sessions that started on or after
the assessment day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, exists, func, select

from registry.domain.common import today
from registry.domain.errors import DomainError
from registry.domain.organisations.models import District
from registry.domain.training.models import Enrollment, TrainingSession
from registry.extensions import db

from .models import DISABILITY_CATEGORIES, DISABILITY_GRADES, RECOMMENDATIONS, CapabilityAssessment
from registry.domain.trainees.operations import PersonData, find_or_register

#: The trainee tag an assessed person carries (trainees.models.GROUP_TAGS).
TAG = "disabled"
EARLIEST = date(2000, 1, 1)
TRAINED_AFTER_RULE = "评估日期当天或之后开班、未退训的任一项目班期,视为评估后参训"


@dataclass
class AssessmentData:
    assessed_on: date | None
    assessing_body: str
    disability_category: str
    disability_grade: int | None
    findings: str
    suitable_occupations: str
    recommendation: str
    district_id: int | None


def _text(value: str | None, label: str, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(f"请填写「{label}」", field)
    if len(text) > limit:
        raise DomainError(f"「{label}」不能超过 {limit} 个字", field)
    return text


def _check(data: AssessmentData, on: date) -> dict:
    if data.assessed_on is None:
        raise DomainError("请填写「评估日期」", "assessed_on")
    if not EARLIEST <= data.assessed_on <= on:
        raise DomainError(f"「评估日期」应在 {EARLIEST:%Y-%m-%d} 与今天之间", "assessed_on")
    body = _text(data.assessing_body, "评估机构", "assessing_body", 120)
    if data.disability_category not in DISABILITY_CATEGORIES:
        raise DomainError("请选择「残疾类别」", "disability_category")
    if data.disability_grade not in DISABILITY_GRADES:
        raise DomainError("请选择「残疾等级」(一级至四级)", "disability_grade")
    findings = _text(data.findings, "评估结论", "findings", 4000)
    occupations = _text(data.suitable_occupations, "适合的职业(岗位)", "suitable_occupations", 200)
    if data.recommendation not in RECOMMENDATIONS:
        raise DomainError("请选择「评估建议」", "recommendation")
    if not data.district_id or db.session.get(District, data.district_id) is None:
        raise DomainError("请选择「所在区」", "district_id")
    return dict(assessed_on=data.assessed_on, assessing_body=body, disability_category=data.disability_category,
                disability_grade=data.disability_grade, findings=findings, suitable_occupations=occupations,
                recommendation=data.recommendation, district_id=data.district_id)


def _check_one_a_day(trainee_id: int, assessed_on: date, assessment: CapabilityAssessment | None) -> None:
    clash = db.session.scalar(select(CapabilityAssessment).where(
        CapabilityAssessment.trainee_id == trainee_id, CapabilityAssessment.assessed_on == assessed_on))
    if clash is not None and clash is not assessment:
        raise DomainError(f"此人 {assessed_on:%Y-%m-%d} 的职业能力评估已登记", "assessed_on")


def add_assessment(person: PersonData, data: AssessmentData, on: date | None = None,
                   base_id: int | None = None, registered_district_id: int | None = None) -> CapabilityAssessment:
    """Record an assessment; the person is found by document (or registered by the recording base or
    district bureau, ``permissions.registering_unit``) and tagged 残疾人."""
    values = _check(data, on or today())
    trainee = find_or_register(person, registered_base_id=base_id, registered_district_id=registered_district_id,
                               tags={TAG}).trainee
    _check_one_a_day(trainee.id, values["assessed_on"], None)
    assessment = CapabilityAssessment(trainee_id=trainee.id, base_id=base_id, **values)
    db.session.add(assessment)
    db.session.flush()
    return assessment


def update_assessment(assessment: CapabilityAssessment, data: AssessmentData, on: date | None = None
                      ) -> CapabilityAssessment:
    """Correct an assessment (the person stays); the audit log keeps the old values."""
    values = _check(data, on or today())
    _check_one_a_day(assessment.trainee_id, values["assessed_on"], assessment)
    for key, value in values.items():
        setattr(assessment, key, value)
    db.session.flush()
    return assessment


# --- figures ----------------------------------------------------------------------------------------

def trained_after():
    """True when the assessed person enrolled (and did not withdraw) in a session starting on or after
    the assessment day."""
    return exists(
        select(Enrollment.id).join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .where(Enrollment.trainee_id == CapabilityAssessment.trainee_id, Enrollment.status != "withdrawn",
               TrainingSession.start_date >= CapabilityAssessment.assessed_on)
    )


def in_year(year: int):
    return CapabilityAssessment.assessed_on.between(date(year, 1, 1), date(year, 12, 31))


def assessed_people(year: int, district_id: int | None) -> int:
    """People assessed in the year (counted once however often), in a district or the whole city."""
    query = select(func.count(distinct(CapabilityAssessment.trainee_id))).where(in_year(year))
    if district_id is not None:
        query = query.where(CapabilityAssessment.district_id == district_id)
    return db.session.scalar(query) or 0


@dataclass
class YearSummary:
    year: int
    people: int
    trained_after: int
    by_recommendation: dict[str, int]

    @property
    def share_trained(self) -> float | None:
        return self.trained_after / self.people if self.people else None


def year_summary(visible, year: int) -> YearSummary:
    """The year's assessments the viewer sees: people assessed, of whom trained afterwards, and the
    recommendations made."""
    people = db.session.scalar(
        select(func.count(distinct(CapabilityAssessment.trainee_id))).where(visible, in_year(year))) or 0
    trained = db.session.scalar(
        select(func.count(distinct(CapabilityAssessment.trainee_id))).where(visible, in_year(year), trained_after())
    ) or 0
    rows = db.session.execute(
        select(CapabilityAssessment.recommendation, func.count()).where(visible, in_year(year))
        .group_by(CapabilityAssessment.recommendation)).all()
    by_recommendation = {code: 0 for code in RECOMMENDATIONS}
    by_recommendation.update({code: n for code, n in rows})
    return YearSummary(year, people, trained, by_recommendation)


def trainings_after(assessment: CapabilityAssessment) -> list[Enrollment]:
    """The person's enrollments in sessions starting on or after the assessment day."""
    return db.session.scalars(
        select(Enrollment).join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .where(Enrollment.trainee_id == assessment.trainee_id, TrainingSession.start_date >= assessment.assessed_on)
        .order_by(TrainingSession.start_date)
    ).all()
