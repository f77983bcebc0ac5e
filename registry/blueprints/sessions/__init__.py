"""Training sessions (班期): bureau staff see every session in their jurisdiction, bases their own."""
from datetime import date

from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import select

from ...auth.permissions import get_visible_or_404, roles_required, visible
from ...domain.catalogue import catalogue
from ...domain.organisations.models import TrainingBase
from ...domain.training.models import SESSION_STATUSES, Enrollment, TrainingSession
from ...extensions import db
from ..forms_common import district_choices, filter_args

bp = Blueprint("sessions", __name__, url_prefix="/sessions")


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


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
    if args.get("base", "").isdigit():
        query = query.where(TrainingSession.base_id == int(args["base"]))
    if args.get("district", "").isdigit():
        query = query.where(TrainingBase.district_id == int(args["district"]))
    if start := _date_arg("from"):
        query = query.where(TrainingSession.end_date >= start)
    if end := _date_arg("to"):
        query = query.where(TrainingSession.start_date <= end)
    page = db.paginate(query, per_page=30)
    bases = db.session.scalars(select(TrainingBase).where(visible(TrainingBase)).order_by(TrainingBase.name)).all()
    return render_template(
        "sessions/index.html", page=page, args=args, statuses=SESSION_STATUSES, bases=bases,
        districts=district_choices(),
    )


@bp.route("/<int:session_id>")
@login_required
def detail(session_id: int):
    """One session and its roster (names in full: staff of this jurisdiction only)."""
    session = get_visible_or_404(TrainingSession, session_id)
    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.session_id == session.id).order_by(Enrollment.id)
    ).all()
    return render_template("sessions/detail.html", session=session, enrollments=enrollments)
