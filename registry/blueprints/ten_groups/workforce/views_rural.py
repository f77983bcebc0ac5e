"""农村劳动力精准培训: the real-name register's pages (list with filters, register, correct, close).

Thin views: who may do what is in ``registry.auth.permissions``; the rules are in rural.py.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ....auth.permissions import (
    can_edit_person_row, can_keep_person_registers, can_view, get_visible_or_404, person_row_district, registering_unit,
    require, roles_required, visible,
)
from ....domain.common import today
from ....extensions import db
from ...forms_common import district_choices, filter_args, record_id, save_form, saving
from . import people, registers, rural
from .forms import CloseForm, LabourerFields, NewLabourerForm
from .models import RuralLabourer

bp = Blueprint("rural_labour", __name__, url_prefix="/ten-groups/rural-labour")

STAFF = ("city", "district", "base")


def _filters(args: dict) -> rural.Filters:
    return rural.Filters(
        district_id=record_id(args.get("district")), low_income=args.get("low_income") == "1",
        weak_village=args.get("weak_village") == "1", status=args.get("status", ""), wants=args.get("wants", ""),
        year=record_id(args.get("year")), text=args.get("q", ""), closed=args.get("closed") == "1",
    )


@bp.route("/")
@roles_required(*STAFF)
def index():
    """The register rows the viewer keeps, filterable by district, 低保, training status and more."""
    args = filter_args()
    filters = _filters(args)
    if current_user.role == "district":
        filters.district_id = current_user.district_id
    page = db.paginate(rural.register_query(visible(RuralLabourer), filters), per_page=30)
    found = people.participations(row.trainee_id for row in page.items)
    return render_template(
        "ten_groups/workforce/rural_index.html", page=page, args=args, filters=filters, found=found,
        status_of=people.status_of, statuses=people.TRAINING_STATUSES, districts=district_choices(),
        can_register=can_keep_person_registers(current_user), fixed_district=person_row_district(current_user),
    )


def _data(form: LabourerFields) -> rural.LabourerData:
    return rural.LabourerData(
        district_id=registers.row_district(form), town=form.town.data or "", village=form.village.data or "",
        training_need=form.training_need.data or "", registered_on=form.registered_on.data,
        low_income_role=form.low_income_role.data or None, is_weak_village=form.is_weak_village.data,
        wants_training=form.wants_training.data, wish=form.wish.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    """Enter a rural labourer in the register (004 之六 二); a known trainee is linked by document."""
    require(can_keep_person_registers(current_user))
    form = NewLabourerForm()
    registers.offer_districts(form)
    if request.method == "GET":
        form.registered_on.data = today()
    if form.validate_on_submit():
        with saving(form) as saved:
            labourer = rural.register_labourer(registers.new_person(form), _data(form), today(),
                                               **registering_unit(current_user))
        if saved.ok:
            flash(f"已将 {labourer.trainee.name} 登记入农村劳动力实名登记台账。", "success")
            return redirect(url_for("rural_labour.edit", labourer_id=labourer.id))
    return render_template("ten_groups/workforce/rural_form.html", form=form, labourer=None), 400 if form.errors else 200


@bp.route("/<int:labourer_id>", methods=["GET", "POST"])
@login_required
def edit(labourer_id: int):
    """A row of the register: the person's trainings, and (for its keepers) correcting it."""
    labourer = get_visible_or_404(RuralLabourer, labourer_id)
    can_edit = can_edit_person_row(current_user, labourer) and labourer.closed_on is None
    form = LabourerFields(obj=labourer)
    registers.offer_districts(form)
    if registers.corrected(form, can_edit, lambda: rural.update_labourer(labourer, _data(form), today())):
        return redirect(url_for("rural_labour.edit", labourer_id=labourer.id))
    found = people.participations([labourer.trainee_id]).get(labourer.trainee_id, [])
    return render_template(
        "ten_groups/workforce/rural_form.html", form=form, labourer=labourer, can_edit=can_edit, found=found,
        status=people.status_of(found), statuses=people.TRAINING_STATUSES, close_form=CloseForm(formdata=None),
        trainee_visible=can_view(current_user, labourer.trainee),
    ), 400 if form.errors else 200


@bp.route("/<int:labourer_id>/close", methods=["POST"])
@login_required
def close(labourer_id: int):
    """Close a row (it stays in the register, marked closed with the reason)."""
    labourer = get_visible_or_404(RuralLabourer, labourer_id)
    require(can_edit_person_row(current_user, labourer))
    form = CloseForm()
    if form.validate_on_submit():
        if save_form(form, lambda: rural.close_labourer(labourer, form.closed_on.data, form.close_reason.data, today()),
                     "已注销该登记。"):
            return redirect(url_for("rural_labour.edit", labourer_id=labourer.id))
    edit_form = LabourerFields(formdata=None, obj=labourer)
    registers.offer_districts(edit_form)
    found = people.participations([labourer.trainee_id]).get(labourer.trainee_id, [])
    return render_template(
        "ten_groups/workforce/rural_form.html", form=edit_form, labourer=labourer,
        can_edit=labourer.closed_on is None, found=found, status=people.status_of(found),
        statuses=people.TRAINING_STATUSES, close_form=form,
    ), 400
