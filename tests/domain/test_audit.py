"""The audit log records every insert, update and delete, and cannot itself be changed."""
import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from registry.domain.audit import REDACTED, AuditLog, set_reason
from registry.extensions import db
from tests import factories


def rows_for(entity_type: str, entity_id) -> list[AuditLog]:
    return db.session.scalars(
        select(AuditLog)
        .where(AuditLog.entity_type == entity_type, AuditLog.entity_id == str(entity_id))
        .order_by(AuditLog.id)
    ).all()


def test_insert_update_delete_are_logged_with_before_and_after():
    base = factories.base(name="审计测试基地")
    db.session.commit()
    base.contact_phone = "020-12345678"
    db.session.commit()
    recognition = base.recognitions[0]
    db.session.delete(recognition)
    db.session.commit()

    base_rows = rows_for("training_bases", base.id)
    assert [r.action for r in base_rows] == ["insert", "update"]
    assert base_rows[0].changes["after"]["name"] == "审计测试基地"
    assert base_rows[1].changes == {"before": {"contact_phone": ""}, "after": {"contact_phone": "020-12345678"}}
    deleted = rows_for("base_recognitions", recognition.id)
    assert [r.action for r in deleted] == ["insert", "delete"]
    assert deleted[1].changes["before"]["programme_code"] == recognition.programme_code
    assert base_rows[0].actor_name == "系统"  # no request: the command line or a job


def test_passwords_never_reach_the_log():
    user = factories.user("audited", "city")
    db.session.commit()
    user.set_password("another-password-1")
    db.session.commit()
    rows = rows_for("users", user.id)
    assert rows[0].changes["after"]["password_hash"] == REDACTED
    assert rows[1].changes == {"before": {"password_hash": REDACTED}, "after": {"password_hash": REDACTED}}


def test_reason_is_recorded_and_cleared_after_commit():
    base = factories.base()
    db.session.commit()
    set_reason(db.session, "更正联系人")
    base.contact_name = "李四"
    db.session.commit()
    base.contact_name = "王五"
    db.session.commit()
    rows = rows_for("training_bases", base.id)
    assert [r.reason for r in rows[-2:]] == ["更正联系人", None]


def test_orm_refuses_to_change_or_delete_audit_rows():
    factories.base()
    db.session.commit()
    row = db.session.scalars(select(AuditLog)).first()
    row.actor_name = "someone else"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(AuditLog)).first())
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_database_refuses_to_change_audit_rows(statement):
    factories.base()
    db.session.commit()
    sql = update(AuditLog).values(actor_name="x") if statement == "update" else delete(AuditLog)
    with pytest.raises(DBAPIError) as error:
        with db.session.begin_nested():
            db.session.execute(sql)
    assert "append-only" in str(error.value)


def test_web_changes_name_the_user_and_address(client):
    factories.user("cityadmin", "city")
    base = factories.base()
    db.session.commit()
    client.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    factories.login(client, "cityadmin")
    response = client.post(
        f"/bases/{base.id}/edit",
        data={
            "name": base.name, "credit_code": base.credit_code, "kind": base.kind,
            "district_id": base.district_id, "status": "suspended",
        },
    )
    assert response.location == f"/bases/{base.id}"
    row = rows_for("training_bases", base.id)[-1]
    assert (row.action, row.actor_name, row.remote_addr) == ("update", "cityadmin", "10.1.2.3")
    assert row.changes["after"] == {"status": "suspended"}


def test_viewing_a_full_personal_record_is_logged(client):
    factories.user("cityadmin", "city")
    person = factories.trainee()
    db.session.commit()
    factories.login(client, "cityadmin")
    assert client.get(f"/trainees/{person.id}").status_code == 200
    assert [r.action for r in rows_for("trainees", person.id)] == ["insert", "view"]


def test_bulk_entries_are_json_of_the_same_values_json_dumps_gave():
    # record_inserts' encoder (orjson) writes the values json.dumps with _json_value wrote before.
    import enum
    import json
    from datetime import date, datetime
    from decimal import Decimal

    from registry.domain.audit import _changes_text, _json_default

    class Colour(enum.Enum):
        RED = "red"

    changes = {"after": {"base": 1, "at": datetime(2026, 1, 2, 3, 4, 5)}, "columns": ["id", "name", "born"],
               "rows": [(1, "陈小红", date(1990, 3, 7)), (2, None, date(1, 1, 1)), (3, "x", Decimal("1.50")),
                        (4, Colour.RED, frozenset({"a"})), (5, True, 2.5)]}
    assert json.loads(_changes_text(changes)) == json.loads(json.dumps(changes, default=_json_default))
    assert json.loads(_changes_text(changes))["rows"][0] == [1, "陈小红", "1990-03-07"]
    assert json.loads(_changes_text(changes))["rows"][3] == [4, "red", ["a"]]
    assert json.loads(_changes_text(changes))["after"]["at"] == "2026-01-02T03:04:05"
    with pytest.raises(TypeError):
        _changes_text({"rows": [object()]})
