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
    __label__ = "区"
    __record_name__ = "name"  # names it where other records refer to it (the audit page)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: GB/T 2260 administrative division code, e.g. 440106.
    code: Mapped[str] = mapped_column(String(6), unique=True, info={"label": "行政区划代码"})
    name: Mapped[str] = mapped_column(String(32), unique=True, info={"label": "区名称"})

    def __repr__(self) -> str:
        return f"<District {self.code} {self.name}>"


class TrainingBase(TimestampMixin, db.Model):
    """A training base or institution (培训基地/培训机构)."""

    __tablename__ = "training_bases"
    __label__ = "培训基地"
    __record_name__ = "name"  # names it where other records refer to it (the audit page)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), info={"label": "基地名称"})
    #: 统一社会信用代码, normalised, checksum validated.
    credit_code: Mapped[str] = mapped_column(String(18), unique=True, info={"label": "统一社会信用代码"})
    kind: Mapped[str] = mapped_column(String(32), info={"label": "基地类型", "choices": BASE_KINDS})
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="", info={"label": "地址"})
    contact_name: Mapped[str] = mapped_column(String(40), default="", info={"label": "联系人"})
    contact_phone: Mapped[str] = mapped_column(String(20), default="", info={"label": "联系电话"})
    status: Mapped[str] = mapped_column(String(16), default="active", info={"label": "基地状态", "choices": BASE_STATUSES})
    #: As an evaluation site for 职业技能等级认定: S (社会培训评价组织) or Y (用人单位); None if not one.
    evaluation_kind: Mapped[str | None] = mapped_column(String(1),
                                                        info={"label": "评价机构类别", "choices": EVALUATION_KINDS})
    #: 4-digit evaluation-body code given by 人社部 (0000 when filed with the province).
    evaluation_body_code: Mapped[str | None] = mapped_column(String(4), info={"label": "评价机构代码"})
    #: 6-digit site serial given by the provincial bureau.
    evaluation_site_serial: Mapped[str | None] = mapped_column(String(6), info={"label": "站点序列码"})

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
    __label__ = "基地项目认定"
    __table_args__ = (UniqueConstraint("base_id", "programme_code", "recognised_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_bases.id"), index=True)
    #: A code in the programme catalogue.
    programme_code: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[str] = mapped_column(String(16), info={"label": "认定级别", "choices": RECOGNITION_LEVELS})
    recognised_on: Mapped[date] = mapped_column(Date, info={"label": "认定日期"})
    #: Last day of the recognition; None while open-ended.
    valid_until: Mapped[date | None] = mapped_column(Date, info={"label": "有效期至"})

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
    __label__ = "企业"
    __record_name__ = "name"  # names it where other records refer to it (the audit page)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), info={"label": "企业名称"})
    credit_code: Mapped[str] = mapped_column(String(18), unique=True, info={"label": "统一社会信用代码"})
    kind: Mapped[str] = mapped_column(String(32), default="general",
                                      info={"label": "企业类型", "choices": ENTERPRISE_KINDS})
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="", info={"label": "地址"})
    contact_name: Mapped[str] = mapped_column(String(40), default="", info={"label": "联系人"})
    contact_phone: Mapped[str] = mapped_column(String(20), default="", info={"label": "联系电话"})

    district: Mapped[District] = relationship()

    @property
    def kind_name(self) -> str:
        return ENTERPRISE_KINDS.get(self.kind, self.kind)
