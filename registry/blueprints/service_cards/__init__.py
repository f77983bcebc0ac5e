"""上门服务证 for staff: a worker's records and eligibility, issuing, the card's page, its PDF and
print sheets, revocation and replacement. The door-step check is the ``verify`` blueprint's scan.

Access: cards and workers load through ``permissions`` (jurisdiction), and each action asks the
role rule there (issue 6, item 6).
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ...auth.permissions import (
    can_change_card, can_keep_worker_records, can_rate_and_list, can_revoke_card, can_view, card_issuing_district,
    get_visible_or_404, require, roles_required, visible,
)
from ...domain.certificates import qr
from ...domain.common import today
from ...domain.errors import DomainError
from ...domain.identifiers import normalise_code
from ...domain.organisations.models import District, Enterprise, TrainingBase
from ...domain.service_cards import cards, records, reminders
from ...domain.service_cards.models import (
    CARD_STATUSES, CreditRecord, HealthCheck, IdentityCheck, ServiceCard, StarRating, WorkerPhoto, WorkRecord,
)
from ...domain.service_cards.policy import default_rules, rules_for
from ...domain.service_cards.public import card_verdict, verification_counts
from ...domain.service_cards.standing import OUTCOME_TEXT, WorkerFacts, eligibility
from ...domain.trainees.models import Trainee
from ...extensions import db
from ...forms import RegistryForm
from ..certificates import flush_events, keyring
from ..forms_common import district_choices, filter_args, flash_form_errors, perform, record_id, saving
from ..years import year_filter
from . import forms

bp = Blueprint("service_cards", __name__, url_prefix="/service-cards")

STAFF = ("city", "district", "base", "enterprise")


def code_for(card: ServiceCard) -> str:
    return cards.card_code(card, current_app.config["REGISTRY_PUBLIC_BASE_URL"])


@bp.app_template_filter("card_number")
def _card_number(number: str) -> str:
    return cards.display_number(number)


def _employer_choices() -> list[tuple[int, str]]:
    employers = db.session.scalars(
        select(Enterprise).where(Enterprise.kind == "home_service").order_by(Enterprise.name))
    return [(forms.SELF_EMPLOYED, "个人从业(无所属企业)")] + [(e.id, e.name) for e in employers]


def _employer(employer_id: int | None) -> Enterprise | None:
    if not employer_id:
        return None
    employer = db.session.get(Enterprise, employer_id)
    if employer is None:
        raise DomainError("所选家政企业不存在", "employer_id")
    return employer


# --- the list -------------------------------------------------------------------------------

@bp.route("/")
@roles_required(*STAFF)
def index():
    """Cards in the user's jurisdiction with their live status; by number or name, status, issue
    year, district, and reminders (health checks and retraining falling due, black-listed holders)."""
    rules, on = default_rules(), today()
    columns = reminders.FactColumns.of(rules)
    query = (select(ServiceCard).join(Trainee, ServiceCard.trainee_id == Trainee.id)
             .where(visible(ServiceCard), ServiceCard.programme_code == rules.programme.code)
             .options(selectinload(ServiceCard.service_types))
             .order_by(ServiceCard.issued_on.desc(), ServiceCard.id.desc()))
    args = filter_args()
    if text := args.get("q", "").strip():
        query = query.where(or_(ServiceCard.number.contains(normalise_code(text)), Trainee.name.contains(text),
                                Trainee.document_number == normalise_code(text)))
    if args.get("status") in CARD_STATUSES:
        query = query.where(ServiceCard.status == args["status"])
    if (year := year_filter(args.get("year", ""))) is not None:
        query = query.where(ServiceCard.issued_on.between(date(year, 1, 1), date(year, 12, 31)))
    if (district_id := record_id(args.get("district"))) is not None:
        query = query.where(ServiceCard.district_id == district_id)
    if args.get("reminder") in reminders.REMINDERS:
        query = query.where(reminders.reminder_condition(args["reminder"], columns, rules, on))
    page = db.paginate(query, per_page=30)
    facts = {row[0]: row[1:] for row in db.session.execute(
        select(ServiceCard.id, *columns.all()).where(ServiceCard.id.in_([c.id for c in page.items])))}
    problems = {card.id: reminders.row_problems(card, rules, on, *facts[card.id]) for card in page.items}
    return render_template(
        "service_cards/index.html", page=page, args=args, statuses=CARD_STATUSES, sheet_form=forms.SheetForm(),
        rules=rules, problems=problems, outcome_text=OUTCOME_TEXT, reminders=reminders.REMINDERS,
        districts=district_choices(current_user.district_id if current_user.role == "district" else None),
    )


@bp.route("/find")
@roles_required("city", "district", "base")
def find_worker():
    """From an ID number to the worker's card page (办证 starts here)."""
    number = normalise_code(request.args.get("document", ""))
    trainee = db.session.scalar(select(Trainee).where(Trainee.document_number == number, visible(Trainee))) \
        if number else None
    if trainee is None:
        flash("未找到该证件号码的学员(或不在您的管辖范围内)。请先在学员页面登记。", "warning")
        return redirect(url_for("service_cards.index"))
    return redirect(url_for("service_cards.worker", trainee_id=trainee.id))


# --- a worker's records and eligibility ----------------------------------------------------------

def _worker_forms() -> dict:
    work = forms.WorkRecordForm(formdata=None)
    work.enterprise_id.choices = [(0, "(不选)")] + _employer_choices()[1:]
    issue = forms.IssueCardForm(formdata=None)
    _issue_choices(issue)
    return {"identity_form": forms.IdentityCheckForm(formdata=None, checked_on=today()),
            "health_form": forms.HealthCheckForm(formdata=None), "photo_form": forms.PhotoForm(formdata=None),
            "work_form": work, "rating_form": forms.RatingForm(formdata=None),
            "credit_form": forms.CreditForm(formdata=None, effective_on=today()), "issue_form": issue}


def _issue_choices(form: forms.IssueCardForm) -> None:
    fixed = card_issuing_district(current_user)
    form.district_id.choices = district_choices(fixed)
    form.employer_id.choices = _employer_choices()


def _render_worker(trainee: Trainee, status: int = 200, **failed_forms):
    rules = default_rules()
    facts = WorkerFacts.gather(trainee, rules, today())
    active = cards.active_card(trainee.id, rules.programme.code)
    page_forms = {**_worker_forms(), **failed_forms}
    return render_template(
        "service_cards/worker.html", trainee=trainee, rules=rules, facts=facts, active=active,
        check=eligibility(facts, active), all_cards=cards.cards_of(trainee.id),
        identity_checks=records.history(IdentityCheck, trainee.id, IdentityCheck.checked_on.desc(), IdentityCheck.id.desc()),
        health_checks=records.history(HealthCheck, trainee.id, HealthCheck.checked_on.desc(), HealthCheck.id.desc()),
        credit_records=records.history(CreditRecord, trainee.id, CreditRecord.effective_on.desc(), CreditRecord.id.desc()),
        ratings=records.history(StarRating, trainee.id, StarRating.rated_on.desc(), StarRating.id.desc()),
        work_records=records.history(WorkRecord, trainee.id, WorkRecord.started_on.desc(), WorkRecord.id.desc()),
        can_keep=can_keep_worker_records(current_user, trainee), can_rate=can_rate_and_list(current_user),
        **page_forms,
    ), status


@bp.route("/worker/<int:trainee_id>")
@roles_required(*STAFF)
def worker(trainee_id: int):
    """The worker's card file: conditions met or not, records, and the card."""
    return _render_worker(get_visible_or_404(Trainee, trainee_id))


def _bureau_only(user, _record) -> bool:
    return can_rate_and_list(user)


def _record(trainee_id: int, form_class, form_name: str, action, done: str, allowed=can_keep_worker_records):
    """Validate one record form and run its operation; on any error show the page again with the
    message beside the field, having saved nothing. ``allowed(user, trainee)`` is the role rule."""
    trainee = get_visible_or_404(Trainee, trainee_id)
    require(allowed(current_user, trainee))
    form = form_class()
    if form_name == "work_form":
        form.enterprise_id.choices = [(0, "(不选)")] + _employer_choices()[1:]
    if form_name == "issue_form":
        _issue_choices(form)
    if form.validate_on_submit():
        with saving(form) as saved:
            result = action(trainee, form)
        if saved.ok:
            flash(done, "success")
            if isinstance(result, ServiceCard):
                return redirect(url_for("service_cards.detail", card_id=result.id))
            return redirect(url_for("service_cards.worker", trainee_id=trainee.id) + f"#{form_name}")
    return _render_worker(trainee, 400, **{form_name: form})


@bp.route("/worker/<int:trainee_id>/identity", methods=["POST"])
@login_required
def record_identity(trainee_id: int):
    return _record(trainee_id, forms.IdentityCheckForm, "identity_form", lambda t, f: records.record_identity_check(
        t, current_user, f.checked_on.data, f.method.data, f.note.data), "已记录人证合一核验。")


@bp.route("/worker/<int:trainee_id>/health", methods=["POST"])
@login_required
def record_health(trainee_id: int):
    return _record(trainee_id, forms.HealthCheckForm, "health_form", lambda t, f: records.record_health_check(
        t, default_rules(), f.checked_on.data, f.institution.data, f.result.data, f.note.data), "已记录体检结果。")


@bp.route("/worker/<int:trainee_id>/photo", methods=["POST"])
@login_required
def upload_photo(trainee_id: int):
    def act(trainee, form):
        upload = request.files.get(form.photo.name)
        return records.upload_photo(trainee, upload.read() if upload else b"")

    return _record(trainee_id, forms.PhotoForm, "photo_form", act, "照片已上传。")


@bp.route("/worker/<int:trainee_id>/work", methods=["POST"])
@login_required
def record_work(trainee_id: int):
    return _record(trainee_id, forms.WorkRecordForm, "work_form", lambda t, f: records.add_work_record(
        t, _employer(f.enterprise_id.data), f.employer_name.data, f.started_on.data, f.ended_on.data, f.role.data),
        "已添加从业经历。")


@bp.route("/worker/<int:trainee_id>/rating", methods=["POST"])
@login_required
def record_rating(trainee_id: int):
    return _record(trainee_id, forms.RatingForm, "rating_form", lambda t, f: records.rate(
        t, f.stars.data, f.rated_on.data, f.rated_by.data, f.note.data), "已记录星级评定。", _bureau_only)


@bp.route("/worker/<int:trainee_id>/credit", methods=["POST"])
@login_required
def record_credit(trainee_id: int):
    return _record(trainee_id, forms.CreditForm, "credit_form", lambda t, f: records.record_credit(
        t, f.status.data, f.reason.data, f.effective_on.data), "已记录信用状态。", _bureau_only)


@bp.route("/worker/<int:trainee_id>/issue", methods=["POST"])
@login_required
def issue(trainee_id: int):
    def act(trainee, form):
        fixed = card_issuing_district(current_user)
        district = db.session.get(District, fixed or form.district_id.data or 0)
        if district is None:
            raise DomainError("请选择发证区", "district_id")
        base = db.session.get(TrainingBase, current_user.base_id) if current_user.role == "base" else None
        return cards.issue_card(trainee, default_rules(), keyring(), district, base,
                                _employer(form.employer_id.data), form.issued_on.data)

    return _record(trainee_id, forms.IssueCardForm, "issue_form", act, "上门服务证已发放。")


@bp.route("/photo/<int:photo_id>.jpg")
@roles_required(*STAFF)
def photo(photo_id: int):
    """A worker's photo, for staff who can see the worker or a card that prints it (an employer)."""
    record = db.session.get(WorkerPhoto, photo_id)
    if record is None:
        abort(404)
    on_a_visible_card = db.session.scalar(
        select(ServiceCard.id).where(ServiceCard.photo_id == record.id, visible(ServiceCard)).limit(1))
    if on_a_visible_card is None:
        get_visible_or_404(Trainee, record.trainee_id)
    return _jpeg(record.jpeg)


def _jpeg(data: bytes) -> Response:
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


# --- one card -------------------------------------------------------------------------------

@bp.route("/<int:card_id>")
@roles_required(*STAFF)
def detail(card_id: int):
    """The card: its live status (as the door-step scan shows it), QR code, records and actions."""
    card = get_visible_or_404(ServiceCard, card_id)
    flush_events()  # this process's latest scans count too
    verdict = card_verdict(card, today())
    code = code_for(card)
    rules = rules_for(card.programme_code)
    employer_form = forms.EmployerForm(formdata=None, employer_id=card.employer_id or forms.SELF_EMPLOYED)
    employer_form.employer_id.choices = _employer_choices()
    return render_template(
        "service_cards/detail.html", card=card, verdict=verdict, outcome_text=OUTCOME_TEXT, code=code,
        qr_svg=qr.qr_svg(code, 200), new_types=cards.new_service_types(card, rules) if card.status == "active" else {},
        rules=rules, counts=verification_counts(card.id), employer_form=employer_form,
        revoke_form=forms.RevokeForm(formdata=None), replace_form=forms.ReplaceForm(formdata=None),
        can_change=can_change_card(current_user, card), can_revoke=can_revoke_card(current_user),
        holder_visible=can_view(current_user, card.trainee),
    )


def _card_action(card_id: int, form_class, action, done: str, allowed=can_change_card):
    """``allowed(user, card)`` is the role rule; the card loads within the user's jurisdiction."""
    card = get_visible_or_404(ServiceCard, card_id)
    require(allowed(current_user, card))
    form = form_class()
    if form_class is forms.EmployerForm:
        form.employer_id.choices = _employer_choices()
    result = []
    if form.validate_on_submit():
        perform(lambda: result.append(action(card, form)), done)
    else:
        flash_form_errors(form)
    target = result[0] if result and isinstance(result[0], ServiceCard) else card
    return redirect(url_for("service_cards.detail", card_id=target.id))


@bp.route("/<int:card_id>/types", methods=["POST"])
@login_required
def add_types(card_id: int):
    """Add the service types of the holder's newer certificates (the QR is signed again)."""
    return _card_action(card_id, RegistryForm,
                        lambda c, f: cards.add_service_types(c, rules_for(c.programme_code), keyring()),
                        "已加注服务类型,请重新打印证件。")


@bp.route("/<int:card_id>/employer", methods=["POST"])
@login_required
def change_employer(card_id: int):
    return _card_action(card_id, forms.EmployerForm, lambda c, f: cards.set_employer(c, _employer(f.employer_id.data)),
                        "所属企业已变更。")


@bp.route("/<int:card_id>/revoke", methods=["POST"])
@login_required
def revoke(card_id: int):
    return _card_action(card_id, forms.RevokeForm, lambda c, f: cards.revoke(c, f.reason.data, f.note.data, f.on.data),
                        "证件已注销。", lambda user, _card: can_revoke_card(user))


@bp.route("/<int:card_id>/replace", methods=["POST"])
@login_required
def replace(card_id: int):
    return _card_action(card_id, forms.ReplaceForm, lambda c, f: cards.replace(
        c, rules_for(c.programme_code), f.reason.data, f.note.data, keyring()), "已换发新证,原证件作废。")


# --- printing -------------------------------------------------------------------------------

def _pdf_module():
    """reportlab loads only when a PDF is asked for."""
    from ...domain.service_cards import printing

    return printing


def _font_or_none():
    from ...domain.certificates import pdf

    try:
        return pdf.find_font(current_app.config.get("REGISTRY_CERTIFICATE_FONT"))
    except pdf.CertificateFontError as error:
        flash(str(error), "danger")
        return None


def _pdf(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


@bp.route("/<int:card_id>.pdf")
@roles_required(*STAFF)
def download(card_id: int):
    """The card at ID-1 size: front and back."""
    card = get_visible_or_404(ServiceCard, card_id)
    font = _font_or_none()
    if font is None:
        return redirect(url_for("service_cards.detail", card_id=card.id))
    printing = _pdf_module()
    printed = printing.printed_card(card, code_for(card), current_app.config["REGISTRY_ISSUER_NAME"], today())
    return _pdf(printing.card_pdf(printed, font), f"{card.number}.pdf")


@bp.route("/sheet.pdf", methods=["POST"])
@roles_required(*STAFF)
def print_sheet():
    """The chosen cards on A4 sheets with crop marks, fronts and backs on facing pages."""
    form = forms.SheetForm()
    ids = (form.card_ids.data or []) if form.validate_on_submit() else []
    chosen = list(db.session.scalars(
        select(ServiceCard).where(ServiceCard.id.in_(ids), visible(ServiceCard), ServiceCard.status == "active")
        .order_by(ServiceCard.number)))
    if not chosen:
        flash("请先勾选要打印的有效证件。", "warning")
        return redirect(url_for("service_cards.index"))
    font = _font_or_none()
    if font is None:
        return redirect(url_for("service_cards.index"))
    printing = _pdf_module()
    issuer, on = current_app.config["REGISTRY_ISSUER_NAME"], today()
    printed = [printing.printed_card(card, code_for(card), issuer, on) for card in chosen]
    return _pdf(printing.print_sheet_pdf(printed, font), f"service-cards-{on:%Y%m%d}.pdf")
