"""Pages of groups 1, 5, 6 and 7 and what they add to the shared pages: record links and panels on
each programme's landing page, and sections on a trainee's record (registered here, at import)."""
from __future__ import annotations

from sqlalchemy import func, select

from ....auth.permissions import visible
from ....domain.common import today
from ....domain.training.models import Enrollment, TrainingSession
from ....extensions import db
from ...programmes.landing import Panel, RecordLink, TraineeSection, register_panel, register_records, register_trainee_section
from ...years import recent_years
from . import high_skill, job_change, people, rural, veterans
from .models import SITUATIONS, JobChangeRecord, RuralLabourer, VeteranIntake
from .views_job_change import bp as job_change_bp
from .views_new_workers import bp as new_workers_bp
from .views_rural import bp as rural_bp
from .views_veterans import bp as veterans_bp

blueprints = (new_workers_bp, job_change_bp, rural_bp, veterans_bp)

KEEPERS = ("city", "district", "base")
TEMPLATES = "ten_groups/workforce/"


# --- 新生代产业工人 ----------------------------------------------------------------------------------

def _high_skill_panel(user, year: int) -> dict:
    sessions_visible = visible(TrainingSession, user)
    return {"years": [high_skill.year_counts(y, sessions_visible) for y in recent_years(year, 3)],
            "routes": high_skill.measures.TOP_TALENT_ROUTES, "year": year}


def _high_skill_count(user) -> int:
    counts = high_skill.year_counts(today().year, visible(TrainingSession, user))
    return counts.high_skill_leaders + counts.top_talent


register_records("new_workers", RecordLink(
    "高技能人才培训名单", "new_workers.high_skill_list", "本年计入高技能领军人才、拔尖技能人才培训的人次,逐条列出计入依据",
    count=_high_skill_count))
register_panel("new_workers", Panel("高技能领军人才和拔尖技能人才培训", TEMPLATES + "new_workers_panel.html", _high_skill_panel))


# --- 企业职工转岗转业 ---------------------------------------------------------------------------------

def _job_change_panel(user, year: int) -> dict:
    sessions_visible = visible(TrainingSession, user)
    return {"year": year, "by_situation": job_change.by_situation(year, sessions_visible), "situations": SITUATIONS,
            "missing": job_change.missing_count(sessions_visible)}


register_records("job_change", RecordLink(
    "转岗转业人员情况", "job_change.index", "每名参训职工的原单位、原岗位、离岗情况和拟转岗位(穗人社函〔2020〕22号 之五 三、四)",
    count=lambda user: job_change.records_count(visible(TrainingSession, user))))
register_panel("job_change", Panel("参训职工情况", TEMPLATES + "job_change_panel.html", _job_change_panel))


# --- 农村劳动力精准培训 -------------------------------------------------------------------------------

def _open_labourers(user) -> int:
    return db.session.scalar(select(func.count(RuralLabourer.id)).where(
        visible(RuralLabourer, user), RuralLabourer.closed_on.is_(None))) or 0


def _rural_panel(user, year: int) -> dict:
    total, districts = rural.summary(visible(RuralLabourer, user), by_district=user.role == "city")
    return {"total": total, "districts": districts}


register_records(
    "rural_labour",
    RecordLink("农村劳动力实名登记台账", "rural_labour.index", "实名登记的农村劳动力,含低保家庭、经济相对薄弱村标识和每人的参训情况(穗人社函〔2020〕22号 之六 二)",
               count=_open_labourers, roles=KEEPERS),
    RecordLink("有培训意愿、尚未参训", "rural_labour.index", "台账中有培训意愿但未参加过培训的人员",
               count=lambda user: rural.summary(visible(RuralLabourer, user))[0].waiting, roles=KEEPERS,
               args=(("status", "not_trained"), ("wants", "1"))),
)
register_panel("rural_labour", Panel("实名登记台账参训情况", TEMPLATES + "rural_panel.html", _rural_panel, roles=KEEPERS))


# --- 退役军人 ------------------------------------------------------------------------------------------

def _veterans_panel(user, year: int) -> dict:
    return {"years": veterans.coverage_by_year(visible(VeteranIntake, user))}


register_records("veterans", RecordLink(
    "退役军人安置名单与适应性培训", "veterans.index", "按退役年度登记的接收安置退役军人,以及每年度适应性培训的覆盖情况(穗人社函〔2020〕22号 之七 二)",
    count=lambda user: db.session.scalar(select(func.count(VeteranIntake.id)).where(visible(VeteranIntake, user))) or 0,
    roles=KEEPERS))
register_panel("veterans", Panel("各退役年度适应性培训覆盖情况", TEMPLATES + "veterans_panel.html", _veterans_panel, roles=KEEPERS))


# --- sections of a trainee's record --------------------------------------------------------------------

def _rural_section(user, trainee) -> dict | None:
    row = db.session.scalar(select(RuralLabourer).where(RuralLabourer.trainee_id == trainee.id, visible(RuralLabourer, user)))
    return {"row": row} if row else None


def _veteran_section(user, trainee) -> dict | None:
    row = db.session.scalar(select(VeteranIntake).where(VeteranIntake.trainee_id == trainee.id, visible(VeteranIntake, user)))
    if row is None:
        return None
    found = people.participations([trainee.id], *veterans.adaptive_sessions(row.discharge_year)).get(trainee.id, [])
    return {"row": row, "status": people.status_of(found), "statuses": people.TRAINING_STATUSES}


def _job_change_section(user, trainee) -> dict | None:
    rows = db.session.execute(
        select(JobChangeRecord, TrainingSession).join(Enrollment, JobChangeRecord.enrollment_id == Enrollment.id)
        .join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .where(Enrollment.trainee_id == trainee.id, visible(TrainingSession, user))
        .order_by(TrainingSession.start_date.desc())
    ).all()
    return {"rows": rows} if rows else None


register_trainee_section(TraineeSection("农村劳动力实名登记", TEMPLATES + "rural_section.html", _rural_section, roles=KEEPERS))
register_trainee_section(TraineeSection("退役军人安置登记", TEMPLATES + "veterans_section.html", _veteran_section, roles=KEEPERS))
register_trainee_section(TraineeSection("转岗转业情况", TEMPLATES + "job_change_section.html", _job_change_section))
