"""Training bases: the city bureau accredits them; each role sees the bases in its jurisdiction."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ...auth.permissions import can_manage_bases, get_visible_or_404, require, roles_required, visible
from ...domain.catalogue import catalogue
from ...domain.common import today
from ...domain.organisations import operations
from ...domain.organisations.models import BASE_KINDS, EVALUATION_KINDS, BaseRecognition, TrainingBase
from ...domain.training.models import TrainingSession
from ...extensions import db
from ..forms_common import (
    district_choices, filter_args, flash_form_errors, named_or_coded, organisation_data, perform, save_form, saving,
)
from ..sessions import latest_sessions
from .forms import BaseForm, EndRecognitionForm, EvaluationSiteForm, RecognitionForm

bp = Blueprint("bases", __name__, url_prefix="/bases")


@bp.route("/")
@roles_required("city", "district", "base", "enterprise")
def index():
    """Bases the user may see, filterable by name, district, kind and programme."""
    query = select(TrainingBase).where(visible(TrainingBase)).order_by(TrainingBase.district_id, TrainingBase.name)
    text = request.args.get("q", "").strip()
    if text:
        query = query.where(named_or_coded(TrainingBase, text))
    kind = request.args.get("kind", "")
    if kind in BASE_KINDS:
        query = query.where(TrainingBase.kind == kind)
    programme = request.args.get("programme", "")
    if programme in catalogue:
        query = query.where(
            TrainingBase.id.in_(select(BaseRecognition.base_id).where(BaseRecognition.programme_code == programme))
        )
    page = db.paginate(query, per_page=30)
    return render_template("bases/index.html", page=page, kinds=BASE_KINDS, args=filter_args())


@bp.route("/<int:base_id>")
@login_required
def detail(base_id: int):
    """One base: its details, recognitions and recent sessions."""
    base = get_visible_or_404(TrainingBase, base_id)
    sessions = latest_sessions(TrainingSession.base_id == base.id, limit=20)
    form = RecognitionForm()
    form.programme_code.choices = catalogue.choices()
    return render_template(
        "bases/detail.html", base=base, sessions=sessions, form=form, end_form=EndRecognitionForm(),
        site_form=EvaluationSiteForm(obj=base), evaluation_kinds=EVALUATION_KINDS,
        can_manage=can_manage_bases(current_user), today=today(),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required("city")
def new():
    """Accredit a new training base."""
    form = BaseForm()
    del form.status  # a new base starts active
    form.district_id.choices = district_choices()
    if form.validate_on_submit():
        with saving(form) as saved:
            base = operations.create_base(organisation_data(form))
        if saved.ok:
            flash(f"已登记培训基地「{base.name}」。", "success")
            return redirect(url_for("bases.detail", base_id=base.id))
    return render_template("bases/form.html", form=form, base=None)


@bp.route("/<int:base_id>/edit", methods=["GET", "POST"])
@login_required
def edit(base_id: int):
    """Correct a base's details or change its status."""
    base = get_visible_or_404(TrainingBase, base_id)
    require(can_manage_bases(current_user))
    form = BaseForm(obj=base)
    form.district_id.choices = district_choices()
    if form.validate_on_submit():
        if save_form(form, lambda: operations.update_base(base, organisation_data(form), form.status.data), "已保存。"):
            return redirect(url_for("bases.detail", base_id=base.id))
    return render_template("bases/form.html", form=form, base=base)


@bp.route("/<int:base_id>/recognitions", methods=["POST"])
@login_required
def add_recognition(base_id: int):
    """Recognise the base for a programme."""
    base = get_visible_or_404(TrainingBase, base_id)
    require(can_manage_bases(current_user))
    form = RecognitionForm()
    form.programme_code.choices = catalogue.choices()
    if form.validate_on_submit():
        perform(lambda: operations.add_recognition(
            base, form.programme_code.data, form.level.data, form.recognised_on.data, form.valid_until.data
        ), "已添加项目认定。")
    else:
        flash_form_errors(form)
    return redirect(url_for("bases.detail", base_id=base.id))


@bp.route("/<int:base_id>/recognitions/<int:recognition_id>/end", methods=["POST"])
@login_required
def end_recognition(base_id: int, recognition_id: int):
    """End a recognition; it stays on record."""
    base = get_visible_or_404(TrainingBase, base_id)
    require(can_manage_bases(current_user))
    recognition = db.session.scalar(
        select(BaseRecognition).where(BaseRecognition.id == recognition_id, BaseRecognition.base_id == base.id)
    )
    if recognition is None:
        abort(404)
    form = EndRecognitionForm()
    if form.validate_on_submit():
        perform(lambda: operations.end_recognition(recognition, form.valid_until.data), "已结束该项目认定。")
    else:
        flash_form_errors(form)
    return redirect(url_for("bases.detail", base_id=base.id))


@bp.route("/<int:base_id>/evaluation-site", methods=["POST"])
@login_required
def evaluation_site(base_id: int):
    """Record the base's codes as a skill-level evaluation site (used in certificate numbers)."""
    base = get_visible_or_404(TrainingBase, base_id)
    require(can_manage_bases(current_user))
    form = EvaluationSiteForm()
    if form.validate_on_submit():
        perform(lambda: operations.set_evaluation_site(
            base, form.evaluation_kind.data, form.evaluation_body_code.data, form.evaluation_site_serial.data
        ), "已保存评价站点代码。")
    else:
        flash_form_errors(form)
    return redirect(url_for("bases.detail", base_id=base.id))
