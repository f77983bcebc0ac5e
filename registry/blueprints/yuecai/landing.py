"""What 粤菜师傅 adds to the shared pages: links to its records and panels of its figures on the
programme's landing page (/programmes/yuecai/), and its sections of a trainee's record.

Kept apart from the package's own pages (``views.py``) because these are drawn by the shared pages.
``views.py`` calls :func:`register` once, when ``programme_blueprints()`` imports it, with the roles
its pages are for; this module imports nothing from ``views.py``.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import exists, func, select

from ...auth.permissions import (
    can_rate_chefs, can_record_competition_results, is_bureau, reconciliation_district, sessions_visible, visible,
)
from ...domain.common import today
from ...domain.organisations.models import District, TrainingBase
from ...domain.trainees.models import Trainee
from ...domain.training.models import Enrollment, TrainingSession
from ...extensions import db
from ..programmes.landing import Panel, RecordLink, TraineeSection, register_panel, register_records, \
    register_trainee_section
from . import assisted, chefs, competitions, studios
from .models import STUDIO_KINDS, ChefRating, CompetitionResult, Studio
from .rules import CODE


def _count(model, user, *conditions) -> int:
    return db.session.scalar(select(func.count(model.id)).where(visible(model, user), *conditions)) or 0


def _trained_in_programme(trainee_id: int) -> bool:
    """Whether the person took a 粤菜师傅 session: only then is a rating or a result offered on their record."""
    return db.session.scalar(select(exists().where(
        Enrollment.trainee_id == trainee_id, Enrollment.status != "withdrawn",
        Enrollment.session_id == TrainingSession.id, TrainingSession.programme_code == CODE))) or False


def _studios_panel(user, year: int) -> dict:
    on = today()
    condition = visible(Studio, user)
    in_year = Studio.recognised_on.between(date(year, 1, 1), date(year, 12, 31))
    return {"groups": studios.current_by_kind(condition), "kinds": STUDIO_KINDS, "on": on,
            "recognised": db.session.scalar(select(func.count(Studio.id))
                                            .join(TrainingBase, Studio.base_id == TrainingBase.id)
                                            .where(condition, in_year)),
            "year": year}


def _assisted_panel(user, year: int) -> dict:
    district_id = reconciliation_district(user, None) if is_bureau(user) else None
    rows, total = assisted.by_region(year, district_id, sessions_visible(user))
    district = db.session.get(District, district_id) if district_id else None
    scope = district.name if district else ("全市" if user.role == "city" else "本单位")
    return {"rows": rows, "total": total, "year": year, "scope": scope}


def _ratings_section(user, trainee: Trainee) -> dict | None:
    history = chefs.rating_history(trainee.id)
    may_rate = can_rate_chefs(user)
    if not history and not (may_rate and _trained_in_programme(trainee.id)):
        return None
    return {"history": history, "trainee": trainee, "can_rate": may_rate}


def _results_section(user, trainee: Trainee) -> dict | None:
    results = db.session.scalars(
        select(CompetitionResult).where(CompetitionResult.trainee_id == trainee.id, visible(CompetitionResult, user))
        .order_by(CompetitionResult.held_on.desc(), CompetitionResult.id.desc())).all()
    may_record = can_record_competition_results(user) and _trained_in_programme(trainee.id) and (
        user.role != "base" or competitions.trained_at(trainee.id, user.base_id))
    if not results and not may_record:
        return None
    return {"results": results, "trainee": trainee, "can_record": may_record}


def register(roles: tuple[str, ...]) -> None:
    """Register the links, panels and trainee-record sections, shown to ``roles`` (call once)."""
    register_records(
        CODE,
        RecordLink("星级粤菜师傅", "yuecai.chefs", "现行星级评定,每位师傅的评定历史(肇庆方案第14项:星级“粤菜师傅”评选)",
                   count=lambda user: _count(ChefRating, user, ChefRating.superseded_on.is_(None)), roles=roles),
        RecordLink("大师工作室、名厨工作室", "yuecai.studios", "依托培训基地的工作室载体,含已终止的(湛江方案二(四)14)",
                   count=lambda user: _count(Studio, user, Studio.ended_on.is_(None)), roles=roles),
        RecordLink("技能竞赛成绩", "yuecai.competitions", "学员在各级职业技能竞赛中的奖项和名次(穗人社函〔2020〕22号 之二 二(八))",
                   count=lambda user: _count(CompetitionResult, user), roles=roles),
    )
    register_panel(CODE, Panel("大师工作室、名厨工作室", "yuecai/_studios_panel.html", _studios_panel, roles=roles))
    register_panel(CODE, Panel("粤菜师傅+精准扶贫:帮扶地区学员", "yuecai/_assisted_panel.html", _assisted_panel,
                               roles=roles))
    register_trainee_section(TraineeSection("星级粤菜师傅评定", "yuecai/_ratings_section.html", _ratings_section,
                                            roles=roles))
    register_trainee_section(TraineeSection("粤菜师傅技能竞赛成绩", "yuecai/_results_section.html", _results_section,
                                            roles=roles))
