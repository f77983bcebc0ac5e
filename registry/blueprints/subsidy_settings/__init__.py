"""Subsidy standards and rule parameters as data the city bureau maintains (issue 7, item 1): the
parameters with their versions, the standards per programme × occupation × level, the
high-consumables and shortage lists, and a calculator of what a claim will use on a day.
District staff read everything; only city staff record (permissions.can_maintain_subsidy_rules).
A recorded version is never edited: a change of policy is a new row from its effective date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ...auth.permissions import BUREAU_ROLES, can_maintain_subsidy_rules, require, roles_required
from ...domain.catalogue import SUBSIDY_SCHEMES, Programme, catalogue
from ...domain.common import today
from ...domain.errors import DomainError
from ...domain.subsidies import parameters, standards
from ...domain.subsidies.models import OCCUPATION_LISTS, OccupationListing, RuleParameter, SubsidyStandard
from ...extensions import db
from ..forms_common import attach_error, save_form, saving
from .forms import EndListingForm, ListingForm, LookupForm, ParameterForm, PresetForm, StandardForm

bp = Blueprint("subsidy_settings", __name__, url_prefix="/subsidies/settings")

#: How a version stands on a day: the one in force, one a later version replaced, one not yet in force.
STANDING = {"current": "现行", "superseded": "已被取代", "pending": "待生效"}
#: How a list entry stands today.
LISTING_STANDING = {"current": "在目录中", "ended": "已失效", "pending": "待生效"}


@bp.context_processor
def helpers() -> dict:
    return {"yuan": standards.yuan, "STANDING": STANDING, "LISTING_STANDING": LISTING_STANDING,
            "occupation_name": occupation_name, "can_maintain": can_maintain_subsidy_rules(current_user)}


def _actor() -> str:
    return current_user.display_name or current_user.username


def _maintainer_only() -> None:
    require(can_maintain_subsidy_rules(current_user))


def standing(rows, scope, on: date) -> dict[int, str]:
    """Row id → current, superseded or pending on ``on``, among rows sharing a ``scope(row)``."""
    latest: dict = {}
    for row in rows:
        key = scope(row)
        if row.effective_from <= on and (key not in latest or row.effective_from > latest[key].effective_from):
            latest[key] = row
    return {row.id: "pending" if row.effective_from > on else "current" if latest[scope(row)] is row else "superseded"
            for row in rows}


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, description="日期应为 年-月-日,如 2026-01-01")


# --- rule parameters ---------------------------------------------------------------------------

@dataclass
class ParameterRow:
    key: str
    spec: parameters.ParameterSpec
    #: Newest first.
    versions: list[RuleParameter]
    standing: dict[int, str]

    @property
    def current(self) -> RuleParameter | None:
        return next((v for v in self.versions if self.standing[v.id] == "current"), None)


def _parameter_rows() -> list[ParameterRow]:
    versions = db.session.scalars(select(RuleParameter).order_by(RuleParameter.key, RuleParameter.effective_from.desc())).all()
    states = standing(versions, lambda v: v.key, today())
    return [ParameterRow(key, spec, [v for v in versions if v.key == key], states)
            for key, spec in parameters.PARAMETERS.items()]


@bp.route("/")
@roles_required(*BUREAU_ROLES)
def index():
    """Every rule parameter: the value in force today and all its versions."""
    return render_template("subsidy_settings/parameters.html", rows=_parameter_rows(), on=today())


@bp.route("/parameters/<key>", methods=["GET", "POST"])
@roles_required(*BUREAU_ROLES)
def parameter(key: str):
    """Record a new version of one parameter, from the day it takes effect."""
    _maintainer_only()
    if key not in parameters.PARAMETERS:
        abort(404)
    spec = parameters.PARAMETERS[key]
    form = ParameterForm()
    form.value.label.text = f"新数值({spec.unit})"
    if form.validate_on_submit():
        if save_form(form, lambda: parameters.set_parameter(key, form.value.data, form.effective_from.data,
                                                          form.basis.data, _actor()),
                     f"已记录「{spec.label}」新版本:{form.effective_from.data:%Y-%m-%d} 起为 {form.value.data}{spec.unit}"):
            return redirect(url_for(".index"))
    row = next(r for r in _parameter_rows() if r.key == key)
    status = 400 if form.is_submitted() else 200
    return render_template("subsidy_settings/parameter.html", row=row, form=form, on=today()), status


# --- standards ---------------------------------------------------------------------------------

@dataclass
class ProgrammeStandards:
    programme: Programme
    rows: list[SubsidyStandard]


def _standard_groups(programme_code: str | None, on: date | None) -> tuple[list[ProgrammeStandards], dict[int, str]]:
    """The standards grouped by programme (occupation order, level, newest first); with ``on``,
    only those in force that day."""
    rows = db.session.scalars(select(SubsidyStandard)).all()
    scope = lambda s: (s.programme_code, s.occupation_code, s.level)  # noqa: E731
    states = standing(rows, scope, today())
    if on is not None:
        in_force = standing(rows, scope, on)
        rows = [r for r in rows if in_force[r.id] == "current"]
    groups = []
    for programme in catalogue.subsidised():
        if programme_code and programme.code != programme_code:
            continue
        order = {o.code: n for n, o in enumerate(programme.occupations, start=1)}
        # The programme as a whole first, then its occupations in catalogue order; 各等级, then 五级 to 一级.
        mine = sorted((r for r in rows if r.programme_code == programme.code), key=lambda r: (
            order.get(r.occupation_code, 0), -(r.level or 9), -r.effective_from.toordinal()))
        groups.append(ProgrammeStandards(programme, mine))
    return groups, states


def _lookup(form: LookupForm) -> dict | None:
    """The calculator's answer: the standard in force, the lists and uplift, and the amount."""
    if not form.validate():
        return None
    try:
        programme_code, occupation_code, level = form.scope(occupation_required=True)
        amount = standards.amount_for(programme_code, occupation_code, level, form.on.data)
        advance = None
        if catalogue[programme_code].subsidy.claimed_by == "filing":
            percent = parameters.value("advance_percent", form.on.data)
            advance = (percent, standards.amount_for(programme_code, occupation_code, level, form.on.data, percent).fen)
    except DomainError as error:
        attach_error(form, error)
        return None
    uplift = parameters.in_force("list_uplift_percent", form.on.data) if amount.lists else None
    return {"amount": amount, "advance": advance, "uplift": uplift}


def occupation_name(code: str | None) -> str:
    return standards.occupation_name(code) if code else "全部职业"


def _standards_page(form: StandardForm | None = None, preset_form: PresetForm | None = None, status: int = 200):
    programme_code = request.args.get("programme") or None
    if programme_code and programme_code not in {p.code for p in catalogue.subsidised()}:
        abort(400, description="未知的项目")
    on = _date_arg("on")
    groups, states = _standard_groups(programme_code, on)
    if form is None:
        form = StandardForm(formdata=None)
        form.fill_scope_choices()
    asked = any(key.startswith("q-") for key in request.args)
    lookup = LookupForm(request.args, prefix="q") if asked else LookupForm(prefix="q", on=today())
    lookup.fill_scope_choices(any_occupation="请选择", any_level="不分等级(专项职业能力)")
    result = _lookup(lookup) if asked else None
    presets = [(p, preset) for p in catalogue.subsidised() for preset in p.subsidy.standard_presets]
    return render_template(
        "subsidy_settings/standards.html", groups=groups, states=states, programme_code=programme_code, on=on,
        form=form, preset_form=preset_form or PresetForm(formdata=None), lookup=lookup, result=result,
        presets=presets, schemes=SUBSIDY_SCHEMES, programmes=catalogue.subsidised(),
    ), status


@bp.route("/standards")
@roles_required(*BUREAU_ROLES)
def standards_page():
    """Standards by programme, filtered by programme and the day in force; the calculator."""
    return _standards_page()


@bp.route("/standards/new", methods=["POST"])
@roles_required(*BUREAU_ROLES)
def standard_new():
    """Record a standard for a programme, optionally narrowed to an occupation and a level."""
    _maintainer_only()
    form = StandardForm()
    form.fill_scope_choices()
    if form.validate_on_submit():
        with saving(form) as saved:
            programme_code, occupation_code, level = form.scope()
            row = standards.add_standard(programme_code, occupation_code, level, form.amount_fen, form.effective_from.data,
                                         form.basis.data, _actor())
        if saved.ok:
            flash(f"已记录补贴标准:{row.programme_name} {occupation_name(row.occupation_code)} {row.level_name} "
                  f"{standards.yuan(row.amount_fen)} 元/人,{row.effective_from:%Y-%m-%d} 起", "success")
            return redirect(url_for(".standards_page", programme=programme_code))
    return _standards_page(form=form, status=400)


@bp.route("/standards/presets", methods=["POST"])
@roles_required(*BUREAU_ROLES)
def presets():
    """Load the programmes' policy figures as standards from a day; rows already there stay."""
    _maintainer_only()
    form = PresetForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            added = standards.load_presets(form.effective_from.data, _actor())
        if saved.ok:
            flash(f"已载入 {added} 项政策预置标准({form.effective_from.data:%Y-%m-%d} 起;"
                  "同一范围在该日已有的标准保持不变)", "success")
            return redirect(url_for(".standards_page"))
    return _standards_page(preset_form=form, status=400)


# --- occupation lists -----------------------------------------------------------------------------

def _lists_page(form: ListingForm | None = None, status: int = 200):
    rows = db.session.scalars(select(OccupationListing).order_by(
        OccupationListing.list_kind, OccupationListing.effective_from.desc(), OccupationListing.id)).all()
    on = today()
    states = {r.id: "pending" if r.effective_from > on else
              "ended" if r.effective_until is not None and r.effective_until < on else "current" for r in rows}
    if form is None:
        form = ListingForm(formdata=None)
        form.fill_choices()
    try:
        uplift = parameters.in_force("list_uplift_percent", on)
    except DomainError:
        uplift = None
    return render_template("subsidy_settings/lists.html", lists=OCCUPATION_LISTS, rows=rows, states=states,
                           form=form, uplift=uplift, on=on), status


@bp.route("/lists")
@roles_required(*BUREAU_ROLES)
def lists():
    """The high-consumables and shortage lists, each entry with its dates."""
    return _lists_page()


@bp.route("/lists/new", methods=["POST"])
@roles_required(*BUREAU_ROLES)
def listing_new():
    _maintainer_only()
    form = ListingForm()
    form.fill_choices()
    if form.validate_on_submit():
        with saving(form) as saved:
            row = standards.add_listing(form.list_kind.data, form.occupation_code.data, form.effective_from.data,
                                        form.effective_until.data, form.basis.data, _actor())
        if saved.ok:
            flash(f"已将「{occupation_name(row.occupation_code)}」列入{row.list_name},{row.effective_from:%Y-%m-%d} 起", "success")
            return redirect(url_for(".lists"))
    return _lists_page(form=form, status=400)


@bp.route("/lists/<int:listing_id>/end", methods=["GET", "POST"])
@roles_required(*BUREAU_ROLES)
def listing_end(listing_id: int):
    """Take an occupation off a list after a given last day."""
    _maintainer_only()
    listing = db.session.get(OccupationListing, listing_id) or abort(404)
    form = EndListingForm(effective_until=today()) if request.method == "GET" else EndListingForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            standards.end_listing(listing, form.effective_until.data)
        if saved.ok:
            flash(f"「{occupation_name(listing.occupation_code)}」在{listing.list_name}中的条目"
                  f"{listing.effective_until:%Y-%m-%d} 后失效", "success")
            return redirect(url_for(".lists"))
    status = 400 if form.is_submitted() else 200
    return render_template("subsidy_settings/listing_end.html", listing=listing, form=form), status
