"""Master and famous-chef studios as carriers of the programme, each at a training base.

000 二(四)14: "持续提升'粤菜师傅'培训基地、大师工作室、名厨工作室建设水平和培养能力,依托院校、培训机构和
企业等为载体"; 004 之二 二(二): "打造一批'粤菜师傅工作室',充分发挥其引领、辐射、交流作用". A studio
that lapses is ended with its day and reason, never deleted.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import joinedload

from ...domain.errors import DomainError
from ...domain.organisations.models import BaseRecognition, TrainingBase
from ...domain.trainees.models import Trainee
from ...extensions import db
from .models import STUDIO_KINDS, STUDIO_LEVELS, Studio
from .rules import CODE
from .validation import clean_text


@dataclass
class StudioData:
    kind: str
    name: str
    level: str
    recognised_by: str
    recognised_on: date | None


def is_programme_base(base: TrainingBase, on: date) -> bool:
    """True when the base holds a 粤菜师傅 recognition in force on ``on``."""
    return db.session.scalar(select(BaseRecognition.id).where(
        BaseRecognition.base_id == base.id, BaseRecognition.programme_code == CODE,
        BaseRecognition.recognised_on <= on,
        or_(BaseRecognition.valid_until.is_(None), BaseRecognition.valid_until >= on))) is not None


def create_studio(base: TrainingBase | None, lead_chef: Trainee, data: StudioData, on: date) -> Studio:
    """Record a recognised studio at a base that is a 粤菜师傅培训(实训)基地 today."""
    if base is None:
        raise DomainError("请选择工作室所在的培训基地", "base_id")
    if not is_programme_base(base, on):
        raise DomainError(f"「{base.name}」现未获粤菜师傅培训(实训)基地认定,不能登记工作室", "base_id")
    if data.kind not in STUDIO_KINDS:
        raise DomainError("请选择工作室类型", "kind")
    name = clean_text(data.name, "name", "工作室名称", 120)
    if len(name) < 2:
        raise DomainError("工作室名称至少 2 个字", "name")
    if data.level not in STUDIO_LEVELS:
        raise DomainError("请选择认定级别", "level")
    recognised_by = clean_text(data.recognised_by, "recognised_by", "认定单位", 120)
    if data.recognised_on is None:
        raise DomainError("请填写认定日期", "recognised_on")
    if data.recognised_on > on:
        raise DomainError("认定日期不能晚于今天", "recognised_on")
    clash = db.session.scalar(select(Studio.id).where(
        Studio.base_id == base.id, Studio.name == name, Studio.ended_on.is_(None)))
    if clash is not None:
        raise DomainError("该培训基地已有同名且未终止的工作室", "name")
    studio = Studio(base_id=base.id, kind=data.kind, name=name, lead_chef_id=lead_chef.id, level=data.level,
                    recognised_by=recognised_by, recognised_on=data.recognised_on)
    db.session.add(studio)
    db.session.flush()
    return studio


def end_studio(studio: Studio, ended_on: date | None, reason: str, on: date) -> Studio:
    """The studio lapsed or was withdrawn on ``ended_on``: it stays on record, marked ended."""
    if studio.ended_on is not None:
        raise DomainError(f"该工作室已于 {studio.ended_on:%Y-%m-%d} 终止")
    if ended_on is None:
        raise DomainError("请填写终止日期", "ended_on")
    if ended_on > on:
        raise DomainError("终止日期不能晚于今天", "ended_on")
    if ended_on < studio.recognised_on:
        raise DomainError(f"终止日期不能早于认定日期 {studio.recognised_on:%Y-%m-%d}", "ended_on")
    studio.end_reason = clean_text(reason, "end_reason", "终止原因", 1000)
    studio.ended_on = ended_on
    db.session.flush()
    return studio


def current_by_kind(visible: ColumnElement[bool]) -> dict[str, list[Studio]]:
    """Studios standing today that the viewer may see, grouped by kind in STUDIO_KINDS order."""
    studios = db.session.scalars(
        select(Studio).join(TrainingBase, Studio.base_id == TrainingBase.id)
        .options(joinedload(Studio.base), joinedload(Studio.lead_chef))
        .where(Studio.ended_on.is_(None), visible)
        .order_by(Studio.recognised_on.desc(), Studio.id.desc())).all()
    grouped: dict[str, list[Studio]] = defaultdict(list)
    for studio in studios:
        grouped[studio.kind].append(studio)
    return {kind: grouped[kind] for kind in STUDIO_KINDS if grouped.get(kind)}


def recognised_in_year(year: int, district_id: int | None) -> int:
    """Studios recognised in the year, counted in their base's district: the tally of the measure
    ``studios_recognised`` (an ended studio still counts in the year it was recognised)."""
    statement = (select(func.count(Studio.id)).join(TrainingBase, Studio.base_id == TrainingBase.id)
                 .where(Studio.recognised_on >= date(year, 1, 1), Studio.recognised_on <= date(year, 12, 31)))
    if district_id is not None:
        statement = statement.where(TrainingBase.district_id == district_id)
    return db.session.scalar(statement) or 0
