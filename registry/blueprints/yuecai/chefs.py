"""星级粤菜师傅: star ratings of chefs, history kept.

001 item 14: "实施'粤菜师傅'工程名厨名菜名店提升行动,持续开展星级'粤菜师傅'评选". A chef's current
rating is the latest; a new rating supersedes it (the superseded row stays, with the day it was
superseded), so the full history is always there.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, select

from ...domain.accounts.models import User
from ...domain.errors import DomainError
from ...domain.organisations.models import District
from ...domain.trainees.models import Trainee
from ...extensions import db
from .models import STAR_LEVELS, ChefRating
from .validation import clean_text


@dataclass
class RatingData:
    stars: int | None
    rating_body: str
    rated_on: date | None
    district_id: int | None
    reference: str = ""
    workplace: str = ""
    note: str = ""


def current_rating(trainee_id: int) -> ChefRating | None:
    return db.session.scalar(
        select(ChefRating).where(ChefRating.trainee_id == trainee_id, ChefRating.superseded_on.is_(None)))


def rating_history(trainee_id: int) -> list[ChefRating]:
    """Every rating of the chef, newest first."""
    return list(db.session.scalars(
        select(ChefRating).where(ChefRating.trainee_id == trainee_id)
        .order_by(ChefRating.rated_on.desc(), ChefRating.id.desc())))


def record_rating(trainee: Trainee, data: RatingData, on: date, recorded_by: User | None = None) -> ChefRating:
    """Record a star rating; the chef's current rating (if any) is superseded, not changed or deleted."""
    if data.stars not in STAR_LEVELS:
        raise DomainError("请选择星级(一星至五星)", "stars")
    body = clean_text(data.rating_body, "rating_body", "评定机构", 120)
    if data.rated_on is None:
        raise DomainError("请填写评定日期", "rated_on")
    if data.rated_on > on:
        raise DomainError("评定日期不能晚于今天", "rated_on")
    if data.district_id is None or db.session.get(District, data.district_id) is None:
        raise DomainError("请选择所在区", "district_id")
    reference = clean_text(data.reference, "reference", "证书或文件编号", 60, required=False)
    workplace = clean_text(data.workplace, "workplace", "工作单位", 120, required=False)
    current = current_rating(trainee.id)
    if current is not None:
        if data.rated_on < current.rated_on:
            raise DomainError(
                f"评定日期早于该师傅现行的评定({current.rated_on:%Y-%m-%d},{current.stars_name}):"
                "新的评定日期不能早于现行评定", "rated_on")
        if (current.rated_on, current.stars, current.rating_body) == (data.rated_on, data.stars, body):
            raise DomainError("该师傅已有同一机构同日的同一星级评定,无需重复登记", "stars")
        current.superseded_on = data.rated_on
        db.session.flush()  # the current-rating index allows one current row per chef
    rating = ChefRating(
        trainee_id=trainee.id, stars=data.stars, rating_body=body, rated_on=data.rated_on,
        district_id=data.district_id, reference=reference, workplace=workplace, note=(data.note or "").strip(),
        supersedes_id=current.id if current else None, recorded_by_id=recorded_by.id if recorded_by else None,
    )
    db.session.add(rating)
    db.session.flush()
    return rating


def rated_in_year(year: int, district_id: int | None) -> int:
    """Chefs (distinct people) rated in the year, first ratings and re-ratings alike, counted in the
    district of that rating: the tally of the measure ``star_chefs_rated``."""
    statement = select(func.count(distinct(ChefRating.trainee_id))).where(
        ChefRating.rated_on >= date(year, 1, 1), ChefRating.rated_on <= date(year, 12, 31))
    if district_id is not None:
        statement = statement.where(ChefRating.district_id == district_id)
    return db.session.scalar(statement) or 0
