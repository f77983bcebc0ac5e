"""Test fixtures. Every database test runs on SQLite by default and on PostgreSQL when
REGISTRY_DATABASE_URL points at a throwaway PostgreSQL database (``.ci/run`` creates one).

Each test runs inside one outer transaction that is rolled back at the end, so tests never share
committed state; the app's own commits become savepoints.
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import g
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from registry import create_app
from registry.extensions import db, limiter

TEST_SECRET = "test-secret-key-" + "x" * 40


def postgres_url() -> str | None:
    url = os.environ.get("REGISTRY_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else None


def fresh_database_url(tmp_dir: Path, name: str) -> str:
    """An empty database for this test run: a SQLite file, or a new PostgreSQL database."""
    base = postgres_url()
    if base is None:
        return f"sqlite:///{tmp_dir / (name + '.db')}"
    url = make_url(base.replace("postgres://", "postgresql://", 1))
    if "test" not in (url.database or ""):
        raise RuntimeError("REGISTRY_DATABASE_URL for tests must name a throwaway database whose name contains 'test'")
    database = f"{url.database}_{name}"
    admin = create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return url.set(drivername="postgresql+psycopg", database=database).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def make_test_app(database_url: str, **overrides):
    import tempfile

    config = {
        # Signing keys of their own, never the developer's instance/keys.
        "REGISTRY_KEYS_DIR": tempfile.mkdtemp(prefix="registry-keys-"),
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": TEST_SECRET,
        "WTF_CSRF_ENABLED": False,
        "REGISTRY_ENV": "test",
        # Real deployments use scrypt; tests hash thousands of times and only need correctness.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Each verification event is committed with its request (inside the test's transaction);
        # tests/domain/test_event_log.py covers the batches that deployments use.
        "VERIFY_EVENT_FLUSH_SECONDS": 0,
    }
    config.update(overrides)
    return create_app(config)


@contextmanager
def app_with_demo_data(tmp_dir: Path, name: str, **overrides):
    """An app on a fresh database of its own holding the demo data set, committed, as a deployment
    has it (not the suite's shared connection and rolled-back transaction)."""
    from registry.demo import seed_demo

    url = fresh_database_url(tmp_dir, name)
    application = make_test_app(url, **overrides)
    try:
        with application.app_context():
            upgrade()
            seed_demo("test")
            db.session.commit()
            db.session.remove()
        yield application
    finally:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(url)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = fresh_database_url(tmp_path_factory.mktemp("db"), f"main_{uuid.uuid4().hex[:6]}")
    application = make_test_app(url)

    @application.teardown_request
    def forget_user(exc):
        # The test keeps one app context open across requests; Flask-Login caches the user in g.
        g.pop("_login_user", None)

    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(url)


@pytest.fixture(autouse=True)
def _rollback(request, app):
    """Run the test in an app context and an outer transaction that is rolled back afterwards."""
    with app.app_context():
        engines = db._app_engines[app]
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        # Flask-SQLAlchemy picks its bind from this table, so every session uses the one connection.
        engines[None] = connection
        original = db.session
        db.session = db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
        limiter.reset()
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            engines[None] = engine
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def engine_name(app) -> str:
    return db.engine.dialect.name
