"""The enterprise's advance and final claims on an approved filing (004 之四 二(五)、(七)), through the
shared workflow of subsidies/claims.py, and what reviewers are shown about them.

* Advance (预支): within ``advance_claim_days`` of approval, one line per apprentice still in the plan
  at ``advance_percent`` of the standard in force on the approval day.
* Final (结算): from the end of training until ``apprentice_claim_days`` after it, one line per
  apprentice who passed, at the full standard of the approval day, less the advance paid on the
  filing (``deduction_fen``); the payable may be negative: the enterprise owes it back.

A filing's standard is the one in force when it entered the plan, so advance and final agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import exists, func, select

from ...extensions import db
from ..errors import DomainError
from ..subsidies import claims as workflow
from ..subsidies import parameters
from ..subsidies.models import ClaimLine, LedgerEntry, SubsidyClaim
from ..subsidies.standards import yuan
from ..training.models import Enrollment, TrainingSession
from .models import Apprentice, ApprenticeshipFiling
from .apprentices import conflicting_claim_line, double_subsidy_message, in_plan
from .policy import rule

#: Statuses of a claim still on its way (neither a draft, nor rejected, nor paid).
PENDING = ("submitted", "under_review", "approved", "partly_approved", "in_notice")


def live_claim(filing: ApprenticeshipFiling, kind: str) -> SubsidyClaim | None:
    """The filing's claim of this kind that is not rejected (at most one: a unique index says so)."""
    return db.session.scalar(select(SubsidyClaim).where(
        SubsidyClaim.filing_id == filing.id, SubsidyClaim.kind == kind, SubsidyClaim.status != "rejected"))


def filing_claims(filing: ApprenticeshipFiling) -> list[SubsidyClaim]:
    return list(db.session.scalars(select(SubsidyClaim).where(SubsidyClaim.filing_id == filing.id)
                                   .order_by(SubsidyClaim.id)))


def _require_approved(filing: ApprenticeshipFiling) -> None:
    if filing.status != "approved":
        raise DomainError(f"只有已备案(列入培训计划)的学徒备案可以申领补贴(当前状态:{filing.status_name})")


# --- windows ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Window:
    opens: date
    closes: date
    #: The rule, with the figures in force, for messages.
    rule: str


def advance_window(filing: ApprenticeshipFiling) -> Window:
    """备案后60天内 … 可按相应补贴标准的20%申请预支 (004 之四 二(五)); day 60 is the last."""
    approved = filing.decided_on
    days = parameters.value("advance_claim_days", approved)
    percent = parameters.value("advance_percent", approved)
    return Window(approved, approved + timedelta(days=days),
                  f"{rule('二(五)')}:备案后 {days} 天内可按补贴标准的 {percent}% 申请预支")


def training_end(filing: ApprenticeshipFiling) -> date:
    """When all training is done: the plan sessions' last end date, or the plan's end without them."""
    last = db.session.scalar(
        select(func.max(TrainingSession.end_date)).join(Enrollment, Enrollment.session_id == TrainingSession.id)
        .join(Apprentice, Apprentice.enrollment_id == Enrollment.id).where(Apprentice.filing_id == filing.id))
    return last or filing.plan_end


def final_window(filing: ApprenticeshipFiling) -> Window:
    """完成全部培训任务后60日内 … 申请学徒培训补贴 (004 之四 二(七))."""
    end = training_end(filing)
    days = parameters.value("apprentice_claim_days", end)
    return Window(end, end + timedelta(days=days),
                  f"{rule('二(七)')}:完成全部培训任务后 {days} 日内申请学徒培训补贴")


# --- lines --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Exclusion:
    apprentice: Apprentice
    reason: str


def _fill(claim: SubsidyClaim) -> list[Exclusion]:
    """Put the claim's people on it: who is eligible now, and why the others are not."""
    filing = claim.filing
    percent = parameters.value("advance_percent", filing.decided_on) if claim.kind == "advance" else 100
    excluded = []
    for apprentice in filing.apprentices:
        reason = eligibility(claim.kind, apprentice)
        if reason:
            excluded.append(Exclusion(apprentice, reason))
            continue
        workflow.add_line(claim, trainee_id=apprentice.trainee_id, occupation_code=apprentice.occupation_code,
                          level=apprentice.level, training_year=filing.plan_end.year, priced_on=filing.decided_on,
                          percent=percent, apprentice_id=apprentice.id, enrollment_id=apprentice.enrollment_id)
    db.session.flush()
    db.session.expire(claim, ["lines"])
    return excluded


def eligibility(kind: str, apprentice: Apprentice) -> str:
    """'' when the apprentice belongs on a claim of this kind, else why not."""
    if apprentice.left_on is not None:
        return f"已于 {apprentice.left_on:%Y-%m-%d} 离职"
    if not in_plan(apprentice):
        return "未列入培训计划"
    if kind == "final" and apprentice.enrollment.result != "passed":
        return f"考核结果:{apprentice.enrollment.result_name}(按考核合格人数申领,{rule('二(七)')})"
    filing = apprentice.filing
    line = conflicting_claim_line(apprentice.trainee_id, apprentice.occupation_code, apprentice.level,
                                  filing.programme, filing.id)
    return double_subsidy_message(apprentice.trainee.name, line) if line is not None else ""


def exclusions(claim: SubsidyClaim) -> list[Exclusion]:
    """The filing's apprentices not on the claim, and why (shown with the claim)."""
    on_claim = {line.apprentice_id for line in claim.lines}
    return [Exclusion(a, eligibility(claim.kind, a) or "未列入本申领")
            for a in claim.filing.apprentices if a.id not in on_claim]


# --- the advance paid and owed back -------------------------------------------------------------

def advance_paid(filing: ApprenticeshipFiling) -> int:
    """The advance actually paid on the filing (fen), as the ledger has it."""
    return sum(workflow.totals(c).paid for c in filing_claims(filing) if c.kind == "advance" and c.status == "paid")


@dataclass
class Settlement:
    """The filing's money: advance paid, the part of it paid for people who left or failed, and the
    final claim's payable (negative: the enterprise pays back)."""

    advance_paid: int
    #: (apprentice, fen, why) for each advance paid for someone who left or did not pass.
    owed_back_people: list[tuple[Apprentice, int, str]] = field(default_factory=list)
    final_claim: SubsidyClaim | None = None
    final: workflow.Totals | None = None

    @property
    def owed_back(self) -> int:
        return sum(fen for _, fen, _ in self.owed_back_people)

    @property
    def final_payable(self) -> int | None:
        return self.final.payable if self.final else None

    @property
    def enterprise_owes(self) -> int:
        """What the enterprise must pay back once the final claim is decided: its negative payable.
        (Before that, the advance owed back is deducted from the final claim.)"""
        return max(0, -self.final_payable) if self.final_payable is not None else 0


def _taken_off(line: ClaimLine) -> bool:
    """An upheld objection took the person off the claim (a correction entry names the line)."""
    return bool(db.session.scalar(select(exists().where(LedgerEntry.line_id == line.id,
                                                        LedgerEntry.kind == "correction"))))


def _owed_back_reason(apprentice: Apprentice | None) -> str:
    if apprentice is None:
        return ""
    if apprentice.left_on is not None:
        return f"已于 {apprentice.left_on:%Y-%m-%d} 离职"
    enrollment = apprentice.enrollment
    if enrollment is not None and enrollment.result in ("failed", "absent"):
        return f"考核{enrollment.result_name}"
    return ""


def settlement(filing: ApprenticeshipFiling) -> Settlement:
    result = Settlement(advance_paid(filing))
    for claim in filing_claims(filing):
        if claim.kind == "advance" and claim.status == "paid":
            for line in claim.lines:
                if line.decision != "approved" or _taken_off(line):
                    continue
                apprentice = db.session.get(Apprentice, line.apprentice_id) if line.apprentice_id else None
                why = _owed_back_reason(apprentice)
                if why:
                    result.owed_back_people.append((apprentice, line.amount_fen, why))
        elif claim.kind == "final" and claim.status != "rejected":
            result.final_claim = claim
            result.final = workflow.totals(claim) if claim.approved_fen is not None else None
    return result


def payable_text(fen: int | None) -> str:
    """应付 X 元, or 企业应退回 X 元 for a negative payable."""
    if fen is None:
        return "—"
    return f"企业应退回 {yuan(-fen)} 元" if fen < 0 else f"{yuan(fen)} 元"


# --- opening and submitting ---------------------------------------------------------------------

def open_advance_claim(filing: ApprenticeshipFiling, on: date, created_by: str) -> SubsidyClaim:
    """A draft advance claim (004 之四 二(五)); refused after the window closes, naming its last day."""
    _require_approved(filing)
    window = advance_window(filing)
    if on > window.closes:
        raise DomainError(f"预支申请期已于 {window.closes:%Y-%m-%d} 截止({window.rule}),不能再申请预支")
    existing = live_claim(filing, "advance")
    if existing is not None:
        raise DomainError(f"本备案已有预支申请 {existing.number}({existing.status_name})")
    if live_claim(filing, "final") is not None:
        raise DomainError("本备案已申请结算,不能再申请预支")
    claim = workflow.open_claim("advance", filing.programme_code, filing.district, created_by, on,
                                enterprise=filing.enterprise, filing=filing)
    _fill(claim)
    if not claim.lines:
        raise DomainError("没有仍在培训计划中、可以预支的学徒")
    return claim


def _pending_advance(filing: ApprenticeshipFiling) -> SubsidyClaim | None:
    return next((c for c in filing_claims(filing) if c.kind == "advance" and c.status in PENDING), None)


def open_final_claim(filing: ApprenticeshipFiling, on: date, created_by: str) -> SubsidyClaim:
    """A draft final claim for those who passed, less the advance paid (004 之四 二(七))."""
    _require_approved(filing)
    window = final_window(filing)
    if on < window.opens:
        raise DomainError(f"培训计划于 {window.opens:%Y-%m-%d} 结束,完成全部培训任务后方可申请学徒培训补贴({rule('二(七)')})")
    if on > window.closes:
        raise DomainError(f"学徒培训补贴申领期已于 {window.closes:%Y-%m-%d} 截止({window.rule}),不能再申请")
    existing = live_claim(filing, "final")
    if existing is not None:
        raise DomainError(f"本备案已有结算申请 {existing.number}({existing.status_name})")
    _check_no_pending_advance(filing)
    claim = workflow.open_claim("final", filing.programme_code, filing.district, created_by, on,
                                enterprise=filing.enterprise, filing=filing)
    _fill(claim)
    if not claim.lines:
        owed = settlement(filing).owed_back
        tail = f";已预支的 {yuan(owed)} 元应退回" if owed else ""
        raise DomainError(f"没有考核合格的学徒,不能申请学徒培训补贴(按考核合格人数申领,{rule('二(七)')}){tail}")
    claim.deduction_fen = advance_paid(filing)
    db.session.flush()
    return claim


def _check_no_pending_advance(filing: ApprenticeshipFiling) -> None:
    pending = _pending_advance(filing)
    if pending is not None:
        raise DomainError(f"本备案的预支申请 {pending.number} 尚未办结({pending.status_name}),"
                          f"拨付后方可申请结算(结算时扣除已预支部分,{rule('二(七)')})")


def submit_claim(claim: SubsidyClaim, on: date, actor: str) -> SubsidyClaim:
    """Work the people out again (someone may have left or been assessed since the draft) and submit
    within the window of its kind; a final claim deducts the advance paid as of now."""
    filing = claim.filing
    _require_approved(filing)
    if claim.kind == "final":
        _check_no_pending_advance(filing)
    elif live_claim(filing, "final") is not None:
        raise DomainError("本备案已申请结算,不能再申请预支")
    window = advance_window(filing) if claim.kind == "advance" else final_window(filing)
    workflow.clear_lines(claim)
    _fill(claim)
    if claim.kind == "final":
        claim.deduction_fen = advance_paid(filing)
    return workflow.submit(claim, on, window.closes, window.rule, actor)


# --- what reviewers see -------------------------------------------------------------------------

@dataclass
class ReviewNotes:
    """Over-claiming made visible (issue 7, item 4): the claim against the filing's facts."""

    #: Claim-wide warnings.
    warnings: list[str] = field(default_factory=list)
    #: line id → what is wrong with that person.
    lines: dict[int, list[str]] = field(default_factory=dict)
    #: Apprentices of the filing who left, and when.
    left: list[Apprentice] = field(default_factory=list)


def review_notes(claim: SubsidyClaim) -> ReviewNotes:
    filing = claim.filing
    notes = ReviewNotes(left=[a for a in filing.apprentices if a.left_on is not None])
    apprentices = {a.id: a for a in filing.apprentices}
    for line in claim.lines:
        flags = []
        apprentice = apprentices.get(line.apprentice_id)
        if apprentice is None:
            flags.append("不是本备案的学徒")
        else:
            if apprentice.left_on is not None:
                flags.append(f"已于 {apprentice.left_on:%Y-%m-%d} 离职")
            if claim.kind == "final" and (apprentice.enrollment is None or apprentice.enrollment.result != "passed"):
                result = apprentice.enrollment.result_name if apprentice.enrollment else "未列入计划"
                flags.append(f"考核结果:{result}")
            other = conflicting_claim_line(line.trainee_id, line.occupation_code, line.level, filing.programme,
                                           filing.id)
            if other is not None:
                flags.append(double_subsidy_message(line.trainee.name, other))
        if flags:
            notes.lines[line.id] = flags
    if claim.kind == "final":
        passed = sum(1 for a in filing.apprentices if a.enrollment is not None and a.enrollment.result == "passed")
        if len(claim.lines) > passed:
            notes.warnings.append(f"申领 {len(claim.lines)} 人,超过本备案考核合格学徒 {passed} 人"
                                  f"(按考核合格人数申领,{rule('二(七)')})")
    else:
        staying = sum(1 for a in filing.apprentices if in_plan(a))
        if len(claim.lines) > staying:
            notes.warnings.append(f"预支 {len(claim.lines)} 人,超过仍在培训计划中的学徒 {staying} 人")
    if notes.lines:
        notes.warnings.append(f"{len(notes.lines)} 人的情况与备案记录不符,见下表标注({rule('四(三)')}:不得虚报补贴人数和金额)")
    return notes


def line_for(claim: SubsidyClaim, line_id: int | None) -> ClaimLine | None:
    """A line of this claim (None for a line of another claim)."""
    if not line_id:
        return None
    line = db.session.get(ClaimLine, line_id)
    return line if line is not None and line.claim_id == claim.id else None
