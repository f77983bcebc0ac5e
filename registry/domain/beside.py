"""Read-only work on a second database connection, in a thread, while the request goes on.

A page whose figures come from a few heavy statements that do not depend on each other (the
reconciliation: its additive figures and its 人数) gets them in the time of the longest rather than
their sum, as the database works on both of the machine's cores: a PostgreSQL backend per
connection, and SQLite's module lets go of Python's lock while a statement runs.

The thread has an app context of its own, hence its own session and connection, and sees what is
committed. So work runs beside only when that is what the request's own transaction sees too: it
has written nothing yet, nor holds changes to flush; the app reaches its database through an engine
(not one shared connection, as the tests' outer transaction is); and the database is not SQLite in
memory (one per connection). Otherwise the work runs here, in turn, as it would without a thread.
On PostgreSQL each statement of a READ COMMITTED transaction always saw the commits made before it
began, so figures read beside are as consistent with each other as they were. On SQLite the
request's statements share the snapshot of its first read, and the thread's start a moment later:
a commit landing in those few milliseconds shows in one figure and not yet in the other, as it
would in the next page view.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

from flask import current_app
from sqlalchemy.engine import Engine

from ..extensions import SQLITE_CHANGES_AT_BEGIN, db

T = TypeVar("T")


@contextmanager
def beside(function: Callable[..., T], *args: Any, **kwargs: Any) -> Iterator[Callable[[], T]]:
    """Start ``function(*args, **kwargs)`` beside the caller; yield a callable that waits for its result
    (raising its exception). When it may not run beside (``may_read_beside``) it runs here, first."""
    if not may_read_beside():
        result = function(*args, **kwargs)
        yield lambda: result
        return
    app = current_app._get_current_object()

    def in_own_context() -> T:
        with app.app_context():  # its own session; removed, and the connection returned, on leaving
            return function(*args, **kwargs)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="registry-beside") as pool:
        future: Future[T] = pool.submit(in_own_context)
        yield future.result
        # Leaving the pool waits for the thread, also when the caller failed before asking for the result.


def may_read_beside() -> bool:
    """True when another connection sees what this request's transaction sees (see the module's docstring)."""
    if not current_app.config.get("REGISTRY_READS_BESIDE", True):
        return False
    if db.session.new or db.session.dirty or db.session.deleted:
        return False  # changes not flushed yet: this transaction's statements would flush them first
    bind = db.session.get_bind()
    if not isinstance(bind, Engine):
        return False
    if bind.dialect.name == "sqlite":
        if bind.url.database in (None, "", ":memory:") or "mode=memory" in str(bind.url):
            return False
        connection = db.session.connection()
        changes = connection.connection.dbapi_connection.total_changes
        return connection.info.get(SQLITE_CHANGES_AT_BEGIN) == changes
    if bind.dialect.name == "postgresql":
        # No transaction id yet: this transaction has written nothing.
        return db.session.connection().exec_driver_sql("SELECT txid_current_if_assigned() IS NULL").scalar()
    return False
