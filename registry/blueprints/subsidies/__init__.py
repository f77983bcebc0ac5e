"""Subsidy claims: a base's training-subsidy claim for a completed session, and the review,
notice, objection, payment and correction steps every claim goes through (issue 7, items 2, 4, 5).

Who may do what is in ``auth.permissions`` (claims_visible, can_claim_for_session, can_file_claim,
can_review_claim); the rules are in ``domain.subsidies``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ...auth.permissions import (
    can_claim_for_session, can_file_claim, can_review_claim, get_visible_or_404, require, roles_required,
    sees_claim_signals, visible,
)
from ...domain.common import today
from ...domain.errors import DomainError
from ...domain.subsidies import claims, signals, training
from ...domain.subsidies.models import CLAIM_KINDS, CLAIM_STATUSES, LedgerEntry, Objection, SubsidyClaim
from ...domain.subsidies.standards import parse_yuan, yuan
from ...domain.subsidies.workdays import working_days_between
from ...domain.training.models import TrainingSession
from ...extensions import db
from ..forms_common import filter_args, flash_form_errors, perform, saving
from . import forms

bp = Blueprint("subsidies", __name__, url_prefix="/subsidies")


@dataclass(frozen=True)
class ClaimKind:
    """What one kind of claim brings to the shared claim page: how a draft is submitted (its own
    eligibility and window), and a panel of its own facts (a template and its context)."""

    submit: Callable[[SubsidyClaim, date, str], SubsidyClaim]
    panel: str | None = None
    context: Callable[[SubsidyClaim], dict] | None = None


#: Claim kinds by code; other packages add theirs with register_claim_kind.
CLAIM_KIND_HOOKS: dict[str, ClaimKind] = {"training": ClaimKind(training.submit_claim)}


def register_claim_kind(kind: str, hooks: ClaimKind) -> None:
    CLAIM_KIND_HOOKS[kind] = hooks

STAFF = ("city", "district", "base", "enterprise")


@bp.app_template_filter("yuan")
def _yuan(fen: int | None) -> str:
    return yuan(fen)


def _actor() -> str:
    return current_user.display_name or current_user.username


# --- the list -------------------------------------------------------------------------------

@bp.route("/claims")
@roles_required(*STAFF)
def index():
    """Claims in the user's jurisdiction; overdue reviews first when asked, and always marked."""
    on = today()
    query = (select(SubsidyClaim).where(visible(SubsidyClaim))
             .order_by(SubsidyClaim.submitted_on.desc().nulls_first(), SubsidyClaim.id.desc()))
    args = filter_args()
    if args.get("status") in CLAIM_STATUSES:
        query = query.where(SubsidyClaim.status == args["status"])
    if args.get("kind") in CLAIM_KINDS:
        query = query.where(SubsidyClaim.kind == args["kind"])
    if args.get("overdue"):
        query = query.where(SubsidyClaim.status.in_(claims.REVIEWABLE), SubsidyClaim.review_due_on < on)
    page = db.paginate(query, per_page=30)
    clocks = {claim.id: claims.review_clock(claim, on) for claim in page.items}
    return render_template("subsidies/index.html", page=page, args=args, clocks=clocks, on=on,
                           statuses=CLAIM_STATUSES, kinds=CLAIM_KINDS)


# --- a session's claim --------------------------------------------------------------------------

@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def session_claim(session_id: int):
    """Who of a completed session can be claimed for, and why not for the others; the base files."""
    session = get_visible_or_404(TrainingSession, session_id)
    on = today()
    form = forms.ActionForm()
    if request.method == "POST":
        require(can_claim_for_session(current_user, session))
        if form.validate_on_submit():
            try:
                claim = training.create_claim(session, _actor(), on)
            except DomainError as error:
                db.session.rollback()
                flash(error.message, "danger")
            else:
                db.session.commit()
                flash(f"已建立申领草稿 {claim.number},核对后提交。", "success")
                return redirect(url_for("subsidies.detail", claim_id=claim.id))
    existing = db.session.scalars(select(SubsidyClaim).where(SubsidyClaim.session_id == session.id)
                                  .order_by(SubsidyClaim.id.desc())).all()
    try:
        training.check_can_claim(session, on)
        blocked, found = None, training.candidates(session, on)
    except DomainError as error:
        blocked, found = error.message, []
    return render_template("subsidies/session.html", session=session, candidates=found, blocked=blocked,
                           existing=existing, form=form, can_claim=can_claim_for_session(current_user, session),
                           closes_on=_closes_on(session))


def _closes_on(session: TrainingSession):
    try:
        return training.window_closes(session)
    except DomainError:
        return None


# --- one claim ----------------------------------------------------------------------------------

def _load(claim_id: int) -> SubsidyClaim:
    return get_visible_or_404(SubsidyClaim, claim_id)


@bp.route("/claims/<int:claim_id>")
@roles_required(*STAFF)
def detail(claim_id: int):
    claim = _load(claim_id)
    return _render(claim)


def _render(claim: SubsidyClaim, **form_overrides):
    on = today()
    reviewer = can_review_claim(current_user, claim)
    objection_form = form_overrides.get("objection_form") or forms.ObjectionForm(received_on=on)
    objection_form.line_id.choices = [(0, "不针对具体人员")] + [(line.id, line.trainee.name) for line in claim.lines]
    correction_form = form_overrides.get("correction_form") or forms.CorrectionForm()
    correction_form.entry_id.choices = [(e.id, f"#{e.id} {e.kind_name} {yuan(e.amount_fen)} 元({e.on:%Y-%m-%d})")
                                        for e in claim.entries if e.kind != "correction"]
    hooks = CLAIM_KIND_HOOKS.get(claim.kind)
    panel = hooks.panel if hooks else None
    panel_context = hooks.context(claim) if hooks and hooks.context else {}
    remaining = None
    if claim.review_due_on and claim.status in claims.REVIEWABLE:
        remaining = working_days_between(on, claim.review_due_on) if on <= claim.review_due_on else None
    return render_template(
        "subsidies/detail.html", claim=claim, on=on, totals=claims.totals(claim),
        clock=claims.review_clock(claim, on), remaining=remaining,
        signals=signals.signals_for(claim) if sees_claim_signals(current_user) and claim.status != "draft" else None,
        can_file=can_file_claim(current_user, claim), reviewer=reviewer,
        action_form=forms.ActionForm(), decision_form=form_overrides.get("decision_form") or forms.DecisionForm(),
        objection_form=objection_form, answer_form=forms.AnswerForm(),
        payment_form=form_overrides.get("payment_form") or forms.PaymentForm(paid_on=on),
        correction_form=correction_form, closes_on=_claim_closes_on(claim), panel=panel, **panel_context,
    )


def _claim_closes_on(claim: SubsidyClaim):
    return _closes_on(claim.session) if claim.session else None


def _back(claim: SubsidyClaim):
    return redirect(url_for("subsidies.detail", claim_id=claim.id))


def _step(claim_id: int, allowed, action, success: str):
    """A button on the claim page: role check, CSRF, the domain step, commit or say why not."""
    claim = _load(claim_id)
    require(allowed(current_user, claim))
    if forms.ActionForm().validate_on_submit():
        perform(lambda: action(claim), success)
    return _back(claim)


@bp.route("/claims/<int:claim_id>/submit", methods=["POST"])
@roles_required("base", "enterprise")
def submit(claim_id: int):
    """Each kind works its people out again on the day it is filed, by its own rules."""
    def run(claim):
        hooks = CLAIM_KIND_HOOKS.get(claim.kind) or abort(404)
        hooks.submit(claim, today(), _actor())
    return _step(claim_id, can_file_claim, run, "申领已提交,区人社局将在规定工作日内完成审核。")


@bp.route("/claims/<int:claim_id>/review", methods=["POST"])
@roles_required("district")
def start_review(claim_id: int):
    return _step(claim_id, can_review_claim, lambda claim: claims.start_review(claim, _actor(), today()),
                 "已受理,开始审核。")


@bp.route("/claims/<int:claim_id>/lines", methods=["POST"])
@roles_required("district")
def decide_lines(claim_id: int):
    """Per-person decisions from one form: decision-<line id> and reason-<line id>; the button
    ``rest=approved`` approves everyone left undecided."""
    def run(claim):
        rest = "approved" if request.form.get("rest") == "approved" else ""
        for line in claim.lines:
            decision = request.form.get(f"decision-{line.id}", "") or ("" if line.decision else rest)
            if decision:
                claims.decide_line(line, decision, request.form.get(f"reason-{line.id}", ""))
    return _step(claim_id, can_review_claim, run, "已保存逐人核定结果。")


@bp.route("/claims/<int:claim_id>/decide", methods=["POST"])
@roles_required("district")
def decide(claim_id: int):
    claim = _load(claim_id)
    require(can_review_claim(current_user, claim))
    form = forms.DecisionForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            claims.decide(claim, today(), _actor(), form.note.data or "", reject=form.outcome.data == "reject")
        if not saved.ok:
            return _render(_load(claim_id), decision_form=form), 422
        flash(f"审核结论:{claim.status_name}。", "success")
        return _back(claim)
    flash_form_errors(form)
    return _back(claim)


@bp.route("/claims/<int:claim_id>/notice", methods=["POST"])
@roles_required("district")
def start_notice(claim_id: int):
    return _step(claim_id, can_review_claim, lambda claim: claims.start_notice(claim, today()), "已开始公示。")


@bp.route("/claims/<int:claim_id>/objections", methods=["POST"])
@roles_required("district")
def objection(claim_id: int):
    claim = _load(claim_id)
    require(can_review_claim(current_user, claim))
    form = forms.ObjectionForm()
    form.line_id.choices = [(0, "")] + [(line.id, line.trainee.name) for line in claim.lines]
    if form.validate_on_submit():
        line = next((l for l in claim.lines if l.id == form.line_id.data), None)
        with saving(form) as saved:
            claims.record_objection(claim, form.received_on.data, form.raised_by.data, form.content.data, line)
        if not saved.ok:
            return _render(_load(claim_id), objection_form=form), 422
        flash("已登记公示异议。", "success")
        return _back(claim)
    return _render(claim, objection_form=form), 422


@bp.route("/claims/<int:claim_id>/objections/answer", methods=["POST"])
@roles_required("district")
def answer(claim_id: int):
    claim = _load(claim_id)
    require(can_review_claim(current_user, claim))
    form = forms.AnswerForm()
    found = db.session.scalar(select(Objection).where(Objection.id == _int(form.objection_id.data),
                                                      Objection.claim_id == claim.id))
    if found is None:
        abort(404)
    if form.validate_on_submit():
        perform(lambda: claims.answer_objection(found, form.outcome.data, form.response.data, today(), _actor()),
                "已答复异议。")
    else:
        flash_form_errors(form)
    return _back(claim)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@bp.route("/claims/<int:claim_id>/pay", methods=["POST"])
@roles_required("district")
def pay(claim_id: int):
    claim = _load(claim_id)
    require(can_review_claim(current_user, claim))
    form = forms.PaymentForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            claims.pay(claim, form.paid_on.data, form.reference.data, _actor())
        if not saved.ok:
            return _render(_load(claim_id), payment_form=form), 422
        flash("已登记拨付。", "success")
        return _back(claim)
    return _render(claim, payment_form=form), 422


@bp.route("/claims/<int:claim_id>/corrections", methods=["POST"])
@roles_required("district")
def correct(claim_id: int):
    claim = _load(claim_id)
    require(can_review_claim(current_user, claim))
    form = forms.CorrectionForm()
    form.entry_id.choices = [(e.id, "") for e in claim.entries]
    if form.validate_on_submit():
        entry = db.session.scalar(select(LedgerEntry).where(LedgerEntry.id == form.entry_id.data,
                                                            LedgerEntry.claim_id == claim.id))
        with saving(form) as saved:
            if entry is None:
                raise DomainError("请选择要更正的台账记录", "entry_id")
            text = (form.amount.data or "").strip()
            sign = -1 if text.startswith("-") else 1
            amount = sign * parse_yuan(text.lstrip("+-"), "amount")
            claims.correct(entry, amount, form.reason.data, today(), _actor(), form.reference.data)
        if not saved.ok:
            return _render(_load(claim_id), correction_form=form), 422
        flash("已记入更正记录。", "success")
        return _back(claim)
    return _render(claim, correction_form=form), 422
