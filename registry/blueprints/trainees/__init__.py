"""Trainees: registered once per document, found again by it; full records are logged when viewed."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from ...auth.permissions import (
    can_edit_trainee,
    get_visible_or_404,
    registering_unit,
    require,
    roles_required,
    visible,
)
from ...domain.audit import record_view
from ...domain.identifiers import mask_name, normalise_code
from ...domain.trainees import operations
from ...domain.trainees.models import GROUP_TAGS, Trainee, TraineeTag
from ...domain.training.models import Enrollment, TrainingSession
from ...extensions import db
from ..forms_common import filter_args, flash_warnings, saving, trainee_data
from ..programmes.landing import trainee_sections
from .forms import TraineeForm

bp = Blueprint("trainees", __name__, url_prefix="/trainees")


@bp.route("/")
@roles_required("city", "district", "base", "enterprise")
def index():
    """Trainees in the user's jurisdiction; search by name or document number, filter by group."""
    query = select(Trainee).where(visible(Trainee)).order_by(Trainee.id.desc())
    text = request.args.get("q", "").strip()
    if text:
        query = query.where(or_(Trainee.name.contains(text), Trainee.document_number.contains(normalise_code(text))))
    tag = request.args.get("tag", "")
    if tag in GROUP_TAGS:
        query = query.where(Trainee.id.in_(select(TraineeTag.trainee_id).where(TraineeTag.tag == tag)))
    page = db.paginate(query, per_page=50)
    return render_template("trainees/index.html", page=page, tags=GROUP_TAGS, args=filter_args())


@bp.route("/<int:trainee_id>")
@login_required
def detail(trainee_id: int):
    """A trainee's full record with the enrollments the user may see. The look is logged (PIPL)."""
    trainee = get_visible_or_404(Trainee, trainee_id)
    enrollments = db.session.scalars(
        select(Enrollment)
        .join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .where(Enrollment.trainee_id == trainee.id, visible(TrainingSession))
        .order_by(TrainingSession.start_date.desc())
    ).all()
    record_view(db.session, trainee)
    db.session.commit()
    return render_template(
        "trainees/detail.html", trainee=trainee, enrollments=enrollments,
        can_edit=can_edit_trainee(current_user, trainee), sections=trainee_sections(current_user, trainee),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required("city", "district", "base")
def new():
    """Register a trainee; a document already on record is found instead of entered twice."""
    form = TraineeForm()
    if form.validate_on_submit():
        known = operations.find_trainee(form.document_type.data, form.document_number.data)
        if known is not None:
            return _already_registered(form, known)
        with saving(form) as saved:
            registration = operations.register_trainee(trainee_data(form), **registering_unit(current_user))
        if saved.ok:
            flash_warnings(registration.warnings)
            flash(f"已登记学员 {registration.trainee.name}。", "success")
            return redirect(url_for("trainees.detail", trainee_id=registration.trainee.id))
    return render_template("trainees/form.html", form=form, trainee=None)


def _already_registered(form: TraineeForm, known: Trainee):
    """Found by document: open the record if the user may see it, else say so with a masked name."""
    may_see = db.session.scalar(select(Trainee.id).where(Trainee.id == known.id, visible(Trainee)))
    if may_see:
        flash(f"该证件已登记为学员 {known.name},已为您打开其记录,未重复登记。", "info")
        return redirect(url_for("trainees.detail", trainee_id=known.id))
    form.document_number.errors = list(form.document_number.errors) + [
        f"该证件已在系统中登记(姓名 {mask_name(known.name)}),无需重复登记;报名时输入该证件号码即可找到。"
    ]
    return render_template("trainees/form.html", form=form, trainee=None)


@bp.route("/<int:trainee_id>/edit", methods=["GET", "POST"])
@login_required
def edit(trainee_id: int):
    """Correct a trainee's record."""
    trainee = get_visible_or_404(Trainee, trainee_id)
    require(can_edit_trainee(current_user, trainee))
    form = TraineeForm(obj=trainee)
    if request.method == "GET":
        form.tags.data = sorted(trainee.tag_codes)
        form.assisted_region.data = trainee.assisted_region or ""
        form.education.data = trainee.education or ""
    if form.validate_on_submit():
        with saving(form) as saved:
            registration = operations.update_trainee(trainee, trainee_data(form))
        if saved.ok:
            flash_warnings(registration.warnings)
            flash("已保存。", "success")
            return redirect(url_for("trainees.detail", trainee_id=trainee.id))
    return render_template("trainees/form.html", form=form, trainee=trainee)
