"""两后生工作台账 pages (004 之八 四): the list by status and district, with the 有意愿未参训 view so that
nobody who wants training is missed (之八 一); entering and updating entries. Bureau staff only
(permissions.school_leavers_visible)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from registry.auth.permissions import (
    can_keep_school_leaver_ledger, get_visible_or_404, require, roles_required, visible,
)
from registry.domain.identifiers import normalise_code
from registry.domain.trainees.models import Trainee
from registry.extensions import db

from ...forms_common import district_choices, filter_args, record_id, save_form, saving
from . import ledger
from .forms import LeaverForm
from .models import SCHOOL_STAGES, TRAINING_STATUSES, SchoolLeaver

bp = Blueprint("school_leaver_ledger", __name__, url_prefix="/ten-groups/school-leavers")
BUREAU = ("city", "district")
TEMPLATES = "ten_groups/safety_and_inclusion/"


@bp.route("/")
@roles_required(*BUREAU)
def index():
    """The ledger the viewer keeps, filterable by training status, district, stage, year and name."""
    args = filter_args()
    status = ledger.status_expression()
    query = select(SchoolLeaver).where(visible(SchoolLeaver)).order_by(
        SchoolLeaver.district_id, SchoolLeaver.street, SchoolLeaver.name, SchoolLeaver.id)
    if args.get("status") in TRAINING_STATUSES:
        query = query.where(status == args["status"])
    if current_user.role == "city" and (district_id := record_id(args.get("district"))) is not None:
        query = query.where(SchoolLeaver.district_id == district_id)
    if args.get("stage") in SCHOOL_STAGES:
        query = query.where(SchoolLeaver.stage == args["stage"])
    if (left_year := record_id(args.get("left_year"))) is not None:
        query = query.where(SchoolLeaver.left_year == left_year)
    if text := args.get("q", "").strip():
        query = query.where(or_(SchoolLeaver.name.contains(text), SchoolLeaver.id_number == normalise_code(text),
                                SchoolLeaver.school.contains(text), SchoolLeaver.street.contains(text)))
    page = db.paginate(query, per_page=30)
    ids = [leaver.id for leaver in page.items]
    statuses = dict(db.session.execute(select(SchoolLeaver.id, status).where(SchoolLeaver.id.in_(ids))).all()) if ids else {}
    return render_template(
        TEMPLATES + "ledger_index.html", page=page, args=args, statuses=statuses,
        tab_args={key: value for key, value in args.items() if key != "status"}, status_names=TRAINING_STATUSES,
        stages=SCHOOL_STAGES, counts=ledger.counts_by_status(visible(SchoolLeaver)),
        districts=district_choices() if current_user.role == "city" else [],
        can_keep=can_keep_school_leaver_ledger(current_user), rule=ledger.STATUS_RULE,
    )


def _form(leaver: SchoolLeaver | None) -> LeaverForm:
    form = LeaverForm(obj=leaver)
    own = current_user.district_id if current_user.role == "district" else None
    form.district_id.choices = ([] if own else [("", "请选择")]) + district_choices(own)
    if leaver is None and own and request.method == "GET":
        form.district_id.data = own
    return form


def _data(form: LeaverForm) -> ledger.LeaverData:
    return ledger.LeaverData(
        name=form.name.data, id_number=form.id_number.data, school=form.school.data, left_year=form.left_year.data,
        stage=form.stage.data, district_id=form.district_id.data, street=form.street.data,
        wants_training=form.wants_training.data, sex=form.sex.data or None, phone=form.phone.data or "",
        note=form.note.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*BUREAU)
def new():
    """Enter a school-leaver in the ledger."""
    require(can_keep_school_leaver_ledger(current_user))
    form = _form(None)
    if form.validate_on_submit():
        with saving(form) as saved:
            leaver = ledger.add_leaver(_data(form))
        if saved.ok:
            flash(f"已将 {leaver.name} 登记入两后生台账。", "success")
            return redirect(url_for(".detail", leaver_id=leaver.id))
    return render_template(TEMPLATES + "ledger_form.html", form=form, leaver=None), 400 if form.errors or form.form_errors else 200


@bp.route("/<int:leaver_id>")
@roles_required(*BUREAU)
def detail(leaver_id: int):
    """One entry: details, training status and every training of the person."""
    leaver = get_visible_or_404(SchoolLeaver, leaver_id)
    trainee = db.session.scalar(select(Trainee).where(
        Trainee.document_type == ledger.DOCUMENT_TYPE, Trainee.document_number == leaver.id_number,
        visible(Trainee)))
    status = ledger.status_of(leaver)
    return render_template(
        TEMPLATES + "ledger_detail.html", leaver=leaver, status=status, status_name=TRAINING_STATUSES[status],
        training=ledger.training_of(leaver), trainee=trainee, rule=ledger.STATUS_RULE,
        can_keep=can_keep_school_leaver_ledger(current_user),
    )


@bp.route("/<int:leaver_id>/edit", methods=["GET", "POST"])
@roles_required(*BUREAU)
def edit(leaver_id: int):
    """Correct an entry or bring it up to date (e.g. a wish to train); the audit log keeps the old values."""
    leaver = get_visible_or_404(SchoolLeaver, leaver_id)
    require(can_keep_school_leaver_ledger(current_user))
    form = _form(leaver)
    if request.method == "GET":
        form.wants_training.data = leaver.wants_training
    if form.validate_on_submit():
        if save_form(form, lambda: ledger.update_leaver(leaver, _data(form)), "已保存。"):
            return redirect(url_for(".detail", leaver_id=leaver.id))
    return render_template(TEMPLATES + "ledger_form.html", form=form, leaver=leaver), 400 if form.errors or form.form_errors else 200
