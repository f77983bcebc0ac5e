"""Attendance hours, results and employment follow-up for a whole session at once; roster export."""
import hashlib
from datetime import date
from io import BytesIO

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ...auth.permissions import can_record_results, get_visible_or_404, is_bureau, require
from ...domain import normalise
from ...domain.audit import record_view
from ...domain.catalogue import ASSESSMENT_TYPES
from ...domain.common import plain_number, today
from ...domain.errors import DomainError
from ...domain.spreadsheets import XLSX_MIMETYPE
from ...domain.training.exports import roster_workbook
from ...domain.training.models import RESULTS, Enrollment, TrainingSession
from ...domain.training.results import (
    ResultData, allowed_assessment_types, check_can_change_records, minimum_pass_hours, not_started,
    record_employment, record_result,
)
from ...extensions import db
from ..forms_common import attach_error
from . import bp
from .forms import GridForm

GRID_FIELDS = ("attended_hours", "result", "score", "assessed_on", "assessment_type",
               "is_employed", "employed_on", "employer_name")
STALE_ROW = "此行在您打开本页后已被修改,现已显示最新内容;请核对后重新填写再保存"


def _grid_rows(session: TrainingSession) -> list[Enrollment]:
    return db.session.scalars(
        select(Enrollment).where(Enrollment.session_id == session.id).order_by(Enrollment.id)
    ).all()


def _shown(enrollment: Enrollment) -> dict[str, str]:
    """The row's recorded values as the grid shows them."""
    def text(value) -> str:
        return "" if value is None else value.isoformat() if isinstance(value, date) else str(value)

    return {
        "attended_hours": plain_number(enrollment.attended_hours) or "", "result": enrollment.result or "",
        "score": plain_number(enrollment.score) or "", "assessed_on": text(enrollment.assessed_on),
        "assessment_type": enrollment.assessment_type or "",
        "is_employed": {None: "", True: "yes", False: "no"}[enrollment.is_employed],
        "employed_on": text(enrollment.employed_on), "employer_name": enrollment.employer_name or "",
    }


def row_version(enrollment: Enrollment) -> str:
    """A digest of the row as the page showed it: a page opened before someone else changed the row
    (another tab, another clerk, an upload) must not overwrite that change unseen."""
    return hashlib.sha256(repr(sorted(_shown(enrollment).items())).encode()).hexdigest()[:16]


def _submitted(enrollment: Enrollment) -> dict[str, str]:
    """The row's values as sent; a field the request leaves out keeps what is recorded (never cleared)."""
    shown = _shown(enrollment)
    return {field: request.form.get(f"{field}-{enrollment.id}", shown[field]).strip() for field in GRID_FIELDS}


def _stale(enrollment: Enrollment) -> str | None:
    """Why this row is not saved from this page: someone changed it after the page was opened."""
    if request.form.get(f"version-{enrollment.id}") == row_version(enrollment):
        return None
    return STALE_ROW


def _employment(values: dict[str, str]) -> tuple[bool | None, date | None, str]:
    employed = {"": None, "yes": True, "no": False}.get(values["is_employed"])
    try:
        employed_on = normalise.a_date(values["employed_on"], "就业日期")
    except ValueError as error:
        raise DomainError(str(error), "employed_on") from None
    return employed, employed_on, values["employer_name"]


def _apply_row(enrollment: Enrollment, values: dict[str, str], reason: str | None) -> None:
    try:
        assessed_on = normalise.a_date(values["assessed_on"], "考核日期")
    except ValueError as error:
        raise DomainError(str(error), "assessed_on") from None
    data = ResultData(values["attended_hours"] or None, values["result"] or None, values["score"] or None,
                      assessed_on, values["assessment_type"] or None)
    by_bureau = is_bureau(current_user)
    record_result(enrollment, data, by_bureau=by_bureau, reason=reason)
    employed, employed_on, employer = _employment(values)
    if (employed, employed_on, employer or None) != (enrollment.is_employed, enrollment.employed_on,
                                                      enrollment.employer_name):
        record_employment(enrollment, employed, employed_on, employer, by_bureau, reason)


def _apply_rows(rows: list[Enrollment], submitted: dict[int, dict[str, str]], reason: str | None) -> dict[int, str]:
    """Every row's values (each in a savepoint); the reasons of the rows refused, by enrollment id."""
    errors: dict[int, str] = {}
    for enrollment in rows:
        if enrollment.id not in submitted:  # withdrawn, or not on the page that was sent
            continue
        if (stale := _stale(enrollment)) is not None:
            errors[enrollment.id] = stale
            continue
        try:
            with db.session.begin_nested():
                _apply_row(enrollment, submitted[enrollment.id], reason)
        except DomainError as error:
            errors[enrollment.id] = error.message
    return errors


@bp.route("/<int:session_id>/results", methods=["GET", "POST"])
@login_required
def results_grid(session_id: int):
    """Every enrolled trainee on one page; the whole grid is saved or, on any error, nothing is."""
    session = get_visible_or_404(TrainingSession, session_id)
    require(can_record_results(current_user, session))
    form = GridForm()
    rows = _grid_rows(session)
    errors: dict[int, str] = {}
    submitted: dict[int, dict[str, str]] = {}
    # Before training starts the page says so once, above no grid, and a post saves nothing.
    refusal = not_started(session)
    if refusal is None and form.validate_on_submit():
        reason = (form.reason.data or "").strip() or None
        submitted = {e.id: _submitted(e) for e in rows
                     if e.status != "withdrawn" and f"version-{e.id}" in request.form}
        try:  # who may change a closed session's records, and why: asked once, beside the reason, not per row
            check_can_change_records(session, is_bureau(current_user), reason)
        except DomainError as error:
            attach_error(form, error)
            flash("本次没有保存任何数据。", "danger")
        else:
            errors = _apply_rows(rows, submitted, reason)
            if not errors:
                db.session.commit()
                flash("已保存学时、考核结果和就业情况。", "success")
                return redirect(url_for("sessions.detail", session_id=session.id))
            db.session.rollback()
            for enrollment_id, message in errors.items():
                if message == STALE_ROW:
                    submitted.pop(enrollment_id)  # shown as it is now, not as this page had it
            flash(f"有 {len(errors)} 行需要修改,本次没有保存任何数据。", "danger")
    return render_template(
        "sessions/results.html", session=session, rows=rows, form=form, errors=errors, submitted=submitted,
        results=RESULTS, assessment_types={k: ASSESSMENT_TYPES[k] for k in allowed_assessment_types(session)},
        minimum=minimum_pass_hours(session), needs_reason=session.status == "closed", not_started=refusal,
        versions={e.id: row_version(e) for e in rows},
        today=today(),
    )


#: Written to the audit log with each download of a roster with full names, numbers and phones.
FULL_ROSTER_REASON = "导出花名册(含完整身份信息)"


@bp.route("/<int:session_id>/roster.xlsx")
@login_required
def roster(session_id: int):
    """The session's roster and results as a spreadsheet.

    The base and bureau staff get full identities, and each such download is logged (PIPL); other
    roles who can see the session (an apprentice class's enterprise) get masked names and numbers.
    """
    session = get_visible_or_404(TrainingSession, session_id)
    full = current_user.role == "base" or is_bureau(current_user)
    content = roster_workbook(session, _grid_rows(session), masked=not full)
    if full:
        record_view(db.session, session, FULL_ROSTER_REASON)
        db.session.commit()
    name = f"班期{session.code}花名册.xlsx" if full else f"班期{session.code}花名册(脱敏).xlsx"
    return send_file(BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=name)
