"""Spreadsheet imports: messy input read as a clerk means it, wrong rows explained, confirm all-or-nothing."""
import io
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from registry.domain.common import today
from registry.domain.errors import DomainError
from registry.domain.imports import batches
from registry.domain.imports.models import ImportBatch
from registry.domain.imports.tables import error_rows as tables_error_rows
from registry.domain.trainees.models import Trainee
from registry.domain.training import operations as ops
from registry.domain.training.models import Enrollment
from registry.domain.training.results import ResultData, record_result
from registry.extensions import db
from tests import factories

HEADERS = ["序号", "姓名", "证件类型", "身份证号码", "性别", "出生日期", "手机号码", "户口性质", "学历", "人员类别"]


def xlsx(rows, headers=HEADERS, title="2026年粤菜师傅培训报名表") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.fixture
def session():
    base = factories.base(programmes=("yuecai",))
    start = today() + timedelta(days=5)
    return ops.create_session(base, ops.SessionData("yuecai", "chinese_cook", 5, "short", start,
                                                    start + timedelta(days=10), 80, 10))


def context(session):
    return batches.Context(user_id=None, registered_base_id=session.base_id)


def test_messy_rows_are_read_as_a_clerk_means_them(session):
    number = factories.id_number(date(1990, 3, 7))
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number[:10]) + number[10:].lower()
    content = xlsx([
        [1, "张 三", "身份证", full_width, "男", datetime(1990, 3, 7), 13800138000, "农业户口", "高中", "退役军人、失业人员"],
        [2, " 李四 ", "", factories.id_number(date(1985, 12, 1), male=False), "女性", "1985年12月1日", "020-87654321",
         "非农", "大专", ""],
    ])
    batch, preview = batches.upload("enrolment", session, "报名.xlsx", content, context(session))
    assert [row.status for row in preview.rows] == ["ready", "ready"]
    assert [row.number for row in preview.rows] == [4, 5]  # rows as the spreadsheet numbers them
    first = preview.rows[0].values
    assert (first["name"], first["document_number"], first["hukou_type"], first["phone"]) == (
        "张三", number, "rural", "13800138000")
    assert first["tags"] == ("unemployed", "veteran")  # sorted; a tuple shared by the rows of one cell
    assert preview.ignored_headers == ["序号"]
    assert count(Trainee) == 0 and batch.status == "preview"  # nothing changes before confirmation


def test_wrong_rows_say_why_and_which_field(session):
    good = factories.id_number(date(1990, 1, 1))
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    content = xlsx([
        [1, "甲一", "身份证", good, "", "", "", "城镇", "", ""],
        [2, "乙一", "身份证", bad_check, "", "", "", "城镇", "", ""],
        [3, "丙一", "身份证", good, "", "", "", "城镇", "", ""],
        [4, "丁一", "身份证", 4.40106199001011e17, "", "", "", "城镇", "", ""],
        [5, "戊一", "身份证", factories.id_number(date(1991, 1, 1)), "", "1991-01-02", "", "城镇", "", ""],
        [6, "己一", "身份证", factories.id_number(date(1992, 1, 1)), "", "", "", "半城镇", "", ""],
        [7, "庚一", "驾驶证", "123", "", "", "", "城镇", "", ""],
        [8, "辛一", "身份证", factories.id_number(date(1993, 1, 1)), "", "", "", "", "", ""],
    ])
    _, preview = batches.upload("enrolment", session, "名单.xlsx", content, context(session))
    errors = {row.number: " ".join(row.errors) for row in preview.wrong}
    assert preview.count("ready") == 1
    assert "校验位错误" in errors[5] and "「证件号码」" in errors[5]
    assert "与第 4 行重复" in errors[6]
    assert "存成了数字" in errors[7]
    assert "「出生日期」与证件号码不符:号码显示为 1991-01-01" in errors[8]
    assert "「户籍类型」「半城镇」无法识别" in errors[9]
    assert errors[10] == "「证件类型」「驾驶证」无法识别"
    assert "户籍类型" in errors[11]


def test_birth_dates_are_checked_against_the_day_of_the_upload_as_the_form_does(session):
    # check() asks for today once per file and passes it to every row's check_trainee.
    content = xlsx([
        [1, "甲一", "身份证", factories.id_number(today()), "", "", "", "城镇", "", ""],
        [2, "乙一", "身份证", factories.id_number(today() + timedelta(days=1)), "", "", "", "城镇", "", ""],
        [3, "丙一", "身份证", factories.id_number(today() - timedelta(days=1)), "", "", "", "城镇", "", ""],
    ])
    _, preview = batches.upload("enrolment", session, "名单.xlsx", content, context(session))
    assert [row.errors for row in preview.rows] == [
        ["「出生日期」应早于今天"], ["「证件号码」居民身份证号码中的出生日期晚于今天"], []]


def test_confirm_imports_ready_rows_once_and_a_second_upload_creates_nothing(session):
    rows = [[i, f"学员{'甲乙丙'[i]}", "身份证", factories.id_number(date(1990, 1, i + 1)), "", "", "", "城镇", "", ""]
            for i in range(3)]
    rows.append([9, "错行", "身份证", "123", "", "", "", "城镇", "", ""])
    content = xlsx(rows)
    batch, _ = batches.upload("enrolment", session, "名单.xlsx", content, context(session))
    batch, preview = batches.confirm(batch.id, context(session))
    assert (batch.status, batch.ready_rows, batch.error_rows) == ("confirmed", 3, 1)
    assert len(batch.affected_ids["enrollments"]) == 3 and count(Trainee) == 3
    with pytest.raises(DomainError):
        batches.confirm(batch.id, context(session))  # a batch is confirmed once
    again, preview = batches.upload("enrolment", session, "名单.xlsx", content, context(session))
    assert preview.count("unchanged") == 3 and preview.count("ready") == 0
    assert batches.earlier_import(again).id == batch.id
    batches.confirm(again.id, context(session))
    assert count(Enrollment) == 3 and count(Trainee) == 3


def test_known_person_with_another_name_is_refused_masked(session):
    known = factories.trainee("赵六明")
    content = xlsx([[1, "赵大明", "身份证", known.document_number, "", "", "", "城镇", "", ""]])
    _, preview = batches.upload("enrolment", session, "a.xlsx", content, context(session))
    assert "赵*明" in preview.rows[0].errors[0] and "赵六明" not in preview.rows[0].errors[0]


def test_rows_beyond_capacity_are_wrong(session):
    session.capacity = 2
    rows = [[i, f"学员{'甲乙丙'[i]}", "身份证", factories.id_number(date(1990, 2, i + 1)), "", "", "", "城镇", "", ""]
            for i in range(3)]
    _, preview = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context(session))
    assert preview.count("ready") == 2 and "超出班期容量" in preview.wrong[0].errors[0]


def test_confirm_rechecks_against_the_records_as_they_are_then(session):
    rows = [[1, "甲一", "身份证", factories.id_number(date(1990, 5, 1)), "", "", "", "城镇", "", ""]]
    batch, _ = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context(session))
    session.status = "closed"
    with pytest.raises(DomainError) as error:
        batches.confirm(batch.id, context(session))
    assert error.value.message == "班期已归档,不能再报名"


def test_a_failure_during_confirm_changes_nothing(session, monkeypatch):
    rows = [[i, f"学员{'甲乙'[i]}", "身份证", factories.id_number(date(1990, 6, i + 1)), "", "", "", "城镇", "", ""]
            for i in range(2)]
    batch, _ = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context(session))
    db.session.commit()
    from registry.domain.imports import enrolment

    real_insert = enrolment.insert

    def failing_insert(table):
        if table is Enrollment:
            raise RuntimeError("connection lost")
        return real_insert(table)

    monkeypatch.setattr(enrolment, "insert", failing_insert)
    with pytest.raises(RuntimeError):
        batches.confirm(batch.id, context(session))
    db.session.rollback()
    assert count(Trainee) == 0 and db.session.get(ImportBatch, batch.id).status == "preview"


def test_error_workbook_returns_the_wrong_rows_with_reasons_ready_to_reupload(session):
    good = factories.id_number(date(1990, 7, 1))
    content = xlsx([
        [1, "甲一", "身份证", good, "", "", "", "城镇", "", ""],
        [2, "乙一", "身份证", "440106199007010000", "", "", "@SUM(1+1)", "城镇", "", ""],
    ])
    _, preview = batches.upload("enrolment", session, "a.xlsx", content, context(session))
    sheet = load_workbook(io.BytesIO(batches.error_workbook(preview))).active
    rows = list(sheet.values)
    assert rows[0][-2:] == ("错误原因", "原行号")
    assert rows[1][0] == "乙一" and "校验位" in rows[1][-2] and rows[1][-1] == 5
    formula_cell = sheet.cell(row=2, column=6)  # a formula typed by someone stays text
    assert formula_cell.value == "@SUM(1+1)" and formula_cell.data_type != "f" and formula_cell.quotePrefix
    # fixed and uploaded again, the file is understood (extra columns ignored)
    _, again = batches.upload("enrolment", session, "fixed.xlsx", batches.error_workbook(preview), context(session))
    assert again.ignored_headers == ["错误原因", "原行号"]


def test_csv_in_gbk_with_the_template_headers(session):
    number = factories.id_number(date(1990, 8, 8))
    text = f"姓名,证件号码,户籍类型\n王五,{number},城镇\n"
    _, preview = batches.upload("enrolment", session, "名单.csv", text.encode("gb18030"), context(session))
    assert preview.rows[0].status == "ready" and preview.rows[0].values["name"] == "王五"


@pytest.mark.parametrize(
    "filename,content,fragment",
    [
        ("名单.docx", b"x", "只支持"),
        ("名单.xlsx", b"not a spreadsheet", "无法读取"),
        ("名单.csv", "姓名,电话\n张三,1\n".encode(), "找不到表头"),
        ("名单.csv", "姓名,证件号码\n".encode(), "没有数据行"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(session, filename, content, fragment):
    with pytest.raises(DomainError) as error:
        batches.upload("enrolment", session, filename, content, context(session))
    assert fragment in error.value.message and count(ImportBatch) == 0


def workbook_of(*sheets) -> bytes:
    """A workbook of (title, rows, hidden) sheets, in that order."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows, hidden in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_list_is_read_from_the_first_visible_sheet_that_has_the_header(session):
    person = [1, "甲一", "身份证", factories.id_number(date(1993, 1, 1)), "", "", "", "城镇", "", ""]
    decoy = [1, "乙一", "身份证", factories.id_number(date(1994, 1, 1)), "", "", "", "城镇", "", ""]
    content = workbook_of(("填表说明", [["证件号码请设为文本格式"], ["姓名须与证件一致"]], False),
                          ("旧名单", [HEADERS, decoy], True),  # hidden: not the clerk's data
                          ("名单", [HEADERS, person], False))
    batch, preview = batches.upload("enrolment", session, "名单.xlsx", content, context(session))
    assert [row.raw[0] for row in preview.rows] == ["甲一"] and preview.sheet == "名单"
    db.session.commit()
    db.session.expire_all()
    # the name of the sheet read is kept with the checked rows
    assert batches.recheck(db.session.get(ImportBatch, batch.id), context(session)).sheet == "名单"
    # a list on the first sheet is read as it always was, with nothing to say about sheets
    _, first = batches.upload("enrolment", session, "名单.xlsx",
                              workbook_of(("名单", [HEADERS, person], False), ("说明", [["x"]], False)), context(session))
    assert first.sheet == "" and len(first.rows) == 1


def test_a_workbook_with_no_header_on_any_sheet_says_how_many_sheets_were_searched(session):
    content = workbook_of(("说明", [["填表说明"]], False), ("统计", [["合计", 3]], False))
    with pytest.raises(DomainError) as error:
        batches.upload("enrolment", session, "名单.xlsx", content, context(session))
    assert "在全部 2 个工作表的前 10 行中找不到表头" in error.value.message and count(ImportBatch) == 0


def test_headers_with_notes_in_brackets_are_read_by_their_names(session):
    headers = ["序号", "姓名【必填】", "证件类型", "身份证号码（18位）", "性别", "出生日期(年-月-日)", "手机号码（必填）",
               "户口性质[城镇/农村]", "学历（初中/高中…）", "人员类别", "备注(其他)"]
    row = [1, "甲一", "身份证", factories.id_number(date(1993, 1, 1)), "", "", "13800138000", "农村", "高中", "", "x"]
    _, preview = batches.upload("enrolment", session, "名单.xlsx", xlsx([row], headers=headers), context(session))
    [read] = preview.rows
    assert read.status == "ready" and read.values["hukou_type"] == "rural" and read.values["education"] == "senior"
    assert read.values["phone"] == "13800138000" and preview.ignored_headers == ["序号", "备注(其他)"]


def ods(rows) -> bytes:
    """A minimal OpenDocument spreadsheet (as LibreOffice and WPS save one) of text cells."""
    cells = lambda row: "".join(  # noqa: E731
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>' for v in row)
    body = "".join(f"<table:table-row>{cells(row)}</table:table-row>" for row in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="名单">{body}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def test_an_opendocument_sheet_from_libreoffice_or_wps_is_read_as_an_excel_one(session):
    number = factories.id_number(date(1993, 1, 1))
    rows = [HEADERS, [1, "甲一", "身份证", number, "", "", "13800138000", "农村", "高中", "退役军人"]]
    _, preview = batches.upload("enrolment", session, "名单.ods", ods(rows), context(session))
    [row] = preview.rows
    assert row.status == "ready" and row.values["document_number"] == number
    assert (row.values["hukou_type"], row.values["tags"]) == ("rural", ("veteran",))


def test_template_has_the_chinese_headers_no_example_person_and_says_what_each_column_takes(session):
    workbook = load_workbook(io.BytesIO(batches.template_workbook("enrolment")))
    sheet = workbook["名单"]
    assert [c.value for c in sheet[1]][:3] == ["姓名", "证件类型", "证件号码"]
    assert sheet.max_row == 1  # an example row there would be read back as a person (and a wrong one)
    # the ID and phone columns are text all the way down, so a number typed in keeps its 18 digits
    assert sheet.column_dimensions["C"].number_format == "@" and sheet.column_dimensions["F"].number_format == "@"
    notes = {row[0]: row for row in workbook["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert notes["姓名"][1] == "必填" and "城镇、农村" in notes["户籍类型"][3] and "新学员必填" in notes["户籍类型"][3]
    assert "高中/中专/技校" in notes["文化程度"][3] and "退役军人" in notes["人员类别"][3]
    results = {row[0]: row for row in load_workbook(io.BytesIO(batches.template_workbook("results")))["填写说明"]
               .iter_rows(min_row=2, values_only=True)}
    assert "合格、不合格、缺考" in results["考核结果"][3] and "专项职业能力考核" in results["考核类型"][3]
    # each note's words are read as it says: the example values make a ready row
    example = [[notes[h][2] for h in ("姓名", "证件类型")] + [factories.id_number(date(1990, 3, 7))]
               + [notes[h][2] for h in ("性别", "出生日期", "联系电话", "户籍类型", "文化程度", "人员类别")]]
    headers = ["姓名", "证件类型", "证件号码", "性别", "出生日期", "联系电话", "户籍类型", "文化程度", "人员类别"]
    _, preview = batches.upload("enrolment", session, "a.xlsx", xlsx(example, headers, title=None), context(session))
    assert [row.status for row in preview.rows] == ["ready"], preview.rows[0].errors


def test_results_by_spreadsheet(session):
    session.start_date = today() - timedelta(days=20)
    session.end_date = today() - timedelta(days=2)
    session.status = "in_progress"
    people = [factories.trainee(f"学员{'甲乙丙'[i]}", document_number=factories.id_number(date(1990, 9, i + 1)))
              for i in range(3)]
    for person in people:
        factories.enrollment(session, person, result=None, hours=None)
    stranger = factories.id_number(date(1990, 10, 1))
    headers = ["姓名", "证件号码", "实到学时", "考核结果", "成绩", "考核日期", "考核类型"]
    rows = [
        ["学员甲", people[0].document_number, 80, "合格", 92, today() - timedelta(days=1), "等级认定"],
        ["学员乙", people[1].document_number, "76学时", "不合格", 41, str(today() - timedelta(days=1)), "职业技能等级认定"],
        ["学员丙", people[2].document_number, 90, "合格", 80, today() - timedelta(days=1), "职业技能等级认定"],
        ["路人", stranger, 80, "合格", 80, today(), "职业技能等级认定"],
    ]
    batch, preview = batches.upload("results", session, "成绩.xlsx", xlsx(rows, headers, title=None), context(session))
    assert [row.status for row in preview.rows] == ["ready", "ready", "error", "error"]
    assert "超过计划学时" in preview.rows[2].errors[0] and "未在本班期报名" in preview.rows[3].errors[0]
    batches.confirm(batch.id, context(session))
    db.session.refresh(people[0])
    results = dict(db.session.execute(select(Enrollment.trainee_id, Enrollment.result)).all())
    assert results == {people[0].id: "passed", people[1].id: "failed", people[2].id: None}


def test_confirmed_import_names_every_created_record_in_the_audit_log(session):
    from registry.domain.audit import AuditLog

    rows = [[1, "审计学员", "身份证", factories.id_number(date(1990, 11, 1)), "", "", "", "城镇", "", ""]]
    batch, _ = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context(session))
    batches.confirm(batch.id, context(session))
    db.session.commit()
    logged = db.session.scalars(
        select(AuditLog).where(AuditLog.entity_type == "import_batches", AuditLog.entity_id == str(batch.id))
        .order_by(AuditLog.id)
    ).all()
    assert [row.action for row in logged] == ["insert", "update"]
    assert logged[0].changes["after"]["content"] == "******"  # the file is not copied into the log
    after = logged[1].changes["after"]
    assert after["status"] == "confirmed"
    assert after["affected_ids"]["trainees"] == batch.affected_ids["trainees"] != []


def running_session(session):
    session.start_date = today() - timedelta(days=20)
    session.end_date = today() - timedelta(days=2)
    session.status = "in_progress"
    return session


def test_the_sessions_own_roster_uploads_as_its_results_sheet(session):
    from registry.domain.training import operations as ops
    from registry.domain.training.exports import roster_workbook

    running_session(session)
    people = [factories.trainee(f"学员{'甲乙丙'[i]}", document_number=factories.id_number(date(1991, 9, i + 1)))
              for i in range(3)]
    assessed, waiting, gone = (factories.enrollment(session, person, result=None, hours=None) for person in people)
    assessed.attended_hours, assessed.result, assessed.score = 80, "passed", 90
    assessed.assessed_on, assessed.assessment_type = today() - timedelta(days=1), "skill_level"
    ops.withdraw(gone, today(), "家中有事")
    db.session.commit()

    def roster() -> bytes:
        enrollments = db.session.scalars(select(Enrollment).order_by(Enrollment.id)).all()
        return roster_workbook(session, enrollments)

    # as downloaded: nothing to change, and nothing wrong (未考核 is no result; who left has nothing to record)
    _, preview = batches.upload("results", session, "花名册.xlsx", roster(), context(session))
    assert [row.status for row in preview.rows] == ["unchanged", "unchanged", "unchanged"]
    assert preview.rows[2].notes == ["该学员已退训,不录入结果"]
    # the clerk fills in the one still waiting
    sheet = load_workbook(io.BytesIO(roster()))
    table = sheet["花名册"]
    headers = [cell.value for cell in table[1]]
    for header, value in (("实到学时", 76), ("考核结果", "不合格"), ("成绩", 41),
                          ("考核日期", today() - timedelta(days=1)), ("考核类型", "职业技能等级认定")):
        table.cell(row=3, column=headers.index(header) + 1).value = value
    table.cell(row=4, column=headers.index("考核结果") + 1).value = "合格"  # a result for one who left
    filled = io.BytesIO()
    sheet.save(filled)
    _, preview = batches.upload("results", session, "花名册.xlsx", filled.getvalue(), context(session))
    assert [row.status for row in preview.rows] == ["unchanged", "ready", "error"]
    assert preview.rows[2].errors == ["该学员已退训,不能录入结果"]


def test_results_upload_refuses_non_finite_numbers_naming_the_column(session):
    running_session(session)
    people = [factories.trainee(f"学员{'甲乙'[i]}", document_number=factories.id_number(date(1990, 12, i + 1)))
              for i in range(2)]
    for person in people:
        factories.enrollment(session, person, result=None, hours=None)
    headers = ["证件号码", "实到学时", "考核结果", "成绩", "考核日期", "考核类型"]
    yesterday = today() - timedelta(days=1)
    rows = [
        [people[0].document_number, "NaN", "不合格", 40, yesterday, "职业技能等级认定"],
        [people[1].document_number, 80, "合格", "inf", yesterday, "职业技能等级认定"],
    ]
    _, preview = batches.upload("results", session, "成绩.xlsx", xlsx(rows, headers, title=None), context(session))
    assert [row.status for row in preview.rows] == ["error", "error"]
    assert "「实到学时」" in preview.rows[0].errors[0] and "NaN" in preview.rows[0].errors[0]
    assert "「成绩」" in preview.rows[1].errors[0]


def test_results_columns_missing_from_the_sheet_keep_what_is_recorded(session):
    running_session(session)
    people = [factories.trainee(f"学员{'甲乙'[i]}", document_number=factories.id_number(date(1989, 1, i + 1)))
              for i in range(2)]
    enrollments = [factories.enrollment(session, person, result=None, hours=None) for person in people]
    assessed = today() - timedelta(days=3)
    for enrollment in enrollments:
        record_result(enrollment, ResultData("80", "passed", "91", assessed, "skill_level"))
    # only the document and the hours: results, scores and dates must survive
    rows = [[people[0].document_number, 78], [people[1].document_number, 80]]
    batch, preview = batches.upload("results", session, "学时.xlsx", xlsx(rows, ["证件号码", "实到学时"], title=None),
                                    context(session))
    assert [row.status for row in preview.rows] == ["ready", "unchanged"]
    assert preview.absent >= {"result", "score", "assessed_on", "assessment_type"}
    batches.confirm(batch.id, context(session))
    db.session.expire_all()
    first, second = (db.session.get(Enrollment, e.id) for e in enrollments)
    assert (first.attended_hours, first.result, first.score, first.assessed_on, first.assessment_type) == (
        Decimal("78.0"), "passed", Decimal("91.0"), assessed, "skill_level")
    assert (second.result, second.assessed_on) == ("passed", assessed)


def test_results_blank_cells_in_present_columns_still_clear(session):
    running_session(session)
    person = factories.trainee("学员丙", document_number=factories.id_number(date(1989, 2, 1)))
    enrollment = factories.enrollment(session, person, result=None, hours=None)
    record_result(enrollment, ResultData("80", "passed", "91", today() - timedelta(days=3), "skill_level"))
    rows = [[person.document_number, 60, "", "", ""]]
    headers = ["证件号码", "实到学时", "考核结果", "成绩", "考核日期"]
    batch, preview = batches.upload("results", session, "学时.xlsx", xlsx(rows, headers, title=None), context(session))
    assert preview.rows[0].status == "ready"
    batches.confirm(batch.id, context(session))
    db.session.expire_all()
    cleared = db.session.get(Enrollment, enrollment.id)
    assert (cleared.attended_hours, cleared.result, cleared.score, cleared.assessed_on) == (
        Decimal("60.0"), None, None, None)


def test_known_people_need_only_name_and_document_new_people_need_everything(session):
    known = factories.trainee("赵六明", hukou_type="rural")
    other_known = factories.trainee("钱七", document_number=factories.id_number(date(1988, 8, 8)))
    newcomer = factories.id_number(date(1995, 5, 5))
    rows = [
        ["赵 六明", known.document_number.lower()],  # spaces and a lower-case x are typing noise
        ["钱八", other_known.document_number],
        ["孙九", newcomer],
        ["", known.document_number],
    ]
    batch, preview = batches.upload("enrolment", session, "名单.xlsx", xlsx(rows, ["姓名", "证件号码"], title=None),
                                    context(session))
    statuses = [row.status for row in preview.rows]
    assert statuses == ["ready", "error", "error", "error"]
    assert "系统中已有此人" in preview.rows[0].notes[0]
    assert "钱*" in preview.rows[1].errors[0]
    assert "户籍类型" in preview.rows[2].errors[0]  # a new person still needs every registration field
    assert "姓名" in preview.rows[3].errors[0]
    batches.confirm(batch.id, context(session))
    enrolled = db.session.scalars(select(Enrollment.trainee_id).where(Enrollment.session_id == session.id)).all()
    assert enrolled == [known.id]
    db.session.refresh(known)
    assert (known.name, known.hukou_type) == ("赵六明", "rural")  # the record is not changed by the sheet


def test_document_numbers_as_excel_exports_and_stores_them(session):
    number = factories.id_number(date(1990, 3, 17))
    text = (f"姓名,证件类型,证件号码,户籍类型\n"
            f"王五,身份证,{number}.0,城镇\n"
            f"赵六,身份证,4.40106E+17,城镇\n")
    _, preview = batches.upload("enrolment", session, "名单.csv", text.encode("gb18030"), context(session))
    assert preview.rows[0].status == "ready" and preview.rows[0].values["document_number"] == number
    assert "存成了数字" in preview.rows[1].errors[0] and "现为" not in preview.rows[1].errors[0]
    # an 8-digit 台胞证 typed into a number cell comes back whole
    content = xlsx([["林八", "台胞证", 12345678, "男", "1991-02-03", "城镇"]],
                   ["姓名", "证件类型", "证件号码", "性别", "出生日期", "户籍类型"], title=None)
    _, preview = batches.upload("enrolment", session, "名单.xlsx", content, context(session))
    assert preview.rows[0].status == "ready", preview.rows[0].errors
    assert preview.rows[0].values["document_number"] == "12345678"


def test_csv_export_date_times_and_sex_codes(session):
    man, woman = factories.id_number(date(1990, 3, 7)), factories.id_number(date(1990, 3, 17), male=False)
    text = ("姓名,证件号码,性别,出生日期,户籍类型\n"
            f"王五,{man},1,1990/3/7 0:00:00,城镇\n"
            f"李梅,{woman},女士,1990/3/17 0:00,农村\n")
    _, preview = batches.upload("enrolment", session, "名单.csv", text.encode("utf-8-sig"), context(session))
    assert [row.status for row in preview.rows] == ["ready", "ready"], [row.errors for row in preview.rows]
    assert [(row.values["sex"], row.values["birth_date"]) for row in preview.rows] == [
        ("M", date(1990, 3, 7)), ("F", date(1990, 3, 17))]


def audit_rows(entity_type: str, action: str) -> list:
    from registry.domain.audit import AuditLog

    return db.session.scalars(
        select(AuditLog).where(AuditLog.entity_type == entity_type, AuditLog.action == action).order_by(AuditLog.id)
    ).all()


def test_enrolment_import_logs_every_record_it_inserts(session, monkeypatch):
    from registry.domain import audit
    from registry.domain.audit import AuditLog, naming

    known = factories.trainee("赵六明")
    before = {kind: len(audit_rows(kind, "insert")) for kind in ("trainees", "trainee_tags", "enrollments")}
    rows = [[i, f"学员{'甲乙丙'[i]}", "身份证", factories.id_number(date(1991, 4, i + 1)), "", "", "13800138000", "城镇",
             "", "退役军人" if i == 0 else ""] for i in range(3)]
    rows.append([4, "赵六明", "身份证", known.document_number, "", "", "", "", "", ""])
    batch, _ = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context(session))
    monkeypatch.setattr(audit, "_actor_provider", lambda: audit.Actor(42, "clerk", "10.0.0.1"))
    batch, _ = batches.confirm(batch.id, context(session))
    db.session.commit()
    # One entry per table for the whole (small) import, listing every row it inserted.
    [trainees] = audit_rows("trainees", "insert")[before["trainees"]:]
    [enrollments] = audit_rows("enrollments", "insert")[before["enrollments"]:]
    [tags] = audit_rows("trainee_tags", "insert")[before["trainee_tags"]:]
    created, enrolled = batch.affected_ids["trainees"], batch.affected_ids["enrollments"]
    assert (trainees.first_id, trainees.last_id) == (min(created), max(created))
    assert sorted(row[0] for row in trainees.changes["rows"]) == sorted(created) and len(created) == 3
    assert sorted(row[0] for row in enrollments.changes["rows"]) == sorted(enrolled) and len(enrolled) == 4
    assert tags.changes["rows"] == [[created[0], "veteran"]] and tags.first_id == created[0]
    [first] = trainees.bulk_rows(str(created[0]))
    assert first["name"] == "学员甲" and first["birth_date"] == "1991-04-01" and first["id"] == created[0]
    assert trainees.changes["after"] == {"registered_base_id": session.base_id}
    assert {(r.actor_id, r.actor_name, r.remote_addr) for r in (trainees, enrollments, tags)} == {
        (42, "clerk", "10.0.0.1")}
    [known_enrollment] = [row for row in map(enrollments.bulk_rows, map(str, enrolled)) if row[0]["trainee_id"] == known.id]
    assert known_enrollment[0]["trainee_id"] == known.id
    assert enrollments.changes["after"] == {"session_id": session.id, "status": "enrolled"}
    # A search for one record finds the entry that lists it, by its id or its composite key.
    for entity_type, key, entry in (("trainees", str(created[1]), trainees), ("enrollments", str(enrolled[-1]), enrollments),
                                    ("trainee_tags", f"{created[0]}/veteran", tags)):
        found = db.session.scalars(select(AuditLog).where(AuditLog.entity_type == entity_type, naming(key))).all()
        assert entry in found and entry.bulk_rows(key)
    assert not db.session.scalars(select(AuditLog).where(AuditLog.entity_type == "trainees",
                                                         naming(str(max(created) + 1000)))).all()


def test_a_big_import_is_logged_in_entries_of_bounded_size(session, monkeypatch):
    from registry.domain import audit

    monkeypatch.setattr(audit, "BULK_ENTRY_ROWS", 2)
    before = len(audit_rows("trainees", "insert"))
    rows = [[i, f"学员{'甲乙丙丁戊'[i]}", "身份证", factories.id_number(date(1992, 4, i + 1)), "", "", "", "城镇", "", ""]
            for i in range(5)]
    batch, _ = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context(session))
    batch, _ = batches.confirm(batch.id, context(session))
    logged = audit_rows("trainees", "insert")[before:]
    assert [len(entry.changes["rows"]) for entry in logged] == [2, 2, 1]
    assert sorted(row[0] for entry in logged for row in entry.changes["rows"]) == sorted(batch.affected_ids["trainees"])


def test_results_import_logs_each_change_with_its_before_and_after(session):
    running_session(session)
    people = [factories.trainee(f"学员{'甲乙'[i]}", document_number=factories.id_number(date(1991, 5, i + 1)))
              for i in range(2)]
    enrollments = [factories.enrollment(session, person, result=None, hours="80") for person in people]
    db.session.commit()
    before = len(audit_rows("enrollments", "update"))
    yesterday = today() - timedelta(days=1)
    rows = [[people[0].document_number, 80, "合格", 90, yesterday, "职业技能等级认定"],
            [people[1].document_number, 80]]  # unchanged: blank cells where nothing was recorded
    headers = ["证件号码", "实到学时", "考核结果", "成绩", "考核日期", "考核类型"]
    batch, _ = batches.upload("results", session, "成绩.xlsx", xlsx(rows, headers, title=None), context(session))
    batch, _ = batches.confirm(batch.id, context(session))
    db.session.commit()
    assert batch.affected_ids["enrollments"] == [enrollments[0].id]
    logged = audit_rows("enrollments", "update")[before:]
    assert [r.entity_id for r in logged] == [str(enrollments[0].id)]
    assert logged[0].changes == {
        "before": {"result": None, "score": None, "assessed_on": None, "assessment_type": None},
        "after": {"result": "passed", "score": "90.0", "assessed_on": yesterday.isoformat(),
                  "assessment_type": "skill_level"},
    }
    db.session.expire_all()
    saved = db.session.get(Enrollment, enrollments[0].id)
    assert (saved.result, saved.score, saved.assessed_on) == ("passed", Decimal("90.0"), yesterday)
    assert saved.updated_at >= saved.created_at


def test_the_file_is_deleted_once_a_batch_is_confirmed_or_discarded(session):
    rows = [[1, "甲一", "身份证", factories.id_number(date(1992, 6, 1)), "", "", "", "城镇", "", ""]]
    content = xlsx(rows)
    batch, _ = batches.upload("enrolment", session, "a.xlsx", content, context(session))
    assert batch.content == content
    batch, _ = batches.confirm(batch.id, context(session))
    db.session.commit()
    db.session.expire_all()
    confirmed = db.session.get(ImportBatch, batch.id)
    assert confirmed.content == b"" and confirmed.sha256 and confirmed.status == "confirmed"
    again, _ = batches.upload("enrolment", session, "a.xlsx", content, context(session))
    assert batches.earlier_import(again).id == batch.id  # the same file is still recognised
    discarded = batches.discard(again.id)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ImportBatch, discarded.id).content == b""


def test_a_confirmation_keeps_only_the_wrong_rows_with_their_reasons_until_purged(app, session):
    from registry.domain.audit import AuditLog
    from registry.domain.common import local_time, utcnow

    good = factories.id_number(date(1992, 7, 1))
    rows = [[1, "甲一", "身份证", good, "", "", "", "城镇", "", ""],
            [2, "乙二", "身份证", good[:-1] + ("1" if good[-1] != "1" else "2"), "", "", "", "城镇", "", ""],
            [3, "丙三", "身份证", factories.id_number(date(1993, 7, 1)), "", "", "", "半城镇", "", ""]]
    batch, _ = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context(session))
    batch, _ = batches.confirm(batch.id, context(session))
    db.session.commit()
    db.session.expire_all()
    confirmed = db.session.get(ImportBatch, batch.id)
    kept = batches.kept_wrong_rows(confirmed)
    assert [(row.number, row.status, row.raw[0]) for row in kept.rows] == [(5, "error", "乙二"), (6, "error", "丙三")]
    assert "校验位" in kept.rows[0].errors[0] and "户籍类型" in kept.rows[1].errors[0]
    kept_until = batches.wrong_rows_kept_until(confirmed)
    assert (kept_until - local_time(confirmed.confirmed_at).date()).days == 14
    headers, written = tables_error_rows(kept)
    assert headers[-2:] == ["错误原因", "原行号"] and [row[-1] for row in written] == [5, 6]
    confirmed.confirmed_at = utcnow() - timedelta(days=15)
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["purge-imports"]).output.count("1 个") == 1
    db.session.expire_all()
    purged = db.session.get(ImportBatch, batch.id)
    assert purged.status == "confirmed" and purged.checked_rows is None and batches.kept_wrong_rows(purged) is None
    logged = db.session.scalars(select(AuditLog).where(AuditLog.entity_type == "import_batches",
                                                       AuditLog.entity_id == str(batch.id)).order_by(AuditLog.id)).all()
    assert "有误行" in logged[-1].reason and logged[-1].changes["after"]["checked_rows"] == "******"


def test_a_confirmation_without_wrong_rows_keeps_nothing(session):
    rows = [[1, "甲一", "身份证", factories.id_number(date(1992, 7, 1)), "", "", "", "城镇", "", ""]]
    batch, _ = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context(session))
    batch, _ = batches.confirm(batch.id, context(session))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch.id).checked_rows is None


def test_purge_imports_discards_old_previews_and_deletes_their_files(app, session):
    from registry.domain.audit import AuditLog
    from registry.domain.common import utcnow

    rows = [[1, "甲一", "身份证", factories.id_number(date(1992, 7, 1)), "", "", "", "城镇", "", ""]]
    old, _ = batches.upload("enrolment", session, "old.xlsx", xlsx(rows), context(session))
    recent, _ = batches.upload("enrolment", session, "new.xlsx", xlsx(rows), context(session))
    confirmed, _ = batches.upload("enrolment", session, "done.xlsx", xlsx(rows), context(session))
    batches.confirm(confirmed.id, context(session))
    old.created_at = utcnow() - timedelta(days=8)
    confirmed.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-imports"])
    assert result.exit_code == 0 and "1 个" in result.output
    db.session.expire_all()
    purged = db.session.get(ImportBatch, old.id)
    assert (purged.status, purged.content) == ("discarded", b"")
    assert db.session.get(ImportBatch, recent.id).status == "preview"
    assert db.session.get(ImportBatch, recent.id).content != b""
    assert db.session.get(ImportBatch, confirmed.id).status == "confirmed"
    logged = db.session.scalars(select(AuditLog).where(AuditLog.entity_type == "import_batches",
                                                       AuditLog.entity_id == str(old.id)).order_by(AuditLog.id)).all()
    assert logged[-1].action == "update" and logged[-1].changes["after"]["status"] == "discarded"
    assert logged[-1].changes["after"]["content"] == "******" and "7 天" in logged[-1].reason
    result = app.test_cli_runner().invoke(args=["purge-imports", "--days", "0"])
    assert result.exit_code == 0 and "1 个" in result.output
    db.session.expire_all()
    assert db.session.get(ImportBatch, recent.id).status == "discarded"


def test_a_withdrawn_trainee_in_an_enrolment_sheet_is_told_when_they_left(session):
    person = factories.trainee("周十一")
    enrollment = factories.enrollment(session, person, result=None, hours=None)
    ops.withdraw(enrollment, today(), "家中有事")
    _, preview = batches.upload("enrolment", session, "a.xlsx", xlsx([["周十一", person.document_number]],
                                                                      ["姓名", "证件号码"], title=None), context(session))
    assert preview.rows[0].status == "error"
    assert f"已于 {today():%Y-%m-%d} 退出本班期" in preview.rows[0].errors[0]


def forbid_reading_files(monkeypatch):
    """After the upload, neither the preview nor the confirmation may read the file again."""
    from registry.domain.imports import tables

    def refuse(*args, **kwargs):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(tables, "read_sheets", refuse)


def test_the_file_is_read_once_and_its_checked_rows_kept_with_the_batch(session, monkeypatch):
    born = date(1990, 12, 3)
    rows = [[1, "甲一", "身份证", factories.id_number(date(1993, 1, 1)), "男", "", "13800138000", "城镇", "", "退役军人"],
            [2, "乙一", "身份证", factories.id_number(born), "", born, "", "半城镇", "", ""]]
    batch, _ = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context(session))
    db.session.commit()
    db.session.expire_all()
    forbid_reading_files(monkeypatch)
    batch = db.session.get(ImportBatch, batch.id)
    preview = batches.recheck(batch, context(session))
    assert [row.status for row in preview.rows] == ["ready", "error"]
    assert preview.rows[0].values["tags"] == ("veteran",) and preview.rows[0].values["birth_date"] == date(1993, 1, 1)
    assert preview.rows[1].errors[0] == "「户籍类型」「半城镇」无法识别"
    # the wrong row goes back as typed: its date cell is still a date
    sheet = load_workbook(io.BytesIO(batches.error_workbook(preview))).active
    assert sheet.cell(row=2, column=5).value == datetime(1990, 12, 3)
    batch, _ = batches.confirm(batch.id, context(session))
    assert batch.status == "confirmed" and batch.content == b""
    # only the wrong row is kept, its date cell still a date in the file the clerk downloads to fix
    kept = batches.kept_wrong_rows(batch)
    assert [row.number for row in kept.rows] == [5]
    sheet = load_workbook(io.BytesIO(batches.error_workbook(kept))).active
    assert sheet.cell(row=2, column=5).value == datetime(1990, 12, 3) and sheet.max_row == 2
    trainee = db.session.scalar(select(Trainee).where(Trainee.name == "甲一"))
    assert (trainee.sex, trainee.phone, trainee.hukou_type, trainee.tag_codes) == ("M", "13800138000", "urban",
                                                                                    {"veteran"})


def test_confirm_without_reading_again_still_refuses_what_changed_since_the_upload(session, monkeypatch):
    numbers = [factories.id_number(date(1994, 2, i + 1)) for i in range(4)]
    rows = [[i, f"学员{'甲乙丙丁'[i]}", "身份证", number, "", "", "", "城镇", "", ""] for i, number in enumerate(numbers)]
    batch, preview = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context(session))
    assert preview.count("ready") == 4
    forbid_reading_files(monkeypatch)
    # Meanwhile: the first person is enrolled by hand, the second registered elsewhere under another
    # name, and the session's capacity shrinks to two.
    from registry.domain.trainees.operations import TraineeData

    ops.enrol_person(session, TraineeData("resident_id", numbers[0], "学员甲", "urban"))
    factories.trainee("别名乙", document_number=numbers[1])
    session.capacity = 2
    db.session.flush()
    batch, preview = batches.confirm(batch.id, context(session))
    statuses = [row.status for row in preview.rows]
    assert statuses == ["unchanged", "error", "ready", "error"]
    assert "不一致" in preview.rows[1].errors[0] and "超出班期容量" in preview.rows[3].errors[0]
    assert (batch.ready_rows, batch.error_rows, batch.unchanged_rows) == (1, 2, 1)
    enrolled = db.session.scalars(select(Trainee.name).join(Enrollment, Enrollment.trainee_id == Trainee.id)
                                  .where(Enrollment.session_id == session.id).order_by(Trainee.name)).all()
    assert enrolled == ["学员丙", "学员甲"]


def test_a_batch_uploaded_before_checked_rows_were_kept_is_read_from_its_file(session):
    rows = [[1, "甲一", "身份证", factories.id_number(date(1995, 3, 1)), "", "", "", "城镇", "", ""]]
    batch, _ = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context(session))
    batch.checked_rows = None
    db.session.flush()
    batch, preview = batches.confirm(batch.id, context(session))
    assert batch.status == "confirmed" and preview.count("ready") == 1 and count(Enrollment) == 1


def test_a_batch_stored_in_another_format_is_read_again_from_its_file(session):
    # E.g. kept by the release before (compressed JSON), or by another Python whose marshal differs.
    import json
    import zlib

    rows = [[1, "甲一", "身份证", factories.id_number(date(1995, 3, 1)), "", "", "", "城镇", "", ""]]
    batch, _ = batches.store("enrolment", session, "a.xlsx", xlsx(rows), context(session))
    batch.checked_rows = zlib.compress(json.dumps({"version": 1, "rows": []}).encode())
    db.session.flush()
    preview = batches.recheck(batch, context(session))
    assert preview.count("ready") == 1 and preview.rows[0].values["name"] == "甲一"


def test_store_keeps_the_checked_rows_and_the_preview_resolves_them(session):
    number = factories.id_number(date(1991, 5, 6))
    factories.trainee("别名", document_number=number)
    rows = [[1, "甲一", "身份证", number, "", "", "", "城镇", "", ""],
            [2, "乙一", "身份证", factories.id_number(date(1992, 1, 1)), "", "", "", "半城镇", "", ""]]
    batch, stored = batches.store("enrolment", session, "a.xlsx", xlsx(rows), context(session))
    # Stored: only the checks that need no records (the known person's other name is not yet seen).
    assert [row.status for row in stored.rows] == ["ready", "error"]
    assert (batch.total_rows, batch.error_rows) == (2, 1)
    preview = batches.recheck(batch, context(session))
    assert [row.status for row in preview.rows] == ["error", "error"]
    assert "不一致" in preview.rows[0].errors[0]


def test_resolving_a_preview_again_starts_from_the_checks_not_from_the_last_outcome(session):
    from registry.domain.imports import enrolment

    known = factories.trainee("丙一")
    rows = [[1, "丙一", "身份证", known.document_number, "", "", "", "城镇", "", ""],
            [2, "丁一", "身份证", factories.id_number(date(1993, 2, 3)), "", "", "", "半城镇", "", ""]]
    preview = enrolment.read("a.xlsx", xlsx(rows))
    enrolment.resolve(session, preview)
    assert [(row.status, len(row.notes)) for row in preview.rows] == [("ready", 1), ("error", 0)]
    ops.enrol(session, known)  # now on the roster: the same preview resolved again says so, once
    enrolment.resolve(session, preview)
    assert [row.status for row in preview.rows] == ["unchanged", "error"]
    assert preview.rows[0].notes == ["已在本班期报名,不会重复导入"] and preview.rows[0].errors == []
    assert preview.rows[1].errors == preview.rows[1].problems and len(preview.rows[1].errors) == 1


def test_the_stored_form_gives_back_every_cell_problem_and_check_as_it_was():
    # Stored column by column: text columns as they are, a column with dates (or values marshal
    # cannot write) cell by cell; a row holding a date is read back only when its cells are asked for.
    from datetime import time

    from registry.domain.imports import tables

    columns = [tables.Column(key, key.upper()) for key in ("a", "b", "c", "d")]
    keys = tuple(column.key for column in columns)
    cells = [("城镇", 1, datetime(2024, 1, 2, 3, 4), None), ("农村", 1.5, date(2024, 1, 2), "x"),
             ("城镇", True, "", None), (None, "7", time(8, 30), "")]
    preview = tables.Preview(columns, [tables.Row(number, raw, keys) for number, raw in enumerate(cells, start=2)],
                             ignored_headers=["序号"], absent={"d"})
    preview.rows[1].problems.append("「B」不对")
    for index, row in enumerate(preview.rows):
        row.checked = ("resident_id", str(index), (), index * 2)
    back = tables.unpack(columns, tables.pack(preview))
    assert [row.number for row in back.rows] == [2, 3, 4, 5]
    assert [row.raw for row in back.rows] == [cells[0], cells[1], cells[2], (None, "7", "08:30:00", "")]
    assert [type(cell) for cell in back.rows[0].raw] == [str, int, datetime, type(None)]
    assert type(back.rows[1].raw[2]) is date and back.rows[2].raw[1] is True
    assert back.rows[0].raw[0] is back.rows[2].raw[0]  # equal text kept once
    assert [(row.status, row.errors, row.problems) for row in back.rows] == [
        ("ready", [], []), ("error", ["「B」不对"], ["「B」不对"]), ("ready", [], []), ("ready", [], [])]
    assert [row.checked for row in back.rows] == [row.checked for row in preview.rows]
    assert (back.ignored_headers, back.absent) == (["序号"], {"d"})
    version = f"registry-rows {tables.PACK_VERSION} ".encode()
    earlier = f"registry-rows {tables.PACK_VERSION - 1} ".encode()
    assert tables.unpack(columns, tables.pack(preview).replace(version, earlier, 1)) is None


def test_read_rows_picks_the_columns_of_full_short_and_blank_rows():
    # Rows as wide as the header go through itemgetter, shorter ones (CSV) cell by cell; rows of
    # only empty or blank cells are skipped, a 0 is a value.
    from registry.domain.imports import tables

    columns = [tables.Column("a", "甲", required=True), tables.Column("b", "乙"), tables.Column("c", "丙")]
    content = "丙,甲,乙,备注\n3,1,2,x\n, ,\u3000\n0\n,,,注\n\n6,4\n".encode()
    preview = tables.read_rows(columns, "a.csv", content)
    assert [(row.number, row.raw) for row in preview.rows] == [
        (2, ("1", "2", "3")), (4, (None, None, "0")), (7, ("4", None, "6"))]
    missing = tables.read_rows(columns, "b.csv", "甲,丙\n1,3\n".encode())
    assert [row.raw for row in missing.rows] == [("1", None, "3")] and missing.absent == {"b"}


def test_the_checks_read_the_cells_in_the_order_of_the_registration_fields():
    # _registration hands a row's values to TraineeData positionally, in the order they were read.
    from dataclasses import fields

    from registry.domain.imports import enrolment
    from registry.domain.trainees.operations import TraineeData

    assert tuple(field.name for field in fields(TraineeData)) == enrolment._READ_ORDER
