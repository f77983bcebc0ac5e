"""Certificates for staff: issue (one or a whole session), list, view, download, suspend, revoke, replace.

The public side (scanning, lookup, offline files) is the ``verify`` blueprint.
"""
from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ...auth.permissions import (
    can_change_certificate_status,
    can_issue_certificates,
    get_visible_or_404,
    require,
    roles_required,
    visible,
)
from ...domain.catalogue import catalogue
from ...domain.certificates import operations, qr
from ...domain.certificates.event_log import EventLog
from ...domain.certificates.models import CERTIFICATE_STATUSES, VERIFICATION_OUTCOMES, Certificate
from ...domain.certificates.numbering import display_number
from ...domain.certificates.signing import KeyRing
from ...domain.certificates.verification import verification_counts
from ...domain.errors import DomainError
from ...domain.identifiers import normalise_code
from ...domain.trainees.models import Trainee
from ...domain.training.models import Enrollment, TrainingSession
from ...extensions import db
from ..forms_common import filter_args, flash_form_errors, perform
from .forms import IssueForm, NoteForm, StatusForm

bp = Blueprint("certificates", __name__, url_prefix="/certificates")


#: One KeyRing per keys directory: it holds only the path (the keys' caches are in ``signing``), so
#: building it, and its ``Path``, on every request is work for nothing.
_keyrings: dict[object, KeyRing] = {}


def keyring() -> KeyRing:
    directory = current_app.config["REGISTRY_KEYS_DIR"]
    ring = _keyrings.get(directory)
    if ring is None:
        ring = _keyrings.setdefault(directory, KeyRing(directory))
    return ring


def event_log() -> EventLog | None:
    """This process's batch writer of verification events, or None when each event is committed
    with its request (``VERIFY_EVENT_FLUSH_SECONDS = 0``, as in the tests)."""
    app = current_app._get_current_object()
    log = app.extensions.get("registry_verification_events")
    if log is None:
        seconds = app.config["VERIFY_EVENT_FLUSH_SECONDS"]
        if not seconds or seconds <= 0:
            return None
        log = app.extensions.setdefault(
            "registry_verification_events", EventLog(db.engine, seconds, app.config["VERIFY_EVENT_BATCH"]))
    return log


def flush_events() -> None:
    """Write this process's waiting events now (before showing counts)."""
    log = current_app.extensions.get("registry_verification_events")
    if log is not None:
        log.flush()


@bp.before_request
def _write_waiting_events() -> None:
    """A certificate's page counts this process's latest checks too: they are written before the
    request reads anything (a SQLite read transaction would not see rows committed after it began)."""
    if request.endpoint == "certificates.detail":
        flush_events()


def code_for(certificate: Certificate) -> str:
    return qr.certificate_code(certificate, current_app.config["REGISTRY_PUBLIC_BASE_URL"])


@bp.app_template_filter("certificate_number")
def _display_number(number: str) -> str:
    return display_number(number)


@bp.route("/")
@roles_required("city", "district", "base", "enterprise")
def index():
    """Certificates in the user's jurisdiction, by number, name, programme or status."""
    query = (
        select(Certificate).join(Trainee, Certificate.trainee_id == Trainee.id)
        .where(visible(Certificate)).order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    )
    args = filter_args()
    if text := args.get("q", "").strip():
        query = query.where(or_(Certificate.number.contains(normalise_code(text)), Trainee.name.contains(text)))
    if args.get("programme") in catalogue:
        query = query.where(Certificate.programme_code == args["programme"])
    if args.get("status") in CERTIFICATE_STATUSES:
        query = query.where(Certificate.status == args["status"])
    page = db.paginate(query, per_page=30)
    return render_template("certificates/index.html", page=page, args=args, statuses=CERTIFICATE_STATUSES)


@bp.route("/<int:certificate_id>")
@login_required
def detail(certificate_id: int):
    """One certificate: what it says, its QR code, its status history and how often it was checked."""
    certificate = get_visible_or_404(Certificate, certificate_id)
    code = code_for(certificate)
    return render_template(
        "certificates/detail.html", certificate=certificate, code=code, qr_svg=qr.qr_svg(code, 200),
        counts=verification_counts(certificate.id), outcome_names=VERIFICATION_OUTCOMES, status_form=StatusForm(formdata=None),
        note_form=NoteForm(formdata=None), can_change=can_change_certificate_status(current_user),
    )


def _pdf_response(chunks, filename: str, mimetype: str) -> Response:
    response = Response(chunks, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


def _pdf():
    """reportlab loads only when a PDF is asked for."""
    from ...domain.certificates import pdf

    return pdf


def _bundles():
    from ...domain.certificates import bundles

    return bundles


def _font_or_flash():
    """The certificate font, or None after telling the user what to fix (a missing font is no 500)."""
    pdf = _pdf()
    try:
        return pdf.find_font(current_app.config.get("REGISTRY_CERTIFICATE_FONT"))
    except pdf.CertificateFontError as error:
        flash(str(error), "danger")
        return None


@bp.route("/<int:certificate_id>.pdf")
@login_required
def download(certificate_id: int):
    """The certificate as a printable A4 PDF."""
    certificate = get_visible_or_404(Certificate, certificate_id)
    font = _font_or_flash()
    if font is None:
        return redirect(url_for("certificates.detail", certificate_id=certificate.id))
    body = _pdf().certificate_pdf_bytes(certificate, code_for(certificate), current_app.config["REGISTRY_ISSUER_NAME"],
                                        font)
    return _pdf_response([body], f"{certificate.number}.pdf", "application/pdf")


def _session_certificates(session: TrainingSession) -> list[Certificate]:
    return list(db.session.scalars(
        select(Certificate).where(Certificate.session_id == session.id, Certificate.status != "revoked")
        .options(selectinload(Certificate.trainee), selectinload(Certificate.base))
        .order_by(Certificate.number)
    ))


@bp.route("/session/<int:session_id>.<any(pdf, zip):kind>")
@login_required
def download_session(session_id: int, kind: str):
    """A session's certificates as one multi-page PDF or a zip of single PDFs, streamed."""
    session = get_visible_or_404(TrainingSession, session_id)
    certificates = _session_certificates(session)
    if not certificates:
        flash("本班期尚未发证。", "warning")
        return redirect(url_for("sessions.detail", session_id=session.id))
    font = _font_or_flash()
    if font is None:
        return redirect(url_for("sessions.detail", session_id=session.id))
    issuer = current_app.config["REGISTRY_ISSUER_NAME"]
    codes = {c.id: code_for(c) for c in certificates}
    arguments = (certificates, lambda c: codes[c.id], issuer, font)
    if kind == "pdf":
        return _pdf_response(_bundles().stream_pdf(*arguments), f"{session.code}-certificates.pdf", "application/pdf")
    return _pdf_response(_bundles().stream_zip(*arguments), f"{session.code}-certificates.zip", "application/zip")


@bp.route("/session/<int:session_id>/issue", methods=["POST"])
@login_required
def issue(session_id: int):
    """Issue certificates to the chosen passed trainees, or to all who have none yet."""
    session = get_visible_or_404(TrainingSession, session_id)
    require(can_issue_certificates(current_user, session))
    form = IssueForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("sessions.detail", session_id=session.id))
    chosen = list(db.session.scalars(select(Enrollment).where(
        Enrollment.id.in_(form.enrollment_ids.data or []), Enrollment.session_id == session.id
    ).order_by(Enrollment.id)))
    issued: list[Certificate] = []

    def act():
        issued.extend(operations.issue_certificates(session, chosen, keyring(), form.issued_on.data))

    if perform(act, "已发证。"):
        flash(f"共颁发 {len(issued)} 本证书。", "info")
    return redirect(url_for("sessions.detail", session_id=session.id) + "#certificates")


def _change_status(certificate_id: int, action, form_class, done: str):
    certificate = get_visible_or_404(Certificate, certificate_id)
    require(can_change_certificate_status(current_user))
    form = form_class()
    if form.validate_on_submit():
        perform(partial(action, certificate, form), done)
    else:
        flash_form_errors(form)
    return redirect(url_for("certificates.detail", certificate_id=certificate.id))


@bp.route("/<int:certificate_id>/suspend", methods=["POST"])
@login_required
def suspend(certificate_id: int):
    """Suspend (reversible)."""
    return _change_status(certificate_id, lambda c, f: operations.suspend(c, f.reason.data, f.on.data, f.note.data or ""),
                          StatusForm, "证书已暂停。")


@bp.route("/<int:certificate_id>/revoke", methods=["POST"])
@login_required
def revoke(certificate_id: int):
    """Revoke for good."""
    return _change_status(certificate_id, lambda c, f: operations.revoke(c, f.reason.data, f.on.data, f.note.data or ""),
                          StatusForm, "证书已撤销。")


@bp.route("/<int:certificate_id>/reinstate", methods=["POST"])
@login_required
def reinstate(certificate_id: int):
    """Lift a suspension."""
    return _change_status(certificate_id, lambda c, f: operations.reinstate(c, f.note.data), NoteForm, "证书已恢复有效。")


@bp.route("/<int:certificate_id>/replace", methods=["POST"])
@login_required
def replace(certificate_id: int):
    """Issue a replacement with a new number; the old one shows 已换发."""
    certificate = get_visible_or_404(Certificate, certificate_id)
    require(can_change_certificate_status(current_user))
    form = NoteForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("certificates.detail", certificate_id=certificate.id))
    try:
        replacement = operations.replace(certificate, form.note.data, keyring())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("certificates.detail", certificate_id=certificate.id))
    db.session.commit()
    flash(f"已换发新证书 {display_number(replacement.number)}。", "success")
    return redirect(url_for("certificates.detail", certificate_id=replacement.id))


def session_panel(session: TrainingSession) -> dict:
    """What the session page shows about certificates (used by the sessions blueprint)."""
    certificates = list(db.session.scalars(
        select(Certificate).where(Certificate.session_id == session.id).order_by(Certificate.number)
    ))
    return {
        "certificates": certificates,
        "issuable": operations.issuable(session) if session.status in operations.ISSUING_STATES else [],
        "can_issue": can_issue_certificates(current_user, session),
        "issue_form": IssueForm(formdata=None),
    }
