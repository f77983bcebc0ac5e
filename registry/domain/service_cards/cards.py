"""Verbs on cards: issue, add service types, change employer, revoke, replace.

A card is signed like a certificate (the same key ring and QR payload, document type
``service_card``) so a scanned card proves its number, service types and masked holder offline; its
live status comes from the records (standing.py). Operations flush, never commit, and a card is
never deleted: revocation and replacement change its status and leave it on record.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from stdnum.iso7064 import mod_37_36

from ...extensions import db
from ..audit import set_reason
from ..catalogue import catalogue
from ..certificates.models import Certificate
from ..certificates.numbering import reserve
from ..certificates.payload import SignedFields, canonical, code_url, encode_fields
from ..certificates.signing import KeyRing, b64url, from_b64url
from ..common import today
from ..errors import DomainError
from ..identifiers import mask_name
from ..organisations.models import District, Enterprise, TrainingBase
from ..trainees.models import Trainee
from .models import REPLACEMENT_REASONS, REVOCATION_REASONS, ServiceCard, ServiceCardType
from .policy import CardRules, rules_for
from .standing import WorkerFacts, eligibility

DOCUMENT_TYPE = "service_card"
SERIAL_DIGITS = 6


# --- numbers and signatures ------------------------------------------------------------------

def allocate_number(rules: CardRules, district: District, issued_on: date) -> str:
    """Prefix, year, the issuing district's division code, a serial and an ISO 7064 Mod 37,36 check:
    e.g. SM26440106000123X. Serials are reserved atomically (certificates.numbering.reserve)."""
    prefix = f"{rules.policy.number_prefix}{issued_on:%y}{district.code}"
    serial = reserve(prefix, 1)
    if serial >= 10**SERIAL_DIGITS:
        raise DomainError(f"{district.name} {issued_on.year} 年上门服务证序列号已用尽")
    body = f"{prefix}{serial:0{SERIAL_DIGITS}d}"
    return body + mod_37_36.calc_check_digit(body)


def display_number(number: str) -> str:
    """SM-26-440106-000123-X."""
    if len(number) == 17:
        return "-".join((number[:2], number[2:4], number[4:10], number[10:16], number[16]))
    return number


def signed_fields(card: ServiceCard) -> SignedFields:
    """What the QR code proves offline: number, issue date, service types and the masked holder."""
    return SignedFields(number=card.number, document_type=DOCUMENT_TYPE, issued_on=card.issued_on, valid_until=None,
                        title="、".join(card.service_type_names), level=None, holder=mask_name(card.trainee.name))


def sign(card: ServiceCard, keyring: KeyRing) -> None:
    key_id, signature = keyring.sign(canonical(signed_fields(card)))
    card.key_id, card.signature = key_id, b64url(signature)


def card_code(card: ServiceCard, public_base_url: str) -> str:
    """The text the card's QR code carries (the same URL form as a certificate's)."""
    return code_url(public_base_url, card.number,
                    encode_fields(signed_fields(card), card.key_id, from_b64url(card.signature)))


# --- finding ---------------------------------------------------------------------------------

def active_card(trainee_id: int, programme_code: str) -> ServiceCard | None:
    return db.session.scalar(select(ServiceCard).where(
        ServiceCard.trainee_id == trainee_id, ServiceCard.programme_code == programme_code,
        ServiceCard.status == "active"))


def cards_of(trainee_id: int) -> list[ServiceCard]:
    return list(db.session.scalars(
        select(ServiceCard).where(ServiceCard.trainee_id == trainee_id).order_by(ServiceCard.id.desc())))


def find_card(number: str) -> ServiceCard | None:
    return db.session.scalar(select(ServiceCard).where(ServiceCard.number == number))


# --- issuing ---------------------------------------------------------------------------------

def _check_employer(employer: Enterprise | None) -> None:
    if employer is not None and employer.kind != "home_service":
        raise DomainError(f"「{employer.name}」不是登记的家政企业", "employer_id")


def issue_card(trainee: Trainee, rules: CardRules, keyring: KeyRing, district: District,
               base: TrainingBase | None = None, employer: Enterprise | None = None,
               issued_on: date | None = None) -> ServiceCard:
    """Issue the worker's one card when every condition holds (standing.eligibility)."""
    issued_on = issued_on or today()
    if issued_on > today():
        raise DomainError("发证日期不能晚于今天", "issued_on")
    facts = WorkerFacts.gather(trainee, rules, issued_on)
    check = eligibility(facts, active_card(trainee.id, rules.programme.code))
    if not check.eligible:
        raise DomainError(check.refusal())
    _check_employer(employer)
    card = _new_card(trainee, rules, facts, district, base, employer, issued_on)
    for track in check.tracks:
        card.service_types.append(ServiceCardType(track_code=track, certificate_id=facts.certificates[track].id,
                                                  added_on=issued_on))
    db.session.add(card)
    sign(card, keyring)
    db.session.flush()
    return card


def _new_card(trainee, rules, facts, district, base, employer, issued_on) -> ServiceCard:
    return ServiceCard(
        number=allocate_number(rules, district, issued_on), programme_code=rules.programme.code, trainee=trainee,
        photo_id=facts.photo.id, identity_check_id=facts.identity_check.id, district_id=district.id,
        base_id=base.id if base else None, employer_id=employer.id if employer else None, issued_on=issued_on,
        status="active",
    )


def new_service_types(card: ServiceCard, rules: CardRules, on: date | None = None) -> dict:
    """Tracks the worker has since qualified in that the card does not list yet (track → certificate)."""
    facts_certificates = WorkerFacts.gather(card.trainee, rules, on or today()).certificates
    return {track: c for track, c in facts_certificates.items() if track not in card.track_codes}


def add_service_types(card: ServiceCard, rules: CardRules, keyring: KeyRing) -> list[str]:
    """Further training adds types to the same card (re-signed; the number stays)."""
    if card.status != "active":
        raise DomainError(f"证件{card.status_name},不能加注服务类型")
    added = new_service_types(card, rules)
    if not added:
        raise DomainError("没有可加注的新服务类型:持证人尚未取得其他类别的培训证书")
    for track, certificate in added.items():
        card.service_types.append(ServiceCardType(track_code=track, certificate_id=certificate.id, added_on=today()))
    db.session.flush()
    sign(card, keyring)
    set_reason(db.session, "加注服务类型:" + "、".join(rules.programme.track(t).name for t in added))
    db.session.flush()
    return list(added)


def add_types_for(certificates: list[Certificate], keyring: KeyRing) -> None:
    """After certificates are issued: each holder's active card gains the new certificates' service
    types at once (further training adds types to the same card), signed again and audited."""
    for certificate in certificates:
        programme = catalogue.get(certificate.programme_code)
        if programme is None or programme.service_card is None:
            continue
        card = active_card(certificate.trainee_id, programme.code)
        if card is not None and new_service_types(card, rules_for(programme.code)):
            add_service_types(card, rules_for(programme.code), keyring)


def set_employer(card: ServiceCard, employer: Enterprise | None) -> ServiceCard:
    """The 家政企业 the holder works for now (None: self-employed). The QR does not carry it."""
    if card.status != "active":
        raise DomainError(f"证件{card.status_name},不能变更所属企业")
    _check_employer(employer)
    card.employer_id = employer.id if employer else None
    db.session.flush()
    return card


def revoke(card: ServiceCard, reason: str, note: str, on: date | None = None) -> ServiceCard:
    """Revoke for good; the card stays on record and scans as revoked."""
    if card.status != "active":
        raise DomainError(f"证件{card.status_name},不能注销")
    if reason not in REVOCATION_REASONS:
        raise DomainError("请选择注销原因", "reason")
    if not (note or "").strip():
        raise DomainError("注销须填写说明", "note")
    on = on or today()
    if on > today():
        raise DomainError("注销日期不能晚于今天", "on")
    card.status, card.status_reason, card.status_on, card.status_note = "revoked", reason, on, note.strip()
    set_reason(db.session, f"注销:{REVOCATION_REASONS[reason]} {note.strip()}")
    db.session.flush()
    return card


def replace(card: ServiceCard, rules: CardRules, reason: str, note: str, keyring: KeyRing) -> ServiceCard:
    """A new card (new number, the latest photo) in place of this one, which then scans as replaced."""
    if card.status != "active":
        raise DomainError(f"证件{card.status_name},不能换发")
    if reason not in REPLACEMENT_REASONS:
        raise DomainError("请选择换发原因", "reason")
    facts = WorkerFacts.gather(card.trainee, rules, today())
    if facts.credit.is_black:
        raise DomainError(f"持证人已列入黑名单,{facts.credit.bar_ends:%Y-%m-%d} 前不能换发")
    card.status, card.status_reason, card.status_on = "replaced", reason, today()
    card.status_note = (note or "").strip()
    db.session.flush()  # the partial unique index allows one active card: retire this one first
    replacement = ServiceCard(
        number=allocate_number(rules, card.district, today()), programme_code=card.programme_code,
        trainee=card.trainee, photo_id=facts.photo.id if facts.photo else card.photo_id,
        identity_check_id=facts.identity_check.id if facts.identity_check else card.identity_check_id,
        district_id=card.district_id, base_id=card.base_id, employer_id=card.employer_id, issued_on=today(),
        status="active", replaces_id=card.id,
    )
    for kind in card.service_types:
        replacement.service_types.append(ServiceCardType(track_code=kind.track_code,
                                                         certificate_id=kind.certificate_id, added_on=kind.added_on))
    db.session.add(replacement)
    sign(replacement, keyring)
    db.session.flush()
    card.replaced_by_id = replacement.id
    set_reason(db.session, f"换发:{REPLACEMENT_REASONS[reason]} {card.status_note}".strip())
    db.session.flush()
    return replacement


def count_issued(programme_code: str, year: int, district_id: int | None) -> int:
    """Cards issued in ``year`` (in a district, or the whole city), a replacement not counted again:
    the reconciliation measure of cards (issue 6, item 7)."""
    statement = select(func.count(ServiceCard.id)).where(
        ServiceCard.programme_code == programme_code, ServiceCard.replaces_id.is_(None),
        ServiceCard.issued_on >= date(year, 1, 1), ServiceCard.issued_on <= date(year, 12, 31))
    if district_id is not None:
        statement = statement.where(ServiceCard.district_id == district_id)
    return db.session.scalar(statement) or 0
