"""The subsidy settings pages: bureau staff read the parameters, standards and lists; only city staff
record new versions, standards and list entries; a bad form names the field and saves nothing; the
calculator answers with the standard, uplift and amount a claim would use; every change is audited."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from registry.domain.audit import AuditLog
from registry.domain.catalogue import catalogue
from registry.domain.common import today
from registry.domain.subsidies import parameters, standards
from registry.domain.subsidies.models import OccupationListing, RuleParameter, SubsidyStandard
from registry.extensions import db
from tests import factories

URL = "/subsidies/settings"
PAGES = (f"{URL}/", f"{URL}/standards", f"{URL}/lists")


@pytest.fixture
def world():
    base = factories.base("补贴基地")
    factories.user("s_city", "city")
    factories.user("s_district", "district", district_id=factories.district().id)
    factories.user("s_base", "base", base_id=base.id)
    factories.user("s_enterprise", "enterprise", enterprise_id=factories.enterprise().id)
    db.session.commit()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def text(response) -> str:
    return response.get_data(as_text=True)


def field_errors(html: str) -> dict[str, list[str]]:
    """Field name → the messages shown beside it."""
    errors: dict[str, list[str]] = {}
    for name, message in re.findall(r'<div class="invalid-feedback d-block" data-field="([^"]+)">([^<]*)</div>', html):
        errors.setdefault(name.removeprefix("q-"), []).append(message)
    return errors


def by_testid(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{name}"[^>]*>(.*?)</(?:td|dd|strong|div)>', html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip() if found else ""


# --- who may do what ------------------------------------------------------------------------------

def test_bureau_staff_read_every_page_and_only_city_staff_see_the_forms(client, world):
    for username, maintains in (("s_city", True), ("s_district", False)):
        factories.login(client, username)
        for url in PAGES:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
        parameters_page = text(client.get(f"{URL}/"))
        assert ("新增版本" in parameters_page) is maintains
        assert ('data-testid="standard-form"' in text(client.get(f"{URL}/standards"))) is maintains
        assert ('data-testid="listing-form"' in text(client.get(f"{URL}/lists"))) is maintains
        assert "补贴标准与参数" in text(client.get("/subsidies/claims"))
        client.post("/auth/logout")


def test_base_and_enterprise_staff_are_refused(client, world):
    for username in ("s_base", "s_enterprise"):
        factories.login(client, username)
        assert "补贴标准与参数" not in text(client.get("/subsidies/claims"))
        for url in PAGES + (f"{URL}/parameters/notice_days",):
            assert client.get(url).status_code == 403, (username, url)
        assert client.post(f"{URL}/standards/new", data={}).status_code == 403
        client.post("/auth/logout")


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get(f"{URL}/standards")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_district_staff_change_nothing(client, world):
    listing = standards.add_listing("shortage", "welder", date(2024, 1, 1), None, "依据", "市局")
    db.session.commit()
    factories.login(client, "s_district")
    before = (count(RuleParameter), count(SubsidyStandard), count(OccupationListing))
    posts = {
        f"{URL}/parameters/notice_days": {"value": "10", "effective_from": "2027-01-01", "basis": "区局"},
        f"{URL}/standards/new": {"programme_code": "yuecai", "occupation_code": "", "level": "", "amount": "100",
                                 "effective_from": "2027-01-01", "basis": "区局"},
        f"{URL}/standards/presets": {"effective_from": "2027-01-01"},
        f"{URL}/lists/new": {"list_kind": "shortage", "occupation_code": "electrician",
                             "effective_from": "2027-01-01", "basis": "区局"},
        f"{URL}/lists/{listing.id}/end": {"effective_until": "2027-01-01"},
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    assert client.get(f"{URL}/parameters/notice_days").status_code == 403
    assert client.get(f"{URL}/lists/{listing.id}/end").status_code == 403
    assert (count(RuleParameter), count(SubsidyStandard), count(OccupationListing)) == before
    assert db.session.get(OccupationListing, listing.id).effective_until is None


# --- parameters --------------------------------------------------------------------------------

def test_the_parameters_page_shows_the_seeded_policy_values(client, world):
    factories.login(client, "s_district")
    page = text(client.get(f"{URL}/"))
    rows = dict(re.findall(r'data-parameter="([a-z_]+)">.*?data-testid="current-value">([^<]+)<', page, re.S))
    assert rows["training_claim_days"].strip() == "60 天"
    assert rows["certificate_claim_months"].strip() == "12 个月"
    assert rows["yearly_subsidy_cap"].strip() == "3 次"
    assert rows["list_uplift_percent"].strip() == "30 %"
    assert rows["advance_percent"].strip() == "20 %"
    assert rows["leaving_report_days"].strip() == "15 天"
    assert len(rows) == len(parameters.PARAMETERS)
    assert "穗人社函〔2020〕22号" in page and "2020-01-01" in page


def test_the_seeded_parameters_cite_the_documents_and_a_plain_recorder(client, world):
    """依据 and 登记人 of the seeded versions as people write them: no file number, issue number or file name."""
    factories.login(client, "s_city")
    for url in (f"{URL}/", *(f"{URL}/parameters/{key}" for key in parameters.PARAMETERS)):
        page = text(client.get(url))
        for shorthand in ("(004)", "004 之", "issue 7", "DOMAIN.md", ".txt"):
            assert shorthand not in page, (url, shorthand)
    page = text(client.get(f"{URL}/parameters/advance_percent"))
    assert "穗人社函〔2020〕22号 之四 二(五):可按补贴标准的20%申请预支" in page and "系统初始数据" in page
    page = text(client.get(f"{URL}/parameters/training_claim_days"))
    assert "穗人社函〔2020〕22号 之四 二(七):完成培训后60日内申请补贴" in page


def test_city_staff_add_a_version_and_both_are_kept(client, world):
    factories.login(client, "s_city")
    response = client.post(f"{URL}/parameters/training_claim_days",
                           data={"value": "90", "effective_from": "2027-03-01", "basis": "粤人社规〔2027〕1号"})
    assert response.status_code == 302
    assert parameters.value("training_claim_days", date(2027, 2, 28)) == 60
    assert parameters.value("training_claim_days", date(2027, 3, 1)) == 90
    page = text(client.get(f"{URL}/"))
    row = page.split('data-parameter="training_claim_days"')[1].split("</tr>")[0]
    assert "2027-03-01 起 90天" in row and "2020-01-01 起 60天" in row and "待生效" in row
    detail = text(client.get(f"{URL}/parameters/training_claim_days"))
    assert "粤人社规〔2027〕1号" in detail and "s_city用户" in detail
    new = parameters.history("training_claim_days")[0]
    audit = db.session.scalar(select(AuditLog).where(AuditLog.entity_type == "subsidy_parameters",
                                                     AuditLog.entity_id == str(new.id)))
    assert audit.action == "insert" and audit.actor_name == "s_city"


@pytest.mark.parametrize("data, field, message", [
    ({"value": "61", "effective_from": "2027-01-01", "basis": "x"}, "value", "「公示期」应在 1–60天 之间"),
    ({"value": "七", "effective_from": "2027-01-01", "basis": "x"}, "value", "新数值应为整数"),
    ({"value": "", "effective_from": "2027-01-01", "basis": "x"}, "value", "请填写新数值"),
    ({"value": "10", "effective_from": "", "basis": "x"}, "effective_from", "请填写生效日期"),
    ({"value": "10", "effective_from": "2027-13-40", "basis": "x"}, "effective_from", "生效日期应为日期"),
    ({"value": "10", "effective_from": "2020-01-01", "basis": "x"}, "effective_from", "「公示期」在 2020-01-01 已有生效版本"),
    ({"value": "10", "effective_from": "2027-01-01", "basis": " "}, "basis", "请填写依据(文件名称及条款)"),
])
def test_a_bad_parameter_version_names_the_field_and_saves_nothing(client, world, data, field, message):
    factories.login(client, "s_city")
    before = count(RuleParameter)
    response = client.post(f"{URL}/parameters/notice_days", data=data)
    assert response.status_code == 400
    assert any(message in m for m in field_errors(text(response)).get(field, [])), field_errors(text(response))
    assert count(RuleParameter) == before
    assert client.get(f"{URL}/parameters/no_such_parameter").status_code == 404


# --- standards ---------------------------------------------------------------------------------

def standard_data(**overrides) -> dict:
    data = {"programme_code": "yuecai", "occupation_code": "yuecai/chinese_cook", "level": "", "amount": "1,234.55",
            "effective_from": "2025-01-01", "basis": "穗人社函〔2025〕1号"}
    data.update(overrides)
    return data


def test_city_staff_record_a_standard_typed_in_yuan(client, world):
    factories.login(client, "s_city")
    response = client.post(f"{URL}/standards/new", data=standard_data())
    assert response.status_code == 302
    row = db.session.scalar(select(SubsidyStandard))
    assert (row.programme_code, row.occupation_code, row.level, row.amount_fen) == ("yuecai", "chinese_cook", None, 123455)
    assert row.recorded_by == "s_city用户"
    page = text(client.get(f"{URL}/standards?programme=yuecai"))
    table = page.split('data-programme-section="yuecai"')[1].split("</tbody>")[0]
    assert "中式烹调师" in table and "各等级" in table and "1,234.55" in table and "2025-01-01" in table and "s_city用户" in table
    audit = db.session.scalar(select(AuditLog).where(AuditLog.entity_type == "subsidy_standards"))
    assert audit.actor_name == "s_city" and audit.changes["after"]["amount_fen"] == 123455


def test_a_standard_for_a_level_and_one_for_the_whole_programme(client, world):
    factories.login(client, "s_city")
    assert client.post(f"{URL}/standards/new", data=standard_data(level="3", amount="2500")).status_code == 302
    assert client.post(f"{URL}/standards/new", data=standard_data(occupation_code="", amount="1000")).status_code == 302
    assert standards.standard_for("yuecai", "chinese_cook", 3, date(2025, 2, 1)).amount_fen == 250000
    assert standards.standard_for("yuecai", "chinese_cook", 4, date(2025, 2, 1)).amount_fen == 100000
    page = text(client.get(f"{URL}/standards"))
    assert "全部职业" in page and "三级/高级工" in page


@pytest.mark.parametrize("overrides, field, message", [
    ({"amount": "12.345"}, "amount", "金额应为不超过两位小数的正数(元)"),
    ({"amount": "-5"}, "amount", "金额应为不超过两位小数的正数(元)"),
    ({"amount": "0"}, "amount", "补贴标准应大于0"),
    ({"amount": ""}, "amount", "请填写补贴标准(元/人)"),
    ({"programme_code": ""}, "programme_code", "请选择项目"),
    ({"programme_code": "mars"}, "programme_code", "请从列表中选择项目"),
    ({"occupation_code": "jigong/welder"}, "occupation_code", "所选职业(工种)不属于「粤菜师傅」"),
    ({"occupation_code": "yuecai/welder"}, "occupation_code", "请从列表中选择职业(工种)"),
    ({"occupation_code": "yuecai/cantonese_cuisine", "level": "5"}, "level", "「粤菜(广府菜)烹饪」的等级只能是:不分等级"),
    ({"occupation_code": "", "level": "5"}, "level", "等级须为所选职业(工种)的等级"),
    ({"effective_from": "明年"}, "effective_from", "生效日期应为日期"),
    ({"basis": ""}, "basis", "请填写依据(文件名称及条款)"),
])
def test_a_bad_standard_names_the_field_and_saves_nothing(client, world, overrides, field, message):
    factories.login(client, "s_city")
    response = client.post(f"{URL}/standards/new", data=standard_data(**overrides))
    assert response.status_code == 400
    html = text(response)
    assert any(message in m for m in field_errors(html).get(field, [])), field_errors(html)
    assert message in by_testid(html, "not-saved")
    assert count(SubsidyStandard) == 0


def test_every_mistake_of_a_standard_shows_at_once(client, world):
    factories.login(client, "s_city")
    response = client.post(f"{URL}/standards/new", data=standard_data(amount="12.345", basis="", effective_from=""))
    assert response.status_code == 400
    assert set(field_errors(text(response))) == {"amount", "basis", "effective_from"}
    assert count(SubsidyStandard) == 0


def test_a_second_standard_for_the_same_scope_and_day_is_refused(client, world):
    factories.login(client, "s_city")
    client.post(f"{URL}/standards/new", data=standard_data())
    response = client.post(f"{URL}/standards/new", data=standard_data(amount="1500"))
    assert response.status_code == 400
    assert "同一范围在该生效日期已有补贴标准" in field_errors(text(response))["effective_from"][0]
    assert count(SubsidyStandard) == 1


def test_standards_are_filtered_by_programme_and_by_the_day_in_force(client, world):
    old = standards.add_standard("yuecai", "chinese_cook", 5, 100000, date(2022, 1, 1), "旧", "市局")
    new = standards.add_standard("yuecai", "chinese_cook", 5, 120000, date(2024, 1, 1), "新", "市局")
    future = standards.add_standard("yuecai", "chinese_cook", 5, 150000, today().replace(year=today().year + 2), "将来", "市局")
    other = standards.add_standard("jigong", None, None, 90000, date(2023, 1, 1), "技工", "市局")
    db.session.commit()
    factories.login(client, "s_district")
    page = text(client.get(f"{URL}/standards"))
    states = dict(re.findall(r'data-standard-id="(\d+)".*?data-standing="(\w+)"', page, re.S))
    assert states == {str(old.id): "superseded", str(new.id): "current", str(future.id): "pending", str(other.id): "current"}
    only_yuecai = text(client.get(f"{URL}/standards?programme=yuecai"))
    assert 'data-programme-section="yuecai"' in only_yuecai and 'data-programme-section="jigong"' not in only_yuecai
    in_2023 = text(client.get(f"{URL}/standards?on=2023-06-01"))
    shown = set(re.findall(r'data-standard-id="(\d+)"', in_2023))
    assert shown == {str(old.id), str(other.id)} and "只显示 2023-06-01 生效的标准" in in_2023
    in_2021 = text(client.get(f"{URL}/standards?on=2021-06-01&programme=jigong"))
    assert "2021-06-01 没有生效的补贴标准" in in_2021
    assert client.get(f"{URL}/standards?on=someday").status_code == 400
    assert client.get(f"{URL}/standards?programme=mars").status_code == 400


def test_city_staff_load_the_policy_presets_once(client, world):
    presets = [preset for p in catalogue.subsidised() for preset in p.subsidy.standard_presets]
    factories.login(client, "s_city")
    page = text(client.get(f"{URL}/standards"))
    assert presets[0].basis in page
    refused = client.post(f"{URL}/standards/presets", data={"effective_from": ""})
    assert refused.status_code == 400 and "请填写生效日期" in field_errors(text(refused))["effective_from"]
    assert count(SubsidyStandard) == 0
    response = client.post(f"{URL}/standards/presets", data={"effective_from": "2025-01-01"}, follow_redirects=True)
    assert f"已载入 {len(presets)} 项政策预置标准" in text(response)
    again = client.post(f"{URL}/standards/presets", data={"effective_from": "2025-01-01"}, follow_redirects=True)
    assert "已载入 0 项政策预置标准" in text(again)
    assert count(SubsidyStandard) == len(presets)


# --- the calculator ----------------------------------------------------------------------------

def lookup(client, programme, occupation, level, on) -> str:
    response = client.get(f"{URL}/standards", query_string={
        "q-programme_code": programme, "q-occupation_code": occupation, "q-level": level, "q-on": on})
    assert response.status_code == 200
    return text(response)


def test_the_calculator_shows_the_standard_uplift_and_amount_a_claim_would_use(client, world):
    standards.add_standard("yuecai", "chinese_cook", None, 123455, date(2024, 1, 1), "穗人社函〔2024〕9号", "市局")
    standards.add_listing("high_consumables", "chinese_cook", date(2025, 1, 1), date(2025, 12, 31), "目录", "市局")
    db.session.commit()
    factories.login(client, "s_district")
    listed = lookup(client, "yuecai", "yuecai/chinese_cook", "4", "2025-06-01")
    assert by_testid(listed, "lookup-amount") == "1,604.92 元/人"
    assert by_testid(listed, "lookup-uplift").startswith("30%")
    assert "高耗材职业(工种)目录" in listed and "穗人社函〔2024〕9号" in listed
    before = lookup(client, "yuecai", "yuecai/chinese_cook", "4", "2024-12-31")
    assert by_testid(before, "lookup-amount") == "1,234.55 元/人" and by_testid(before, "lookup-uplift") == "0%"
    after = lookup(client, "yuecai", "yuecai/chinese_cook", "4", "2026-01-01")
    assert by_testid(after, "lookup-amount") == "1,234.55 元/人"


def test_the_calculator_shows_the_advance_of_a_filing_programme(client, world):
    standards.add_standard("apprenticeship", None, None, 500000, date(2024, 1, 1), "学徒", "市局")
    db.session.commit()
    factories.login(client, "s_city")
    page = lookup(client, "apprenticeship", "apprenticeship/welder", "4", "2025-06-01")
    assert by_testid(page, "lookup-amount") == "5,000.00 元/人"
    assert "1,000.00 元/人" in by_testid(page, "lookup-advance")


@pytest.mark.parametrize("programme, occupation, level, on, field, message", [
    ("yuecai", "yuecai/chinese_pastry_cook", "5", "2025-06-01", "occupation_code", "没有适用于「粤菜师傅 中式面点师 五级/初级工」的补贴标准"),
    ("yuecai", "", "5", "2025-06-01", "occupation_code", "请选择职业(工种)"),
    ("yuecai", "yuecai/chinese_cook", "", "2025-06-01", "level", "请选择等级"),
    ("yuecai", "yuecai/chinese_cook", "5", "", "on", "请填写日期"),
])
def test_the_calculator_says_what_is_missing(client, world, programme, occupation, level, on, field, message):
    standards.add_standard("yuecai", "chinese_cook", None, 100000, date(2024, 1, 1), "依据", "市局")
    db.session.commit()
    factories.login(client, "s_city")
    page = lookup(client, programme, occupation, level, on)
    shown = field_errors(page).get(field, []) + re.findall(r'<div class="alert alert-danger"><div>([^<]*)', page)
    assert any(message in m for m in shown), (field_errors(page), shown)
    assert 'data-testid="lookup-result"' not in page


# --- occupation lists --------------------------------------------------------------------------

def test_city_staff_list_an_occupation_and_end_the_entry(client, world):
    factories.login(client, "s_city")
    response = client.post(f"{URL}/lists/new", data={"list_kind": "shortage", "occupation_code": "welder",
                                                     "effective_from": "2025-01-01", "effective_until": "", "basis": "紧缺目录2025"})
    assert response.status_code == 302
    listing = db.session.scalar(select(OccupationListing))
    assert (listing.list_kind, listing.occupation_code, listing.effective_until, listing.recorded_by) == (
        "shortage", "welder", None, "s_city用户")
    page = text(client.get(f"{URL}/lists"))
    section = page.split('data-list="shortage"')[1].split("</tbody>")[0]
    assert "焊工" in section and "长期" in section and "紧缺目录2025" in section and "移出目录" in section
    assert by_testid(page, "uplift") == "30%"

    assert client.get(f"{URL}/lists/{listing.id}/end").status_code == 200
    refused = client.post(f"{URL}/lists/{listing.id}/end", data={"effective_until": "2024-12-31"})
    assert refused.status_code == 400
    assert field_errors(text(refused))["effective_until"] == ["失效日期不能早于生效日期"]
    assert db.session.get(OccupationListing, listing.id).effective_until is None
    assert client.post(f"{URL}/lists/{listing.id}/end", data={"effective_until": "2025-12-31"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(OccupationListing, listing.id).effective_until == date(2025, 12, 31)
    audit = db.session.scalars(select(AuditLog).where(AuditLog.entity_type == "subsidy_occupation_listings")
                               .order_by(AuditLog.id)).all()
    assert [a.action for a in audit] == ["insert", "update"] and audit[1].actor_name == "s_city"
    assert audit[1].changes["after"]["effective_until"] == "2025-12-31"
    section = text(client.get(f"{URL}/lists")).split('data-list="shortage"')[1].split("</tbody>")[0]
    assert "2025-12-31" in section and "移出目录" not in section
    assert client.get(f"{URL}/lists/99999/end").status_code == 404


@pytest.mark.parametrize("overrides, field, message", [
    ({"list_kind": ""}, "list_kind", "请选择目录"),
    ({"list_kind": "cheap"}, "list_kind", "请从列表中选择目录"),
    ({"occupation_code": "astronaut"}, "occupation_code", "请从列表中选择职业(工种)"),
    ({"effective_from": ""}, "effective_from", "请填写生效日期"),
    ({"effective_until": "2024-01-01"}, "effective_until", "失效日期不能早于生效日期"),
    ({"effective_until": "2025-02-30"}, "effective_until", "失效日期应为日期"),
    ({"basis": ""}, "basis", "请填写依据(文件名称及条款)"),
])
def test_a_bad_listing_names_the_field_and_saves_nothing(client, world, overrides, field, message):
    factories.login(client, "s_city")
    data = {"list_kind": "high_consumables", "occupation_code": "welder", "effective_from": "2025-01-01",
            "effective_until": "", "basis": "目录"}
    data.update(overrides)
    response = client.post(f"{URL}/lists/new", data=data)
    assert response.status_code == 400
    assert any(message in m for m in field_errors(text(response)).get(field, [])), field_errors(text(response))
    assert count(OccupationListing) == 0
