"""Training-subsidy claims: eligibility, the 60-day window, the review clock, decisions, notice,
payment and the ledger (issue 7, items 2, 4 and 5)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from registry.domain.certificates.operations import issue_certificates
from registry.domain.certificates.signing import KeyRing
from registry.domain.errors import DomainError
from registry.domain.service_cards import records
from registry.domain.subsidies import claims, parameters, signals, standards, training
from registry.domain.subsidies.models import LedgerEntry
from registry.extensions import db
from tests import factories

END = date(2025, 9, 19)  # a Friday; the claim's review runs across 国庆 2025


@pytest.fixture
def world(app):
    keyring = KeyRing(app.config["REGISTRY_KEYS_DIR"])
    base = factories.base("越秀粤菜基地", programmes=("yuecai",))
    clerk = factories.user("yc_clerk", "base", base_id=base.id)
    standards.add_standard("yuecai", "chinese_cook", 5, 150000, date(2020, 1, 1), "测试标准", "测试")
    session = factories.session(base, "yuecai", "chinese_cook", 5, start_date=END - timedelta(days=20), end_date=END)
    people = []
    for index, result in enumerate(("passed", "passed", "passed", "failed")):
        person = factories.trainee(f"学员{'甲乙丙丁'[index]}", document_number=factories.id_number(birth=date(1990, 1, index + 1)))
        people.append((person, factories.enrollment(session, person, result=result, assessment_type="training_qualified",
                                                    score=60 + index)))
    issue_certificates(session, [e for _, e in people if e.result == "passed"], keyring, issued_on=END)
    for person, _ in people[:2]:
        records.record_identity_check(person, clerk, END, "in_person")
    db.session.commit()
    return {"keyring": keyring, "base": base, "clerk": clerk, "session": session, "people": people}


def reasons(world, on):
    return {c.enrollment.trainee.name: c.reasons for c in training.candidates(world["session"], on)}


def test_only_passed_real_name_checked_certified_people_are_eligible(world):
    found = reasons(world, END + timedelta(days=10))
    assert found["学员甲"] == [] and found["学员乙"] == []
    assert found["学员丙"] == ["未完成实名核验(人证合一)"]
    assert "考核结果为「不合格」,未合格" in found["学员丁"]
    assert "尚未取得本班期的证书" in found["学员丁"]
    claim = training.create_claim(world["session"], "clerk", END + timedelta(days=10))
    assert {line.trainee.name for line in claim.lines} == {"学员甲", "学员乙"}
    assert [line.amount_fen for line in claim.lines] == [150000, 150000]


def test_claim_on_day_60_is_accepted_and_day_61_refused_with_the_closing_date(world):
    session = world["session"]
    assert training.window_closes(session) == END + timedelta(days=60)
    claim = training.create_claim(session, "clerk", END + timedelta(days=60))
    training.submit_claim(claim, END + timedelta(days=60), "clerk")
    assert claim.status == "submitted" and claim.claimed_fen == 300000

    with pytest.raises(DomainError) as refused:
        training.check_can_claim(session, END + timedelta(days=61))
    assert "2025-11-18" in refused.value.message and "60日" in refused.value.message


def test_a_draft_submitted_after_the_window_is_refused(world):
    claim = training.create_claim(world["session"], "clerk", END + timedelta(days=59))
    with pytest.raises(DomainError) as refused:
        training.submit_claim(claim, END + timedelta(days=61), "clerk")
    assert "申领期已于 2025-11-18 截止" in refused.value.message
    assert claim.status == "draft"


def test_a_session_not_completed_cannot_be_claimed(world):
    world["session"].status = "in_progress"
    with pytest.raises(DomainError, match="班期尚未结业"):
        training.create_claim(world["session"], "clerk", END)


def test_the_window_follows_the_parameter_in_force(world):
    parameters.set_parameter("training_claim_days", 30, date(2025, 1, 1), "测试:新规定30日", "市局")
    assert training.window_closes(world["session"]) == END + timedelta(days=30)


def test_review_deadline_counts_30_working_days_across_national_day(world):
    claim = training.create_claim(world["session"], "clerk", date(2025, 9, 26))
    training.submit_claim(claim, date(2025, 9, 26), "clerk")
    # Working days after 26 Sep 2025: 28 Sep (调休), 29–30 Sep, 9–10 Oct, 11 Oct (调休) …: the 30th is 11 Nov... counted:
    # Sep 28,29,30 (3); Oct 9,10,11 (6); Oct 13–17 (11); 20–24 (16); 27–31 (21); Nov 3–7 (26); Nov 10,11,12,13 (30).
    assert claim.review_due_on == date(2025, 11, 13)
    assert not claim.due_date_estimated
    clock = claims.review_clock(claim, date(2025, 11, 14))
    assert clock.overdue and clock.warning == ""
    assert not claims.review_clock(claim, date(2025, 11, 13)).overdue


def test_the_same_person_is_not_subsidised_twice_for_the_same_occupation_and_level(world):
    first = training.create_claim(world["session"], "clerk", END + timedelta(days=5))
    training.submit_claim(first, END + timedelta(days=5), "clerk")
    base = world["base"]
    again = factories.session(base, "yuecai", "chinese_cook", 5, start_date=END + timedelta(days=1),
                              end_date=END + timedelta(days=10))
    person = world["people"][0][0]
    enrollment = factories.enrollment(again, person, result="passed", assessment_type="training_qualified")
    issue_certificates(again, [enrollment], world["keyring"], issued_on=END + timedelta(days=10))
    found = {c.enrollment.trainee.name: c.reasons for c in training.candidates(again, END + timedelta(days=12))}
    assert any(first.number in reason and "同职业(工种)同等级" in reason for reason in found["学员甲"])


def test_yearly_cap_counts_subsidised_trainings_in_the_same_scheme(world):
    parameters.set_parameter("yearly_subsidy_cap", 1, date(2025, 1, 1), "测试:每年1次", "市局")
    first = training.create_claim(world["session"], "clerk", END + timedelta(days=5))
    training.submit_claim(first, END + timedelta(days=5), "clerk")
    other = factories.session(world["base"], "yuecai", "chinese_cook", 4,
                              start_date=END + timedelta(days=1), end_date=END + timedelta(days=10))
    person = world["people"][0][0]
    enrollment = factories.enrollment(other, person, result="passed", assessment_type="training_qualified")
    issue_certificates(other, [enrollment], world["keyring"], issued_on=END + timedelta(days=10))
    found = {c.enrollment.trainee.name: c.reasons for c in training.candidates(other, END + timedelta(days=12))}
    assert found["学员甲"] == ["2025年已享受1次培训补贴,达到每人每年1次上限"]


def test_a_certificate_older_than_the_claim_period_is_not_claimable(world):
    assert reasons(world, END + timedelta(days=40))["学员甲"] == []
    parameters.set_parameter("certificate_claim_months", 1, date(2025, 1, 1), "测试:取证后1个月内", "市局")
    assert reasons(world, END + timedelta(days=30))["学员甲"] == []
    assert reasons(world, END + timedelta(days=31))["学员甲"] == ["取得证书(2025-09-19)已超过1个月申领期"]


def test_list_uplift_raises_the_amount_by_the_percentage(world):
    standards.add_listing("high_consumables", "chinese_cook", date(2025, 1, 1), None, "粤价〔2010〕168号 附件2", "市局")
    claim = training.create_claim(world["session"], "clerk", END + timedelta(days=5))
    assert {line.amount_fen for line in claim.lines} == {195000}
    assert {line.uplift_percent for line in claim.lines} == {30}


def submitted(world, on=END + timedelta(days=5)):
    claim = training.create_claim(world["session"], "clerk", on)
    training.submit_claim(claim, on, "clerk")
    return claim


def approved(world):
    """A submitted claim whose reviewer approved everyone."""
    claim = submitted(world)
    claims.start_review(claim, "区审核员", END + timedelta(days=6))
    for line in claim.lines:
        claims.decide_line(line, "approved")
    claims.decide(claim, END + timedelta(days=7), "区审核员")
    return claim


def test_partly_approved_claim_goes_through_notice_to_payment_with_a_ledger(world):
    claim = submitted(world)
    claims.start_review(claim, "区审核员", END + timedelta(days=6))
    first, second = claim.lines
    claims.decide_line(first, "approved")
    with pytest.raises(DomainError, match="不予核准须填写理由"):
        claims.decide_line(second, "refused", "")
    claims.decide_line(second, "refused", "培训期间另有全职工作,出勤存疑")
    claims.decide(claim, END + timedelta(days=7), "区审核员")
    assert claim.status == "partly_approved" and claim.approved_fen == 150000

    claims.start_notice(claim, END + timedelta(days=8))
    assert claim.notice_until == END + timedelta(days=14)
    with pytest.raises(DomainError, match="期满后方可拨付"):
        claims.pay(claim, END + timedelta(days=14), "GK-001", "区财务")
    claims.pay(claim, END + timedelta(days=15), "GK-001", "区财务")
    db.session.commit()
    assert claim.status == "paid"
    kinds = [(e.kind, e.amount_fen) for e in claim.entries]
    assert kinds == [("claimed", 300000), ("approved", 150000), ("paid", 150000)]


def test_an_upheld_objection_takes_the_person_off_as_a_correction(world):
    claim = approved(world)
    claims.start_notice(claim, END + timedelta(days=8))
    objection = claims.record_objection(claim, END + timedelta(days=9), "匿名", "学员乙 实际未参训", claim.lines[1])
    with pytest.raises(DomainError, match="未答复的公示异议"):
        claims.pay(claim, END + timedelta(days=15), "GK-002", "区财务")
    claims.answer_objection(objection, "upheld", "经核实缺勤过半", END + timedelta(days=10), "区审核员")
    assert claims.totals(claim).payable == 150000
    entry = claims.pay(claim, END + timedelta(days=15), "GK-002", "区财务")
    assert entry.amount_fen == 150000
    correction = next(e for e in claim.entries if e.kind == "correction")
    assert correction.corrects.kind == "approved" and correction.amount_fen == -150000


def test_decided_lines_and_ledger_entries_cannot_be_changed(world):
    claim = approved(world)
    db.session.commit()
    claim.lines[0].amount_fen = 1
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    entry = db.session.scalar(select(LedgerEntry).where(LedgerEntry.claim_id == claim.id).limit(1))
    entry.amount_fen = 1
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_to_change_the_ledger(world):
    claim = submitted(world)
    db.session.commit()
    with pytest.raises(DBAPIError):
        with db.session.begin_nested():
            db.session.execute(text("UPDATE subsidy_ledger SET amount_fen = 1"))
    with pytest.raises(DBAPIError):
        with db.session.begin_nested():
            db.session.execute(text("DELETE FROM subsidy_ledger"))
    assert db.session.scalar(select(LedgerEntry.amount_fen).where(LedgerEntry.claim_id == claim.id)) == 300000


def test_a_payment_correction_references_the_payment(world):
    claim = approved(world)
    claims.start_notice(claim, END + timedelta(days=8))
    paid = claims.pay(claim, END + timedelta(days=15), "GK-003", "区财务")
    claims.correct(paid, -50000, "重复拨付部分已追回", END + timedelta(days=20), "区财务", "TH-1")
    totals = claims.totals(claim)
    assert totals.paid == 250000 and totals.outstanding == 50000


def test_rejecting_frees_the_session_for_a_new_claim(world):
    claim = submitted(world)
    claims.start_review(claim, "区审核员", END + timedelta(days=6))
    with pytest.raises(DomainError, match="不予通过须填写理由"):
        claims.decide(claim, END + timedelta(days=7), "区审核员", reject=True)
    claims.decide(claim, END + timedelta(days=7), "区审核员", "材料不全", reject=True)
    assert claim.status == "rejected"
    again = training.create_claim(world["session"], "clerk", END + timedelta(days=8))
    assert again.id != claim.id and len(again.lines) == 2


def test_signals_name_people_whose_result_changed_and_overlapping_sessions(world):
    claim = submitted(world)
    person, enrollment = world["people"][0]
    enrollment.result = "failed"
    elsewhere = factories.base("另一基地", district_code="440111", programmes=("yuecai",))
    overlapping = factories.session(elsewhere, "yuecai", "chinese_cook", 4, start_date=END - timedelta(days=5),
                                    end_date=END + timedelta(days=5))
    factories.enrollment(overlapping, person)
    db.session.flush()
    found = signals.signals_for(claim)
    kinds = {s.kind for s in found}
    assert {"exceeds_passes", "overlapping"} <= kinds
    assert any("学员甲" in s.detail and "不合格" in s.detail for s in found)
    assert any("另一基地" in s.detail for s in found)


def test_copied_results_are_signalled(world):
    session = world["session"]
    clerk = world["clerk"]
    for person, enrollment in world["people"]:
        enrollment.result, enrollment.score = "passed", 88
        records.record_identity_check(person, clerk, END, "in_person")
    for index in range(2):
        person = factories.trainee(f"补充{'甲乙'[index]}", document_number=factories.id_number(birth=date(1991, 2, index + 1)))
        factories.enrollment(session, person, result="passed", score=88, assessment_type="training_qualified")
    db.session.flush()
    claim = training.create_claim(session, "clerk", END + timedelta(days=5))
    assert any(s.kind == "copied" and "成绩均为" in s.detail for s in signals.signals_for(claim))
