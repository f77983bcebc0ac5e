"""企业新型学徒制 (穗人社函〔2020〕22号 之四): filings, the plan, leaving reports, advance and final
claims, the exclusions, and the districts' reports — every rule and deadline, on both databases."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from registry.domain.apprenticeships import claims as filing_claims
from registry.domain.apprenticeships import apprentices, operations, policy, reports
from registry.domain.apprenticeships.models import SpecialSubsidyGrant
from registry.domain.catalogue import catalogue
from registry.domain.errors import DomainError
from registry.domain.organisations import operations as org_ops
from registry.domain.subsidies import claims as workflow
from registry.domain.subsidies import parameters, standards
from registry.domain.training.models import Enrollment, TrainingSession
from registry.domain.training.results import ResultData, record_result
from registry.extensions import db
from tests import factories

#: The standard for every occupation of the filing programme in these tests: 5,000 yuan.
STANDARD_FEN = 500_000
#: 20% of it, the advance (004 之四 二(五)).
ADVANCE_FEN = 100_000
APPROVED_ON = date(2025, 4, 1)


@pytest.fixture
def programme():
    return policy.filing_programme()


@pytest.fixture
def world(programme):
    standards.add_standard(programme.code, None, None, STANDARD_FEN, date(2020, 1, 1), "测试标准", "测试")
    return {
        "school": factories.base("广州市技师学院", kind="technical_school", programmes=()),
        "enterprise": factories.enterprise("广州精工制造有限公司"),
    }


def filing_data(world, **changes) -> operations.FilingData:
    data = operations.FilingData(agency_id=world["school"].id, agreement_number="HZ-2025-001",
                                 agreement_signed_on=date(2025, 2, 20), plan_start=date(2025, 4, 15),
                                 plan_end=date(2025, 12, 31), planned_hours=400)
    return replace(data, **changes)


def terms(**changes) -> apprentices.ApprenticeTerms:
    data = apprentices.ApprenticeTerms(occupation_code="electrician", level=4, contract_start=date(2025, 1, 1),
                                      contract_end=date(2026, 12, 31), insurance_confirmed=True,
                                      insurance_checked_on=date(2025, 2, 1), training_agreement_on=date(2025, 2, 25))
    return replace(data, **changes)


def person(name: str, number: str | None = None) -> apprentices.PersonData:
    return apprentices.PersonData("resident_id", number or factories.id_number(), name, "urban")


def draft(world, people=("李学徒", "王学徒"), on=date(2025, 3, 3), **changes):
    filing = operations.create_filing(world["enterprise"], filing_data(world, **changes), on)
    for name in people:
        apprentices.add_apprentice(filing, person(name), terms(), on)
    return filing


def approved(world, people=("李学徒", "王学徒"), on=APPROVED_ON, **changes):
    filing = draft(world, people, **changes)
    operations.submit_filing(filing, date(2025, 3, 10))
    operations.approve_filing(filing, on, "区审核员")
    return filing


def assess(apprentice, result="passed", on=date(2026, 1, 5)):
    session = apprentice.enrollment.session
    session.status = "completed"
    record_result(apprentice.enrollment, ResultData(
        Decimal("400") if result == "passed" else Decimal("100"), result, None if result == "absent" else Decimal("80"),
        on, "skill_level" if result != "absent" else None), on=on)


def paid_claim(claim, on, reviewer="区审核员"):
    """Take a submitted claim through review (everyone approved), notice and payment."""
    workflow.start_review(claim, reviewer, on)
    for line in claim.lines:
        workflow.decide_line(line, "approved")
    workflow.decide(claim, on, reviewer)
    workflow.start_notice(claim, on)
    workflow.pay(claim, claim.notice_until + timedelta(days=1), "PZ-001", reviewer)
    return claim


# --- agencies -----------------------------------------------------------------------------------

def test_a_school_needs_no_recognition_but_an_institution_does(world, programme):
    filing = operations.create_filing(world["enterprise"], filing_data(world), date(2025, 3, 3))
    assert filing.status == "draft" and filing.number.startswith("BA2025-440106-")
    assert filing.district_id == world["enterprise"].district_id

    institution = factories.base("某职业培训学校", kind="training_institution", programmes=())
    with pytest.raises(DomainError, match="未获「企业新型学徒制」项目认定.*之四 二\\(二\\)") as error:
        operations.create_filing(world["enterprise"], filing_data(world, agency_id=institution.id), date(2025, 3, 3))
    assert error.value.field == "agency_id"
    org_ops.add_recognition(institution, programme.code, "city", date(2024, 1, 1))
    assert operations.create_filing(world["enterprise"], filing_data(world, agency_id=institution.id), date(2025, 3, 3))


def test_an_association_or_a_suspended_school_cannot_train_apprentices(world):
    association = factories.base("烹饪协会", kind="industry_association", programmes=())
    with pytest.raises(DomainError, match="技工院校、职业院校.*之四 二\\(二\\)"):
        operations.create_filing(world["enterprise"], filing_data(world, agency_id=association.id), date(2025, 3, 3))
    world["school"].status = "suspended"
    with pytest.raises(DomainError, match="状态为「暂停」"):
        operations.create_filing(world["enterprise"], filing_data(world), date(2025, 3, 3))


def test_eligible_agencies_lists_what_the_rule_accepts(world, programme):
    recognised = factories.base("已认定培训中心", kind="enterprise_centre", programmes=(programme.code,))
    factories.base("未认定培训中心", kind="enterprise_centre", programmes=())
    names = {b.name for b in operations.eligible_agencies(programme, date(2025, 3, 3))}
    assert {"广州市技师学院", recognised.name} <= names and "未认定培训中心" not in names


def test_plan_dates_and_hours_are_checked(world):
    with pytest.raises(DomainError, match="结束日期不能早于开始日期"):
        operations.create_filing(world["enterprise"], filing_data(world, plan_end=date(2025, 4, 1)), date(2025, 3, 3))
    with pytest.raises(DomainError, match="计划学时"):
        operations.create_filing(world["enterprise"], filing_data(world, planned_hours=0), date(2025, 3, 3))


# --- apprentices --------------------------------------------------------------------------------

def test_a_contract_shorter_than_twelve_months_is_refused(world):
    filing = draft(world, people=())
    with pytest.raises(DomainError, match="劳动合同期限不足 12 个月.*一年以上劳动合同.*之四 二\\(三\\)") as error:
        apprentices.add_apprentice(filing, person("短合同"), terms(contract_start=date(2025, 3, 1),
                                                                 contract_end=date(2026, 2, 27)), date(2025, 3, 3))
    assert error.value.field == "contract_end"
    # 2025-03-01 to 2026-02-28, both days included, is exactly twelve months.
    apprentice = apprentices.add_apprentice(filing, person("整一年"), terms(contract_start=date(2025, 3, 1),
                                                                          contract_end=date(2026, 2, 28)), date(2025, 3, 3))
    assert apprentice.id


def test_the_minimum_contract_follows_the_parameter_in_force(world):
    parameters.set_parameter("min_contract_months", 24, date(2025, 1, 1), "测试:新政策", "测试")
    filing = draft(world, people=())
    with pytest.raises(DomainError, match="不足 24 个月"):
        apprentices.add_apprentice(filing, person("两年内"), terms(contract_end=date(2026, 6, 30)), date(2025, 3, 3))


def test_social_insurance_must_be_confirmed(world):
    filing = draft(world, people=())
    with pytest.raises(DomainError, match="未确认学徒已依法在本市缴纳社会保险费.*之四 二\\(三\\)") as error:
        apprentices.add_apprentice(filing, person("未参保"), terms(insurance_confirmed=False), date(2025, 3, 3))
    assert error.value.field == "insurance_confirmed"


def test_the_training_agreement_date_is_required(world):
    filing = draft(world, people=())
    with pytest.raises(DomainError, match="培养协议"):
        apprentices.add_apprentice(filing, person("无协议"), terms(training_agreement_on=None), date(2025, 3, 3))


def test_occupation_and_level_must_be_the_programme_s(world):
    filing = draft(world, people=())
    with pytest.raises(DomainError, match="没有该职业") as error:
        apprentices.add_apprentice(filing, person("甲"), terms(occupation_code="housekeeper"), date(2025, 3, 3))
    assert error.value.field == "occupation_code"
    with pytest.raises(DomainError, match="可选等级"):
        apprentices.add_apprentice(filing, person("乙"), terms(level=9), date(2025, 3, 3))


def test_a_known_person_is_found_by_document_and_the_name_must_agree(world):
    trainee = factories.trainee("陈建国")
    filing = draft(world, people=())
    with pytest.raises(DomainError, match="姓名与该证件已登记的姓名") as error:
        apprentices.add_apprentice(filing, person("陈建华", trainee.document_number), terms(), date(2025, 3, 3))
    assert error.value.field == "name"
    apprentice = apprentices.add_apprentice(filing, person("陈建国", trainee.document_number), terms(), date(2025, 3, 3))
    assert apprentice.trainee_id == trainee.id
    with pytest.raises(DomainError, match="已在本备案中"):
        apprentices.add_apprentice(filing, person("陈建国", trainee.document_number), terms(level=3), date(2025, 3, 3))


def test_drafts_only_are_edited(world):
    filing = approved(world)
    with pytest.raises(DomainError, match="备案当前为「已备案」,不能再修改"):
        apprentices.add_apprentice(filing, person("迟到"), terms(), date(2025, 4, 2))
    with pytest.raises(DomainError, match="不能再修改"):
        apprentices.remove_apprentice(filing.apprentices[0])


# --- the exclusions of 004 之四 三(四) ------------------------------------------------------------

def test_no_retraining_at_the_same_occupation_and_level_after_passing(world):
    first = approved(world, people=("周合格",))
    passer = first.apprentices[0]
    assess(passer)
    later = draft(world, people=(), plan_start=date(2026, 3, 1), plan_end=date(2026, 12, 31))
    with pytest.raises(DomainError, match="已参加新型学徒培训并在「电工 四级/中级工」考核合格.*之四 三\\(四\\)"):
        apprentices.add_apprentice(later, person("周合格", passer.trainee.document_number), terms(), date(2026, 1, 20))
    # The next level up is a different training.
    assert apprentices.add_apprentice(later, person("周合格", passer.trainee.document_number), terms(level=3),
                                     date(2026, 1, 20))


def test_no_double_subsidy_with_a_training_claim_at_the_same_occupation_and_level(world):
    upgrading = next(p for p in catalogue.subsidised("session") if p.occupation("chinese_cook"))
    standards.add_standard(upgrading.code, None, None, 200_000, date(2020, 1, 1), "测试标准", "测试")
    base = factories.base(programmes=(upgrading.code,))
    cook = factories.trainee("黄厨师")
    session = factories.session(base, upgrading.code, "chinese_cook", 5, start_date=date(2025, 1, 6))
    factories.enrollment(session, cook, "passed")
    claim = workflow.open_claim("training", upgrading.code, factories.district(), "基地", date(2025, 2, 1),
                                base=base, session=session)
    workflow.add_line(claim, trainee_id=cook.id, occupation_code="chinese_cook", level=5, training_year=2025,
                      priced_on=date(2025, 1, 26))
    workflow.submit(claim, date(2025, 2, 1), date(2025, 3, 27), "测试", "基地")

    filing = draft(world, people=())
    cook_terms = terms(occupation_code="chinese_cook", level=5)
    with pytest.raises(DomainError, match=f"已在「{upgrading.name}」补贴申领 {claim.number}.*不能重复享受.*之四 三\\(四\\)"):
        apprentices.add_apprentice(filing, person("黄厨师", cook.document_number), cook_terms, date(2025, 3, 3))
    # Another level is another subsidy.
    assert apprentices.add_apprentice(filing, person("黄厨师", cook.document_number), replace(cook_terms, level=4),
                                     date(2025, 3, 3))


def test_a_refused_line_or_a_rejected_claim_frees_the_person(world):
    upgrading = next(p for p in catalogue.subsidised("session") if p.occupation("chinese_cook"))
    standards.add_standard(upgrading.code, None, None, 200_000, date(2020, 1, 1), "测试标准", "测试")
    base = factories.base(programmes=(upgrading.code,))
    cook, other = factories.trainee("黄厨师"), factories.trainee("林厨师")
    session = factories.session(base, upgrading.code, "chinese_cook", 5, start_date=date(2025, 1, 6))
    claim = workflow.open_claim("training", upgrading.code, factories.district(), "基地", date(2025, 2, 1),
                                base=base, session=session)
    for trainee in (cook, other):
        factories.enrollment(session, trainee, "passed")
        workflow.add_line(claim, trainee_id=trainee.id, occupation_code="chinese_cook", level=5, training_year=2025,
                          priced_on=date(2025, 1, 26))
    workflow.submit(claim, date(2025, 2, 1), date(2025, 3, 27), "测试", "基地")
    workflow.start_review(claim, "区审核员", date(2025, 2, 3))
    workflow.decide_line(claim.lines[0], "refused", "未取得证书")
    workflow.decide_line(claim.lines[1], "approved")
    workflow.decide(claim, date(2025, 2, 5), "区审核员")
    filing = draft(world, people=())
    cook_terms = terms(occupation_code="chinese_cook", level=5)
    assert apprentices.add_apprentice(filing, person("黄厨师", cook.document_number), cook_terms, date(2025, 3, 3))
    with pytest.raises(DomainError, match="不能重复享受"):
        apprentices.add_apprentice(filing, person("林厨师", other.document_number), cook_terms, date(2025, 3, 3))


def test_no_filing_in_a_year_of_the_one_off_special_subsidy(world):
    enterprise = world["enterprise"]
    operations.record_special_grant(enterprise, 2025, "穗人社发〔2025〕1号", date(2025, 1, 10))
    with pytest.raises(DomainError, match="2025 年已申领或列入一次性特别培训补助计划,不得再报当年度新型学徒培训项目.*之四 三\\(四\\)"):
        operations.create_filing(enterprise, filing_data(world), date(2025, 3, 3))
    # Another year's plan may be filed.
    assert operations.create_filing(enterprise, filing_data(world, plan_start=date(2026, 1, 5),
                                                            plan_end=date(2026, 12, 31)), date(2025, 3, 3))
    with pytest.raises(DomainError, match="已登记"):
        operations.record_special_grant(enterprise, 2025, "", date(2025, 1, 10))


def test_a_special_subsidy_recorded_after_the_draft_stops_the_submission(world):
    filing = draft(world)
    operations.record_special_grant(world["enterprise"], 2025, "", date(2025, 3, 5))
    with pytest.raises(DomainError, match="不得再报当年度新型学徒培训项目"):
        operations.submit_filing(filing, date(2025, 3, 10))
    grant = db.session.scalar(select(SpecialSubsidyGrant))
    with pytest.raises(DomainError, match="删除须填写原因"):
        operations.remove_special_grant(grant, "")
    operations.remove_special_grant(grant, "误登记")
    assert operations.submit_filing(filing, date(2025, 3, 10)).status == "submitted"


def test_one_person_is_not_in_two_live_filings_at_the_same_occupation_and_level(world):
    first = approved(world, people=("吴双份",))
    other_enterprise = factories.enterprise("另一家企业")
    second = operations.create_filing(other_enterprise, filing_data(world), date(2025, 3, 3))
    with pytest.raises(DomainError, match=f"已列入「广州精工制造有限公司」的学徒备案 {first.number}"):
        apprentices.add_apprentice(second, person("吴双份", first.apprentices[0].trainee.document_number), terms(),
                                  date(2025, 4, 5))


# --- submission and the review's due date -------------------------------------------------------

def test_the_due_date_counts_thirty_working_days_across_national_day(world):
    """Submitted Friday 2025-09-26. 国庆/中秋 2025: 10-01 … 10-08 off; Sunday 09-28 and Saturday 10-11
    worked. Working days: 09-28, 09-29, 09-30 (3), 10-09, 10-10, 10-11 (6), 10-13 … 10-17 (11),
    10-20 … 10-24 (16), 10-27 … 10-31 (21), 11-03 … 11-07 (26), 11-10, 11-11, 11-12, 11-13 (30)."""
    filing = draft(world, plan_start=date(2025, 10, 20), plan_end=date(2026, 6, 30))
    operations.submit_filing(filing, date(2025, 9, 26))
    assert filing.status == "submitted" and filing.submitted_on == date(2025, 9, 26)
    assert filing.review_due_on == date(2025, 11, 13) and not filing.due_date_estimated
    clock = operations.review_clock(filing, date(2025, 11, 13))
    assert not clock.overdue and clock.warning == ""
    assert operations.review_clock(filing, date(2025, 11, 14)).overdue


def test_the_due_date_counts_thirty_working_days_across_the_spring_festival(world):
    """Submitted Tuesday 2026-02-10. 春节 2026: 02-15 … 02-23 off; Saturdays 02-14 and 02-28 worked.
    Working days: 02-11, 02-12, 02-13, 02-14 (4), 02-24 … 02-27 (8), 02-28 (9), 03-02 … 03-06 (14),
    03-09 … 03-13 (19), 03-16 … 03-20 (24), 03-23 … 03-27 (29), 03-30 (30)."""
    filing = draft(world, plan_start=date(2026, 3, 2), plan_end=date(2026, 12, 31))
    with time_machine.travel(date(2026, 2, 10)):
        operations.submit_filing(filing, date(2026, 2, 10))
    assert filing.review_due_on == date(2026, 3, 30) and not filing.due_date_estimated


def test_a_year_the_holiday_calendar_does_not_cover_gives_an_estimate(world):
    """2027's holidays are not published: Monday 2027-03-01 + 30 weekdays = Monday 2027-04-12, flagged."""
    filing = draft(world, plan_start=date(2027, 3, 15), plan_end=date(2027, 12, 31))
    operations.submit_filing(filing, date(2027, 3, 1))
    assert filing.review_due_on == date(2027, 4, 12) and filing.due_date_estimated
    assert "估算" in operations.review_clock(filing, date(2027, 3, 2)).warning


def test_a_submission_needs_apprentices_and_is_submitted_once(world):
    empty = draft(world, people=())
    with pytest.raises(DomainError, match="请先添加学徒"):
        operations.submit_filing(empty, date(2025, 3, 10))
    filing = draft(world)
    operations.submit_filing(filing, date(2025, 3, 10))
    with pytest.raises(DomainError, match="不能再修改"):
        operations.submit_filing(filing, date(2025, 3, 11))


def test_a_rejected_filing_says_why_and_frees_its_people(world):
    filing = draft(world, people=("郑退回",))
    operations.submit_filing(filing, date(2025, 3, 10))
    with pytest.raises(DomainError, match="不予备案须填写理由"):
        operations.reject_filing(filing, date(2025, 3, 20), "区审核员", " ")
    operations.reject_filing(filing, date(2025, 3, 20), "区审核员", "培训方案与岗位不符")
    assert filing.status == "rejected" and filing.decision_note == "培训方案与岗位不符"
    assert not operations.review_clock(filing, date(2025, 6, 1)).overdue
    with pytest.raises(DomainError, match="只能审核待审核的备案"):
        operations.approve_filing(filing, date(2025, 3, 21), "区审核员")
    again = draft(world, people=())
    assert apprentices.add_apprentice(again, person("郑退回", filing.apprentices[0].trainee.document_number), terms(),
                                     date(2025, 3, 25))
    with pytest.raises(DomainError, match="备案未通过"):
        apprentices.report_leaving(filing.apprentices[0], date(2025, 3, 21), "离职", date(2025, 3, 22))


# --- approval: the plan -------------------------------------------------------------------------

def test_approval_puts_the_apprentices_in_plan_sessions_at_the_agency(world):
    filing = draft(world, people=("甲电工", "乙电工"))
    apprentices.add_apprentice(filing, person("丙焊工"), terms(occupation_code="welder", level=5), date(2025, 3, 3))
    operations.submit_filing(filing, date(2025, 3, 10))
    operations.approve_filing(filing, APPROVED_ON, "区审核员", "材料齐备")
    assert filing.status == "approved" and filing.decided_on == APPROVED_ON and filing.decided_by == "区审核员"
    sessions = operations.plan_sessions(filing)
    assert [(s.occupation_code, s.level, s.capacity) for s in sessions] == [("electrician", 4, 2), ("welder", 5, 1)]
    for session in sessions:
        assert session.kind == "apprentice" and session.base_id == world["school"].id
        assert session.enterprise_id == world["enterprise"].id and session.programme_code == filing.programme_code
        assert (session.start_date, session.end_date, session.planned_hours) == (filing.plan_start, filing.plan_end, 400)
    for apprentice in filing.apprentices:
        assert apprentice.enrollment.session.occupation_code == apprentice.occupation_code
        assert apprentices.in_plan(apprentice)


def test_approval_rechecks_the_exclusions(world):
    filing = draft(world, people=("刘复核",))
    operations.submit_filing(filing, date(2025, 3, 10))
    operations.record_special_grant(world["enterprise"], 2025, "", date(2025, 3, 12))
    with pytest.raises(DomainError, match="一次性特别培训补助"):
        operations.approve_filing(filing, APPROVED_ON, "区审核员")


# --- training start and leaving -----------------------------------------------------------------

def test_training_starting_after_sixty_days_is_flagged(world):
    filing = approved(world)
    assert operations.start_window_closes(filing) == APPROVED_ON + timedelta(days=60)
    assert operations.training_start_flag(filing, APPROVED_ON + timedelta(days=60)) == ""
    assert "未登记开训" in operations.training_start_flag(filing, APPROVED_ON + timedelta(days=61))
    operations.record_training_start(filing, APPROVED_ON + timedelta(days=60), date(2025, 6, 5))
    assert operations.training_start_flag(filing, date(2025, 6, 5)) == ""
    operations.record_training_start(filing, APPROVED_ON + timedelta(days=61), date(2025, 6, 5))
    assert "晚于备案后 60 天(2025-05-31)" in operations.training_start_flag(filing, date(2025, 6, 5))
    with pytest.raises(DomainError, match="不能晚于今天"):
        operations.record_training_start(filing, date(2025, 6, 6), date(2025, 6, 5))


def test_a_leaving_report_on_day_fifteen_is_on_time_and_day_sixteen_is_flagged(world):
    filing = approved(world, people=("按时报", "迟报"))
    on_time, late = filing.apprentices
    apprentices.report_leaving(on_time, date(2025, 6, 1), "个人原因", date(2025, 6, 16))
    apprentices.report_leaving(late, date(2025, 6, 1), "个人原因", date(2025, 6, 17))
    assert apprentices.leaving_report_flag(on_time) == ""
    assert apprentices.leaving_report_flag(late) == "离职后第 16 天才报告,超过 15 日报告期限(穗人社函〔2020〕22号 之四 二(三))"
    assert on_time.left_reported_on == date(2025, 6, 16) and on_time.leaving_reason == "个人原因"
    assert on_time.enrollment.status == "withdrawn" and on_time.enrollment.withdrawn_on == date(2025, 6, 1)
    assert not apprentices.in_plan(on_time)
    with pytest.raises(DomainError, match="已于 2025-06-01 报告离职"):
        apprentices.report_leaving(on_time, date(2025, 6, 1), "个人原因", date(2025, 6, 18))


def test_an_apprentice_who_reported_leaving_stays_withdrawn_from_the_class(world):
    from registry.domain.training import operations as training

    filing = approved(world, people=("回不来",))
    apprentice = filing.apprentices[0]
    apprentices.report_leaving(apprentice, date(2025, 6, 1), "个人原因", date(2025, 6, 2))
    with pytest.raises(DomainError, match="回不来:该学徒已于 2025-06-01 报告离职,不能撤销退训"):
        training.cancel_withdrawal(apprentice.enrollment, "误操作")
    assert apprentice.enrollment.status == "withdrawn" and not apprentices.in_plan(apprentice)

def test_a_leaving_report_is_checked(world):
    filing = approved(world, people=("钱离职",))
    apprentice = filing.apprentices[0]
    with pytest.raises(DomainError, match="请填写离职原因"):
        apprentices.report_leaving(apprentice, date(2025, 6, 1), " ", date(2025, 6, 2))
    with pytest.raises(DomainError, match="不能晚于今天"):
        apprentices.report_leaving(apprentice, date(2025, 6, 3), "个人原因", date(2025, 6, 2))
    assess(apprentice)
    with pytest.raises(DomainError, match="已有考核结果"):
        apprentices.report_leaving(apprentice, date(2026, 1, 10), "个人原因", date(2026, 1, 11))
    with pytest.raises(DomainError, match="请直接删除"):
        apprentices.report_leaving(draft(world, people=("草稿",)).apprentices[0], date(2025, 3, 1), "x", date(2025, 3, 2))


# --- the advance --------------------------------------------------------------------------------

def test_the_advance_may_be_claimed_on_day_sixty_but_not_sixty_one(world):
    filing = approved(world)
    with pytest.raises(DomainError, match="预支申请期已于 2025-05-31 截止.*之四 二\\(五\\).*60 天内.*20%"):
        filing_claims.open_advance_claim(filing, APPROVED_ON + timedelta(days=61), "企业")
    claim = filing_claims.open_advance_claim(filing, APPROVED_ON + timedelta(days=60), "企业")
    assert claim.kind == "advance" and claim.filing_id == filing.id and claim.enterprise_id == filing.enterprise_id
    assert [line.amount_fen for line in claim.lines] == [ADVANCE_FEN, ADVANCE_FEN]
    filing_claims.submit_claim(claim, APPROVED_ON + timedelta(days=60), "企业")
    assert claim.status == "submitted" and claim.claimed_fen == 2 * ADVANCE_FEN


def test_a_draft_advance_submitted_after_the_window_is_refused(world):
    filing = approved(world)
    claim = filing_claims.open_advance_claim(filing, date(2025, 5, 30), "企业")
    with pytest.raises(DomainError, match="申领期已于 2025-05-31 截止"):
        filing_claims.submit_claim(claim, date(2025, 6, 1), "企业")


def test_the_advance_counts_apprentices_still_in_plan_at_the_approval_day_s_standard(world, programme):
    filing = approved(world, people=("留下", "走了"))
    apprentices.report_leaving(filing.apprentices[1], date(2025, 4, 20), "离职", date(2025, 4, 21))
    # A later standard and percentage do not change a filing approved before them.
    standards.add_standard(programme.code, None, None, 800_000, date(2025, 5, 1), "新标准", "测试")
    parameters.set_parameter("advance_percent", 30, date(2025, 5, 1), "测试:新比例", "测试")
    claim = filing_claims.open_advance_claim(filing, date(2025, 5, 10), "企业")
    assert [(line.trainee.name, line.amount_fen) for line in claim.lines] == [("留下", ADVANCE_FEN)]
    assert [(e.apprentice.trainee.name, e.reason) for e in filing_claims.exclusions(claim)] == [
        ("走了", "已于 2025-04-20 离职")]
    with pytest.raises(DomainError, match="已有预支申请"):
        filing_claims.open_advance_claim(filing, date(2025, 5, 10), "企业")


def test_an_unapproved_filing_has_no_claims(world):
    filing = draft(world)
    with pytest.raises(DomainError, match="只有已备案"):
        filing_claims.open_advance_claim(filing, date(2025, 3, 5), "企业")
    with pytest.raises(DomainError, match="只有已备案"):
        filing_claims.open_final_claim(filing, date(2026, 1, 5), "企业")


# --- the final claim ----------------------------------------------------------------------------

def _paid_advance(filing, on=date(2025, 5, 10)):
    claim = filing_claims.open_advance_claim(filing, on, "企业")
    filing_claims.submit_claim(claim, on, "企业")
    return paid_claim(claim, on + timedelta(days=2))


def test_the_final_claim_counts_those_who_passed_and_deducts_the_advance(world):
    filing = approved(world, people=("合格一", "合格二", "不合格", "离职"))
    _paid_advance(filing)
    assert filing_claims.advance_paid(filing) == 4 * ADVANCE_FEN
    first, second, failed, leaver = filing.apprentices
    apprentices.report_leaving(leaver, date(2025, 9, 1), "离职", date(2025, 9, 3))
    assess(first), assess(second), assess(failed, "failed")

    with pytest.raises(DomainError, match="2025-12-31 结束,完成全部培训任务后方可申请"):
        filing_claims.open_final_claim(filing, date(2025, 12, 30), "企业")
    claim = filing_claims.open_final_claim(filing, date(2026, 1, 10), "企业")
    assert [line.trainee.name for line in claim.lines] == ["合格一", "合格二"]
    assert all(line.amount_fen == STANDARD_FEN for line in claim.lines)
    assert claim.deduction_fen == 4 * ADVANCE_FEN
    reasons = {e.apprentice.trainee.name: e.reason for e in filing_claims.exclusions(claim)}
    assert reasons["离职"] == "已于 2025-09-01 离职" and reasons["不合格"].startswith("考核结果:不合格")

    filing_claims.submit_claim(claim, date(2026, 1, 10), "企业")
    paid_claim(claim, date(2026, 1, 20))
    totals = workflow.totals(claim)
    assert totals.approved == 2 * STANDARD_FEN and totals.payable == 2 * STANDARD_FEN - 4 * ADVANCE_FEN
    assert totals.paid == totals.payable
    money = filing_claims.settlement(filing)
    assert money.advance_paid == 4 * ADVANCE_FEN and money.owed_back == 2 * ADVANCE_FEN
    assert sorted(why for _, _, why in money.owed_back_people) == ["已于 2025-09-01 离职", "考核不合格"]
    assert money.final_payable == 600_000 and money.enterprise_owes == 0


def test_a_final_payable_below_zero_is_what_the_enterprise_pays_back(world):
    people = ("唯一合格",) + tuple(f"未合格{n}" for n in "一二三四五")
    filing = approved(world, people=people)
    _paid_advance(filing)
    for apprentice in filing.apprentices:
        assess(apprentice, "passed" if apprentice.trainee.name == "唯一合格" else "failed")
    claim = filing_claims.open_final_claim(filing, date(2026, 1, 10), "企业")
    filing_claims.submit_claim(claim, date(2026, 1, 10), "企业")
    entry = paid_claim(claim, date(2026, 1, 20)).entries[-1]
    # 5,000 for the one who passed, less the 6 × 1,000 advanced.
    assert workflow.totals(claim).payable == -100_000
    assert filing_claims.payable_text(workflow.totals(claim).payable) == "企业应退回 1,000.00 元"
    assert entry.kind == "paid" and entry.amount_fen == -100_000 and "应退回 1,000.00 元" in entry.note
    money = filing_claims.settlement(filing)
    assert money.owed_back == 5 * ADVANCE_FEN and money.enterprise_owes == 100_000


def test_the_final_claim_window_closes_sixty_days_after_training_ends(world):
    filing = approved(world, people=("准时",))
    assess(filing.apprentices[0])
    with pytest.raises(DomainError, match="申领期已于 2026-03-01 截止.*之四 二\\(七\\)"):
        filing_claims.open_final_claim(filing, date(2026, 3, 2), "企业")
    assert filing_claims.open_final_claim(filing, date(2026, 3, 1), "企业")


def test_the_sessions_end_moves_the_final_window(world):
    filing = approved(world, people=("延期",))
    assess(filing.apprentices[0])
    filing.apprentices[0].enrollment.session.end_date = date(2026, 1, 31)
    db.session.flush()
    assert filing_claims.training_end(filing) == date(2026, 1, 31)
    assert filing_claims.final_window(filing).closes == date(2026, 4, 1)


def test_the_final_claim_waits_for_a_pending_advance(world):
    filing = approved(world, people=("等预支",))
    advance = filing_claims.open_advance_claim(filing, date(2025, 5, 10), "企业")
    filing_claims.submit_claim(advance, date(2025, 5, 10), "企业")
    assess(filing.apprentices[0])
    with pytest.raises(DomainError, match=f"预支申请 {advance.number} 尚未办结"):
        filing_claims.open_final_claim(filing, date(2026, 1, 10), "企业")


def test_nobody_passed_no_final_claim_and_the_advance_is_owed_back(world):
    filing = approved(world, people=("未过一", "未过二"))
    _paid_advance(filing)
    for apprentice in filing.apprentices:
        assess(apprentice, "failed")
    with pytest.raises(DomainError, match="没有考核合格的学徒.*已预支的 2,000.00 元应退回"):
        filing_claims.open_final_claim(filing, date(2026, 1, 10), "企业")
    assert filing_claims.settlement(filing).owed_back == 2 * ADVANCE_FEN


def test_reviewers_see_people_beyond_the_passes_and_who_left(world):
    filing = approved(world, people=("真合格", "后改不合格", "离职者"))
    first, second, leaver = filing.apprentices
    apprentices.report_leaving(leaver, date(2025, 9, 1), "离职", date(2025, 9, 30))
    assess(first), assess(second)
    claim = filing_claims.open_final_claim(filing, date(2026, 1, 10), "企业")
    filing_claims.submit_claim(claim, date(2026, 1, 10), "企业")
    assert filing_claims.review_notes(claim).warnings == []
    # The agency corrects a result after the claim was submitted.
    second.enrollment.result = "failed"
    db.session.flush()
    notes = filing_claims.review_notes(claim)
    assert "申领 2 人,超过本备案考核合格学徒 1 人" in notes.warnings[0]
    flagged = {line.trainee.name: flags for line in claim.lines if (flags := notes.lines.get(line.id))}
    assert flagged == {"后改不合格": ["考核结果:不合格"]}
    assert [a.trainee.name for a in notes.left] == ["离职者"]
    assert "离职后第 29 天才报告" in apprentices.leaving_report_flag(leaver)


# --- reports ------------------------------------------------------------------------------------

def test_the_progress_report_counts_as_of_the_cut_off(world):
    filing = approved(world, people=("甲学徒", "乙学徒", "丙学徒"))
    _paid_advance(filing)
    apprentices.report_leaving(filing.apprentices[2], date(2025, 6, 10), "离职", date(2025, 6, 12))
    other_district = factories.enterprise("白云企业", district_code="440111")
    rejected = operations.create_filing(other_district, filing_data(world), date(2025, 3, 3))
    apprentices.add_apprentice(rejected, person("丁学徒"), terms(), date(2025, 3, 3))
    operations.submit_filing(rejected, date(2025, 3, 4))
    operations.reject_filing(rejected, date(2025, 3, 20), "白云审核员", "材料不齐")
    for apprentice in filing.apprentices[:2]:
        assess(apprentice, on=date(2025, 11, 20))

    assert reports.progress_cutoffs(2025) == [date(2025, 6, 5), date(2025, 12, 5)]
    june = {row.district: row for row in reports.progress(2025, date(2025, 6, 5))}
    tianhe, baiyun = june["天河区"], june["白云区"]
    assert (tianhe.enterprises, tianhe.filings_approved, tianhe.apprentices, tianhe.left, tianhe.passed) == (1, 1, 3, 0, 0)
    assert tianhe.advance_paid_fen == 3 * ADVANCE_FEN and tianhe.final_paid_fen == 0
    assert (baiyun.enterprises, baiyun.filings_approved, baiyun.apprentices) == (1, 0, 0)
    december = {row.district: row for row in reports.progress(2025, date(2025, 12, 5))}
    assert (december["天河区"].left, december["天河区"].passed) == (1, 2)
    only = reports.progress(2025, date(2025, 12, 5), world["enterprise"].district_id)
    assert [row.district for row in only] == ["天河区"]

    book = load_workbook(io.BytesIO(reports.progress_workbook(2025, date(2025, 12, 5), "全市", date(2025, 12, 5))))
    sheet = book["进展情况表"]
    assert [c.value for c in sheet[1]][:3] == ["区", "备案企业数(家)", "通过备案数(份)"]
    assert sheet.freeze_panes == "A2"
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[0] == "合计" and last[1:6] == [2, 1, 3, 1, 2] and last[6] == 3000
    assert "12月5日" in " ".join(str(c.value) for row in book["说明"].iter_rows() for c in row)


def test_the_year_end_directories_list_enterprises_and_agencies(world):
    filing = approved(world, people=("甲学徒", "乙学徒"))
    apprentices.report_leaving(filing.apprentices[1], date(2025, 6, 10), "离职", date(2025, 6, 12))
    draft(world, people=("草稿人",))
    assert reports.enterprise_directory(2025) == [
        [1, "广州精工制造有限公司", world["enterprise"].credit_code, "天河区", 1, 2, "电工 四级/中级工 2人"]]
    agencies = reports.agency_directory(2025)
    assert agencies == [[1, "广州市技师学院", world["school"].credit_code, "技工院校", "天河区", 1, 2,
                         "电工 四级/中级工 2人"]]
    assert reports.enterprise_directory(2024) == [] and reports.enterprise_directory(2025, 999) == []
    book = load_workbook(io.BytesIO(reports.directories_workbook(2025, "天河区", date(2025, 12, 15))))
    assert book.sheetnames == ["企业目录", "培训机构目录", "说明"]
    assert book["企业目录"]["C2"].value == world["enterprise"].credit_code
    assert book["企业目录"]["A3"].value == "合计"


def test_plan_enrollments_are_real_rows(world):
    filing = approved(world, people=("实名",))
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.id == filing.apprentices[0].enrollment_id))
    assert enrollment.session.kind == "apprentice"
    assert db.session.scalar(select(TrainingSession.capacity).where(TrainingSession.id == enrollment.session_id)) == 1


def test_the_demo_shows_every_stage(world):
    from registry.domain.apprenticeships.demo import load_demo
    from registry.domain.common import today

    others = [factories.enterprise(f"演示企业{n}") for n in "一二"]
    counts = load_demo([world["enterprise"], *others], world["school"], today(),
                       special_grant_enterprise=factories.enterprise("困难企业"))
    assert counts["学徒制备案"] == 5 and counts["一次性特别培训补助登记"] == 1
    filings = db.session.scalars(select(operations.ApprenticeshipFiling).order_by(operations.ApprenticeshipFiling.id)).all()
    assert [f.status for f in filings] == ["approved", "approved", "submitted", "draft", "rejected"]
    done = filings[0]
    money = filing_claims.settlement(done)
    assert money.advance_paid == 4 * ADVANCE_FEN and money.owed_back == 2 * ADVANCE_FEN
    assert money.final_claim.status == "submitted" and money.final_claim.deduction_fen == 4 * ADVANCE_FEN
    assert "超过 15 日报告期限" in apprentices.leaving_report_flag(done.apprentices[0])
    assert operations.review_clock(filings[2], today()).overdue
