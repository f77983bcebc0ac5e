"""粤菜师傅's own pages: star-rated chefs with their history, master and famous-chef studios, competition
results. What the package adds to the programme's landing page and to a trainee's record is in
landing.py, registered from here for the same staff.

Views are thin: the access rules are in ``registry.auth.permissions`` (its 粤菜师傅 section), the
programme's rules in this package's domain modules (chefs, studios, competitions, assisted).
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import joinedload

from ...auth.permissions import (
    can_keep_studios, can_rate_chefs, can_record_competition_results, get_visible_or_404, rating_district,
    registering_unit, require, roles_required, visible,
)
from ...domain.common import today
from ...domain.errors import DomainError
from ...domain.identifiers import normalise_code
from ...domain.organisations.models import BaseRecognition, TrainingBase
from ...domain.trainees.models import Trainee
from ...extensions import db
from ..forms_common import district_choices, filter_args, flash_warnings, record_id, save_form, saving
from ..years import year_filter, year_options
from . import chefs, competitions, forms, landing, people, studios
from .models import AWARDS, COMPETITION_LEVELS, STAR_LEVELS, STUDIO_KINDS, ChefRating, CompetitionResult, Studio
from .rules import CODE

bp = Blueprint("yuecai", __name__, url_prefix="/yuecai")

STAFF = ("city", "district", "base")
BUREAU = ("city", "district")


def _year_arg(args: dict) -> int | None:
    return year_filter(args.get("year", ""))


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _year_and_district(query, args: dict, dated, district_id):
    """The filters the three lists share: the records of a year (as the measures count them, ended
    ones too) and of a district. Returns the query and the year asked for."""
    year = _year_arg(args)
    if year is not None:
        query = query.where(dated.between(*_year_bounds(year)))
    if (district := record_id(args.get("district"))) is not None:
        query = query.where(district_id == district)
    return query, year


def _person_named(text: str, *also):
    """The search box: a person's name or document number, or any of ``also`` containing the text."""
    return or_(Trainee.name.contains(text), Trainee.document_number == normalise_code(text),
               *(column.contains(text) for column in also))


def _years(year: int | None) -> list[int]:
    """The year filter's choices: recent years, and any year asked for (a measure's link)."""
    return year_options(year, back=7, ahead=0)


def _districts() -> list[tuple[int, str]]:
    return district_choices(current_user.district_id if current_user.role == "district" else None)


def _person(form, prefix: str = "") -> people.PersonData:
    def value(name):
        field = getattr(form, prefix + name, None)  # the competition form asks for no registration details
        return field.data if field is not None else None

    return people.PersonData(
        document_type=value("document_type"), document_number=value("document_number") or "",
        name=value("name") or "", hukou_type=value("hukou_type") or "", sex=value("sex") or None,
        birth_date=value("birth_date"), phone=value("phone") or "",
    )


def _prefill_person(form, trainee: Trainee | None, prefix: str = "") -> None:
    if trainee is not None and request.method == "GET":
        getattr(form, prefix + "document_type").data = trainee.document_type
        getattr(form, prefix + "document_number").data = trainee.document_number
        getattr(form, prefix + "name").data = trainee.name


def _visible_trainee(trainee_id: int | None) -> Trainee | None:
    if trainee_id is None:
        return None
    return db.session.scalar(select(Trainee).where(Trainee.id == trainee_id, visible(Trainee)))


def _chef_in_reach(trainee_id: int | None) -> Trainee | None:
    """A person the user may see as a trainee, or one of whose ratings the user may see."""
    if trainee_id is None:
        return None
    rated = select(ChefRating.id).where(ChefRating.trainee_id == Trainee.id, visible(ChefRating))
    return db.session.scalar(select(Trainee).where(Trainee.id == trainee_id, or_(visible(Trainee), rated.exists())))


# --- star-rated chefs (星级粤菜师傅) --------------------------------------------------------------

@bp.route("/chefs/", endpoint="chefs")
@roles_required(*STAFF)
def chefs_index():
    """Star-rated chefs: current ratings by default; by star level, district, year rated, name or ID."""
    args = filter_args()
    query = (select(ChefRating).join(Trainee, ChefRating.trainee_id == Trainee.id)
             .options(joinedload(ChefRating.trainee), joinedload(ChefRating.district))
             .where(visible(ChefRating)))
    query, year = _year_and_district(query, args, ChefRating.rated_on, ChefRating.district_id)
    if year is None and args.get("history") != "1":  # a year's ratings count superseded ones too
        query = query.where(ChefRating.superseded_on.is_(None))
    if (stars := record_id(args.get("stars"))) in STAR_LEVELS:
        query = query.where(ChefRating.stars == stars)
    if text := args.get("q", "").strip():
        query = query.where(_person_named(text, ChefRating.workplace))
    chefs_count = db.session.scalar(select(func.count(distinct(query.subquery().c.trainee_id))))
    page = db.paginate(query.order_by(ChefRating.stars.desc(), ChefRating.rated_on.desc(), ChefRating.id.desc()),
                       per_page=30)
    return render_template("yuecai/chefs.html", page=page, args=args, year=year, stars=STAR_LEVELS,
                           districts=_districts(), chefs_count=chefs_count, years=_years(year),
                           can_rate=can_rate_chefs(current_user))


@bp.route("/chefs/<int:trainee_id>")
@roles_required(*STAFF)
def chef(trainee_id: int):
    """A chef's current rating and full history: open to whoever may see one of the chef's ratings."""
    trainee = _chef_in_reach(trainee_id)
    if trainee is None:
        abort(404)
    history = chefs.rating_history(trainee.id)
    return render_template("yuecai/chef.html", trainee=trainee, history=history,
                           current=next((r for r in history if r.is_current), None),
                           trainee_visible=_visible_trainee(trainee.id) is not None,
                           can_rate=can_rate_chefs(current_user))


@bp.route("/chefs/rate", methods=["GET", "POST"])
@roles_required(*BUREAU)
def rate():
    """Record a star rating; a chef not yet registered is registered as a trainee with it."""
    require(can_rate_chefs(current_user))
    form = forms.RatingForm()
    form.district_id.choices = [(None, "请选择")] + _districts()
    if request.method == "GET":
        form.district_id.data = rating_district(current_user)
        _prefill_person(form, _chef_in_reach(record_id(request.args.get("trainee_id"))))
    if form.validate_on_submit():
        with saving(form) as saved:
            if not can_rate_chefs(current_user, form.district_id.data):
                raise DomainError("只能登记本区的星级评定", "district_id")
            trainee, created, warnings = people.find_or_register(_person(form), **registering_unit(current_user))
            rating = chefs.record_rating(trainee, chefs.RatingData(
                stars=form.stars.data, rating_body=form.rating_body.data, rated_on=form.rated_on.data,
                district_id=form.district_id.data, reference=form.reference.data or "",
                workplace=form.workplace.data or "", note=form.note.data or ""), today(), current_user)
        if saved.ok:
            flash_warnings(warnings)
            registered = "(已同时登记为学员)" if created else ""
            superseded = ",原评定已转为历史记录" if rating.supersedes_id else ""
            flash(f"已登记 {trainee.name} 为{rating.stars_name}粤菜师傅{registered}{superseded}。", "success")
            return redirect(url_for("yuecai.chef", trainee_id=trainee.id))
    return render_template("yuecai/rate.html", form=form), 400 if form.errors else 200


# --- studios (大师工作室、名厨工作室) -----------------------------------------------------------------

def _programme_bases() -> list[TrainingBase]:
    """The bases the user may see that were ever recognised for 粤菜师傅, by name."""
    return list(db.session.scalars(
        select(TrainingBase).join(BaseRecognition, BaseRecognition.base_id == TrainingBase.id)
        .where(visible(TrainingBase), BaseRecognition.programme_code == CODE).distinct().order_by(TrainingBase.name)))


def _offer_bases(form, bases: list[TrainingBase]) -> None:
    """The form's base choices; a prompt first unless there is only one to pick."""
    form.base_id.choices = [(None, "请选择")] * (len(bases) != 1) + [(b.id, b.name) for b in bases]


def _chosen_base(form, bases: list[TrainingBase]) -> TrainingBase | None:
    """The base picked, if it is one of those offered (a forged id is none)."""
    return next((b for b in bases if b.id == form.base_id.data), None)


def _studio_bases() -> list[TrainingBase]:
    """Bases the user may record studios for that hold a 粤菜师傅 recognition today."""
    on = today()
    return [b for b in _programme_bases() if can_keep_studios(current_user, b) and studios.is_programme_base(b, on)]


@bp.route("/studios/", endpoint="studios")
@roles_required(*STAFF)
def studios_index():
    """Studios at the bases the user may see: standing by default; by kind, district, year recognised."""
    args = filter_args()
    query = (select(Studio).join(TrainingBase, Studio.base_id == TrainingBase.id).join(Trainee, Studio.lead_chef_id == Trainee.id)
             .options(joinedload(Studio.base).joinedload(TrainingBase.district), joinedload(Studio.lead_chef))
             .where(visible(Studio)))
    query, year = _year_and_district(query, args, Studio.recognised_on, TrainingBase.district_id)
    status = args.get("status", "" if year else "current")
    if status == "current":
        query = query.where(Studio.ended_on.is_(None))
    elif status == "ended":
        query = query.where(Studio.ended_on.is_not(None))
    if args.get("kind") in STUDIO_KINDS:
        query = query.where(Studio.kind == args["kind"])
    if text := args.get("q", "").strip():
        query = query.where(or_(Studio.name.contains(text), TrainingBase.name.contains(text), Trainee.name.contains(text)))
    page = db.paginate(query.order_by(Studio.recognised_on.desc(), Studio.id.desc()), per_page=30)
    return render_template("yuecai/studios.html", page=page, args=args, status=status, kinds=STUDIO_KINDS,
                           districts=_districts(), years=_years(year), can_add=can_keep_studios(current_user))


@bp.route("/studios/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def studio_new():
    """Record a recognised studio at a 粤菜师傅 base, with its lead chef (registered if new)."""
    require(can_keep_studios(current_user))
    form = forms.StudioForm()
    bases = _studio_bases()
    _offer_bases(form, bases)
    if form.validate_on_submit():
        base = _chosen_base(form, bases)
        with saving(form) as saved:
            if base is None:
                raise DomainError("请选择现获粤菜师傅培训(实训)基地认定、且在您管辖范围内的培训基地", "base_id")
            lead, created, warnings = people.find_or_register(
                _person(form, "chef_"), **registering_unit(current_user), field_prefix="chef_")
            studio = studios.create_studio(base, lead, studios.StudioData(
                kind=form.kind.data, name=form.name.data, level=form.level.data,
                recognised_by=form.recognised_by.data, recognised_on=form.recognised_on.data), today())
        if saved.ok:
            flash_warnings(warnings)
            flash(f"已登记{studio.kind_name}「{studio.name}」" + ("(领衔师傅已同时登记为学员)" if created else "") + "。",
                  "success")
            return redirect(url_for("yuecai.studio", studio_id=studio.id))
    return render_template("yuecai/studio_form.html", form=form, has_bases=bool(bases)), 400 if form.errors else 200


@bp.route("/studios/<int:studio_id>")
@roles_required(*STAFF)
def studio(studio_id: int):
    studio = get_visible_or_404(Studio, studio_id)
    rating = chefs.current_rating(studio.lead_chef_id)
    can_end = can_keep_studios(current_user, studio.base) and studio.ended_on is None
    return render_template("yuecai/studio.html", studio=studio, rating=rating, can_end=can_end,
                           end_form=forms.EndStudioForm(formdata=None, ended_on=today()))


@bp.route("/studios/<int:studio_id>/end", methods=["POST"])
@roles_required(*STAFF)
def studio_end(studio_id: int):
    """The studio lapsed or was withdrawn: it is ended with a day and a reason, not deleted."""
    studio = get_visible_or_404(Studio, studio_id)
    require(can_keep_studios(current_user, studio.base))
    form = forms.EndStudioForm()
    if form.validate_on_submit():
        ended = lambda: studios.end_studio(studio, form.ended_on.data, form.end_reason.data, today())  # noqa: E731
        if save_form(form, ended, f"已登记「{studio.name}」于 {form.ended_on.data:%Y-%m-%d} 终止。"):
            return redirect(url_for("yuecai.studio", studio_id=studio.id))
    db.session.refresh(studio)
    return render_template("yuecai/studio.html", studio=studio, rating=chefs.current_rating(studio.lead_chef_id),
                           can_end=studio.ended_on is None, end_form=form), 400


# --- competition results (技能竞赛) ----------------------------------------------------------------

def _result_bases() -> list[TrainingBase]:
    """Bases the user may enter results for: their own base, or the 粤菜师傅 bases in their jurisdiction."""
    if current_user.role == "base":
        return [current_user.base] if current_user.base else []
    return _programme_bases()


@bp.route("/competitions/", endpoint="competitions")
@roles_required(*STAFF)
def competitions_index():
    """Competition results at the bases the user may see; by level, award, district, year, name or ID."""
    args = filter_args()
    query = (select(CompetitionResult).join(Trainee, CompetitionResult.trainee_id == Trainee.id)
             .join(TrainingBase, CompetitionResult.base_id == TrainingBase.id)
             .options(joinedload(CompetitionResult.trainee), joinedload(CompetitionResult.base))
             .where(visible(CompetitionResult)))
    query, year = _year_and_district(query, args, CompetitionResult.held_on, TrainingBase.district_id)
    if args.get("level") in COMPETITION_LEVELS:
        query = query.where(CompetitionResult.level == args["level"])
    if args.get("award") in AWARDS:
        query = query.where(CompetitionResult.award == args["award"])
    if text := args.get("q", "").strip():
        query = query.where(_person_named(text, CompetitionResult.event_name))
    page = db.paginate(query.order_by(CompetitionResult.held_on.desc(), CompetitionResult.id.desc()), per_page=30)
    return render_template("yuecai/competitions.html", page=page, args=args, levels=COMPETITION_LEVELS, awards=AWARDS,
                           districts=_districts(), years=_years(year), can_add=can_record_competition_results(current_user))


@bp.route("/competitions/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def competition_new():
    """Put a competition placing on the record of a trainee the base trained."""
    require(can_record_competition_results(current_user))
    form = forms.CompetitionForm()
    bases = _result_bases()
    _offer_bases(form, bases)
    if request.method == "GET":
        _prefill_person(form, _visible_trainee(record_id(request.args.get("trainee_id"))))
    if form.validate_on_submit():
        base = _chosen_base(form, bases)
        with saving(form) as saved:
            if base is None or not can_record_competition_results(current_user, base):
                raise DomainError("请选择培训该学员、且在您管辖范围内的培训基地", "base_id")
            trainee = people.find_person(_person(form))
            result = competitions.record_result(trainee, base, competitions.ResultData(
                event_name=form.event_name.data, level=form.level.data, held_on=form.held_on.data,
                organiser=form.organiser.data, occupation_code=form.occupation_code.data,
                award=form.award.data or None, placing_rank=form.placing_rank.data, note=form.note.data or ""),
                today(), current_user)
        if saved.ok:
            flash(f"已登记 {trainee.name} 在「{result.event_name}」获{result.placing}。", "success")
            return redirect(url_for("yuecai.competition", result_id=result.id))
    return render_template("yuecai/competition_form.html", form=form), 400 if form.errors else 200


@bp.route("/competitions/<int:result_id>")
@roles_required(*STAFF)
def competition(result_id: int):
    result = get_visible_or_404(CompetitionResult, result_id)
    return render_template("yuecai/competition.html", result=result,
                           trainee_visible=_visible_trainee(result.trainee_id) is not None)


# --- the landing page and the trainee's record ---------------------------------------------------

landing.register(roles=STAFF)
