"""Programme landing pages: every programme's policy, bases, current sessions, this year's progress
against its targets, and the records only it keeps (which its own package registers, landing.py)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from ...auth.permissions import is_bureau, reconciliation_district, roles_required, visible
from ...domain import programme_overview as overview
from ...domain.catalogue import CERTIFICATE_TYPES, SUBSIDY_SCHEMES, catalogue
from ...domain.common import today
from ...domain.organisations.models import District, TrainingBase
from ...domain.reconciliation import counting, figures
from ...domain.reconciliation.counting import Scope
from ...domain.reconciliation.exports import PACE_NAMES
from ...domain.training.models import TrainingSession
from ...extensions import db
from ..years import page_year
from .landing import links_for, panels_for

bp = Blueprint("programmes", __name__, url_prefix="/programmes")

ALL_ROLES = ("city", "district", "base", "enterprise")


def _district_id() -> int | None:
    """Bureau staff see their district's figures (city staff the whole city); others their own unit's."""
    return reconciliation_district(current_user, None) if is_bureau(current_user) else None


@bp.route("/")
@roles_required(*ALL_ROLES)
def index():
    """Every programme with this year's 人次 against its 人次 target, in the viewer's jurisdiction."""
    year = page_year()
    district_id = _district_id()
    result = figures.reconcile(Scope(year, district_id=district_id), "programme", today(), visible(TrainingSession))
    rows = {row.key[0]: row for row in result.rows if row.key}
    targets = [progress.target for progress in result.targets]
    trainings_targets = {p.code: figures.trainings_target(targets, p.code, district_id=district_id) for p in catalogue.all()}
    return render_template("programmes/index.html", year=year, rows=rows, programmes=catalogue.all(),
                           trainings_targets=trainings_targets, district=db.session.get(District, district_id) if district_id else None,
                           show_targets=is_bureau(current_user), elapsed=result.elapsed)


@bp.route("/<code>/", endpoint="landing")
@roles_required(*ALL_ROLES)
def programme_landing(code: str):
    programme = catalogue.get(code)
    if programme is None:
        abort(404)
    year, district_id, on = page_year(), _district_id(), today()
    sessions_visible = visible(TrainingSession)
    bureau = is_bureau(current_user)
    measures = figures.programme_year(code, year, district_id, on, sessions_visible, with_tallies=bureau)
    tracks = []
    if programme.tracks:
        tracks = overview.track_rows(
            programme, figures.reconcile(Scope(year, code, district_id=district_id), "track", on, sessions_visible))
    recognitions = overview.recognitions(code, visible(TrainingBase), on)
    sessions, session_total = overview.current_sessions(code, sessions_visible)
    panels = [(panel, panel.context(current_user, year)) for panel in panels_for(code, current_user.role)]
    return render_template(
        "programmes/landing.html", programme=programme, year=year, on=on, measures=measures, tracks=tracks,
        elapsed=figures.year_elapsed(year, on), show_targets=bureau, pace_names=PACE_NAMES,
        district=db.session.get(District, district_id) if district_id else None,
        recognitions=recognitions, levels=overview.recognitions_by_level(recognitions),
        sessions=sessions, session_total=session_total, links=links_for(code, current_user.role), panels=panels,
        certificate_types=CERTIFICATE_TYPES, schemes=SUBSIDY_SCHEMES,
        measure_rules={m.code: m.rule for m in programme.extra_measures}, counting_rules=counting.RULES,
    )
