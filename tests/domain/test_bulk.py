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


def test_dates_are_written_as_sqlalchemy_writes_them():
    # bulk converts a column at a time; on SQLite a plain date skips the type's processor (its
    # default text is date.isoformat()'s): the same text either way, a datetime and None included.
    from datetime import datetime

    from registry.domain.bulk import _converter

    dialect = db.session.get_bind().dialect
    column = Trainee.__table__.c.birth_date
    days = [date(1, 1, 1), date(999, 12, 31), date(2024, 2, 29), None, datetime(2024, 1, 2, 3, 4)]
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    convert = _converter(column, dialect)
    expected = [None if day is None else process(day) for day in days] if process else days
    assert (convert(days) if convert else days) == expected
    rows = [("resident_id", f"D{index}", "日期", "M", day, "urban") for index, day in enumerate(days) if day]
    ids = insert_new(db.session.connection(), insert(Trainee), FIELDS, rows)
    stored = db.session.execute(select(Trainee.birth_date).where(Trainee.id.in_(ids)).order_by(Trainee.id)).scalars()
    assert list(stored) == [date(1, 1, 1), date(999, 12, 31), date(2024, 2, 29), date(2024, 1, 2)]


def test_shared_dates_and_times_are_written_exactly():
    # On PostgreSQL the values every row shares go into the COPY as text made once per statement
    # (psycopg's own text for them): what is read back is what was given, to the microsecond.
    from datetime import datetime

    stamp, old = datetime(2026, 11, 25, 8, 9, 10, 123456), datetime(1, 1, 1, 0, 0)
    ids = insert_new(db.session.connection(), insert(Trainee), FIELDS[:4] + FIELDS[5:], [
        ("resident_id", f"S{index}", "共同", "M", "urban") for index in range(3)
    ], {"phone": "", "birth_date": date(999, 12, 31), "created_at": stamp, "updated_at": old})
    stored = db.session.execute(select(Trainee.birth_date, Trainee.created_at, Trainee.updated_at)
                                .where(Trainee.id.in_(ids))).all()
    assert [tuple(row) for row in stored] == [(date(999, 12, 31), stamp, old)] * 3
