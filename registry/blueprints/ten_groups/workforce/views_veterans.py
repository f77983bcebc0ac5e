"""退役军人: each year's intake and its coverage by the adaptive training (004 之七 二).

Thin views: who may do what is in ``registry.auth.permissions``; the rules are in veterans.py.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ....auth.permissions import (
    can_edit_person_row, can_keep_person_registers, can_view, get_visible_or_404, registering_unit, require, roles_required,
    visible,
)
from ....domain.common import today
from ....extensions import db
from ...forms_common import filter_args, saving
from . import people, registers, veterans
from .forms import IntakeFields, NewIntakeForm
from .models import VeteranIntake

bp = Blueprint("veterans", __name__, url_prefix="/ten-groups/veterans")

STAFF = ("city", "district", "base")
YEAR_STATUSES = {"not_trained": "尚未参加适应性培训", "in_training": "培训中", "trained": "已参加",
                 "exempt": "不需参训", "all": "全部"}


@bp.route("/")
@roles_required(*STAFF)
def index():
    """Every intake year the viewer sees, with its adaptive-training coverage."""
    years = veterans.coverage_by_year(visible(VeteranIntake), limit=50)
    return render_template("ten_groups/workforce/veterans_index.html", years=years,
                           can_register=can_keep_person_registers(current_user))


@bp.route("/<int:year>")
@roles_required(*STAFF)
def year(year: int):
    """One discharge year's intake: by default those due who have not taken the adaptive training."""
    if not 1950 <= year <= 2100:
        abort(404)
    args = filter_args()
    status = args.get("status", "not_trained")
    if status not in YEAR_STATUSES:
        status = "not_trained"
    visible_intakes = visible(VeteranIntake)
    page = db.paginate(veterans.year_query(year, visible_intakes, status, args.get("q", "")), per_page=50)
    found = people.participations((row.trainee_id for row in page.items), *veterans.adaptive_sessions(year))
    return render_template(
        "ten_groups/workforce/veterans_year.html", year=year, page=page, args=args, status=status,
        statuses=YEAR_STATUSES, found=found, status_of=people.status_of, training_statuses=people.TRAINING_STATUSES,
        coverage=veterans.coverage(year, visible_intakes), can_register=can_keep_person_registers(current_user),
    )


def _data(form: IntakeFields) -> veterans.IntakeData:
    return veterans.IntakeData(
        discharge_year=form.discharge_year.data, district_id=registers.row_district(form),
        placement=form.placement.data or "", registered_on=form.registered_on.data, can_attend=form.can_attend.data,
        exemption_reason=form.exemption_reason.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    """Enter a veteran in the intake of their discharge year; a known trainee is linked by document."""
    require(can_keep_person_registers(current_user))
    form = NewIntakeForm()
    registers.offer_districts(form)
    if request.method == "GET":
        form.registered_on.data = today()
        form.discharge_year.data = today().year
    if form.validate_on_submit():
        with saving(form) as saved:
            intake = veterans.register_intake(registers.new_person(form), _data(form), today(),
                                              **registering_unit(current_user))
        if saved.ok:
            flash(f"已将 {intake.trainee.name} 登记入 {intake.discharge_year} 年度退役军人安置名单。", "success")
            return redirect(url_for("veterans.year", year=intake.discharge_year, status="all"))
    return render_template("ten_groups/workforce/veterans_form.html", form=form, intake=None), 400 if form.errors else 200


@bp.route("/intakes/<int:intake_id>", methods=["GET", "POST"])
@login_required
def edit(intake_id: int):
    """One veteran's intake row with their adaptive training; its keepers may correct it."""
    intake = get_visible_or_404(VeteranIntake, intake_id)
    can_edit = can_edit_person_row(current_user, intake)
    form = IntakeFields(obj=intake)
    registers.offer_districts(form)
    if registers.corrected(form, can_edit, lambda: veterans.update_intake(intake, _data(form), today())):
        return redirect(url_for("veterans.edit", intake_id=intake.id))
    found = people.participations([intake.trainee_id], *veterans.adaptive_sessions(intake.discharge_year))
    found = found.get(intake.trainee_id, [])
    return render_template(
        "ten_groups/workforce/veterans_form.html", form=form, intake=intake, can_edit=can_edit, found=found,
        status=people.status_of(found), training_statuses=people.TRAINING_STATUSES,
        trainee_visible=can_view(current_user, intake.trainee),
    ), 400 if form.errors else 200
