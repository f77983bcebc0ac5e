"""企业新型学徒制 pages: filings (enterprise), review (district bureau), the plan, leaving reports, and
advance and final claims (opened here; reviewed, noticed and paid on the shared claim page of the
``subsidies`` blueprint, which shows this package's panel for them). The special subsidy years and the
reports are in records.py.

Views are thin: the role and jurisdiction rules are in ``registry.auth.permissions``; the rules of
穗人社函〔2020〕22号 之四 are in ``registry.domain.apprenticeships``.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from ...auth.permissions import (
    can_claim_on_filing, can_edit_filing, can_file_apprentices, can_report_on_filing, can_review_filing, can_view,
    get_visible_or_404, require, roles_required, visible,
)
from ...domain.apprenticeships import claims as filing_claims
from ...domain.apprenticeships import apprentices, operations, policy
from ...domain.apprenticeships.models import FILING_STATUSES, Apprentice, ApprenticeshipFiling
from ...domain.catalogue import LEVELS
from ...domain.common import today
from ...domain.errors import DomainError
from ...domain.organisations.models import Enterprise
from ...domain.subsidies import claims as workflow
from ...domain.subsidies import parameters
from ...domain.subsidies.models import SubsidyClaim
from ...domain.training.models import TrainingSession
from ...extensions import db
from ..subsidies import ClaimKind, register_claim_kind
from ..forms_common import filter_args, flash_form_errors, perform, save_form, saving
from ..programmes.landing import RecordLink, register_records
from . import forms
from .rules import PROGRAMME

bp = Blueprint("apprenticeship", __name__, url_prefix="/apprenticeship")

STAFF = ("city", "district", "base", "enterprise")
BUREAU = ("city", "district")


def _actor() -> str:
    return current_user.display_name or current_user.username


def _filing(filing_id: int) -> ApprenticeshipFiling:
    return get_visible_or_404(ApprenticeshipFiling, filing_id)


def _apprentice(filing: ApprenticeshipFiling, apprentice_id: int) -> Apprentice:
    apprentice = db.session.get(Apprentice, apprentice_id)
    if apprentice is None or apprentice.filing_id != filing.id:
        abort(404)
    return apprentice


def _to_filing(filing: ApprenticeshipFiling, anchor: str = ""):
    return redirect(url_for("apprenticeship.detail", filing_id=filing.id) + (f"#{anchor}" if anchor else ""))


# --- the list -----------------------------------------------------------------------------------

@bp.route("/")
@roles_required(*STAFF)
def index():
    """Filings in the user's jurisdiction; reviews past their due date are marked."""
    on = today()
    args = filter_args()
    query = (select(ApprenticeshipFiling).join(Enterprise, ApprenticeshipFiling.enterprise_id == Enterprise.id)
             .where(visible(ApprenticeshipFiling)).order_by(ApprenticeshipFiling.id.desc()))
    if args.get("status") in FILING_STATUSES:
        query = query.where(ApprenticeshipFiling.status == args["status"])
    if args.get("overdue") == "1":
        query = query.where(ApprenticeshipFiling.status == "submitted", ApprenticeshipFiling.review_due_on < on)
    if text := args.get("q", "").strip():
        query = query.where(or_(ApprenticeshipFiling.number.contains(text.upper()), Enterprise.name.contains(text)))
    page = db.paginate(query, per_page=30)
    clocks = {f.id: operations.review_clock(f, on) for f in page.items}
    return render_template("apprenticeship/index.html", page=page, args=args, statuses=FILING_STATUSES,
                           clocks=clocks, can_file=can_file_apprentices(current_user))


# --- the filing ---------------------------------------------------------------------------------

def _filing_choices(form: forms.FilingForm, filing: ApprenticeshipFiling | None) -> None:
    programmes = policy.filing_programmes()
    form.programme_code.choices = [(p.code, p.name) for p in programmes]
    try:
        programme = filing.programme if filing else policy.filing_programme(form.programme_code.data or None)
    except DomainError:  # an unknown code posted: the operation refuses it beside the field
        programme = policy.filing_programme()
    agencies = operations.eligible_agencies(programme, today())
    if filing and filing.agency not in agencies:
        agencies.insert(0, filing.agency)
    form.agency_id.choices = [(0, "请选择")] + [(a.id, f"{a.name}({a.kind_name})") for a in agencies]


def _filing_data(form: forms.FilingForm) -> operations.FilingData:
    return operations.FilingData(
        agency_id=form.agency_id.data or None, agreement_number=form.agreement_number.data or "",
        agreement_signed_on=form.agreement_signed_on.data, plan_start=form.plan_start.data,
        plan_end=form.plan_end.data, planned_hours=form.planned_hours.data, programme_code=form.programme_code.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required("enterprise")
def new():
    """An enterprise starts a filing with the district bureau of its registration (004 之四 二(一))."""
    require(can_file_apprentices(current_user))
    form = forms.FilingForm()
    _filing_choices(form, None)
    if form.validate_on_submit():
        with saving(form) as saved:
            filing = operations.create_filing(current_user.enterprise, _filing_data(form), today())
        if saved.ok:
            flash(f"已建立备案草稿 {filing.number},请添加学徒后提交。", "success")
            return _to_filing(filing)
    return render_template("apprenticeship/form.html", form=form, filing=None), 400 if form.errors else 200


@bp.route("/<int:filing_id>/edit", methods=["GET", "POST"])
@login_required
def edit(filing_id: int):
    """Change a draft's agency, agreement and plan."""
    filing = _filing(filing_id)
    require(can_edit_filing(current_user, filing))
    form = forms.FilingForm(obj=filing)
    _filing_choices(form, filing)
    if form.validate_on_submit():
        if save_form(form, lambda: operations.update_filing(filing, _filing_data(form), today()), "已保存。"):
            return _to_filing(filing)
    return render_template("apprenticeship/form.html", form=form, filing=filing), 400 if form.errors else 200


@bp.route("/<int:filing_id>")
@login_required
def detail(filing_id: int):
    """The filing: apprentices with their flags, review clock, plan sessions, claims and money."""
    filing = _filing(filing_id)
    on = today()
    sessions = operations.plan_sessions(filing)
    session_ids = {s.id for s in sessions}
    linkable = set(db.session.scalars(select(TrainingSession.id).where(
        TrainingSession.id.in_(session_ids), visible(TrainingSession)))) if session_ids else set()
    approved = filing.status == "approved"
    claims = filing_claims.filing_claims(filing)
    return render_template(
        "apprenticeship/detail.html", filing=filing, on=on, clock=operations.review_clock(filing, on),
        start_flag=operations.training_start_flag(filing, on), start_closes=operations.start_window_closes(filing),
        leaving_flags={a.id: apprentices.leaving_report_flag(a) for a in filing.apprentices},
        in_plan={a.id: apprentices.in_plan(a) for a in filing.apprentices},
        sessions=sessions, linkable=linkable, claims=claims, totals={c.id: workflow.totals(c) for c in claims},
        claims_linkable={c.id for c in claims if can_view(current_user, c)},
        settlement=filing_claims.settlement(filing) if approved else None,
        advance_window=filing_claims.advance_window(filing) if approved else None,
        final_window=filing_claims.final_window(filing) if approved else None,
        payable_text=filing_claims.payable_text,
        can_edit=can_edit_filing(current_user, filing), can_review=can_review_filing(current_user, filing),
        can_report=can_report_on_filing(current_user, filing), can_claim=can_claim_on_filing(current_user, filing),
        review_form=forms.ReviewForm(formdata=None), start_form=forms.StartForm(formdata=None, started_on=on),
    )


@bp.route("/<int:filing_id>/submit", methods=["POST"])
@login_required
def submit(filing_id: int):
    """Send the draft to the district bureau; the review's due date is counted in working days."""
    filing = _filing(filing_id)
    require(can_edit_filing(current_user, filing))
    perform(lambda: operations.submit_filing(filing, today()), "已提交备案,区人社局将在审核期限内完成评估审核。")
    return _to_filing(filing)


@bp.route("/<int:filing_id>/review", methods=["POST"])
@login_required
def review(filing_id: int):
    """District review: approve (the filing enters the plan) or reject with the reason (004 之四 二(四))."""
    filing = _filing(filing_id)
    require(can_review_filing(current_user, filing))
    form = forms.ReviewForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _to_filing(filing)
    if form.decision.data == "approve":
        perform(lambda: operations.approve_filing(filing, today(), _actor(), form.note.data),
                "已予以备案:企业名单和学徒已列入学徒制培训计划,学徒班已建立。")
    else:
        perform(lambda: operations.reject_filing(filing, today(), _actor(), form.note.data), "已决定不予备案。")
    return _to_filing(filing)


@bp.route("/<int:filing_id>/start", methods=["POST"])
@login_required
def start(filing_id: int):
    """Record the day training started (004 之四 二(五): within 60 days of filing)."""
    filing = _filing(filing_id)
    require(can_report_on_filing(current_user, filing))
    form = forms.StartForm()
    if form.validate_on_submit():
        perform(lambda: operations.record_training_start(filing, form.started_on.data, today()), "已登记开训日期。")
    else:
        flash_form_errors(form)
    return _to_filing(filing)


# --- apprentices --------------------------------------------------------------------------------

def _terms_choices(form: forms.TermsForm, filing: ApprenticeshipFiling) -> None:
    programme = filing.programme
    form.occupation_code.choices = [(o.code, o.name) for o in programme.occupations]
    levels = sorted({level for o in programme.occupations for level in o.levels}, reverse=True)
    form.level.choices = [(None, "专项(不分等级)")] * any(o.special for o in programme.occupations) + [
        (level, LEVELS[level]) for level in levels]


def _terms(form: forms.TermsForm) -> apprentices.ApprenticeTerms:
    return apprentices.ApprenticeTerms(
        occupation_code=form.occupation_code.data, level=form.level.data, contract_start=form.contract_start.data,
        contract_end=form.contract_end.data, insurance_confirmed=bool(form.insurance_confirmed.data),
        insurance_checked_on=form.insurance_checked_on.data, training_agreement_on=form.training_agreement_on.data,
    )


def _apprentice_form(filing: ApprenticeshipFiling, apprentice: Apprentice | None):
    form = forms.TermsForm(obj=apprentice) if apprentice else forms.ApprenticeForm()
    _terms_choices(form, filing)
    if form.validate_on_submit():
        with saving(form) as saved:
            if apprentice is None:
                person = apprentices.PersonData(form.document_type.data, form.document_number.data, form.name.data,
                                               form.hukou_type.data or "", form.phone.data or "")
                apprentices.add_apprentice(filing, person, _terms(form), today())
            else:
                apprentices.update_apprentice(apprentice, _terms(form), today())
        if saved.ok:
            flash("已保存学徒。", "success")
            return _to_filing(filing, "apprentices")
    return render_template("apprenticeship/apprentice_form.html", form=form, filing=filing, apprentice=apprentice), \
        400 if form.errors else 200


@bp.route("/<int:filing_id>/apprentices/new", methods=["GET", "POST"])
@login_required
def apprentice_new(filing_id: int):
    """Add an apprentice to a draft: contract, social insurance, 培养协议, occupation and level."""
    filing = _filing(filing_id)
    require(can_edit_filing(current_user, filing))
    return _apprentice_form(filing, None)


@bp.route("/<int:filing_id>/apprentices/<int:apprentice_id>/edit", methods=["GET", "POST"])
@login_required
def apprentice_edit(filing_id: int, apprentice_id: int):
    """Correct an apprentice's terms on a draft."""
    filing = _filing(filing_id)
    require(can_edit_filing(current_user, filing))
    return _apprentice_form(filing, _apprentice(filing, apprentice_id))


@bp.route("/<int:filing_id>/apprentices/<int:apprentice_id>/remove", methods=["POST"])
@login_required
def apprentice_remove(filing_id: int, apprentice_id: int):
    filing = _filing(filing_id)
    require(can_edit_filing(current_user, filing))
    apprentices.remove_apprentice(_apprentice(filing, apprentice_id))
    db.session.commit()
    flash("已从草稿中删除该学徒。", "success")
    return _to_filing(filing, "apprentices")


@bp.route("/<int:filing_id>/apprentices/<int:apprentice_id>/leaving", methods=["GET", "POST"])
@login_required
def leaving(filing_id: int, apprentice_id: int):
    """Report an apprentice who left (004 之四 二(三): within 15 days; a later report is flagged)."""
    filing = _filing(filing_id)
    require(can_report_on_filing(current_user, filing))
    apprentice = _apprentice(filing, apprentice_id)
    form = forms.LeavingForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            apprentices.report_leaving(apprentice, form.left_on.data, form.reason.data, today())
        if saved.ok:
            flag = apprentices.leaving_report_flag(apprentice)
            flash(f"已报告 {apprentice.trainee.name} 离职。" + (f"注意:{flag}" if flag else ""),
                  "warning" if flag else "success")
            return _to_filing(filing, "apprentices")
    days = parameters.value("leaving_report_days", today())
    return render_template("apprenticeship/leaving_form.html", form=form, filing=filing, apprentice=apprentice,
                           days=days), 400 if form.errors else 200


# --- claims -------------------------------------------------------------------------------------

def _claim(filing: ApprenticeshipFiling, claim_id: int) -> SubsidyClaim:
    """The filing's claim, if the user may see it (the claimant enterprise, its district, the city):
    the agency sees the filing, not the enterprise's claims (004 之四 二(五)、(七))."""
    claim = get_visible_or_404(SubsidyClaim, claim_id)
    if claim.filing_id != filing.id:
        abort(404)
    return claim


def _to_claim(filing: ApprenticeshipFiling, claim: SubsidyClaim):
    return redirect(url_for("subsidies.detail", claim_id=claim.id))


@bp.route("/<int:filing_id>/claims/<kind>", methods=["POST"])
@login_required
def claim_new(filing_id: int, kind: str):
    """Open an advance (预支) or final (结算) claim on an approved filing."""
    filing = _filing(filing_id)
    require(can_claim_on_filing(current_user, filing))
    opener = {"advance": filing_claims.open_advance_claim, "final": filing_claims.open_final_claim}.get(kind)
    if opener is None:
        abort(404)
    try:
        claim = opener(filing, today(), _actor())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return _to_filing(filing, "claims")
    db.session.commit()
    flash(f"已建立{claim.kind_name}草稿 {claim.number},核对人员后提交。", "success")
    return _to_claim(filing, claim)


@bp.route("/<int:filing_id>/claims/<int:claim_id>")
@login_required
def claim(filing_id: int, claim_id: int):
    """Claims are reviewed, noticed and paid on the shared claim page."""
    return _to_claim(_filing(filing_id), _claim(_filing(filing_id), claim_id))


def _claim_panel(claim: SubsidyClaim) -> dict:
    """The filing's facts on the shared claim page: window, settlement, what does not match the filing."""
    filing = claim.filing
    window = filing_claims.advance_window(filing) if claim.kind == "advance" else filing_claims.final_window(filing)
    return {"filing": filing, "window": window, "notes": filing_claims.review_notes(claim),
            "exclusions": filing_claims.exclusions(claim), "settlement": filing_claims.settlement(filing),
            "payable_text": filing_claims.payable_text}


for _kind in ("advance", "final"):
    register_claim_kind(_kind, ClaimKind(filing_claims.submit_claim, "apprenticeship/_claim_panel.html", _claim_panel))


def _count_filings(user) -> int:
    return db.session.scalar(select(func.count(ApprenticeshipFiling.id)).where(visible(ApprenticeshipFiling, user)))


def _count_apprentices(user) -> int:
    return db.session.scalar(select(func.count(Apprentice.id)).join(ApprenticeshipFiling)
                             .where(visible(ApprenticeshipFiling, user)))


register_records(
    PROGRAMME.code,
    RecordLink("学徒制备案", "apprenticeship.index", "企业的备案、学徒名册、开训和离职报告、预支与结算申领(穗人社函〔2020〕22号 之四 二)",
               count=_count_filings, roles=STAFF),
    RecordLink("备案学徒", "apprenticeship.index", "备案中的学徒人数(含已离职)", count=_count_apprentices, roles=STAFF),
    RecordLink("进展情况表和年度名录", "apprenticeship.reports_page",
               "6月5日、12月5日前的进展情况表和12月15日前的企业、培训机构名录(穗人社函〔2020〕22号 之四 四(一))",
               roles=("city", "district")),
)
