"""Answering "is this certificate genuine and does it still stand?", online and offline.

Online, the signature proves the printed fields; the database says whether the certificate still
stands (the public scan reads it through public_record.py). Offline, the published public keys prove the fields and the signed revocation list (with
its date) says what was revoked or suspended when it was made.
"""
from __future__ import annotations

import functools
import ipaddress
import json
import unicodedata
from dataclasses import dataclass
from datetime import date, timezone
from typing import Any, Callable, ClassVar

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import joinedload

from ...extensions import db
from ..common import utcnow
from ..identifiers import normalise_code
from .models import Certificate, VerificationEvent
from .payload import BadCode, SignedFields, canonical, decode_fields, split_code
from .public_record import PublicRecord, find_public_record  # noqa: F401  (PublicRecord: the views' type)
from .signing import KeyRing, PublicKey, b64url, from_b64url, keys_from_published

OUTCOME_TEXT = {
    "valid": "证书真实有效",
    "expired": "证书真实,但已过有效期",
    "suspended": "证书已暂停使用",
    "revoked": "证书已撤销",
    "unknown": "查无此证",
    "altered": "证书信息被篡改或二维码无效",
}


#: Other documents signed the same way (e.g. service cards), by signed document type: a reader takes
#: (number, genuine fields, day) and returns its own verdict. Registered by the document's package.
DOCUMENT_READERS: dict[str, Callable[[str, SignedFields, date], Any]] = {}
#: Functions adding other documents' entries (number, status, on, reason) to the revocation list.
REVOCATION_SOURCES: list[Callable[[], list[dict]]] = []


@dataclass(frozen=True)
class OfflineWording:
    """How another signed document words what an offline check can say of it (the published files
    only): its verdicts, the name of its title field, and what to check online."""
    outcomes: dict[str, str]
    title_label: str
    hint: str | None = None


#: Other documents' offline wording, by signed document type (registered by the document's package);
#: a certificate's is OUTCOME_TEXT and the fields of the certificate.
OFFLINE_WORDING: dict[str, OfflineWording] = {}


@dataclass
class Verdict:
    kind: ClassVar[str] = "certificate"
    outcome: str
    #: A ``Certificate`` from :func:`verify_code` and :func:`lookup`, a ``PublicRecord`` from :func:`scan`.
    certificate: Certificate | PublicRecord | None = None
    fields: SignedFields | None = None

    @property
    def text(self) -> str:
        return OUTCOME_TEXT[self.outcome]


def standing(certificate: Certificate | PublicRecord, on: date) -> str:
    """valid / expired / suspended / revoked, from the database record."""
    if certificate.status in ("revoked", "suspended"):
        return certificate.status
    if certificate.valid_until and certificate.valid_until < on:
        return "expired"
    return "valid"


def find_certificate(number: str) -> Certificate | None:
    """The certificate with what the public page shows of it, in one query."""
    return db.session.scalar(
        select(Certificate).where(Certificate.number == normalise_code(number))
        .options(joinedload(Certificate.trainee), joinedload(Certificate.base), joinedload(Certificate.replaced_by))
    )


def check_signature(fields: SignedFields, key_id: str, signature: bytes, keys: dict[str, PublicKey]) -> bool:
    key = keys.get(key_id)
    return key is not None and key.verify(signature, canonical(fields))


def genuine_fields(number: str, fields_text: str, keyring: KeyRing) -> SignedFields | None:
    """The signed fields of a code when its Ed25519 signature holds for this number, else None."""
    try:
        fields, key_id, signature = decode_fields(number, fields_text)
    except BadCode:
        return None
    key = keyring.verifying_key(key_id)
    if key is None or not key.verify(signature, canonical(fields)):
        return None
    return fields


def _verify(number: str, fields_text: str, keyring: KeyRing, on: date, find) -> Verdict:
    """Signature first (altered if it fails), then another document's reader, or the certificate
    ``find`` reads and its standing."""
    number = normalise_code(number)
    fields = genuine_fields(number, fields_text, keyring)
    if fields is None:
        return Verdict("altered")
    reader = DOCUMENT_READERS.get(fields.document_type)
    if reader is not None:
        return reader(number, fields, on)
    record = find(number)
    if record is None:
        return Verdict("unknown", fields=fields)
    return Verdict(standing(record, on), record, fields)


def verify_code(number: str, fields_text: str, keyring: KeyRing, on: date) -> Verdict:
    """A scanned code, with the certificate as an ORM object (lookups, staff pages, comparisons)."""
    return _verify(number, fields_text, keyring, on, find_certificate)


def scan(number: str, fields_text: str, keyring: KeyRing, on: date) -> Verdict:
    """:func:`verify_code` for the public scan: the same checks and verdicts, with the record read
    as a :class:`PublicRecord` (one Core query, no ORM objects)."""
    return _verify(number, fields_text, keyring, on, find_public_record)


def _same_name(typed: str, stored: str) -> bool:
    def clean(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text or "").split())
    return bool(clean(typed)) and clean(typed) == clean(stored)


def lookup(number: str, name: str, on: date) -> Verdict:
    """Number + full name together; a wrong pair answers exactly like an unknown number."""
    certificate = find_certificate(number)
    if certificate is None or not _same_name(name, certificate.trainee.name):
        return Verdict("unknown")
    return Verdict(standing(certificate, on), certificate)


def holder_matches(certificate: Certificate, typed: str) -> bool:
    """Does the typed full name or ID number match the holder? Never reveals the stored value."""
    trainee = certificate.trainee
    number = normalise_code(typed)
    return _same_name(typed, trainee.name) or (bool(number) and number == trainee.document_number)


@functools.lru_cache(maxsize=4096)
def coarse_origin(address: str | None) -> str:
    """The client's network, not the client: IPv4 /16, IPv6 /32, or 内网 for private addresses."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "未知"
    if ip.is_private or ip.is_loopback:
        return "内网"
    prefix = 16 if ip.version == 4 else 32
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def event_row(certificate_id: int | None, channel: str, outcome: str, address: str | None,
              card_id: int | None = None) -> dict:
    """The ``verification_events`` row of one public check (see event_log.EventLog for batches)."""
    return {"occurred_at": utcnow(), "certificate_id": certificate_id, "card_id": card_id, "channel": channel,
            "outcome": outcome, "origin": coarse_origin(address)}


def log_verification(certificate_id: int | None, channel: str, outcome: str, address: str | None,
                     card_id: int | None = None) -> None:
    """One row per public check, in the session's transaction. A lost row after a crash costs nothing,
    so PostgreSQL need not wait for the disk (``synchronous_commit = off`` for this transaction only)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit = off"))
    db.session.execute(insert(VerificationEvent).values(**event_row(certificate_id, channel, outcome, address, card_id)))


def verification_counts(certificate_id: int) -> dict[str, int]:
    """How often, and with what outcome, a certificate was checked (for bureau staff)."""
    rows = db.session.execute(
        select(VerificationEvent.outcome, func.count(VerificationEvent.id))
        .where(VerificationEvent.certificate_id == certificate_id)
        .group_by(VerificationEvent.outcome)
    )
    return dict(rows.all())


# --- the signed revocation list and offline verification ----------------------------------------

def _canonical_json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def revocation_list(keyring: KeyRing, issuer: str) -> dict:
    """Every revoked or suspended certificate, dated and signed with the current key."""
    rows = db.session.execute(
        select(Certificate.number, Certificate.status, Certificate.status_on, Certificate.status_reason)
        .where(Certificate.status.in_(("revoked", "suspended")))
        .order_by(Certificate.number)
    )
    entries = [{"number": number, "status": status, "on": on.isoformat() if on else None, "reason": reason}
               for number, status, on, reason in rows]
    for source in REVOCATION_SOURCES:
        entries.extend(source())
    body = {
        "issuer": issuer,
        "generated_at": utcnow().replace(microsecond=0, tzinfo=timezone.utc).isoformat(),
        "entries": sorted(entries, key=lambda entry: entry["number"]),
    }
    key_id, signature = keyring.sign(_canonical_json(body))
    return {**body, "kid": key_id, "signature": b64url(signature)}


@dataclass
class OfflineVerdict:
    outcome: str
    fields: SignedFields | None = None
    list_generated_at: str | None = None
    #: The revocation entry when the certificate is on the list.
    entry: dict | None = None

    @property
    def wording(self) -> OfflineWording | None:
        return OFFLINE_WORDING.get(self.fields.document_type) if self.fields else None

    @property
    def text(self) -> str:
        own = self.wording.outcomes.get(self.outcome) if self.wording else None
        return own or OUTCOME_TEXT[self.outcome]


def verify_offline(code: str, keys_document: dict, revocations: dict | None, on: date) -> OfflineVerdict:
    """Verify a decoded QR text with only the published files (keys, and the revocation list)."""
    keys = keys_from_published(keys_document)
    try:
        number, fields_text = split_code(code)
        fields, key_id, signature = decode_fields(number, fields_text)
    except BadCode:
        return OfflineVerdict("altered")
    if not check_signature(fields, key_id, signature, keys):
        return OfflineVerdict("altered")
    generated_at, entry = None, None
    if revocations is not None:
        body = {k: v for k, v in revocations.items() if k not in ("kid", "signature")}
        try:
            list_ok = keys.get(revocations.get("kid", "")) is not None and keys[revocations["kid"]].verify(
                from_b64url(revocations.get("signature", "")), _canonical_json(body))
        except (ValueError, TypeError):
            list_ok = False
        if not list_ok:
            raise ValueError("吊销名单的签名无效,请重新下载")
        generated_at = revocations.get("generated_at")
        entry = next((e for e in revocations.get("entries", []) if e.get("number") == number), None)
    if entry is not None:
        return OfflineVerdict(entry["status"], fields, generated_at, entry)
    if fields.valid_until and fields.valid_until < on:
        return OfflineVerdict("expired", fields, generated_at)
    return OfflineVerdict("valid", fields, generated_at)


