"""The public scan's read of a certificate: one Core SELECT (certificate, holder, base, replacement)
run on connections the reader keeps, with no ORM objects (docs/architecture.md, A scanned certificate).
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from ...extensions import db
from ..identifiers import DOCUMENT_TYPES, mask_document, mask_name, normalise_code
from ..organisations.models import TrainingBase
from ..trainees.models import SEXES, Trainee
from .models import Certificate


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
