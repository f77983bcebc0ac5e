"""Training-subsidy claims over HTTP: the base files, the district reviews, notices and pays;
other bases and districts cannot reach the claim; form errors save nothing."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from registry.domain.audit import AuditLog
from registry.domain.certificates.operations import issue_certificates
from registry.domain.certificates.signing import KeyRing
from registry.domain.service_cards import records
from registry.domain.subsidies import standards
from registry.domain.subsidies.models import LedgerEntry, SubsidyClaim
from registry.extensions import db
from tests import factories

END = date(2026, 9, 18)
TZ = "Asia/Shanghai"


@pytest.fixture
def world(app):
    keyring = KeyRing(app.config["REGISTRY_KEYS_DIR"])
    base = factories.base("天河粤菜基地", programmes=("yuecai",))
    other = factories.base("别区基地", district_code="440111", programmes=("yuecai",))
    clerk = factories.user("ycclerk", "base", base_id=base.id)
    factories.user("otherclerk", "base", base_id=other.id)
    factories.user("reviewer", "district", district_id=base.district_id)
    factories.user("otherdistrict", "district", district_id=other.district_id)
    factories.user("cityuser", "city")
    standards.add_standard("yuecai", "chinese_cook", None, 180000, date(2020, 1, 1), "测试标准", "测试")
    session = factories.session(base, "yuecai", "chinese_cook", 5, start_date=END - timedelta(days=20), end_date=END)
    passed = []
    for name in ("陈大文", "林小玲", "黄志强"):
        person = factories.trainee(name, document_number=factories.id_number(birth=date(1988, 5, len(passed) + 1)))
        passed.append(factories.enrollment(session, person, result="passed", assessment_type="training_qualified"))
        records.record_identity_check(person, clerk, END, "reader")
    issue_certificates(session, passed, keyring, issued_on=END)
    db.session.commit()
    return {"session": session, "base": base}


def sign_in(client, username):
    client.post("/auth/logout")
    factories.login(client, username)


def csrf_free(client, url, **data):
    return client.post(url, data=data, follow_redirects=True)


@pytest.fixture
def filed(client, world):
    """A claim the base filed on day 10 after the session ended."""
    with time_machine.travel(date(2026, 9, 28), tick=False):
        sign_in(client, "ycclerk")
        page = client.get(f"/subsidies/sessions/{world['session'].id}").text
        assert "符合申领条件 <strong data-testid=\"eligible-count\">3</strong> 人" in page
        client.post(f"/subsidies/sessions/{world['session'].id}")
        claim = db.session.scalar(select(SubsidyClaim))
        client.post(f"/subsidies/claims/{claim.id}/submit")
    db.session.refresh(claim)
    return claim


def test_base_files_and_district_reviews_notices_and_pays(client, world, filed):
    claim = filed
    assert claim.status == "submitted" and claim.claimed_fen == 540000
    # 30 working days after 28 Sep 2026, across 国庆 (1–7 Oct off; Sat 10 Oct worked in lieu):
    # 29–30 Sep (2), 8–10 Oct (5), then five-day weeks from 12 Oct: 9 Nov is the 26th, 13 Nov the 30th.
    assert claim.review_due_on == date(2026, 11, 13)
    with time_machine.travel(date(2026, 10, 12), tick=False):
        sign_in(client, "reviewer")
        client.post(f"/subsidies/claims/{claim.id}/review")
        lines = {line.trainee.name: line for line in claim.lines}
        form = {f"decision-{line.id}": "approved" for line in claim.lines}
        form[f"decision-{lines['黄志强'].id}"] = "refused"
        form[f"reason-{lines['黄志强'].id}"] = "考勤记录不全"
        client.post(f"/subsidies/claims/{claim.id}/lines", data=form)
        client.post(f"/subsidies/claims/{claim.id}/decide", data={"outcome": "approve", "note": "材料齐全"})
        db.session.refresh(claim)
        assert claim.status == "partly_approved" and claim.approved_fen == 360000
        client.post(f"/subsidies/claims/{claim.id}/notice")
        db.session.refresh(claim)
        assert claim.notice_until == date(2026, 10, 18)
        early = client.post(f"/subsidies/claims/{claim.id}/pay", data={"paid_on": "2026-10-12", "reference": "GK-1"})
        assert early.status_code == 422 and "期满后方可拨付" in early.text
    with time_machine.travel(date(2026, 10, 20), tick=False):
        sign_in(client, "reviewer")  # a sign-in lasts a working day, not a week
        page = client.post(f"/subsidies/claims/{claim.id}/pay", data={"paid_on": "2026-10-19", "reference": "GK-1"},
                           follow_redirects=True).text
        assert "已拨付" in page and "3,600.00" in page, page[page.find("alert"):page.find("alert")+300]
    assert [e.kind for e in db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))] == [
        "claimed", "approved", "paid"]
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.entity_type == "subsidy_claims", AuditLog.entity_id == str(claim.id))) >= 6


def test_overdue_claims_stand_out_in_the_list(client, world, filed):
    with time_machine.travel(date(2026, 11, 14), tick=False):
        sign_in(client, "reviewer")
        page = client.get("/subsidies/claims").text
        assert "已超期" in page and "table-danger" in page
        assert filed.number in client.get("/subsidies/claims?overdue=1").text
    with time_machine.travel(date(2026, 11, 13), tick=False):
        sign_in(client, "reviewer")
        assert filed.number not in client.get("/subsidies/claims?overdue=1").text


def test_other_bases_and_districts_cannot_reach_the_claim(client, world, filed):
    for username in ("otherclerk", "otherdistrict"):
        sign_in(client, username)
        assert client.get(f"/subsidies/claims/{filed.id}").status_code == 404
        assert client.get(f"/subsidies/sessions/{world['session'].id}").status_code == 404
        assert filed.number not in client.get("/subsidies/claims").text
    sign_in(client, "cityuser")
    assert client.get(f"/subsidies/claims/{filed.id}").status_code == 200
    # City staff see the claim but the district reviews it.
    assert client.post(f"/subsidies/claims/{filed.id}/review").status_code == 403
    sign_in(client, "ycclerk")
    assert client.post(f"/subsidies/claims/{filed.id}/review").status_code == 403


def test_a_rejection_without_a_reason_saves_nothing(client, world, filed):
    sign_in(client, "reviewer")
    client.post(f"/subsidies/claims/{filed.id}/review")
    response = client.post(f"/subsidies/claims/{filed.id}/decide", data={"outcome": "reject", "note": ""})
    assert response.status_code == 422 and "不予通过须填写理由" in response.text
    db.session.refresh(filed)
    assert filed.status == "under_review"
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1


def test_a_late_claim_is_refused_with_the_closing_date(client, world):
    with time_machine.travel(date(2026, 11, 18), tick=False):
        sign_in(client, "ycclerk")
        page = client.get(f"/subsidies/sessions/{world['session'].id}").text
        assert "申领期已于 2026-11-17 截止" in page
        response = client.post(f"/subsidies/sessions/{world['session'].id}", follow_redirects=True)
        assert "申领期已于 2026-11-17 截止" in response.text
    assert db.session.scalar(select(func.count()).select_from(SubsidyClaim)) == 0


def test_reviewers_see_over_claiming_signals_with_reasons(client, world, filed):
    enrollment = world["session"].enrollments[0]
    enrollment.result = "failed"
    db.session.commit()
    sign_in(client, "reviewer")
    page = client.get(f"/subsidies/claims/{filed.id}").text
    assert "申领人数超过考核合格人数" in page and "陈大文:当前考核结果为「不合格」" in page
    sign_in(client, "ycclerk")
    assert "审核提示" not in client.get(f"/subsidies/claims/{filed.id}").text


def test_a_correction_with_a_bad_amount_names_the_field(client, world, filed):
    sign_in(client, "reviewer")
    entry = db.session.scalar(select(LedgerEntry))
    response = client.post(f"/subsidies/claims/{filed.id}/corrections",
                           data={"entry_id": entry.id, "amount": "12.345", "reason": "测试"})
    assert response.status_code == 422 and "金额应为不超过两位小数的正数" in response.text
    response = client.post(f"/subsidies/claims/{filed.id}/corrections",
                           data={"entry_id": str(10**20), "amount": "100", "reason": "测试"})
    assert response.status_code == 422  # an entry no ledger can hold: refused, not a database error
    response = client.post(f"/subsidies/claims/{filed.id}/corrections",
                           data={"entry_id": entry.id, "amount": "-100.50", "reason": "申领金额录入有误"},
                           follow_redirects=True)
    assert "更正 #" in response.text and "-100.50" in response.text
