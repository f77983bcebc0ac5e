"""企业职工转岗转业: each participant's situation (004 之五 三、四), recorded on the session's roster.

Thin views: who may do what is in ``registry.auth.permissions``; the rules are in job_change.py.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ....auth.permissions import can_record_job_change, get_visible_or_404, require, roles_required, visible
from ....domain.common import today
from ....domain.training.models import Enrollment, TrainingSession
from ....extensions import db
from ...forms_common import filter_args, save_form
from . import job_change
from .forms import JobChangeForm
from .models import SITUATIONS, JobChangeRecord

bp = Blueprint("job_change", __name__, url_prefix="/ten-groups/job-change")

STAFF = ("city", "district", "base", "enterprise")


@bp.route("/")
@roles_required(*STAFF)
def index():
    """Recorded situations, filterable; the programme's sessions with participants still to record."""
    args = filter_args()
    sessions_visible = visible(TrainingSession)
    page = db.paginate(job_change.records_query(sessions_visible, args.get("situation", ""), args.get("q", "")),
                       per_page=30)
    sessions = db.session.execute(job_change.sessions_query(sessions_visible, only_missing=True).limit(50)).all()
    return render_template("ten_groups/workforce/job_change_index.html", page=page, args=args, situations=SITUATIONS,
                           sessions=sessions, missing=job_change.missing_count(sessions_visible))


def _session(session_id: int) -> TrainingSession:
    session = get_visible_or_404(TrainingSession, session_id)
    if session.programme_code != job_change.PROGRAMME:
        abort(404)
    return session


@bp.route("/sessions/<int:session_id>")
@login_required
def session(session_id: int):
    """A session's participants with their recorded situations."""
    training_session = _session(session_id)
    return render_template("ten_groups/workforce/job_change_session.html", session=training_session,
                           roster=job_change.roster(training_session), can_record=can_record_job_change(current_user, training_session))


@bp.route("/enrollments/<int:enrollment_id>", methods=["GET", "POST"])
@login_required
def record(enrollment_id: int):
    """Record or correct one participant's situation."""
    enrollment = get_visible_or_404(Enrollment, enrollment_id)
    training_session = _session(enrollment.session_id)
    require(can_record_job_change(current_user, training_session))
    existing = db.session.scalar(select(JobChangeRecord).where(JobChangeRecord.enrollment_id == enrollment.id))
    form = JobChangeForm(obj=existing)
    if form.validate_on_submit():
        data = job_change.JobChangeData(
            former_enterprise_name=form.former_enterprise_name.data or "", former_post=form.former_post.data or "",
            situation=form.situation.data or "", former_credit_code=form.former_credit_code.data or "",
            separated_on=form.separated_on.data, intended_post=form.intended_post.data or "",
        )
        if save_form(form, lambda: job_change.record_job_change(enrollment, data, today()),
                     f"已登记 {enrollment.trainee.name} 的转岗转业情况。"):
            return redirect(url_for("job_change.session", session_id=training_session.id))
    return render_template("ten_groups/workforce/job_change_form.html", form=form, enrollment=enrollment,
                           session=training_session, record=existing), 400 if form.errors else 200
