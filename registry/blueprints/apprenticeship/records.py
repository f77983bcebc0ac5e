"""企业新型学徒制: the one-off special subsidy years (recorded by bureau staff) and the district
reports (进展情况表 for 5 June / 5 December, year-end directories), on the apprenticeship blueprint."""
from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from ...auth.permissions import (
    can_download_apprenticeship_reports, can_record_special_grants, get_visible_or_404, reconciliation_district,
    require, roles_required, visible,
)
from ...domain.apprenticeships import operations, reports
from ...domain.apprenticeships.models import SpecialSubsidyGrant
from ...domain.common import today
from ...domain.errors import DomainError
from ...domain.identifiers import normalise_code
from ...domain.organisations.models import District, Enterprise
from ...domain.spreadsheets import XLSX_MIMETYPE
from ...extensions import db
from ..forms_common import district_choices, flash_form_errors, perform, record_id, saving
from ..years import page_year
from . import forms
from .views import BUREAU, bp


def _grants():
    query = (select(SpecialSubsidyGrant).join(Enterprise, SpecialSubsidyGrant.enterprise_id == Enterprise.id)
             .where(visible(Enterprise)).order_by(SpecialSubsidyGrant.year.desc(), Enterprise.name))
    return db.session.scalars(query).all()


@bp.route("/special-grants", methods=["GET", "POST"])
@roles_required(*BUREAU)
def special_grants():
    """Years in which enterprises took the one-off special training subsidy (004 之四 三(四))."""
    form = forms.SpecialGrantForm()
    if form.validate_on_submit():
        enterprise = db.session.scalar(select(Enterprise).where(
            Enterprise.credit_code == normalise_code(form.credit_code.data), visible(Enterprise)))
        with saving(form) as saved:
            if enterprise is None:
                raise DomainError("未找到该统一社会信用代码的企业(或不在您的管辖范围内)", "credit_code")
            require(can_record_special_grants(current_user, enterprise))
            grant = operations.record_special_grant(enterprise, form.year.data, form.note.data or "", today())
        if saved.ok:
            flash(f"已登记「{enterprise.name}」{grant.year} 年一次性特别培训补助:当年度不得再报新型学徒培训项目。", "success")
            return redirect(url_for("apprenticeship.special_grants"))
    return render_template("apprenticeship/special_grants.html", form=form, grants=_grants(),
                           remove_form=forms.RemoveGrantForm(formdata=None)), 400 if form.errors else 200


@bp.route("/special-grants/<int:grant_id>/remove", methods=["POST"])
@roles_required(*BUREAU)
def special_grant_remove(grant_id: int):
    grant = db.session.get(SpecialSubsidyGrant, grant_id)
    if grant is None:
        abort(404)
    enterprise = get_visible_or_404(Enterprise, grant.enterprise_id)
    require(can_record_special_grants(current_user, enterprise))
    form = forms.RemoveGrantForm()
    if form.validate_on_submit():
        perform(lambda: operations.remove_special_grant(grant, form.reason.data), "已删除该登记。")
    else:
        flash_form_errors(form)
    return redirect(url_for("apprenticeship.special_grants"))


# --- reports ------------------------------------------------------------------------------------

def _report_scope() -> tuple[int | None, str]:
    requested = request.args.get("district", "")
    district_id = reconciliation_district(current_user, record_id(requested))
    district = db.session.get(District, district_id) if district_id else None
    return (district.id, district.name) if district else (None, "全市")


def _year() -> int:
    """The reports' year: this year unless asked; next year at the latest (its plans may be filed)."""
    return page_year(last=today().year + 1)


@bp.route("/reports")
@roles_required(*BUREAU)
def reports_page():
    """The progress report for 5 June and 5 December, and the 15 December directories."""
    year = _year()
    district_id, district_name = _report_scope()
    cutoffs = reports.progress_cutoffs(year)
    shown = next((c for c in cutoffs if c.isoformat() == request.args.get("cutoff")), None) or (
        cutoffs[0] if today() <= cutoffs[0] else cutoffs[1])
    rows = reports.progress(year, shown, district_id)
    return render_template(
        "apprenticeship/reports.html", year=year, cutoffs=cutoffs, shown=shown, rows=rows,
        total=reports.progress_totals(rows), district_id=district_id, district_name=district_name,
        districts=district_choices(current_user.district_id if current_user.role == "district" else None),
        columns=reports.PROGRESS_COLUMNS, title=reports.PROGRESS_TITLE,
    )


def _xlsx(content: bytes, filename: str):
    return send_file(BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename)


@bp.route("/reports/progress.xlsx")
@roles_required(*BUREAU)
def progress_download():
    require(can_download_apprenticeship_reports(current_user))
    year = _year()
    district_id, district_name = _report_scope()
    cutoff = next((c for c in reports.progress_cutoffs(year) if c.isoformat() == request.args.get("cutoff")), None)
    if cutoff is None:
        abort(404)
    content = reports.progress_workbook(year, cutoff, district_name, today(), district_id)
    return _xlsx(content, f"{reports.PROGRESS_TITLE}_{district_name}_{cutoff:%Y%m%d}.xlsx")


@bp.route("/reports/directories.xlsx")
@roles_required(*BUREAU)
def directories_download():
    require(can_download_apprenticeship_reports(current_user))
    year = _year()
    district_id, district_name = _report_scope()
    content = reports.directories_workbook(year, district_name, today(), district_id)
    return _xlsx(content, f"{year}年企业新型学徒制企业目录及培训机构目录_{district_name}.xlsx")
