"""Sign-in and sign-out. Failed sign-ins are rate-limited per client address and per username."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from ..domain.accounts.models import User
from ..extensions import db, limiter
from .forms import LoginForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _failure_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def _username_key() -> str:
    return "login-user:" + (request.form.get("username") or "").strip().lower()


def _sign_in_failed(response) -> bool:
    """Only failed attempts count against the limit: a successful sign-in redirects."""
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_failure_limit, methods=["POST"], deduct_when=_sign_in_failed)
@limiter.limit(_failure_limit, methods=["POST"], deduct_when=_sign_in_failed, key_func=_username_key)
def login():
    """Sign-in page; the same message for an unknown user and a wrong password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if user is not None and user.check_password(form.password.data) and user.is_active:
            login_user(user, remember=form.remember.data)
            current_app.logger.info("sign-in: %s from %s", user.username, request.remote_addr)
            return redirect(_safe_next(request.args.get("next")))
        current_app.logger.warning("failed sign-in for %r from %s", username, request.remote_addr)
        flash("用户名或密码错误,或账号已停用。", "danger")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST with CSRF token, so a link elsewhere cannot sign a user out)."""
    logout_user()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))
