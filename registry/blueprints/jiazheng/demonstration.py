"""Demonstration training bases (家政服务培训示范基地): designating a recognised base at a level,
ending a designation, and counting those in force (004 之三 二、10; see models.py for why a
designation is a record of its own). Plain domain functions: they flush, never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select

from ...domain.common import today
from ...domain.errors import DomainError
from ...domain.organisations.models import BaseRecognition, TrainingBase
from ...extensions import db
from .models import DESIGNATION_LEVELS, LEVEL_SHORT, DemonstrationDesignation
from .rules import CODE


def stock_day(year: int, on: date) -> date:
    """The day a stock measure (bases, stations) is read for ``year``: its last day, or ``on``
    (today) while the year is still running."""
    return min(date(year, 12, 31), on)


def in_force_on(day: date) -> ColumnElement[bool]:
    """SQL: the designation is in force on ``day`` (designated by then; neither term nor end passed)."""
    d = DemonstrationDesignation
    return and_(d.designated_on <= day, or_(d.valid_until.is_(None), d.valid_until >= day),
                or_(d.ended_on.is_(None), d.ended_on >= day))


@dataclass
class DesignationData:
    base_id: int | None
    level: str
    designated_on: date | None
    designated_by: str
    document_number: str = ""
    valid_until: date | None = None


def _recognised(base: TrainingBase, on: date) -> bool:
    return any(r.programme_code == CODE and r.is_current(on) for r in base.recognitions)


def designations_of(base_id: int) -> list[DemonstrationDesignation]:
    return list(db.session.scalars(select(DemonstrationDesignation).where(DemonstrationDesignation.base_id == base_id)
                                   .order_by(DemonstrationDesignation.designated_on, DemonstrationDesignation.id)))


def designate(data: DesignationData, on: date | None = None) -> DemonstrationDesignation:
    """Designate a base recognised for 南粤家政 a demonstration base at ``data.level``. A base holds
    one designation at a time: one in force at another level is superseded (it ends the day before);
    one in force at the same level refuses."""
    on = on or today()
    if data.level not in DESIGNATION_LEVELS:
        raise DomainError("请选择示范基地级别(省市共建、市级或区级)", "level")
    base = db.session.get(TrainingBase, data.base_id) if data.base_id else None
    if base is None:
        raise DomainError("请选择培训基地", "base_id")
    if base.status != "active":
        raise DomainError(f"培训基地「{base.name}」状态为{base.status_name},不能认定为示范基地", "base_id")
    if data.designated_on is None:
        raise DomainError("请填写认定日期", "designated_on")
    if data.designated_on > on:
        raise DomainError("认定日期不能晚于今天", "designated_on")
    if data.valid_until is not None and data.valid_until < data.designated_on:
        raise DomainError("有效期至不能早于认定日期", "valid_until")
    designated_by = (data.designated_by or "").strip()
    if not designated_by:
        raise DomainError("请填写认定单位(如广州市人力资源和社会保障局)", "designated_by")
    if len(designated_by) > 120:
        raise DomainError("认定单位不超过 120 字", "designated_by")
    document_number = (data.document_number or "").strip()
    if len(document_number) > 60:
        raise DomainError("认定文号不超过 60 字", "document_number")
    # 004 之三 二、10: a demonstration base is a training base of the programme, built up further.
    if not _recognised(base, data.designated_on):
        raise DomainError(f"「{base.name}」在认定日期没有有效的南粤家政培训基地认定,须先认定为本项目培训基地",
                          "base_id")
    earlier = designations_of(base.id)
    later = [d for d in earlier if d.designated_on >= data.designated_on]
    if later:
        raise DomainError(f"该基地已有 {later[-1].designated_on:%Y-%m-%d} 的示范基地认定,认定日期须晚于该日期",
                          "designated_on")
    current = next((d for d in earlier if d.in_force(data.designated_on)), None)
    if current is not None and current.level == data.level:
        raise DomainError(f"该基地已是{current.level_name}({current.designated_on:%Y-%m-%d} 起)", "level")
    if current is not None:
        current.ended_on = data.designated_on - timedelta(days=1)
        current.end_reason = f"调整为{LEVEL_SHORT[data.level]}示范基地({data.designated_on:%Y-%m-%d} 起)"
    designation = DemonstrationDesignation(
        base_id=base.id, level=data.level, designated_on=data.designated_on, designated_by=designated_by,
        document_number=document_number, valid_until=data.valid_until,
    )
    db.session.add(designation)
    db.session.flush()
    return designation


def end_designation(designation: DemonstrationDesignation, last_day: date | None, reason: str,
                    on: date | None = None) -> DemonstrationDesignation:
    """End a designation early (e.g. failed the periodic evaluation): ``last_day`` is its last day
    in force. The record stays."""
    on = on or today()
    if designation.ended_on is not None:
        raise DomainError(f"该认定已于 {designation.ended_on:%Y-%m-%d} 结束", "ended_on")
    if designation.valid_until is not None and designation.valid_until < on:
        raise DomainError(f"该认定已于 {designation.valid_until:%Y-%m-%d} 期满,无须结束", "ended_on")
    if last_day is None:
        raise DomainError("请填写结束日期", "ended_on")
    if last_day < designation.designated_on:
        raise DomainError("结束日期不能早于认定日期", "ended_on")
    if last_day > on:
        raise DomainError("结束日期不能晚于今天", "ended_on")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写结束原因", "end_reason")
    designation.ended_on = last_day
    designation.end_reason = reason
    db.session.flush()
    return designation


# --- counting and listing -----------------------------------------------------------------------

def count_in_force(level: str, year: int, district_id: int | None, on: date | None = None) -> int:
    """The measure of each level: designations at ``level`` in force on the year's stock day, by the
    district of the base (None: the whole city)."""
    day = stock_day(year, on or today())
    statement = (select(func.count(DemonstrationDesignation.id))
                 .where(DemonstrationDesignation.level == level, in_force_on(day)))
    if district_id is not None:
        statement = statement.join(TrainingBase, TrainingBase.id == DemonstrationDesignation.base_id) \
            .where(TrainingBase.district_id == district_id)
    return db.session.scalar(statement) or 0


def counts_by_level(visible: ColumnElement[bool], day: date) -> dict[str, int]:
    """Designations in force on ``day`` per level, among those the viewer sees."""
    rows = dict(db.session.execute(
        select(DemonstrationDesignation.level, func.count(DemonstrationDesignation.id))
        .where(visible, in_force_on(day)).group_by(DemonstrationDesignation.level)).all())
    return {level: rows.get(level, 0) for level in DESIGNATION_LEVELS}


def recognition_lapsed(designation: DemonstrationDesignation, on: date) -> bool:
    """A designation in force on a base whose 南粤家政 recognition has since ended: for review."""
    return designation.in_force(on) and not _recognised(designation.base, on)


def eligible_bases(visible: ColumnElement[bool], on: date) -> list[TrainingBase]:
    """Active bases the viewer sees that hold a 南粤家政 recognition (in force now or earlier)."""
    return list(db.session.scalars(
        select(TrainingBase).where(
            visible, TrainingBase.status == "active",
            TrainingBase.id.in_(select(BaseRecognition.base_id).where(BaseRecognition.programme_code == CODE,
                                                                      BaseRecognition.recognised_on <= on)))
        .order_by(TrainingBase.district_id, TrainingBase.name)))
