"""Hours and results by spreadsheet: each row one enrolled person, matched by document number."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from ...extensions import db
from .. import normalise
from ..audit import record_updates, set_reason
from ..errors import DomainError
from ..identifiers import mask_name
from ..trainees.models import Trainee
from ..catalogue import ASSESSMENT_TYPES
from ..training.models import RESULTS, Enrollment, TrainingSession
from ..training.results import ResultData, certificate_refusal, check_can_change_records, check_result
from .tables import Column, Preview, Row, field_message, normalise_into, read_rows

COLUMNS = [
    Column("name", "姓名", ("学员姓名",), example="张三明", note="须与报名时的姓名一致"),
    Column("document_type", "证件类型", ("证件种类",), example="居民身份证", note="空白按居民身份证"),
    Column("document_number", "证件号码", ("身份证号", "身份证号码", "公民身份号码", "证件号", "身份证"),
           required=True, example="440106199003071234", note="本班期已报名学员的证件号码;请保持本列为文本格式"),
    Column("attended_hours", "实到学时", ("学时", "实际学时", "出勤学时", "培训学时"), example="80",
           note="不超过班期的计划学时,可有一位小数"),
    Column("result", "考核结果", ("结果", "是否合格", "考核情况"), example="合格",
           note="、".join(RESULTS.values()) + ";空白或「未考核」为尚无结果"),
    Column("score", "成绩", ("分数", "考核成绩"), example="86", note="0 到 100"),
    Column("assessed_on", "考核日期", ("考试日期", "鉴定日期", "评价日期"), example="2026-06-30",
           note="填写考核结果时必填,在开班日期与今天之间"),
    Column("assessment_type", "考核类型", ("评价方式", "考核方式"), example="职业技能等级认定",
           note="、".join(ASSESSMENT_TYPES.values()) + ";按班期的职业(工种)或专项选择,缺考可不填"),
]
LABELS = {column.key: column.header for column in COLUMNS}
FIELDS = ("attended_hours", "result", "score", "assessed_on", "assessment_type")


def _result_data(row: Row) -> ResultData:
    """The row's hours and result as typed; a field whose column the sheet lacks is None here."""
    get = lambda key, function: normalise_into(row, key, LABELS[key], function)  # noqa: E731
    return ResultData(
        attended_hours=get("attended_hours", lambda v: normalise.number(v, "")),
        result=get("result", normalise.result),
        score=get("score", lambda v: normalise.number(v, "")),
        assessed_on=get("assessed_on", lambda v: normalise.a_date(v, "")),
        assessment_type=get("assessment_type", normalise.assessment_type),
    )


def check_session(session: TrainingSession, by_bureau: bool, reason: str | None) -> None:
    try:
        check_can_change_records(session, by_bureau, reason)
    except DomainError as error:
        raise DomainError(error.message, "file") from None


def read(filename: str, content: bytes) -> Preview:
    """Read the file (kept with the batch as read: a results sheet is a roster long, each row checked
    against the records at every look)."""
    return read_rows(COLUMNS, filename, content)


def resolve(session: TrainingSession, result: Preview, on: date, by_bureau: bool, reason: str | None) -> Preview:
    """Check every row against the session's roster and the result rules; change nothing."""
    check_session(session, by_bureau, reason)
    result.start_resolving()
    roster = {
        (trainee.document_type, trainee.document_number): enrollment
        for enrollment, trainee in db.session.execute(
            select(Enrollment, Trainee).join(Trainee, Enrollment.trainee_id == Trainee.id)
            .where(Enrollment.session_id == session.id)
        )
    }
    seen: dict[int, int] = {}
    for row in result.rows:
        document_type = normalise_into(row, "document_type", "证件类型", normalise.document_type)
        number = normalise_into(row, "document_number", "证件号码", normalise.document_number)
        data = _result_data(row)
        if row.status == "error":
            continue
        enrollment = roster.get((document_type, number))
        if enrollment is None:
            row.fail("该证件号码的学员未在本班期报名")
            continue
        name = normalise.person_name(row.cell("name"))
        if name and name != enrollment.trainee.name:
            row.fail(f"「姓名」与报名信息({mask_name(enrollment.trainee.name)})不一致")
            continue
        if enrollment.id in seen:
            row.fail(f"与第 {seen[enrollment.id]} 行是同一名学员")
            continue
        seen[enrollment.id] = row.number
        if enrollment.status == "withdrawn":
            # The roster lists those who left, with nothing (or what was kept) in their result columns.
            if all(getattr(data, f) in (None, getattr(enrollment, f)) for f in FIELDS):
                row.status = "unchanged"
                row.notes.append("该学员已退训,不录入结果")
            else:
                row.fail("该学员已退训,不能录入结果")
            continue
        for field in FIELDS:
            if field in result.absent:
                # A column the sheet does not have keeps what is recorded; a blank cell still clears.
                setattr(data, field, getattr(enrollment, field))
        try:
            checked = check_result(session, data, on)
        except DomainError as error:
            row.fail(field_message(LABELS[error.field], error.message) if error.field in LABELS else error.message)
            continue
        refusal = certificate_refusal(enrollment, checked)
        if refusal:
            row.fail(field_message(LABELS["result"], refusal))
            continue
        row.values = {"enrollment_id": enrollment.id, **{f: getattr(checked, f) for f in FIELDS}}
        if all(getattr(enrollment, f) == row.values[f] for f in FIELDS):
            row.status = "unchanged"
            row.notes.append("与已录入的结果相同")
    return result


def confirm(session: TrainingSession, result: Preview, on: date, by_bureau: bool, reason: str | None) -> list[int]:
    """Record every ready row (checked by resolve just now): one bulk UPDATE by primary key, logged.

    The rows passed the same checks record_result makes (check_result, withdrawn, the session's
    state and reason); the bulk update bypasses the audit hook, so record_updates logs each change.
    """
    check_can_change_records(session, by_bureau, reason)
    reason = (reason or "").strip() or None
    if reason:
        set_reason(db.session, reason)  # also on the batch's own audit row
    updates, changes = [], []
    for row in result.ready:
        enrollment = db.session.get(Enrollment, row.values["enrollment_id"])  # loaded by the preview
        before = {f: getattr(enrollment, f) for f in FIELDS if getattr(enrollment, f) != row.values[f]}
        if not before:
            continue
        updates.append({"id": enrollment.id, **{f: row.values[f] for f in FIELDS}})
        changes.append((enrollment.id, before, {f: row.values[f] for f in before}))
    if updates:
        db.session.execute(update(Enrollment), updates)
        record_updates(db.session, Enrollment, changes, reason)
        for key, _, _ in changes:
            db.session.expire(db.session.get(Enrollment, key))
    return [key for key, _, _ in changes]
