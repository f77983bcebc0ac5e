"""The throwaway database every benchmark runs on, and the app over it.

A SQLite file in the benchmark's temporary directory, or, when REGISTRY_DATABASE_URL points at
PostgreSQL, a new database ``registry_<name>_<random>`` created on that server (through its
``postgres`` maintenance database; the URL's own database need not exist) and dropped by ``drop_database`` (only databases whose name contains 'bench').
"""
from __future__ import annotations

import os
import shutil
import sys
import uuid
from pathlib import Path

SECRET = "bench-secret-key-" + "x" * 40


def postgres_admin_url() -> str | None:
    url = os.environ.get("REGISTRY_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else None


def _admin_engine():
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(postgres_admin_url().replace("postgres://", "postgresql://", 1))
    # The maintenance database: the URL's own database need not exist.
    return create_engine(url.set(drivername="postgresql+psycopg", database="postgres"), isolation_level="AUTOCOMMIT")


def create_database(workdir: Path, name: str) -> str:
    """A SQLite file ``<name>.db`` in ``workdir``, or a new PostgreSQL database ``registry_<name>_<random>``;
    ``name`` contains 'bench'."""
    assert "bench" in name
    if postgres_admin_url() is None:
        return f"sqlite:///{workdir / f'{name}.db'}"
    from sqlalchemy import text

    database = f"registry_{name}_{uuid.uuid4().hex[:8]}"
    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        return admin.url.set(database=database).render_as_string(hide_password=False)
    finally:
        admin.dispose()


def drop_database(database_url: str) -> None:
    """Drop a PostgreSQL database ``create_database`` made (a SQLite file goes with its directory)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    parsed = make_url(database_url)
    if parsed.get_backend_name() != "postgresql" or "bench" not in (parsed.database or ""):
        return
    admin = _admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


def remove(database_url: str | None, workdir: Path) -> None:
    """At the end, also after an error: drop the database (if one was made) and delete the work directory."""
    if database_url is not None:
        try:
            drop_database(database_url)
        except Exception as error:  # keep cleaning up
            print(f"dropping the benchmark database failed: {error}", file=sys.stderr)
    shutil.rmtree(workdir, ignore_errors=True)


def make_app(database_url: str, **settings):
    """The app as tests/conftest.py make_test_app builds it (the real password hash is irrelevant here)."""
    from registry import create_app

    return create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": SECRET,
        "WTF_CSRF_ENABLED": False,
        "REGISTRY_ENV": "test",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        **settings,
    })
