"""Rule parameters as versioned data: what each one means, and the value in force on a day.

The values live in ``subsidy_parameters`` (seeded by migration 0007 with the figures of DOMAIN.md);
the city bureau records a new version with the day it takes effect. Code never holds the figures.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...extensions import db
from ..errors import DomainError
from .models import RuleParameter


@dataclass(frozen=True)
class ParameterSpec:
    label: str
    unit: str
    #: Allowed values, inclusive.
    low: int
    high: int


PARAMETERS: dict[str, ParameterSpec] = {
    "training_claim_days": ParameterSpec("培训补贴申领期限(班期结业后)", "天", 1, 365),
    "certificate_claim_months": ParameterSpec("取得证书后申领期限", "个月", 1, 60),
    "yearly_subsidy_cap": ParameterSpec("每人每年享受培训补贴次数上限", "次", 1, 12),
    "review_working_days": ParameterSpec("区人社局审核时限", "个工作日", 1, 120),
    "notice_days": ParameterSpec("公示期", "天", 1, 60),
    "list_uplift_percent": ParameterSpec("高耗材、紧缺职业补贴标准上浮比例", "%", 0, 100),
    "advance_percent": ParameterSpec("学徒培训预支补贴比例", "%", 0, 100),
    "advance_claim_days": ParameterSpec("备案后申请预支期限", "天", 1, 365),
    "leaving_report_days": ParameterSpec("学徒离职报告期限", "天", 1, 90),
    "apprentice_claim_days": ParameterSpec("学徒培训结束后申领期限", "天", 1, 365),
    "min_contract_months": ParameterSpec("学徒劳动合同最短期限", "个月", 1, 120),
}


def in_force(key: str, on: date) -> RuleParameter:
    """The version of ``key`` in force on ``on``; a clear error when none is."""
    row = db.session.scalar(
        select(RuleParameter).where(RuleParameter.key == key, RuleParameter.effective_from <= on)
        .order_by(RuleParameter.effective_from.desc()).limit(1)
    )
    if row is None:
        raise DomainError(f"{on:%Y-%m-%d} 没有生效的参数「{PARAMETERS[key].label}」,请市人社局先设定")
    return row


def value(key: str, on: date) -> int:
    return in_force(key, on).value


def history(key: str) -> list[RuleParameter]:
    return list(db.session.scalars(
        select(RuleParameter).where(RuleParameter.key == key).order_by(RuleParameter.effective_from.desc())
    ))


def set_parameter(key: str, new_value: int | None, effective_from: date | None, basis: str, recorded_by: str
                  ) -> RuleParameter:
    """Record a new version; versions already recorded are kept as they are (claims were judged by them)."""
    spec = PARAMETERS.get(key)
    if spec is None:
        raise DomainError("没有这个参数", "key")
    if new_value is None or not spec.low <= new_value <= spec.high:
        raise DomainError(f"「{spec.label}」应在 {spec.low}–{spec.high}{spec.unit} 之间", "value")
    if effective_from is None:
        raise DomainError("请填写生效日期", "effective_from")
    if not (basis or "").strip():
        raise DomainError("请填写依据(文件名称及条款)", "basis")
    if db.session.scalar(select(RuleParameter.id).where(RuleParameter.key == key,
                                                        RuleParameter.effective_from == effective_from)):
        raise DomainError(f"「{spec.label}」在 {effective_from:%Y-%m-%d} 已有生效版本;请另选生效日期", "effective_from")
    row = RuleParameter(key=key, value=new_value, effective_from=effective_from, basis=basis.strip(),
                        recorded_by=recorded_by)
    db.session.add(row)
    db.session.flush()
    return row
