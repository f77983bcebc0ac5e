"""南粤家政 pages: demonstration training bases by level (designating and ending them), the street/town
service stations (list, open, correct, close), and what the programme adds to its landing page (record
links with counts, the 上门服务证 panel).

Views are thin: roles and jurisdiction from ``registry.auth.permissions``; the rules of 穗人社函〔2020〕22号
之三 in ``demonstration.py`` and ``stations.py``.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload

from ...auth.permissions import (
    can_designate_jiazheng_base, can_keep_jiazheng_stations, get_visible_or_404,
    jiazheng_designation_levels, require, roles_required, visible,
)
from ...domain.common import today
from ...domain.errors import DomainError
from ...domain.organisations.models import District, Enterprise, TrainingBase
from ...domain.service_cards import reminders
from ...domain.service_cards.models import ServiceCard
from ...extensions import db
from ..forms_common import district_choices, filter_args, record_id, save_form, saving
from ..years import year_filter
from ..programmes.landing import Panel, RecordLink, register_panel, register_records
from . import demonstration, stations
from .card_figures import card_figures, retraining_due
from .forms import CloseStationForm, DesignationForm, EndDesignationForm, StationForm
from .models import DESIGNATION_LEVELS, LEVEL_SHORT, DemonstrationDesignation, ServiceStation
from .rules import CODE, DEMONSTRATION_MEASURES, PROGRAMME

bp = Blueprint("jiazheng", __name__, url_prefix="/jiazheng")

STAFF = ("city", "district", "base", "enterprise")
BUREAU = ("city", "district")
#: 004 之三 二、10: the policy's figure for each level.
POLICY_FIGURES = {level: value for _, level, _, value in DEMONSTRATION_MEASURES}
STATION_FIGURE = next(p.value for p in PROGRAMME.target_presets if p.measure == "service_stations")


def _year_arg(args: dict) -> int | None:
    return year_filter(args.get("year", ""))


def _district_arg(args: dict) -> int | None:
    """The district filter: district staff always their own; others as asked."""
    if current_user.role == "district":
        return current_user.district_id
    return record_id(args.get("district"))


# --- demonstration training bases ---------------------------------------------------------------

DESIGNATION_STATUSES = {"in_force": "认定期内", "ended": "已结束或期满", "all": "全部"}


def _designations_index(level_path: str | None = None):
    """Designations the viewer can see, by level; in force on a day (today, or the year's stock day)."""
    args = filter_args()
    year = _year_arg(args)
    on = today()
    day = demonstration.stock_day(year, on) if year else on
    level = level_path or args.get("level", "")
    status = args.get("status") if args.get("status") in DESIGNATION_STATUSES else "in_force"
    seen = visible(DemonstrationDesignation)
    query = (select(DemonstrationDesignation).join(TrainingBase, TrainingBase.id == DemonstrationDesignation.base_id)
             .options(joinedload(DemonstrationDesignation.base).joinedload(TrainingBase.district))
             .where(seen))
    if level in DESIGNATION_LEVELS:
        query = query.where(DemonstrationDesignation.level == level)
    if status == "in_force":
        query = query.where(demonstration.in_force_on(day))
    elif status == "ended":
        query = query.where(~demonstration.in_force_on(day), DemonstrationDesignation.designated_on <= day)
    if (district_id := _district_arg(args)) is not None:
        seen = seen & DemonstrationDesignation.base_id.in_(
            select(TrainingBase.id).where(TrainingBase.district_id == district_id))
        query = query.where(TrainingBase.district_id == district_id)
    if text := args.get("q", "").strip():
        query = query.where(TrainingBase.name.contains(text))
    level_order = case({code: i for i, code in enumerate(DESIGNATION_LEVELS)}, value=DemonstrationDesignation.level)
    query = query.order_by(level_order, DemonstrationDesignation.designated_on.desc(), DemonstrationDesignation.id.desc())
    page = db.paginate(query, per_page=30)
    levels_allowed = jiazheng_designation_levels(current_user)
    return render_template(
        "jiazheng/demonstration_index.html", page=page, args=args, level=level, status=status, day=day, year=year,
        on=on, levels=DESIGNATION_LEVELS, level_short=LEVEL_SHORT, statuses=DESIGNATION_STATUSES,
        counts=demonstration.counts_by_level(seen, day), figures=POLICY_FIGURES,
        lapsed={d.id for d in page.items if demonstration.recognition_lapsed(d, on)},
        can_designate=bool(levels_allowed), endable={d.id for d in page.items if d.in_force(on)
                                                     and can_designate_jiazheng_base(current_user, d.base, d.level)},
        districts=district_choices() if current_user.role == "city" else [],
    )


@bp.route("/demonstration-bases/")
@roles_required(*STAFF)
def demonstration_bases():
    """Every level's demonstration bases (004 之三 二、10), with the count of each against its figure."""
    return _designations_index()


def _level_view(level: str):
    def view():
        return _designations_index(level)

    view.__name__ = f"demonstration_bases_{level}"
    view.__doc__ = f"The {level} demonstration bases: the records behind that level's measure."
    return roles_required(*STAFF)(view)


for _level in DESIGNATION_LEVELS:
    bp.add_url_rule(f"/demonstration-bases/{_level}", endpoint=f"demonstration_bases_{_level}",
                    view_func=_level_view(_level))


def _designation_form_choices(form: DesignationForm) -> None:
    bases = demonstration.eligible_bases(visible(TrainingBase), today())
    form.base_id.choices = [("", "请选择")] + [(b.id, f"{b.name}({b.district.name})") for b in bases]
    allowed = jiazheng_designation_levels(current_user)
    form.level.choices = [(code, name) for code, name in DESIGNATION_LEVELS.items() if code in allowed]


@bp.route("/demonstration-bases/new", methods=["GET", "POST"])
@roles_required(*BUREAU)
def designate():
    """Designate a recognised base a demonstration base (city: any level; district: 区级 in its district)."""
    require(bool(jiazheng_designation_levels(current_user)))
    form = DesignationForm()
    _designation_form_choices(form)
    if request.method == "GET":
        form.designated_by.data = (f"广州市{current_user.district.name}人力资源和社会保障局"
                                   if current_user.role == "district" and current_user.district
                                   else "广州市人力资源和社会保障局")
    if form.validate_on_submit():
        base = db.session.scalar(select(TrainingBase).where(TrainingBase.id == form.base_id.data,
                                                            visible(TrainingBase))) if form.base_id.data else None
        with saving(form) as saved:
            if base is not None and not can_designate_jiazheng_base(current_user, base, form.level.data):
                raise DomainError("您不能认定该基地为此级别的示范基地", "level")
            designation = demonstration.designate(demonstration.DesignationData(
                base.id if base else None, form.level.data, form.designated_on.data, form.designated_by.data,
                form.document_number.data or "", form.valid_until.data))
        if saved.ok:
            flash(f"已认定「{designation.base.name}」为{designation.level_name}。", "success")
            return redirect(url_for("jiazheng.demonstration_bases", level=designation.level))
    return render_template("jiazheng/designation_form.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.route("/demonstration-bases/<int:designation_id>/end", methods=["GET", "POST"])
@login_required
def end_designation(designation_id: int):
    """End a designation before its term; it stays on record."""
    designation = get_visible_or_404(DemonstrationDesignation, designation_id)
    require(can_designate_jiazheng_base(current_user, designation.base, designation.level))
    form = EndDesignationForm()
    on = today()
    if not designation.in_force(on):  # ended, superseded or past its term: nothing left to end
        history = demonstration.designations_of(designation.base_id)
        return render_template("jiazheng/designation_end.html", form=form, designation=designation, history=history,
                               on=on), 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        if save_form(form, lambda: demonstration.end_designation(designation, form.ended_on.data, form.end_reason.data),
                     f"已结束「{designation.base.name}」的{designation.level_name}认定。"):
            return redirect(url_for("jiazheng.demonstration_bases", status="all"))
    history = demonstration.designations_of(designation.base_id)
    return render_template("jiazheng/designation_end.html", form=form, designation=designation, history=history,
                           on=on), 400 if form.errors or form.form_errors else 200


# --- service stations ---------------------------------------------------------------------------

STATION_STATUSES = {"open": "运营中", "closed": "已关闭"}


@bp.route("/stations/", endpoint="stations")
@roles_required(*BUREAU)
def stations_index():
    """Stations in the viewer's jurisdiction, by district, street and status; with a year, those in
    operation on its stock day (the measure's records)."""
    args = filter_args()
    year = _year_arg(args)
    on = today()
    seen = visible(ServiceStation)
    query = (select(ServiceStation).options(joinedload(ServiceStation.district)).where(seen)
             .order_by(ServiceStation.closed_on.is_not(None), ServiceStation.district_id, ServiceStation.street,
                       ServiceStation.name))
    day = demonstration.stock_day(year, on) if year else on
    if year:
        query = query.where(stations.in_operation_on(day))
    if args.get("status") == "open":
        query = query.where(ServiceStation.closed_on.is_(None))
    elif args.get("status") == "closed":
        query = query.where(ServiceStation.closed_on.is_not(None))
    district_id = _district_arg(args)
    if district_id is not None:
        query = query.where(ServiceStation.district_id == district_id)
    if text := args.get("q", "").strip():
        query = query.where(or_(ServiceStation.name.contains(text), ServiceStation.street.contains(text),
                                ServiceStation.operator_name.contains(text)))
    page = db.paginate(query, per_page=30)
    scope = seen if district_id is None else (seen & (ServiceStation.district_id == district_id))
    operating, streets = stations.coverage(scope, day)
    return render_template(
        "jiazheng/stations_index.html", page=page, args=args, statuses=STATION_STATUSES, year=year, day=day, on=on,
        operating=operating, streets=streets, figure=STATION_FIGURE, can_open=can_keep_jiazheng_stations(current_user),
        districts=district_choices() if current_user.role == "city" else [],
        district=db.session.get(District, district_id) if district_id else None,
    )


def _station_choices(form: StationForm) -> None:
    only = current_user.district_id if current_user.role == "district" else None
    form.district_id.choices = ([] if only else [("", "请选择")]) + district_choices(only)
    enterprises = db.session.scalars(select(Enterprise).where(Enterprise.kind == "home_service").order_by(Enterprise.name))
    form.enterprise_id.choices = [("", "(不是企业运营)")] + [(e.id, f"{e.name}({e.district.name})") for e in enterprises]


def _station_data(form: StationForm) -> stations.StationData:
    return stations.StationData(
        name=form.name.data or "", district_id=form.district_id.data, street=form.street.data or "",
        address=form.address.data or "", operator_kind=form.operator_kind.data,
        enterprise_id=form.enterprise_id.data if form.operator_kind.data == "enterprise" else None,
        operator_name=form.operator_name.data or "", contact_phone=form.contact_phone.data or "",
        opened_on=form.opened_on.data,
    )


def _save_station(form: StationForm, station: ServiceStation | None):
    """Open or correct a station; None when the form goes back with the errors beside their fields."""
    data = _station_data(form)
    with saving(form) as saved:
        if not can_keep_jiazheng_stations(current_user, data.district_id):
            raise DomainError("只能登记本区的服务站", "district_id")
        if station is None:
            station = stations.open_station(data)
        else:
            stations.update_station(station, data)
    return station if saved.ok else None


@bp.route("/stations/new", methods=["GET", "POST"])
@roles_required(*BUREAU)
def new_station():
    """Record a station that has opened (district staff: in their district)."""
    form = StationForm()
    _station_choices(form)
    if form.validate_on_submit() and (station := _save_station(form, None)) is not None:
        flash(f"已登记服务站「{station.name}」。", "success")
        return redirect(url_for("jiazheng.station", station_id=station.id))
    return render_template("jiazheng/station_form.html", form=form, station=None), \
        400 if form.errors or form.form_errors else 200


@bp.route("/stations/<int:station_id>")
@roles_required(*BUREAU)
def station(station_id: int):
    """One station, with the form that closes it."""
    record = get_visible_or_404(ServiceStation, station_id)
    return _station_page(record, CloseStationForm(formdata=None))


def _station_page(record: ServiceStation, close_form: CloseStationForm, status: int = 200):
    return render_template("jiazheng/station_detail.html", station=record, close_form=close_form, on=today(),
                           can_keep=can_keep_jiazheng_stations(current_user, record.district_id)), status


@bp.route("/stations/<int:station_id>/edit", methods=["GET", "POST"])
@roles_required(*BUREAU)
def edit_station(station_id: int):
    """Correct a station in operation."""
    record = get_visible_or_404(ServiceStation, station_id)
    require(can_keep_jiazheng_stations(current_user, record.district_id))
    if record.is_closed:
        flash(f"该服务站已于 {record.closed_on:%Y-%m-%d} 关闭,不能修改。", "warning")
        return redirect(url_for("jiazheng.station", station_id=record.id))
    form = StationForm(obj=record)
    _station_choices(form)
    if form.validate_on_submit() and _save_station(form, record) is not None:
        flash("已保存。", "success")
        return redirect(url_for("jiazheng.station", station_id=record.id))
    return render_template("jiazheng/station_form.html", form=form, station=record), \
        400 if form.errors or form.form_errors else 200


@bp.route("/stations/<int:station_id>/close", methods=["POST"])
@roles_required(*BUREAU)
def close_station(station_id: int):
    """Close a station from a date; it stays on record and counts until then."""
    record = get_visible_or_404(ServiceStation, station_id)
    require(can_keep_jiazheng_stations(current_user, record.district_id))
    form = CloseStationForm()
    if form.validate_on_submit():
        if save_form(form, lambda: stations.close_station(record, form.closed_on.data, form.close_reason.data),
                     f"服务站「{record.name}」已关闭。"):
            return redirect(url_for("jiazheng.station", station_id=record.id))
    return _station_page(record, form, 400)


# --- the landing page -----------------------------------------------------------------------------

def _designations_in_force(user) -> int:
    return db.session.scalar(select(func.count(DemonstrationDesignation.id)).where(
        visible(DemonstrationDesignation, user), demonstration.in_force_on(today()))) or 0


def _stations_in_operation(user) -> int:
    return db.session.scalar(select(func.count(ServiceStation.id)).where(
        visible(ServiceStation, user), stations.in_operation_on(today()))) or 0


def _cards_panel(user, year: int) -> dict:
    on = today()
    return {"figures": card_figures(visible(ServiceCard, user), year, on), "programme": PROGRAMME, "on": on,
            "reminders": reminders.REMINDERS}


register_records(
    CODE,
    RecordLink("家政服务培训示范基地", "jiazheng.demonstration_bases",
               "省市共建、市级、区级三级示范基地的认定与结束(之三 二、10);数字为认定期内的示范基地",
               count=_designations_in_force),
    RecordLink("基层服务站", "jiazheng.stations", "街(镇)基层家政服务站的开办、修改与关闭(之三 二、1);数字为运营中的服务站",
               count=_stations_in_operation, roles=BUREAU),
)
def _active_cards(user) -> int:
    return db.session.scalar(select(func.count(ServiceCard.id)).where(
        visible(ServiceCard, user), ServiceCard.programme_code == CODE, ServiceCard.status == "active")) or 0


def _retraining_due(user) -> int:
    return retraining_due(visible(ServiceCard, user), today())


register_records(
    CODE,
    RecordLink("上门服务证", "service_cards.index", "持证人名单、实时状态、制证打印;数字为有效证件", count=_active_cards,
               args=(("status", "active"),)),
    RecordLink("回炉培训提醒", "service_cards.index",
               f"{reminders.REMINDERS['retraining'][0]}的有效证件(之三 二、10:每两年至少回炉培训1次)",
               count=_retraining_due, args=(("reminder", "retraining"),)),
)
register_panel(CODE, Panel("上门服务证", "jiazheng/_cards_panel.html", _cards_panel))
