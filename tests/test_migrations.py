"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

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


def test_a_table_rebuilt_under_rows_that_refer_to_it_keeps_them(tmp_path):
    """Migration 0021 rebuilds ``trainees`` on SQLite (batch mode) while tags refer to its rows: the
    migrations run with SQLite's foreign keys off (env.py), and the app's connections enforce them after."""
    url = fresh_database_url(tmp_path, "rebuild")
    app = make_test_app(url)
    try:
        with app.app_context():
            upgrade(revision="0020")
            with db.engine.begin() as connection:
                connection.execute(text(
                    "INSERT INTO trainees (id, document_type, document_number, name, sex, birth_date, phone, "
                    "hukou_type, created_at, updated_at) VALUES (7, 'resident_id', '11010519491231002X', "
                    "'王芳', 'F', '1949-12-31', '', 'urban', '2026-01-01', '2026-01-01')"))
                connection.execute(text("INSERT INTO trainee_tags (trainee_id, tag) VALUES (7, 'veteran')"))
            upgrade()
            with db.engine.connect() as connection:
                assert connection.execute(text("SELECT trainee_id, tag FROM trainee_tags")).all() == [(7, "veteran")]
                assert connection.execute(text("SELECT name FROM trainees WHERE id = 7")).scalar() == "王芳"
                with pytest.raises(IntegrityError):
                    connection.execute(text("INSERT INTO trainee_tags (trainee_id, tag) VALUES (8, 'veteran')"))
            db.engine.dispose()
    finally:
        drop_database(url)


def test_sqlite_migrations_that_leave_a_reference_broken_fail(tmp_path):
    """With SQLite's foreign keys off while migrating, env.py's check before their commit catches a broken
    reference, and nothing of them is kept."""
    url = fresh_database_url(tmp_path, "broken")
    if not url.startswith("sqlite"):
        drop_database(url)
        pytest.skip("PostgreSQL enforces foreign keys inside its migrations")
    app = make_test_app(url)
    with app.app_context():
        upgrade(revision="0020")
        with db.engine.connect() as connection:
            dbapi = connection.connection.dbapi_connection
            dbapi.execute("PRAGMA foreign_keys=OFF")
            dbapi.execute("INSERT INTO trainee_tags (trainee_id, tag) VALUES (999, 'veteran')")
            dbapi.execute("PRAGMA foreign_keys=ON")
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits 1, as the CLI does
            upgrade()
        with db.engine.connect() as connection:  # all or nothing: the migration after 0020 was not kept
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0020"
        db.engine.dispose()


def test_trainees_a_district_registered_get_its_district_from_the_audit_log(tmp_path):
    """Migration 0022: a trainee inserted by a district bureau's account with no registering unit gets
    that district (and an audit entry saying so); others are left as they are."""
    import json

    url = fresh_database_url(tmp_path, "backfill")
    app = make_test_app(url)
    try:
        with app.app_context():
            upgrade(revision="0021")
            with db.engine.begin() as connection:
                tianhe, baiyun = connection.execute(text(
                    "SELECT id FROM districts WHERE code IN ('440106', '440111') ORDER BY code")).scalars().all()
                for user_id, role, district_id in ((1, "district", tianhe), (2, "city", None)):
                    connection.execute(text(
                        "INSERT INTO users (id, username, password_hash, display_name, role, district_id, "
                        "is_active_account, created_at, updated_at) VALUES (:id, :name, 'x', '', :role, :district, "
                        "true, '2026-01-01', '2026-01-01')"),
                        {"id": user_id, "name": f"u{user_id}", "role": role, "district": district_id})
                people = {11: ("11010519491231002X", None, 1), 12: ("110105194912310029", None, 2),
                          13: ("110105194912310037", baiyun, 1), 14: ("110105194912310045", None, None)}
                for trainee_id, (number, registered_district, actor) in people.items():
                    connection.execute(text(
                        "INSERT INTO trainees (id, document_type, document_number, name, sex, birth_date, phone, "
                        "hukou_type, registered_district_id, created_at, updated_at) VALUES (:id, 'resident_id', "
                        ":number, '王芳', 'F', '1949-12-31', '', 'urban', :district, '2026-01-01', '2026-01-01')"),
                        {"id": trainee_id, "number": number, "district": registered_district})
                    if actor:
                        connection.execute(text(
                            "INSERT INTO audit_log (occurred_at, actor_id, actor_name, entity_type, entity_id, action, "
                            "changes) VALUES ('2026-01-01', :actor, 'u', 'trainees', :id, 'insert', '{}')"),
                            {"actor": actor, "id": str(trainee_id)})
            upgrade()
            with db.engine.connect() as connection:
                registered = dict(connection.execute(text(
                    "SELECT id, registered_district_id FROM trainees ORDER BY id")).all())
                assert registered == {11: tianhe, 12: None, 13: baiyun, 14: None}
                entries = connection.execute(text(
                    "SELECT entity_id, actor_name, reason, changes FROM audit_log WHERE action = 'update'")).all()
                assert [(e[0], e[1]) for e in entries] == [("11", "系统")] and "0022" in entries[0][2]
                changes = entries[0][3] if isinstance(entries[0][3], dict) else json.loads(entries[0][3])
                assert changes["before"]["registered_district_id"] is None
                assert changes["after"]["registered_district_id"] == tianhe
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


def test_audit_changes_are_compressed_with_lz4_on_postgresql():
    """Migration 0024: the audit log's changes use LZ4 where the server has it (an import's entries)."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("a PostgreSQL storage setting")
    has_lz4 = db.session.scalar(text(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"))
    compression = db.session.scalar(text(
        "SELECT attcompression FROM pg_attribute WHERE attrelid = 'audit_log'::regclass AND attname = 'changes'"))
    assert compression == ("l" if has_lz4 else "")


def test_the_registering_district_index_leaves_out_people_no_district_registered():
    """Migration 0025 (Alembic's comparison does not look at an index's WHERE): the model and it agree,
    and a look-up by a district's id can use it."""
    from registry.domain.trainees.models import Trainee

    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        definition = db.session.scalar(text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_trainees_registered_district_id'"))
    else:
        definition = db.session.scalar(text(
            "SELECT sql FROM sqlite_master WHERE name = 'ix_trainees_registered_district_id'"))
    assert "registered_district_id IS NOT NULL" in definition
    index = next(i for i in Trainee.__table__.indexes if i.name == "ix_trainees_registered_district_id")
    assert str(index.dialect_options[bind.dialect.name]["where"]) == "registered_district_id IS NOT NULL"
    if bind.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # an empty table: ask whether it can
        explain = "EXPLAIN "
    else:
        explain = "EXPLAIN QUERY PLAN "
    plan = " ".join(str(row) for row in db.session.execute(
        text(explain + "SELECT id FROM trainees WHERE registered_district_id = :district"), {"district": 1}))
    assert "ix_trainees_registered_district_id" in plan


def test_seeded_parameter_texts_are_rewritten_in_plain_words_with_an_audit_entry_each(tmp_path):
    """Migration 0023: rows still holding 0007's first seeded texts ("穗人社函〔2020〕22号(004)", "issue 7 二;",
    "初始数据(DOMAIN.md)") get the document's number and a plain 登记人, one audit entry per row; a row the
    city bureau recorded itself is left as it is."""
    url = fresh_database_url(tmp_path, "plainwords")
    app = make_test_app(url)
    old_claim_days = "issue 7 二;穗人社函〔2020〕22号(004) 之四 二(七):完成培训后60日内申请补贴"
    old_advance = "穗人社函〔2020〕22号(004) 之四 二(五):可按补贴标准的20%申请预支"
    try:
        with app.app_context():
            upgrade(revision="0021")
            with db.engine.begin() as connection:  # a database seeded before the texts were changed
                connection.execute(text("UPDATE subsidy_parameters SET recorded_by = '初始数据(DOMAIN.md)'"))
                connection.execute(text("UPDATE subsidy_parameters SET basis = :basis WHERE key = 'training_claim_days'"),
                                   {"basis": old_claim_days})
                connection.execute(text("UPDATE subsidy_parameters SET basis = :basis WHERE key = 'advance_percent'"),
                                   {"basis": old_advance})
                connection.execute(text(
                    "INSERT INTO subsidy_parameters (key, value, effective_from, basis, recorded_by, recorded_at) "
                    "VALUES ('advance_percent', 25, '2027-01-01', :basis, '市局甲', '2026-12-01')"),
                    {"basis": "穗人社函〔2020〕22号(004) 之四 二(五) 市局另行通知"})
                audit_before = connection.execute(text("SELECT count(*) FROM audit_log")).scalar()
            upgrade()
            with db.engine.connect() as connection:
                rows = {(key, str(effective_from)[:10]): (basis, recorded_by) for key, effective_from, basis, recorded_by
                        in connection.execute(text("SELECT key, effective_from, basis, recorded_by FROM subsidy_parameters"))}
                entries = connection.execute(text(
                    "SELECT entity_type, entity_id, action, actor_name, actor_id, changes, reason FROM audit_log "
                    "ORDER BY id")).all()[audit_before:]
                ids = dict(connection.execute(text(
                    "SELECT key, id FROM subsidy_parameters WHERE effective_from < '2021-01-01'")).all())
            db.engine.dispose()
    finally:
        drop_database(url)
    seeded = {key: value for (key, day), value in rows.items() if day == "2020-01-01"}
    assert len(seeded) == 11
    assert seeded["training_claim_days"] == ("穗人社函〔2020〕22号 之四 二(七):完成培训后60日内申请补贴", "系统初始数据")
    assert seeded["advance_percent"] == ("穗人社函〔2020〕22号 之四 二(五):可按补贴标准的20%申请预支", "系统初始数据")
    assert all(by == "系统初始数据" and "(004)" not in basis and "issue" not in basis for basis, by in seeded.values())
    assert rows[("advance_percent", "2027-01-01")] == ("穗人社函〔2020〕22号(004) 之四 二(五) 市局另行通知", "市局甲")

    assert len(entries) == 11  # one per changed row, none for the bureau's own row
    assert {(e.entity_type, e.action, e.actor_name, e.actor_id) for e in entries} == {
        ("subsidy_parameters", "update", "系统", None)}
    assert all(e.reason and "正式文号" in e.reason for e in entries)
    by_row = {e.entity_id: e.changes if isinstance(e.changes, dict) else json.loads(e.changes) for e in entries}
    assert by_row[str(ids["training_claim_days"])] == {
        "before": {"basis": old_claim_days, "recorded_by": "初始数据(DOMAIN.md)"},
        "after": {"basis": "穗人社函〔2020〕22号 之四 二(七):完成培训后60日内申请补贴", "recorded_by": "系统初始数据"}}
    assert by_row[str(ids["notice_days"])] == {  # its basis named no document: only the 登记人 changes
        "before": {"recorded_by": "初始数据(DOMAIN.md)"}, "after": {"recorded_by": "系统初始数据"}}
