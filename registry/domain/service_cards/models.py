"""The door-to-door service card (上门服务证) and the worker's records it brings together.

004 之三 二、4: one card combining the real-name identity (实名认证), work history (从业经历),
training and health check (体检) records; item 5: star ratings of workers; item 10: retraining
(回炉) at least every two years; item 18: red and black credit lists. The records below belong to
the worker (a trainee record), so a replacement card shows the same history; the card itself holds
its number, photo, service types, employer and signature. Nothing here is ever deleted.
"""
from __future__ import annotations

from collections import ChainMap
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String, Text, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ..catalogue import InProgramme
from ..common import TimestampMixin, utcnow
from ..organisations.models import District, Enterprise, TrainingBase
from ..trainees.models import Trainee

#: How an identity was checked in person against the document (人证合一).
IDENTITY_METHODS = {
    "in_person": "现场核验身份证原件",
    "reader": "身份证阅读器读卡核验",
    "face": "人脸识别比对",
}
HEALTH_RESULTS = {"fit": "合格", "unfit": "不合格"}
#: 004 之三 二、18: credit lists of home-service workers.
CREDIT_STATUSES = {"normal": "正常", "red": "红名单", "black": "黑名单"}
CARD_STATUSES = {"active": "有效", "revoked": "已注销", "replaced": "已换发"}
#: Why a card was revoked (shown publicly as the category only).
REVOCATION_REASONS = {
    "fraud": "弄虚作假取得",
    "left_trade": "本人申请注销(不再从业)",
    "error": "信息登记错误",
    "other": "其他原因",
}
#: Why a card was replaced by a new one.
REPLACEMENT_REASONS = {
    "lost": "遗失补办",
    "damaged": "损坏换证",
    "changed": "信息变更",
    "photo": "更换照片",
}
#: A card's status reason: why it was revoked, or why replaced (both lists, read where they are).
CARD_STATUS_REASONS = ChainMap(REVOCATION_REASONS, REPLACEMENT_REASONS)


class IdentityCheck(db.Model):
    """The worker's identity checked in person against the ID document: who checked, when, how."""

    __tablename__ = "identity_checks"
    __label__ = "人证核验记录"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    checked_on: Mapped[date] = mapped_column(Date, info={"label": "核验日期"})
    method: Mapped[str] = mapped_column(String(16), info={"label": "核验方式", "choices": IDENTITY_METHODS})
    #: The user who checked (their name is copied: accounts may be renamed later).
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "核验人账号"})
    checked_by_name: Mapped[str] = mapped_column(String(80), info={"label": "核验人"})
    #: The document number seen, as it was that day.
    document_number: Mapped[str] = mapped_column(String(32), info={"label": "核验的证件号码", "personal": "document"})
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def method_name(self) -> str:
        return IDENTITY_METHODS.get(self.method, self.method)


class HealthCheck(db.Model):
    """A health check (体检): when, where, the result, and the last day it counts."""

    __tablename__ = "health_checks"
    __label__ = "体检记录"
    __table_args__ = (CheckConstraint("result IN ('fit', 'unfit')", name="result_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    checked_on: Mapped[date] = mapped_column(Date, info={"label": "体检日期"})
    institution: Mapped[str] = mapped_column(String(120), info={"label": "体检机构"})
    result: Mapped[str] = mapped_column(String(8), info={"label": "体检结论", "choices": HEALTH_RESULTS})
    #: Last day the check counts: the check date plus the validity in force when it was recorded.
    expires_on: Mapped[date] = mapped_column(Date, info={"label": "体检有效期至"})
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def result_name(self) -> str:
        return HEALTH_RESULTS.get(self.result, self.result)


class CreditRecord(db.Model):
    """A change of the worker's credit status (正常 / 红名单 / 黑名单), with its reason and date."""

    __tablename__ = "credit_records"
    __label__ = "信用记录"
    __table_args__ = (CheckConstraint("status IN ('normal', 'red', 'black')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    status: Mapped[str] = mapped_column(String(8), info={"label": "信用状态", "choices": CREDIT_STATUSES})
    reason: Mapped[str] = mapped_column(Text, info={"label": "原因"})
    effective_on: Mapped[date] = mapped_column(Date, info={"label": "认定日期"})
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def status_name(self) -> str:
        return CREDIT_STATUSES.get(self.status, self.status)


class StarRating(db.Model):
    """A star rating (星级评定, 1–5) by a rating body; the latest one is the worker's rating."""

    __tablename__ = "star_ratings"
    __label__ = "星级评定"
    __table_args__ = (CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    stars: Mapped[int] = mapped_column(SmallInteger, info={"label": "星级"})
    rated_on: Mapped[date] = mapped_column(Date, info={"label": "评定日期"})
    rated_by: Mapped[str] = mapped_column(String(120), info={"label": "评定机构"})
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WorkRecord(db.Model):
    """A spell of work (从业经历): employer, dates and role."""

    __tablename__ = "work_records"
    __label__ = "从业经历"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    #: A registered home-service enterprise, or only its name (a household, a firm elsewhere).
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), info={"label": "家政企业"})
    employer_name: Mapped[str] = mapped_column(String(120), info={"label": "用工单位"})
    started_on: Mapped[date] = mapped_column(Date, info={"label": "开始日期"})
    ended_on: Mapped[date | None] = mapped_column(Date, info={"label": "结束日期"})
    role: Mapped[str] = mapped_column(String(60), info={"label": "岗位"})
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WorkerPhoto(db.Model):
    """A photo for the card, as re-encoded on upload (JPEG, no metadata); kept when replaced."""

    __tablename__ = "worker_photos"
    __label__ = "证件照"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    jpeg: Mapped[bytes] = mapped_column(LargeBinary, info={"label": "照片"})
    width: Mapped[int] = mapped_column(Integer, info={"label": "宽度(像素)"})
    height: Mapped[int] = mapped_column(Integer, info={"label": "高度(像素)"})
    #: SHA-256 of the JPEG, hex: the audit log records it instead of the bytes.
    sha256: Mapped[str] = mapped_column(String(64), info={"label": "照片摘要(SHA-256)"})
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, info={"label": "上传时间"})


class ServiceCard(InProgramme, TimestampMixin, db.Model):
    """One card; at most one active card per person and programme (一人一证一码)."""

    __tablename__ = "service_cards"
    __label__ = "上门服务证"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'revoked', 'replaced')", name="status_known"),
        Index("uq_service_cards_one_active", "trainee_id", "programme_code", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
        # Cards issued per year and district (reconciliation).
        Index("ix_service_cards_issued", "issued_on", "district_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, info={"label": "证件编号"})
    programme_code: Mapped[str] = mapped_column(String(32))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True, info={"label": "持证人"})
    photo_id: Mapped[int] = mapped_column(ForeignKey("worker_photos.id"), info={"label": "证件照"})
    #: The in-person identity check the card was issued on.
    identity_check_id: Mapped[int] = mapped_column(ForeignKey("identity_checks.id"), info={"label": "人证核验记录"})
    #: Where it was issued: the district counts it; the base, when a base issued it.
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True, info={"label": "发证区"})
    base_id: Mapped[int | None] = mapped_column(ForeignKey("training_bases.id"), index=True, info={"label": "发证培训基地"})
    #: The 家政企业 the worker works for; None for the self-employed.
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True, info={"label": "所属家政企业"})
    issued_on: Mapped[date] = mapped_column(Date, info={"label": "发证日期"})
    status: Mapped[str] = mapped_column(String(16), default="active", info={"label": "证件状态", "choices": CARD_STATUSES})
    status_reason: Mapped[str | None] = mapped_column(String(32),
                                                      info={"label": "状态原因", "choices": CARD_STATUS_REASONS})
    status_on: Mapped[date | None] = mapped_column(Date, info={"label": "状态变更日期"})
    #: Internal note for staff; never shown publicly.
    status_note: Mapped[str | None] = mapped_column(Text, info={"label": "内部说明"})
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("service_cards.id"), info={"label": "换发自"})
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("service_cards.id"), info={"label": "换发为"})
    #: Signature of the QR code's fields (number, service types, masked name, issue date).
    key_id: Mapped[str] = mapped_column(String(16), info={"label": "签名密钥"})
    signature: Mapped[str] = mapped_column(String(100), info={"label": "数字签名"})

    trainee: Mapped[Trainee] = relationship()
    district: Mapped[District] = relationship()
    base: Mapped[TrainingBase | None] = relationship()
    employer: Mapped[Enterprise | None] = relationship()
    photo: Mapped[WorkerPhoto] = relationship()
    identity_check: Mapped[IdentityCheck] = relationship()
    service_types: Mapped[list["ServiceCardType"]] = relationship(
        back_populates="card", order_by="ServiceCardType.added_on, ServiceCardType.track_code"
    )
    replaced_by: Mapped["ServiceCard | None"] = relationship(foreign_keys=[replaced_by_id], remote_side=[id])
    replaces: Mapped["ServiceCard | None"] = relationship(foreign_keys=[replaces_id], remote_side=[id])

    @property
    def status_name(self) -> str:
        return CARD_STATUSES.get(self.status, self.status)

    @property
    def status_reason_name(self) -> str:
        reason = self.status_reason or ""
        return REVOCATION_REASONS.get(reason) or REPLACEMENT_REASONS.get(reason, "")

    @property
    def track_codes(self) -> list[str]:
        """In the programme's track order, whatever order they were added in: the signed fields
        are rebuilt from this list, so it must always come out the same."""
        programme = self.programme
        order = [t.code for t in programme.tracks] if programme else []
        codes = [t.track_code for t in self.service_types]
        return sorted(codes, key=lambda code: (order.index(code) if code in order else len(order), code))

    @property
    def service_type_names(self) -> list[str]:
        programme = self.programme
        names = []
        for code in self.track_codes:
            track = programme.track(code) if programme else None
            names.append(track.name if track else code)
        return names


class ServiceCardType(db.Model):
    """A service type on a card, with the certificate that earned it."""

    __tablename__ = "service_card_types"
    __label__ = "上门服务证服务类型"

    card_id: Mapped[int] = mapped_column(ForeignKey("service_cards.id"), primary_key=True, info={"label": "上门服务证"})
    track_code: Mapped[str] = mapped_column(String(32), primary_key=True, info={"label": "服务类型"})
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), info={"label": "取得的证书"})
    added_on: Mapped[date] = mapped_column(Date, info={"label": "加注日期"})

    card: Mapped[ServiceCard] = relationship(back_populates="service_types")
