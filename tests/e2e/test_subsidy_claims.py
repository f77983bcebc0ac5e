"""A training-subsidy claim from draft to paid in a real browser: the base clerk opens a completed
session's claim page (two eligible, one not real-name checked), files it; the district reviewer
takes it, refuses one person with a reason, approves the rest, notices it and, once the notice
period has passed, records the payment; the ledger shows each step."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from stdnum.cn import ric

from registry.domain.accounts.models import User
from registry.domain.certificates import operations as certificate_operations
from registry.domain.certificates.signing import KeyRing
from registry.domain.common import today
from registry.domain.service_cards import records
from registry.domain.subsidies.models import SubsidyClaim
from registry.domain.trainees.models import Trainee
from registry.domain.trainees.operations import TraineeData, register_trainee
from registry.domain.training import operations as training
from registry.domain.training.results import ResultData, record_result
from registry.extensions import db

from .test_smoke import sign_in

pytestmark = pytest.mark.e2e

PEOPLE = (("甘志明", True), ("欧阳丽", True), ("符建国", False))


def _resident_id(born: date, serial: int) -> str:
    while True:
        body = f"440106{born:%Y%m%d}{serial % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if db.session.scalar(select(Trainee.id).where(Trainee.document_number == number)) is None:
            return number
        serial += 1


@pytest.fixture
def finished_session(live_app) -> int:
    """A 粤菜师傅 session of the base account that ended ten days ago: three passed and certified,
    two of them real-name checked."""
    with live_app.app_context():
        clerk = db.session.scalar(select(User).where(User.username == "base"))
        on = today()
        session = training.create_session(clerk.base, training.SessionData(
            programme_code="yuecai", occupation_code="chinese_cook", level=5, kind="short",
            start_date=on - timedelta(days=40), end_date=on - timedelta(days=10), planned_hours=120, capacity=10,
            place="e2e 补贴申领测试教室", mode="offline",
        ))
        enrollments = []
        for index, (name, checked) in enumerate(PEOPLE):
            person = register_trainee(TraineeData(
                document_type="resident_id", document_number=_resident_id(date(1992, 3, index + 1), 731),
                name=name, hukou_type="urban"), registered_base_id=clerk.base_id).trainee
            enrollments.append(training.enrol(session, person))
            if checked:
                records.record_identity_check(person, clerk, on - timedelta(days=40), "reader")
        for status in ("open", "in_progress", "completed"):
            training.move_session(session, status, on)
        for enrollment in enrollments:
            record_result(enrollment, ResultData(
                attended_hours=Decimal(120), result="passed", score=Decimal(80 + len(enrollment.trainee.name)),
                assessed_on=on - timedelta(days=9), assessment_type="training_qualified"), on)
        certificate_operations.issue_certificates(session, enrollments, KeyRing(live_app.config["REGISTRY_KEYS_DIR"]))
        db.session.commit()
        session_id = session.id
        db.session.remove()
    return session_id


def test_a_claim_goes_from_draft_to_paid(page, live_server, live_app, finished_session, artifacts):
    sign_in(page, live_server, "base")
    page.goto(f"{live_server}/sessions/{finished_session}")
    page.get_by_role("link", name="培训补贴申领").click()
    assert page.get_by_test_id("eligible-count").inner_text() == "2"
    unchecked = page.get_by_test_id("candidates").locator("tr", has_text="符建国")
    assert "未完成实名核验(人证合一)" in unchecked.inner_text()
    page.get_by_role("button", name="为符合条件的 2 人建立申领草稿").click()
    assert page.get_by_test_id("claim-status").inner_text() == "草稿"
    page.get_by_role("button", name="提交申领").click()
    assert page.get_by_test_id("claim-status").inner_text() == "已提交"
    number = page.locator("h1 .font-monospace").inner_text()

    page.context.clear_cookies()
    sign_in(page, live_server, "district")
    page.goto(f"{live_server}/subsidies/claims")
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="受理并开始审核").click()
    page.get_by_label("欧阳丽 核定").select_option("refused")
    page.get_by_label("欧阳丽 理由").fill("结业考核时不在本市,材料存疑")
    page.get_by_role("button", name="保存,其余待审核人员全部核准").click()
    page.get_by_role("button", name="作出审核结论").click()
    assert page.get_by_test_id("claim-status").inner_text() == "部分通过"
    page.get_by_role("button", name="开始公示").click()
    assert page.get_by_test_id("claim-status").inner_text().startswith("公示中")

    # The notice period passes.
    with live_app.app_context():
        claim = db.session.scalar(select(SubsidyClaim).where(SubsidyClaim.number == number))
        days = (claim.notice_until - claim.notice_from).days + 1
        claim.notice_from -= timedelta(days=days)
        claim.notice_until -= timedelta(days=days)
        db.session.commit()
        db.session.remove()
    page.reload()
    page.get_by_label("支付凭证号").fill("GK-E2E-0001")
    page.get_by_role("button", name="登记拨付").click()
    assert page.get_by_test_id("claim-status").inner_text() == "已拨付"
    ledger = page.get_by_test_id("ledger").inner_text()
    assert "申领" in ledger and "核定" in ledger and "拨付" in ledger and "GK-E2E-0001" in ledger
    assert page.get_by_test_id("paid").inner_text() == page.get_by_test_id("payable").inner_text()
    refused = page.get_by_test_id("claim-lines").locator("tr", has_text="欧阳丽").inner_text()
    assert "不予核准" in refused and "材料存疑" in refused
    page.screenshot(path=str(artifacts / "subsidy-claim-paid.png"), full_page=True)
