"""City-bureau administration: accounts and the audit log (read-only)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ...auth.permissions import get_visible_or_404, roles_required
from ...domain import labels
from ...domain.accounts import operations
from ...domain.accounts.models import ROLES, User
from ...domain.audit import ACTIONS, AuditLog, naming
from ...domain.organisations.models import Enterprise, TrainingBase
from ...extensions import db
from ...forms import RegistryForm
from ..forms_common import district_choices, filter_args, saving

bp = Blueprint("admin", __name__, url_prefix="/admin")


class UserForm(RegistryForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名"), Length(max=64)])
    display_name = StringField("姓名", validators=[Optional(), Length(max=60)])
    role = SelectField("角色", choices=list(ROLES.items()))
    district_id = SelectField("所属区(区人社局)", coerce=int, validators=[Optional()])
    base_id = SelectField("所属培训基地", coerce=int, validators=[Optional()])
    enterprise_id = SelectField("所属企业", coerce=int, validators=[Optional()])
    password = PasswordField("初始密码", validators=[DataRequired("请设置初始密码")], description="至少 10 位")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        none = [(0, "—")]
        self.district_id.choices = none + district_choices()
        self.base_id.choices = none + [
            (b.id, b.name) for b in db.session.scalars(select(TrainingBase).order_by(TrainingBase.name))
        ]
        self.enterprise_id.choices = none + [
            (e.id, e.name) for e in db.session.scalars(select(Enterprise).order_by(Enterprise.name))
        ]


class ConfirmForm(RegistryForm):
    """An empty form: a POST button with its CSRF token."""


@bp.route("/users")
@roles_required("city")
def users():
    """All accounts, active and deactivated."""
    accounts = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    return render_template("admin/users.html", accounts=accounts, confirm=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("city")
def new_user():
    """Create an account tied to its unit."""
    form = UserForm()
    if form.validate_on_submit():
        data = operations.AccountData(
            form.username.data, form.role.data, form.display_name.data or "",
            form.district_id.data or None, form.base_id.data or None, form.enterprise_id.data or None,
        )
        with saving(form) as saved:
            user = operations.create_account(data, form.password.data)
        if saved.ok:
            flash(f"已创建账号 {user.username}。", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required("city")
def toggle_active(user_id: int):
    """Deactivate or reactivate an account (never delete it)."""
    user = get_visible_or_404(User, user_id)
    if user.id == current_user.id:
        flash("不能停用自己的账号。", "danger")
        return redirect(url_for("admin.users"))
    if ConfirmForm().validate_on_submit():
        operations.set_active(user, not user.is_active_account)
        db.session.commit()
        flash(f"账号 {user.username} 已{'启用' if user.is_active_account else '停用'}。", "success")
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@roles_required("city")
def audit():
    """The audit log, newest first, filterable by record type, record id and user; tables, columns and
    coded values by their Chinese names (domain/labels.py)."""
    query = select(AuditLog).order_by(AuditLog.id.desc())
    args = filter_args()
    if args.get("entity_type"):
        query = query.where(AuditLog.entity_type == args["entity_type"])
    if args.get("entity_id"):
        query = query.where(naming(args["entity_id"]))
    if args.get("actor"):
        query = query.where(AuditLog.actor_name == args["actor"])
    if args.get("action") in ACTIONS:
        query = query.where(AuditLog.action == args["action"])
    page = db.paginate(query, per_page=50)
    names = labels.referenced_names(page.items, args.get("entity_id"))
    return render_template("admin/audit.html", page=page, args=args, actions=ACTIONS,
                           entity_types=labels.record_types(), labels=labels, names=names)
