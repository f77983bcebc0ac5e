"""新生代产业工人: the participations counted as high-skill-leader and top-talent training (004 之一 二、三),
each with the reason it counts."""
from __future__ import annotations

from flask import Blueprint, render_template

from ....auth.permissions import roles_required, visible
from ....domain.training.models import TrainingSession
from ....extensions import db
from ...forms_common import filter_args
from ...years import page_year
from . import high_skill, measures

bp = Blueprint("new_workers", __name__, url_prefix="/ten-groups/new-workers")


@bp.route("/high-skill")
@roles_required("city", "district", "base", "enterprise")
def high_skill_list():
    """The year's 人次 in either measure within the viewer's sessions, with the route each counts by."""
    year = page_year()
    args = filter_args()
    args["year"] = str(year)
    measure = args.get("measure", "")
    sessions_visible = visible(TrainingSession)
    page = db.paginate(high_skill.counted_query(year, sessions_visible, measure), per_page=50)
    return render_template(
        "ten_groups/workforce/new_workers_list.html", year=year, args=args, measure=measure, measures=high_skill.MEASURES,
        page=page, rows=high_skill.explain(page.items), counts=high_skill.year_counts(year, sessions_visible),
        routes=measures.TOP_TALENT_ROUTES,
    )
