"""Verification events written in batches, per process.

A public scan is the registry's busiest request, and committing its one event row cost more than
the rest of the scan (a write lock and a WAL append on SQLite, three round trips on PostgreSQL).
So each process keeps the rows of its scans in memory and writes them with one executemany in one
transaction: every ``flush_seconds`` from a daemon thread, at once when ``max_rows`` are waiting,
when asked (:meth:`EventLog.flush`, e.g. before counts are shown), and at interpreter exit.

The trade-off, accepted because events are statistics for bureau staff and never part of a
certificate's record: other processes see an event up to ``flush_seconds`` late, and a process that
dies without exiting (SIGKILL, power cut) loses at most its last ``flush_seconds`` of events. A
failed write keeps the rows for the next attempt, up to ``max_pending`` rows (oldest dropped, with
a warning). ``flush_seconds = 0`` (the tests' setting) commits each event with its request instead.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import weakref

from sqlalchemy import bindparam, insert
from sqlalchemy.engine import Engine

from ..common import utcnow
from .models import VerificationEvent

logger = logging.getLogger(__name__)


#: The columns a batch writes (``id`` comes from the database).
COLUMNS = ("occurred_at", "certificate_id", "card_id", "channel", "outcome", "origin")


def _values(row: dict) -> tuple:
    """A row's values in ``COLUMNS`` order, with the columns' defaults where a key is missing."""
    occurred_at = row.get("occurred_at")
    return (occurred_at if occurred_at is not None else utcnow(), row.get("certificate_id"), row.get("card_id"),
            row["channel"], row["outcome"], row.get("origin", ""))


class _CompiledInsert:
    """The batch's INSERT compiled once for a dialect, with the columns' bind processors (SQLite
    stores a datetime as text), so a batch goes to the driver as plain tuples in one executemany."""

    def __init__(self, dialect) -> None:
        table = VerificationEvent.__table__
        compiled = insert(table).values({name: bindparam(name) for name in COLUMNS}).compile(dialect=dialect)
        self.sql = str(compiled)
        names = compiled.positiontup if compiled.positional else None
        self.order = [COLUMNS.index(name) for name in names] if names else None
        self.processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in COLUMNS]

    def parameters(self, rows: list[dict]) -> list:
        processors = self.processors
        converted = [tuple(value if process is None else process(value)
                           for process, value in zip(processors, _values(row))) for row in rows]
        if self.order is None:
            return [dict(zip(COLUMNS, values)) for values in converted]
        return [tuple(values[i] for i in self.order) for values in converted]


_compiled_inserts: dict = {}
_COPY = f"COPY {VerificationEvent.__tablename__} ({', '.join(COLUMNS)}) FROM STDIN"


def write_events(engine: Engine, rows: list[dict]) -> None:
    """One transaction. On PostgreSQL (psycopg) the rows go in one COPY, and the commit does not
    wait for the disk (``synchronous_commit = off`` for this transaction only): a lost batch after a
    crash costs nothing. Elsewhere they go in one executemany of driver-ready tuples."""
    with engine.begin() as connection:
        dialect = connection.dialect
        if dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
            if dialect.driver == "psycopg":
                with connection.connection.dbapi_connection.cursor() as cursor:
                    with cursor.copy(_COPY) as copy:
                        for row in rows:
                            copy.write_row(_values(row))
                return
            connection.execute(insert(VerificationEvent), rows)
            return
        compiled = _compiled_inserts.get(dialect)
        if compiled is None:
            compiled = _compiled_inserts.setdefault(dialect, _CompiledInsert(dialect))
        connection.exec_driver_sql(compiled.sql, compiled.parameters(rows))


class EventLog:
    """This process's verification events not yet written, and the thread that writes them."""

    def __init__(self, engine: Engine, flush_seconds: float, max_rows: int = 500, max_pending: int = 100_000,
                 writer=write_events) -> None:
        self.engine = engine
        self.flush_seconds = flush_seconds
        self.max_rows = max_rows
        self.max_pending = max_pending
        self._writer = writer
        self._rows: list[dict] = []
        self._lock = threading.Lock()  # guards _rows
        self._write_lock = threading.Lock()  # one batch at a time, in order
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._thread_pid: int | None = None
        _open_logs.add(self)

    @property
    def pending(self) -> int:
        return len(self._rows)

    def add(self, row: dict) -> None:
        """Queue one event (``verification_events`` columns); written within ``flush_seconds``."""
        if self._thread_pid != os.getpid():  # first event in this process (e.g. a forked worker)
            self._start_thread()
        with self._lock:
            self._rows.append(row)
            full = len(self._rows) >= self.max_rows
        if full:
            self.flush()

    def flush(self) -> int:
        """Write every queued event now; returns how many were written."""
        with self._write_lock:
            with self._lock:
                rows, self._rows = self._rows, []
            if not rows:
                return 0
            try:
                self._writer(self.engine, rows)
            except Exception:
                with self._lock:
                    self._rows[:0] = rows
                    dropped = len(self._rows) - self.max_pending
                    if dropped > 0:
                        del self._rows[:dropped]
                logger.exception("writing %d verification events failed; kept for the next attempt%s", len(rows),
                                 f" ({dropped} oldest dropped)" if dropped > 0 else "")
                return 0
            return len(rows)

    def close(self) -> None:
        """Stop the thread and write what is left (at exit, and in tests)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout=10)
        self.flush()

    def _start_thread(self) -> None:
        with self._lock:
            if self._thread_pid == os.getpid():
                return
            self._thread_pid = os.getpid()
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="verification-events", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.flush_seconds):
            self.flush()


#: Every log of this process, written at interpreter exit (gunicorn workers exit through sys.exit).
_open_logs: weakref.WeakSet[EventLog] = weakref.WeakSet()


@atexit.register
def _flush_at_exit() -> None:
    for log in list(_open_logs):
        try:
            log.close()
        except Exception:  # keep flushing the others
            logger.exception("writing verification events at exit failed")
