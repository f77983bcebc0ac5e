"""Enrolment one by one and by spreadsheet (both kinds of upload share the preview-and-confirm pages)."""
from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ...auth.permissions import can_edit_roster, can_record_results, get_visible_or_404, is_bureau, require
from ...domain.errors import DomainError
from ...domain.imports import batches
from ...domain.imports.models import IMPORT_KINDS, ImportBatch
from ...domain.imports.tables import page_of
from ...domain.spreadsheets import XLSX_MIMETYPE
from ...domain.training import operations
from ...domain.training.models import Enrollment, TrainingSession
from ...extensions import db
from ..forms_common import attach_error, flash_warnings, perform, saving, trainee_data
from . import bp, render_detail
from .forms import CancelWithdrawalForm, ConfirmForm, EnrolForm, UploadForm, WithdrawForm


def _roster_session(session_id: int) -> TrainingSession:
    session = get_visible_or_404(TrainingSession, session_id)
    require(can_edit_roster(current_user, session))
    return session


@bp.route("/<int:session_id>/enrol", methods=["POST"])
@login_required
def enrol(session_id: int):
    """Enrol one person by document: found if known (names must agree), registered if new."""
    session = _roster_session(session_id)
    form = EnrolForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            enrollment, created, warnings = operations.enrol_person(session, trainee_data(form),
                                                                    registered_base_id=session.base_id)
        if saved.ok:
            flash_warnings(warnings)
            how = "新登记并报名" if created else "已找到已登记学员并报名"
            flash(f"{enrollment.trainee.name}:{how}。", "success")
            # Back to the page with the form open and the cursor in 证件号码, ready for the next person.
            return redirect(url_for("sessions.detail", session_id=session.id, enrol="next"))
    flash("报名未成功,请按提示修改。", "danger")
    return render_detail(session, enrol_form=form)


@bp.route("/<int:session_id>/lookup")
@login_required
def lookup(session_id: int):
    """While typing a document number: is this person known? Only a masked name is returned."""
    from flask import jsonify

    from ...domain.identifiers import mask_name
    from ...domain.trainees.operations import find_trainee

    session = _roster_session(session_id)
    trainee = find_trainee(request.args.get("document_type", "resident_id"), request.args.get("document_number", ""))
    if trainee is None:
        return jsonify(found=False)
    enrolled = db.session.scalar(
        select(Enrollment.id).where(Enrollment.session_id == session.id, Enrollment.trainee_id == trainee.id)
    )
    return jsonify(found=True, masked_name=mask_name(trainee.name), enrolled=enrolled is not None)


def _roster_change(session_id: int, enrollment_id: int, form, change, done: str, refused: str):
    """A button on one roster row: the row must be in this session, which the user may edit."""
    session = _roster_session(session_id)
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.session_id != session.id:
        abort(404)
    if form.validate_on_submit():
        perform(lambda: change(enrollment), f"{enrollment.trainee.name} {done}")
    else:
        flash(refused + ";".join(_named_errors(form)), "danger")
    return redirect(url_for("sessions.detail", session_id=session.id))


def _named_errors(form) -> list[str]:
    """The form's messages, each naming its field where WTForms' own message does not (字段长度…)."""
    named = []
    for name, messages in form.errors.items():
        label = form[name].label.text if name != "csrf_token" else ""
        named += [m if label in m else f"「{label}」{m}" for m in messages]
    return named


@bp.route("/<int:session_id>/enrollments/<int:enrollment_id>/withdraw", methods=["POST"])
@login_required
def withdraw(session_id: int, enrollment_id: int):
    """Withdraw a trainee with a date and reason; nothing is deleted."""
    form = WithdrawForm()
    return _roster_change(
        session_id, enrollment_id, form,
        lambda enrollment: operations.withdraw(enrollment, form.withdrawn_on.data, form.withdrawal_reason.data),
        "已退训。", "退训未成功:")


@bp.route("/<int:session_id>/enrollments/<int:enrollment_id>/cancel-withdrawal", methods=["POST"])
@login_required
def cancel_withdrawal(session_id: int, enrollment_id: int):
    """Put a withdrawn trainee back on the roster, with a reason (kept in the audit log)."""
    form = CancelWithdrawalForm()
    return _roster_change(session_id, enrollment_id, form,
                          lambda enrollment: operations.cancel_withdrawal(enrollment, form.reason.data),
                          "已撤销退训,恢复在册。", "撤销退训未成功:")


# --- spreadsheet uploads -----------------------------------------------------------------------

def _upload_session(session_id: int, kind: str) -> TrainingSession:
    if kind not in IMPORT_KINDS:
        abort(404)
    session = get_visible_or_404(TrainingSession, session_id)
    allowed = can_edit_roster if kind == "enrolment" else can_record_results
    require(allowed(current_user, session))
    return session


def _context(session: TrainingSession, reason: str | None) -> batches.Context:
    return batches.Context(
        user_id=current_user.id,
        registered_base_id=session.base_id,
        by_bureau=is_bureau(current_user),
        reason=(reason or "").strip() or None,
    )


@bp.route("/<int:session_id>/imports/<kind>/template.xlsx")
@login_required
def import_template(session_id: int, kind: str):
    """The spreadsheet template with Chinese headers and a filled-in example row."""
    _upload_session(session_id, kind)
    content = batches.template_workbook(kind)
    name = "报名名单模板.xlsx" if kind == "enrolment" else "学时和考核结果模板.xlsx"
    return send_file(BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=name)


@bp.route("/<int:session_id>/imports/<kind>", methods=["GET", "POST"])
@login_required
def upload(session_id: int, kind: str):
    """Upload a spreadsheet; nothing changes until the preview is confirmed."""
    session = _upload_session(session_id, kind)
    form = UploadForm()
    closed = batches.closed_to(kind, session)
    if closed is None and form.validate_on_submit():
        file = form.file.data
        try:
            batch, _ = batches.store(kind, session, file.filename, file.read(), _context(session, form.reason.data))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("sessions.import_batch", session_id=session.id, batch_id=batch.id,
                                    reason=form.reason.data or None))
    return render_template("sessions/upload.html", session=session, form=form, kind=kind,
                           kind_name=IMPORT_KINDS[kind], closed=closed)


def _batch(session_id: int, batch_id: int) -> tuple[TrainingSession, ImportBatch]:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.session_id != session_id:
        abort(404)
    session = _upload_session(session_id, batch.kind)
    return session, batch


#: Rows listed per preview page: a clerk's usual file fits on one; a 100,000-row file is not sent whole.
PREVIEW_PAGE_ROWS = 500
PREVIEW_FILTERS = ("all", "error", "ready", "unchanged")


@bp.route("/<int:session_id>/imports/batch/<int:batch_id>")
@login_required
def import_batch(session_id: int, batch_id: int):
    """The preview: counts, then the wrong rows with the reason per row and field, then the rest, a page at a time."""
    session, batch = _batch(session_id, batch_id)
    reason = request.args.get("reason")
    show = request.args.get("show", "all")
    if show not in PREVIEW_FILTERS:
        show = "all"
    preview = page = None
    if batch.status == "preview":
        try:
            preview = batches.recheck(batch, _context(session, reason))
        except DomainError as error:
            flash(error.message, "danger")
    else:
        # A decided batch is shown from its counts, and its wrong rows as kept at the confirmation:
        # re-checking it against the records as they are now means nothing any more.
        preview = batches.kept_wrong_rows(batch)
        show = "error"
    if preview is not None:
        page = page_of(preview, show, request.args.get("page", 1, type=int), PREVIEW_PAGE_ROWS)
    return render_template(
        "sessions/import_preview.html", session=session, batch=batch, preview=preview, page=page, show=show,
        counts={status: preview.count(status) for status in ("ready", "error", "unchanged")} if preview else None,
        earlier=batches.earlier_import(batch), form=ConfirmForm(formdata=None, reason=reason),
        kept_days=batches.WRONG_ROWS_KEPT_DAYS,
        kept_until=batches.wrong_rows_kept_until(batch),
    )


@bp.route("/<int:session_id>/imports/batch/<int:batch_id>/confirm", methods=["POST"])
@login_required
def confirm_import(session_id: int, batch_id: int):
    """Import the ready rows in one transaction; a failure changes nothing."""
    session, batch = _batch(session_id, batch_id)
    batch_id = batch.id
    form = ConfirmForm()
    reason = (form.reason.data or "").strip() or None
    if form.validate_on_submit():
        try:
            batch, preview = batches.confirm(batch_id, _context(session, reason))
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(f"已导入 {batch.ready_rows} 行;{batch.error_rows} 行有误未导入,{batch.unchanged_rows} 行无需导入。",
                  "success")
            return redirect(url_for("sessions.import_batch", session_id=session.id, batch_id=batch_id))
    # Back to the preview with the reason typed, so it is checked with it again.
    return redirect(url_for("sessions.import_batch", session_id=session.id, batch_id=batch_id, reason=reason))


@bp.route("/<int:session_id>/imports/batch/<int:batch_id>/discard", methods=["POST"])
@login_required
def discard_import(session_id: int, batch_id: int):
    session, batch = _batch(session_id, batch_id)
    if ConfirmForm().validate_on_submit():
        perform(lambda: batches.discard(batch.id), "已放弃本次上传,未导入任何数据。")
    return redirect(url_for("sessions.detail", session_id=session.id))


@bp.route("/<int:session_id>/imports/batch/<int:batch_id>/errors.xlsx")
@login_required
def import_errors(session_id: int, batch_id: int):
    """The wrong rows with an error column, ready to fix and upload again."""
    session, batch = _batch(session_id, batch_id)
    try:
        preview = batches.wrong_rows(batch, _context(session, request.args.get("reason")))
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("sessions.import_batch", session_id=session.id, batch_id=batch.id))
    if preview is None:
        flash(f"该批次{batch.status_name},没有保留有误的行(上传的文件已删除);请改正后重新上传。", "warning")
        return redirect(url_for("sessions.import_batch", session_id=session.id, batch_id=batch.id))
    stem = batch.filename.rsplit(".", 1)[0] or "名单"
    return send_file(BytesIO(batches.error_workbook(preview)), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"{stem}-需修改.xlsx")
