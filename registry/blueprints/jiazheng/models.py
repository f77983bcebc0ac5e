"""南粤家政's own records: demonstration training bases (示范基地) and street/town service stations.

* 004 之三 二、10: "建设扶持1家以上(省市共建)现代家政综合培训就业示范基地,10家以上市级家政服务培训
  示范基地,30家以上区级家政服务培训示范基地". The same item first invites every kind of training
  body to train home-service workers ("鼓励各类培训机构、就业训练中心、实训基地等开展家政服务类技能
  培训"): a base recognised for the programme (``BaseRecognition``) may train; a demonstration base
  is a further designation, 建设扶持 (built up and supported), with levels of its own (省市共建 is
  not 省级) and figures of its own. So a designation is its own record on an already recognised base,
  with its level, date, designating body and document, an optional term and an end; 000 item 16 and
  001 item 16 likewise name 示范基地 beside the ordinary 培训基地.
* 004 之三 二、1: "到2021年,在本市各街(镇)建设174家以上'羊城家政'基层服务站" (三(一): 各区街道办事处
  (镇政府)负责推动辖区内家政服务场所建设). A station is a record per station, kept by its district,
  closed rather than deleted.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ...domain.common import TimestampMixin
from ...domain.organisations.models import District, Enterprise, TrainingBase

#: 004 之三 二、10: the three levels of demonstration base, highest first (code → full name).
DESIGNATION_LEVELS = {
    "joint": "(省市共建)现代家政综合培训就业示范基地",
    "city": "市级家政服务培训示范基地",
    "district": "区级家政服务培训示范基地",
}
#: The same levels, short.
LEVEL_SHORT = {"joint": "省市共建", "city": "市级", "district": "区级"}

#: Who runs a service station.
OPERATOR_KINDS = {
    "enterprise": "家政服务企业",
    "street_office": "街道办事处(镇政府)",
    "community": "社区(村)党群服务中心",
    "other": "其他机构",
}


class DemonstrationDesignation(TimestampMixin, db.Model):
    """A recognised 南粤家政 base designated a demonstration base at one level. In force from
    ``designated_on`` to the end of its term (``valid_until``, if it has one) unless ended earlier
    (``ended_on``, the last day in force, with the reason). Never deleted: a base moved to another
    level gets a new designation and the old one ends the day before."""

    __tablename__ = "jiazheng_demonstration_designations"
    __label__ = "家政服务培训示范基地认定"
    __table_args__ = (
        CheckConstraint("level IN ('joint', 'city', 'district')", name="level_known"),
        CheckConstraint("valid_until IS NULL OR valid_until >= designated_on", name="term_after_start"),
        CheckConstraint("ended_on IS NULL OR ended_on >= designated_on", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_bases.id"), index=True)
    level: Mapped[str] = mapped_column(String(16), info={"label": "示范基地级别", "choices": DESIGNATION_LEVELS})
    designated_on: Mapped[date] = mapped_column(Date, info={"label": "认定日期"})
    #: The designating body, e.g. 广州市人力资源和社会保障局.
    designated_by: Mapped[str] = mapped_column(String(120), info={"label": "认定单位"})
    #: The designating document (文号), where there is one.
    document_number: Mapped[str] = mapped_column(String(60), default="", info={"label": "认定文号"})
    #: Last day of the designation's term; None when it has no fixed term.
    valid_until: Mapped[date | None] = mapped_column(Date, info={"label": "有效期至"})
    #: Last day in force when it was ended before its term (or superseded by another level).
    ended_on: Mapped[date | None] = mapped_column(Date, info={"label": "终止日期"})
    end_reason: Mapped[str | None] = mapped_column(Text, info={"label": "终止原因"})

    base: Mapped[TrainingBase] = relationship()

    @property
    def level_name(self) -> str:
        return DESIGNATION_LEVELS.get(self.level, self.level)

    @property
    def level_short(self) -> str:
        return LEVEL_SHORT.get(self.level, self.level)

    @property
    def last_day(self) -> date | None:
        """The last day in force: the earlier of the end and the term; None while open-ended."""
        days = [d for d in (self.valid_until, self.ended_on) if d is not None]
        return min(days) if days else None

    def in_force(self, on: date) -> bool:
        last = self.last_day
        return self.designated_on <= on and (last is None or on <= last)

    def status_name(self, on: date) -> str:
        if self.in_force(on):
            return "认定期内"
        if self.designated_on > on:
            return "尚未生效"
        return "已结束" if self.ended_on is not None and self.ended_on == self.last_day else "已期满"


class ServiceStation(TimestampMixin, db.Model):
    """A 基层家政服务站 of a street or town: in operation from ``opened_on`` until ``closed_on`` (the
    day it closed; it is no longer in operation that day). Closed, never deleted."""

    __tablename__ = "jiazheng_service_stations"
    __label__ = "基层家政服务站"
    __table_args__ = (
        CheckConstraint("operator_kind IN ('enterprise', 'street_office', 'community', 'other')",
                        name="operator_kind_known"),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), info={"label": "服务站名称"})
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    #: The street (街道/街) or town (镇) it serves.
    street: Mapped[str] = mapped_column(String(40), info={"label": "街道(镇)"})
    address: Mapped[str] = mapped_column(String(200), info={"label": "地址"})
    operator_kind: Mapped[str] = mapped_column(String(16), info={"label": "运营主体类型", "choices": OPERATOR_KINDS})
    #: The home-service enterprise that runs it, when one does.
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True, info={"label": "运营企业"})
    #: The operator's name as recorded (copied from the enterprise when one runs it).
    operator_name: Mapped[str] = mapped_column(String(120), info={"label": "运营单位名称"})
    contact_phone: Mapped[str] = mapped_column(String(20), default="", info={"label": "联系电话"})
    opened_on: Mapped[date] = mapped_column(Date, info={"label": "开办日期"})
    closed_on: Mapped[date | None] = mapped_column(Date, info={"label": "关闭日期"})
    close_reason: Mapped[str | None] = mapped_column(Text, info={"label": "关闭原因"})

    district: Mapped[District] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()

    @property
    def operator_kind_name(self) -> str:
        return OPERATOR_KINDS.get(self.operator_kind, self.operator_kind)

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def in_operation(self, on: date) -> bool:
        return self.opened_on <= on and (self.closed_on is None or on < self.closed_on)
