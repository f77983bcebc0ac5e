"""The public scan as deployments run it: its own read engine on committed data, and verification
events written in batches (the rest of the suite commits each event with its request)."""
from __future__ import annotations

import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text

from registry.blueprints.certificates import event_log
from registry.blueprints.verify import public_view
from registry.domain.certificates import operations as certs
from registry.domain.certificates import public_record, verification
from registry.domain.certificates.models import VerificationEvent
from registry.domain.certificates.payload import split_code
from registry.domain.certificates.qr import certificate_code
from registry.domain.certificates.signing import KeyRing
from registry.domain.common import today
from registry.domain.organisations.operations import set_evaluation_site
from registry.extensions import db
from tests import factories
from tests.conftest import drop_database, fresh_database_url, make_test_app

JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def batched(tmp_path_factory):
    """An app on its own committed database, with events batched as in production."""
    url = fresh_database_url(tmp_path_factory.mktemp("scan"), f"scan_{uuid.uuid4().hex[:6]}")
    app = make_test_app(url, VERIFY_EVENT_FLUSH_SECONDS=3600)
    try:
        with app.app_context():
            upgrade()
            base = factories.base("番禺粤菜基地", district_code="440113", programmes=("yuecai",))
            set_evaluation_site(base, "S", "0000", "000888")
            session = factories.session(base)
            enrollments = [
                factories.enrollment(session, factories.trainee(name), result="passed",
                                     assessment_type="skill_level", assessed_on=session.end_date)
                for name in ("欧阳晓明", "林一")
            ]
            factories.user("cityscan", "city")
            keyring = KeyRing(app.config["REGISTRY_KEYS_DIR"])
            valid, replaced = certs.issue_certificates(session, enrollments, keyring)
            replacement = certs.replace(replaced, "姓名更正", keyring)
            db.session.commit()
            base_url = app.config["REGISTRY_PUBLIC_BASE_URL"]
            paths = {}
            for name, certificate in (("valid", valid), ("replaced", replaced), ("replacement", replacement)):
                number, fields = split_code(certificate_code(certificate, base_url))
                paths[name] = (f"/C/{number}/{fields}", certificate.id)
            db.session.remove()
        yield app, paths
    finally:
        with app.app_context():
            log = app.extensions.get("registry_verification_events")
            if log is not None:
                log.close()
            reader = public_record._scan_readers.pop(db.engine, None)
            if reader is not None:
                reader.close()
                reader.engine.dispose()
            db.session.remove()
            db.engine.dispose()
        drop_database(url)


def stored_events(app) -> list[tuple]:
    with app.app_context():
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        try:
            with engine.connect() as connection:
                return connection.execute(
                    select(VerificationEvent.certificate_id, VerificationEvent.channel, VerificationEvent.outcome)
                    .order_by(VerificationEvent.id)
                ).all()
        finally:
            engine.dispose()


def test_scans_answer_from_the_database_and_their_events_are_written_in_a_batch(batched):
    app, paths = batched
    client = app.test_client()
    path, certificate_id = paths["valid"]
    before = len(stored_events(app))
    answer = client.get(path, headers=JSON).get_json()
    assert answer["outcome"] == "valid" and answer["certificate"]["holder"] == "欧**明"
    page = client.get(path).text
    assert "证书真实有效" in page and "欧**明" in page and "欧阳晓明" not in page
    with app.app_context():
        log = event_log()
        assert log is not None and log.pending == 2
        assert len(stored_events(app)) == before  # not yet written
        assert log.flush() == 2
    assert stored_events(app)[before:] == [(certificate_id, "api", "valid"), (certificate_id, "qr", "valid")]


def test_the_staff_page_counts_the_latest_scans(batched):
    app, paths = batched
    client = app.test_client()
    path, certificate_id = paths["replacement"]
    for _ in range(3):
        client.get(path, headers=JSON)
    response = factories.login(client, "cityscan")
    page = client.get(f"/certificates/{certificate_id}").text
    assert "公众核验次数" in page and ">3<" in page.replace(" ", "")
    assert stored_events(app).count((certificate_id, "api", "valid")) == 3


def test_the_scan_shows_what_the_orm_record_shows(batched):
    app, paths = batched
    keyring = KeyRing(app.config["REGISTRY_KEYS_DIR"])
    with app.test_request_context():
        for name, (path, _) in paths.items():
            number, fields = split_code(path)
            scanned = verification.scan(number, fields, keyring, today())
            loaded = verification.verify_code(number, fields, keyring, today())
            assert isinstance(scanned.certificate, verification.PublicRecord)
            assert public_view(scanned) == public_view(loaded), name
        assert verification.find_public_record("S000044000777269000009") is None
        db.session.remove()
    answer = app.test_client().get(paths["replaced"][0], headers=JSON).get_json()
    assert answer["outcome"] == "revoked" and answer["certificate"]["status_reason"] == "已换发新证"
    assert answer["certificate"]["replaced_by"] == split_code(paths["replacement"][0])[0]


def test_a_dropped_database_connection_is_replaced_for_the_next_scan(batched):
    app, paths = batched
    client = app.test_client()
    path, _ = paths["valid"]
    assert client.get(path, headers=JSON).get_json()["outcome"] == "valid"
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite connections do not drop")
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                dropped = connection.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )).scalar_one()
        finally:
            engine.dispose()
    assert dropped >= 1
    assert client.get(path, headers=JSON).get_json()["outcome"] == "valid"


def test_without_batches_the_event_is_committed_with_the_request(client, app):
    # The suite's own setting: nothing waits in memory.
    assert app.config["VERIFY_EVENT_FLUSH_SECONDS"] == 0
    client.get("/C/S000044000777269000001/AAAA", headers=JSON)
    assert event_log() is None
    assert db.session.scalar(select(func.count(VerificationEvent.id)).where(
        VerificationEvent.outcome == "altered")) == 1


def test_scans_are_not_rate_limited_and_set_no_cookie(client, app):
    from registry.extensions import limiter

    assert "verify.scanned" in limiter.unlimited_endpoints
    statuses = set()
    for _ in range(30):  # more than VERIFY_LOOKUP_LIMIT allows a lookup
        response = client.get("/C/S000044000777269000001/AAAA", headers=JSON)
        statuses.add(response.status_code)
        assert "Set-Cookie" not in response.headers and response.headers["Vary"] == "Cookie"
    assert statuses == {200}


def test_limited_endpoints_keep_the_limiters_hooks(client, app):
    # The scan skips Flask-Limiter's hooks; an endpoint with a limit still gets its headers and its 429.
    scan = client.get("/C/S000044000777269000001/AAAA", headers=JSON)
    assert not any(name.startswith("X-RateLimit") for name in scan.headers.keys())
    answers = [client.post("/verify/", data={"number": "S000044000777269000001", "name": "陈嘉慧"}, headers=JSON)
               for _ in range(12)]
    assert answers[0].status_code == 200 and answers[0].headers["X-RateLimit-Limit"].isdigit()
    assert answers[-1].status_code == 429


def test_a_batch_stores_what_its_rows_say(batched):
    # One COPY on PostgreSQL, one executemany of driver-ready tuples elsewhere: the values read back
    # through the model are the rows' own; a row without occurred_at or origin gets the defaults.
    from datetime import datetime

    from registry.domain.certificates.event_log import write_events

    app, paths = batched
    _, certificate_id = paths["valid"]
    rows = [
        {"occurred_at": datetime(2026, 1, 2, 3, 4, 5, 120), "certificate_id": certificate_id, "channel": "qr",
         "outcome": "valid", "origin": "内网"},
        {"occurred_at": datetime(2026, 1, 2, 3, 4, 6), "certificate_id": None, "channel": "api",
         "outcome": "altered", "origin": "8.8.0.0/16"},
        {"certificate_id": None, "channel": "lookup", "outcome": "unknown"},
    ]
    with app.app_context():
        before = len(stored_events(app))
        write_events(db.engine, rows)
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        try:
            with engine.connect() as connection:
                stored = connection.execute(
                    select(VerificationEvent.occurred_at, VerificationEvent.certificate_id, VerificationEvent.channel,
                           VerificationEvent.outcome, VerificationEvent.origin).order_by(VerificationEvent.id)
                ).all()[before:]
        finally:
            engine.dispose()
    assert [tuple(row) for row in stored[:2]] == [tuple(rows[i][k] for k in (
        "occurred_at", "certificate_id", "channel", "outcome", "origin")) for i in range(2)]
    assert stored[2][1:] == (None, "lookup", "unknown", "") and isinstance(stored[2][0], datetime)


def test_the_kept_connections_read_the_standing_as_it_is_now(batched):
    # The reader keeps its connections between scans: each scan still reads what was last committed.
    from registry.domain.certificates.models import STATUS_REASONS, Certificate

    app, paths = batched
    client = app.test_client()
    path, certificate_id = paths["valid"]

    def outcome() -> str:
        return client.get(path, headers=JSON).get_json()["outcome"]

    def change(operation, *args) -> None:
        with app.app_context():
            operation(db.session.get(Certificate, certificate_id), *args)
            db.session.commit()
            db.session.remove()

    assert outcome() == outcome() == "valid"
    change(certs.suspend, next(iter(STATUS_REASONS)))
    try:
        assert outcome() == outcome() == "suspended"
    finally:
        change(certs.reinstate, "核实无误")
    assert outcome() == "valid"


def test_a_card_scan_is_logged_against_the_card_in_a_batch(batched):
    from registry.domain.service_cards import cards
    from registry.domain.service_cards.policy import default_rules

    app, _ = batched
    with app.app_context():
        keyring = KeyRing(app.config["REGISTRY_KEYS_DIR"])
        person, _ = factories.card_worker(keyring, factories.user("cardchecker", "city"))
        card = cards.issue_card(person, default_rules(), keyring, factories.district())
        db.session.commit()
        number, fields = split_code(cards.card_code(card, app.config["REGISTRY_PUBLIC_BASE_URL"]))
        card_id = card.id
        db.session.remove()
        event_log().flush()  # other tests' scans
    client = app.test_client()
    assert client.get(f"/C/{number}/{fields}", headers=JSON).get_json()["outcome"] == "valid"
    with app.app_context():
        assert event_log().flush() == 1
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        try:
            with engine.connect() as connection:
                last = connection.execute(
                    select(VerificationEvent.certificate_id, VerificationEvent.card_id, VerificationEvent.outcome)
                    .order_by(VerificationEvent.id.desc()).limit(1)).one()
        finally:
            engine.dispose()
    assert tuple(last) == (None, card_id, "valid")
