"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from registry.extensions import db
from tests.conftest import drop_database, fresh_database_url, make_test_app


def test_models_and_migrations_agree():
    context = MigrationContext.configure(
        db.session.connection(), opts={"compare_type": True, "render_as_batch": True}
    )
    assert compare_metadata(context, db.metadata) == []


def test_downgrade_then_upgrade_round_trip(tmp_path):
    url = fresh_database_url(tmp_path, "roundtrip")
    app = make_test_app(url)
    try:
        with app.app_context():
            upgrade()
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            assert "audit_log" in inspect(db.engine).get_table_names()
            db.engine.dispose()
    finally:
        drop_database(url)


def test_compressed_blobs_are_not_compressed_again_on_postgresql():
    """Migration 0019: an uploaded file, an import's packed rows and a photo skip PostgreSQL's compressor."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("a PostgreSQL storage setting")
    storage = dict(db.session.execute(text(
        "SELECT attrelid::regclass::text || '.' || attname, attstorage FROM pg_attribute "
        "WHERE (attrelid, attname) IN (('import_batches'::regclass, 'content'), "
        "('import_batches'::regclass, 'checked_rows'), ('worker_photos'::regclass, 'jpeg'))")).all())
    assert storage == {"import_batches.content": "e", "import_batches.checked_rows": "e", "worker_photos.jpeg": "e"}


def test_the_reconciliation_index_covers_the_enrollment_id_on_postgresql():
    """Migration 0020 (Alembic's comparison does not look at INCLUDE columns): the model and it agree."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite's indexes carry the rowid, which is the id")
    definition = db.session.scalar(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_enrollments_counting'"))
    assert definition.endswith("(session_id, status, trainee_id, result, is_employed) INCLUDE (id)")
