"""Verbs on accounts. They flush, never commit."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from ...extensions import db
from ..errors import DomainError
from ..organisations.models import District, Enterprise, TrainingBase
from .models import ROLES, User

MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")


@dataclass
class AccountData:
    username: str
    role: str
    display_name: str = ""
    district_id: int | None = None
    base_id: int | None = None
    enterprise_id: int | None = None


def _check_unit(data: AccountData) -> dict:
    """Each role acts for exactly one unit of the right kind."""
    if data.role not in ROLES:
        raise DomainError("角色无效", "role")
    unit = {"district_id": None, "base_id": None, "enterprise_id": None}
    if data.role == "district":
        if not data.district_id or db.session.get(District, data.district_id) is None:
            raise DomainError("区人社局账号须选择所属区", "district_id")
        unit["district_id"] = data.district_id
    elif data.role == "base":
        base = db.session.get(TrainingBase, data.base_id) if data.base_id else None
        if base is None:
            raise DomainError("培训基地账号须选择所属基地", "base_id")
        unit["base_id"], unit["district_id"] = base.id, base.district_id
    elif data.role == "enterprise":
        if not data.enterprise_id or db.session.get(Enterprise, data.enterprise_id) is None:
            raise DomainError("企业账号须选择所属企业", "enterprise_id")
        unit["enterprise_id"] = data.enterprise_id
    return unit


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(f"密码至少 {MIN_PASSWORD_LENGTH} 位", "password")


def create_account(data: AccountData, password: str) -> User:
    username = (data.username or "").strip()
    if not _USERNAME.match(username):
        raise DomainError("用户名为 3 到 64 位字母、数字、下划线、点或横线", "username")
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise DomainError(f"用户名 {username} 已被使用", "username")
    check_password_strength(password)
    user = User(username=username, role=data.role, display_name=(data.display_name or "").strip(), **_check_unit(data))
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def set_active(user: User, active: bool) -> User:
    """Accounts are deactivated, never deleted, so the audit log keeps naming them."""
    user.is_active_account = active
    db.session.flush()
    return user


def reset_password(user: User, password: str) -> User:
    check_password_strength(password)
    user.set_password(password)
    db.session.flush()
    return user
