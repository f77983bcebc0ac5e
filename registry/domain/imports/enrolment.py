"""Enrolment by spreadsheet: each row a person (found by document or registered) enrolled in a session."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select

from ...extensions import db
from .. import normalise
from ..audit import record_inserts
from ..errors import DomainError
from ..identifiers import mask_name
from ..trainees.models import Trainee, TraineeTag
from ..trainees.operations import TraineeData, check_trainee
from ..training.models import Enrollment, TrainingSession
from ..training.operations import ENROLLING_STATES, active_count, withdrawn_note
from .tables import Column, Preview, Row, normalise_into, read_rows

COLUMNS = [
    Column("name", "姓名", ("学员姓名", "名字"), required=True, example="张三明"),
    Column("document_type", "证件类型", ("证件种类",), example="居民身份证"),
    Column("document_number", "证件号码", ("身份证号", "身份证号码", "公民身份号码", "证件号", "身份证"),
           required=True, example="440106199003071234"),
    Column("sex", "性别", example="男"),
    Column("birth_date", "出生日期", ("出生年月日", "生日"), example="1990-03-07"),
    Column("phone", "联系电话", ("手机", "手机号", "手机号码", "电话", "联系方式"), example="13800138000"),
    Column("hukou_type", "户籍类型", ("户籍", "户口性质", "户口类型", "户籍性质"), example="城镇"),
    Column("education", "文化程度", ("学历",), example="高中"),
    Column("tags", "人员类别", ("人员类型", "类别", "重点群体"), example="退役军人、失业人员"),
    Column("assisted_region", "帮扶地区", ("来源地区",), example=""),
]
LABELS = {column.key: column.header for column in COLUMNS}
LOOKUP_CHUNK = 500


def _trainee_data(row: Row) -> TraineeData | None:
    get = lambda key, function: normalise_into(row, key, LABELS[key], function)  # noqa: E731
    data = TraineeData(
        document_type=get("document_type", normalise.document_type),
        document_number=get("document_number", normalise.document_number),
        name=get("name", normalise.person_name),
        hukou_type=get("hukou_type", normalise.hukou),
        sex=get("sex", normalise.sex),
        birth_date=get("birth_date", lambda v: normalise.a_date(v, "出生日期")),
        phone=get("phone", normalise.phone),
        education=get("education", normalise.education),
        tags=get("tags", normalise.tags) or set(),
        assisted_region=get("assisted_region", normalise.text) or None,
    )
    if data.assisted_region:
        data.tags.add("assisted_region")
    return None if row.status == "error" else data


def _existing_trainees(keys: set[tuple[str, str]]) -> dict[tuple[str, str], Trainee]:
    # By number alone (its own index), the type checked here: a (type, number) tuple IN list lets
    # PostgreSQL pick the type index after a bulk import and scan every row of that type.
    found: dict[tuple[str, str], Trainee] = {}
    numbers = sorted({number for _, number in keys})
    for start in range(0, len(numbers), LOOKUP_CHUNK):
        query = select(Trainee).where(Trainee.document_number.in_(numbers[start:start + LOOKUP_CHUNK]))
        for trainee in db.session.scalars(query):
            key = (trainee.document_type, trainee.document_number)
            if key in keys:
                found[key] = trainee
    return found


def preview(session: TrainingSession, filename: str, content: bytes) -> Preview:
    """Read and check every row against the rules and the records as they are now; change nothing.

    A known document is that person (the typed name must agree), enrolled as registered, as the
    one-by-one form does; only new people need every field a registration needs.
    """
    if session.status not in ENROLLING_STATES:
        raise DomainError(f"班期已{session.status_name},不能再报名", "file")
    result = read_rows(COLUMNS, filename, content)
    typed = [(row, _trainee_data(row)) for row in result.rows]
    known = _existing_trainees({(data.document_type, data.document_number) for _, data in typed if data})
    # trainee id → (status, withdrawn on) of everyone already on this session's roster
    roster = select(Enrollment.trainee_id, Enrollment.status, Enrollment.withdrawn_on).where(
        Enrollment.session_id == session.id)
    enrolled = {trainee_id: (status, withdrawn_on) for trainee_id, status, withdrawn_on in db.session.execute(roster)}
    seen: dict[tuple[str, str], int] = {}
    for row, data in typed:
        if data is None:
            continue
        trainee = known.get((data.document_type, data.document_number))
        if trainee is not None:
            values = _known_person(row, data, trainee)
        else:
            values = _new_person(row, data)
        if values is None:
            continue
        key = (values["document_type"], values["document_number"])
        if key in seen:
            row.fail(f"「证件号码」与第 {seen[key]} 行重复")
            continue
        seen[key] = row.number
        row.values = values
        if trainee is None:
            continue
        status, withdrawn_on = enrolled.get(trainee.id, (None, None))
        if status == "withdrawn":
            row.fail(f"该学员{withdrawn_note(withdrawn_on)},不能再次报名本班期")
        elif status is not None:
            row.status = "unchanged"
            row.notes.append("已在本班期报名,不会重复导入")
        else:
            row.notes.append("系统中已有此人,直接报名(已登记的资料不会被表中内容修改)")
    _apply_capacity(session, result)
    return result


def _same_name(typed: str, registered: str) -> bool:
    return "".join((typed or "").split()) == "".join((registered or "").split())


def _known_person(row: Row, data: TraineeData, trainee: Trainee) -> dict | None:
    """A registered document: only the name is checked against the record, as in enrol_person."""
    if not data.name:
        row.fail("「姓名」请填写,须与系统中该证件登记的姓名一致")
        return None
    if not _same_name(data.name, trainee.name):
        row.fail(f"「姓名」与系统中该证件登记的姓名({mask_name(trainee.name)})不一致")
        return None
    return {"document_type": trainee.document_type, "document_number": trainee.document_number,
            "name": trainee.name, "trainee_id": trainee.id}


def _new_person(row: Row, data: TraineeData) -> dict | None:
    """A document not yet registered: every check a registration makes."""
    try:
        values, warnings = check_trainee(data)
    except DomainError as error:
        row.fail(f"「{LABELS.get(error.field, error.field or '')}」{error.message}" if error.field in LABELS
                 else error.message)
        return None
    row.notes.extend(warnings)
    return {**values, "tags": sorted(data.tags)}


def _apply_capacity(session: TrainingSession, result: Preview) -> None:
    remaining = session.capacity - active_count(session)
    for row in result.ready[max(remaining, 0):]:
        row.fail(f"超出班期容量(容量 {session.capacity} 人,剩余 {max(remaining, 0)} 个名额)")


def _trainee_ids(documents: list[tuple[str, str]], chunk: int = 5000) -> dict[tuple[str, str], int]:
    """Ids of trainees by (document type, number), looked up in chunks (bound-parameter limits)."""
    found: dict[tuple[str, str], int] = {}
    numbers = sorted({number for _, number in documents})
    for start in range(0, len(numbers), chunk):
        rows = db.session.execute(
            select(Trainee.document_type, Trainee.document_number, Trainee.id)
            .where(Trainee.document_number.in_(numbers[start:start + chunk]))
        )
        found.update({(kind, number): trainee_id for kind, number, trainee_id in rows})
    return found


@dataclass
class Imported:
    trainee_ids: list[int]
    enrollment_ids: list[int]


def confirm(session: TrainingSession, result: Preview, registered_base_id: int | None) -> Imported:
    """Register the new people and enrol every ready row: set-based inserts, one transaction (the caller's).

    Core inserts pass the audit log's flush hook by, so each is logged with record_inserts.
    """
    rows = result.ready
    new_rows = [row for row in rows if "trainee_id" not in row.values]
    trainee_ids: list[int] = []
    if new_rows:
        records = [{key: value for key, value in row.values.items() if key != "tags"} | {
            "registered_base_id": registered_base_id} for row in new_rows]
        # Plain executemany, then one look-up of the new ids: INSERT … RETURNING over many rows is
        # quadratic in SQLAlchemy's result splicing (100,000 rows took minutes).
        db.session.execute(insert(Trainee).execution_options(render_nulls=True), records)
        new_ids = _trainee_ids([(r["document_type"], r["document_number"]) for r in records])
        for row, record in zip(new_rows, records):
            row.values["trainee_id"] = new_ids[(record["document_type"], record["document_number"])]
        trainee_ids = [row.values["trainee_id"] for row in new_rows]
        record_inserts(db.session, Trainee, records, trainee_ids)
        tags = [{"trainee_id": row.values["trainee_id"], "tag": tag} for row in new_rows for tag in row.values["tags"]]
        if tags:
            db.session.execute(insert(TraineeTag), tags)
            record_inserts(db.session, TraineeTag, tags)
    enrollment_ids: list[int] = []
    if rows:
        enrollments = [{"session_id": session.id, "trainee_id": row.values["trainee_id"], "status": "enrolled"}
                       for row in rows]
        db.session.execute(insert(Enrollment), enrollments)
        by_trainee = dict(db.session.execute(
            select(Enrollment.trainee_id, Enrollment.id).where(Enrollment.session_id == session.id)
        ).all())
        enrollment_ids = [by_trainee[e["trainee_id"]] for e in enrollments]
        record_inserts(db.session, Enrollment, enrollments, enrollment_ids)
    return Imported(trainee_ids, enrollment_ids)
