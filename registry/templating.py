"""Template globals and filters shared by every page."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from .auth import permissions
from .blueprints.years import year_options
from .domain.catalogue import LEVELS, catalogue
from .domain.common import plain_number, local_time
from .domain.identifiers import mask_document, mask_name


def _date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_time(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _occupation_name(code: str) -> str:
    from .domain.subsidies.standards import occupation_name

    return occupation_name(code)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(occupation_name=_occupation_name, date=_date, percent=_percent, hours=plain_number, score=plain_number,
                                 mask_name=mask_name, mask_document=mask_document)
    app.jinja_env.globals.update(catalogue=catalogue, LEVELS=LEVELS, permissions=permissions, nav_items=nav_items,
                                 year_options=year_options)


#: Navigation: endpoint, label, and the roles that may use it.
NAVIGATION = (
    ("home.index", "首页", ("city", "district", "base", "enterprise")),
    ("programmes.index", "培训项目", ("city", "district", "base", "enterprise")),
    ("sessions.index", "培训班期", ("city", "district", "base", "enterprise")),
    ("trainees.index", "学员", ("city", "district", "base", "enterprise")),
    ("certificates.index", "证书", ("city", "district", "base", "enterprise")),
    ("service_cards.index", "上门服务证", ("city", "district", "base", "enterprise")),
    ("subsidies.index", "补贴申领", ("city", "district", "base", "enterprise")),
    ("apprenticeship.index", "学徒制备案", ("city", "district", "enterprise", "base")),
    ("reconciliation.index", "目标与统计", ("city", "district")),
    ("bases.index", "培训基地", ("city", "district", "base", "enterprise")),
    ("enterprises.index", "企业", ("city", "district", "enterprise")),
    ("admin.users", "账号管理", ("city",)),
    ("admin.audit", "审计日志", ("city",)),
)


def nav_items() -> list[tuple[str, str]]:
    from flask_login import current_user

    if not current_user.is_authenticated:
        return []
    return [(endpoint, label) for endpoint, label, roles in NAVIGATION if current_user.role in roles]
