"""Verbs on certificates: issue (one or a whole session), suspend, reinstate, revoke, replace.

They flush, never commit. A certificate goes only to a passed, non-withdrawn enrollment, at most
once; it is never deleted: revocation and replacement change its status and leave it on record.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Callable

from sqlalchemy import select

from ...extensions import db
from ..audit import set_reason
from ..catalogue import CERTIFICATE_TYPES, catalogue
from ..common import today
from ..errors import DomainError
from ..identifiers import mask_name
from ..training.models import Enrollment, TrainingSession
from .models import STATUS_REASONS, Certificate, counted_by_enrollment
from .numbering import allocate_numbers
from .payload import SignedFields, canonical
from .signing import KeyRing, b64url

ISSUING_STATES = ("completed", "closed")
#: Called with (new certificates, key ring) after each issue, in the same transaction: documents
#: built on certificates register here (e.g. a service card gains the new certificate's type).
ISSUED_HOOKS: list[Callable[[list[Certificate], KeyRing], None]] = []


def certificate_type_for(session: TrainingSession, enrollment: Enrollment) -> str:
    """The programme decides which certificate a passed assessment earns (default: the same kind)."""
    programme = catalogue[session.programme_code]
    certificate_type = programme.certificate_type_for(enrollment.assessment_type)
    if certificate_type not in programme.certificate_types:
        raise DomainError(f"「{programme.name}」不颁发{CERTIFICATE_TYPES.get(certificate_type, '该类')}证书")
    return certificate_type


def valid_until_for(session: TrainingSession, issued_on: date) -> date | None:
    """The programme may limit a certificate's life (e.g. yearly safety refreshers)."""
    hook = catalogue[session.programme_code].rules.get("certificate_valid_years")
    years = hook(session.occupation_code) if hook else None
    if not years:
        return None
    try:
        return issued_on.replace(year=issued_on.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return issued_on.replace(year=issued_on.year + years, day=28)


def signed_fields(certificate: Certificate) -> SignedFields:
    return SignedFields(
        number=certificate.number, document_type=certificate.certificate_type, issued_on=certificate.issued_on,
        valid_until=certificate.valid_until, title=certificate.occupation_name, level=certificate.level,
        holder=mask_name(certificate.trainee.name),
    )


def sign(certificate: Certificate, keyring: KeyRing) -> None:
    key_id, signature = keyring.sign(canonical(signed_fields(certificate)))
    certificate.key_id, certificate.signature = key_id, b64url(signature)


def issuable(session: TrainingSession) -> list[Enrollment]:
    """Passed enrollments of the session that have no certificate yet."""
    return list(db.session.scalars(
        select(Enrollment)
        .where(Enrollment.session_id == session.id, Enrollment.status != "withdrawn", Enrollment.result == "passed",
               ~Enrollment.id.in_(select(Certificate.enrollment_id).where(Certificate.enrollment_id.is_not(None))))
        .order_by(Enrollment.id)
    ))


def _check_enrollment(session: TrainingSession, enrollment: Enrollment) -> None:
    name = enrollment.trainee.name
    if enrollment.session_id != session.id:
        raise DomainError(f"{name} 不在本班期")
    if enrollment.status == "withdrawn":
        raise DomainError(f"{name} 已退训,不能发证")
    if enrollment.result != "passed":
        raise DomainError(f"{name} 考核结果为「{enrollment.result_name}」,只有合格学员才能发证")


def issue_certificates(
    session: TrainingSession, enrollments: list[Enrollment], keyring: KeyRing, issued_on: date | None = None
) -> list[Certificate]:
    """Issue certificates to passed trainees of one session, numbered and signed, in one go."""
    issued_on = issued_on or today()
    if session.status not in ISSUING_STATES:
        raise DomainError(f"班期{session.status_name},结业后才能发证")
    if not enrollments:
        raise DomainError("没有可发证的合格学员")
    if issued_on > today() or issued_on < session.start_date:
        raise DomainError("发证日期应在开班日期与今天之间", "issued_on")
    already = set(db.session.scalars(
        select(Certificate.enrollment_id).where(Certificate.enrollment_id.in_([e.id for e in enrollments]))
    ))
    by_type: dict[str, list[Enrollment]] = {}
    for enrollment in enrollments:
        _check_enrollment(session, enrollment)
        if enrollment.id in already:
            raise DomainError(f"{enrollment.trainee.name} 已持有本班期的证书,不能重复发证")
        by_type.setdefault(certificate_type_for(session, enrollment), []).append(enrollment)
    valid_until = valid_until_for(session, issued_on)
    certificates = []
    for certificate_type, group in by_type.items():
        numbers = allocate_numbers(session, certificate_type, issued_on, len(group))
        for number, enrollment in zip(numbers, group):
            certificates.append(_new_certificate(session, enrollment, certificate_type, number, issued_on,
                                                 valid_until, keyring))
    db.session.add_all(certificates)
    db.session.flush()
    for hook in ISSUED_HOOKS:
        hook(certificates, keyring)
    return certificates


def _new_certificate(session, enrollment, certificate_type, number, issued_on, valid_until, keyring,
                     trainee=None) -> Certificate:
    certificate = Certificate(
        number=number, certificate_type=certificate_type, enrollment_id=enrollment.id if enrollment else None,
        session_id=session.id, trainee=trainee or enrollment.trainee, base_id=session.base_id,
        programme_code=session.programme_code, occupation_code=session.occupation_code,
        occupation_name=session.occupation_name, level=session.level, issued_on=issued_on,
        valid_until=valid_until, status="valid",
    )
    sign(certificate, keyring)
    return certificate


def _check_status_change(reason: str, on: date | None, note: str) -> date:
    if reason not in STATUS_REASONS:
        raise DomainError("请选择原因类别", "reason")
    on = on or today()
    if on > today():
        raise DomainError("日期不能晚于今天", "on")
    return on


def suspend(certificate: Certificate, reason: str, on: date | None = None, note: str = "") -> Certificate:
    """Suspend a valid certificate (reversible), e.g. while a complaint is investigated."""
    if certificate.status != "valid":
        raise DomainError(f"证书当前为「{certificate.status_name}」,不能暂停")
    certificate.status_on = _check_status_change(reason, on, note)
    certificate.status, certificate.status_reason, certificate.status_note = "suspended", reason, note.strip()
    set_reason(db.session, f"暂停:{STATUS_REASONS[reason]} {note}".strip())
    db.session.flush()
    return certificate


def reinstate(certificate: Certificate, note: str) -> Certificate:
    """Lift a suspension."""
    if certificate.status != "suspended":
        raise DomainError("只有暂停的证书可以恢复")
    if not (note or "").strip():
        raise DomainError("请填写恢复原因", "note")
    certificate.status, certificate.status_reason, certificate.status_on = "valid", None, today()
    certificate.status_note = note.strip()
    set_reason(db.session, f"恢复:{note.strip()}")
    db.session.flush()
    return certificate


def revoke(certificate: Certificate, reason: str, on: date | None = None, note: str = "") -> Certificate:
    """Revoke a certificate for good; it stays on record and verifies as revoked."""
    if certificate.status == "revoked":
        raise DomainError("证书已撤销")
    if not (note or "").strip():
        raise DomainError("撤销须填写说明", "note")
    certificate.status_on = _check_status_change(reason, on, note)
    certificate.status, certificate.status_reason, certificate.status_note = "revoked", reason, note.strip()
    set_reason(db.session, f"撤销:{STATUS_REASONS[reason]} {note}".strip())
    db.session.flush()
    return certificate


def replace(certificate: Certificate, note: str, keyring: KeyRing) -> Certificate:
    """Issue a new certificate (new number, the holder's current details) in place of this one."""
    if certificate.status == "revoked":
        raise DomainError("已撤销的证书不能换发")
    if not (note or "").strip():
        raise DomainError("请填写换发原因", "note")
    session = db.session.get(TrainingSession, certificate.session_id)
    issued_on = today()
    number = allocate_numbers(session, certificate.certificate_type, issued_on, 1)[0]
    replacement = _new_certificate(session, None, certificate.certificate_type, number, issued_on,
                                   valid_until_for(session, issued_on), keyring, trainee=certificate.trainee)
    replacement.replaces_id = certificate.id
    db.session.add(replacement)
    db.session.flush()
    certificate.status, certificate.status_reason, certificate.status_on = "revoked", "replaced", issued_on
    certificate.status_note, certificate.replaced_by_id = note.strip(), replacement.id
    set_reason(db.session, f"换发:{note.strip()}")
    db.session.flush()
    return replacement


def holds_counted_certificate(enrollment: Enrollment) -> bool:
    """True while the enrollment's certificate counts for 取证 (training refuses its withdrawal then:
    reconciliation reads 取证 from the certificates of a session alone, because a withdrawn
    enrollment never holds one)."""
    return db.session.scalar(
        select(Certificate.id).where(Certificate.enrollment_id == enrollment.id, counted_by_enrollment())
    ) is not None
