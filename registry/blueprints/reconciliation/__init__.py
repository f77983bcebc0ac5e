"""Bureau reconciliation: targets against what happened, the people behind every figure, data
quality, and the same figures as .xlsx and PDF. The rules live in registry/domain/reconciliation."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ...auth.permissions import reconciliation_district, roles_required, visible
from ...domain.catalogue import catalogue
from ...domain.certificates import pdf as certificate_pdf
from ...domain.common import local_time, today, utcnow
from ...domain.organisations.models import District, TrainingBase
from ...domain.reconciliation import counting, drilldown, exports, figures, quality
from ...domain.reconciliation.counting import Scope
from ...domain.training.models import TrainingSession
from ...extensions import db
from ..forms_common import district_choices
from ..years import page_year, year_options
from . import charts

bp = Blueprint("reconciliation", __name__, url_prefix="/reconciliation")

MEASURE_NAMES = {"trainings": "培训人次", "persons": "培训人数", "passed": "合格人数", "assessed": "考核人次",
                 "certified": "取证人数", "employed": "就业人数"}


def _int_arg(name: str, low: int, high: int) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        abort(400, description=f"参数「{name}」须为整数")
    if not low <= value <= high:
        abort(400, description=f"参数「{name}」超出范围")
    return value


def requested_scope() -> Scope:
    """The scope the query string asks for, held to the viewer's district (permissions)."""
    programme = request.args.get("programme_code") or None
    if programme and programme not in {p.code for p in catalogue.all()}:
        abort(400, description="未知的项目")
    return Scope(
        year=page_year(),
        programme_code=programme,
        track_code=request.args.get("track_code") or None,
        occupation_code=request.args.get("occupation_code") or None,
        district_id=reconciliation_district(current_user, _int_arg("district_id", 1, 10**9)),
        base_id=_int_arg("base_id", 1, 10**9),
        month=_int_arg("month", 1, 12),
    )


def _jurisdiction():
    return visible(TrainingSession)


def _district_name(district_id: int | None) -> str:
    return db.session.get(District, district_id).name if district_id and db.session.get(District, district_id) else ""


def _reconciliation() -> figures.Reconciliation:
    group_by = request.args.get("group_by", "programme")
    return figures.reconcile(requested_scope(), group_by, today(), _jurisdiction())


@bp.route("/")
@roles_required("city", "district")
def index():
    result = _reconciliation()
    scope = result.scope
    quality_counts = quality.counts(_jurisdiction(), today())
    lines = {code: charts.cumulative_line(line, result.monthly_targets.get(code), scope.year)
             for code, line in result.monthly.items()}
    return render_template(
        "reconciliation/index.html", result=result, scope=scope, lines=lines, quality_counts=quality_counts,
        checks=quality.CHECKS, rules=counting.RULES, groupings=figures.GROUPINGS, pace_names=exports.PACE_NAMES,
        districts=district_choices(current_user.district_id if current_user.role == "district" else None),
        district_name=_district_name(scope.district_id), years=year_options(scope.year, back=5),
        args=_link_args(scope, result.group_by),
    )


def _link_args(scope: Scope, group_by: str) -> dict:
    return {**scope.as_args(), "group_by": group_by}


@bp.route("/detail")
@roles_required("city", "district")
def detail():
    """The sessions and people behind one figure."""
    scope = requested_scope()
    measure = request.args.get("measure", "trainings")
    if not counting.is_counted(scope.programme_code, measure) and measure != "assessed":
        abort(404)
    tallied = counting.tallied(scope.programme_code, measure)
    if tallied is not None:  # records other than enrollments: their own list
        if not tallied.records_endpoint:
            abort(404)
        return redirect(url_for(tallied.records_endpoint, year=scope.year, district=scope.district_id))
    page = _int_arg("page", 1, 10**6) or 1
    result = drilldown.drilldown(scope, measure, _jurisdiction(), page)
    return render_template(
        "reconciliation/detail.html", result=result, scope=scope, measure_name=_measure_name(scope, measure),
        scope_names=_scope_names(scope), distinct=counting.is_distinct(scope.programme_code, measure),
        args={**scope.as_args(), "measure": measure},
    )


def _measure_name(scope: Scope, measure: str) -> str:
    if measure in MEASURE_NAMES:
        return MEASURE_NAMES[measure]
    programme = catalogue.get(scope.programme_code)
    return programme.measures.get(measure, measure) if programme else measure


def _scope_names(scope: Scope) -> list[str]:
    names = [f"{scope.year}年" + (f"{scope.month}月" if scope.month else "")]
    programme = catalogue.get(scope.programme_code)
    if programme:
        names.append(programme.name)
        if scope.track_code and programme.track(scope.track_code):
            names.append(programme.track(scope.track_code).name)
        if scope.occupation_code and programme.occupation(scope.occupation_code):
            names.append(programme.occupation(scope.occupation_code).name)
    names.append(_district_name(scope.district_id) or "全市")
    if scope.base_id:
        base = db.session.scalar(select(TrainingBase).where(TrainingBase.id == scope.base_id, visible(TrainingBase)))
        names.append(base.name if base else "(无权查看的基地)")
    return names


@bp.route("/quality/<code>")
@roles_required("city", "district")
def quality_list(code: str):
    check = quality.CHECKS.get(code) or abort(404)
    days = _int_arg("days", 0, 3650) or quality.DEFAULT_CERTIFICATE_DAYS
    page = _int_arg("page", 1, 10**6) or 1
    rows, total = quality.rows(code, _jurisdiction(), today(), days, page)
    return render_template("reconciliation/quality.html", check=check, rows=rows, total=total, page=page,
                           pages=max(1, -(-total // 100)), days=days)


@bp.route("/export.xlsx")
@roles_required("city", "district")
def export_xlsx():
    result = _reconciliation()
    content = exports.workbook(result, _district_name(result.scope.district_id))
    return _download(content, f"目标完成情况-{result.scope.year}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/export.pdf")
@roles_required("city", "district")
def export_pdf():
    result = _reconciliation()
    font = certificate_pdf.find_font(current_app.config.get("REGISTRY_CERTIFICATE_FONT"))
    generated = local_time(utcnow()).strftime("%Y-%m-%d %H:%M")
    content = exports.pdf(result, _district_name(result.scope.district_id), font, generated)
    return _download(content, f"目标完成情况-{result.scope.year}.pdf", "application/pdf")


def _download(content: bytes, filename: str, mimetype: str) -> Response:
    from urllib.parse import quote

    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


from . import targets  # noqa: E402,F401  (the targets pages register on bp)
