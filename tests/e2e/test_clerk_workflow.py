"""A training-base clerk's day in a real browser, as the ``base`` demo account.

Plan a session, enrol 300 people from a spreadsheet (12 rows wrong, fixed in the error workbook and
uploaded again; the original uploaded a second time enrols nobody twice), start the training,
record everyone's hours and results in the grid, finish the session and download its roster.
Runs against the live server of conftest.py (its own committed database, CSRF on).
"""
from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from stdnum.cn import ric

from registry.domain.common import today
from registry.domain.imports.enrolment import COLUMNS as ENROLMENT_COLUMNS
from registry.domain.trainees.models import Trainee
from registry.domain.training.exports import ROSTER_HEADERS
from registry.domain.training.models import Enrollment, TrainingSession
from registry.extensions import db

from .test_smoke import sign_in

pytestmark = pytest.mark.e2e

GOOD, BAD = 288, 12
TOTAL = GOOD + BAD
#: Generous waits for the pages that handle all 300 rows at once (PostgreSQL in CI can be slow).
SLOW = 45_000

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁宋郑谢韩唐冯"
GIVEN = "明华建国伟芳娜静丽强磊军洋勇艳杰娟涛超秀英霞平刚桂兰志红"
EDUCATIONS = ("初中", "高中", "大专", "本科")


def _name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index // len(SURNAMES)) % len(GIVEN)] + GIVEN[(index * 7 + 3) % len(GIVEN)]


def _resident_id(index: int) -> str:
    """440111 (Baiyun), born 1986-2005, a sequence number, and the GB 11643 check character."""
    year, month, day = 1986 + index % 20, 1 + index % 12, 1 + index % 28
    body = f"440111{year:04d}{month:02d}{day:02d}{(700 + index) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # it reads the first 17 of 18 characters


def _people(live_app, count: int) -> list[dict]:
    """``count`` valid people whose documents the live database does not hold yet."""
    candidates = [_resident_id(index) for index in range(count + 200)]
    with live_app.app_context():
        taken = set(db.session.scalars(select(Trainee.document_number).where(Trainee.document_number.in_(candidates))))
        db.session.remove()
    people = []
    for index, number in enumerate(n for n in candidates if n not in taken):
        if len(people) == count:
            break
        people.append({
            "姓名": _name(index),
            "证件类型": "居民身份证",
            "证件号码": number,
            "性别": "男" if int(number[16]) % 2 else "女",
            "出生日期": f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
            "联系电话": f"139{index:08d}",
            "户籍类型": "农村" if index % 3 == 0 else "城镇",
            "文化程度": EDUCATIONS[index % len(EDUCATIONS)],
            "人员类别": "失业人员" if index % 5 == 0 else "",
            "帮扶地区": "",
        })
    assert len(people) == count
    return people


def _wrong_check_digit(person, people):
    number = person["证件号码"]
    return {"证件号码": number[:17] + ("0" if number[17] != "0" else "1")}


#: How each of the 12 bad rows is spoiled, and a word its reason in the preview must hold.
SPOILERS = [
    (_wrong_check_digit, "校验"),
    (lambda p, people: {"出生日期": "1990-13-45"}, "出生日期"),
    (lambda p, people: {"姓名": ""}, "姓名"),
    (lambda p, people: dict(people[0]), "重复"),  # the first person typed in twice
    (lambda p, people: {"户籍类型": "火星户口"}, "户籍类型"),
    (lambda p, people: {"户籍类型": ""}, "户籍类型"),
    (lambda p, people: {"联系电话": "12345"}, "联系电话"),
    (lambda p, people: {"性别": "女" if p["性别"] == "男" else "男"}, "性别"),
    (lambda p, people: {"出生日期": "1975-01-01"}, "出生日期"),
    (lambda p, people: {"文化程度": "火箭学"}, "文化程度"),
    (lambda p, people: {"人员类别": "外星人"}, "人员类别"),
    (lambda p, people: {"证件号码": p["证件号码"][:15]}, "证件号码"),
]
assert len(SPOILERS) == BAD


def _workbook(headers: list[str], rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header, "") for header in headers])
    for cell in sheet["C"]:
        cell.number_format = "@"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _download(page, link) -> tuple[bytes, str]:
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    return open(download.path(), "rb").read(), download.suggested_filename


def _counts(page) -> tuple[int, int, int]:
    return tuple(int(page.get_by_test_id(t).inner_text()) for t in ("ready-count", "error-count", "unchanged-count"))


def _upload(page, base_url: str, session_id: int, name: str, content: bytes) -> None:
    page.goto(f"{base_url}/sessions/{session_id}/imports/enrolment")
    page.locator("input[name=file]").set_input_files(
        {"name": name, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "buffer": content})
    with page.expect_navigation(timeout=SLOW):
        page.get_by_role("button", name="上传并预览").click()
    assert re.search(rf"/sessions/{session_id}/imports/batch/\d+", page.url), page.url


def _confirm(page) -> None:
    with page.expect_navigation(timeout=SLOW):
        page.get_by_role("button", name=re.compile("确认导入")).click()
    assert page.get_by_test_id("batch-status").inner_text().strip() == "已导入"


def _enrolled(live_app, session_id: int) -> int:
    with live_app.app_context():
        total = db.session.scalar(select(func.count(Enrollment.id)).where(
            Enrollment.session_id == session_id, Enrollment.status != "withdrawn"))
        db.session.remove()
    return total


def _move(page, label: str) -> None:
    page.get_by_label("新状态").select_option(label=label)
    with page.expect_navigation():
        page.get_by_role("button", name="更改状态").click()
    assert page.get_by_text(f"班期已改为「{label}」").is_visible()
    assert page.get_by_test_id("session-status").inner_text().strip() == label


def test_base_clerk_runs_a_session_of_300(page, live_server, live_app, artifacts):
    on = today()
    page.set_default_navigation_timeout(SLOW)
    sign_in(page, live_server, "base")

    # 1. Plan the session.
    page.goto(f"{live_server}/sessions/new")
    assert page.get_by_role("heading", name="新建班期").is_visible()
    page.locator("select[name=occupation]").select_option(label="粤菜师傅 · 粤菜(广府菜)烹饪(专项)")
    offered = page.locator("select[name=level] option:not([disabled])")
    assert offered.all_inner_texts() == ["专项职业能力(不分等级)"]  # a 专项 item has no levels
    page.locator("select[name=occupation]").select_option(label="粤菜师傅 · 中式烹调师")
    assert "专项职业能力(不分等级)" not in offered.all_inner_texts()
    assert page.locator("select[name=level]").input_value() != "0"
    page.locator("select[name=level]").select_option(label="五级/初级工")
    page.locator("select[name=kind]").select_option(label="短期培训")
    page.locator("input[name=start_date]").fill(on.isoformat())
    page.locator("input[name=end_date]").fill(on.isoformat())
    page.locator("input[name=planned_hours]").fill("80")
    page.locator("input[name=capacity]").fill("400")
    page.locator("input[name=place]").fill("天河区粤菜实训楼 3 楼")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    match = re.fullmatch(rf"{re.escape(live_server)}/sessions/(\d+)", page.url)
    assert match, page.url
    session_id = int(match.group(1))
    assert page.get_by_test_id("session-status").inner_text().strip() == "计划中"
    with live_app.app_context():
        session = db.session.get(TrainingSession, session_id)
        code = session.code
        assert (session.programme_code, session.occupation_code, session.level, session.kind) == (
            "yuecai", "chinese_cook", 5, "short")
        assert (session.start_date, session.end_date, session.planned_hours, session.capacity) == (on, on, 80, 400)
        db.session.remove()
    assert page.get_by_text(f"已创建班期 {code}").is_visible()

    # 2. The template: a real .xlsx with the Chinese headers.
    with page.expect_navigation():
        page.get_by_role("link", name="表格批量报名").click()
    assert page.get_by_role("heading", name=re.compile("上传")).is_visible()
    content, filename = _download(page, page.get_by_role("link", name="模板", exact=True))
    assert filename == "报名名单模板.xlsx"
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [column.header for column in ENROLMENT_COLUMNS]
    assert {"姓名", "证件号码", "户籍类型"} <= set(headers)

    # 288 good rows and 12 spoiled ones in different ways, spread through the file.
    people = _people(live_app, TOTAL)
    bad_at = {2 + index * 25: spoiler for index, spoiler in enumerate(SPOILERS)}  # positions in people
    rows, expected_reason = [], {}
    for position, person in enumerate(people):
        row = dict(person)
        if position in bad_at:
            spoil, word = bad_at[position]
            row.update(spoil(person, people))
            expected_reason[position + 2] = word  # spreadsheet row: header is row 1
        rows.append(row)
    original = _workbook(headers, rows)

    _upload(page, live_server, session_id, "报名名单.xlsx", original)
    assert page.get_by_test_id("batch-status").inner_text().strip() == "待确认"
    assert _counts(page) == (GOOD, BAD, 0)
    table = page.get_by_test_id("preview-table")
    for number, word in expected_reason.items():
        row = table.locator(f"tr[data-row='{number}']")
        assert row.get_attribute("data-status") == "error", number
        reason = row.locator("td").last.inner_text()
        assert word in reason, f"row {number}: {reason!r} should mention {word}"
    assert table.locator("tr[data-status=error]").count() == BAD
    assert table.locator("tr[data-status=ready]").count() == GOOD
    assert _enrolled(live_app, session_id) == 0  # nothing changes before confirming
    page.screenshot(path=str(artifacts / "clerk-preview.png"))

    # The wrong rows with their reasons, to fix before this batch is confirmed (after that the file is gone).
    content, filename = _download(page, page.get_by_role("link", name="下载有误的行(含错误原因)"))
    assert filename == "报名名单-需修改.xlsx"
    errors = load_workbook(BytesIO(content)).worksheets[0]
    error_headers = [cell.value for cell in errors[1]]
    assert error_headers == headers + ["错误原因", "原行号"]
    error_rows = list(errors.iter_rows(min_row=2, values_only=True))
    assert len(error_rows) == BAD
    by_number = {row[-1]: row for row in error_rows}
    assert set(by_number) == set(expected_reason)
    for number, word in expected_reason.items():
        assert word in by_number[number][-2], (number, by_number[number][-2])

    _confirm(page)
    assert page.get_by_text(f"已导入 {GOOD} 行;{BAD} 行有误未导入,0 行无需导入。").is_visible()
    assert _enrolled(live_app, session_id) == GOOD
    page.goto(f"{live_server}/sessions/{session_id}")
    assert page.get_by_test_id("enrolled-count").inner_text().strip() == str(GOOD)

    # Fix each row with the person's right details; the reason columns stay (they are ignored).
    for excel_row in errors.iter_rows(min_row=2):
        person = people[excel_row[-1].value - 2]
        for column, header in enumerate(headers):
            excel_row[column].value = person[header] or None
            if header == "证件号码":
                excel_row[column].number_format = "@"
    buffer = BytesIO()
    errors.parent.save(buffer)
    fixed = buffer.getvalue()

    _upload(page, live_server, session_id, "报名名单-需修改.xlsx", fixed)
    assert _counts(page) == (BAD, 0, 0)
    assert "已忽略的列:错误原因、原行号" in page.content()
    _confirm(page)
    assert page.get_by_text(f"已导入 {BAD} 行;0 行有误未导入,0 行无需导入。").is_visible()
    assert _enrolled(live_app, session_id) == TOTAL

    # The original once more: everyone is known and enrolled; nothing can be imported twice.
    _upload(page, live_server, session_id, "报名名单.xlsx", original)
    assert page.get_by_text("同一文件已于").is_visible()
    # A known document is that person: only the typed name is checked (the registered details win), so
    # the rows spoiled in 户籍 left blank, phone, sex or birth date now count as already enrolled; those
    # whose cells cannot be read at all, a wrong number, no name or a repeated row stay wrong.
    assert _counts(page) == (0, 8, GOOD + 4)
    assert page.get_by_role("button", name=re.compile("确认导入")).is_disabled()
    with page.expect_navigation():
        page.get_by_role("button", name="放弃").click()
    assert _enrolled(live_app, session_id) == TOTAL
    with live_app.app_context():
        numbers = set(db.session.scalars(
            select(Trainee.document_number).join(Enrollment, Enrollment.trainee_id == Trainee.id)
            .where(Enrollment.session_id == session_id)))
        db.session.remove()
    assert numbers == {person["证件号码"] for person in people}

    # 3. Start the training and record everyone's hours and results.
    page.goto(f"{live_server}/sessions/{session_id}")
    _move(page, "报名中")
    _move(page, "培训中")
    with page.expect_navigation():
        page.get_by_role("link", name="录入学时和结果").click()
    grid = page.get_by_test_id("results-grid")
    assert grid.locator("tbody tr[data-enrollment]").count() == TOTAL
    # Two trainees by hand, the rest with the fill-blanks helper.
    first, second = grid.locator("tbody tr[data-enrollment]").nth(0), grid.locator("tbody tr[data-enrollment]").nth(1)
    first.get_by_label("实到学时").fill("4")
    first.get_by_label("实到学时").press("Enter")  # as in a spreadsheet: down the column, the page not saved
    assert page.url.endswith("/results")
    assert second.get_by_label("实到学时").evaluate("cell => cell === document.activeElement")
    second.get_by_label("实到学时").press("Shift+Enter")
    page.keyboard.type("40")  # back up, the typed 4 selected and replaced
    first.get_by_label("考核结果").select_option(label="不合格")
    first.get_by_label("成绩").fill("45")
    second.get_by_label("考核结果").select_option(label="缺考")
    page.locator("#fill-attended_hours").fill("80")
    page.locator("#fill-result").select_option(label="合格")
    page.locator("#fill-assessed_on").fill(on.isoformat())
    page.locator("#fill-assessment_type").select_option(label="职业技能等级认定")
    page.get_by_role("button", name="填入所有空白格").click()
    assert first.get_by_label("实到学时").input_value() == "40"
    assert first.get_by_label("考核结果").input_value() == "failed"
    assert grid.locator("tbody tr[data-enrollment]").nth(TOTAL - 1).get_by_label("考核结果").input_value() == "passed"
    with page.expect_navigation(timeout=SLOW):
        page.get_by_role("button", name="保存全部").click()
    assert page.url == f"{live_server}/sessions/{session_id}", page.url
    assert page.get_by_text("已保存学时、考核结果和就业情况。").is_visible()
    with live_app.app_context():
        enrollments = db.session.scalars(select(Enrollment).where(Enrollment.session_id == session_id)).all()
        results = {}
        for enrollment in enrollments:
            results[enrollment.result] = results.get(enrollment.result, 0) + 1
        assert len(enrollments) == TOTAL
        assert all(e.result is not None and e.assessed_on == on for e in enrollments)
        assert results == {"failed": 1, "absent": 1, "passed": TOTAL - 2}
        assert sum(1 for e in enrollments if e.result == "passed" and e.attended_hours == 80
                   and e.assessment_type == "skill_level") == TOTAL - 2
        db.session.remove()
    _move(page, "已结业")
    assert page.get_by_test_id("enrolment-closed").is_visible()

    # 4. The roster: 300 people with their results.
    content, filename = _download(page, page.get_by_role("link", name="下载花名册"))
    assert filename == f"班期{code}花名册.xlsx"
    roster = load_workbook(BytesIO(content))["花名册"]
    assert [cell.value for cell in roster[1]] == ROSTER_HEADERS
    data = [row for row in roster.iter_rows(min_row=2, values_only=True) if any(v not in (None, "") for v in row)]
    assert len(data) == TOTAL
    number_at = ROSTER_HEADERS.index("证件号码")
    assert {row[number_at] for row in data} == {person["证件号码"] for person in people}
    result_at = ROSTER_HEADERS.index("考核结果")
    assert sum(1 for row in data if row[result_at] == "合格") == TOTAL - 2

    # 5. Archiving is asked once more: the base cannot undo it.
    page.get_by_label("新状态").select_option(label="已归档")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="更改状态").click()
    page.wait_for_timeout(300)
    assert asked and "确定归档" in asked[0]
    assert page.get_by_test_id("session-status").inner_text().strip() == "已结业"
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="更改状态").click()
    assert page.get_by_test_id("session-status").inner_text().strip() == "已归档"
