"""User accounts: a role and the jurisdiction (district, base or enterprise) it belongs to."""
from __future__ import annotations

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ...extensions import db
from ..common import TimestampMixin
from ..organisations.models import District, Enterprise, TrainingBase

ROLES = {
    "city": "市人社局",
    "district": "区人社局",
    "base": "培训基地",
    "enterprise": "企业",
}


class User(UserMixin, TimestampMixin, db.Model):
    """A person who signs in. Each role is tied to exactly the unit it acts for."""

    __tablename__ = "users"
    __label__ = "账号"
    __table_args__ = (
        CheckConstraint(
            "(role = 'city' AND district_id IS NULL AND base_id IS NULL AND enterprise_id IS NULL)"
            " OR (role = 'district' AND district_id IS NOT NULL AND base_id IS NULL AND enterprise_id IS NULL)"
            " OR (role = 'base' AND base_id IS NOT NULL AND enterprise_id IS NULL)"
            " OR (role = 'enterprise' AND enterprise_id IS NOT NULL AND base_id IS NULL)",
            name="role_matches_unit",
        ),
    )
    #: Never copied into the audit log.
    __audit_redact__ = frozenset({"password_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, info={"label": "用户名"})
    password_hash: Mapped[str] = mapped_column(String(256), info={"label": "登录密码(加密保存)"})
    display_name: Mapped[str] = mapped_column(String(60), default="", info={"label": "姓名"})
    role: Mapped[str] = mapped_column(String(16), info={"label": "角色", "choices": ROLES})
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True, info={"label": "所属区(区人社局)"})
    base_id: Mapped[int | None] = mapped_column(ForeignKey("training_bases.id"), index=True, info={"label": "所属培训基地"})
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True, info={"label": "所属企业"})
    #: Deactivated accounts cannot sign in; accounts are never deleted.
    is_active_account: Mapped[bool] = mapped_column(default=True, info={"label": "账号已启用"})

    district: Mapped[District | None] = relationship()
    base: Mapped[TrainingBase | None] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def unit_name(self) -> str:
        """The unit the account acts for, as shown in the header."""
        if self.role == "district" and self.district:
            return f"{self.district.name}人社局"
        if self.role == "base" and self.base:
            return self.base.name
        if self.role == "enterprise" and self.enterprise:
            return self.enterprise.name
        return "广州市人力资源和社会保障局"
