"""Pages as users meet them: home figures from the data, forms that refuse bad input and keep
nothing, error pages in Chinese without stack traces."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from registry.domain.common import today
from registry.domain.identifiers import mask_document
from registry.domain.organisations.models import Enterprise, TrainingBase
from registry.domain.trainees.models import Trainee
from registry.extensions import db
from tests import factories
from tests.conftest import make_test_app


def figure(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">([^<]*)<', page)
    assert match, testid
    return match.group(1).strip()


@pytest.fixture
def district_world():
    """A base in 天河区 with one session under way and one finished this year; a base elsewhere."""
    here = factories.base("天河基地", "440106")
    there = factories.base("白云基地", "440111")
    now = today()
    year_start = date(now.year, 1, 1)
    finished = factories.session(here, start_date=year_start, end_date=year_start + timedelta(days=5))
    running = factories.session(here, start_date=now - timedelta(days=1), end_date=now + timedelta(days=3))
    elsewhere = factories.session(there, start_date=now - timedelta(days=1), end_date=now + timedelta(days=3))
    people = [factories.trainee(f"学员{'甲乙丙丁戊'[i]}", document_number=factories.id_number(date(1990, 1, i + 1)))
              for i in range(5)]
    for person, result in zip(people, ("passed", "passed", "failed", "absent", None)):
        factories.enrollment(finished, person, result)
    factories.enrollment(running, people[0])
    factories.enrollment(elsewhere, people[1], "passed")
    factories.user("district1", "district", district_id=factories.district("440106").id)
    factories.user("baseclerk", "base", base_id=here.id)
    factories.user("cityadmin", "city")
    db.session.commit()
    return here


def test_district_home_counts_only_its_district(client, district_world):
    factories.login(client, "district1")
    page = client.get("/").text
    assert "天河区培训概况" in page
    assert figure(page, "sessions-under-way") == "1"
    assert figure(page, "enrollments-this-year") == "6"  # 5 in the finished session + 1 running
    assert figure(page, "persons-this-year") == "5"
    assert figure(page, "pass-rate") == "66.7%"  # 2 passed of 3 assessed; 缺考 is not assessed


def test_city_home_counts_everything(client, district_world):
    factories.login(client, "cityadmin")
    page = client.get("/").text
    assert figure(page, "sessions-under-way") == "2"
    assert figure(page, "enrollments-this-year") == "7"
    assert figure(page, "pass-rate") == "75.0%"


def test_withdrawn_enrollments_are_not_counted(client, district_world):
    enrollment = district_world and db.session.scalars(select(Trainee)).first()
    from registry.domain.training.models import Enrollment

    row = db.session.scalars(select(Enrollment).where(Enrollment.trainee_id == enrollment.id)).first()
    row.status = "withdrawn"
    db.session.commit()
    factories.login(client, "cityadmin")
    assert figure(client.get("/").text, "enrollments-this-year") == "6"


def test_base_home_names_the_base(client, district_world):
    factories.login(client, "baseclerk")
    page = client.get("/").text
    assert "天河基地" in page and "粤菜师傅" in page


def test_unknown_url_gets_the_chinese_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "页面不存在" in response.text


def test_json_clients_get_json_errors(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"] == "页面不存在"


def test_a_bad_request_says_what_was_wrong_in_chinese(app):
    """A 400 shows the Chinese reason the view gave (which parameter, what it must be); werkzeug's own
    English descriptions never show."""
    from flask import abort

    testing = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"])

    @testing.route("/reasoned")
    def reasoned():
        abort(400, description="参数「year」须为 2000 至 2100 之间的年份")

    @testing.route("/english")
    def english():
        abort(400, description="Failed to decode JSON object")

    client = testing.test_client()
    response = client.get("/reasoned")
    assert response.status_code == 400 and "请求无效" in response.text
    assert "参数「year」须为 2000 至 2100 之间的年份" in response.text
    assert client.get("/reasoned", headers={"Accept": "application/json"}).json["message"].startswith("参数「year」")
    response = client.get("/english")
    assert "Failed to decode" not in response.text and "提交的内容无法处理" in response.text


def test_server_error_page_shows_no_stack_trace(app):
    broken = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], TESTING=False)

    @broken.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = broken.test_client().get("/boom")
    assert response.status_code == 500
    assert "系统错误" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_base_form_refuses_a_bad_credit_code_and_saves_nothing(client):
    factories.user("cityadmin", "city")
    db.session.commit()
    factories.login(client, "cityadmin")
    before = count(TrainingBase)
    response = client.post(
        "/bases/new",
        data={"name": "新基地", "credit_code": "91440101MA5CXXXX00", "kind": "training_institution",
              "district_id": factories.district().id},
    )
    assert response.status_code == 200
    assert 'data-field="credit_code"' in response.text and "校验位错误" in response.text
    assert count(TrainingBase) == before


def test_base_form_saves_a_valid_base(client):
    factories.user("cityadmin", "city")
    db.session.commit()
    factories.login(client, "cityadmin")
    code = factories.credit_code(first="Y")
    response = client.post(
        "/bases/new",
        data={"name": "新基地", "credit_code": code.lower(), "kind": "training_institution",
              "district_id": factories.district().id},
    )
    saved = db.session.scalar(select(TrainingBase).where(TrainingBase.name == "新基地"))
    assert response.location == f"/bases/{saved.id}" and saved.credit_code == code


def test_enterprise_form_refuses_a_duplicate_credit_code(client):
    factories.user("cityadmin", "city")
    existing = factories.enterprise("老企业")
    db.session.commit()
    factories.login(client, "cityadmin")
    before = count(Enterprise)
    response = client.post(
        "/enterprises/new",
        data={"name": "新企业", "credit_code": existing.credit_code, "kind": "general",
              "district_id": factories.district().id},
    )
    assert "已登记为「老企业」" in response.text
    assert count(Enterprise) == before


@pytest.fixture
def base_clerk(client):
    base = factories.base("登记基地")
    factories.user("clerk", "base", base_id=base.id)
    db.session.commit()
    factories.login(client, "clerk")
    return base


def trainee_form(**overrides):
    values = {"document_type": "resident_id", "document_number": factories.id_number(date(1995, 6, 1)),
              "name": "王小明", "hukou_type": "urban"}
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"document_number": "440106199506010010"}, "document_number", "校验位错误"),
        ({"birth_date": "1995-06-02"}, "birth_date", "出生日期与证件号码不符"),
        ({"hukou_type": ""}, "hukou_type", "户籍类型"),
        ({"document_number": "44010619950601"}, "document_number", "18 位"),
    ],
)
def test_trainee_form_names_the_bad_field_and_saves_nothing(client, base_clerk, overrides, field, message):
    before = count(Trainee)
    response = client.post("/trainees/new", data=trainee_form(**overrides))
    assert response.status_code == 200
    assert f'data-field="{field}"' in response.text and message in response.text
    assert count(Trainee) == before


def test_trainee_form_registers_then_finds_the_same_document(client, base_clerk):
    number = factories.id_number(date(1995, 6, 1))
    first = client.post("/trainees/new", data=trainee_form(document_number=number))
    trainee = db.session.scalar(select(Trainee).where(Trainee.document_number == number))
    assert first.location == f"/trainees/{trainee.id}"
    assert trainee.registered_base_id == base_clerk.id
    again = client.post("/trainees/new", data=trainee_form(document_number=number.lower(), name="别的名字"))
    assert again.location == f"/trainees/{trainee.id}"
    assert count(Trainee) == 1


def test_a_document_known_elsewhere_is_reported_masked(client, base_clerk):
    other_base = factories.base("别处基地")
    known = factories.trainee("赵六明", registered_base_id=other_base.id)
    db.session.commit()
    response = client.post("/trainees/new", data=trainee_form(document_number=known.document_number))
    assert "赵*明" in response.text and "赵六明" not in response.text
    assert count(Trainee) == 1


def test_city_creates_and_deactivates_accounts(client):
    factories.user("cityadmin", "city")
    base = factories.base()
    db.session.commit()
    factories.login(client, "cityadmin")
    bad = client.post("/admin/users/new", data={"username": "clerk2", "role": "base", "password": "long-enough-1"})
    assert "培训基地账号须选择所属基地" in bad.text
    good = client.post(
        "/admin/users/new",
        data={"username": "clerk2", "role": "base", "base_id": base.id, "password": "long-enough-1"},
    )
    assert good.location == "/admin/users"
    from registry.domain.accounts.models import User

    clerk = db.session.scalar(select(User).where(User.username == "clerk2"))
    assert clerk.base_id == base.id and clerk.district_id == base.district_id
    client.post(f"/admin/users/{clerk.id}/active")
    db.session.refresh(clerk)
    assert clerk.is_active_account is False
    audit_page = client.get("/admin/audit?entity_type=users").text
    assert "clerk2" in audit_page and "is_active_account" in audit_page


def outside_titles(page: str) -> str:
    """The page without its title attributes (where the stored names of columns stay, on hover)."""
    return re.sub(r'\stitle="[^"]*"', "", page)


def test_audit_page_names_records_columns_and_codes_in_chinese(client):
    """A clerk reads 学员, 证件号码, 居民身份证 and （空）; the stored names only on hover."""
    factories.user("auditor", "city")
    base = factories.base()
    db.session.commit()
    person = factories.trainee("审计学员", registered_base_id=base.id)
    db.session.commit()
    person.education = "college"  # None → 大专: an update whose old value is empty
    db.session.commit()
    factories.login(client, "auditor")
    page = client.get(f"/admin/audit?entity_type=trainees&entity_id={person.id}").text
    assert f"学员</span> #{person.id}" in page
    assert '<span title="document_number">证件号码</span>=' in page
    assert "居民身份证" in page and "城镇" in page
    assert '<span title="education">文化程度</span>: （空） → 大专' in page
    assert '<option value="trainees" selected>学员</option>' in page
    # A reference names the record it refers to where that table names its records, and links to its entries.
    base_link = f'href="/admin/audit?entity_type=training_bases&amp;entity_id={base.id}" title="培训基地 #{base.id}">{base.name}</a>'
    assert f'<span title="registered_base_id">登记基地</span>=<a {base_link}' in page
    shown = outside_titles(page)
    for stored in ("None", "document_number", "resident_id", "hukou_type", ">trainees<"):
        assert stored not in shown
    # The person's number, name and phone are masked here; in full only on their page, where viewing is logged.
    assert person.document_number not in page and mask_document(person.document_number) in page
    assert "审计学员" not in page and "审**员" in page


def test_audit_page_keeps_redacted_values_and_names_bulk_columns(client):
    """A password hash stays ******; a many-row import entry's columns are named too."""
    from registry.domain.imports import batches
    from tests.domain.test_imports import xlsx

    factories.user("auditor", "city")
    db.session.commit()
    factories.login(client, "auditor")
    users_page = client.get("/admin/audit?entity_type=users").text
    assert '<span title="password_hash">登录密码(加密保存)</span>=******' in users_page
    assert "pbkdf2" not in users_page and "scrypt" not in users_page

    base = factories.base(programmes=("yuecai",))
    session = factories.session(base, start_date=today() + timedelta(days=5), status="planned")
    rows = [[1, "批量甲", "身份证", factories.id_number(date(1993, 5, 1)), "", "", "", "城镇", "", ""]]
    context = batches.Context(user_id=None, registered_base_id=base.id)
    batch, _ = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context)
    batch, _ = batches.confirm(batch.id, context)
    db.session.commit()
    person = batch.affected_ids["trainees"][0]
    page = client.get(f"/admin/audit?entity_type=trainees&entity_id={person}").text
    assert "共 1 条" in page and "批*甲" in page
    assert '<span title="document_number">证件号码</span>=' in page and "居民身份证" in page
    assert "document_number" not in outside_titles(page) and "None" not in outside_titles(page)


@pytest.mark.parametrize("entity_id", ["99999999999999999999", "²", "-1", "12/³"])
def test_audit_page_answers_any_typed_record_number(client, entity_id):
    factories.user("auditor", "city")
    db.session.commit()
    factories.login(client, "auditor")
    response = client.get("/admin/audit", query_string={"entity_type": "trainees", "entity_id": entity_id})
    assert response.status_code == 200 and "没有记录。" in response.text


def test_audit_page_finds_a_record_inside_an_imports_entry(client):
    """An import is logged in entries of many rows each; a search for one record shows its entry and its values."""
    from registry.domain.imports import batches
    from tests.domain.test_imports import xlsx

    factories.user("auditor", "city")
    base = factories.base(programmes=("yuecai",))
    session = factories.session(base, start_date=today() + timedelta(days=5), status="planned")
    rows = [[i, name, "身份证", factories.id_number(date(1993, 5, i + 1)), "", "", "", "城镇", "", ""]
            for i, name in enumerate(("查找甲", "查找乙"))]
    context = batches.Context(user_id=None, registered_base_id=base.id)
    batch, _ = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context)
    batch, _ = batches.confirm(batch.id, context)
    db.session.commit()
    factories.login(client, "auditor")
    second = batch.affected_ids["trainees"][1]
    page = client.get(f"/admin/audit?entity_type=trainees&entity_id={second}").text
    assert "共 2 条" in page and "查*乙" in page and "查*甲" not in page


def test_the_app_serves_its_own_icon(client):
    """Pages name an icon the app serves (no CDN), and /favicon.ico answers too, without signing in."""
    login_page = client.get("/auth/login").text
    assert 'rel="icon" type="image/svg+xml" href="/static/favicon.svg"' in login_page
    for path in ("/static/favicon.svg", "/favicon.ico"):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.data.startswith(b"<svg")
