"""企业新型学徒制 over HTTP: the enterprise files, the district reviews and pays, every refusal names its
rule, and nobody reaches another enterprise's or district's filing by editing a URL."""
from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

from registry.domain.apprenticeships import apprentices, operations, policy
from registry.domain.apprenticeships.models import Apprentice, ApprenticeshipFiling, SpecialSubsidyGrant
from registry.domain.subsidies import standards
from registry.domain.subsidies.models import SubsidyClaim
from registry.domain.training.results import ResultData, record_result
from registry.extensions import db
from tests import factories

A, B = "440106", "440111"  # 天河区, 白云区


@pytest.fixture
def world():
    programme = policy.filing_programme()
    standards.add_standard(programme.code, None, None, 500_000, date(2020, 1, 1), "测试标准", "测试")
    w = {
        "school": factories.base("广州市技师学院", A, kind="technical_school", programmes=()),
        "ent_a": factories.enterprise("天河精工有限公司", A),
        "ent_b": factories.enterprise("白云电子有限公司", B),
    }
    factories.user("ent_a", "enterprise", enterprise_id=w["ent_a"].id)
    factories.user("ent_b", "enterprise", enterprise_id=w["ent_b"].id)
    factories.user("district_a", "district", district_id=factories.district(A).id)
    factories.user("district_b", "district", district_id=factories.district(B).id)
    factories.user("city", "city")
    factories.user("agency", "base", base_id=w["school"].id)
    db.session.commit()
    return w


@contextmanager
def on(day: date, client=None, username=None):
    """Move the registry's clock to ``day`` (and sign in again there)."""
    with time_machine.travel(day, tick=False):
        if client is not None:
            sign_in(client, username)
        yield


def sign_in(client, username):
    client.post("/auth/logout")
    factories.login(client, username)


def filing_form(world, **changes) -> dict:
    data = {"agency_id": world["school"].id, "agreement_number": "HZ-2025-009", "agreement_signed_on": "2025-02-20",
            "plan_start": "2025-04-15", "plan_end": "2025-12-31", "planned_hours": "400",
            "programme_code": policy.filing_programme().code}
    return {**data, **changes}


def apprentice_form(**changes) -> dict:
    data = {"document_type": "resident_id", "document_number": factories.id_number(), "name": "林学徒",
            "hukou_type": "urban", "occupation_code": "electrician", "level": "4", "contract_start": "2025-01-01",
            "contract_end": "2026-12-31", "insurance_confirmed": "y", "insurance_checked_on": "2025-02-01",
            "training_agreement_on": "2025-02-25"}
    return {**data, **changes}


def domain_filing(world, enterprise="ent_a", people=("甲学徒", "乙学徒"), submitted_on=date(2025, 3, 10),
                  approved_on: date | None = None) -> ApprenticeshipFiling:
    data = operations.FilingData(world["school"].id, "HZ-1", date(2025, 2, 20), date(2025, 4, 15),
                                 date(2025, 12, 31), 400)
    filing = operations.create_filing(world[enterprise], data, date(2025, 3, 3))
    for name in people:
        apprentices.add_apprentice(filing, apprentices.PersonData("resident_id", factories.id_number(), name, "urban"),
                                  apprentices.ApprenticeTerms("electrician", 4, date(2025, 1, 1), date(2026, 12, 31),
                                                             True, None, date(2025, 2, 25)), date(2025, 3, 3))
    if submitted_on:
        operations.submit_filing(filing, submitted_on)
    if approved_on:
        operations.approve_filing(filing, approved_on, "区审核员")
    db.session.commit()
    return filing


def test_an_enterprise_files_and_the_district_approves(client, world):
    with on(date(2025, 3, 3), client, "ent_a"):
        assert "新建备案" in client.get("/apprenticeship/").text
        assert "广州市技师学院" in client.get("/apprenticeship/new").text
        response = client.post("/apprenticeship/new", data=filing_form(world))
        assert response.status_code == 302
        filing = db.session.scalar(select(ApprenticeshipFiling))
        assert response.headers["Location"].endswith(f"/apprenticeship/{filing.id}")
        assert filing.enterprise_id == world["ent_a"].id and filing.status == "draft"

        short = client.post(f"/apprenticeship/{filing.id}/apprentices/new",
                            data=apprentice_form(contract_end="2025-12-30"))
        assert short.status_code == 400 and "劳动合同期限不足 12 个月" in short.text and "之四 二(三)" in short.text
        uninsured = client.post(f"/apprenticeship/{filing.id}/apprentices/new",
                                data={k: v for k, v in apprentice_form().items() if k != "insurance_confirmed"})
        assert uninsured.status_code == 400 and "未确认学徒已依法在本市缴纳社会保险费" in uninsured.text
        assert db.session.scalar(select(func.count(Apprentice.id))) == 0
        assert client.post(f"/apprenticeship/{filing.id}/apprentices/new", data=apprentice_form()).status_code == 302
        page = client.get(f"/apprenticeship/{filing.id}").text
        assert 'data-apprentice="林学徒"' in page

    with on(date(2025, 9, 26), client, "ent_a"):
        assert client.post(f"/apprenticeship/{filing.id}/submit").status_code == 302
        db.session.refresh(filing)
        assert filing.status == "submitted" and filing.review_due_on == date(2025, 11, 13)
        page = client.get(f"/apprenticeship/{filing.id}").text
        assert "2025-11-13" in page and "due-warning" not in page
        assert client.post(f"/apprenticeship/{filing.id}/review", data={"decision": "approve"}).status_code == 403

    with on(date(2025, 10, 9), client, "district_a"):
        page = client.get(f"/apprenticeship/{filing.id}").text
        assert "评估审核" in page
        assert client.post(f"/apprenticeship/{filing.id}/review", data={"decision": "approve", "note": "材料齐备"}
                           ).status_code == 302
        db.session.refresh(filing)
        assert filing.status == "approved" and filing.decided_on == date(2025, 10, 9)
        page = client.get(f"/apprenticeship/{filing.id}").text
        assert 'data-testid="plan-sessions"' in page and "电工 四级/中级工" in page


def test_a_rejection_needs_a_reason(client, world):
    filing = domain_filing(world)
    with on(date(2025, 3, 20), client, "district_a"):
        client.post(f"/apprenticeship/{filing.id}/review", data={"decision": "reject", "note": ""})
        db.session.refresh(filing)
        assert filing.status == "submitted"
        assert "不予备案须填写理由" in client.get(f"/apprenticeship/{filing.id}").text
        client.post(f"/apprenticeship/{filing.id}/review", data={"decision": "reject", "note": "协议未盖章"})
        db.session.refresh(filing)
        assert filing.status == "rejected" and "协议未盖章" in client.get(f"/apprenticeship/{filing.id}").text


def test_nobody_opens_another_enterprise_s_or_district_s_filing(client, world):
    filing = domain_filing(world)
    url = f"/apprenticeship/{filing.id}"
    expected = {"ent_a": 200, "district_a": 200, "city": 200, "agency": 200, "ent_b": 404, "district_b": 404}
    for username, status in expected.items():
        sign_in(client, username)
        assert client.get(url).status_code == status, username
        listed = client.get("/apprenticeship/").text
        assert (filing.number in listed) == (status == 200), username
    for username, status in {"district_b": 404, "ent_b": 404, "city": 403, "agency": 403, "ent_a": 403}.items():
        sign_in(client, username)
        assert client.post(f"{url}/review", data={"decision": "approve"}).status_code == status, username
    db.session.refresh(filing)
    assert filing.status == "submitted"
    sign_in(client, "ent_b")
    apprentice = filing.apprentices[0]
    assert client.get(f"{url}/apprentices/{apprentice.id}/leaving").status_code == 404
    assert client.post(f"{url}/claims/advance").status_code == 404


def test_a_claim_is_reached_only_by_its_enterprise_and_district(client, world):
    filing = domain_filing(world, approved_on=date(2025, 4, 1))
    other = domain_filing(world, "ent_a", people=("丙学徒",), approved_on=date(2025, 4, 1))
    with on(date(2025, 4, 10), client, "ent_a"):
        client.post(f"/apprenticeship/{filing.id}/claims/advance")
        claim = db.session.scalar(select(SubsidyClaim).where(SubsidyClaim.filing_id == filing.id))
        page = client.get(f"/subsidies/claims/{claim.id}").text
        assert 'data-testid="filing-panel"' in page and filing.number in page
        assert client.get(f"/apprenticeship/{other.id}/claims/{claim.id}").status_code == 404
    with on(date(2025, 4, 10), client, "district_b"):
        assert client.get(f"/subsidies/claims/{claim.id}").status_code == 404
        assert client.post(f"/subsidies/claims/{claim.id}/review").status_code == 404
    with on(date(2025, 4, 10), client, "ent_b"):
        assert client.get(f"/subsidies/claims/{claim.id}").status_code == 404


def test_the_agency_sees_the_filing_s_claims_listed_but_not_linked(client, world):
    """The training agency (a school, base role) sees the filing it trains for, with its claims in
    the list; the claims are the enterprise's (004 之四 二(五)、(七): the enterprise claims), so their
    numbers are plain text for the agency and links, which open, for the enterprise and its district."""
    filing = domain_filing(world, approved_on=date(2025, 4, 1))
    with on(date(2025, 4, 10), client, "ent_a"):
        client.post(f"/apprenticeship/{filing.id}/claims/advance")
    claim = db.session.scalar(select(SubsidyClaim).where(SubsidyClaim.filing_id == filing.id))
    link = f"/apprenticeship/{filing.id}/claims/{claim.id}"
    with on(date(2025, 4, 10), client, "agency"):
        page = client.get(f"/apprenticeship/{filing.id}")
        assert page.status_code == 200 and claim.number in page.text and link not in page.text
        assert client.get(link).status_code == 404  # no redirect to a page it cannot open
        assert client.get(f"/subsidies/claims/{claim.id}").status_code == 404
    for username in ("ent_a", "district_a", "city"):
        with on(date(2025, 4, 10), client, username):
            assert link in client.get(f"/apprenticeship/{filing.id}").text
            response = client.get(link)
            assert response.status_code == 302, username
            assert client.get(response.location).status_code == 200, username


def test_overdue_reviews_are_highlighted_in_the_list(client, world):
    filing = domain_filing(world, submitted_on=date(2025, 9, 26))
    with on(date(2025, 11, 13), client, "district_a"):
        assert 'data-overdue="yes"' not in client.get("/apprenticeship/").text
    with on(date(2025, 11, 14), client, "district_a"):
        page = client.get("/apprenticeship/").text
        assert 'data-overdue="yes"' in page and "已超期" in page
        assert filing.number in client.get("/apprenticeship/?overdue=1").text
        assert filing.number not in client.get("/apprenticeship/?status=approved").text
        assert 'data-testid="review-overdue"' in client.get(f"/apprenticeship/{filing.id}").text


def test_an_estimated_due_date_is_shown_with_its_warning(client, world):
    filing = domain_filing(world, submitted_on=None)
    filing.plan_start, filing.plan_end = date(2027, 3, 15), date(2027, 12, 31)
    operations.submit_filing(filing, date(2027, 3, 1))
    db.session.commit()
    sign_in(client, "district_a")
    page = client.get(f"/apprenticeship/{filing.id}").text
    assert "2027-04-12" in page and 'data-testid="due-warning"' in page and "估算" in page


def test_a_late_leaving_report_is_kept_and_flagged(client, world):
    filing = domain_filing(world, approved_on=date(2025, 4, 1))
    apprentice = filing.apprentices[0]
    with on(date(2025, 6, 17), client, "ent_a"):
        response = client.post(f"/apprenticeship/{filing.id}/apprentices/{apprentice.id}/leaving",
                               data={"left_on": "2025-06-01", "reason": "回乡"})
        assert response.status_code == 302
        page = client.get(f"/apprenticeship/{filing.id}").text
        assert 'data-testid="leaving-flag"' in page and "离职后第 16 天才报告,超过 15 日报告期限" in page
        refused = client.post(f"/apprenticeship/{filing.id}/apprentices/{filing.apprentices[1].id}/leaving",
                              data={"left_on": "2025-06-18", "reason": "回乡"})
        assert refused.status_code == 400 and "离职日期不能晚于今天" in refused.text


def test_the_training_start_is_recorded_and_a_late_one_flagged(client, world):
    filing = domain_filing(world, approved_on=date(2025, 4, 1))
    with on(date(2025, 6, 5), client, "ent_a"):
        client.post(f"/apprenticeship/{filing.id}/start", data={"started_on": "2025-06-01"})
        page = client.get(f"/apprenticeship/{filing.id}").text
        assert 'data-testid="start-flag"' in page and "晚于备案后 60 天(2025-05-31)" in page


def _review_and_pay(client, filing, claim, day):
    with on(day, client, "district_a"):
        base = f"/subsidies/claims/{claim.id}"
        assert client.post(f"{base}/review").status_code == 302
        client.post(f"{base}/lines", data={f"decision-{line.id}": "approved" for line in claim.lines})
        client.post(f"{base}/decide", data={"outcome": "approve", "note": "核定"})
        client.post(f"{base}/notice")
    with on(day + timedelta(days=8), client, "district_a"):
        client.post(f"{base}/pay", data={"paid_on": (day + timedelta(days=8)).isoformat(), "reference": "PZ-7"})
        db.session.refresh(claim)
        assert claim.status == "paid", claim.status


def test_advance_then_final_claim_with_money_owed_back(client, world):
    filing = domain_filing(world, approved_on=date(2025, 4, 1))
    with on(date(2025, 6, 1), client, "ent_a"):
        response = client.post(f"/apprenticeship/{filing.id}/claims/advance")
        assert response.status_code == 302
        assert "预支申请期已于 2025-05-31 截止" in client.get(f"/apprenticeship/{filing.id}").text
        assert db.session.scalar(select(func.count(SubsidyClaim.id))) == 0
    with on(date(2025, 5, 31), client, "ent_a"):
        client.post(f"/apprenticeship/{filing.id}/claims/advance")
        advance = db.session.scalar(select(SubsidyClaim).where(SubsidyClaim.kind == "advance"))
        page = client.get(f"/subsidies/claims/{advance.id}").text
        assert "提交申领" in page and "1,000.00" in page
        client.post(f"/subsidies/claims/{advance.id}/submit")
        db.session.refresh(advance)
        assert advance.status == "submitted" and advance.claimed_fen == 200_000
        assert client.post(f"/subsidies/claims/{advance.id}/review").status_code == 403
    _review_and_pay(client, filing, advance, date(2025, 6, 3))

    passer, failer = filing.apprentices
    for apprentice, result in ((passer, "passed"), (failer, "failed")):
        apprentice.enrollment.session.status = "completed"
        record_result(apprentice.enrollment, ResultData(
            400, result, 80, date(2025, 12, 20), "skill_level"), on=date(2025, 12, 20))
    db.session.commit()

    with on(date(2026, 1, 5), client, "ent_a"):
        client.post(f"/apprenticeship/{filing.id}/claims/final")
        final = db.session.scalar(select(SubsidyClaim).where(SubsidyClaim.kind == "final"))
        assert final.deduction_fen == 200_000 and [l.trainee.name for l in final.lines] == ["甲学徒"]
        page = client.get(f"/subsidies/claims/{final.id}").text
        assert "乙学徒" in page and "考核结果:不合格" in page
        client.post(f"/subsidies/claims/{final.id}/submit")
    with on(date(2026, 1, 6), client, "district_a"):
        page = client.get(f"/subsidies/claims/{final.id}").text
        assert "受理并开始审核" in page and "扣除已预支</th><td class=\"text-end\">-2,000.00 元" in page
        # The advance on the same filing is the same subsidy, not a second claim for these people.
        assert "同一人员在其他申领中申领同职业同等级补贴" not in page
    _review_and_pay(client, filing, final, date(2026, 1, 6))
    with on(date(2026, 1, 20), client, "ent_a"):
        page = client.get(f"/apprenticeship/{filing.id}").text
        # 5,000 for the one who passed less the 2,000 advanced; 1,000 of it was for the one who failed.
        assert 'data-testid="owed-back">1,000.00' in page and "3,000.00 元" in page
        assert 'data-testid="enterprise-owes"' not in page


def test_the_final_claim_page_shows_the_enterprise_pays_back(client, world):
    filing = domain_filing(world, people=("甲学徒", "乙学徒", "丙学徒", "丁学徒", "戊学徒", "己学徒"),
                           approved_on=date(2025, 4, 1))
    with on(date(2025, 4, 20), client, "ent_a"):
        client.post(f"/apprenticeship/{filing.id}/claims/advance")
        advance = db.session.scalar(select(SubsidyClaim).where(SubsidyClaim.kind == "advance"))
        client.post(f"/subsidies/claims/{advance.id}/submit")
    _review_and_pay(client, filing, advance, date(2025, 4, 21))
    for apprentice in filing.apprentices:
        apprentice.enrollment.session.status = "completed"
        record_result(apprentice.enrollment, ResultData(
            400, "passed" if apprentice.trainee.name == "甲学徒" else "failed", 80, date(2025, 12, 20),
            "skill_level"), on=date(2025, 12, 20))
    db.session.commit()
    with on(date(2026, 1, 5), client, "ent_a"):
        client.post(f"/apprenticeship/{filing.id}/claims/final")
        final = db.session.scalar(select(SubsidyClaim).where(SubsidyClaim.kind == "final"))
        client.post(f"/subsidies/claims/{final.id}/submit")
    _review_and_pay(client, filing, final, date(2026, 1, 6))
    with on(date(2026, 1, 20), client, "district_a"):
        assert "企业应退回 1,000.00 元" in client.get(f"/subsidies/claims/{final.id}").text
        assert 'data-testid="enterprise-owes">企业应退回 1,000.00 元' in client.get(f"/apprenticeship/{filing.id}").text


def test_reviewers_see_claimed_people_beyond_the_passes(client, world):
    filing = domain_filing(world, approved_on=date(2025, 4, 1))
    first, second = filing.apprentices
    for apprentice in (first, second):
        apprentice.enrollment.session.status = "completed"
        record_result(apprentice.enrollment, ResultData(400, "passed", 80, date(2025, 12, 20), "skill_level"),
                      on=date(2025, 12, 20))
    db.session.commit()
    with on(date(2026, 1, 5), client, "ent_a"):
        client.post(f"/apprenticeship/{filing.id}/claims/final")
        final = db.session.scalar(select(SubsidyClaim).where(SubsidyClaim.kind == "final"))
        client.post(f"/subsidies/claims/{final.id}/submit")
    second.enrollment.result = "failed"  # a result corrected after the claim went in
    db.session.commit()
    with on(date(2026, 1, 6), client, "district_a"):
        page = client.get(f"/subsidies/claims/{final.id}").text
        assert 'data-testid="claim-warnings"' in page and "申领 2 人,超过本备案考核合格学徒 1 人" in page
        assert 'data-testid="line-flag">考核结果:不合格' in page


def test_the_district_records_a_special_subsidy_year_which_stops_filing(client, world):
    with on(date(2025, 3, 1), client, "ent_a"):
        assert client.get("/apprenticeship/special-grants").status_code == 403
    with on(date(2025, 3, 1), client, "district_b"):
        response = client.post("/apprenticeship/special-grants",
                               data={"credit_code": world["ent_a"].credit_code, "year": "2025"})
        assert response.status_code == 400 and "未找到该统一社会信用代码的企业" in response.text
    with on(date(2025, 3, 1), client, "district_a"):
        response = client.post("/apprenticeship/special-grants",
                               data={"credit_code": world["ent_a"].credit_code, "year": "2025", "note": "穗人社发〔2025〕1号"})
        assert response.status_code == 302
        assert "天河精工有限公司" in client.get("/apprenticeship/special-grants").text
    with on(date(2025, 3, 3), client, "ent_a"):
        refused = client.post("/apprenticeship/new", data=filing_form(world))
        assert refused.status_code == 400 and "不得再报当年度新型学徒培训项目" in refused.text and "之四 三(四)" in refused.text
    grant = db.session.scalar(select(SpecialSubsidyGrant))
    with on(date(2025, 3, 4), client, "district_a"):
        client.post(f"/apprenticeship/special-grants/{grant.id}/remove", data={"reason": "误登记"})
        assert db.session.scalar(select(func.count(SpecialSubsidyGrant.id))) == 0


def test_reports_download_as_spreadsheets_for_bureau_staff(client, world):
    domain_filing(world, approved_on=date(2025, 4, 1))
    with on(date(2025, 6, 5), client, "district_a"):
        page = client.get("/apprenticeship/reports?year=2025&cutoff=2025-06-05").text
        assert "广东省企业新型学徒制实施进展情况表" in page and "天河区" in page and "白云区" not in page
        response = client.get("/apprenticeship/reports/progress.xlsx?year=2025&cutoff=2025-06-05")
        assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
        sheet = load_workbook(io.BytesIO(response.data))["进展情况表"]
        assert [c.value for c in sheet[2]][:4] == ["天河区", 1, 1, 2]
        assert client.get("/apprenticeship/reports/progress.xlsx?year=2025&cutoff=2025-07-01").status_code == 404
        directory = client.get("/apprenticeship/reports/directories.xlsx?year=2025")
        assert load_workbook(io.BytesIO(directory.data))["企业目录"]["B2"].value == "天河精工有限公司"
    with on(date(2025, 6, 5), client, "city"):
        page = client.get(f"/apprenticeship/reports?year=2025&district={factories.district(B).id}").text
        assert "白云区" in page
    with on(date(2025, 6, 5), client, "ent_a"):
        assert client.get("/apprenticeship/reports").status_code == 403
        assert client.get("/apprenticeship/reports/progress.xlsx?year=2025&cutoff=2025-06-05").status_code == 403


def test_a_draft_is_edited_and_its_apprentices_corrected_by_its_enterprise_only(client, world):
    filing = domain_filing(world, submitted_on=None)
    first, second = filing.apprentices
    with on(date(2025, 3, 5), client, "ent_a"):
        unknown = client.post("/apprenticeship/new", data=filing_form(world, programme_code="no-such-programme"))
        assert unknown.status_code == 400 and 'data-field="programme_code">培训项目:' in unknown.text
        response = client.post(f"/apprenticeship/{filing.id}/edit", data=filing_form(world, planned_hours="360"))
        assert response.status_code == 302
        edit_url = f"/apprenticeship/{filing.id}/apprentices/{first.id}/edit"
        assert "劳动合同终止日期" in client.get(edit_url).text
        response = client.post(edit_url, data={"occupation_code": "welder", "level": "5", "contract_start": "2025-01-01",
                                               "contract_end": "2026-12-31", "insurance_confirmed": "y",
                                               "training_agreement_on": "2025-02-25"})
        assert response.status_code == 302
        client.post(f"/apprenticeship/{filing.id}/apprentices/{second.id}/remove")
    db.session.refresh(filing)
    assert filing.planned_hours == 360 and [(a.occupation_code, a.level) for a in filing.apprentices] == [("welder", 5)]
    with on(date(2025, 3, 5), client, "agency"):
        assert client.get(f"/apprenticeship/{filing.id}/edit").status_code == 403
        assert client.post(f"/apprenticeship/{filing.id}/submit").status_code == 403
    with on(date(2025, 3, 5), client, "ent_b"):
        assert client.get(f"/apprenticeship/{filing.id}/apprentices/{first.id}/edit").status_code == 404
