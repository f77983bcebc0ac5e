"""The clerk's day through HTTP: plan a session, enrol by form and spreadsheet, record results, export."""
import io
import re
from datetime import date, timedelta
from urllib.parse import unquote

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from registry.blueprints.sessions.results import row_version
from registry.domain.audit import AuditLog
from registry.domain.imports.models import ImportBatch
from registry.domain.common import today
from registry.domain.trainees.models import EDUCATION_LEVELS
from registry.domain.training.models import Enrollment, TrainingSession
from registry.domain.training import operations as ops
from registry.extensions import db
from tests import factories


@pytest.fixture
def clerk(client):
    base = factories.base("白云粤菜基地", programmes=("yuecai",))
    factories.user("clerk", "base", base_id=base.id)
    factories.user("districtstaff", "district", district_id=base.district_id)
    factories.user("otherclerk", "base", base_id=factories.base("别的基地").id)
    db.session.commit()
    factories.login(client, "clerk")
    return base


def session_form(**overrides):
    start = today() + timedelta(days=7)
    values = {"occupation": "yuecai|chinese_cook", "level": 5, "kind": "short", "start_date": start.isoformat(),
              "end_date": (start + timedelta(days=14)).isoformat(), "planned_hours": 80, "capacity": 30,
              "place": "白云区某路1号", "mode": "offline", "enterprise_id": 0}
    values.update(overrides)
    return values


def test_clerk_plans_a_session(client, clerk):
    response = client.post("/sessions/new", data=session_form())
    session = db.session.scalar(select(TrainingSession))
    assert response.location == f"/sessions/{session.id}"
    page = client.get(response.location).text
    assert session.code in page and "中式烹调师" in page and "计划中" in page


def test_a_session_is_planned_like_one_of_the_bases_own(client, clerk):
    like = make_session(clerk, status="closed", level=4, planned_hours=96, capacity=25, place="白云区某路8号",
                        mode="hybrid")
    theirs = make_session(db.session.scalar(select(type(clerk)).where(type(clerk).name == "别的基地")))
    db.session.commit()
    assert f'href="/sessions/new?like={like.id}"' in client.get(f"/sessions/{like.id}").text
    page = client.get(f"/sessions/new?like={like.id}").text
    assert 'data-testid="planned-like"' in page and like.code in page
    assert re.search(r'<option[^>]*selected[^>]*value="yuecai\|chinese_cook"|<option[^>]*value="yuecai\|chinese_cook"[^>]*selected', page)
    assert re.search(r'<option[^>]*selected[^>]*value="4"|<option[^>]*value="4"[^>]*selected', page)
    assert 'value="96"' in page and 'value="25"' in page and 'value="白云区某路8号"' in page
    assert re.search(r'<option[^>]*selected[^>]*value="hybrid"|<option[^>]*value="hybrid"[^>]*selected', page)
    assert not re.search(r'name="start_date"[^>]*value="\d', page)  # a new session has its own dates
    assert client.get(f"/sessions/new?like={theirs.id}").status_code == 404  # another base's, by URL
    assert "planned-like" not in client.get("/sessions/new?like=abc").text
    response = client.post(f"/sessions/new?like={like.id}", data=session_form(level=4, planned_hours=96))
    created = db.session.scalar(select(TrainingSession).order_by(TrainingSession.id.desc()))
    assert response.location == f"/sessions/{created.id}" and created.status == "planned"

def test_bad_plan_is_shown_beside_the_field(client, clerk):
    response = client.post("/sessions/new", data=session_form(occupation="yuecai|cantonese_roast", level=4))
    assert 'data-field="level"' in response.text and "不分等级" in response.text
    assert db.session.scalar(select(func.count(TrainingSession.id))) == 0


def test_bad_numbers_and_dates_are_named_all_at_once(client, clerk):
    start = today() + timedelta(days=7)
    page = client.post("/sessions/new", data=session_form(
        capacity=0, planned_hours="abc", end_date=(start - timedelta(days=1)).isoformat())).text
    assert re.search(r'data-field="capacity">容量应在 1 到 5000 之间<', page)
    assert re.search(r'data-field="planned_hours">「计划学时」应为整数<', page)
    assert re.search(r'data-field="end_date">结业日期不能早于开班日期<', page)  # beside the others, not after them
    assert "请填写容量" not in page and "请填写计划学时" not in page
    page = client.post("/sessions/new", data=session_form(planned_hours="12.5", capacity="", start_date="2026-13-01")).text
    assert "「计划学时」应为整数" in page and "请填写容量" in page and "「开班日期」应为有效日期" in page
    assert db.session.scalar(select(func.count(TrainingSession.id))) == 0


def test_a_finished_sessions_plan_is_not_offered_for_editing(client, clerk):
    session = make_session(clerk, status="closed", start_date=today() - timedelta(days=40))
    db.session.commit()
    response = client.get(f"/sessions/{session.id}/edit", follow_redirects=True)
    assert response.request.path == f"/sessions/{session.id}" and "班期已归档,不能修改计划" in response.text


def test_a_running_session_shows_what_it_keeps_and_saves_the_rest(client, clerk):
    start = today() - timedelta(days=2)
    session = make_session(clerk, status="in_progress", start_date=start, end_date=start + timedelta(days=20),
                           capacity=20)
    db.session.commit()
    page = client.get(f"/sessions/{session.id}/edit").text
    for name in ("occupation", "level", "start_date"):
        assert re.search(rf'<(select|input)[^>]*disabled[^>]*name="{name}"|<(select|input)[^>]*name="{name}"[^>]*disabled', page)
        assert re.search(rf'<input type="hidden" name="{name}" value="[^"]+">', page)
    assert "班期培训中,不能修改" in page
    assert not re.search(r'<input[^>]*disabled[^>]*name="capacity"|<input[^>]*name="capacity"[^>]*disabled', page)
    # what the browser sends: the kept fields from their hidden inputs, the rest as edited
    kept = dict(re.findall(r'<input type="hidden" name="(occupation|level|start_date)" value="([^"]+)">', page))
    form = session_form(end_date=session.end_date.isoformat(), capacity=25, **kept)
    response = client.post(f"/sessions/{session.id}/edit", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    assert (session.capacity, session.start_date) == (25, start)


def test_a_page_past_the_end_of_the_list_shows_its_last_page(client, clerk):
    for _ in range(31):  # 30 a page
        make_session(clerk)
    db.session.commit()
    page = client.get("/sessions/?page=5").text
    assert "第 2 / 2 页,共 31 条" in page and page.count('href="/sessions/') > 1
    assert 'data-testid="list-total">共 31 条' not in page
    narrowed = client.get("/sessions/?page=2&status=closed").text  # the filter left nothing
    assert "没有符合条件的班期" in narrowed and "第 " not in narrowed


def test_only_the_base_plans_its_sessions(client, clerk):
    client.post("/auth/logout")
    factories.login(client, "districtstaff")
    assert client.get("/sessions/new").status_code == 403


def make_session(base, **fields) -> TrainingSession:
    fields.setdefault("status", "open")
    fields.setdefault("start_date", today() + timedelta(days=3))
    return factories.session(base, capacity=fields.pop("capacity", 30), **fields)


def test_enrol_one_by_one_and_see_errors_in_place(client, clerk):
    session = make_session(clerk)
    db.session.commit()
    bad = client.post(f"/sessions/{session.id}/enrol",
                      data={"document_type": "resident_id", "document_number": "440106199001010000", "name": "王小明"})
    assert 'data-field="document_number"' in bad.text and "校验位错误" in bad.text
    number = factories.id_number(date(1996, 2, 2))
    good = client.post(f"/sessions/{session.id}/enrol",
                       data={"document_type": "resident_id", "document_number": number, "name": "王小明",
                             "hukou_type": "rural"})
    assert good.status_code == 302
    # back to the form, open and empty, with the cursor in 证件号码 for the next person
    after = client.get(good.location).text
    assert "王小明:新登记并报名" in after and "<details open>" in after
    [number_input] = re.findall(r'<input[^>]*name="document_number"[^>]*>', after)
    assert "autofocus" in number_input and 'value=""' in number_input
    assert "autofocus" not in client.get(f"/sessions/{session.id}").text
    twice = client.post(f"/sessions/{session.id}/enrol",
                        data={"document_type": "resident_id", "document_number": number, "name": "王小明"})
    assert "已在本班期报名" in twice.text
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1


def spreadsheet(rows) -> io.BytesIO:
    workbook = Workbook()
    workbook.active.append(["姓名", "身份证号", "户籍"])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_upload_preview_confirm_fix_and_reupload(client, clerk):
    session = make_session(clerk)
    db.session.commit()
    assert client.get(f"/sessions/{session.id}/imports/enrolment/template.xlsx").status_code == 200
    good = [[f"学员{'甲乙丙丁戊'[i]}", factories.id_number(date(1990, 1, 1) + timedelta(days=i)), "城镇"] for i in range(5)]
    wrong_number = factories.id_number(date(1980, 1, 1))
    wrong = [["错号码", wrong_number[:-1] + ("1" if wrong_number[-1] != "1" else "2"), "城镇"]]
    response = client.post(f"/sessions/{session.id}/imports/enrolment",
                           data={"file": (spreadsheet(good + wrong), "名单.xlsx")}, content_type="multipart/form-data")
    preview_url = response.location
    page = client.get(preview_url).text
    assert 'data-testid="ready-count">5<' in page and 'data-testid="error-count">1<' in page
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0
    errors = client.get(preview_url.split("?")[0] + "/errors.xlsx")
    sheet = load_workbook(io.BytesIO(errors.data)).active
    assert sheet.max_row == 2 and "校验位" in sheet.cell(row=2, column=11).value
    batch_id = int(preview_url.split("/batch/")[1].split("?")[0])
    client.post(f"/sessions/{session.id}/imports/batch/{batch_id}/confirm")
    assert db.session.scalar(select(func.count(Enrollment.id))) == 5
    # the clerk fixes the number in the error file and uploads it again
    sheet.cell(row=2, column=3).value = factories.id_number(date(1980, 1, 1))
    fixed = io.BytesIO()
    sheet.parent.save(fixed)
    fixed.seek(0)
    response = client.post(f"/sessions/{session.id}/imports/enrolment",
                           data={"file": (fixed, "名单-需修改.xlsx")}, content_type="multipart/form-data")
    batch_id = int(response.location.split("/batch/")[1].split("?")[0])
    client.post(f"/sessions/{session.id}/imports/batch/{batch_id}/confirm")
    assert db.session.scalar(select(func.count(Enrollment.id))) == 6


def preview_page(client, session, workbook) -> str:
    """Upload ``workbook`` as the session's enrolment list; the preview page it leads to."""
    content = io.BytesIO()
    workbook.save(content)
    content.seek(0)
    response = client.post(f"/sessions/{session.id}/imports/enrolment",
                           data={"file": (content, "名单.xlsx")}, content_type="multipart/form-data")
    return client.get(response.location).text


def test_the_preview_sums_up_what_is_wrong_by_column(client, clerk):
    session = make_session(clerk)
    db.session.commit()
    workbook = Workbook()
    workbook.active.append(["姓名", "身份证号"])  # no 户籍 column: every new person lacks it
    for i in range(4):
        workbook.active.append([f"学员{'甲乙丙丁'[i]}", factories.id_number(date(1990, 2, i + 1))])
    bad = factories.id_number(date(1990, 3, 1))
    workbook.active.append(["错号码", bad[:-1] + ("1" if bad[-1] != "1" else "2")])
    page = preview_page(client, session, workbook)
    [summary] = re.findall(r'data-testid="error-reasons">(.*?)</p>', page)
    assert summary == "有误的行:「户籍类型」 <strong>4</strong> 行、「证件号码」 <strong>1</strong> 行。"


def test_the_preview_names_the_sheet_read_when_it_is_not_the_first(client, clerk):
    session = make_session(clerk)
    db.session.commit()
    workbook = load_workbook(spreadsheet([["学员甲", factories.id_number(date(1990, 1, 1)), "城镇"]]))
    workbook.active.title = "名单"
    workbook.move_sheet(workbook.create_sheet("填表说明"), offset=-1)
    page = preview_page(client, session, workbook)
    assert "读取的是工作表「名单」" in page and 'data-testid="ready-count">1<' in page


def test_the_upload_page_says_before_a_file_is_chosen_when_the_session_takes_none(client, clerk):
    session = make_session(clerk, status="open", start_date=today() + timedelta(days=1))
    db.session.commit()
    page = client.get(f"/sessions/{session.id}/imports/results").text
    assert "培训尚未开始,不能录入学时和结果" in page and 'type="file"' not in page
    response = client.post(f"/sessions/{session.id}/imports/results",
                           data={"file": (spreadsheet([]), "结果.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 200 and db.session.scalar(select(func.count(ImportBatch.id))) == 0
    # the enrolment list of the same session is still welcome
    assert 'type="file"' in client.get(f"/sessions/{session.id}/imports/enrolment").text


def test_a_bad_file_is_refused_on_the_upload_page(client, clerk):
    session = make_session(clerk)
    db.session.commit()
    response = client.post(f"/sessions/{session.id}/imports/enrolment",
                           data={"file": (io.BytesIO(b"hello"), "名单.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 200 and "只支持" in response.text
    # a form field where the file should be (a script's request, not a browser's): asked for the file
    response = client.post(f"/sessions/{session.id}/imports/enrolment", data={"file": "名单.xlsx"})
    assert response.status_code == 200 and "请选择文件" in response.text
    assert db.session.scalar(select(func.count(ImportBatch.id))) == 0


@pytest.fixture
def running(clerk):
    session = make_session(clerk, status="in_progress", start_date=today() - timedelta(days=20),
                           end_date=today() - timedelta(days=1))
    people = [factories.trainee(f"学员{'甲乙'[i]}一", document_number=factories.id_number(date(1991, 3, i + 1)))
              for i in range(2)]
    enrollments = [factories.enrollment(session, p, result=None, hours=None) for p in people]
    db.session.commit()
    return session, enrollments


def grid(enrollments, **per_row):
    data = {}
    yesterday = (today() - timedelta(days=1)).isoformat()
    for e in enrollments:
        values = {"attended_hours": "80", "result": "passed", "score": "90", "assessed_on": yesterday,
                  "assessment_type": "skill_level", "is_employed": "", "employed_on": "", "employer_name": ""}
        values.update(per_row.get(e.id, {}))
        data.update({f"{k}-{e.id}": v for k, v in values.items()})
        data[f"version-{e.id}"] = row_version(e)  # the row as the page showed it
    return data


def test_results_grid_saves_everyone_or_no_one(client, running):
    session, enrollments = running
    first, second = enrollments
    response = client.post(f"/sessions/{session.id}/results",
                           data=grid(enrollments) | {f"attended_hours-{second.id}": "81"})
    assert "超过计划学时" in response.text and "本次没有保存任何数据" in response.text
    assert 'value="81"' in response.text  # what the clerk typed is kept on the page
    db.session.expire_all()
    assert db.session.get(Enrollment, first.id).result is None
    data = grid(enrollments) | {f"is_employed-{first.id}": "yes", f"employed_on-{first.id}": today().isoformat(),
                                f"employer_name-{first.id}": "广州酒家"}
    assert client.post(f"/sessions/{session.id}/results", data=data).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Enrollment, first.id)
    assert (saved.result, saved.is_employed, saved.employer_name) == ("passed", True, "广州酒家")


def test_results_grid_leaves_alone_what_its_page_did_not_show(client, running):
    session, (first, second) = running
    # the page was opened with one trainee; the second was enrolled and recorded in another tab
    page_data = grid([first])
    client.post(f"/sessions/{session.id}/results", data=grid([second]) | {f"attended_hours-{second.id}": "70"})
    assert client.post(f"/sessions/{session.id}/results", data=page_data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Enrollment, second.id).attended_hours == 70  # not on the saved page: untouched
    # a request that leaves fields out keeps them (a script's partial post clears nothing)
    response = client.post(f"/sessions/{session.id}/results",
                           data={f"attended_hours-{first.id}": "75", f"version-{first.id}": row_version(first)})
    assert response.status_code == 302
    db.session.expire_all()
    kept = db.session.get(Enrollment, first.id)
    assert (kept.attended_hours, kept.result, kept.score) == (75, "passed", 90)


def test_results_grid_refuses_a_row_changed_since_the_page_was_opened(client, running):
    session, (first, second) = running
    opened = grid([first, second])  # the rows as this page showed them
    client.post(f"/sessions/{session.id}/results", data=grid([first]) | {f"attended_hours-{first.id}": "66"})
    db.session.expire_all()
    response = client.post(f"/sessions/{session.id}/results", data=opened)
    assert response.status_code == 200 and "此行在您打开本页后已被修改" in response.text
    assert f'name="attended_hours-{first.id}" value="66"' in response.text  # shown as it is now
    db.session.expire_all()
    assert db.session.get(Enrollment, first.id).attended_hours == 66
    assert db.session.get(Enrollment, second.id).result is None  # all or nothing


@pytest.mark.parametrize("field,typed,label", [("attended_hours", "NaN", "实到学时"), ("score", "inf", "成绩"),
                                                ("attended_hours", "nan", "实到学时")])
def test_results_grid_refuses_non_finite_numbers_by_name(client, running, field, typed, label):
    session, enrollments = running
    first = enrollments[0]
    response = client.post(f"/sessions/{session.id}/results", data=grid(enrollments) | {f"{field}-{first.id}": typed})
    assert response.status_code == 200 and label in response.text and "本次没有保存任何数据" in response.text
    db.session.expire_all()
    assert db.session.get(Enrollment, first.id).result is None


def test_before_training_starts_the_grid_says_so_once_and_saves_nothing(client, clerk):
    session = make_session(clerk, status="open", start_date=today() + timedelta(days=1))
    enrollment = factories.enrollment(session, factories.trainee(), result=None, hours=None)
    db.session.commit()
    detail = client.get(f"/sessions/{session.id}").text
    assert "开始培训后可录入学时和结果" in detail and f"/sessions/{session.id}/results" not in detail
    page = client.get(f"/sessions/{session.id}/results").text
    assert "班期报名中,培训尚未开始,不能录入学时和结果" in page and "开班日期" in page
    assert f'name="attended_hours-{enrollment.id}"' not in page  # nothing to type that could not be saved
    response = client.post(f"/sessions/{session.id}/results", data=grid([enrollment]), follow_redirects=True)
    assert response.text.count("培训尚未开始") == 1  # one message, not one per row
    db.session.expire_all()
    assert db.session.get(Enrollment, enrollment.id).result is None


def test_closed_session_only_bureau_with_reason(client, running):
    session, enrollments = running
    client.post(f"/sessions/{session.id}/results", data=grid(enrollments))
    db.session.expire_all()
    session = db.session.get(TrainingSession, session.id)
    session.status = "closed"
    db.session.commit()
    assert client.get(f"/sessions/{session.id}/results").status_code == 403
    client.post("/auth/logout")
    factories.login(client, "districtstaff")
    first = enrollments[0]
    data = grid(enrollments) | {f"score-{first.id}": "75"}
    no_reason = client.post(f"/sessions/{session.id}/results", data=data)
    # asked once, beside the reason field, with what was typed kept and no row blamed for it
    assert no_reason.text.count("班期已归档,修改须填写原因") == 1 and 'class="invalid-feedback"' in no_reason.text
    assert 'data-testid="row-error"' not in no_reason.text and 'value="75"' in no_reason.text
    db.session.expire_all()
    assert db.session.get(Enrollment, first.id).score != 75
    assert client.post(f"/sessions/{session.id}/results", data=data | {"reason": "复核成绩"}).status_code == 302
    row = db.session.scalars(select(AuditLog).where(AuditLog.entity_type == "enrollments",
                                                    AuditLog.entity_id == str(first.id)).order_by(AuditLog.id.desc())).first()
    assert (row.actor_name, row.reason, row.changes["after"]) == ("districtstaff", "复核成绩", {"score": "75.0"})


def test_roster_export_never_writes_formulas(client, running):
    session, enrollments = running
    person = enrollments[0].trainee
    person.phone = "=1+1"  # as if it came from elsewhere; exports must not let it run
    db.session.commit()
    response = client.get(f"/sessions/{session.id}/roster.xlsx")
    sheet = load_workbook(io.BytesIO(response.data))["花名册"]
    headers = [c.value for c in sheet[1]]
    phone = sheet.cell(row=2, column=headers.index("联系电话") + 1)
    assert phone.value == "=1+1" and phone.data_type != "f" and phone.quotePrefix
    assert sheet.cell(row=2, column=headers.index("证件号码") + 1).value == person.document_number


def test_another_base_cannot_reach_these_pages(client, running):
    session, enrollments = running
    client.post("/auth/logout")
    factories.login(client, "otherclerk")
    for url in (f"/sessions/{session.id}", f"/sessions/{session.id}/results", f"/sessions/{session.id}/roster.xlsx",
                f"/sessions/{session.id}/imports/enrolment", f"/sessions/{session.id}/edit"):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/sessions/{session.id}/enrollments/{enrollments[0].id}/withdraw",
                           data={"withdrawn_on": today().isoformat(), "withdrawal_reason": "x"})
    assert response.status_code == 404
    assert db.session.get(Enrollment, enrollments[0].id).status == "enrolled"


def test_withdraw_through_the_page(client, clerk):
    session = make_session(clerk)
    enrollment = factories.enrollment(session, factories.trainee(), result=None, hours=None)
    db.session.commit()
    page = client.post(f"/sessions/{session.id}/enrollments/{enrollment.id}/withdraw",
                       data={"withdrawn_on": "", "withdrawal_reason": "家中有事"}, follow_redirects=True).text
    assert "退训未成功:请填写退训日期" in page
    assert db.session.get(Enrollment, enrollment.id).status == "enrolled"
    client.post(f"/sessions/{session.id}/enrollments/{enrollment.id}/withdraw",
                data={"withdrawn_on": today().isoformat(), "withdrawal_reason": "家中有事"})
    db.session.expire_all()
    assert db.session.get(Enrollment, enrollment.id).withdrawal_reason == "家中有事"


def test_the_roster_counts_who_is_on_it_and_says_why_an_assessed_trainee_has_no_withdraw_button(client, clerk):
    session = make_session(clerk, status="in_progress", start_date=today() - timedelta(days=3))
    assessed = factories.enrollment(session, factories.trainee(), result="failed", hours=20)
    pending = factories.enrollment(session, factories.trainee(), result=None, hours=None)
    gone = factories.enrollment(session, factories.trainee(), result=None, hours=None)
    ops.withdraw(gone, today(), "家中有事")
    db.session.commit()
    page = client.get(f"/sessions/{session.id}").text
    assert 'data-testid="roster-heading">学员名单(在册 2 人,退训 1 人)<' in page
    assert 'data-testid="withdraw-hint"' in page and "先在「录入学时和结果」中清除" in page
    withdraw_forms = re.findall(r'/enrollments/(\d+)/withdraw"', page)
    assert withdraw_forms == [str(pending.id)] and str(assessed.id) not in withdraw_forms


def test_a_withdrawal_is_cancelled_from_the_roster_by_its_base_alone(client, clerk):
    session = make_session(clerk, capacity=1)
    enrollment = factories.enrollment(session, factories.trainee(), result=None, hours=None)
    db.session.commit()
    client.post(f"/sessions/{session.id}/enrollments/{enrollment.id}/withdraw",
                data={"withdrawn_on": today().isoformat(), "withdrawal_reason": "家中有事"})
    cancel = f"/sessions/{session.id}/enrollments/{enrollment.id}/cancel-withdrawal"
    assert f'action="{cancel}"' in client.get(f"/sessions/{session.id}").text
    page = client.post(cancel, data={"reason": " "}, follow_redirects=True).text
    assert "撤销退训未成功:请填写撤销原因" in page
    page = client.post(cancel, data={"reason": "误" * 201}, follow_redirects=True).text
    assert "撤销退训未成功:「撤销原因」字段长度不能超过 200 个字符" in page
    client.post("/auth/logout")
    factories.login(client, "otherclerk")
    assert client.post(cancel, data={"reason": "改 URL"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Enrollment, enrollment.id).status == "withdrawn"
    client.post("/auth/logout")
    factories.login(client, "clerk")
    page = client.post(cancel, data={"reason": "点错了行"}, follow_redirects=True).text
    assert "已撤销退训,恢复在册" in page and f'action="{cancel}"' not in page
    assert f"/enrollments/{enrollment.id}/withdraw" in page  # back on the roster, it can be withdrawn again
    db.session.expire_all()
    kept = db.session.get(Enrollment, enrollment.id)
    assert (kept.status, kept.withdrawal_reason) == ("enrolled", None)
    reasons = db.session.scalars(select(AuditLog.reason).where(
        AuditLog.entity_type == "enrollments", AuditLog.entity_id == str(enrollment.id))).all()
    assert "撤销退训:点错了行" in reasons


def test_a_closed_sessions_withdrawal_stands(client, clerk):
    session = make_session(clerk, status="closed", start_date=today() - timedelta(days=40),
                           end_date=today() - timedelta(days=10))
    enrollment = factories.enrollment(session, factories.trainee(), result=None, hours=None)
    enrollment.status, enrollment.withdrawn_on, enrollment.withdrawal_reason = "withdrawn", today(), "病假"
    db.session.commit()
    assert "cancel-withdrawal" not in client.get(f"/sessions/{session.id}").text
    response = client.post(f"/sessions/{session.id}/enrollments/{enrollment.id}/cancel-withdrawal",
                           data={"reason": "误操作"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Enrollment, enrollment.id).status == "withdrawn"

def test_state_change_through_the_page(client, clerk):
    session = make_session(clerk, status="open", start_date=today() + timedelta(days=3))
    db.session.commit()
    client.post(f"/sessions/{session.id}/state", data={"target": "in_progress"})
    page = client.get(f"/sessions/{session.id}").text
    assert "未到" in page and "报名中" in page


@pytest.mark.parametrize("status, offered", [("open", ["in_progress", "planned"]), ("completed", ["closed", "in_progress"])])
def test_the_state_a_session_page_proposes_is_the_next_one(client, clerk, status, offered):
    session = make_session(clerk, status=status)
    db.session.commit()
    page = client.get(f"/sessions/{session.id}").text
    select = page[page.index('name="target"'):]
    select = select[:select.index("</select>")]
    assert re.findall(r'<option [^>]*value="([a-z_]+)"', select) == offered


def test_lookup_tells_a_known_document_with_a_masked_name_only(client, clerk):
    session = make_session(clerk)
    known = factories.trainee("赵六明")
    db.session.commit()
    found = client.get(f"/sessions/{session.id}/lookup?document_type=resident_id&document_number={known.document_number}")
    assert found.json == {"found": True, "masked_name": "赵*明", "enrolled": False}
    missing = client.get(f"/sessions/{session.id}/lookup?document_number=440106199001011234")
    assert missing.json == {"found": False}
    client.post("/auth/logout")
    factories.login(client, "otherclerk")
    assert client.get(f"/sessions/{session.id}/lookup?document_number={known.document_number}").status_code == 404


def results_sheet(rows, headers=("证件号码", "实到学时", "考核结果", "成绩", "考核日期", "考核类型")) -> io.BytesIO:
    workbook = Workbook()
    workbook.active.append(list(headers))
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_results_import_into_a_closed_session_confirms_without_a_spurious_error(client, running):
    session, enrollments = running
    client.post(f"/sessions/{session.id}/results", data=grid(enrollments))
    db.session.expire_all()
    db.session.get(TrainingSession, session.id).status = "closed"
    db.session.commit()
    client.post("/auth/logout")
    factories.login(client, "districtstaff")
    first = enrollments[0]
    yesterday = today() - timedelta(days=1)
    sheet = results_sheet([[first.trainee.document_number, 80, "合格", 66, yesterday, "职业技能等级认定"]])
    response = client.post(f"/sessions/{session.id}/imports/results", data={"file": (sheet, "成绩.xlsx"),
                           "reason": "复核更正"}, content_type="multipart/form-data")
    preview_url = response.location
    assert "reason=" in preview_url and "须填写原因" not in client.get(preview_url).text
    batch_id = int(preview_url.split("/batch/")[1].split("?")[0])
    # confirming without the reason is refused, and the preview comes back with the message once
    refused = client.post(f"/sessions/{session.id}/imports/batch/{batch_id}/confirm", follow_redirects=True)
    assert "须填写原因" in refused.text
    done = client.post(f"/sessions/{session.id}/imports/batch/{batch_id}/confirm", data={"reason": "复核更正"},
                       follow_redirects=True)
    assert "已导入 1 行" in done.text and "须填写原因" not in done.text and "alert-danger" not in done.text
    assert 'data-testid="batch-status">已导入<' in done.text
    db.session.expire_all()
    assert db.session.get(Enrollment, first.id).score == 66


def test_a_confirmed_batch_keeps_its_wrong_rows_to_download_and_the_session_page_lists_uploads(client, clerk):
    session = make_session(clerk)
    db.session.commit()
    good = [["学员甲", factories.id_number(date(1993, 1, 1)), "城镇"], ["错号码", "440106199001010000", "城镇"]]
    response = client.post(f"/sessions/{session.id}/imports/enrolment",
                           data={"file": (spreadsheet(good), "名单.xlsx")}, content_type="multipart/form-data")
    batch_url = response.location.split("?")[0]
    pending = client.get(f"/sessions/{session.id}").text
    assert 'data-testid="pending-uploads"' in pending and batch_url in pending and "名单.xlsx" in pending
    assert "仍可在本页下载" in client.get(batch_url).text  # said before the clerk confirms
    client.post(batch_url + "/confirm")
    page = client.get(batch_url).text
    assert "上传的文件已删除" in page and 'data-testid="ready-count">1<' in page
    assert 'data-row="3" data-status="error"' in page and "校验位" in page and "学员甲" not in page
    errors = client.get(batch_url + "/errors.xlsx")
    sheet = load_workbook(io.BytesIO(errors.data)).active
    assert [cell.value for cell in sheet[2]][:3] == ["错号码", None, "440106199001010000"]
    assert "校验位" in sheet.cell(row=2, column=11).value and sheet.max_row == 2
    detail = client.get(f"/sessions/{session.id}").text
    assert 'data-testid="pending-uploads"' not in detail
    assert 'data-testid="upload-history"' in detail and batch_url in detail and "已导入" in detail


def test_a_discarded_batch_has_no_rows_to_download(client, clerk):
    session = make_session(clerk)
    db.session.commit()
    rows = [["错号码", "440106199001010000", "城镇"]]
    response = client.post(f"/sessions/{session.id}/imports/enrolment",
                           data={"file": (spreadsheet(rows), "名单.xlsx")}, content_type="multipart/form-data")
    batch_url = response.location.split("?")[0]
    client.post(batch_url + "/discard")
    errors = client.get(batch_url + "/errors.xlsx", follow_redirects=True)
    assert errors.mimetype == "text/html" and "没有保留有误的行" in errors.text


@pytest.mark.parametrize("status", ["completed", "closed"])
def test_no_enrolment_form_where_enrolment_is_refused(client, clerk, status):
    session = make_session(clerk, status=status, start_date=today() - timedelta(days=30))
    db.session.commit()
    page = client.get(f"/sessions/{session.id}").text
    assert f"/sessions/{session.id}/enrol\"" not in page and "表格批量报名" not in page
    assert 'data-testid="enrolment-closed"' in page and "不能再报名" in page


def test_the_enrolment_form_is_there_while_enrolling(client, clerk):
    session = make_session(clerk, status="open")
    db.session.commit()
    page = client.get(f"/sessions/{session.id}").text
    assert f"/sessions/{session.id}/enrol\"" in page and 'data-testid="enrolment-closed"' not in page


def roster_sheet(response):
    sheet = load_workbook(io.BytesIO(response.data))["花名册"]
    headers = [c.value for c in sheet[1]]
    return [dict(zip(headers, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]


def roster_views(session_id: int) -> list[AuditLog]:
    return db.session.scalars(select(AuditLog).where(
        AuditLog.entity_type == "training_sessions", AuditLog.entity_id == str(session_id), AuditLog.action == "view",
    )).all()


def test_a_sessions_roster_uploads_as_the_enrolment_list_of_another(client, clerk):
    first = make_session(clerk, status="open")
    people = [
        factories.trainee("欧阳小明", phone="13800138000", education="senior", tags={"veteran", "unemployed"}),
        factories.trainee("李四海", document_number=factories.id_number(date(1992, 5, 6)), hukou_type="rural",
                          tags={"assisted_region", "low_income"}, assisted_region="清远"),
    ]
    for person in people:
        factories.enrollment(first, person, result=None, hours=None)
    second = make_session(clerk, status="open")
    db.session.commit()
    roster = client.get(f"/sessions/{first.id}/roster.xlsx")
    rows = roster_sheet(roster)
    assert rows[0]["文化程度"] == EDUCATION_LEVELS["senior"] and rows[1]["帮扶地区"] == "清远"
    response = client.post(f"/sessions/{second.id}/imports/enrolment",
                           data={"file": (io.BytesIO(roster.data), "花名册.xlsx")}, content_type="multipart/form-data")
    page = client.get(response.location).text
    assert 'data-testid="ready-count">2<' in page and 'data-testid="error-count">0<' in page


def test_the_full_roster_download_is_logged_and_an_enterprise_gets_a_masked_one(client, clerk):
    enterprise = factories.enterprise("学徒企业")
    factories.user("entuser", "enterprise", enterprise_id=enterprise.id)
    session = factories.session(clerk, "apprenticeship", "welder", kind="apprentice", enterprise_id=enterprise.id)
    person = factories.trainee("欧阳小明", phone="13800138000", birth_date=None)
    factories.enrollment(session, person)
    db.session.commit()
    response = client.get(f"/sessions/{session.id}/roster.xlsx")
    [row] = roster_sheet(response)
    assert (row["姓名"], row["证件号码"], row["联系电话"]) == ("欧阳小明", person.document_number, "13800138000")
    [view] = roster_views(session.id)
    assert (view.actor_name, view.reason) == ("clerk", "导出花名册(含完整身份信息)")
    client.post("/auth/logout")
    factories.login(client, "entuser")
    response = client.get(f"/sessions/{session.id}/roster.xlsx")
    assert response.status_code == 200 and "脱敏" in unquote(response.headers["Content-Disposition"])
    [row] = roster_sheet(response)
    number = person.document_number
    assert (row["姓名"], row["证件号码"]) == ("欧**明", number[:6] + "*" * 8 + number[-4:])
    assert row["联系电话"] is None and row["出生日期"] is None
    assert row["实到学时"] == 80  # the training record itself is there
    assert len(roster_views(session.id)) == 1  # the masked download shows no one's full identity
    client.post("/auth/logout")
    factories.login(client, "districtstaff")
    [row] = roster_sheet(client.get(f"/sessions/{session.id}/roster.xlsx"))
    assert row["证件号码"] == number and len(roster_views(session.id)) == 2


@pytest.fixture
def bureau_list(client):
    """Sessions in two districts, of two programmes, in several states and months; one city and one district user."""
    tianhe, baiyun = factories.district("440106"), factories.district("440111")
    base_a1 = factories.base("天河筛选甲", "440106", programmes=("yuecai",))
    base_a2 = factories.base("天河筛选乙", "440106", programmes=("jiazheng",))
    base_b1 = factories.base("白云筛选丙", "440111", programmes=("yuecai",))
    factories.session(base_a1, code="FLT-A1", status="open", start_date=date(2026, 3, 1), end_date=date(2026, 3, 20))
    factories.session(base_a2, "jiazheng", "housekeeper", code="FLT-A2", status="completed",
                      start_date=date(2026, 1, 5), end_date=date(2026, 1, 25))
    factories.session(base_b1, code="FLT-B1", status="in_progress", start_date=date(2026, 5, 1),
                      end_date=date(2026, 6, 30))
    factories.user("cityfilter", "city")
    factories.user("tianhefilter", "district", district_id=tianhe.id)
    db.session.commit()
    return {"a1": base_a1, "a2": base_a2, "b1": base_b1, "tianhe": tianhe, "baiyun": baiyun}


def listed(client, **args) -> set[str]:
    page = client.get("/sessions/", query_string=args).text
    return {code for code in ("FLT-A1", "FLT-A2", "FLT-B1") if f">{code}<" in page}


def test_bureau_filters_the_session_list(client, bureau_list):
    w = bureau_list
    factories.login(client, "cityfilter")
    assert listed(client) == {"FLT-A1", "FLT-A2", "FLT-B1"}
    assert listed(client, programme="yuecai") == {"FLT-A1", "FLT-B1"}
    assert listed(client, programme="jiazheng") == {"FLT-A2"}
    assert listed(client, base=w["a2"].id) == {"FLT-A2"}
    assert listed(client, district=w["baiyun"].id) == {"FLT-B1"}
    assert listed(client, district=w["tianhe"].id) == {"FLT-A1", "FLT-A2"}
    assert listed(client, status="completed") == {"FLT-A2"}
    assert listed(client, status="in_progress", programme="yuecai") == {"FLT-B1"}
    # a session is listed when it runs on any day between from and to
    assert listed(client, **{"from": "2026-03-15"}) == {"FLT-A1", "FLT-B1"}
    assert listed(client, to="2026-03-01") == {"FLT-A1", "FLT-A2"}
    assert listed(client, **{"from": "2026-02-01", "to": "2026-04-30"}) == {"FLT-A1"}
    assert listed(client, **{"from": "2026-07-01"}) == set()
    # filters that mean nothing are ignored rather than failing
    assert listed(client, programme="nope", status="nope", base="x", **{"from": "not-a-date"}) == {
        "FLT-A1", "FLT-A2", "FLT-B1"}


def test_a_district_user_filtering_by_another_districts_base_sees_nothing(client, bureau_list):
    w = bureau_list
    factories.login(client, "tianhefilter")
    assert listed(client) == {"FLT-A1", "FLT-A2"}
    assert listed(client, base=w["b1"].id) == set()
    assert listed(client, district=w["baiyun"].id) == set()
    assert listed(client, programme="yuecai") == {"FLT-A1"}


def test_the_base_filter_is_offered_only_where_there_is_a_choice(client, bureau_list):
    factories.user("filterclerk", "base", base_id=bureau_list["a1"].id)
    db.session.commit()
    factories.login(client, "filterclerk")
    page = client.get("/sessions/").text
    assert 'name="base"' not in page and ">FLT-A1<" in page
    assert 'aria-label="日期自"' in page and 'aria-label="日期至"' in page
    client.post("/auth/logout")
    factories.login(client, "tianhefilter")
    page = client.get("/sessions/").text
    assert 'name="base"' in page and "天河筛选乙" in page and "白云筛选丙" not in page


@pytest.mark.parametrize("typed", ["+1+1", "-2+3", "+cmd|' /C calc'!A0", "-SUM(1,2)", "@SUM(1+1)", "=HYPERLINK(\"x\")"])
def test_roster_export_keeps_plus_minus_and_other_formula_starts_as_text(client, running, typed):
    session, enrollments = running
    enrollments[0].trainee.phone = typed
    enrollments[1].withdrawal_reason = typed
    enrollments[1].status, enrollments[1].withdrawn_on = "withdrawn", today()
    db.session.commit()
    sheet = load_workbook(io.BytesIO(client.get(f"/sessions/{session.id}/roster.xlsx").data))["花名册"]
    headers = [c.value for c in sheet[1]]
    for row, column in ((2, "联系电话"), (3, "退训原因")):
        cell = sheet.cell(row=row, column=headers.index(column) + 1)
        assert cell.value == typed and cell.data_type == "s" and cell.quotePrefix, (column, cell.data_type)


def test_a_long_preview_lists_the_wrong_rows_first_then_a_page_at_a_time(client, clerk, monkeypatch):
    from registry.blueprints.sessions import enrolment as views

    monkeypatch.setattr(views, "PREVIEW_PAGE_ROWS", 4)
    session = make_session(clerk)
    db.session.commit()
    rows = [[f"学员{'甲乙丙丁戊己庚辛'[i]}", factories.id_number(date(1990, 4, 1) + timedelta(days=i)), "城镇"]
            for i in range(8)]
    rows[5][2] = "半城镇"  # spreadsheet row 7
    response = client.post(f"/sessions/{session.id}/imports/enrolment",
                           data={"file": (spreadsheet(rows), "名单.xlsx")}, content_type="multipart/form-data")
    preview_url = response.location.split("?")[0]

    def listed(url):
        text = client.get(url).text
        return [(int(number), status) for number, status in
                re.findall(r'data-row="(\d+)" data-status="(\w+)"', text)], text

    first, text = listed(preview_url)
    assert 'data-testid="ready-count">7<' in text and 'data-testid="error-count">1<' in text
    assert first == [(7, "error"), (2, "ready"), (3, "ready"), (4, "ready")]  # wrong rows first
    assert "第 1 / 2 页,共 8 条" in text and "确认导入 7 行" in text
    second, _ = listed(preview_url + "?page=2")
    assert second == [(5, "ready"), (6, "ready"), (8, "ready"), (9, "ready")]
    only_wrong, _ = listed(preview_url + "?show=error")
    assert only_wrong == [(7, "error")]
    beyond, _ = listed(preview_url + "?page=99&show=nonsense")  # the last page of everything
    assert beyond == second
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0
