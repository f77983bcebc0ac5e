"""Subsidy standards and the occupation lists that raise them, as data with effective dates.

A standard is looked up for a programme, occupation and level on a day: the most specific row
(occupation and level, then occupation, then the programme as a whole) among those in force,
and of those the latest. An occupation on the high-consumables or shortage list that day is paid
``list_uplift_percent`` more (004 之四 三(二); 粤人社规〔2023〕13号: at most 30%).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from ...extensions import db
from ..catalogue import LEVELS, catalogue
from ..errors import DomainError
from . import parameters
from .models import OCCUPATION_LISTS, OccupationListing, SubsidyStandard


def yuan(fen: int | None) -> str:
    """Fen as yuan with two decimals and thousands separators, e.g. 123456 → '1,234.56'."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


#: Yuan as a clerk types it: ASCII digits, at most two decimals (separators and 元 removed first).
_YUAN = re.compile(r"([0-9]{1,10})(?:\.([0-9]{0,2}))?", re.ASCII)


def parse_yuan(text: str | None, field: str = "amount") -> int:
    """'1,234.5' → 123450 fen; refuses more than two decimals, signs and words."""
    cleaned = (text or "").strip().removesuffix("元").strip().replace(",", "").replace("\uff0c", "")
    match = _YUAN.fullmatch(cleaned)
    if match is None:
        raise DomainError("金额应为不超过两位小数的正数(元)", field)
    whole, cents = match.groups()
    return int(whole) * 100 + int((cents or "").ljust(2, "0"))


def standard_for(programme_code: str, occupation_code: str, level: int | None, on: date) -> SubsidyStandard:
    rows = db.session.scalars(
        select(SubsidyStandard).where(
            SubsidyStandard.programme_code == programme_code,
            SubsidyStandard.effective_from <= on,
            or_(SubsidyStandard.occupation_code.is_(None), SubsidyStandard.occupation_code == occupation_code),
            or_(SubsidyStandard.level.is_(None), SubsidyStandard.level == level),
        )
    ).all()
    if not rows:
        programme = catalogue.get(programme_code)
        occupation = programme.occupation(occupation_code) if programme else None
        label = f"{catalogue.name_of(programme_code)} {occupation.name if occupation else occupation_code}"
        raise DomainError(f"{on:%Y-%m-%d} 没有适用于「{label} {LEVELS.get(level, '专项')}」的补贴标准,请市人社局先设定")
    return max(rows, key=lambda r: (r.occupation_code is not None, r.level is not None, r.effective_from))


def listings_in_force(occupation_code: str, on: date) -> list[OccupationListing]:
    return list(db.session.scalars(
        select(OccupationListing).where(
            OccupationListing.occupation_code == occupation_code, OccupationListing.effective_from <= on,
            or_(OccupationListing.effective_until.is_(None), OccupationListing.effective_until >= on),
        ).order_by(OccupationListing.list_kind)
    ))


@dataclass(frozen=True)
class Amount:
    standard: SubsidyStandard
    uplift_percent: int
    #: Of ``percent`` of the raised standard (100 for a subsidy, the advance percentage for an advance).
    fen: int
    lists: tuple[str, ...]


def amount_for(programme_code: str, occupation_code: str, level: int | None, on: date, percent: int = 100) -> Amount:
    """Standard × (1 + uplift) × percent, in whole fen (half a fen rounds up)."""
    standard = standard_for(programme_code, occupation_code, level, on)
    listings = listings_in_force(occupation_code, on)
    uplift = parameters.value("list_uplift_percent", on) if listings else 0
    fen = (standard.amount_fen * (100 + uplift) * percent + 5000) // 10000
    return Amount(standard, uplift, fen, tuple(OCCUPATION_LISTS[l.list_kind] for l in listings))


def add_standard(programme_code: str, occupation_code: str | None, level: int | None, amount_fen: int,
                 effective_from: date | None, basis: str, recorded_by: str) -> SubsidyStandard:
    programme = catalogue.get(programme_code)
    if programme is None or programme.subsidy is None:
        raise DomainError("请选择有补贴政策的项目", "programme_code")
    occupation = programme.occupation(occupation_code) if occupation_code else None
    if occupation_code and occupation is None:
        raise DomainError("该项目没有这个职业(工种)", "occupation_code")
    if level is not None and (occupation is None or level not in occupation.levels):
        raise DomainError("等级须为所选职业(工种)的等级;不分等级请留空", "level")
    if amount_fen <= 0:
        raise DomainError("补贴标准应大于0", "amount")
    if effective_from is None:
        raise DomainError("请填写生效日期", "effective_from")
    if not (basis or "").strip():
        raise DomainError("请填写依据(文件名称及条款)", "basis")
    duplicate = db.session.scalar(select(SubsidyStandard.id).where(
        SubsidyStandard.programme_code == programme_code, SubsidyStandard.effective_from == effective_from,
        SubsidyStandard.occupation_code.is_(None) if occupation_code is None else SubsidyStandard.occupation_code == occupation_code,
        SubsidyStandard.level.is_(None) if level is None else SubsidyStandard.level == level,
    ))
    if duplicate:
        raise DomainError("同一范围在该生效日期已有补贴标准;新标准请另选生效日期", "effective_from")
    row = SubsidyStandard(programme_code=programme_code, occupation_code=occupation_code, level=level,
                          amount_fen=amount_fen, effective_from=effective_from, basis=basis.strip(),
                          recorded_by=recorded_by)
    db.session.add(row)
    db.session.flush()
    return row


def load_presets(effective_from: date, recorded_by: str) -> int:
    """The programmes' declared policy standards as rows from ``effective_from``; rows already there are kept."""
    if effective_from is None:
        raise DomainError("请填写生效日期", "effective_from")
    added = 0
    for programme in catalogue.subsidised():
        for preset in programme.subsidy.standard_presets:
            try:
                add_standard(programme.code, preset.occupation, preset.level, preset.amount_yuan * 100,
                             effective_from, preset.basis, recorded_by)
            except DomainError:
                continue
            added += 1
    return added


def add_listing(list_kind: str, occupation_code: str, effective_from: date | None, effective_until: date | None,
                basis: str, recorded_by: str) -> OccupationListing:
    if list_kind not in OCCUPATION_LISTS:
        raise DomainError("请选择目录", "list_kind")
    if not any(p.occupation(occupation_code) for p in catalogue.all()):
        raise DomainError("请选择职业(工种)", "occupation_code")
    if effective_from is None:
        raise DomainError("请填写生效日期", "effective_from")
    if effective_until is not None and effective_until < effective_from:
        raise DomainError("失效日期不能早于生效日期", "effective_until")
    if not (basis or "").strip():
        raise DomainError("请填写依据(文件名称及条款)", "basis")
    overlapping = db.session.scalar(select(OccupationListing.id).where(
        OccupationListing.list_kind == list_kind, OccupationListing.occupation_code == occupation_code,
        or_(OccupationListing.effective_until.is_(None), OccupationListing.effective_until >= effective_from),
        *([OccupationListing.effective_from <= effective_until] if effective_until is not None else []),
    ))
    if overlapping:
        raise DomainError(f"该职业(工种)在这段时间已在「{OCCUPATION_LISTS[list_kind]}」中;请先将原条目移出目录或另选生效日期",
                          "effective_from")
    row = OccupationListing(list_kind=list_kind, occupation_code=occupation_code, effective_from=effective_from,
                            effective_until=effective_until, basis=basis.strip(), recorded_by=recorded_by)
    db.session.add(row)
    db.session.flush()
    return row


def end_listing(listing: OccupationListing, last_day: date | None) -> OccupationListing:
    """Take an occupation off a list after ``last_day``, the last day it is listed (the row keeps its
    start; the audit log records the change). An entry already ended stays as it is."""
    if listing.effective_until is not None:
        raise DomainError(f"该条目已于 {listing.effective_until:%Y-%m-%d} 失效", "effective_until")
    if last_day is None:
        raise DomainError("请填写失效日期", "effective_until")
    if last_day < listing.effective_from:
        raise DomainError("失效日期不能早于生效日期", "effective_until")
    listing.effective_until = last_day
    db.session.flush()
    return listing


def occupation_name(occupation_code: str) -> str:
    for programme in catalogue.all():
        occupation = programme.occupation(occupation_code)
        if occupation:
            return occupation.name
    return occupation_code
