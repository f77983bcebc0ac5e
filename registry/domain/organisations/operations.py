"""Verbs on bases and enterprises. They flush, never commit: the caller commits once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...extensions import db
from ..catalogue import catalogue
from ..errors import DomainError
from ..identifiers import check_credit_code
from .models import (
    BASE_KINDS,
    BASE_STATUSES,
    ENTERPRISE_KINDS,
    EVALUATION_KINDS,
    RECOGNITION_LEVELS,
    BaseRecognition,
    District,
    Enterprise,
    TrainingBase,
)


@dataclass
class OrganisationData:
    name: str
    credit_code: str
    kind: str
    district_id: int
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""


def _check_common(data: OrganisationData, kinds: dict[str, str], model: type, current_id: int | None) -> str:
    if not (data.name or "").strip():
        raise DomainError("请填写名称", "name")
    if data.kind not in kinds:
        raise DomainError("类型无效", "kind")
    if db.session.get(District, data.district_id) is None:
        raise DomainError("所在区无效", "district_id")
    code = check_credit_code(data.credit_code)
    clash = db.session.scalar(select(model).where(model.credit_code == code))
    if clash is not None and clash.id != current_id:
        raise DomainError(f"统一社会信用代码 {code} 已登记为「{clash.name}」", "credit_code")
    return code


def _apply(record, data: OrganisationData, code: str) -> None:
    record.name = data.name.strip()
    record.credit_code = code
    record.kind = data.kind
    record.district_id = data.district_id
    record.address = (data.address or "").strip()
    record.contact_name = (data.contact_name or "").strip()
    record.contact_phone = (data.contact_phone or "").strip()


def create_base(data: OrganisationData) -> TrainingBase:
    code = _check_common(data, BASE_KINDS, TrainingBase, None)
    base = TrainingBase(status="active")
    _apply(base, data, code)
    db.session.add(base)
    db.session.flush()
    return base


def update_base(base: TrainingBase, data: OrganisationData, status: str | None = None) -> TrainingBase:
    code = _check_common(data, BASE_KINDS, TrainingBase, base.id)
    _apply(base, data, code)
    if status is not None:
        if status not in BASE_STATUSES:
            raise DomainError("状态无效", "status")
        base.status = status
    db.session.flush()
    return base


def set_evaluation_site(base: TrainingBase, kind: str | None, body_code: str, site_serial: str) -> TrainingBase:
    """Record (or clear, with kind None) the base's codes as a 职业技能等级认定 evaluation site."""
    if not kind:
        base.evaluation_kind = base.evaluation_body_code = base.evaluation_site_serial = None
        db.session.flush()
        return base
    if kind not in EVALUATION_KINDS:
        raise DomainError("评价机构类别应为 S(社会培训评价组织)或 Y(用人单位)", "evaluation_kind")
    body_code, site_serial = (body_code or "").strip(), (site_serial or "").strip()
    if not (len(body_code) == 4 and body_code.isdigit()):
        raise DomainError("评价机构代码应为 4 位数字(在省级备案的为 0000)", "evaluation_body_code")
    if not (len(site_serial) == 6 and site_serial.isdigit()):
        raise DomainError("评价站点序列码应为 6 位数字", "evaluation_site_serial")
    clash = db.session.scalar(select(TrainingBase).where(
        TrainingBase.evaluation_kind == kind, TrainingBase.evaluation_body_code == body_code,
        TrainingBase.evaluation_site_serial == site_serial, TrainingBase.id != base.id,
    ))
    if clash is not None:
        raise DomainError(f"该评价站点代码已属于「{clash.name}」", "evaluation_site_serial")
    base.evaluation_kind, base.evaluation_body_code, base.evaluation_site_serial = kind, body_code, site_serial
    db.session.flush()
    return base


def add_recognition(
    base: TrainingBase, programme_code: str, level: str, recognised_on: date, valid_until: date | None = None
) -> BaseRecognition:
    """Recognise a base for a programme. Overlapping recognitions for one programme are refused."""
    if programme_code not in catalogue:
        raise DomainError("培训项目无效", "programme_code")
    if level not in RECOGNITION_LEVELS:
        raise DomainError("认定级别无效", "level")
    if valid_until is not None and valid_until < recognised_on:
        raise DomainError("有效期截止日期不能早于认定日期", "valid_until")
    for existing in base.recognitions:
        if existing.programme_code != programme_code:
            continue
        ends = existing.valid_until or date.max
        if recognised_on <= ends and (valid_until or date.max) >= existing.recognised_on:
            raise DomainError(
                f"该基地已有「{catalogue.name_of(programme_code)}」的有效认定({existing.recognised_on} 起),"
                "请先结束原认定",
                "programme_code",
            )
    recognition = BaseRecognition(
        base=base, programme_code=programme_code, level=level, recognised_on=recognised_on, valid_until=valid_until
    )
    db.session.add(recognition)
    db.session.flush()
    return recognition


def end_recognition(recognition: BaseRecognition, last_day: date) -> BaseRecognition:
    """End a recognition on ``last_day``; the record stays for history."""
    if last_day < recognition.recognised_on:
        raise DomainError("结束日期不能早于认定日期", "valid_until")
    recognition.valid_until = last_day
    db.session.flush()
    return recognition


def create_enterprise(data: OrganisationData) -> Enterprise:
    code = _check_common(data, ENTERPRISE_KINDS, Enterprise, None)
    enterprise = Enterprise()
    _apply(enterprise, data, code)
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def update_enterprise(enterprise: Enterprise, data: OrganisationData) -> Enterprise:
    code = _check_common(data, ENTERPRISE_KINDS, Enterprise, enterprise.id)
    _apply(enterprise, data, code)
    db.session.flush()
    return enterprise
