"""Flask extensions, created unbound here and bound in ``create_app``."""
from __future__ import annotations

from flask import request
from flask.sessions import SecureCookieSessionInterface
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter as BaseLimiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

#: Stable constraint names, so migrations generated on any engine agree.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Limiter(BaseLimiter):
    """Flask-Limiter, minus its per-request work on endpoints declared unlimited with
    :meth:`unlimited`: its before-request hook would otherwise resolve and evaluate an empty set of
    limits on every request (there are no default or application-wide limits here). Only the hook's
    call is skipped; if a Flask-Limiter release renames the hook, this merely stops saving time."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unlimited_endpoints: set[str] = set()

    def unlimited(self, endpoint: str) -> None:
        """Declare an endpoint that has no limit of its own (never one with ``@limiter.limit``)."""
        self.unlimited_endpoints.add(endpoint)

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if in_middleware and request.endpoint in self.unlimited_endpoints:
            return
        super()._check_request_limit(callable_name, in_middleware)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
bootstrap = Bootstrap5()


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with less work when there is no session: a request without a
    session cookie (every public scan) gets its empty session without building the signing
    serializer, and an empty, unmodified session is not saved (Flask would only read the cookie
    settings first). The answers, cookies and headers are Flask's own."""

    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys and let SQLAlchemy own transactions (so SAVEPOINT works)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # Safe with WAL (a crash loses at most the last commits, never the database), far fewer fsyncs.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
