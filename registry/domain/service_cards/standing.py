"""What the facts say today: may this worker get a card, and does their card stand?

Both read the same :class:`WorkerFacts`, so the checklist a clerk sees before issuing and the status
a family sees at the door never disagree. Nothing here is stored: the status changes the moment a
health check lapses, a black-listing is recorded or a card is revoked.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..certificates.models import Certificate
from ..trainees.models import Trainee
from .models import HealthCheck, IdentityCheck, ServiceCard, StarRating, WorkerPhoto
from .policy import CardRules
from .records import (
    Credit, credit_in_force, health_in_force, last_training_end, latest_health_check, latest_identity_check,
    latest_photo, latest_rating, qualifying_certificates,
)


@dataclass
class WorkerFacts:
    trainee: Trainee
    rules: CardRules
    on: date
    identity_check: IdentityCheck | None
    health_check: HealthCheck | None
    credit: Credit
    rating: StarRating | None
    photo: WorkerPhoto | None
    #: Track → the certificate that qualifies the worker for it.
    certificates: dict[str, Certificate]
    last_training_end: date | None

    @classmethod
    def gather(cls, trainee: Trainee, rules: CardRules, on: date) -> "WorkerFacts":
        return cls(
            trainee, rules, on, latest_identity_check(trainee.id), latest_health_check(trainee.id),
            credit_in_force(trainee.id, rules, on), latest_rating(trainee.id), latest_photo(trainee.id),
            qualifying_certificates(trainee.id, rules, on), last_training_end(trainee.id, rules),
        )

    @property
    def health_ok(self) -> bool:
        return health_in_force(self.health_check, self.on)

    @property
    def retraining_due(self) -> date | None:
        return self.rules.retraining_due(self.last_training_end)

    @property
    def retrain_overdue(self) -> bool:
        due = self.retraining_due
        return due is not None and due < self.on

    def track_name(self, code: str) -> str:
        track = self.rules.programme.track(code)
        return track.name if track else code

    def health_text(self) -> str:
        check = self.health_check
        if check is None:
            return "无体检记录"
        text = f"{check.checked_on:%Y-%m-%d} {check.institution} {check.result_name}"
        if check.result != "fit":
            return text + ",最近一次体检不合格"
        if check.expires_on < self.on:
            return text + f",已于 {check.expires_on:%Y-%m-%d} 过期"
        return text + f",有效至 {check.expires_on:%Y-%m-%d}"


@dataclass(frozen=True)
class Requirement:
    code: str
    label: str
    met: bool
    detail: str


@dataclass
class Eligibility:
    requirements: list[Requirement]
    #: Track codes the worker would get on a card.
    tracks: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def unmet(self) -> list[Requirement]:
        return [r for r in self.requirements if not r.met]

    def refusal(self) -> str:
        return "不符合发证条件:" + ";".join(f"{r.label}({r.detail})" for r in self.unmet)


def eligibility(facts: WorkerFacts, active_card: ServiceCard | None) -> Eligibility:
    """The card's conditions as the province practises them (一人一证一码; issue 6, item 1)."""
    identity = facts.identity_check
    credit = facts.credit
    names = "、".join(facts.track_name(code) for code in facts.certificates)
    requirements = [
        Requirement("identity", "人证合一核验", identity is not None,
                    f"{identity.checked_on:%Y-%m-%d} 由 {identity.checked_by_name} {identity.method_name}"
                    if identity else "尚无现场核验记录"),
        Requirement("certificate", f"{facts.rules.programme.name}岗前培训合格并取证", bool(facts.certificates),
                    f"服务类型:{names}" if names else "没有本项目四类培训的有效证书"),
        Requirement("health", "体检合格且在有效期内", facts.health_ok, facts.health_text()),
        Requirement("credit", "未列入黑名单", not credit.is_black,
                    f"{credit.record.effective_on:%Y-%m-%d} 列入黑名单:{credit.record.reason};"
                    f"{credit.bar_ends:%Y-%m-%d} 起方可办证" if credit.is_black else f"信用状态:{credit.name}"),
        Requirement("photo", "已上传证件照", facts.photo is not None, "已上传" if facts.photo else "尚未上传照片"),
        Requirement("one_card", "一人一证", active_card is None,
                    f"已持有有效证件 {active_card.number}" if active_card else "尚未持证"),
    ]
    return Eligibility(requirements, list(facts.certificates))


#: Live outcomes of a card, most serious first (the public page shows the first that applies).
OUTCOME_TEXT = {
    "valid": "上门服务证有效",
    "revoked": "上门服务证已注销",
    "replaced": "上门服务证已换发新证,本证作废",
    "suspended": "已暂停:持证人被列入黑名单",
    "health_expired": "体检已过期或不合格,暂不宜上门服务",
    "retrain_overdue": "回炉培训已逾期",
    "unknown": "查无此证",
    "altered": "证件信息被篡改或二维码无效",
}


def problems_of(card_status: str, black_listed: bool, health_ok: bool, retrain_overdue: bool) -> list[str]:
    """Everything wrong with a card, most serious first ([] for a valid card): the one rule that
    the card page, the scan and the list (reminders.py) all apply."""
    if card_status in ("revoked", "replaced"):
        return [card_status]
    flags = (("suspended", black_listed), ("health_expired", not health_ok), ("retrain_overdue", retrain_overdue))
    return [code for code, applies in flags if applies]


def card_problems(card: ServiceCard, facts: WorkerFacts) -> list[str]:
    return problems_of(card.status, facts.credit.is_black, facts.health_ok, facts.retrain_overdue)


def status_text(card: ServiceCard, facts: WorkerFacts, problems: list[str]) -> str:
    """The card's 证件状态 as the public page lists it, in agreement with its verdict: a card that
    stands on its record but not on today's facts says why it may not be used at the door now
    (有效(体检已于 2026-04-04 过期,暂不宜上门服务)); a black-listed holder's card is 已暂停."""
    if card.status != "active":
        on = f",{card.status_on:%Y-%m-%d}" if card.status_on else ""
        return f"{card.status_name}({card.status_reason_name}{on})" if card.status_reason_name else card.status_name
    if "suspended" in problems:
        return "已暂停(持证人被列入黑名单)"
    notes = []
    if "health_expired" in problems:
        check = facts.health_check
        if check is None:
            lapse = "无体检记录"
        elif check.result != "fit":
            lapse = "最近一次体检不合格"
        else:
            lapse = f"体检已于 {check.expires_on:%Y-%m-%d} 过期"
        notes.append(f"{lapse},暂不宜上门服务")
    if "retrain_overdue" in problems:
        notes.append(f"回炉培训已于 {facts.retraining_due:%Y-%m-%d} 逾期")
    return f"{card.status_name}({';'.join(notes)})" if notes else card.status_name


def card_outcome(card: ServiceCard, facts: WorkerFacts) -> str:
    problems = card_problems(card, facts)
    return problems[0] if problems else "valid"
