"""Training sessions (班期): bases plan and run them; bureau staff see every session in their
jurisdiction. Enrolment lives in enrolment.py, hours and results in results.py."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ...auth.permissions import (
    can_edit_roster,
    can_plan_sessions,
    can_record_results,
    get_visible_or_404,
    require,
    roles_required,
    visible,
)
from ...domain.catalogue import catalogue
from ..certificates import session_panel as certificate_panel
from ...domain.common import today
from ...domain.errors import DomainError
from ...domain.imports import batches
from ...domain.organisations.models import TrainingBase
from ...domain.training import operations
from ...domain.training.models import SESSION_STATUSES, Enrollment, TrainingSession
from ...domain.training.results import not_started
from ...extensions import db
from ..forms_common import attach_error, district_choices, filter_args, perform, record_id
from .forms import CancelWithdrawalForm, EnrolForm, MoveForm, SessionForm, WithdrawForm

bp = Blueprint("sessions", __name__, url_prefix="/sessions")


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def enrolled_counts(session_ids) -> dict[int, int]:
    rows = db.session.execute(
        select(Enrollment.session_id, func.count(Enrollment.id))
        .where(Enrollment.session_id.in_(session_ids), Enrollment.status != "withdrawn")
        .group_by(Enrollment.session_id)
    )
    return {session_id: count for session_id, count in rows}


def latest_sessions(*where, limit: int | None = None) -> list[TrainingSession]:
    """The sessions meeting ``where`` that the user may see, latest first (a base's or an enterprise's page)."""
    return db.session.scalars(
        select(TrainingSession).where(*where, visible(TrainingSession))
        .order_by(TrainingSession.start_date.desc()).limit(limit)
    ).all()


@bp.route("/")
@roles_required("city", "district", "base", "enterprise")
def index():
    """Sessions filterable by programme, base, district, state and dates."""
    query = (
        select(TrainingSession)
        .join(TrainingBase, TrainingSession.base_id == TrainingBase.id)
        .where(visible(TrainingSession))
        .order_by(TrainingSession.start_date.desc(), TrainingSession.id.desc())
    )
    args = filter_args()
    if args.get("programme") in catalogue:
        query = query.where(TrainingSession.programme_code == args["programme"])
    if args.get("status") in SESSION_STATUSES:
        query = query.where(TrainingSession.status == args["status"])
    if (base_id := record_id(args.get("base"))) is not None:
        query = query.where(TrainingSession.base_id == base_id)
    if (district_id := record_id(args.get("district"))) is not None:
        query = query.where(TrainingBase.district_id == district_id)
    if start := _date_arg("from"):
        query = query.where(TrainingSession.end_date >= start)
    if end := _date_arg("to"):
        query = query.where(TrainingSession.start_date <= end)
    page = db.paginate(query, per_page=30)
    bases = db.session.scalars(select(TrainingBase).where(visible(TrainingBase)).order_by(TrainingBase.name)).all()
    return render_template(
        "sessions/index.html", page=page, args=args, statuses=SESSION_STATUSES, bases=bases,
        districts=district_choices(), counts=enrolled_counts([s.id for s in page.items]),
        can_plan=can_plan_sessions(current_user),
    )


@bp.route("/<int:session_id>")
@login_required
def detail(session_id: int):
    """One session: its plan, state, roster and the actions the user may take."""
    return render_detail(get_visible_or_404(TrainingSession, session_id), enrol_next=request.args.get("enrol") == "next")


def render_detail(session: TrainingSession, enrol_form: EnrolForm | None = None, status: int = 200,
                  enrol_next: bool = False):
    """The session page; with ``enrol_form`` it shows that form's errors and typed values, with
    ``enrol_next`` an empty enrolment form, open, its cursor in 证件号码 (one person was just enrolled)."""
    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.session_id == session.id).order_by(Enrollment.id)
    ).all()
    blank = EnrolForm(formdata=None)
    if enrol_next:
        blank.document_number.render_kw = {**(blank.document_number.render_kw or {}), "autofocus": True}
    may_edit_roster = can_edit_roster(current_user, session)
    may_record = can_record_results(current_user, session)
    uploads = batches.session_batches(
        session.id, [kind for kind, allowed in (("enrolment", may_edit_roster), ("results", may_record)) if allowed])
    move_form = MoveForm()
    move_form.target.choices = [(t, SESSION_STATUSES[t]) for t in operations.TRANSITIONS[session.status]]
    return render_template(
        "sessions/detail.html", session=session, enrollments=enrollments, move_form=move_form,
        enrol_form=enrol_form or blank, open_enrol=enrol_form is not None or enrol_next,
        withdraw_form=WithdrawForm(formdata=None, withdrawn_on=today()),
        cancel_withdrawal_form=CancelWithdrawalForm(formdata=None),
        active=operations.active_count(session), uploads=uploads,
        can_edit_roster=may_edit_roster,
        enrolling=session.status in operations.ENROLLING_STATES,
        can_plan=can_plan_sessions(current_user, session.base),
        can_record=may_record, results_not_started=not_started(session),
        panel=certificate_panel(session),
    ), status


def _session_data(form: SessionForm) -> operations.SessionData:
    programme_code, _, occupation_code = (form.occupation.data or "|").partition("|")
    return operations.SessionData(
        programme_code=programme_code, occupation_code=occupation_code, level=form.level.data or None,
        kind=form.kind.data, start_date=form.start_date.data, end_date=form.end_date.data,
        planned_hours=form.planned_hours.data, capacity=form.capacity.data, place=form.place.data or "",
        mode=form.mode.data, enterprise_id=form.enterprise_id.data or None,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required("base")
def new():
    """Plan a session of a programme the base is recognised for."""
    base = current_user.base
    form = SessionForm(base)
    like = None
    if request.method == "GET" and (like_id := record_id(request.args.get("like"))) is not None:
        like = _planned_like(form, like_id)
    if form.validate_on_submit():
        try:
            session = operations.create_session(base, _session_data(form))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, _session_field(error))
        else:
            db.session.commit()
            flash(f"已创建班期 {session.code}。", "success")
            return redirect(url_for("sessions.detail", session_id=session.id))
    return render_template("sessions/form.html", form=form, session=None, like=like)


def _planned_like(form: SessionForm, like_id: int) -> TrainingSession:
    """Fill the plan from one of the base's own sessions (the same class run again): all but the dates,
    which a new session has its own of."""
    like = get_visible_or_404(TrainingSession, like_id)
    if not can_plan_sessions(current_user, like.base):
        abort(404)
    form.occupation.data = f"{like.programme_code}|{like.occupation_code}"
    form.level.data = like.level or 0
    form.enterprise_id.data = like.enterprise_id or 0
    for name in ("kind", "planned_hours", "capacity", "place", "mode"):
        getattr(form, name).data = getattr(like, name)
    return like


def _session_field(error: DomainError) -> DomainError:
    """Programme and occupation share one field on the form."""
    if error.field in ("programme_code", "occupation_code"):
        error.field = "occupation"
    return error


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit(session_id: int):
    """Change a session's plan before it finishes."""
    session = get_visible_or_404(TrainingSession, session_id)
    require(can_plan_sessions(current_user, session.base))
    refusal = operations.plan_refusal(session)
    if refusal:
        flash(refusal, "warning")
        return redirect(url_for("sessions.detail", session_id=session.id))
    form = SessionForm(session.base, obj=session)
    if request.method == "GET":
        form.occupation.data = f"{session.programme_code}|{session.occupation_code}"
        form.level.data = session.level or 0
        form.enterprise_id.data = session.enterprise_id or 0
    _show_fixed_fields(form, session)
    if form.validate_on_submit():
        try:
            operations.update_session(session, _session_data(form))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, _session_field(error))
        else:
            db.session.commit()
            flash("已保存班期计划。", "success")
            return redirect(url_for("sessions.detail", session_id=session.id))
    return render_template("sessions/form.html", form=form, session=session)


#: The form's field for each plan field a session may keep fixed (operations.fixed_plan_fields).
_FORM_FIELDS = {"programme_code": "occupation", "occupation_code": "occupation", "level": "level",
                "start_date": "start_date"}


def _show_fixed_fields(form: SessionForm, session: TrainingSession) -> None:
    """The fields this session keeps as they are: shown, not editable, saying why."""
    for name in {_FORM_FIELDS[field] for field in operations.fixed_plan_fields(session)}:
        field = getattr(form, name)
        field.render_kw = {**(field.render_kw or {}), "disabled": True}
        field.description = f"班期{session.status_name},不能修改"


@bp.route("/<int:session_id>/state", methods=["POST"])
@login_required
def move(session_id: int):
    """Move the session to its next (or previous) state, if its dates and results allow."""
    session = get_visible_or_404(TrainingSession, session_id)
    require(can_plan_sessions(current_user, session.base))
    form = MoveForm()
    form.target.choices = [(t, SESSION_STATUSES[t]) for t in operations.TRANSITIONS[session.status]]
    if form.validate_on_submit():
        target = SESSION_STATUSES[form.target.data]
        perform(lambda: operations.move_session(session, form.target.data), f"班期已改为「{target}」。")
    else:
        flash("请选择班期的新状态。", "danger")
    return redirect(url_for("sessions.detail", session_id=session.id))


from . import enrolment, results  # noqa: E402,F401  (routes on this blueprint)
