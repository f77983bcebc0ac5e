"""Pages of these groups' own records, and what they add to the shared pages: record links and panels
on each programme's landing page, and sections of a trainee's record."""
from __future__ import annotations

from sqlalchemy import func, select, true

from registry.auth.permissions import visible
from registry.domain.common import today
from registry.extensions import db

from ...programmes.landing import Panel, RecordLink, TraineeSection, register_panel, register_records, \
    register_trainee_section
from ..rules import DISABILITY, SAFETY, SCHOOL_LEAVERS
from . import appointments, assessments, ledger
from .appointment_views import ANY_OVERDUE
from .appointment_views import bp as appointments_bp
from .assessment_views import bp as assessments_bp
from .ledger_views import bp as ledger_bp
from .models import RECOMMENDATIONS, TRAINING_STATUSES, CapabilityAssessment, \
    SafetyAppointment, SchoolLeaver

blueprints = (ledger_bp, appointments_bp, assessments_bp)

TEMPLATES = "ten_groups/safety_and_inclusion/"
BUREAU = ("city", "district")
APPOINTMENT_ROLES = ("city", "district", "enterprise")
ASSESSMENT_ROLES = ("city", "district", "base")


def _count(model, user, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(visible(model, user), *conditions)) or 0


# --- 两后生 (004 之八) ------------------------------------------------------------------------------

def _ledger_panel(user, year: int) -> dict:
    seen = visible(SchoolLeaver, user)
    counts = ledger.counts_by_status(seen)
    return {
        "counts": counts, "names": TRAINING_STATUSES, "total": sum(counts.values()),
        "wanting": db.session.scalar(select(func.count()).select_from(SchoolLeaver).where(
            seen, SchoolLeaver.wants_training == true())) or 0,
        "by_district": ledger.counts_by_district(seen) if user.role == "city" else [],
        "rule": ledger.STATUS_RULE,
    }


register_records(
    SCHOOL_LEAVERS.code,
    RecordLink("两后生工作台账", "school_leaver_ledger.index",
               "每名两后生的学校、离校年份、所在街道和培训意愿,以及按身份证号码匹配的参训情况(穗人社函〔2020〕22号 之八 四)",
               count=lambda user: _count(SchoolLeaver, user), roles=BUREAU),
    RecordLink("有意愿未参训", "school_leaver_ledger.index", "有培训意愿、尚无初级以上参训记录的两后生:逐一跟进,确保不遗漏",
               count=lambda user: _count(SchoolLeaver, user, ledger.status_expression() == "untrained"),
               roles=BUREAU, args=(("status", "untrained"),)),
)
register_panel(SCHOOL_LEAVERS.code, Panel("两后生工作台账", TEMPLATES + "ledger_panel.html", _ledger_panel, roles=BUREAU))


# --- 安全技能提升 (004 之九) ------------------------------------------------------------------------

def _appointments_panel(user, year: int) -> dict:
    on = today()
    counts = appointments.counts_by_standing(visible(SafetyAppointment, user), on)
    return {"counts": counts, "names": appointments.STANDING_NAMES, "total": sum(counts.values()),
            "rule": appointments.STANDING_RULE, "any_overdue": ANY_OVERDUE,
            "enrolment_rule": "危险化学品安全作业班期报名(逐个报名和表格导入)时核验学员登记的文化程度:须高中/中专/技校及以上,"
                              "未登记文化程度的须先登记(穗人社函〔2020〕22号 之九 六)"}


register_records(
    SAFETY.code,
    RecordLink("主要负责人和安全管理人员任职考核", "safety_appointments.index",
               "高危企业主要负责人和安全管理人员的任职日期、6个月考核期限和年度再培训(穗人社函〔2020〕22号 之九 二)",
               count=lambda user: _count(SafetyAppointment, user), roles=APPOINTMENT_ROLES),
    RecordLink("逾期未考核或再培训逾期", "safety_appointments.index", "任职满6个月仍未考核合格,或距上次合格满一年未再培训",
               count=lambda user: _count(SafetyAppointment, user,
                                         appointments.standing_expression(today()).in_(appointments.OVERDUE)),
               roles=APPOINTMENT_ROLES, args=(("standing", ANY_OVERDUE),)),
)
register_panel(SAFETY.code, Panel("任职6个月内考核", TEMPLATES + "appointments_panel.html", _appointments_panel,
                                  roles=APPOINTMENT_ROLES))


# --- 残疾人 (004 之十) ------------------------------------------------------------------------------

def _assessments_panel(user, year: int) -> dict:
    return {"summary": assessments.year_summary(visible(CapabilityAssessment, user), year),
            "recommendations": RECOMMENDATIONS, "rule": assessments.TRAINED_AFTER_RULE}


register_records(
    DISABILITY.code,
    RecordLink("职业能力评估记录", "capability_assessments.index",
               "残疾人职业能力评估:评估机构、残疾类别和等级、评估结论、适合的职业和建议(穗人社函〔2020〕22号 之十 六(一))",
               count=lambda user: _count(CapabilityAssessment, user), roles=ASSESSMENT_ROLES),
)
register_panel(DISABILITY.code, Panel("职业能力评估", TEMPLATES + "assessments_panel.html", _assessments_panel,
                                      roles=ASSESSMENT_ROLES))


# --- a trainee's record ------------------------------------------------------------------------------

def _assessments_section(user, trainee) -> dict | None:
    found = db.session.scalars(select(CapabilityAssessment).where(
        CapabilityAssessment.trainee_id == trainee.id, visible(CapabilityAssessment, user))
        .order_by(CapabilityAssessment.assessed_on.desc())).all()
    return {"assessments": found} if found else None


def _ledger_section(user, trainee) -> dict | None:
    if trainee.document_type != ledger.DOCUMENT_TYPE:
        return None
    leaver = db.session.scalar(select(SchoolLeaver).where(
        SchoolLeaver.id_number == trainee.document_number, visible(SchoolLeaver, user)))
    if leaver is None:
        return None
    status = ledger.status_of(leaver)
    return {"leaver": leaver, "status_name": TRAINING_STATUSES[status]}


register_trainee_section(TraineeSection("职业能力评估", TEMPLATES + "trainee_assessments.html", _assessments_section,
                                        roles=ASSESSMENT_ROLES))
register_trainee_section(TraineeSection("两后生工作台账", TEMPLATES + "trainee_ledger.html", _ledger_section,
                                        roles=BUREAU))
