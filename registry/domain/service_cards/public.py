"""A scanned card at the door: the signature first (certificates.verification does it, as for a
certificate), then the card's live status from the records, with masked personal data only.

Registering :func:`read_scanned_card` with ``verification.DOCUMENT_READERS`` makes the public scan
(``/C/<number>/<fields>``, its JSON, and the holder comparison) answer for cards; registering
:func:`revocation_entries` puts revoked, replaced and suspended cards on the signed revocation list
that offline verification uses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ...extensions import db
from ..certificates import verification
from ..certificates.models import VerificationEvent
from ..certificates.payload import SignedFields
from ..common import today
from ..identifiers import mask_document, mask_name, normalise_code
from .cards import DOCUMENT_TYPE, display_number
from .models import CreditRecord, ServiceCard
from ..common import add_months
from .policy import card_programme_codes, rules_for
from .records import credit_in_force
from .standing import OUTCOME_TEXT, WorkerFacts, card_problems, status_text


@dataclass
class CardVerdict:
    kind = "service_card"
    outcome: str
    card: ServiceCard | None = None
    fields: SignedFields | None = None
    facts: WorkerFacts | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return OUTCOME_TEXT[self.outcome]

    @property
    def status_text(self) -> str:
        """证件状态 in agreement with the verdict (standing.status_text), for the staff and public pages."""
        return status_text(self.card, self.facts, self.problems)

    @property
    def certificate(self) -> ServiceCard | None:
        """What the scan view logs and compares the holder with (it reads ``.id`` and ``.trainee``)."""
        return self.card


def find_card(number: str) -> ServiceCard | None:
    return db.session.scalar(
        select(ServiceCard).where(ServiceCard.number == normalise_code(number))
        .options(joinedload(ServiceCard.trainee), joinedload(ServiceCard.employer),
                 joinedload(ServiceCard.replaced_by), selectinload(ServiceCard.service_types))
    )


def card_verdict(card: ServiceCard, on: date, fields: SignedFields | None = None) -> CardVerdict:
    facts = WorkerFacts.gather(card.trainee, rules_for(card.programme_code), on)
    problems = card_problems(card, facts)
    return CardVerdict(problems[0] if problems else "valid", card, fields, facts, problems)


def read_scanned_card(number: str, fields: SignedFields, on: date) -> CardVerdict:
    """The reader for genuine card codes: the card's standing today, or unknown."""
    card = find_card(number)
    if card is None:
        return CardVerdict("unknown", fields=fields)
    return card_verdict(card, on, fields)


def is_card_number(number: str) -> bool:
    """Whether a number has a card's shape (a card prefix, 14 digits, a check character): an altered
    code proves nothing about what it is, but its number still tells a card from a certificate
    (15 or 22 characters), so the family sees the card's page and the card's advice."""
    number = normalise_code(number)
    prefixes = {rules_for(code).policy.number_prefix for code in card_programme_codes()}
    return len(number) == 17 and number[:2] in prefixes and number[2:16].isdigit()


def _stars(count: int | None) -> str:
    return "★" * count + "☆" * (5 - count) if count else "未评定"


def public_view(verdict: CardVerdict) -> dict:
    """What anyone at the door may see: masked holder, the photo link, service types, rating,
    employer and every problem with the card today (JSON as on the page)."""
    data = {"kind": DOCUMENT_TYPE, "outcome": verdict.outcome, "text": verdict.text,
            "checked_on": today().isoformat()}
    card, facts = verdict.card, verdict.facts
    if card is None or facts is None:
        if verdict.fields is not None and verdict.outcome == "unknown":
            data["signed"] = {"holder": verdict.fields.holder, "title": verdict.fields.title}
        return data
    trainee = card.trainee
    health = facts.health_check
    rating = facts.rating
    data["card"] = {
        "number": card.number,
        "number_display": display_number(card.number),
        "type": facts.rules.policy.name,
        "programme": facts.rules.programme.name,
        "holder": mask_name(trainee.name),
        "document": mask_document(trainee.document_number),
        "document_type": trainee.document_type_name,
        "sex": trainee.sex_name,
        "service_types": card.service_type_names,
        "stars": rating.stars if rating else None,
        "stars_text": _stars(rating.stars if rating else None),
        "employer": card.employer.name if card.employer else None,
        "issued_on": card.issued_on.isoformat(),
        "status": card.status_name,
        "status_on": card.status_on.isoformat() if card.status_on else None,
        "status_reason": card.status_reason_name or None,
        #: What the page lists as 证件状态: the record's status, with what today's facts add to it.
        "status_text": verdict.status_text,
        "replaced_by": display_number(card.replaced_by.number) if card.replaced_by else None,
        "health_check_until": health.expires_on.isoformat() if health and health.result == "fit" else None,
        "health_ok": facts.health_ok,
        "retraining_due": facts.retraining_due.isoformat() if facts.retraining_due else None,
        "credit": facts.credit.name,
        "problems": [{"code": code, "text": OUTCOME_TEXT[code]} for code in verdict.problems],
    }
    return data


def verification_counts(card_id: int) -> dict[str, int]:
    """How often, and with what outcome, a card was scanned (for staff)."""
    rows = db.session.execute(
        select(VerificationEvent.outcome, func.count(VerificationEvent.id))
        .where(VerificationEvent.card_id == card_id).group_by(VerificationEvent.outcome))
    return dict(rows.all())


def revocation_entries() -> list[dict]:
    """Cards that no longer stand, for offline checks: revoked or replaced cards (status revoked),
    and active cards of holders black-listed now (suspended). Health checks and retraining change
    by the day and are left to the live page."""
    codes = card_programme_codes()
    rows = db.session.execute(
        select(ServiceCard.number, ServiceCard.status, ServiceCard.status_on, ServiceCard.status_reason)
        .where(ServiceCard.programme_code.in_(codes), ServiceCard.status != "active")
    )
    entries = [{"number": number, "status": "revoked", "on": on.isoformat() if on else None,
                "reason": "replaced" if status == "replaced" else reason} for number, status, on, reason in rows]
    on = today()
    for code in codes:
        rules = rules_for(code)
        # Only holders black-listed within the bar period can be black-listed now.
        recently_listed = select(CreditRecord.trainee_id).where(
            CreditRecord.status == "black", CreditRecord.effective_on > add_months(on, -12 * rules.blacklist_bar_years))
        cards = db.session.execute(
            select(ServiceCard.number, ServiceCard.trainee_id)
            .where(ServiceCard.programme_code == code, ServiceCard.status == "active",
                   ServiceCard.trainee_id.in_(recently_listed))
        )
        for number, trainee_id in cards:
            credit = credit_in_force(trainee_id, rules, on)
            if credit.is_black:
                entries.append({"number": number, "status": "suspended", "on": credit.record.effective_on.isoformat(),
                                "reason": "blacklisted"})
    return entries


verification.DOCUMENT_READERS[DOCUMENT_TYPE] = read_scanned_card
# Offline, only the signature and the revocation list are known: a genuine card, not its live standing.
verification.OFFLINE_WORDING[DOCUMENT_TYPE] = verification.OfflineWording(
    {"valid": "上门服务证真实", "suspended": OUTCOME_TEXT["suspended"], "revoked": "上门服务证已注销或已换发",
     "altered": OUTCOME_TEXT["altered"]},
    title_label="服务类型", hint="体检、回炉培训等实时状态请联网扫码查看")
if revocation_entries not in verification.REVOCATION_SOURCES:
    verification.REVOCATION_SOURCES.append(revocation_entries)
