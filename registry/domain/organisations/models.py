"""Districts, training bases (with their programme recognitions) and enterprises."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ..common import TimestampMixin

#: Kinds of training base (DOMAIN.md, 粤菜师傅: the carriers the notices name).
BASE_KINDS = {
    "technical_school": "技工院校",
    "vocational_school": "职业院校",
    "training_institution": "培训机构",
    "enterprise_centre": "企业培训中心",
    "industry_association": "行业协会",
    "employment_centre": "就业训练中心",
}

#: Kinds of skill-level evaluation body (first character of a 职业技能等级证书 number).
EVALUATION_KINDS = {"S": "社会培训评价组织", "Y": "用人单位"}

BASE_STATUSES = {"active": "正常", "suspended": "暂停", "revoked": "撤销"}

#: Who recognised a base for a programme (示范基地 levels: 省/市/区).
RECOGNITION_LEVELS = {"province": "省级", "city": "市级", "district": "区级"}

ENTERPRISE_KINDS = {
    "general": "一般企业",
    "home_service": "家政企业",
    "catering": "餐饮企业",
    "high_risk": "高危行业企业",
}


class District(db.Model):
    """A district (区) of the city; seeded by the first migration."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: GB/T 2260 administrative division code, e.g. 440106.
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)

    def __repr__(self) -> str:
        return f"<District {self.code} {self.name}>"


class TrainingBase(TimestampMixin, db.Model):
    """A training base or institution (培训基地/培训机构)."""

    __tablename__ = "training_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: 统一社会信用代码, normalised, checksum validated.
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(16), default="active")
    #: As an evaluation site for 职业技能等级认定: S (社会培训评价组织) or Y (用人单位); None if not one.
    evaluation_kind: Mapped[str | None] = mapped_column(String(1))
    #: 4-digit evaluation-body code given by 人社部 (0000 when filed with the province).
    evaluation_body_code: Mapped[str | None] = mapped_column(String(4))
    #: 6-digit site serial given by the provincial bureau.
    evaluation_site_serial: Mapped[str | None] = mapped_column(String(6))

    district: Mapped[District] = relationship()
    recognitions: Mapped[list["BaseRecognition"]] = relationship(
        back_populates="base", order_by="BaseRecognition.recognised_on"
    )

    @property
    def kind_name(self) -> str:
        return BASE_KINDS.get(self.kind, self.kind)

    @property
    def status_name(self) -> str:
        return BASE_STATUSES.get(self.status, self.status)

    def current_recognitions(self, on: date | None = None) -> list["BaseRecognition"]:
        return [r for r in self.recognitions if r.is_current(on)]

    def recognised_programme_codes(self, on: date | None = None) -> set[str]:
        return {r.programme_code for r in self.current_recognitions(on)}


class BaseRecognition(TimestampMixin, db.Model):
    """A base's recognition for one programme: by whom (level) and for how long."""

    __tablename__ = "base_recognitions"
    __table_args__ = (UniqueConstraint("base_id", "programme_code", "recognised_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_bases.id"), index=True)
    #: A code in the programme catalogue.
    programme_code: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[str] = mapped_column(String(16))
    recognised_on: Mapped[date] = mapped_column(Date)
    #: Last day of the recognition; None while open-ended.
    valid_until: Mapped[date | None] = mapped_column(Date)

    base: Mapped[TrainingBase] = relationship(back_populates="recognitions")

    @property
    def level_name(self) -> str:
        return RECOGNITION_LEVELS.get(self.level, self.level)

    def is_current(self, on: date | None = None) -> bool:
        from ..common import today

        on = on or today()
        return self.recognised_on <= on and (self.valid_until is None or on <= self.valid_until)


class Enterprise(TimestampMixin, db.Model):
    """An enterprise: apprenticeship filer or home-service employer."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="general")
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")

    district: Mapped[District] = relationship()

    @property
    def kind_name(self) -> str:
        return ENTERPRISE_KINDS.get(self.kind, self.kind)
