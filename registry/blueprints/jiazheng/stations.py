"""Street/town service stations (基层家政服务站, 004 之三 二、1: 174 by 2021 in the city's streets and
towns): opening, correcting, closing, and the measure of those in operation. Plain domain functions:
they flush, never commit; a station is closed, never deleted."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select

from ...domain.common import today
from ...domain.errors import DomainError
from ...domain.organisations.models import District, Enterprise
from ...extensions import db
from .demonstration import stock_day
from .models import OPERATOR_KINDS, ServiceStation

#: A street is named …街道 or …街, a town …镇 (e.g. 石牌街道, 沙河街, 太和镇).
STREET_PATTERN = re.compile(r".+(街道|街|镇)")
PHONE_PATTERN = re.compile(r"[0-9+\-() ]{7,20}")


@dataclass
class StationData:
    name: str
    district_id: int | None
    street: str
    address: str
    operator_kind: str
    enterprise_id: int | None = None
    operator_name: str = ""
    contact_phone: str = ""
    opened_on: date | None = None


def in_operation_on(day: date) -> ColumnElement[bool]:
    """SQL: the station had opened by ``day`` and had not closed (it is closed from its closing day)."""
    return and_(ServiceStation.opened_on <= day, or_(ServiceStation.closed_on.is_(None), ServiceStation.closed_on > day))


def _checked(data: StationData, station: ServiceStation | None, on: date) -> dict:
    name = (data.name or "").strip()
    if not name:
        raise DomainError("请填写服务站名称", "name")
    if len(name) > 120:
        raise DomainError("服务站名称不超过 120 字", "name")
    if data.district_id is None or db.session.get(District, data.district_id) is None:
        raise DomainError("请选择所在区", "district_id")
    street = (data.street or "").strip()
    if not STREET_PATTERN.fullmatch(street) or len(street) > 40:
        raise DomainError("街道(镇)须填写街道或镇的名称,以「街道」「街」或「镇」结尾,如石牌街道、太和镇", "street")
    address = (data.address or "").strip()
    if not address:
        raise DomainError("请填写服务站地址", "address")
    if len(address) > 200:
        raise DomainError("地址不超过 200 字", "address")
    if data.operator_kind not in OPERATOR_KINDS:
        raise DomainError("请选择运营主体类型", "operator_kind")
    enterprise = None
    if data.operator_kind == "enterprise":
        enterprise = db.session.get(Enterprise, data.enterprise_id) if data.enterprise_id else None
        if enterprise is None:
            raise DomainError("运营主体为家政服务企业时,请选择运营企业", "enterprise_id")
        if enterprise.kind != "home_service":
            raise DomainError(f"「{enterprise.name}」不是登记的家政企业", "enterprise_id")
        operator_name = enterprise.name
    else:
        operator_name = (data.operator_name or "").strip()
        if not operator_name:
            raise DomainError("请填写运营单位名称(如某街道办事处)", "operator_name")
        if len(operator_name) > 120:
            raise DomainError("运营单位名称不超过 120 字", "operator_name")
    phone = (data.contact_phone or "").strip()
    if phone and not PHONE_PATTERN.fullmatch(phone):
        raise DomainError("联系电话只能包含数字、空格和 +-(),7–20 位", "contact_phone")
    if data.opened_on is None:
        raise DomainError("请填写开办日期", "opened_on")
    if data.opened_on > on:
        raise DomainError("开办日期不能晚于今天", "opened_on")
    clash = db.session.scalar(select(ServiceStation).where(
        ServiceStation.district_id == data.district_id, ServiceStation.name == name,
        ServiceStation.closed_on.is_(None), ServiceStation.id != (station.id if station else 0)))
    if clash is not None:
        raise DomainError(f"本区已有运营中的同名服务站「{name}」({clash.street})", "name")
    return dict(name=name, district_id=data.district_id, street=street, address=address,
                operator_kind=data.operator_kind, enterprise_id=enterprise.id if enterprise else None,
                operator_name=operator_name, contact_phone=phone, opened_on=data.opened_on)


def open_station(data: StationData, on: date | None = None) -> ServiceStation:
    """Record a station that has opened."""
    station = ServiceStation(**_checked(data, None, on or today()))
    db.session.add(station)
    db.session.flush()
    return station


def update_station(station: ServiceStation, data: StationData, on: date | None = None) -> ServiceStation:
    """Correct a station in operation (a closed one is history: it stays as it was)."""
    if station.is_closed:
        raise DomainError(f"该服务站已于 {station.closed_on:%Y-%m-%d} 关闭,不能修改")
    for key, value in _checked(data, station, on or today()).items():
        setattr(station, key, value)
    db.session.flush()
    return station


def close_station(station: ServiceStation, closed_on: date | None, reason: str, on: date | None = None) -> ServiceStation:
    """Close a station from ``closed_on`` (the first day it no longer operates). It stays on record."""
    on = on or today()
    if station.is_closed:
        raise DomainError(f"该服务站已于 {station.closed_on:%Y-%m-%d} 关闭", "closed_on")
    if closed_on is None:
        raise DomainError("请填写关闭日期", "closed_on")
    if closed_on < station.opened_on:
        raise DomainError("关闭日期不能早于开办日期", "closed_on")
    if closed_on > on:
        raise DomainError("关闭日期不能晚于今天", "closed_on")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写关闭原因", "close_reason")
    station.closed_on, station.close_reason = closed_on, reason
    db.session.flush()
    return station


# --- counting -----------------------------------------------------------------------------------

def count_in_operation(year: int, district_id: int | None, on: date | None = None) -> int:
    """The measure: stations in operation on the year's stock day (its last day, or today while it
    runs), by the station's district (None: the whole city)."""
    statement = select(func.count(ServiceStation.id)).where(in_operation_on(stock_day(year, on or today())))
    if district_id is not None:
        statement = statement.where(ServiceStation.district_id == district_id)
    return db.session.scalar(statement) or 0


def coverage(visible: ColumnElement[bool], day: date) -> tuple[int, int]:
    """Stations in operation on ``day`` among those the viewer sees, and the streets/towns they cover."""
    stations = db.session.scalar(select(func.count(ServiceStation.id)).where(visible, in_operation_on(day)))
    streets = db.session.scalar(
        select(func.count()).select_from(
            select(ServiceStation.district_id, ServiceStation.street).where(visible, in_operation_on(day))
            .distinct().subquery()))
    return stations or 0, streets or 0
