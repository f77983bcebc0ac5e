"""The apprentices of a filing (004 之四 二(三)): their terms and the checks on each person (contract,
insurance, retraining after passing, double subsidy, another live filing), adding and changing them on a
draft, and reporting one who leaves (late reports kept and flagged)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ..catalogue import LEVELS, Programme, catalogue
from ..errors import DomainError
from ..identifiers import mask_name
from ..common import add_months
from ..subsidies import parameters
from ..subsidies.models import HOLDING_STATUSES, ClaimLine, LedgerEntry, SubsidyClaim
from ..trainees.models import Trainee
from ..trainees.operations import TraineeData, find_trainee, register_trainee
from ..training import operations as training
from ..training.models import Enrollment, TrainingSession
from .models import Apprentice, ApprenticeshipFiling
from .policy import LIVE_FILING_STATUSES, level_is, occupation_label, require_draft, rule

# --- apprentices --------------------------------------------------------------------------------

@dataclass
class ApprenticeTerms:
    """What the enterprise files for one apprentice (004 之四 二(一)、(三))."""

    occupation_code: str
    level: int | None
    contract_start: date | None
    contract_end: date | None
    insurance_confirmed: bool
    insurance_checked_on: date | None
    training_agreement_on: date | None


def contract_long_enough(start: date, end: date, months: int) -> bool:
    """A contract from 2025-03-01 to 2026-02-28 (both days included) lasts 12 months."""
    return end >= add_months(start, months) - timedelta(days=1)


def _check_terms(filing: ApprenticeshipFiling, terms: ApprenticeTerms, on: date) -> int | None:
    programme = filing.programme
    occupation = programme.occupation(terms.occupation_code or "")
    if occupation is None:
        raise DomainError(f"「{programme.name}」没有该职业(工种)", "occupation_code")
    level = None
    if occupation.special:
        if terms.level:
            raise DomainError(f"「{occupation.name}」是专项职业能力,不分等级", "level")
    elif terms.level not in occupation.levels:
        raise DomainError(f"「{occupation.name}」可选等级为:" + "、".join(LEVELS[lv] for lv in occupation.levels), "level")
    else:
        level = terms.level
    if terms.contract_start is None or terms.contract_end is None:
        raise DomainError(f"请填写劳动合同起止日期({rule('二(三)')})",
                          "contract_start" if terms.contract_start is None else "contract_end")
    if terms.contract_end <= terms.contract_start:
        raise DomainError("劳动合同终止日期应晚于起始日期", "contract_end")
    months = parameters.value("min_contract_months", on)
    if not contract_long_enough(terms.contract_start, terms.contract_end, months):
        raise DomainError(
            f"劳动合同期限不足 {months} 个月({terms.contract_start:%Y-%m-%d} 至 {terms.contract_end:%Y-%m-%d}):"
            f"企业新型学徒须签订一年以上劳动合同({rule('二(三)')})", "contract_end")
    if not terms.insurance_confirmed:
        raise DomainError(f"未确认学徒已依法在本市缴纳社会保险费,不能列入学徒培训({rule('二(三)')})",
                          "insurance_confirmed")
    if terms.insurance_checked_on is not None and terms.insurance_checked_on > on:
        raise DomainError("社保核实日期不能晚于今天", "insurance_checked_on")
    if terms.training_agreement_on is None:
        raise DomainError(f"请填写企业与学徒签订培养协议的日期({rule('二(三)')})", "training_agreement_on")
    if terms.training_agreement_on > on:
        raise DomainError("培养协议签订日期不能晚于今天", "training_agreement_on")
    return level


def passed_before(trainee_id: int, programme_code: str, occupation_code: str, level: int | None) -> Enrollment | None:
    """A pass in the programme's training at this occupation and level, if the person has one."""
    return db.session.scalar(
        select(Enrollment).join(TrainingSession, Enrollment.session_id == TrainingSession.id).where(
            Enrollment.trainee_id == trainee_id, Enrollment.result == "passed",
            TrainingSession.programme_code == programme_code, TrainingSession.occupation_code == occupation_code,
            level_is(TrainingSession.level, level),
        ).limit(1)
    )


def conflicting_claim_line(trainee_id: int, occupation_code: str, level: int | None, programme: Programme,
                           filing_id: int | None = None) -> ClaimLine | None:
    """A claim line that already holds this person, occupation and level under a scheme that may not
    pay twice with this programme's (004 之四 三(四)): in a claim that still holds its people, not
    refused, not taken off by an upheld objection; claims on ``filing_id`` itself do not count."""
    codes = catalogue.conflicting_programmes(programme)
    if not codes:
        return None
    withdrawn = exists(select(LedgerEntry.id).where(LedgerEntry.line_id == ClaimLine.id,
                                                    LedgerEntry.kind == "correction"))
    query = (
        select(ClaimLine).join(SubsidyClaim, ClaimLine.claim_id == SubsidyClaim.id).where(
            ClaimLine.trainee_id == trainee_id, ClaimLine.occupation_code == occupation_code,
            level_is(ClaimLine.level, level), SubsidyClaim.programme_code.in_(codes),
            SubsidyClaim.status.in_(HOLDING_STATUSES),
            or_(ClaimLine.decision.is_(None), ClaimLine.decision != "refused"), ~withdrawn,
        ).order_by(ClaimLine.id).limit(1)
    )
    if filing_id is not None:
        query = query.where(or_(SubsidyClaim.filing_id.is_(None), SubsidyClaim.filing_id != filing_id))
    return db.session.scalar(query)


def double_subsidy_message(name: str, line: ClaimLine) -> str:
    claim = line.claim
    return (f"{name} 的「{occupation_label(claim.programme_code, line.occupation_code, line.level)}」已在"
            f"「{claim.programme_name}」补贴申领 {claim.number}({claim.status_name})中:同职业(工种)、同等级的"
            f"企业新型学徒培训补贴和技能晋升培训补贴不能重复享受({rule('三(四)')})")


def _live_filing_holding(filing: ApprenticeshipFiling, trainee_id: int, occupation_code: str, level: int | None
                         ) -> Apprentice | None:
    """The person in another submitted or approved filing at the same occupation and level, still training."""
    other = aliased(ApprenticeshipFiling)
    return db.session.scalar(
        select(Apprentice).join(other, Apprentice.filing_id == other.id)
        .outerjoin(Enrollment, Apprentice.enrollment_id == Enrollment.id).where(
            Apprentice.trainee_id == trainee_id, Apprentice.occupation_code == occupation_code,
            level_is(Apprentice.level, level), other.id != filing.id, other.status.in_(LIVE_FILING_STATUSES),
            Apprentice.left_on.is_(None), Enrollment.result.is_(None),
        ).limit(1)
    )


def check_person(filing: ApprenticeshipFiling, trainee: Trainee, occupation_code: str, level: int | None,
                 apprentice_id: int | None = None) -> None:
    """The exclusions of 004 之四 三(四) for one person, plus the same person twice in live filings."""
    name = trainee.name
    same = db.session.scalar(select(Apprentice.id).where(
        Apprentice.filing_id == filing.id, Apprentice.trainee_id == trainee.id,
        Apprentice.id != (apprentice_id or 0)))
    if same is not None:
        raise DomainError(f"{name} 已在本备案中", "document_number")
    label = occupation_label(filing.programme_code, occupation_code, level)
    if passed_before(trainee.id, filing.programme_code, occupation_code, level) is not None:
        raise DomainError(f"{name} 已参加新型学徒培训并在「{label}」考核合格,不得再参加同一职业(工种)、同一等级的学徒培训"
                          f"({rule('三(四)')})", "occupation_code")
    line = conflicting_claim_line(trainee.id, occupation_code, level, filing.programme, filing.id)
    if line is not None:
        raise DomainError(double_subsidy_message(name, line), "occupation_code")
    other = _live_filing_holding(filing, trainee.id, occupation_code, level)
    if other is not None:
        raise DomainError(f"{name} 已列入「{other.filing.enterprise.name}」的学徒备案 {other.filing.number}"
                          f"(「{label}」)且尚未结束,不能重复备案、虚报补贴人数({rule('四(三)')})", "occupation_code")


@dataclass
class PersonData:
    """Who the apprentice is: found by document; registered when the registry does not know them yet."""

    document_type: str
    document_number: str
    name: str
    hukou_type: str = ""
    phone: str = ""


def _person(data: PersonData) -> Trainee:
    trainee = find_trainee(data.document_type, data.document_number or "")
    if trainee is not None:
        typed = "".join((data.name or "").split())
        if typed and typed != "".join(trainee.name.split()):
            raise DomainError(f"姓名与该证件已登记的姓名({mask_name(trainee.name)})不一致,请核对", "name")
        return trainee
    if not data.hukou_type:
        raise DomainError("该证件尚未登记,请选择户籍类型以登记学徒", "hukou_type")
    return register_trainee(TraineeData(document_type=data.document_type, document_number=data.document_number,
                                        name=data.name, hukou_type=data.hukou_type, phone=data.phone or "")).trainee


def add_apprentice(filing: ApprenticeshipFiling, person: PersonData, terms: ApprenticeTerms, on: date) -> Apprentice:
    """An apprentice on a draft, with the terms the rules ask for and the exclusions checked."""
    require_draft(filing)
    level = _check_terms(filing, terms, on)
    trainee = _person(person)
    check_person(filing, trainee, terms.occupation_code, level)
    apprentice = Apprentice(filing=filing, trainee_id=trainee.id, occupation_code=terms.occupation_code, level=level,
                            contract_start=terms.contract_start, contract_end=terms.contract_end,
                            insurance_confirmed=terms.insurance_confirmed, insurance_checked_on=terms.insurance_checked_on,
                            training_agreement_on=terms.training_agreement_on)
    db.session.add(apprentice)
    db.session.flush()
    return apprentice


def update_apprentice(apprentice: Apprentice, terms: ApprenticeTerms, on: date) -> Apprentice:
    """Change an apprentice's terms on a draft (another person: remove and add)."""
    filing = apprentice.filing
    require_draft(filing)
    level = _check_terms(filing, terms, on)
    check_person(filing, apprentice.trainee, terms.occupation_code, level, apprentice.id)
    apprentice.occupation_code, apprentice.level = terms.occupation_code, level
    apprentice.contract_start, apprentice.contract_end = terms.contract_start, terms.contract_end
    apprentice.insurance_confirmed, apprentice.insurance_checked_on = terms.insurance_confirmed, terms.insurance_checked_on
    apprentice.training_agreement_on = terms.training_agreement_on
    db.session.flush()
    return apprentice


def remove_apprentice(apprentice: Apprentice) -> None:
    require_draft(apprentice.filing)
    filing = apprentice.filing
    db.session.delete(apprentice)
    db.session.flush()
    db.session.expire(filing, ["apprentices"])


def in_plan(apprentice: Apprentice) -> bool:
    """Entered the plan on approval and has not left it."""
    return (apprentice.left_on is None and apprentice.enrollment is not None
            and apprentice.enrollment.status != "withdrawn")


def report_leaving(apprentice: Apprentice, left_on: date | None, reason: str, on: date) -> Apprentice:
    """对于中途离职的学徒,应于办理离职手续后15日内报告 (004 之四 二(三)): recorded on the day reported;
    a late report is kept and flagged. The plan enrollment is withdrawn."""
    filing = apprentice.filing
    if filing.status == "draft":
        raise DomainError("草稿中的学徒如已离职,请直接删除")
    if filing.status == "rejected":
        raise DomainError("备案未通过,无须报告离职")
    if apprentice.left_on is not None:
        raise DomainError(f"{apprentice.trainee.name} 已于 {apprentice.left_on:%Y-%m-%d} 报告离职")
    if left_on is None:
        raise DomainError("请填写离职日期", "left_on")
    if left_on > on:
        raise DomainError("离职日期不能晚于今天", "left_on")
    if left_on < apprentice.contract_start:
        raise DomainError("离职日期不能早于劳动合同起始日期", "left_on")
    if not (reason or "").strip():
        raise DomainError("请填写离职原因", "reason")
    enrollment = apprentice.enrollment
    if enrollment is not None:
        if enrollment.result is not None:
            raise DomainError(f"{apprentice.trainee.name} 已有考核结果({enrollment.result_name}),培训已结束,不属中途离职")
        if enrollment.status != "withdrawn":
            training.withdraw(enrollment, left_on, f"学徒离职:{reason.strip()}")
    apprentice.left_on, apprentice.left_reported_on, apprentice.leaving_reason = left_on, on, reason.strip()
    db.session.flush()
    return apprentice


def leaving_report_flag(apprentice: Apprentice) -> str:
    """Why the leaving report was late (more than the days in force after leaving), or ''."""
    if apprentice.left_on is None or apprentice.left_reported_on is None:
        return ""
    limit = parameters.value("leaving_report_days", apprentice.left_on)
    taken = (apprentice.left_reported_on - apprentice.left_on).days
    if taken <= limit:
        return ""
    return f"离职后第 {taken} 天才报告,超过 {limit} 日报告期限({rule('二(三)')})"
