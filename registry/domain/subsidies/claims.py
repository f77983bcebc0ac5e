"""The claim workflow shared by training, advance and final claims (issue 7, items 2, 3 and 5).

draft → submitted → under review → approved / partly approved / rejected → publicly noticed
(公示, objections answered) → paid. Submitting fixes the lines and writes a ``claimed`` ledger
entry; deciding freezes the lines and writes ``approved``; paying writes ``paid``. Nothing after
submission is edited: an upheld objection or a payment error is a ``correction`` entry naming the
entry it corrects. Each kind's own eligibility lives in its module (training.py, and the
apprenticeship filings); they call :func:`open_claim`, :func:`add_line` and :func:`submit`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from ...extensions import db
from ..common import today
from ..errors import DomainError
from . import parameters
from .models import ClaimLine, LedgerEntry, Objection, SubsidyClaim
from .standards import amount_for, yuan
from .workdays import add_working_days

#: Claim number prefixes: 培训 (PX), 预支 (YZ), 结算 (JS).
NUMBER_PREFIXES = {"training": "PX", "advance": "YZ", "final": "JS"}
REVIEWABLE = ("submitted", "under_review")
DECIDED = ("approved", "partly_approved")


def _number(kind: str, district_code: str, year: int) -> str:
    prefix = f"{NUMBER_PREFIXES[kind]}{year}-{district_code}-"
    last = db.session.scalar(select(func.max(SubsidyClaim.number)).where(SubsidyClaim.number.startswith(prefix)))
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:05d}"


def open_claim(kind: str, programme_code: str, district, created_by: str, on: date, **claimed) -> SubsidyClaim:
    """A draft claim; ``claimed`` names the base and session, or the enterprise and filing."""
    claim = SubsidyClaim(kind=kind, programme_code=programme_code, district_id=district.id,
                         number=_number(kind, district.code, on.year), created_by=created_by, status="draft",
                         claimed_fen=0, deduction_fen=0, **claimed)
    db.session.add(claim)
    db.session.flush()
    return claim


def add_line(claim: SubsidyClaim, *, trainee_id: int, occupation_code: str, level: int | None, training_year: int,
             priced_on: date, percent: int = 100, **links) -> ClaimLine:
    """A person on a draft, priced by the standard (and list uplift) in force on ``priced_on``."""
    amount = amount_for(claim.programme_code, occupation_code, level, priced_on, percent)
    line = ClaimLine(claim=claim, trainee_id=trainee_id, occupation_code=occupation_code, level=level,
                     training_year=training_year, standard_id=amount.standard.id,
                     standard_fen=amount.standard.amount_fen, uplift_percent=amount.uplift_percent,
                     amount_fen=amount.fen, **links)
    db.session.add(line)
    return line


def clear_lines(claim: SubsidyClaim) -> None:
    """Drafts only: lines are worked out again before submitting (nothing was submitted yet)."""
    _require(claim, ("draft",), "只有草稿可以重新计算人员")
    for line in list(claim.lines):
        db.session.delete(line)
    db.session.flush()
    db.session.expire(claim, ["lines"])


def _require(claim: SubsidyClaim, statuses: tuple[str, ...], message: str) -> None:
    if claim.status not in statuses:
        raise DomainError(f"{message}(当前状态:{claim.status_name})")


def _entry(claim: SubsidyClaim, kind: str, amount_fen: int, on: date, actor: str, **fields) -> LedgerEntry:
    entry = LedgerEntry(claim=claim, kind=kind, amount_fen=amount_fen, on=on, actor_name=actor, **fields)
    db.session.add(entry)
    db.session.flush()
    return entry


def submit(claim: SubsidyClaim, on: date, closes_on: date, rule: str, actor: str) -> SubsidyClaim:
    """File the draft: refused after the window closes, naming the day it closed and the rule."""
    _require(claim, ("draft",), "只能提交草稿")
    if on > closes_on:
        raise DomainError(f"申领期已于 {closes_on:%Y-%m-%d} 截止({rule}),不能再提交")
    if not claim.lines:
        raise DomainError("没有符合条件的人员,不能提交申领")
    claim.claimed_fen = sum(line.amount_fen for line in claim.lines)
    deadline = add_working_days(on, parameters.value("review_working_days", on))
    claim.submitted_on, claim.review_due_on, claim.due_date_estimated = on, deadline.day, not deadline.from_calendar
    claim.status = "submitted"
    _entry(claim, "claimed", claim.claimed_fen, on, actor, note=f"{len(claim.lines)} 人")
    return claim


def start_review(claim: SubsidyClaim, reviewer: str, on: date) -> SubsidyClaim:
    _require(claim, ("submitted",), "只能受理已提交的申领")
    claim.status, claim.reviewer, claim.review_started_on = "under_review", reviewer, on
    db.session.flush()
    return claim


def decide_line(line: ClaimLine, decision: str, reason: str = "") -> ClaimLine:
    """Per person: approve, or refuse with the reason (issue 7, item 2: partly approved)."""
    _require(line.claim, ("under_review",), "只能在审核中逐人核定")
    if decision not in ("approved", "refused"):
        raise DomainError("请选择核准或不予核准", "decision")
    if decision == "refused" and not (reason or "").strip():
        raise DomainError(f"{line.trainee.name}:不予核准须填写理由", "reason")
    line.decision, line.decision_reason = decision, (reason or "").strip() or None
    db.session.flush()
    return line


def decide(claim: SubsidyClaim, on: date, reviewer: str, note: str = "", reject: bool = False) -> SubsidyClaim:
    """Close the review: rejected as a whole (with a reason), or approved for the people approved."""
    _require(claim, ("under_review",), "只能对审核中的申领作出决定")
    if reject:
        if not (note or "").strip():
            raise DomainError("不予通过须填写理由", "note")
        approved, status = 0, "rejected"
    else:
        undecided = [line.trainee.name for line in claim.lines if line.decision is None]
        if undecided:
            raise DomainError(f"还有 {len(undecided)} 人未核定:{'、'.join(undecided[:5])}")
        approved = sum(line.amount_fen for line in claim.lines if line.decision == "approved")
        refused = any(line.decision == "refused" for line in claim.lines)
        status = "rejected" if approved == 0 else ("partly_approved" if refused else "approved")
    claim.approved_fen, claim.decided_on, claim.decision_note = approved, on, (note or "").strip() or None
    claim.reviewer = reviewer
    # Lines freeze with the new status: their last decisions are flushed first.
    db.session.flush()
    claim.status = status
    _entry(claim, "approved", approved, on, reviewer, note=claim.status_name + (f":{note.strip()}" if note else ""))
    return claim


def start_notice(claim: SubsidyClaim, on: date) -> SubsidyClaim:
    """公示 for the configured number of days, from ``on``."""
    _require(claim, DECIDED, "只有审核通过的申领可以公示")
    days = parameters.value("notice_days", on)
    claim.status, claim.notice_from, claim.notice_until = "in_notice", on, on + timedelta(days=days - 1)
    db.session.flush()
    return claim


def record_objection(claim: SubsidyClaim, received_on: date | None, raised_by: str, content: str,
                     line: ClaimLine | None = None) -> Objection:
    _require(claim, ("in_notice",), "只能在公示期内登记异议")
    if received_on is None or not claim.notice_from <= received_on <= claim.notice_until:
        raise DomainError(f"异议须在公示期({claim.notice_from:%Y-%m-%d} 至 {claim.notice_until:%Y-%m-%d})内收到",
                          "received_on")
    if not (content or "").strip():
        raise DomainError("请填写异议内容", "content")
    if line is not None and line.claim_id != claim.id:
        raise DomainError("所选人员不在本申领中", "line_id")
    objection = Objection(claim=claim, line=line, received_on=received_on, raised_by=(raised_by or "").strip(),
                          content=content.strip())
    db.session.add(objection)
    db.session.flush()
    return objection


def answer_objection(objection: Objection, outcome: str, response: str, on: date, actor: str) -> Objection:
    """An upheld objection about an approved person takes their amount off as a correction entry."""
    _require(objection.claim, ("in_notice",), "只能在公示阶段答复异议")
    if objection.outcome:
        raise DomainError("该异议已答复")
    if outcome not in ("upheld", "dismissed"):
        raise DomainError("请选择异议是否成立", "outcome")
    if not (response or "").strip():
        raise DomainError("请填写答复意见", "response")
    line = objection.line
    if outcome == "upheld":
        if line is None:
            raise DomainError("异议成立须指明涉及的人员(整体不成立的申领请退回重审)", "outcome")
        if line.decision == "approved" and not _line_withdrawn(line):
            approval = _claim_entry(objection.claim, "approved")
            _entry(objection.claim, "correction", -line.amount_fen, on, actor, corrects_id=approval.id,
                   line_id=line.id, reference=f"异议#{objection.id}",
                   note=f"公示异议成立,核减 {line.trainee.name}:{response.strip()}")
    objection.outcome, objection.response, objection.answered_on = outcome, response.strip(), on
    db.session.flush()
    return objection


def _claim_entry(claim: SubsidyClaim, kind: str) -> LedgerEntry:
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.claim_id == claim.id, LedgerEntry.kind == kind)
                             .order_by(LedgerEntry.id.desc()).limit(1))


def _line_withdrawn(line: ClaimLine) -> bool:
    return db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.line_id == line.id,
                                                          LedgerEntry.kind == "correction")) is not None


@dataclass(frozen=True)
class Totals:
    claimed: int
    approved: int | None
    #: Approved, less an upheld objection's corrections and any advance deducted: what is to be paid.
    payable: int | None
    paid: int
    deduction: int

    @property
    def outstanding(self) -> int | None:
        return None if self.payable is None else self.payable - self.paid


def totals(claim: SubsidyClaim) -> Totals:
    """The claim's money as the ledger has it (corrections count against what they correct)."""
    by_id = {entry.id: entry for entry in claim.entries}
    approved = paid = None
    for entry in claim.entries:
        target = by_id.get(entry.corrects_id).kind if entry.corrects_id in by_id else None
        if entry.kind == "approved" or (entry.kind == "correction" and target == "approved"):
            approved = (approved or 0) + entry.amount_fen
        elif entry.kind == "paid" or (entry.kind == "correction" and target == "paid"):
            paid = (paid or 0) + entry.amount_fen
    payable = None if approved is None else approved - claim.deduction_fen
    return Totals(claim.claimed_fen, approved, payable, paid or 0, claim.deduction_fen)


def pay(claim: SubsidyClaim, on: date | None, reference: str, actor: str) -> LedgerEntry:
    """Record the payment after the notice period, every objection answered; the amount is what is payable."""
    _require(claim, ("in_notice",), "只有公示期满的申领可以拨付")
    if on is None:
        raise DomainError("请填写拨付日期", "paid_on")
    if on > today():
        raise DomainError("拨付日期不能晚于今天", "paid_on")
    if on <= claim.notice_until:
        raise DomainError(f"公示期至 {claim.notice_until:%Y-%m-%d},期满后方可拨付", "paid_on")
    if any(o.outcome is None for o in claim.objections):
        raise DomainError("还有未答复的公示异议,答复后方可拨付")
    if not (reference or "").strip():
        raise DomainError("请填写支付凭证号", "reference")
    amount = totals(claim).payable
    claim.status, claim.paid_on, claim.payment_reference = "paid", on, reference.strip()
    return _entry(claim, "paid", amount, on, actor, reference=reference.strip(),
                  note="" if amount >= 0 else f"应退回 {yuan(-amount)} 元")


def correct(entry: LedgerEntry, amount_fen: int, reason: str, on: date, actor: str, reference: str = "") -> LedgerEntry:
    """A correction of a submitted, approved or paid amount: a new entry naming the one it corrects."""
    if entry.kind == "correction":
        raise DomainError("请更正原始记录,而不是更正记录本身")
    if amount_fen == 0:
        raise DomainError("更正金额不能为0", "amount")
    if not (reason or "").strip():
        raise DomainError("请填写更正理由", "reason")
    return _entry(entry.claim, "correction", amount_fen, on, actor, corrects_id=entry.id,
                  reference=(reference or "").strip(), note=reason.strip())


@dataclass(frozen=True)
class ReviewClock:
    due_on: date | None
    overdue: bool
    warning: str


def review_clock(claim: SubsidyClaim, on: date) -> ReviewClock:
    """The district's review deadline and whether it has passed with the claim still undecided."""
    from .workdays import Deadline

    warning = Deadline(claim.review_due_on, False).warning if claim.due_date_estimated else ""
    overdue = claim.status in REVIEWABLE and claim.review_due_on is not None and on > claim.review_due_on
    return ReviewClock(claim.review_due_on, overdue, warning)
