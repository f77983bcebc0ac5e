"""Enrolment by spreadsheet: each row a person (found by document or registered) enrolled in a session.

Two steps, so that a file is checked once however often it is looked at:

* ``check`` (at upload, stored with the batch): every cell read as the clerk means it, and what a
  registration of a new person would make of the row; needs no records;
* ``resolve`` (at upload, on the preview page and again at confirmation, with the session locked):
  known people, people already on the roster, repeats within the file and the places left, against
  the records as they are at that moment.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from itertools import islice
from operator import itemgetter
from typing import Any, Callable

from sqlalchemy import insert, select

from ...extensions import db
from .. import normalise
from ..audit import record_inserts
from ..bulk import insert_new, insert_rows
from ..common import today, utcnow
from ..errors import DomainError
from ..identifiers import mask_name
from ..identifiers import DOCUMENT_TYPES
from ..trainees.models import ASSISTED_REGIONS, EDUCATION_LEVELS, GROUP_TAGS, HUKOU_TYPES, Trainee, TraineeTag
from ..trainees.operations import TraineeData, check_trainee_fields
from ..training.models import Enrollment, TrainingSession
from ..training.operations import ENROLLING_STATES, active_count, enrolment_rule, withdrawn_note
from .tables import Column, Preview, Row, field_message, read_rows

COLUMNS = [
    Column("name", "姓名", ("学员姓名", "名字"), required=True, example="张三明",
           note="已登记的学员须与登记的姓名一致"),
    Column("document_type", "证件类型", ("证件种类",), example="居民身份证",
           note="、".join(DOCUMENT_TYPES.values()) + ";空白按居民身份证"),
    Column("document_number", "证件号码", ("身份证号", "身份证号码", "公民身份号码", "证件号", "身份证"),
           required=True, example="440106199003071234",
           note="请保持本列为文本格式,否则 18 位号码会被表格程序改写;末位 x 大小写均可"),
    Column("sex", "性别", example="男", note="男、女;空白按证件号码"),
    Column("birth_date", "出生日期", ("出生年月日", "生日"), example="1990-03-07",
           note="日期,或写成 1990-3-7、1990/3/7、1990年3月7日;空白按证件号码"),
    Column("phone", "联系电话", ("手机", "手机号", "手机号码", "电话", "联系方式"), example="13800138000",
           note="手机或带区号的固定电话"),
    Column("hukou_type", "户籍类型", ("户籍", "户口性质", "户口类型", "户籍性质"), example="城镇",
           note="、".join(HUKOU_TYPES.values()) + "(也可写农业户口、非农业户口);新学员必填"),
    Column("education", "文化程度", ("学历",), example="高中",
           note="、".join(EDUCATION_LEVELS.values())),
    Column("tags", "人员类别", ("人员类型", "类别", "重点群体"), example="退役军人、失业人员",
           note="、".join(GROUP_TAGS.values()) + ";多个用顿号分隔,不属于任何一类留空"),
    Column("assisted_region", "帮扶地区", ("来源地区",), example="",
           note="来自帮扶地区的学员填写其来源地:" + "、".join(ASSISTED_REGIONS) + ";其余留空"),
]
LABELS = {column.key: column.header for column in COLUMNS}
KEYS = [column.key for column in COLUMNS]
#: Document numbers per look-up query (well under SQLite's and PostgreSQL's bound-parameter limits).
LOOKUP_CHUNK = 5000
#: Rows per insert (and per batch of audit rows) at confirmation: bounded memory for big files.
INSERT_CHUNK = 5000

#: The order in which a row's cells are read, and so the order of its reasons (as the form's fields).
_READ_ORDER = ("document_type", "document_number", "name", "hukou_type", "sex", "birth_date", "phone",
               "education", "tags", "assisted_region")
_NORMALISERS: dict[str, Callable[[Any], Any]] = {
    "document_type": normalise.document_type,
    "document_number": normalise.document_number,
    "name": normalise.person_name,
    "hukou_type": normalise.hukou,
    "sex": normalise.sex,
    "birth_date": lambda value: normalise.a_date(value, "出生日期"),
    "phone": normalise.phone,
    "education": normalise.education,
    "tags": lambda value: tuple(sorted(normalise.tags(value))),
    "assisted_region": lambda value: normalise.text(value) or None,
}
#: Columns with few distinct words in a file (城镇/农村, 高中 …): each word is read once per file.
_REPEATING = frozenset({"document_type", "hukou_type", "sex", "education", "tags", "assisted_region", "birth_date"})


class _Refusal:
    """A normaliser's refusal of a cell, kept with the cell's outcome in _read_column."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _read_column(key: str, cells: tuple) -> tuple[list, dict[int, str]]:
    """One column's cells as the clerk means them: the values (None where refused) and the refusals by
    row index. A column of few distinct words reads each once; the others are mapped cell by cell with
    no Python step of their own (``map``), resumed after a refused cell."""
    function, label = _NORMALISERS[key], LABELS[key]
    refusals: dict[int, str] = {}
    if key in _REPEATING:
        # By the value and its type (1, 1.0 and True are equal keys); text, the usual cell, by itself.
        tokens = cells if set(map(type, cells)) == {str} else [
            cell if cell.__class__ is str else (cell.__class__, cell) for cell in cells]
        outcomes = {}
        for token, cell in dict(zip(tokens, cells)).items():
            try:
                outcomes[token] = function(cell)
            except ValueError as error:
                outcomes[token] = _Refusal(field_message(label, str(error)))
        values = list(map(outcomes.__getitem__, tokens))
        if any(outcome.__class__ is _Refusal for outcome in outcomes.values()):
            for index, value in enumerate(values):
                if value.__class__ is _Refusal:
                    refusals[index], values[index] = value.message, None
        return values, refusals
    values: list = []
    while len(values) < len(cells):
        try:
            values.extend(map(function, islice(cells, len(values), None)))
        except ValueError as error:  # values holds the cells before the refused one
            refusals[len(values)] = field_message(label, str(error))
            values.append(None)
    return values, refusals


def check(result: Preview) -> None:
    """The checks that need no records, made once per file; each row gets ``problems`` and ``checked``.

    ``checked`` is one flat tuple (what the batch stores of each row, so the fewer containers the
    better): (document type, number, typed name) followed either by the reason a new person with
    this row could not be registered, or by the fields check_trainee accepted: sex, birth date
    (its ordinal), phone, hukou, education, region, tags (a sorted tuple) and warnings (a tuple).

    The cells are read column by column (_read_column), a row's reasons in _READ_ORDER (as the form's fields).
    """
    rows = result.rows
    if not rows:
        return
    on = today()  # once per file, not per row: the day the birth dates must be before
    cells = dict(zip(KEYS, zip(*[row.raw for row in rows])))
    read = [_read_column(key, cells[key]) for key in _READ_ORDER]
    for index in sorted(set().union(*[refusals for _, refusals in read])):
        row = rows[index]
        row.problems.extend(refusals[index] for _, refusals in read if index in refusals)
        row.status, row.errors = "error", list(row.problems)
    for row, typed in zip(rows, zip(*[values for values, _ in read])):
        if not row.problems:
            row.checked = _registration(typed, on)


def _registration(typed: tuple, on: date) -> tuple:
    """The row's document and name, and what registering it as a new person would give: check_trainee's
    fields, or its refusal (``check``'s ``checked``). ``typed``: the row's values in _READ_ORDER."""
    document_type, number, name, hukou_type, sex, birth_date, phone, education, typed_tags, region = typed
    tags = set(typed_tags)
    if region:
        tags.add("assisted_region")
    known = (document_type, number, name)
    # Positionally, in TraineeData's field order (which _READ_ORDER follows): by keyword the call
    # took 0.42 µs a row instead of 0.15.
    data = TraineeData(document_type, number, name, hukou_type, sex, birth_date, phone, education, tags, region)
    try:
        document, _, sex, birth_date, phone, region = check_trainee_fields(data, on=on, normalised=True)
    except DomainError as error:
        return (*known, field_message(LABELS[error.field], error.message) if error.field in LABELS else error.message)
    # The typed tags (one tuple per distinct cell, which the stored form then writes once) unless the region added one.
    return (*known, sex, birth_date.toordinal(), phone, hukou_type, education or None, region,
            tuple(sorted(tags)) if data.assisted_region else typed_tags, tuple(document.warnings))


def _known_trainees(numbers: set[str]) -> dict[tuple[str, str], Any]:
    """(type, number) → (id, type, number, name) of registered people holding one of these numbers."""
    # By number alone (its own index), the type matched here: a (type, number) tuple IN list lets
    # PostgreSQL pick the type index after a bulk import and scan every row of that type.
    # In no particular order: order does not change what is found (sorting 10,000
    # numbers here cost 1.6 ms a look-up).
    found: dict[tuple[str, str], Any] = {}
    listed = list(numbers)
    for start in range(0, len(listed), LOOKUP_CHUNK):
        for trainee in _numbered(listed[start:start + LOOKUP_CHUNK]):
            found[(trainee.document_type, trainee.document_number)] = trainee
    return found


#: Registered people holding one of the numbers given as one parameter (not thousands to bind):
#: on PostgreSQL an array (``= ANY``) sent in binary, which psycopg only does for a ``%b``
#: placeholder that SQLAlchemy does not write (as text, 5,000 numbers took 4 ms more to send and
#: parse); on SQLite a JSON array whose elements, read by ``json_each``, each look up the number's
#: index (CROSS JOIN keeps json_each the outer loop: ``IN (SELECT value FROM json_each(?))`` first
#: built a temporary index of the array, five times as long). Twice per import: preview and confirmation.
_NUMBERED = {
    "postgresql": "SELECT id, document_type, document_number, name FROM trainees WHERE document_number = ANY(%b)",
    "sqlite": "SELECT t.id, t.document_type, t.document_number, t.name FROM json_each(?) AS n "
              "CROSS JOIN trainees AS t WHERE t.document_number = n.value",
}


def _numbered(numbers: list[str]):
    """Registered people (id, type, number, name) holding one of ``numbers`` (see _NUMBERED)."""
    db.session.flush()  # as session.execute would, before reading
    connection = db.session.connection()
    name = connection.dialect.name
    return connection.exec_driver_sql(_NUMBERED[name], (numbers if name == "postgresql" else json.dumps(numbers),))


def not_enrolling(session: TrainingSession) -> str | None:
    """Why this session takes no more enrolments, or None while it does."""
    if session.status in ENROLLING_STATES:
        return None
    return f"班期{session.status_name},不能再报名"


def check_session(session: TrainingSession) -> None:
    refusal = not_enrolling(session)
    if refusal:
        raise DomainError(refusal, "file")


def read(filename: str, content: bytes) -> Preview:
    """Read the file and make the checks that need no records (kept with the batch)."""
    result = read_rows(COLUMNS, filename, content)
    check(result)
    return result


def resolve(session: TrainingSession, result: Preview) -> Preview:
    """Check the checked rows against the records as they are now; change nothing.

    A known document is that person (the typed name must agree), enrolled as registered, as the
    one-by-one form does; only new people need every field a registration needs.
    """
    check_session(session)
    result.start_resolving()
    known = _known_trainees({row.checked[1] for row in result.rows if not row.problems})
    # trainee id → (status, withdrawn on) of everyone already on this session's roster
    roster = select(Enrollment.trainee_id, Enrollment.status, Enrollment.withdrawn_on).where(
        Enrollment.session_id == session.id)
    enrolled = {trainee_id: (status, withdrawn_on) for trainee_id, status, withdrawn_on in db.session.execute(roster)}
    seen: dict[tuple[str, str], int] = {}
    for row in result.rows:
        if row.problems:
            continue
        checked = row.checked
        document_type, number, name = checked[0], checked[1], checked[2]
        key = (document_type, number)
        trainee = known.get(key) if known else None
        if trainee is not None:
            if not _known_person(row, name, trainee):
                continue
        elif len(checked) == 4:  # a new person this row could not register: why
            row.fail(checked[3])
            continue
        if key in seen:
            row.fail(f"「证件号码」与第 {seen[key]} 行重复")
            continue
        seen[key] = row.number
        if trainee is None:
            _, _, _, sex, birth_date, phone, hukou_type, education, region, tags, warnings = checked
            row.values = {"document_type": document_type, "document_number": number, "name": name, "sex": sex,
                          "birth_date": date.fromordinal(birth_date), "phone": phone, "hukou_type": hukou_type,
                          "education": education, "assisted_region": region, "tags": tags}
            if warnings:
                row.notes.extend(warnings)
            continue
        row.values = {"document_type": document_type, "document_number": number, "name": trainee.name,
                      "trainee_id": trainee.id}
        status, withdrawn_on = enrolled.get(trainee.id, (None, None))
        if status == "withdrawn":
            row.fail(f"该学员{withdrawn_note(withdrawn_on)},不能再次报名本班期(如需恢复,请在学员名单中撤销退训)")
        elif status is not None:
            row.status = "unchanged"
            row.notes.append("已在本班期报名,不会重复导入")
        else:
            row.notes.append("系统中已有此人,直接报名(已登记的资料不会被表中内容修改)")
    _apply_refusals(session, result)
    _apply_capacity(session, result)
    return result


def preview(session: TrainingSession, filename: str, content: bytes) -> Preview:
    """Read, check and resolve a file in one go (what an upload shows)."""
    return resolve(session, read(filename, content))


def _same_name(typed: str, registered: str) -> bool:
    return "".join((typed or "").split()) == "".join((registered or "").split())


def _known_person(row: Row, name: str, trainee) -> bool:
    """A registered document: only the name is checked against the record, as in enrol_person."""
    if not name:
        row.fail("「姓名」请填写,须与系统中该证件登记的姓名一致")
        return False
    if not _same_name(name, trainee.name):
        row.fail(f"「姓名」与系统中该证件登记的姓名({mask_name(trainee.name)})不一致")
        return False
    return True


def _apply_refusals(session: TrainingSession, result: Preview) -> None:
    """Rows of people the programme's enrolment rule refuses (as the one-by-one enrolment does) fail
    with its reason; a known person is judged by their record, a new one by the row."""
    rule = enrolment_rule(session)
    if rule is None:
        return
    rows = result.ready
    known = [row.values["trainee_id"] for row in rows if "trainee_id" in row.values]
    people: dict[int, Trainee] = {}
    for start in range(0, len(known), LOOKUP_CHUNK):
        chunk = known[start:start + LOOKUP_CHUNK]
        people.update((t.id, t) for t in db.session.scalars(select(Trainee).where(Trainee.id.in_(chunk))))
    for row in rows:
        values = row.values
        person = (people[values["trainee_id"]] if "trainee_id" in values
                  else Trainee(**{key: values[key] for key in TRAINEE_FIELDS}))
        refusal = rule(session, person)
        if refusal:
            row.fail(refusal)


def _apply_capacity(session: TrainingSession, result: Preview) -> None:
    remaining = session.capacity - active_count(session)
    for row in result.ready[max(remaining, 0):]:
        row.fail(f"超出班期容量(容量 {session.capacity} 人,剩余 {max(remaining, 0)} 个名额)")


@dataclass
class Imported:
    trainee_ids: list[int]
    enrollment_ids: list[int]


TRAINEE_FIELDS = ("document_type", "document_number", "name", "sex", "birth_date", "phone", "hukou_type",
                  "education", "assisted_region")


def confirm(session: TrainingSession, result: Preview, registered_base_id: int | None) -> Imported:
    """Register the new people and enrol every ready row: set-based inserts, one transaction (the caller's).

    The inserts (bulk.insert_new, which gives the new ids without a look-up) pass the audit log's
    flush hook by, so each is logged with record_inserts. Rows go in chunks of INSERT_CHUNK, so the
    statements and audit rows of a big file never sit in memory at once.
    """
    connection = db.session.connection()
    trainee_values = itemgetter(*TRAINEE_FIELDS)  # a row's values as the insert's tuple
    rows = result.ready
    trainee_ids: list[int] = []
    new_rows = [row for row in rows if "trainee_id" not in row.values]
    for start in range(0, len(new_rows), INSERT_CHUNK):
        chunk = new_rows[start:start + INSERT_CHUNK]
        now = utcnow()
        shared = {"registered_base_id": registered_base_id, "created_at": now, "updated_at": now}
        values = [trainee_values(row.values) for row in chunk]
        ids = insert_new(connection, insert(Trainee), TRAINEE_FIELDS, values, shared)
        for row, trainee_id in zip(chunk, ids):
            row.values["trainee_id"] = trainee_id
        record_inserts(db.session, Trainee, TRAINEE_FIELDS, values, ids, {"registered_base_id": registered_base_id})
        trainee_ids.extend(ids)
        del values
        tags = [(row.values["trainee_id"], tag) for row in chunk for tag in row.values["tags"]]
        if tags:
            insert_rows(connection, insert(TraineeTag), ("trainee_id", "tag"), tags)
            record_inserts(db.session, TraineeTag, ("trainee_id", "tag"), tags)
    enrollment_ids: list[int] = []
    for start in range(0, len(rows), INSERT_CHUNK):
        now = utcnow()
        shared = {"session_id": session.id, "status": "enrolled", "enrolled_at": now, "created_at": now,
                  "updated_at": now}
        trainees = [row.values["trainee_id"] for row in rows[start:start + INSERT_CHUNK]]
        values = [(trainee_id,) for trainee_id in trainees]
        ids = insert_new(connection, insert(Enrollment), ("trainee_id",), values, shared)
        record_inserts(db.session, Enrollment, ("trainee_id",), values, ids,
                       {"session_id": session.id, "status": "enrolled"})
        enrollment_ids.extend(ids)
    return Imported(trainee_ids, enrollment_ids)
