"""Certificates, their number counters and the log of every verification."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, TextClause, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ..catalogue import CERTIFICATE_TYPES, LEVELS, catalogue
from ..common import TimestampMixin, utcnow
from ..organisations.models import TrainingBase
from ..trainees.models import Trainee
from ..training.models import Enrollment

CERTIFICATE_STATUSES = {"valid": "有效", "suspended": "暂停", "revoked": "已撤销"}

#: Why a certificate was revoked or suspended (shown publicly as a category, never the note).
STATUS_REASONS = {
    "fraud": "弄虚作假取得",
    "error": "信息登记错误",
    "replaced": "已换发新证",
    "assessment_void": "考核结果被撤销",
    "investigation": "核查中",
    "other": "其他原因",
}




def counted_by_enrollment(table: str = "") -> TextClause:
    """A certificate issued for an enrollment (not a replacement) that counts for 取证: not revoked,
    or revoked only because it was replaced (reconciliation/counting.py). Literal values, so that
    SQLite matches it with the partial index below; ``table`` qualifies the columns in a join."""
    t = f"{table}." if table else ""
    return text(f"{t}enrollment_id IS NOT NULL AND ({t}status <> 'revoked' OR {t}status_reason = 'replaced')")


class Certificate(TimestampMixin, db.Model):
    """A certificate issued to a trainee for one passed enrollment; never deleted."""

    __tablename__ = "certificates"
    __label__ = "证书"
    __table_args__ = (
        CheckConstraint("status IN ('valid', 'suspended', 'revoked')", name="status_known"),
        Index("ix_certificates_session", "session_id"),
        # 取证 in reconciliation: a certificate by enrollment, with its status (counting.py) ...
        Index("ix_certificates_enrollment_status", "enrollment_id", "status", "status_reason"),
        # ... and the certificates that count, by session (the figures' GROUP BY).
        Index("ix_certificates_counted_by_session", "session_id", postgresql_where=counted_by_enrollment(),
              sqlite_where=counted_by_enrollment()),
        # Who holds a certificate of a type and level (e.g. 技师/高级技师 for 拔尖技能人才, ten_groups
        # workforce.measures): read from the index alone.
        Index("ix_certificates_type_level_holder", "certificate_type", "level", "status", "trainee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Canonical form: upper case, no spaces or dashes.
    number: Mapped[str] = mapped_column(String(32), unique=True, info={"label": "证书编号"})
    certificate_type: Mapped[str] = mapped_column(String(32), info={"label": "证书类型", "choices": CERTIFICATE_TYPES})
    #: One certificate per enrollment, ever (a replacement points back instead).
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True, info={"label": "持证人"})
    base_id: Mapped[int] = mapped_column(ForeignKey("training_bases.id"), index=True)
    programme_code: Mapped[str] = mapped_column(String(32))
    occupation_code: Mapped[str] = mapped_column(String(48))
    #: Copied at issue so the printed wording never changes with the catalogue.
    occupation_name: Mapped[str] = mapped_column(String(80), info={"label": "职业(工种)名称"})
    level: Mapped[int | None] = mapped_column(info={"label": "等级", "choices": LEVELS})
    issued_on: Mapped[date] = mapped_column(Date, info={"label": "发证日期"})
    #: Last day of validity; None for certificates that do not expire.
    valid_until: Mapped[date | None] = mapped_column(Date, info={"label": "有效期至"})
    status: Mapped[str] = mapped_column(String(16), default="valid", index=True,
                                        info={"label": "证书状态", "choices": CERTIFICATE_STATUSES})
    status_reason: Mapped[str | None] = mapped_column(String(32), info={"label": "状态原因", "choices": STATUS_REASONS})
    status_on: Mapped[date | None] = mapped_column(Date, info={"label": "状态变更日期"})
    #: Internal note for bureau staff; never shown publicly.
    status_note: Mapped[str | None] = mapped_column(Text, info={"label": "内部说明"})
    #: The certificate this one replaces, and the one that replaced it.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), info={"label": "换发自"})
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), info={"label": "换发为"})
    #: Which signing key signed ``signature`` (base64url of the Ed25519 signature).
    key_id: Mapped[str] = mapped_column(String(16), info={"label": "签名密钥"})
    signature: Mapped[str] = mapped_column(String(100), info={"label": "数字签名"})

    trainee: Mapped[Trainee] = relationship()
    base: Mapped[TrainingBase] = relationship()
    enrollment: Mapped[Enrollment | None] = relationship(foreign_keys=[enrollment_id])
    replaced_by: Mapped["Certificate | None"] = relationship(foreign_keys=[replaced_by_id], remote_side=[id])
    replaces: Mapped["Certificate | None"] = relationship(foreign_keys=[replaces_id], remote_side=[id])

    @property
    def type_name(self) -> str:
        return CERTIFICATE_TYPES.get(self.certificate_type, self.certificate_type)

    @property
    def level_name(self) -> str:
        return LEVELS.get(self.level, "") if self.level else ""

    @property
    def programme_name(self) -> str:
        return catalogue.name_of(self.programme_code)

    @property
    def status_name(self) -> str:
        return CERTIFICATE_STATUSES.get(self.status, self.status)

    @property
    def status_reason_name(self) -> str:
        return STATUS_REASONS.get(self.status_reason or "", "")


class CertificateCounter(db.Model):
    """The last serial handed out per numbering scope; bumped atomically (see numbering.py)."""

    __tablename__ = "certificate_counters"
    __label__ = "证书编号计数"
    __audit_exclude__ = True

    scope: Mapped[str] = mapped_column(String(32), primary_key=True, info={"label": "编号范围"})
    last: Mapped[int] = mapped_column(Integer, default=0, info={"label": "已用最大序号"})


VERIFICATION_OUTCOMES = {
    "valid": "有效",
    "expired": "已过期",
    "suspended": "暂停",
    "revoked": "已撤销",
    "unknown": "查无此证",
    "altered": "信息被篡改",
    # Service cards' live outcomes (service_cards/standing.py).
    "replaced": "已换发",
    "health_expired": "体检过期",
    "retrain_overdue": "回炉逾期",
}


class VerificationEvent(db.Model):
    """One public verification: when, how, what it found, and a coarse origin (never the address)."""

    __tablename__ = "verification_events"
    __label__ = "证书核验记录"
    __audit_exclude__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True, info={"label": "核验时间"})
    #: Set when the number matched a certificate.
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    #: Set when the number matched a service card (service_cards.models.ServiceCard).
    card_id: Mapped[int | None] = mapped_column(ForeignKey("service_cards.id"), index=True, info={"label": "上门服务证"})
    #: qr (scanned link), lookup (number + name form), match (name/ID comparison), api (JSON).
    channel: Mapped[str] = mapped_column(String(16), info={"label": "核验渠道"})
    outcome: Mapped[str] = mapped_column(String(16), info={"label": "核验结果", "choices": VERIFICATION_OUTCOMES})
    #: IPv4 /16 or IPv6 /32 network of the client: enough for abuse patterns, not a person.
    origin: Mapped[str] = mapped_column(String(48), default="", info={"label": "来源网段"})
