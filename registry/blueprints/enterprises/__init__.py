"""Enterprises: apprenticeship filers and home-service employers, registered by bureau staff."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ...auth.permissions import can_register_enterprise, get_visible_or_404, require, roles_required, visible
from ...domain.organisations import operations
from ...domain.organisations.models import ENTERPRISE_KINDS, Enterprise
from ...domain.training.models import TrainingSession
from ...extensions import db
from ..forms_common import OrganisationForm, district_choices, filter_args, named_or_coded, organisation_data, saving
from ..sessions import latest_sessions

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")


class EnterpriseForm(OrganisationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = list(ENTERPRISE_KINDS.items())
        # District staff register enterprises of their own district only.
        only = current_user.district_id if current_user.role == "district" else None
        self.district_id.choices = district_choices(only)


@bp.route("/")
@roles_required("city", "district", "enterprise", "base")
def index():
    """Enterprises in the user's jurisdiction."""
    query = select(Enterprise).where(visible(Enterprise)).order_by(Enterprise.name)
    text = request.args.get("q", "").strip()
    if text:
        query = query.where(named_or_coded(Enterprise, text))
    page = db.paginate(query, per_page=30)
    return render_template("enterprises/index.html", page=page, args=filter_args())


@bp.route("/<int:enterprise_id>")
@login_required
def detail(enterprise_id: int):
    """One enterprise and the apprenticeship sessions it sends people to."""
    enterprise = get_visible_or_404(Enterprise, enterprise_id)
    sessions = latest_sessions(TrainingSession.enterprise_id == enterprise.id)
    return render_template(
        "enterprises/detail.html", enterprise=enterprise, sessions=sessions,
        can_edit=can_register_enterprise(current_user, enterprise.district_id),
    )


def _save(form: EnterpriseForm, enterprise: Enterprise | None):
    """Register or correct from the form: only in a district the user may register in (403 else)."""
    if not can_register_enterprise(current_user, form.district_id.data):
        abort(403)
    with saving(form) as saved:
        if enterprise is None:
            enterprise = operations.create_enterprise(organisation_data(form))
        else:
            operations.update_enterprise(enterprise, organisation_data(form))
    if not saved.ok:
        return None
    flash(f"已保存企业「{enterprise.name}」。", "success")
    return redirect(url_for("enterprises.detail", enterprise_id=enterprise.id))


@bp.route("/new", methods=["GET", "POST"])
@roles_required("city", "district")
def new():
    """Register an enterprise."""
    form = EnterpriseForm()
    if form.validate_on_submit() and (response := _save(form, None)):
        return response
    return render_template("enterprises/form.html", form=form, enterprise=None)


@bp.route("/<int:enterprise_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id: int):
    """Correct an enterprise's details."""
    enterprise = get_visible_or_404(Enterprise, enterprise_id)
    require(can_register_enterprise(current_user, enterprise.district_id))
    form = EnterpriseForm(obj=enterprise)
    if form.validate_on_submit() and (response := _save(form, enterprise)):
        return response
    return render_template("enterprises/form.html", form=form, enterprise=enterprise)
