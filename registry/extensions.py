"""Flask extensions, created unbound here and bound in ``create_app``."""
from __future__ import annotations

from functools import partial

from flask import current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter as BaseLimiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect as BaseCSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from werkzeug.routing import IntegerConverter

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
    limits on every request (there are no default or application-wide limits here), and its
    after-request and teardown hooks look for headers to add and deductions to make (none, with no
    limit) and reset the state that the first one would have made. Only the hooks' calls are
    skipped; if a Flask-Limiter release renames a hook, this merely stops saving time."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unlimited_endpoints: set[str] = set()

    def unlimited(self, endpoint: str) -> None:
        """Declare an endpoint that has no limit of its own (never one with ``@limiter.limit``)."""
        self.unlimited_endpoints.add(endpoint)

    def init_app(self, app) -> None:
        super().init_app(app)
        inject_headers = getattr(BaseLimiter, "_Limiter__inject_headers", None)
        release_context = getattr(BaseLimiter, "_Limiter__release_context", None)

        def is_own(hook, function) -> bool:
            if isinstance(hook, partial):  # partial(Limiter.__inject_headers, self)
                return hook.func is function and hook.args == (self,)
            return getattr(hook, "__func__", None) is function and getattr(hook, "__self__", None) is self

        for hooks, function in ((app.after_request_funcs, inject_headers),
                                (app.teardown_request_funcs, release_context)):
            if function is not None:
                hooks[None] = [self._skipped_when_unlimited(hook) if is_own(hook, function) else hook
                               for hook in hooks.get(None, [])]

    def _skipped_when_unlimited(self, hook):
        unlimited = self.unlimited_endpoints

        def unless_unlimited(argument):
            """Flask-Limiter's hook, not called for an unlimited endpoint (the response, or the
            teardown's exception, passes through)."""
            if request.endpoint in unlimited:
                return argument
            return hook(argument)

        return unless_unlimited

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if in_middleware and request.endpoint in self.unlimited_endpoints:
            return
        super()._check_request_limit(callable_name, in_middleware)


class CSRFProtect(BaseCSRFProtect):
    """Flask-WTF's CSRF protection, looking at the request's method first: a GET or HEAD (every
    public scan) is never checked, exempt or not, so the exemption look-ups are skipped for it.
    What is checked, and how, is Flask-WTF's own."""

    def protect(self, apply_exemptions: bool = False) -> None:
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        super().protect(apply_exemptions)


#: The largest record id: PostgreSQL's ``integer`` (SQLite's rowid goes further, but the registry runs on both).
#: A number beyond it names no record, and the databases refuse it rather than find nothing.
MAX_RECORD_ID = 2**31 - 1
#: The largest page number a list asks the database for: far past any list's last page (so a bigger one is a
#: 404, as any page past the end), and well inside the databases' range once multiplied by a page size.
MAX_PAGE = 1_000_000


class RecordIdConverter(IntegerConverter):
    """``<int:…>`` in the registry's routes is a record id: a number past MAX_RECORD_ID matches no route (404)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_RECORD_ID)
        super().__init__(map, *args, **kwargs)


class RegistrySQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy, its ``paginate`` reading the page number from the request within MAX_PAGE;
    a page past the last (a filter that narrowed the list, an old link) shows the last page, not a 404."""

    def paginate(self, select, *, page: int | None = None, **kwargs):
        if page is None and has_request_context():
            page = min(request.args.get("page", 1, type=int), MAX_PAGE)
        kwargs.setdefault("error_out", False)
        pagination = super().paginate(select, page=page, **kwargs)
        if not pagination.items and pagination.page > 1:
            pagination = super().paginate(select, page=max(pagination.pages, 1), **kwargs)
        return pagination


db = RegistrySQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
bootstrap = Bootstrap5()


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with less work when there is no session: a request without a
    session cookie (every public scan) gets its empty session without building the signing
    serializer (nor parsing cookies, when it sent none), and an empty, unmodified session is not
    saved (Flask would only read the cookie settings first); its ``Vary: Cookie`` is set directly
    when the response has no ``Vary`` yet. The answers, cookies and headers are Flask's own."""

    def open_session(self, app, request):
        if app.secret_key and ("HTTP_COOKIE" not in request.environ
                               or not request.cookies.get(self.get_cookie_name(app))):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not session and not session.modified:
            if session.accessed:
                if "Vary" in response.headers:
                    response.vary.add("Cookie")
                else:  # what response.vary.add would write, without parsing a header set
                    response.headers["Vary"] = "Cookie"
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


#: Key of a SQLite connection's ``info``: its ``total_changes`` when the transaction began (so
#: domain.beside can tell whether the transaction has written).
SQLITE_CHANGES_AT_BEGIN = "registry_changes_at_begin"


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
        connection.info[SQLITE_CHANGES_AT_BEGIN] = connection.connection.dbapi_connection.total_changes
