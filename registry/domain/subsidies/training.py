"""Training-subsidy claims: a base claims for the people of a completed session (issue 7, item 2).

Eligible are those who passed, were real-name checked (人证合一, an identity check on record), hold
a certificate from the session no older than ``certificate_claim_months``, were not already
subsidised for the same occupation and level under a scheme that excludes it, and have not had
``yearly_subsidy_cap`` subsidised trainings that year (粤人社规〔2023〕13号). The claim is filed within
``training_claim_days`` of the session's end. Every figure is the parameter in force on the day.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from ...extensions import db
from ..catalogue import catalogue
from ..certificates.models import Certificate
from ..errors import DomainError
from ..service_cards.models import IdentityCheck
from ..common import add_months
from ..training.models import Enrollment, TrainingSession
from . import claims, parameters
from .models import HOLDING_STATUSES, ClaimLine, SubsidyClaim
from .standards import Amount, amount_for

CLAIMABLE_SESSION_STATUSES = ("completed", "closed")


def window_closes(session: TrainingSession) -> date:
    return session.end_date + timedelta(days=parameters.value("training_claim_days", session.end_date))


def window_rule(session: TrainingSession) -> str:
    days = parameters.value("training_claim_days", session.end_date)
    return f"班期结业后{days}日内申领"


@dataclass
class Candidate:
    """One enrolled person and whether the session's claim may include them."""

    enrollment: Enrollment
    reasons: list[str] = field(default_factory=list)
    certificate: Certificate | None = None
    amount: Amount | None = None

    @property
    def eligible(self) -> bool:
        return not self.reasons


def held_lines(trainee_ids, programme_codes, exclude_claim_id: int | None = None):
    """Lines of live claims (submitted onwards, not refused) for these people in these programmes."""
    query = (
        select(ClaimLine, SubsidyClaim)
        .join(SubsidyClaim, ClaimLine.claim_id == SubsidyClaim.id)
        .where(ClaimLine.trainee_id.in_(trainee_ids), SubsidyClaim.programme_code.in_(programme_codes),
               SubsidyClaim.status.in_(HOLDING_STATUSES),
               (ClaimLine.decision.is_(None)) | (ClaimLine.decision != "refused"))
    )
    if exclude_claim_id is not None:
        query = query.where(SubsidyClaim.id != exclude_claim_id)
    return db.session.execute(query).all()


def _certificates(session: TrainingSession) -> dict[int, Certificate]:
    """Each person's first unrevoked certificate from this session (the 12 months run from it)."""
    found: dict[int, Certificate] = {}
    for certificate in db.session.scalars(
        select(Certificate).where(Certificate.session_id == session.id, Certificate.status != "revoked")
        .order_by(Certificate.issued_on, Certificate.id)
    ):
        found.setdefault(certificate.trainee_id, certificate)
    return found


def _checked(trainee_ids, on: date) -> set[int]:
    return set(db.session.scalars(
        select(IdentityCheck.trainee_id).where(IdentityCheck.trainee_id.in_(trainee_ids), IdentityCheck.checked_on <= on)
    ))


def candidates(session: TrainingSession, on: date, claim: SubsidyClaim | None = None) -> list[Candidate]:
    """Everyone enrolled (not withdrawn), each with the reasons they cannot be claimed, if any."""
    programme = catalogue.get(session.programme_code)
    enrollments = [e for e in session.enrollments if e.status != "withdrawn"]
    people = [e.trainee_id for e in enrollments]
    certificates = _certificates(session)
    checked = _checked(people, on)
    conflicting = catalogue.conflicting_programmes(programme) if programme else []
    same_scheme = [code for code in conflicting if catalogue[code].subsidy.scheme == programme.subsidy.scheme]
    held = held_lines(people, conflicting, claim.id if claim else None)
    months = parameters.value("certificate_claim_months", on)
    cap = parameters.value("yearly_subsidy_cap", session.end_date)
    year = session.end_date.year
    result = []
    for enrollment in enrollments:
        candidate = Candidate(enrollment, certificate=certificates.get(enrollment.trainee_id))
        reasons = candidate.reasons
        if enrollment.result != "passed":
            reasons.append(f"考核结果为「{enrollment.result_name}」,未合格")
        if enrollment.trainee_id not in checked:
            reasons.append("未完成实名核验(人证合一)")
        if candidate.certificate is None:
            reasons.append("尚未取得本班期的证书")
        elif on > add_months(candidate.certificate.issued_on, months):
            reasons.append(f"取得证书({candidate.certificate.issued_on:%Y-%m-%d})已超过{months}个月申领期")
        mine = [(line, other) for line, other in held if line.trainee_id == enrollment.trainee_id]
        same = next(((l, c) for l, c in mine if l.occupation_code == session.occupation_code and l.level == session.level), None)
        if same:
            reasons.append(f"已在申领 {same[1].number}({same[1].programme_name})中享受同职业(工种)同等级补贴")
        this_year = [l for l, c in mine if l.training_year == year and c.programme_code in same_scheme]
        if len(this_year) >= cap:
            reasons.append(f"{year}年已享受{len(this_year)}次培训补贴,达到每人每年{cap}次上限")
        result.append(candidate)
    eligible = [c for c in result if c.eligible]
    for candidate in eligible:
        candidate.amount = amount_for(session.programme_code, session.occupation_code, session.level, session.end_date)
    return result


def check_can_claim(session: TrainingSession, on: date) -> None:
    programme = catalogue.get(session.programme_code)
    if programme is None or programme.subsidy is None or programme.subsidy.claimed_by != "session":
        raise DomainError(f"「{catalogue.name_of(session.programme_code)}」的班期不由培训基地申领培训补贴")
    if session.status not in CLAIMABLE_SESSION_STATUSES:
        raise DomainError(f"班期尚未结业(当前状态:{session.status_name}),结业后方可申领")
    closes = window_closes(session)
    if on > closes:
        raise DomainError(f"申领期已于 {closes:%Y-%m-%d} 截止({window_rule(session)}),不能再申领")
    live = db.session.scalar(select(SubsidyClaim).where(SubsidyClaim.session_id == session.id,
                                                         SubsidyClaim.status != "rejected"))
    if live is not None:
        raise DomainError(f"本班期已有申领 {live.number}({live.status_name})")


def _fill(claim: SubsidyClaim, session: TrainingSession, on: date) -> int:
    added = 0
    for candidate in candidates(session, on, claim):
        if candidate.eligible:
            claims.add_line(claim, trainee_id=candidate.enrollment.trainee_id, occupation_code=session.occupation_code,
                            level=session.level, training_year=session.end_date.year, priced_on=session.end_date,
                            enrollment_id=candidate.enrollment.id, certificate_id=candidate.certificate.id)
            added += 1
    db.session.flush()
    return added


def create_claim(session: TrainingSession, created_by: str, on: date) -> SubsidyClaim:
    """A draft for the session's eligible people (refused when there are none)."""
    check_can_claim(session, on)
    claim = claims.open_claim("training", session.programme_code, session.base.district, created_by, on,
                              base_id=session.base_id, session_id=session.id)
    if _fill(claim, session, on) == 0:
        raise DomainError("本班期没有符合申领条件的人员(见下方各人原因)")
    return claim


def submit_claim(claim: SubsidyClaim, on: date, actor: str) -> SubsidyClaim:
    """Work the people out again as of today, then file: the window and rules are checked on the day."""
    session = claim.session
    claims.clear_lines(claim)
    _fill(claim, session, on)
    return claims.submit(claim, on, window_closes(session), window_rule(session), actor)


def count_passes(session: TrainingSession) -> int:
    return db.session.scalar(select(func.count(Enrollment.id)).where(
        Enrollment.session_id == session.id, Enrollment.status != "withdrawn", Enrollment.result == "passed")) or 0
