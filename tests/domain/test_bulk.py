"""Bulk inserts of the imports: the new rows' ids come back in row order on both databases."""
from datetime import date

from sqlalchemy import insert, select

from registry.domain.bulk import insert_new, insert_rows
from registry.domain.trainees.models import Trainee, TraineeTag
from registry.extensions import db
from tests import factories

FIELDS = ("document_type", "document_number", "name", "sex", "birth_date", "hukou_type")


def people(count: int, month: int) -> list[tuple]:
    return [("resident_id", factories.id_number(date(1990, month, day + 1)), f"批量{'甲乙丙丁戊'[day]}", "M",
             date(1990, month, day + 1), "urban") for day in range(count)]


def test_insert_new_gives_each_row_its_id_in_row_order():
    factories.trainee("已有人员")  # rows already there: the new ids come after theirs
    first = people(3, 1)
    ids = insert_new(db.session.connection(), insert(Trainee), FIELDS, first, {"phone": ""})
    second = people(2, 2)
    more = insert_new(db.session.connection(), insert(Trainee), FIELDS, second, {"phone": ""})
    stored = dict(db.session.execute(select(Trainee.id, Trainee.document_number).where(Trainee.id.in_(ids + more))).all())
    assert [stored[key] for key in ids + more] == [row[1] for row in first + second]
    assert len(set(ids + more)) == 5 and min(more) > max(ids)


def test_insert_rows_writes_dates_and_shared_values():
    [trainee_id] = insert_new(db.session.connection(), insert(Trainee), FIELDS, people(1, 3), {"phone": "13800138000"})
    assert insert_rows(db.session.connection(), insert(TraineeTag), ("trainee_id", "tag"),
                       [(trainee_id, "veteran"), (trainee_id, "unemployed")]) == 2
    trainee = db.session.get(Trainee, trainee_id)
    assert (trainee.birth_date, trainee.phone, trainee.created_at is not None) == (date(1990, 3, 1), "13800138000", True)
    assert sorted(trainee.tag_codes) == ["unemployed", "veteran"]
    assert insert_new(db.session.connection(), insert(Trainee), FIELDS, []) == []
