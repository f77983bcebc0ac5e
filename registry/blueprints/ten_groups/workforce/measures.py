"""How these groups' own measures count (catalogue.Measure.counts and .tally), cited to 004.

Each counting condition is SQL on an enrollment joined to its session (reconciliation/counting.py
adds the programme, the year and the district); the tallies count rows of this package's own tables.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from ....domain.certificates.models import Certificate
from ....domain.trainees.models import TraineeTag
from ....domain.training.models import Enrollment, TrainingSession
from ....extensions import db
from .models import SEPARATED, JobChangeRecord, RuralLabourer

# --- 新生代产业工人 (004 之一 二、三) ---------------------------------------------------------

#: 之一 二: 高技能领军人才 training is defined by its content (科技攻关、技术革新和工艺研修、技能研修 …),
#: not by an occupation, so the base files it as this programme item.
LEADER_ITEM = "high_skill_leader_training"
#: 之一 三: 拔尖技能人才 training in 先进技术应用、技术革新与改造方法、创新思维 … likewise.
TOP_TALENT_ITEM = "top_talent_training"
#: 技师 and 高级技师 (national levels 2 and 1): 之一 三 "具有技师、高级技师职业资格证书".
SENIOR_LEVELS = (2, 1)


def high_skill_leaders() -> ColumnElement[bool]:
    """A participation in a 「高技能领军人才研修」 session (之一 二)."""
    return TrainingSession.occupation_code == LEADER_ITEM


def holds_senior_certificate() -> ColumnElement[bool]:
    """The participant held a 技师 or 高级技师 skill-level certificate (in the registry, from any
    programme, not revoked) on the day the session began.

    The holders of such a certificate are looked up once (a semi-join read from the certificates'
    (type, level, status, trainee) index, migration 0018); the date is checked only for them."""
    senior = (Certificate.certificate_type == "skill_level", Certificate.level.in_(SENIOR_LEVELS),
              Certificate.status != "revoked")
    return and_(
        Enrollment.trainee_id.in_(select(Certificate.trainee_id).where(*senior)),
        exists(select(Certificate.id).where(
            Certificate.trainee_id == Enrollment.trainee_id, *senior, Certificate.issued_on <= TrainingSession.start_date,
        )),
    )


def top_talent() -> ColumnElement[bool]:
    """之一 三: training of 新生代产业工人 "具有技师、高级技师职业资格证书或具备较高技艺技能". A
    participation counts when the session is a 「拔尖技能人才研修」, or trains at 技师/高级技师 level,
    or the participant already held a 技师/高级技师 certificate when it began. A 高技能领军人才研修
    counts as that measure only, never as both."""
    return and_(
        TrainingSession.occupation_code != LEADER_ITEM,
        or_(TrainingSession.occupation_code == TOP_TALENT_ITEM, TrainingSession.level.in_(SENIOR_LEVELS),
            holds_senior_certificate()),
    )


TOP_TALENT_ROUTES = {
    "item": "拔尖技能人才研修班期",
    "level": "技师/高级技师等级班期",
    "certificate": "参训时已持技师/高级技师证书",
}


def top_talent_route(session: TrainingSession, holds_certificate: bool) -> str | None:
    """Why a participation counts as 拔尖技能人才 training (the first route that applies), or None."""
    if session.occupation_code == LEADER_ITEM:
        return None
    if session.occupation_code == TOP_TALENT_ITEM:
        return "item"
    if session.level in SENIOR_LEVELS:
        return "level"
    return "certificate" if holds_certificate else None


# --- 企业职工转岗转业 (004 之五 三、四) -----------------------------------------------------------

#: 之五 四: 受影响企业裁员失业人员 … 接受粤菜师傅、家政服务、养老护理、农村电商等技能就业培训.
SERVICE_OCCUPATIONS = ("chinese_cook", "housekeeper", "elderly_carer", "ecommerce_specialist")


def _situation_in(*situations: str) -> ColumnElement[bool]:
    """The participation's recorded situation is one of ``situations`` (a semi-join: the records are
    read once per query, not once per participation)."""
    return Enrollment.id.in_(select(JobChangeRecord.enrollment_id).where(JobChangeRecord.situation.in_(situations)))


def laid_off() -> ColumnElement[bool]:
    """The participant was laid off, or their contract was ended, by the enterprise (之五 四)."""
    return _situation_in(*SEPARATED)


def redeployed() -> ColumnElement[bool]:
    """The participant was redeployed, or their enterprise stopped production for long (之五 四)."""
    return _situation_in("redeployed", "suspended")


def service_sector() -> ColumnElement[bool]:
    """A worker who left their post (laid off, contract ended, redeployed or stopped) retraining as a
    Cantonese chef, home-service or elderly-care worker, or in (rural) e-commerce (之五 四)."""
    return and_(TrainingSession.occupation_code.in_(SERVICE_OCCUPATIONS),
                _situation_in("redeployed", "suspended", *SEPARATED))


# --- 农村劳动力精准培训 (004 之六) -----------------------------------------------------------------

def low_income() -> ColumnElement[bool]:
    """The participant belongs to a 低保 household: flagged so in the real-name register, or tagged
    脱贫/低保家庭 on their trainee record (之六 一 精准掌握低保家庭劳动力及子女情况)."""
    return or_(
        Enrollment.trainee_id.in_(select(RuralLabourer.trainee_id).where(RuralLabourer.low_income_role.is_not(None))),
        Enrollment.trainee_id.in_(select(TraineeTag.trainee_id).where(TraineeTag.tag == "low_income")),
    )


def registered_labourers(year: int, district_id: int | None) -> int:
    """People entered in the real-name register in the year (之六 二), in the district or the city."""
    query = select(func.count(RuralLabourer.id)).where(
        RuralLabourer.registered_on >= date(year, 1, 1), RuralLabourer.registered_on <= date(year, 12, 31))
    if district_id is not None:
        query = query.where(RuralLabourer.district_id == district_id)
    return db.session.scalar(query) or 0

