"""Answering "is this certificate genuine and does it still stand?", online and offline.

Online, the signature proves the printed fields; the database says whether the certificate still
stands. Offline, the published public keys prove the fields and the signed revocation list (with
its date) says what was revoked or suspended when it was made.
"""
from __future__ import annotations

import functools
import ipaddress
import json
import os
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date, timezone
from typing import Any, Callable, ClassVar

from sqlalchemy import bindparam, create_engine, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import joinedload
from sqlalchemy.pool import NullPool

from ...extensions import db
from ..common import utcnow
from ..identifiers import DOCUMENT_TYPES, mask_document, mask_name, normalise_code
from ..organisations.models import TrainingBase
from ..trainees.models import SEXES, Trainee
from .models import Certificate, VerificationEvent
from .payload import BadCode, SignedFields, canonical, decode_fields, split_code
from .signing import KeyRing, PublicKey, b64url, from_b64url, keys_from_published

OUTCOME_TEXT = {
    "valid": "证书真实有效",
    "expired": "证书真实,但已过有效期",
    "suspended": "证书已暂停使用",
    "revoked": "证书已撤销",
    "unknown": "查无此证",
    "altered": "证书信息被篡改或二维码无效",
}


@dataclass(frozen=True)
class PublicRecord:
    """What public verification needs of a certificate, its holder and its base: one row of a
    Core query (a scan loads no ORM objects) or :meth:`of` an ORM certificate."""

    id: int
    number: str
    certificate_type: str
    programme_code: str
    occupation_name: str
    level: int | None
    issued_on: date
    valid_until: date | None
    status: str
    status_reason: str | None
    status_on: date | None
    base_name: str
    replaced_by_number: str | None
    #: The holder's full name and document: compared with what a viewer types, shown only masked.
    holder_name: str
    holder_document_type: str
    holder_document_number: str
    holder_sex: str

    # The same wording as the staff pages (Certificate's own properties).
    type_name = property(Certificate.type_name.fget)
    level_name = property(Certificate.level_name.fget)
    programme_name = property(Certificate.programme_name.fget)
    status_name = property(Certificate.status_name.fget)
    status_reason_name = property(Certificate.status_reason_name.fget)

    @property
    def masked_name(self) -> str:
        return mask_name(self.holder_name)

    @property
    def masked_document(self) -> str:
        return mask_document(self.holder_document_number)

    @property
    def document_type_name(self) -> str:
        return DOCUMENT_TYPES.get(self.holder_document_type, self.holder_document_type)

    @property
    def sex_name(self) -> str:
        return SEXES.get(self.holder_sex, "")

    @classmethod
    def of(cls, certificate: Certificate) -> "PublicRecord":
        trainee = certificate.trainee
        return cls(
            certificate.id, certificate.number, certificate.certificate_type, certificate.programme_code,
            certificate.occupation_name, certificate.level, certificate.issued_on, certificate.valid_until,
            certificate.status, certificate.status_reason, certificate.status_on, certificate.base.name,
            certificate.replaced_by.number if certificate.replaced_by else None,
            trainee.name, trainee.document_type, trainee.document_number, trainee.sex,
        )


def _public_record_query():
    certificates, trainees, bases = Certificate.__table__, Trainee.__table__, TrainingBase.__table__
    replacement = certificates.alias("replacement")
    c = certificates.c
    return (
        select(
            c.id, c.number, c.certificate_type, c.programme_code, c.occupation_name, c.level, c.issued_on,
            c.valid_until, c.status, c.status_reason, c.status_on, bases.c.name, replacement.c.number,
            trainees.c.name, trainees.c.document_type, trainees.c.document_number, trainees.c.sex,
        )
        .select_from(
            certificates.join(trainees, trainees.c.id == c.trainee_id).join(bases, bases.c.id == c.base_id)
            .outerjoin(replacement, replacement.c.id == c.replaced_by_id)
        )
        .where(c.number == bindparam("number"))
    )


_PUBLIC_RECORD = _public_record_query()


class _CompiledRead:
    """``_PUBLIC_RECORD`` compiled once for a dialect: its SQL text, how it takes the number, and the
    column types' result processors (SQLite's dates arrive as text)."""

    def __init__(self, dialect) -> None:
        compiled = _PUBLIC_RECORD.compile(dialect=dialect)
        self.sql = str(compiled)
        self.positional = compiled.positional
        self.processors = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                           for column in _PUBLIC_RECORD.selected_columns]

    def parameters(self, number: str):
        return (number,) if self.positional else {"number": number}

    def record(self, row) -> PublicRecord | None:
        if row is None:
            return None
        return PublicRecord(*(value if process is None else process(value)
                              for process, value in zip(self.processors, row)))


class _ScanReader(_CompiledRead):
    """The scan's read on an engine of its own, beside the app's: connections in autocommit mode, not
    pinged. One SELECT is then one round trip, with no BEGIN, ROLLBACK or ping around it (on
    PostgreSQL the app engine's way took four). A connection found dead is replaced (with the other
    idle ones, dead too as a rule after a database restart) and the query tried once more: what
    ``pool_pre_ping`` does beforehand, done only when needed.

    The reader keeps its idle connections itself, each with its cursor, rather than checking one
    out of a pool and back in around every scan (the pool's bookkeeping cost about as much as the
    query on SQLite). It holds as many as there were scans at once in this process, at most
    ``MAX_IDLE``; a process forked from one that scanned starts with none of its parent's."""

    MAX_IDLE = 8

    def __init__(self, app_engine: Engine) -> None:
        super().__init__(app_engine.dialect)
        url = app_engine.url
        #: (pool connection, its cursor) pairs not in use; list.pop and list.append are atomic.
        self._idle: list[tuple] = []
        self._inherited: list[list[tuple]] = []
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            self.engine = app_engine  # a private in-memory database: no second engine can see it
            self._keep = False  # and its one connection goes back to the app's pool after each read
        else:
            self.engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
            self._keep = True

    def fetch(self, number: str):
        parameters = self.parameters(number)
        dialect = self.engine.dialect
        for attempt in (1, 2):
            try:
                connection, cursor = self._idle.pop()
            except IndexError:
                connection = self.engine.raw_connection()
                cursor = None
            try:
                if cursor is None:
                    cursor = self._cursor(connection)
                rows = self._execute(cursor, parameters)
            except dialect.loaded_dbapi.Error as error:
                if attempt == 2 or not dialect.is_disconnect(error, connection.dbapi_connection, None):
                    self._put_back(connection, cursor)
                    raise
                connection.invalidate()
                self.close()  # the idle ones are as old; try again on a new connection
                continue
            except BaseException:
                connection.invalidate()  # interrupted mid-query: its state is unknown
                raise
            self._put_back(connection, cursor)
            return rows[0] if rows else None
        return None  # not reached

    def _cursor(self, connection):
        """What :meth:`_execute` runs the query with on this connection (kept with it)."""
        return connection.cursor()

    def _execute(self, cursor, parameters) -> list:
        cursor.execute(self.sql, parameters)
        return cursor.fetchall()  # at most one row (the number is unique); SQLite's statement ends

    def _put_back(self, connection, cursor) -> None:
        if self._keep and len(self._idle) < self.MAX_IDLE:
            self._idle.append((connection, cursor))
            return
        if cursor is not None and hasattr(cursor, "close"):
            cursor.close()
        connection.close()

    def close(self) -> None:
        """Close the idle connections (they are opened again as needed)."""
        idle, self._idle = self._idle, []
        for connection, cursor in idle:
            try:
                connection.invalidate()
            except Exception:  # already dead: nothing to close
                pass

    def forget_inherited(self) -> None:
        """In a forked child: never use, nor close, the parent's connections (closing a PostgreSQL
        connection here would end the parent's session); keep them referenced so that the garbage
        collector does not close them either."""
        self._inherited.append(self._idle)
        self._idle = []
        if self._keep:  # its own engine (never the app's)
            self.engine.dispose(close=False)


class _PsycopgScanReader(_ScanReader):
    """The same read on PostgreSQL through psycopg's libpq layer: the query is prepared once per
    connection, then each scan is one ``PQexecPrepared`` (one round trip, as before) and its row is
    loaded by psycopg's own loaders, so the values are what a psycopg cursor returns. It spares
    the cursor's per-execution work in Python, which cost the worker about twice the CPU of the
    libpq call itself (60 us against 25 us a scan on this machine)."""

    STATEMENT = b"registry_public_record"

    def __init__(self, app_engine: Engine) -> None:
        super().__init__(app_engine)
        # The one parameter, in PostgreSQL's own placeholder.
        self.pg_sql = self.sql.replace("%(number)s", "$1").replace("%%", "%").encode()

    def _cursor(self, connection):
        from psycopg import errors, pq
        from psycopg.adapt import Transformer

        dbapi_connection = connection.dbapi_connection
        pgconn, encoding = dbapi_connection.pgconn, dbapi_connection.info.encoding
        prepared = pgconn.prepare(self.STATEMENT, self.pg_sql)
        if prepared.status != pq.ExecStatus.COMMAND_OK:
            raise errors.error_from_result(prepared, encoding=encoding)
        return pgconn, Transformer(dbapi_connection), encoding

    def _execute(self, cursor, parameters) -> list:
        from psycopg import errors, pq

        pgconn, transformer, encoding = cursor
        # Results in binary (format 1): cheaper to send and to load than text, the same values.
        result = pgconn.exec_prepared(self.STATEMENT, [parameters["number"].encode(encoding)], None, 1)
        if result.status != pq.ExecStatus.TUPLES_OK:
            raise errors.error_from_result(result, encoding=encoding)
        if not result.ntuples:
            return []
        transformer.set_pgresult(result)
        return [transformer.load_row(0, tuple)]


def _scan_reader(app_engine: Engine) -> _ScanReader:
    if app_engine.dialect.name == "postgresql" and app_engine.dialect.driver == "psycopg":
        return _PsycopgScanReader(app_engine)
    return _ScanReader(app_engine)


_scan_readers: dict[Engine, _ScanReader] = {}
_compiled_reads: dict = {}
_readers_lock = threading.Lock()


def _after_fork_in_child() -> None:
    for reader in list(_scan_readers.values()):
        reader.forget_inherited()


os.register_at_fork(after_in_child=_after_fork_in_child)


def find_public_record(number: str) -> PublicRecord | None:
    """The certificate's public facts (with the holder and base) by number: one SELECT.

    This is the scan's hot path, so it skips SQLAlchemy's per-execution work (session, transaction,
    the SQLite ``BEGIN`` hook, statement cache look-up, result objects) and runs the Core query
    above through :class:`_ScanReader`. When the app's bind is a Connection already in a
    transaction (the test suite's), the query runs inside that transaction instead.
    """
    bind = db.engine
    number = normalise_code(number)
    if isinstance(bind, Engine):
        reader = _scan_readers.get(bind)
        if reader is None:
            with _readers_lock:
                reader = _scan_readers.get(bind) or _scan_readers.setdefault(bind, _scan_reader(bind))
        return reader.record(reader.fetch(number))
    read = _compiled_reads.get(bind.dialect)
    if read is None:
        read = _compiled_reads.setdefault(bind.dialect, _CompiledRead(bind.dialect))
    return read.record(bind.exec_driver_sql(read.sql, read.parameters(number)).fetchone())


#: Other documents signed the same way (e.g. service cards), by signed document type: a reader takes
#: (number, genuine fields, day) and returns its own verdict. Registered by the document's package.
DOCUMENT_READERS: dict[str, Callable[[str, SignedFields, date], Any]] = {}
#: Functions adding other documents' entries (number, status, on, reason) to the revocation list.
REVOCATION_SOURCES: list[Callable[[], list[dict]]] = []


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
    def text(self) -> str:
        return OUTCOME_TEXT[self.outcome]


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


