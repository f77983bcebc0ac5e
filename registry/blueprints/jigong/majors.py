"""A school's majors (专业): add, correct, end (停办). A major belongs to a technical or vocational school,
leads to one catalogue occupation at one training level (培养层次), and may be a province key major
(省级重点专业) or featured major (省级特色专业) from a year (000 二(三)15: "积极建设……省级重点(优质重点)和
特色(优质培育)专业"; 001 二(三)15: "支持技工院校加强专业建设")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from registry.domain.catalogue import LEVELS, catalogue
from registry.domain.errors import DomainError
from registry.domain.organisations.models import BASE_KINDS, TrainingBase
from registry.extensions import db

from .models import SCHOOL_KINDS, TRAINING_LEVELS, Cohort, Major
from .rules import CODE

CODE_PATTERN = re.compile(r"[0-9A-Za-z-]{2,16}")
FIRST_FLAG_YEAR = 2000


@dataclass
class MajorData:
    code: str
    name: str
    occupation_code: str
    level: int | None
    years: int | None
    total_hours: int | None
    key_major_year: int | None = None
    featured_major_year: int | None = None


def check_school(base: TrainingBase) -> None:
    if base.kind not in SCHOOL_KINDS:
        allowed = "、".join(BASE_KINDS[k] for k in SCHOOL_KINDS)
        raise DomainError(f"「{base.name}」是{base.kind_name},只有{allowed}登记专业和学制班", "code")


def _check_flag_year(year: int | None, field: str, label: str, on: date) -> None:
    if year is not None and not FIRST_FLAG_YEAR <= year <= on.year:
        raise DomainError(f"{label}认定年份应在 {FIRST_FLAG_YEAR} 至 {on.year} 年之间", field)


def _check(data: MajorData, on: date) -> MajorData:
    code = (data.code or "").strip().upper()
    if not CODE_PATTERN.fullmatch(code):
        raise DomainError("专业代码应为 2 至 16 位字母、数字或横线(如 0104)", "code")
    name = (data.name or "").strip()
    if not name:
        raise DomainError("请填写专业名称", "name")
    if len(name) > 60:
        raise DomainError("专业名称不超过 60 个字", "name")
    occupation = catalogue[CODE].occupation(data.occupation_code or "")
    if occupation is None:
        raise DomainError("请选择本专业对应的职业(工种)", "occupation_code")
    if data.level not in TRAINING_LEVELS:
        raise DomainError("培养层次应为:" + "、".join(TRAINING_LEVELS.values()), "level")
    if data.level not in occupation.levels:
        allowed = "、".join(LEVELS[level] for level in occupation.levels)
        raise DomainError(f"「{occupation.name}」的职业技能等级为:{allowed},没有「{TRAINING_LEVELS[data.level]}」层次",
                          "level")
    if data.years is None or not 1 <= data.years <= 6:
        raise DomainError("学制应为 1 至 6 年", "years")
    if data.total_hours is None or not 1 <= data.total_hours <= 12000:
        raise DomainError("教学计划总学时应为 1 至 12000 之间的整数", "total_hours")
    _check_flag_year(data.key_major_year, "key_major_year", "省级重点专业", on)
    _check_flag_year(data.featured_major_year, "featured_major_year", "省级特色专业", on)
    return MajorData(code, name, occupation.code, data.level, data.years, data.total_hours,
                     data.key_major_year, data.featured_major_year)


def _check_unique(base: TrainingBase, data: MajorData, major: Major | None) -> None:
    query = select(Major).where(Major.base_id == base.id, Major.code == data.code, Major.level == data.level)
    if major is not None:
        query = query.where(Major.id != major.id)
    clash = db.session.scalar(query)
    if clash is not None:
        raise DomainError(f"本校已登记专业代码 {data.code} 的「{TRAINING_LEVELS[data.level]}」层次(「{clash.name}」)", "code")


def add_major(base: TrainingBase, data: MajorData, on: date) -> Major:
    """Register a major the school runs."""
    check_school(base)
    checked = _check(data, on)
    _check_unique(base, checked, None)
    major = Major(base_id=base.id, **checked.__dict__)
    db.session.add(major)
    db.session.flush()
    return major


def has_cohorts(major: Major) -> bool:
    return db.session.scalar(select(Cohort.id).where(Cohort.major_id == major.id).limit(1)) is not None


def update_major(major: Major, data: MajorData, on: date) -> Major:
    """Correct a running major. Once it has cohorts, what their sessions were planned from (code,
    occupation, level, length, hours) stays; its name and flags may still change."""
    if major.ended_on is not None:
        raise DomainError(f"该专业已于 {major.ended_on:%Y-%m-%d} 停办,不能修改", "name")
    checked = _check(data, on)
    if has_cohorts(major):
        for field, label in (("code", "专业代码"), ("occupation_code", "对应职业(工种)"), ("level", "培养层次"),
                             ("years", "学制"), ("total_hours", "教学计划总学时")):
            if getattr(checked, field) != getattr(major, field):
                raise DomainError(f"该专业已有学制班,{label}不能再修改(各届学制班按原计划开设)", field)
    _check_unique(major.base, checked, major)
    for field, value in checked.__dict__.items():
        setattr(major, field, value)
    db.session.flush()
    return major


def end_major(major: Major, on: date | None, reason: str, today: date) -> Major:
    """停办: the major admits no more cohorts; cohorts already in school carry on to graduation."""
    if major.ended_on is not None:
        raise DomainError(f"该专业已于 {major.ended_on:%Y-%m-%d} 停办", "ended_on")
    if on is None or on > today:
        raise DomainError("停办日期不能为空或晚于今天", "ended_on")
    latest_intake = db.session.scalar(select(Cohort.intake_year).where(Cohort.major_id == major.id)
                                      .order_by(Cohort.intake_year.desc()).limit(1))
    if latest_intake is not None and on < date(latest_intake, 1, 1):
        raise DomainError(f"该专业有 {latest_intake} 级学制班,停办日期不能早于 {latest_intake} 年", "ended_on")
    if not (reason or "").strip():
        raise DomainError("请填写停办原因", "end_reason")
    major.ended_on = on
    major.end_reason = reason.strip()
    db.session.flush()
    return major
