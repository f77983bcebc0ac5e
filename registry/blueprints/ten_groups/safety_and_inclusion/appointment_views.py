"""Heads and safety managers of high-risk enterprises (004 之九 二): appointments with their standing
(assessed within 6 months of taking the post, the yearly refresher), a list with an overdue filter,
recording, correcting and ending appointments. The enterprise and the bureau of its district."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from registry.auth.permissions import (
    can_record_appointments, get_visible_or_404, registering_unit, require, roles_required, visible,
)
from registry.domain.common import today
from registry.domain.organisations.models import Enterprise
from registry.domain.trainees.models import Trainee
from registry.extensions import db

from ...forms_common import filter_args, flash_form_errors, perform, save_form, saving
from . import appointments
from .forms import AppointmentForm, AppointmentTermsForm, EndAppointmentForm
from .models import HIGH_RISK_INDUSTRIES, SAFETY_POSTS, SafetyAppointment
from registry.domain.trainees.operations import PersonData

bp = Blueprint("safety_appointments", __name__, url_prefix="/ten-groups/safety-appointments")
ROLES = ("city", "district", "enterprise")
TEMPLATES = "ten_groups/safety_and_inclusion/"
#: The list's filter for every appointment needing attention.
ANY_OVERDUE = "any_overdue"


@bp.route("/")
@roles_required(*ROLES)
def index():
    """Appointments the viewer sees with their standing today; filter by standing (逾期), post, industry."""
    on, args = today(), filter_args()
    standing = appointments.standing_expression(on)
    query = (select(SafetyAppointment).join(Trainee, SafetyAppointment.trainee_id == Trainee.id)
             .join(Enterprise, SafetyAppointment.enterprise_id == Enterprise.id)
             .where(visible(SafetyAppointment))
             .order_by(SafetyAppointment.assessment_due_on, SafetyAppointment.id))
    chosen = args.get("standing", "")
    if chosen == ANY_OVERDUE:
        query = query.where(standing.in_(appointments.OVERDUE))
    elif chosen in appointments.STANDING_NAMES:
        query = query.where(standing == chosen)
    if args.get("post") in SAFETY_POSTS:
        query = query.where(SafetyAppointment.post == args["post"])
    if args.get("industry") in HIGH_RISK_INDUSTRIES:
        query = query.where(SafetyAppointment.industry == args["industry"])
    if text := args.get("q", "").strip():
        query = query.where(or_(Trainee.name.contains(text), Enterprise.name.contains(text)))
    page = db.paginate(query, per_page=30)
    ids = [a.id for a in page.items]
    standings = {a.id: s for a, s in appointments.standings(SafetyAppointment.id.in_(ids), on)} if ids else {}
    return render_template(
        TEMPLATES + "appointments_index.html", page=page, args=args, standings=standings,
        standing_names=appointments.STANDING_NAMES, any_overdue=ANY_OVERDUE, posts=SAFETY_POSTS,
        industries=HIGH_RISK_INDUSTRIES, counts=appointments.counts_by_standing(visible(SafetyAppointment), on),
        can_record=can_record_appointments(current_user), rule=appointments.STANDING_RULE,
    )


def _enterprise_choices(form) -> None:
    enterprises = db.session.scalars(select(Enterprise).where(visible(Enterprise)).order_by(Enterprise.name)).all()
    own = [e for e in enterprises if can_record_appointments(current_user, e)]
    form.enterprise_id.choices = ([] if len(own) == 1 else [("", "请选择")]) + [
        (e.id, f"{e.name}({e.district.name})") for e in own]


def _terms(form) -> appointments.AppointmentData:
    return appointments.AppointmentData(enterprise_id=form.enterprise_id.data, post=form.post.data,
                                        industry=form.industry.data, took_post_on=form.took_post_on.data,
                                        note=form.note.data or "")


def _rendered(template: str, status_ok: bool, **context):
    return render_template(TEMPLATES + template, **context), 200 if status_ok else 400


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*ROLES)
def new():
    """Record that a person took the post of head or safety manager of a high-risk enterprise."""
    require(can_record_appointments(current_user))
    form = AppointmentForm()
    _enterprise_choices(form)
    if form.validate_on_submit():
        person = PersonData(form.document_type.data, form.document_number.data, form.name.data,
                            form.hukou_type.data or "", phone=form.phone.data or "",
                            education=form.education.data or None)
        with saving(form) as saved:
            appointment = appointments.add_appointment(person, _terms(form), **registering_unit(current_user))
        if saved.ok:
            flash(f"已登记 {appointment.trainee.name} 的任职,须于 {appointment.assessment_due_on:%Y-%m-%d} 前考核合格。",
                  "success")
            return redirect(url_for(".detail", appointment_id=appointment.id))
    return _rendered("appointment_form.html", not (form.errors or form.form_errors), form=form, appointment=None)


@bp.route("/<int:appointment_id>")
@roles_required(*ROLES)
def detail(appointment_id: int):
    """One appointment: the standing today, the due days, and the person's manager trainings."""
    appointment = get_visible_or_404(SafetyAppointment, appointment_id)
    return render_template(
        TEMPLATES + "appointment_detail.html", appointment=appointment,
        standing=appointments.standing_of(appointment), training=appointments.training_of(appointment),
        end_form=EndAppointmentForm(), rule=appointments.STANDING_RULE,
        can_change=can_record_appointments(current_user, appointment.enterprise),
    )


@bp.route("/<int:appointment_id>/edit", methods=["GET", "POST"])
@roles_required(*ROLES)
def edit(appointment_id: int):
    """Correct the enterprise, post, industry or day taken up; the due day follows."""
    appointment = get_visible_or_404(SafetyAppointment, appointment_id)
    require(can_record_appointments(current_user, appointment.enterprise))
    form = AppointmentTermsForm(obj=appointment)
    _enterprise_choices(form)
    if form.validate_on_submit():
        if save_form(form, lambda: appointments.update_appointment(appointment, _terms(form)), "已保存。"):
            return redirect(url_for(".detail", appointment_id=appointment.id))
    return _rendered("appointment_form.html", not (form.errors or form.form_errors), form=form,
                     appointment=appointment)


@bp.route("/<int:appointment_id>/end", methods=["POST"])
@roles_required(*ROLES)
def end(appointment_id: int):
    """The person left the post; the record stays."""
    appointment = get_visible_or_404(SafetyAppointment, appointment_id)
    require(can_record_appointments(current_user, appointment.enterprise))
    form = EndAppointmentForm()
    if form.validate_on_submit():
        perform(lambda: appointments.end_appointment(appointment, form.left_post_on.data), "已登记离任。")
    else:
        flash_form_errors(form)
    return redirect(url_for(".detail", appointment_id=appointment.id))
