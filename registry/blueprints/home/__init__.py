"""Home page: one per role, with figures from the data in the user's jurisdiction."""
from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ...auth.permissions import visible
from ...domain.catalogue import catalogue
from ...domain.common import today
from ...domain.organisations.models import TrainingBase
from ...domain.training.models import TrainingSession
from ...domain.training.statistics import dashboard
from ...extensions import db

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    """The signed-in user's home page: their jurisdiction's sessions, enrollments and pass rate."""
    scope = visible(TrainingSession)
    figures = dashboard(scope, today())
    upcoming = db.session.scalars(
        select(TrainingSession)
        .where(scope, TrainingSession.end_date >= today())
        .order_by(TrainingSession.start_date)
        .limit(8)
    ).all()
    base_count = db.session.scalar(select(func.count(TrainingBase.id)).where(visible(TrainingBase)))
    programmes = {p.code: p for p in catalogue.all()}
    return render_template(
        f"home/{current_user.role}.html",
        figures=figures,
        upcoming=upcoming,
        base_count=base_count,
        programmes=programmes,
    )


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico where a page names no icon (a PDF or spreadsheet opened in a tab)."""
    return current_app.send_static_file("favicon.svg")
