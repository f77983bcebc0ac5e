"""Training sessions (班期) and enrollments: who trained where, for how long, with what result."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ..catalogue import ASSESSMENT_TYPES, LEVELS, InProgramme
from ..common import TimestampMixin, utcnow
from ..organisations.models import Enterprise, TrainingBase
from ..trainees.models import Trainee

SESSION_KINDS = {"short": "短期培训", "degree": "学制班", "apprentice": "学徒班"}
SESSION_MODES = {"offline": "线下", "online": "线上", "hybrid": "混合"}
#: States in their order; transitions are guarded by the session operations.
SESSION_STATUSES = {
    "planned": "计划中",
    "open": "报名中",
    "in_progress": "培训中",
    "completed": "已结业",
    "closed": "已归档",
}
ENROLLMENT_STATUSES = {"enrolled": "在册", "withdrawn": "已退训"}
RESULTS = {"passed": "合格", "failed": "不合格", "absent": "缺考"}


class TrainingSession(InProgramme, TimestampMixin, db.Model):
    """A class run by a base for one programme, occupation and level."""

    __tablename__ = "training_sessions"
    __label__ = "班期"
    __record_name__ = "code"  # names it where other records refer to it (the audit page)
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("planned_hours >= 0", name="planned_hours_not_negative"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        Index("ix_training_sessions_programme_start", "programme_code", "start_date"),
        # Reconciliation counts sessions by the year of their end date (reconciliation/counting.py).
        Index("ix_training_sessions_end_date_status", "end_date", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The base's own session number, unique in the registry (e.g. 2026-001-0007).
    code: Mapped[str] = mapped_column(String(40), unique=True, info={"label": "班期编号"})
    base_id: Mapped[int] = mapped_column(ForeignKey("training_bases.id"), index=True)
    #: Set for 学徒班: the enterprise whose apprentices attend.
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True,
                                                      info={"label": "学徒所在企业(学徒班)"})
    programme_code: Mapped[str] = mapped_column(String(32))
    track_code: Mapped[str | None] = mapped_column(String(32))
    occupation_code: Mapped[str] = mapped_column(String(48))
    #: National skill level 5 (初级) … 1 (高级技师); None for 专项 items.
    level: Mapped[int | None] = mapped_column(info={"label": "等级", "choices": LEVELS})
    kind: Mapped[str] = mapped_column(String(16), default="short", info={"label": "班期类型", "choices": SESSION_KINDS})
    start_date: Mapped[date] = mapped_column(Date, info={"label": "开班日期"})
    end_date: Mapped[date] = mapped_column(Date, info={"label": "结业日期"})
    planned_hours: Mapped[int] = mapped_column(info={"label": "计划学时"})
    capacity: Mapped[int] = mapped_column(info={"label": "班期容量(人)"})
    place: Mapped[str] = mapped_column(String(200), default="", info={"label": "培训地点"})
    mode: Mapped[str] = mapped_column(String(16), default="offline", info={"label": "培训方式", "choices": SESSION_MODES})
    status: Mapped[str] = mapped_column(String(16), default="planned", index=True,
                                        info={"label": "班期状态", "choices": SESSION_STATUSES})

    base: Mapped[TrainingBase] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()
    enrollments: Mapped[list["Enrollment"]] = relationship(back_populates="session", order_by="Enrollment.id")

    @property
    def occupation_name(self) -> str:
        programme = self.programme
        occupation = programme.occupation(self.occupation_code) if programme else None
        return occupation.name if occupation else self.occupation_code

    @property
    def track_name(self) -> str:
        programme = self.programme
        track = programme.track(self.track_code) if programme and self.track_code else None
        return track.name if track else ""

    @property
    def level_name(self) -> str:
        return LEVELS.get(self.level, "专项职业能力") if self.level else "专项职业能力"

    @property
    def status_name(self) -> str:
        return SESSION_STATUSES.get(self.status, self.status)

    @property
    def kind_name(self) -> str:
        return SESSION_KINDS.get(self.kind, self.kind)

    @property
    def mode_name(self) -> str:
        return SESSION_MODES.get(self.mode, self.mode)


class Enrollment(TimestampMixin, db.Model):
    """One trainee's participation in one session: hours, result, follow-up."""

    __tablename__ = "enrollments"
    __label__ = "报名记录"
    __table_args__ = (
        UniqueConstraint("session_id", "trainee_id"),
        CheckConstraint("attended_hours IS NULL OR attended_hours >= 0", name="attended_hours_not_negative"),
        Index("ix_enrollments_trainee_result", "trainee_id", "result"),
        # Covers the reconciliation's aggregate: the counts read the index, not the table (on PostgreSQL
        # the id too, which some programmes' measures read; SQLite's indexes hold it as the rowid).
        Index("ix_enrollments_counting", "session_id", "status", "trainee_id", "result", "is_employed",
              postgresql_include=["id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed as the first column of the unique key and of ix_enrollments_counting.
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"))
    status: Mapped[str] = mapped_column(String(16), default="enrolled",
                                        info={"label": "报名状态", "choices": ENROLLMENT_STATUSES})
    enrolled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, info={"label": "报名时间"})
    withdrawn_on: Mapped[date | None] = mapped_column(Date, info={"label": "退训日期"})
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, info={"label": "退训原因"})
    attended_hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 1), info={"label": "实到学时"})
    #: passed / failed / absent; None until assessed.
    result: Mapped[str | None] = mapped_column(String(16), info={"label": "考核结果", "choices": RESULTS})
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1), info={"label": "成绩"})
    assessed_on: Mapped[date | None] = mapped_column(Date, info={"label": "考核日期"})
    assessment_type: Mapped[str | None] = mapped_column(String(24), info={"label": "考核类型", "choices": ASSESSMENT_TYPES})
    #: Employment follow-up (for 就业率): None = not yet followed up.
    is_employed: Mapped[bool | None] = mapped_column(info={"label": "已就业"})
    employed_on: Mapped[date | None] = mapped_column(Date, info={"label": "就业日期"})
    employer_name: Mapped[str | None] = mapped_column(String(120), info={"label": "就业单位"})

    session: Mapped[TrainingSession] = relationship(back_populates="enrollments")
    trainee: Mapped[Trainee] = relationship()

    @property
    def result_name(self) -> str:
        return RESULTS.get(self.result or "", "未考核")

    @property
    def status_name(self) -> str:
        return ENROLLMENT_STATUSES.get(self.status, self.status)

    @property
    def assessment_type_name(self) -> str:
        return ASSESSMENT_TYPES.get(self.assessment_type or "", "")
