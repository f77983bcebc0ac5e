"""Subsidy rule parameters, standards and occupation lists (versioned data), claims and their ledger.

Rule parameters and standards are data the city bureau maintains, each row in force from its
``effective_from`` date until a later row for the same key replaces it (issue 7, item 1): a new
policy is a new row, and a claim is always judged by the rows in force on its own dates.
Money is integer fen throughout.

A claim's lines are frozen once it has been decided, and ledger entries are never changed or
deleted (database triggers, and the ORM refuses to flush such a change): a correction is a new
entry that names the entry it corrects (issue 7, item 5).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ..catalogue import InProgramme, LEVELS
from ..common import TimestampMixin, utcnow
from ..organisations.models import District, Enterprise, TrainingBase
from ..trainees.models import Trainee
from ..training.models import TrainingSession
from ..apprenticeships.models import ApprenticeshipFiling

#: Lists of occupations paid up to the ``list_uplift_percent`` parameter more (004 之四 三(二):
#: 高耗材项目 per 粤价〔2010〕168号 附件2; shortage occupations per the province's 紧缺目录).
OCCUPATION_LISTS = {"high_consumables": "高耗材职业(工种)目录", "shortage": "紧缺职业(工种)目录"}

CLAIM_KINDS = {
    "training": "职业技能培训补贴",
    "advance": "学徒培训预支补贴",
    "final": "学徒培训补贴(结算)",
}
CLAIM_STATUSES = {
    "draft": "草稿",
    "submitted": "已提交",
    "under_review": "审核中",
    "approved": "审核通过",
    "partly_approved": "部分通过",
    "rejected": "不予通过",
    "in_notice": "公示中",
    "paid": "已拨付",
}
#: Statuses whose claim still holds its people (a rejected claim frees them; a draft holds nothing).
HOLDING_STATUSES = ("submitted", "under_review", "approved", "partly_approved", "in_notice", "paid")
LINE_DECISIONS = {"approved": "核准", "refused": "不予核准"}
LEDGER_KINDS = {
    "claimed": "申领",
    "approved": "核定",
    "paid": "拨付",
    "correction": "更正",
}
OBJECTION_OUTCOMES = {"upheld": "异议成立", "dismissed": "异议不成立"}


def _parameter_name(key: str) -> str | None:
    """A rule parameter's name (parameters.PARAMETERS; that module imports this one)."""
    from .parameters import PARAMETERS

    spec = PARAMETERS.get(key)
    return spec.label if spec else None


class RuleParameter(db.Model):
    """One version of a rule parameter (a window, cap or percentage) and the day it takes effect."""

    __tablename__ = "subsidy_parameters"
    __label__ = "补贴规则参数"
    __table_args__ = (UniqueConstraint("key", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A key of parameters.PARAMETERS.
    key: Mapped[str] = mapped_column(String(48), index=True, info={"label": "参数", "choices": _parameter_name})
    value: Mapped[int] = mapped_column(Integer, info={"label": "参数值"})
    effective_from: Mapped[date] = mapped_column(Date, info={"label": "生效日期"})
    #: The policy text and item it comes from.
    basis: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SubsidyStandard(InProgramme, db.Model):
    """An amount per person for a programme, optionally narrowed to an occupation and level."""

    __tablename__ = "subsidy_standards"
    __label__ = "补贴标准"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        Index("ix_subsidy_standards_lookup", "programme_code", "occupation_code", "level", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_code: Mapped[str] = mapped_column(String(32))
    #: None: every occupation of the programme without a standard of its own.
    occupation_code: Mapped[str | None] = mapped_column(String(48))
    #: None: every level (and 专项 items) of the occupation without a standard of its own.
    level: Mapped[int | None] = mapped_column(info={"label": "等级", "choices": LEVELS})
    amount_fen: Mapped[int] = mapped_column(BigInteger, info={"label": "补贴标准(元/人)", "unit": "fen"})
    effective_from: Mapped[date] = mapped_column(Date, info={"label": "生效日期"})
    basis: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def level_name(self) -> str:
        return LEVELS.get(self.level, "") if self.level else "各等级"


class OccupationListing(db.Model):
    """An occupation on the high-consumables or shortage list for a period."""

    __tablename__ = "subsidy_occupation_listings"
    __label__ = "高耗材、紧缺职业目录"
    __table_args__ = (CheckConstraint("effective_until IS NULL OR effective_until >= effective_from",
                                      name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_kind: Mapped[str] = mapped_column(String(24), info={"label": "目录", "choices": OCCUPATION_LISTS})
    occupation_code: Mapped[str] = mapped_column(String(48), index=True)
    effective_from: Mapped[date] = mapped_column(Date, info={"label": "生效日期"})
    effective_until: Mapped[date | None] = mapped_column(Date, info={"label": "失效日期"})
    basis: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def list_name(self) -> str:
        return OCCUPATION_LISTS.get(self.list_kind, self.list_kind)


class SubsidyClaim(InProgramme, TimestampMixin, db.Model):
    """A claim for public money: a base's for a completed session (training), or an enterprise's
    advance or final claim on an approved apprenticeship filing. One workflow for all three."""

    __tablename__ = "subsidy_claims"
    __label__ = "补贴申领"
    __table_args__ = (
        CheckConstraint("kind IN ('training', 'advance', 'final')", name="kind_known"),
        CheckConstraint(
            "(kind = 'training' AND session_id IS NOT NULL AND filing_id IS NULL)"
            " OR (kind <> 'training' AND filing_id IS NOT NULL AND session_id IS NULL)",
            name="claims_one_thing",
        ),
        # One live claim of each kind per session or filing; a rejected one frees it for a new claim.
        Index("uq_subsidy_claims_live_session", "session_id", unique=True,
              sqlite_where=text("status <> 'rejected' AND session_id IS NOT NULL"),
              postgresql_where=text("status <> 'rejected' AND session_id IS NOT NULL")),
        Index("uq_subsidy_claims_live_filing", "filing_id", "kind", unique=True,
              sqlite_where=text("status <> 'rejected' AND filing_id IS NOT NULL"),
              postgresql_where=text("status <> 'rejected' AND filing_id IS NOT NULL")),
        Index("ix_subsidy_claims_district_status", "district_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, info={"label": "申领编号"})
    kind: Mapped[str] = mapped_column(String(16), info={"label": "申领类型", "choices": CLAIM_KINDS})
    programme_code: Mapped[str] = mapped_column(String(32))
    #: The district whose bureau reviews and pays.
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), info={"label": "受理区"})
    base_id: Mapped[int | None] = mapped_column(ForeignKey("training_bases.id"), index=True, info={"label": "申领培训基地"})
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True, info={"label": "申领企业"})
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_sessions.id"))
    filing_id: Mapped[int | None] = mapped_column(ForeignKey("apprenticeship_filings.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft", info={"label": "申领状态", "choices": CLAIM_STATUSES})
    created_by: Mapped[str] = mapped_column(String(80), default="", info={"label": "经办人"})
    submitted_on: Mapped[date | None] = mapped_column(Date, info={"label": "提交日期"})
    review_due_on: Mapped[date | None] = mapped_column(Date, info={"label": "审核期限"})
    due_date_estimated: Mapped[bool] = mapped_column(Boolean, default=False, info={"label": "审核期限按周末估算"})
    review_started_on: Mapped[date | None] = mapped_column(Date, info={"label": "开始审核日期"})
    reviewer: Mapped[str | None] = mapped_column(String(80), info={"label": "审核人"})
    decided_on: Mapped[date | None] = mapped_column(Date, info={"label": "审核决定日期"})
    decision_note: Mapped[str | None] = mapped_column(Text, info={"label": "审核意见"})
    notice_from: Mapped[date | None] = mapped_column(Date, info={"label": "公示开始日期"})
    notice_until: Mapped[date | None] = mapped_column(Date, info={"label": "公示结束日期"})
    paid_on: Mapped[date | None] = mapped_column(Date, info={"label": "拨付日期"})
    payment_reference: Mapped[str | None] = mapped_column(String(64), info={"label": "支付凭证号"})
    #: Totals in fen, fixed when submitted (claimed) and decided (approved); the ledger holds them too.
    claimed_fen: Mapped[int] = mapped_column(BigInteger, default=0, info={"label": "申领金额(元)", "unit": "fen"})
    approved_fen: Mapped[int | None] = mapped_column(BigInteger, info={"label": "核定金额(元)", "unit": "fen"})
    #: A final apprenticeship claim deducts the advance paid on the filing (004 之四 二(七)).
    deduction_fen: Mapped[int] = mapped_column(BigInteger, default=0, info={"label": "扣除已预支金额(元)", "unit": "fen"})

    district: Mapped[District] = relationship()
    base: Mapped[TrainingBase | None] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()
    session: Mapped[TrainingSession | None] = relationship()
    filing: Mapped[ApprenticeshipFiling | None] = relationship()
    lines: Mapped[list["ClaimLine"]] = relationship(back_populates="claim", order_by="ClaimLine.id")
    entries: Mapped[list["LedgerEntry"]] = relationship(back_populates="claim", order_by="LedgerEntry.id")
    objections: Mapped[list["Objection"]] = relationship(back_populates="claim", order_by="Objection.id")

    @property
    def kind_name(self) -> str:
        return CLAIM_KINDS.get(self.kind, self.kind)

    @property
    def status_name(self) -> str:
        return CLAIM_STATUSES.get(self.status, self.status)

    @property
    def claimant_name(self) -> str:
        unit = self.base or self.enterprise
        return unit.name if unit else ""


class ClaimLine(db.Model):
    """One person on a claim, with the standard and amount in force; the reviewer's decision."""

    __tablename__ = "subsidy_claim_lines"
    __label__ = "申领人员"
    __table_args__ = (
        UniqueConstraint("claim_id", "trainee_id"),
        CheckConstraint("decision IS NULL OR decision IN ('approved', 'refused')", name="decision_known"),
        Index("ix_subsidy_claim_lines_person", "trainee_id", "occupation_code", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claims.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"))
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    apprentice_id: Mapped[int | None] = mapped_column(ForeignKey("apprentices.id"), info={"label": "学徒"})
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    occupation_code: Mapped[str] = mapped_column(String(48))
    level: Mapped[int | None] = mapped_column(info={"label": "等级", "choices": LEVELS})
    #: The year the training counts in for the yearly cap (the session's or plan's end).
    training_year: Mapped[int] = mapped_column(info={"label": "培训年度"})
    standard_id: Mapped[int] = mapped_column(ForeignKey("subsidy_standards.id"), info={"label": "适用标准"})
    standard_fen: Mapped[int] = mapped_column(BigInteger, info={"label": "标准金额(元)", "unit": "fen"})
    uplift_percent: Mapped[int] = mapped_column(Integer, default=0, info={"label": "上浮比例(%)"})
    amount_fen: Mapped[int] = mapped_column(BigInteger, info={"label": "补贴金额(元)", "unit": "fen"})
    decision: Mapped[str | None] = mapped_column(String(16), info={"label": "审核结论", "choices": LINE_DECISIONS})
    decision_reason: Mapped[str | None] = mapped_column(Text, info={"label": "审核说明"})

    claim: Mapped[SubsidyClaim] = relationship(back_populates="lines")
    trainee: Mapped[Trainee] = relationship()
    standard: Mapped[SubsidyStandard] = relationship()

    @property
    def is_frozen(self) -> bool:
        """Lines change only while a claim is a draft or under review."""
        return self.claim is not None and self.claim.status not in ("draft", "under_review")

    @property
    def decision_name(self) -> str:
        return LINE_DECISIONS.get(self.decision or "", "待审核")


class LedgerEntry(db.Model):
    """One step in a claim's money: claimed, approved, paid, or a correction of an earlier entry."""

    __tablename__ = "subsidy_ledger"
    __label__ = "资金台账"
    __append_only__ = True
    __table_args__ = (CheckConstraint("kind IN ('claimed', 'approved', 'paid', 'correction')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claims.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), info={"label": "台账类型", "choices": LEDGER_KINDS})
    amount_fen: Mapped[int] = mapped_column(BigInteger, info={"label": "金额(元)", "unit": "fen"})
    on: Mapped[date] = mapped_column(Date, info={"label": "日期"})
    #: Payment voucher number, or what a correction is about.
    reference: Mapped[str] = mapped_column(String(64), default="", info={"label": "凭证号"})
    note: Mapped[str] = mapped_column(Text, default="")
    #: The entry a correction corrects (and the person, when it is about one line).
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_ledger.id"), info={"label": "更正的台账记录"})
    line_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_claim_lines.id"), info={"label": "涉及人员"})
    actor_name: Mapped[str] = mapped_column(String(80), info={"label": "经办人"})
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    claim: Mapped[SubsidyClaim] = relationship(back_populates="entries")
    corrects: Mapped["LedgerEntry | None"] = relationship(remote_side=[id])

    @property
    def kind_name(self) -> str:
        return LEDGER_KINDS.get(self.kind, self.kind)


class Objection(TimestampMixin, db.Model):
    """An objection received while a claim is publicly noticed (公示), and its answer."""

    __tablename__ = "subsidy_objections"
    __label__ = "公示异议"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claims.id"), index=True)
    #: The person it concerns, if it names one.
    line_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_claim_lines.id"), info={"label": "涉及人员"})
    received_on: Mapped[date] = mapped_column(Date, info={"label": "收到日期"})
    raised_by: Mapped[str] = mapped_column(String(80), default="", info={"label": "异议人"})
    content: Mapped[str] = mapped_column(Text, info={"label": "异议内容"})
    outcome: Mapped[str | None] = mapped_column(String(16), info={"label": "核查结论", "choices": OBJECTION_OUTCOMES})
    response: Mapped[str | None] = mapped_column(Text, info={"label": "答复意见"})
    answered_on: Mapped[date | None] = mapped_column(Date, info={"label": "答复日期"})

    claim: Mapped[SubsidyClaim] = relationship(back_populates="objections")
    line: Mapped[ClaimLine | None] = relationship()

    @property
    def outcome_name(self) -> str:
        return OBJECTION_OUTCOMES.get(self.outcome or "", "待答复")
