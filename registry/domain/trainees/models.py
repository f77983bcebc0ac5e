"""Trainees: one record per identity document."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ..common import TimestampMixin
from ..identifiers import DOCUMENT_TYPES, mask_document, mask_name

SEXES = {"M": "男", "F": "女"}
HUKOU_TYPES = {"urban": "城镇", "rural": "农村"}
EDUCATION_LEVELS = {
    "primary": "小学及以下",
    "junior": "初中",
    "senior": "高中/中专/技校",
    "college": "大专",
    "bachelor": "本科及以上",
}

#: Groups a trainee may belong to (DOMAIN.md; 004 names them as target groups).
GROUP_TAGS = {
    "veteran": "退役军人",
    "disabled": "残疾人",
    "school_leaver": "两后生",
    "low_income": "脱贫/低保家庭",
    "hard_to_employ": "就业困难人员",
    "unemployed": "失业人员",
    "assisted_region": "帮扶地区",
}

#: Paired-assistance regions of 粤菜师傅+精准扶贫 and 南粤家政 (004 part 2 item 9, part 3 item 14).
ASSISTED_REGIONS = ("清远", "梅州", "贵州", "四川", "重庆", "西藏", "新疆")


class Trainee(TimestampMixin, db.Model):
    """A person who trains; found again by document type and number."""

    __tablename__ = "trainees"
    __label__ = "学员"
    # Number first: the same index finds a person by number alone (an import's look-up). The
    # registering district's index leaves out the people no district registered (most of them, and
    # every imported one), which only ever are looked up by a district's id (migration 0025).
    __table_args__ = (
        UniqueConstraint("document_number", "document_type"),
        Index("ix_trainees_registered_district_id", "registered_district_id",
              postgresql_where=text("registered_district_id IS NOT NULL"),
              sqlite_where=text("registered_district_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_type: Mapped[str] = mapped_column(String(24), info={"label": "证件类型", "choices": DOCUMENT_TYPES})
    #: Normalised (upper case, no spaces); validated by domain.identifiers.
    document_number: Mapped[str] = mapped_column(String(32), info={"label": "证件号码", "personal": "document"})
    name: Mapped[str] = mapped_column(String(60), info={"label": "姓名", "personal": "name"})
    sex: Mapped[str] = mapped_column(String(1), info={"label": "性别", "choices": SEXES})
    birth_date: Mapped[date] = mapped_column(Date, info={"label": "出生日期"})
    phone: Mapped[str] = mapped_column(String(20), default="", info={"label": "联系电话", "personal": "phone"})
    hukou_type: Mapped[str] = mapped_column(String(8), info={"label": "户籍类型", "choices": HUKOU_TYPES})
    education: Mapped[str | None] = mapped_column(String(16), info={"label": "文化程度", "choices": EDUCATION_LEVELS})
    #: Home region for paired-assistance tracking (one of ASSISTED_REGIONS), if any.
    assisted_region: Mapped[str | None] = mapped_column(String(16), info={"label": "帮扶地区来源"})
    #: The base that first registered this person (None when a bureau did); gives it sight of them.
    registered_base_id: Mapped[int | None] = mapped_column(ForeignKey("training_bases.id"), index=True,
                                                           info={"label": "登记基地"})
    #: The district bureau that registered this person (None when a base or the city did); gives it sight of them.
    registered_district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"),
                                                               info={"label": "登记区"})

    tags: Mapped[list["TraineeTag"]] = relationship(
        back_populates="trainee", cascade="all, delete-orphan", order_by="TraineeTag.tag"
    )

    @property
    def tag_codes(self) -> set[str]:
        return {t.tag for t in self.tags}

    @property
    def tag_names(self) -> list[str]:
        return [GROUP_TAGS.get(t.tag, t.tag) for t in self.tags]

    @property
    def document_type_name(self) -> str:
        return DOCUMENT_TYPES.get(self.document_type, self.document_type)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_document(self) -> str:
        return mask_document(self.document_number)

    @property
    def sex_name(self) -> str:
        return SEXES.get(self.sex, "")

    @property
    def hukou_name(self) -> str:
        return HUKOU_TYPES.get(self.hukou_type, "")

    @property
    def education_name(self) -> str:
        return EDUCATION_LEVELS.get(self.education or "", "")


class TraineeTag(db.Model):
    """A trainee's membership of a target group (a row per group, so reports can count it in SQL)."""

    __tablename__ = "trainee_tags"
    __label__ = "学员人员类别"

    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(24), primary_key=True, index=True,
                                     info={"label": "人员类别", "choices": GROUP_TAGS})

    trainee: Mapped[Trainee] = relationship(back_populates="tags")
