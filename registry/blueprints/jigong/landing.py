"""What 广东技工 adds to the shared pages: links to its majors, cohorts and graduates and a panel of
cohorts by intake year on the programme's landing page (/programmes/jigong/), and a student's
standing on a trainee's record.

Kept apart from the package's own pages (``views.py``) because these are drawn by the shared pages.
``views.py`` calls :func:`register` once, when ``programme_blueprints()`` imports it, with the roles
its pages are for; this module imports nothing from ``views.py``.
"""
from __future__ import annotations

from sqlalchemy import func, select

from registry.auth.permissions import cohorts_visible, majors_visible
from registry.blueprints.programmes.landing import Panel, RecordLink, TraineeSection, register_panel, \
    register_records, register_trainee_section
from registry.domain.training.models import Enrollment
from registry.extensions import db

from . import figures
from .models import Cohort, Major, Standing
from .rules import CODE, SOURCE_MAJORS, SOURCE_RETENTION


def _count(statement) -> int:
    return db.session.scalar(statement) or 0


def _landing_panel(user, year: int) -> dict:
    jurisdiction = cohorts_visible(user)
    flags = db.session.execute(select(
        func.count(Major.id), func.count(Major.key_major_year), func.count(Major.featured_major_year),
    ).where(majors_visible(user), Major.ended_on.is_(None))).one()
    return {
        "year": year, "by_intake": figures.per_intake_year(jurisdiction),
        "graduates": figures.graduation_year(year, jurisdiction), "majors": flags[0], "key": flags[1],
        "featured": flags[2], "sources": (SOURCE_MAJORS, SOURCE_RETENTION),
    }


def _trainee_section(user, trainee) -> dict | None:
    rows = db.session.execute(
        select(Cohort, Enrollment, Standing)
        .join(Enrollment, Enrollment.session_id == Cohort.session_id)
        .outerjoin(Standing, Standing.enrollment_id == Enrollment.id)
        .where(Enrollment.trainee_id == trainee.id, cohorts_visible(user))
        .order_by(Cohort.intake_year.desc())
    ).all()
    return {"rows": rows} if rows else None


def _majors_count(user) -> int:
    return _count(select(func.count(Major.id)).where(majors_visible(user), Major.ended_on.is_(None)))


def register(roles: tuple[str, ...]) -> None:
    """Register the links, the panel and the trainee-record section, shown to ``roles`` (call once)."""
    register_records(
        CODE,
        RecordLink("技工院校专业", "jigong.majors", "在办专业(含省级重点、特色专业标识),学制和对应职业(工种)",
                   count=_majors_count, roles=roles),
        RecordLink("学制班", "jigong.cohorts", "按入学年度的学制班:在读、毕业、双证率、留本市就业率",
                   count=lambda user: _count(select(func.count(Cohort.id)).where(cohorts_visible(user))), roles=roles),
        RecordLink("毕业生与毕业去向", "jigong.graduates", "毕业证书、职业技能等级证书和毕业去向",
                   count=lambda user: _count(select(func.count(Standing.id))
                                             .join(Cohort, Standing.cohort_id == Cohort.id)
                                             .where(Standing.status == "graduated", cohorts_visible(user))),
                   roles=roles),
    )
    register_panel(CODE, Panel("技工院校学制班(按入学年度)", "jigong/_panel.html", _landing_panel, roles=roles))
    register_trainee_section(TraineeSection("技工院校学籍", "jigong/_trainee_section.html", _trainee_section,
                                            roles=roles))
