"""Enterprise apprenticeship filings (企业新型学徒制备案, 004 之四 二): the filing, its apprentices,
and the years an enterprise took the one-off special training subsidy."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ..catalogue import LEVELS, InProgramme
from ..common import TimestampMixin
from ..organisations.models import District, Enterprise, TrainingBase
from ..trainees.models import Trainee
from ..training.models import Enrollment

FILING_STATUSES = {"draft": "草稿", "submitted": "待审核", "approved": "已备案", "rejected": "不予备案"}


class SpecialSubsidyGrant(TimestampMixin, db.Model):
    """A year in which an enterprise took (or was planned for) the one-off special training subsidy
    (一次性特别培训补助): it may not file apprentices that year (004 之四 三(四))."""

    __tablename__ = "special_subsidy_grants"
    __label__ = "一次性特别培训补助"
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    year: Mapped[int] = mapped_column(info={"label": "年度"})
    note: Mapped[str] = mapped_column(Text, default="")

    enterprise: Mapped[Enterprise] = relationship()


class ApprenticeshipFiling(InProgramme, TimestampMixin, db.Model):
    """An enterprise's apprenticeship filing (备案) with the district bureau of its registration."""

    __tablename__ = "apprenticeship_filings"
    __label__ = "学徒制备案"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted', 'approved', 'rejected')", name="status_known"),
        CheckConstraint("plan_end >= plan_start", name="plan_dates_in_order"),
        CheckConstraint("planned_hours IS NULL OR planned_hours > 0", name="planned_hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, info={"label": "备案编号"})
    programme_code: Mapped[str] = mapped_column(String(32))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True, info={"label": "备案企业"})
    #: The enterprise's district on filing: its bureau reviews (004 之四 二(一)).
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True, info={"label": "备案区"})
    #: The training agency (a technical or vocational school or a recognised institution).
    agency_id: Mapped[int] = mapped_column(ForeignKey("training_bases.id"), index=True, info={"label": "培训机构"})
    #: 学徒制培训合作协议 with the agency.
    agreement_number: Mapped[str] = mapped_column(String(64), info={"label": "学徒制培训合作协议编号"})
    agreement_signed_on: Mapped[date] = mapped_column(Date, info={"label": "合作协议签订日期"})
    plan_start: Mapped[date] = mapped_column(Date, info={"label": "培训计划开始日期"})
    plan_end: Mapped[date] = mapped_column(Date, info={"label": "培训计划结束日期"})
    #: Class hours of the training plan (培训方案); the plan sessions are created with them.
    #: Required by the operations; NULL only in rows written before migration 0008.
    planned_hours: Mapped[int | None] = mapped_column(info={"label": "计划学时"})
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True,
                                        info={"label": "备案状态", "choices": FILING_STATUSES})
    submitted_on: Mapped[date | None] = mapped_column(Date, info={"label": "提交日期"})
    review_due_on: Mapped[date | None] = mapped_column(Date, info={"label": "审核期限"})
    #: True when the due date was counted on weekends only (a year chinese-calendar does not cover).
    due_date_estimated: Mapped[bool] = mapped_column(Boolean, default=False, info={"label": "审核期限按周末估算"})
    decided_on: Mapped[date | None] = mapped_column(Date, info={"label": "审核决定日期"})
    decided_by: Mapped[str | None] = mapped_column(String(80), info={"label": "审核人"})
    decision_note: Mapped[str | None] = mapped_column(Text, info={"label": "审核意见"})
    #: The day training actually started (within 60 days of approval, 004 之四 二(五)).
    training_started_on: Mapped[date | None] = mapped_column(Date, info={"label": "开训日期"})

    enterprise: Mapped[Enterprise] = relationship()
    district: Mapped[District] = relationship()
    agency: Mapped[TrainingBase] = relationship()
    apprentices: Mapped[list["Apprentice"]] = relationship(back_populates="filing", order_by="Apprentice.id")

    @property
    def year(self) -> int:
        return self.plan_start.year

    @property
    def status_name(self) -> str:
        return FILING_STATUSES.get(self.status, self.status)


class Apprentice(TimestampMixin, db.Model):
    """One apprentice of a filing: contract, social insurance, occupation, plan, and leaving."""

    __tablename__ = "apprentices"
    __label__ = "学徒"
    __table_args__ = (
        UniqueConstraint("filing_id", "trainee_id"),
        CheckConstraint("contract_end > contract_start", name="contract_dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("apprenticeship_filings.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    occupation_code: Mapped[str] = mapped_column(String(48))
    level: Mapped[int | None] = mapped_column(info={"label": "等级", "choices": LEVELS})
    contract_start: Mapped[date] = mapped_column(Date, info={"label": "劳动合同起始日期"})
    contract_end: Mapped[date] = mapped_column(Date, info={"label": "劳动合同终止日期"})
    #: Social insurance paid in the city, as the enterprise confirms it (and the month checked).
    insurance_confirmed: Mapped[bool] = mapped_column(Boolean, default=False, info={"label": "已核实在本市缴纳社会保险"})
    insurance_checked_on: Mapped[date | None] = mapped_column(Date, info={"label": "社保核实日期"})
    #: 培养协议 signed with the apprentice.
    training_agreement_on: Mapped[date] = mapped_column(Date, info={"label": "培养协议签订日期"})
    #: The plan session's enrollment, set when the filing is approved and enters the plan.
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    left_on: Mapped[date | None] = mapped_column(Date, info={"label": "离职日期"})
    left_reported_on: Mapped[date | None] = mapped_column(Date, info={"label": "离职报告日期"})
    leaving_reason: Mapped[str | None] = mapped_column(Text, info={"label": "离职原因"})

    filing: Mapped[ApprenticeshipFiling] = relationship(back_populates="apprentices")
    trainee: Mapped[Trainee] = relationship()
    enrollment: Mapped[Enrollment | None] = relationship()

    @property
    def level_name(self) -> str:
        return LEVELS.get(self.level, "专项职业能力") if self.level else "专项职业能力"
