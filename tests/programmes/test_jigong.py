"""广东技工: majors, cohorts as 学制班 sessions, students' outcomes to graduation, 双证 and 留本市就业 —
every rule and its boundary days, each role's access (another school's records by URL → 404), bad
input (a Chinese message naming the field, nothing saved), and the landing page's panel and measures."""
from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from registry.blueprints.jigong import cohorts as cohort_ops
from registry.blueprints.jigong import figures
from registry.blueprints.jigong import majors as major_ops
from registry.blueprints.jigong.models import Cohort, Destination, Major, Standing
from registry.blueprints.jigong.rules import CODE, PROGRAMME
from registry.domain.catalogue import Occupation
from registry.domain.certificates.models import Certificate
from registry.domain.errors import DomainError
from registry.domain.reconciliation import figures as reconciliation
from registry.domain.training import operations as training
from registry.domain.training.models import Enrollment, TrainingSession
from registry.domain.training.results import ResultData, record_result
from registry.extensions import db
from tests import factories

A, B = "440106", "440111"  # 天河区, 白云区
TODAY = date(2026, 7, 20)
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def clock():
    """The registry's day is TODAY (noon in Guangzhou) throughout."""
    with time_machine.travel(datetime(2026, 7, 20, 4, 0, tzinfo=timezone.utc), tick=False):
        yield


@pytest.fixture
def world():
    w = {
        "school_a": factories.base("天河技师学院", A, programmes=(CODE,), kind="technical_school"),
        "school_b": factories.base("白云技工学校", B, programmes=(CODE,), kind="technical_school"),
        "institution": factories.base("天河职业培训学校", A, programmes=(CODE,)),
        "enterprise": factories.enterprise("天河电气有限公司", A),
    }
    factories.user("j_city", "city")
    factories.user("j_district_a", "district", district_id=factories.district(A).id)
    factories.user("j_district_b", "district", district_id=factories.district(B).id)
    factories.user("j_school_a", "base", base_id=w["school_a"].id)
    factories.user("j_school_b", "base", base_id=w["school_b"].id)
    factories.user("j_institution", "base", base_id=w["institution"].id)
    factories.user("j_enterprise", "enterprise", enterprise_id=w["enterprise"].id)
    db.session.commit()
    return w


def major_data(**changes) -> major_ops.MajorData:
    data = dict(code=f"04{next(_serial):02d}", name="电气自动化设备安装与维修", occupation_code="electrician", level=4,
                years=2, total_hours=2400, key_major_year=None, featured_major_year=None)
    data.update(changes)
    return major_ops.MajorData(**data)


def person(name: str):
    return factories.trainee(name, document_number=factories.id_number(date(2008, 1 + next(_serial) % 12, 1 + next(_serial) % 28)))


def cohort_with_students(school, intake=2024, size=3, start=True, **major_changes):
    """A cohort of a 2-year major (2024-09-01 to 2026-06-30 by default) with students, in progress."""
    major = major_ops.add_major(school, major_data(**major_changes), TODAY)
    cohort = cohort_ops.plan_cohort(major, intake, 30, TODAY)
    enrollments = [training.enrol(cohort.session, person(f"学生{'甲乙丙丁戊己庚辛'[i]}")) for i in range(size)]
    if start:
        training.move_session(cohort.session, "open", TODAY)
        training.move_session(cohort.session, "in_progress", TODAY)
    return cohort, enrollments


def graduate(cohort, enrollment, on=date(2026, 6, 28), number=None):
    return cohort_ops.record_outcome(cohort, enrollment, cohort_ops.OutcomeData(
        "graduated", on, number or f"D2026{next(_serial):06d}"), TODAY)


def certificate(trainee, occupation="electrician", issued_on=date(2026, 5, 10), certificate_type="skill_level",
                status="valid", base=None):
    """A certificate held by the person, from a separate assessment session."""
    base = base or factories.base(programmes=(CODE,))
    session = factories.session(base, CODE, occupation, 4, start_date=issued_on - timedelta(days=30),
                                end_date=issued_on - timedelta(days=5))
    record = Certificate(number=f"TESTJG{next(_serial):08d}", certificate_type=certificate_type, session_id=session.id,
                         trainee_id=trainee.id, base_id=base.id, programme_code=CODE, occupation_code=occupation,
                         occupation_name=occupation, level=4, issued_on=issued_on, status=status, key_id="test",
                         signature="test")
    db.session.add(record)
    db.session.flush()
    return record


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def error_beside(html: str, field: str) -> str:
    match = re.search(rf'data-field="{field}">([^<]+)<', html)
    return match.group(1) if match else ""


def sign_in(client, username):
    client.post("/auth/logout")
    factories.login(client, username)


# --- majors -----------------------------------------------------------------------------------

def test_a_major_records_its_occupation_level_length_and_province_flags(world):
    major = major_ops.add_major(world["school_a"], major_data(code=" 0104 ", key_major_year=2021,
                                                              featured_major_year=2026), TODAY)
    assert (major.code, major.level_name, major.years, major.occupation_name) == ("0104", "中级工", 2, "电工")
    assert (major.key_major_year, major.featured_major_year, major.is_current) == (2021, 2026, True)


@pytest.mark.parametrize("changes, field, message", [
    ({"code": "0"}, "code", "专业代码应为 2 至 16 位"),
    ({"code": "01 04"}, "code", "专业代码应为"),
    ({"name": "  "}, "name", "请填写专业名称"),
    ({"occupation_code": "chinese_cook"}, "occupation_code", "请选择本专业对应的职业"),
    ({"level": 5}, "level", "培养层次应为"),
    ({"years": 0}, "years", "学制应为 1 至 6 年"),
    ({"years": 7}, "years", "学制应为 1 至 6 年"),
    ({"years": None}, "years", "学制应为 1 至 6 年"),
    ({"total_hours": 0}, "total_hours", "教学计划总学时"),
    ({"key_major_year": 1999}, "key_major_year", "省级重点专业认定年份应在 2000 至 2026 年之间"),
    ({"featured_major_year": 2027}, "featured_major_year", "省级特色专业认定年份应在 2000 至 2026 年之间"),
])
def test_a_major_refuses_bad_fields_naming_them(world, changes, field, message):
    with pytest.raises(DomainError, match=message) as caught:
        major_ops.add_major(world["school_a"], major_data(**changes), TODAY)
    assert caught.value.field == field


def test_boundary_years_of_the_flags_and_the_length_are_accepted(world):
    major = major_ops.add_major(world["school_a"], major_data(years=6, key_major_year=2000, featured_major_year=2026,
                                                              total_hours=1), TODAY)
    assert major.years == 6
    assert major_ops.add_major(world["school_a"], major_data(years=1), TODAY).years == 1


def test_the_level_must_be_one_the_occupation_is_assessed_at(world, monkeypatch):
    monkeypatch.setattr(PROGRAMME, "occupations", PROGRAMME.occupations + (Occupation("helper", "辅助工", (5, 4)),))
    with pytest.raises(DomainError, match="没有「高级工」层次") as caught:
        major_ops.add_major(world["school_a"], major_data(occupation_code="helper", level=3), TODAY)
    assert caught.value.field == "level"


def test_only_technical_and_vocational_schools_run_majors(world):
    with pytest.raises(DomainError, match="只有技工院校、职业院校登记专业"):
        major_ops.add_major(world["institution"], major_data(), TODAY)
    vocational = factories.base("天河职业学校", A, programmes=(CODE,), kind="vocational_school")
    assert major_ops.add_major(vocational, major_data(), TODAY).base_id == vocational.id


def test_a_school_has_one_major_per_code_and_level(world):
    major_ops.add_major(world["school_a"], major_data(code="0401", level=4), TODAY)
    with pytest.raises(DomainError, match="本校已登记专业代码 0401 的「中级工」层次") as caught:
        major_ops.add_major(world["school_a"], major_data(code="0401", level=4), TODAY)
    assert caught.value.field == "code"
    assert major_ops.add_major(world["school_a"], major_data(code="0401", level=3), TODAY).level == 3
    assert major_ops.add_major(world["school_b"], major_data(code="0401", level=4), TODAY).base_id == world["school_b"].id


def test_once_a_major_has_cohorts_only_its_name_and_flags_change(world):
    cohort, _ = cohort_with_students(world["school_a"])
    major = cohort.major
    for field, value in (("occupation_code", "welder"), ("years", 3), ("total_hours", 1000), ("level", 3),
                         ("code", "9999")):
        data = major_data(**{"code": major.code, field: value}) if field != "code" else major_data(code=value)
        with pytest.raises(DomainError, match="已有学制班") as caught:
            major_ops.update_major(major, data, TODAY)
        assert caught.value.field == field
    major_ops.update_major(major, major_data(code=major.code, name="电气自动化(新)", key_major_year=2025), TODAY)
    assert (major.name, major.key_major_year) == ("电气自动化(新)", 2025)


def test_ending_a_major_keeps_it_and_stops_its_intakes(world):
    cohort, _ = cohort_with_students(world["school_a"], intake=2024)
    major = cohort.major
    with pytest.raises(DomainError, match="停办日期不能为空或晚于今天"):
        major_ops.end_major(major, TODAY + timedelta(days=1), "调整", TODAY)
    with pytest.raises(DomainError, match="停办日期不能早于 2024 年"):
        major_ops.end_major(major, date(2023, 12, 31), "调整", TODAY)
    with pytest.raises(DomainError, match="请填写停办原因") as caught:
        major_ops.end_major(major, TODAY, " ", TODAY)
    assert caught.value.field == "end_reason"
    major_ops.end_major(major, TODAY, "对接产业需求调整专业设置", TODAY)
    assert db.session.get(Major, major.id).ended_on == TODAY
    with pytest.raises(DomainError, match="已于 2026-07-20 停办"):
        major_ops.end_major(major, TODAY, "再次", TODAY)
    with pytest.raises(DomainError, match="停办,不能再招生") as caught:
        cohort_ops.plan_cohort(major, 2026, 30, TODAY)
    assert caught.value.field == "major_id"
    with pytest.raises(DomainError, match="停办,不能修改"):
        major_ops.update_major(major, major_data(code=major.code), TODAY)
    assert cohort.session.status == "in_progress", "the cohort in school carries on"


def test_ending_on_the_first_day_of_the_latest_intake_year_is_allowed(world):
    cohort, _ = cohort_with_students(world["school_a"], intake=2024)
    major_ops.end_major(cohort.major, date(2024, 1, 1), "调整", TODAY)
    assert cohort.major.ended_on == date(2024, 1, 1)


# --- cohorts ------------------------------------------------------------------------------------

def test_a_cohort_plans_a_degree_session_from_its_major_and_intake_year(world):
    major = major_ops.add_major(world["school_a"], major_data(years=3, total_hours=3300, level=3), TODAY)
    cohort = cohort_ops.plan_cohort(major, 2026, 45, TODAY)
    session = db.session.get(TrainingSession, cohort.session_id)
    assert (session.kind, session.programme_code, session.occupation_code, session.level) == ("degree", CODE, "electrician", 3)
    assert (session.start_date, session.end_date) == (date(2026, 9, 1), date(2029, 6, 30))
    assert (session.planned_hours, session.capacity, session.status, session.base_id) == (3300, 45, "planned",
                                                                                          world["school_a"].id)
    assert cohort.label == "电气自动化设备安装与维修(高级工)2026级"


@pytest.mark.parametrize("intake, capacity, field, message", [
    (1999, 30, "intake_year", "入学年度应在 2000 至 2027 年之间"),
    (2028, 30, "intake_year", "入学年度应在 2000 至 2027 年之间"),
    (None, 30, "intake_year", "入学年度"),
    (2026, 0, "capacity", "招生人数"),
    (2026, 2001, "capacity", "招生人数"),
])
def test_a_cohort_refuses_bad_intake_years_and_capacities(world, intake, capacity, field, message):
    major = major_ops.add_major(world["school_a"], major_data(), TODAY)
    with pytest.raises(DomainError, match=message) as caught:
        cohort_ops.plan_cohort(major, intake, capacity, TODAY)
    assert caught.value.field == field
    assert count(TrainingSession) == 0


def test_one_cohort_per_major_and_intake_year_and_next_years_intake_may_be_planned(world):
    major = major_ops.add_major(world["school_a"], major_data(), TODAY)
    cohort_ops.plan_cohort(major, 2027, 30, TODAY)
    with pytest.raises(DomainError, match="已有 2027 级学制班"):
        cohort_ops.plan_cohort(major, 2027, 30, TODAY)


def test_the_school_must_be_recognised_on_the_first_school_day(world):
    from registry.domain.organisations import operations as org_ops

    late = factories.base("新认定技工学校", A, programmes=(), kind="technical_school")
    org_ops.add_recognition(late, CODE, "city", date(2024, 9, 2))
    major = major_ops.add_major(late, major_data(), TODAY)
    with pytest.raises(DomainError, match="未获「广东技工」项目认定"):
        cohort_ops.plan_cohort(major, 2024, 30, TODAY)
    assert cohort_ops.plan_cohort(major, 2025, 30, TODAY).intake_year == 2025


# --- students' outcomes -------------------------------------------------------------------------

def test_graduation_is_recorded_from_the_first_day_of_the_final_year_with_a_diploma(world):
    cohort, (first, second, _) = cohort_with_students(world["school_a"])
    assert cohort_ops.final_year_start(cohort) == date(2025, 9, 1)
    with pytest.raises(DomainError, match=r"最后一学年内\(2025-09-01 起\)") as caught:
        graduate(cohort, first, on=date(2025, 8, 31))
    assert caught.value.field == "on"
    standing = graduate(cohort, first, on=date(2025, 9, 1), number=" gz-2025 0001 ")
    assert (standing.status, standing.diploma_number) == ("graduated", "GZ-20250001")
    with pytest.raises(DomainError, match="结果日期不能晚于今天"):
        graduate(cohort, second, on=TODAY + timedelta(days=1))
    assert graduate(cohort, second, on=TODAY).status_on == TODAY


def test_a_diploma_number_is_required_valid_unique_and_only_for_graduates(world):
    cohort, (first, second, third) = cohort_with_students(world["school_a"])
    for number, message in (("", "毕业须填写毕业证书编号"), ("AB1", "4 至 40 位"), ("编号一二三四", "4 至 40 位")):
        with pytest.raises(DomainError, match=message) as caught:
            cohort_ops.record_outcome(cohort, first, cohort_ops.OutcomeData("graduated", TODAY, number), TODAY)
        assert caught.value.field == "diploma_number"
    graduate(cohort, first, number="D0001")
    with pytest.raises(DomainError, match="D0001 已登记给"):
        graduate(cohort, second, number="d0001")
    with pytest.raises(DomainError, match="只有毕业才填写毕业证书编号"):
        cohort_ops.record_outcome(cohort, third, cohort_ops.OutcomeData("completed", TODAY, "D0002"), TODAY)
    # Correcting a graduate's own number keeps it unique against everyone else only.
    graduate(cohort, first, number="D0001")


def test_completion_can_become_graduation_after_a_resit_but_not_before_it(world):
    cohort, (student, *_rest) = cohort_with_students(world["school_a"])
    cohort_ops.record_outcome(cohort, student, cohort_ops.OutcomeData("completed", date(2026, 6, 28), "", "毕业设计未通过"),
                              TODAY)
    with pytest.raises(DomainError, match="换发毕业证书的日期不能早于结业日期 2026-06-28"):
        graduate(cohort, student, on=date(2026, 6, 27))
    standing = graduate(cohort, student, on=date(2026, 6, 28))
    assert standing.status == "graduated"
    with pytest.raises(DomainError, match="已登记为「毕业」,只能改为:毕业") as caught:
        cohort_ops.record_outcome(cohort, student, cohort_ops.OutcomeData("completed", TODAY), TODAY)
    assert caught.value.field == "status"


def test_incomplete_needs_a_full_school_year(world):
    cohort, (first, second, _) = cohort_with_students(world["school_a"])
    with pytest.raises(DomainError, match=r"学习满一学年\(2025-09-01 起\)") as caught:
        cohort_ops.record_outcome(cohort, first, cohort_ops.OutcomeData("incomplete", date(2025, 8, 31), "", "外出务工"), TODAY)
    assert caught.value.field == "on"
    cohort_ops.record_outcome(cohort, first, cohort_ops.OutcomeData("incomplete", date(2025, 9, 1), "", "外出务工"), TODAY)
    enrollment = db.session.get(Enrollment, first.id)
    assert enrollment.status == "withdrawn" and enrollment.withdrawal_reason == "肄业:外出务工"


def test_leaving_needs_a_reason_and_withdraws_the_student_from_the_session(world):
    cohort, (first, second, third) = cohort_with_students(world["school_a"])
    with pytest.raises(DomainError, match="请填写离校原因") as caught:
        cohort_ops.record_outcome(cohort, first, cohort_ops.OutcomeData("dropped", date(2024, 10, 8), "", " "), TODAY)
    assert caught.value.field == "note"
    with pytest.raises(DomainError, match="不能早于入学年度 2024 年"):
        cohort_ops.record_outcome(cohort, first, cohort_ops.OutcomeData("dropped", date(2023, 12, 31), "", "搬家"), TODAY)
    cohort_ops.record_outcome(cohort, first, cohort_ops.OutcomeData("dropped", date(2024, 1, 1), "", "未报到"), TODAY)
    cohort_ops.record_outcome(cohort, second, cohort_ops.OutcomeData("transferred", date(2025, 3, 1), "", "转入广州市技师学院"),
                              TODAY)
    assert [db.session.get(Enrollment, e.id).status for e in (first, second, third)] == ["withdrawn", "withdrawn", "enrolled"]
    assert training.active_count(cohort.session) == 1, "their places are freed"
    # One leaving outcome may be corrected to another; never to a finishing one.
    cohort_ops.record_outcome(cohort, first, cohort_ops.OutcomeData("transferred", date(2024, 1, 1), "", "转入他校"), TODAY)
    with pytest.raises(DomainError, match="只能改为:肄业、退学、转出"):
        graduate(cohort, second)


def test_a_student_assessed_before_leaving_keeps_the_result(world):
    cohort, (student, *_rest) = cohort_with_students(world["school_a"])
    record_result(student, ResultData(attended_hours=200, result="passed", assessed_on=date(2025, 6, 1),
                                      assessment_type="skill_level"), TODAY)
    cohort_ops.record_outcome(cohort, student, cohort_ops.OutcomeData("dropped", date(2025, 7, 1), "", "入伍"), TODAY)
    enrollment = db.session.get(Enrollment, student.id)
    assert (enrollment.status, enrollment.result) == ("enrolled", "passed")


def test_someone_withdrawn_on_the_roster_can_only_be_recorded_as_having_left(world):
    cohort, (student, *_rest) = cohort_with_students(world["school_a"])
    training.withdraw(student, date(2024, 9, 20), "未报到")
    assert cohort_ops.allowed_outcomes(student, None) == ("incomplete", "dropped", "transferred")
    with pytest.raises(DomainError, match=re.escape("已退出本班期(退训),只能登记为:肄业、退学、转出")):
        graduate(cohort, student)
    cohort_ops.record_outcome(cohort, student, cohort_ops.OutcomeData("dropped", date(2024, 9, 20), "", "未报到"), TODAY)
    assert cohort_ops.standing_of(student).status == "dropped"


def test_outcomes_need_a_started_session_and_stop_once_it_is_archived(world):
    cohort, (student, *_rest) = cohort_with_students(world["school_a"], intake=2026, start=False)
    with pytest.raises(DomainError, match=re.escape("开学(培训中)后才能登记毕业或结业")):
        cohort_ops.record_outcome(cohort, student, cohort_ops.OutcomeData("completed", TODAY), TODAY)
    cohort, (student, *_rest) = cohort_with_students(world["school_a"], size=1)
    cohort.session.status = "closed"
    with pytest.raises(DomainError, match="已归档"):
        graduate(cohort, student)


def test_a_student_of_another_cohort_is_refused(world):
    cohort, _ = cohort_with_students(world["school_a"])
    other, (stranger, *_rest) = cohort_with_students(world["school_a"])
    with pytest.raises(DomainError, match="不是本学制班的学生"):
        graduate(cohort, stranger)


# --- finishing ----------------------------------------------------------------------------------

def test_a_cohort_finishes_only_when_every_student_has_an_outcome(world):
    cohort, (first, second, third) = cohort_with_students(world["school_a"])
    graduate(cohort, first, on=date(2026, 6, 28))
    with pytest.raises(DomainError, match="尚有 2 名学生未登记学籍结果") as caught:
        cohort_ops.close_cohort(cohort, TODAY, TODAY)
    assert caught.value.field == "closed_on"
    cohort_ops.record_outcome(cohort, second, cohort_ops.OutcomeData("completed", date(2026, 6, 29), "", ""), TODAY)
    cohort_ops.record_outcome(cohort, third, cohort_ops.OutcomeData("dropped", date(2025, 5, 1), "", "家庭原因"), TODAY)
    with pytest.raises(DomainError, match="不能早于最后登记的学籍结果日期 2026-06-29"):
        cohort_ops.close_cohort(cohort, date(2026, 6, 28), TODAY)
    with pytest.raises(DomainError, match="不能为空或晚于今天"):
        cohort_ops.close_cohort(cohort, TODAY + timedelta(days=1), TODAY)
    cohort_ops.close_cohort(cohort, date(2026, 6, 29), TODAY)
    session = db.session.get(TrainingSession, cohort.session_id)
    assert (cohort.closed_on, session.status, session.end_date) == (date(2026, 6, 29), "completed", date(2026, 6, 29))
    with pytest.raises(DomainError, match="已于 2026-06-29 毕业离校"):
        cohort_ops.close_cohort(cohort, TODAY, TODAY)


def test_a_cohort_graduating_after_the_expected_day_ends_its_session_that_day(world):
    cohort, (student,) = cohort_with_students(world["school_a"], size=1)
    graduate(cohort, student, on=date(2026, 7, 10))
    cohort_ops.close_cohort(cohort, TODAY, TODAY)
    assert cohort.session.end_date == TODAY and cohort.session.status == "completed"


def test_only_a_cohort_in_progress_with_students_finishes(world):
    cohort, _ = cohort_with_students(world["school_a"], intake=2026, start=False)
    with pytest.raises(DomainError, match="培训中的学制班才能办理毕业离校"):
        cohort_ops.close_cohort(cohort, TODAY, TODAY)
    empty, _ = cohort_with_students(world["school_a"], size=0)
    with pytest.raises(DomainError, match="没有学生"):
        cohort_ops.close_cohort(empty, TODAY, TODAY)


def test_the_shared_session_pages_follow_the_cohort(world):
    cohort, (student,) = cohort_with_students(world["school_a"], intake=2023, size=1)
    session = cohort.session
    with pytest.raises(DomainError, match="请在学制班页面为每名学生登记学籍结果并办理毕业离校"):
        training.move_session(session, "completed", TODAY)
    data = training.SessionData(CODE, session.occupation_code, session.level, "degree", session.start_date,
                                date(2026, 7, 10), session.planned_hours, 40)
    training.update_session(session, data)
    assert (session.end_date, session.capacity) == (date(2026, 7, 10), 40), "dates to graduation and capacity may change"
    for field, value in (("start_date", date(2023, 9, 2)), ("occupation_code", "welder"), ("kind", "short"), ("level", 3)):
        changed = training.SessionData(**{**data.__dict__, field: value})
        with pytest.raises(DomainError, match="由专业和入学年度确定") as caught:
            training.update_session(session, changed)
        assert caught.value.field == field
    graduate(cohort, student, on=date(2026, 6, 28))
    cohort_ops.close_cohort(cohort, date(2026, 7, 1), TODAY)
    with pytest.raises(DomainError, match="不能恢复为培训中"):
        training.move_session(session, "in_progress", TODAY)
    # A degree session that is no cohort's is not held back.
    plain = factories.session(world["school_a"], CODE, "electrician", 4, kind="degree", status="in_progress",
                              start_date=date(2026, 3, 1), end_date=date(2026, 7, 1))
    assert training.move_session(plain, "completed", TODAY).status == "completed"


# --- destinations --------------------------------------------------------------------------------

def test_a_graduates_destination_is_their_employment_follow_up(world):
    cohort, (first, second, third) = cohort_with_students(world["school_a"])
    standing = graduate(cohort, first)
    destination = cohort_ops.record_destination(standing, cohort_ops.DestinationData(
        "employed_local", date(2026, 7, 1), "广州地铁集团有限公司"), TODAY)
    enrollment = db.session.get(Enrollment, first.id)
    assert (enrollment.is_employed, enrollment.employed_on, enrollment.employer_name) == (True, date(2026, 7, 1),
                                                                                          "广州地铁集团有限公司")
    cohort_ops.record_destination(standing, cohort_ops.DestinationData("further_study", date(2026, 7, 5),
                                                                       "广东轻工职业技术学院"), TODAY)
    assert count(Destination) == 1 and destination.kind == "further_study"
    assert (enrollment.is_employed, enrollment.employer_name) == (False, None)
    cohort_ops.record_destination(standing, cohort_ops.DestinationData("not_employed", TODAY, "某单位"), TODAY)
    assert destination.employer == ""


@pytest.mark.parametrize("kind, since, employer, field, message", [
    ("employed_local", date(2026, 7, 1), " ", "employer", "就业须填写就业单位"),
    ("employed_elsewhere", date(2026, 7, 1), "", "employer", "就业须填写就业单位"),
    ("further_study", date(2026, 7, 1), "", "employer", "升学须填写录取院校"),
    ("employed_local", date(2026, 7, 21), "甲公司", "since", "去向日期不能晚于今天"),
    ("employed_local", date(2024, 8, 31), "甲公司", "since", "去向日期不能早于开学日期 2024-09-01"),
    ("employed_local", None, "甲公司", "since", "请填写去向日期"),
    ("abroad", date(2026, 7, 1), "甲公司", "kind", "请选择毕业去向"),
])
def test_a_destination_refuses_bad_fields(world, kind, since, employer, field, message):
    cohort, (student, *_rest) = cohort_with_students(world["school_a"])
    standing = graduate(cohort, student)
    with pytest.raises(DomainError, match=message) as caught:
        cohort_ops.record_destination(standing, cohort_ops.DestinationData(kind, since, employer), TODAY)
    assert caught.value.field == field


def test_only_graduates_have_destinations_and_on_the_first_school_day_is_allowed(world):
    cohort, (first, second, _) = cohort_with_students(world["school_a"])
    completed = cohort_ops.record_outcome(cohort, first, cohort_ops.OutcomeData("completed", TODAY), TODAY)
    with pytest.raises(DomainError, match="只有毕业生登记毕业去向"):
        cohort_ops.record_destination(completed, cohort_ops.DestinationData("employed_local", TODAY, "甲公司"), TODAY)
    standing = graduate(cohort, second)
    cohort_ops.record_destination(standing, cohort_ops.DestinationData("employed_local", date(2024, 9, 1), "甲公司"), TODAY)


# --- 双证 and 留本市就业 -------------------------------------------------------------------------

@pytest.fixture
def graduates(world):
    """School A (天河): 6 graduates of 2026 and a 2025 graduate; school B (白云): 1 of 2026."""
    cohort, students = cohort_with_students(world["school_a"], size=8)
    people = [e.trainee for e in students]
    certificate(people[0])                                              # dual
    certificate(people[1], status="revoked")                            # revoked: not
    certificate(people[2], occupation="welder")                         # another occupation: not
    certificate(people[3], certificate_type="training_qualified")       # not a skill-level certificate: not
    certificate(people[4], issued_on=date(2024, 8, 31))                 # before the cohort started: not
    certificate(people[5], status="suspended", issued_on=date(2024, 9, 1))  # suspended, on the first day: dual
    certificate(people[6])                                              # holds one but only 结业: not a graduate
    standings = [graduate(cohort, e) for e in students[:6]]
    cohort_ops.record_outcome(cohort, students[6], cohort_ops.OutcomeData("completed", TODAY), TODAY)
    cohort_ops.record_outcome(cohort, students[7], cohort_ops.OutcomeData("dropped", date(2025, 1, 5), "", "退学"), TODAY)
    for standing, kind in zip(standings, ("employed_local", "employed_local", "employed_elsewhere", "further_study",
                                          "not_employed")):
        cohort_ops.record_destination(standing, cohort_ops.DestinationData(kind, date(2026, 7, 1), "单位"), TODAY)
    earlier, (old,) = cohort_with_students(world["school_a"], intake=2023, size=1)
    certificate(old.trainee)
    old_standing = graduate(earlier, old, on=date(2025, 6, 30))
    cohort_ops.record_destination(old_standing, cohort_ops.DestinationData("employed_local", date(2025, 7, 1), "单位"), TODAY)
    b_cohort, (b_student,) = cohort_with_students(world["school_b"], size=1)
    certificate(b_student.trainee, base=world["school_b"])
    b_standing = graduate(b_cohort, b_student)
    cohort_ops.record_destination(b_standing, cohort_ops.DestinationData("employed_local", date(2026, 7, 2), "单位"), TODAY)
    db.session.commit()
    return {"cohort": cohort, "earlier": earlier, "b_cohort": b_cohort, "standings": standings}


def test_dual_certified_and_retained_graduates_per_cohort(world, graduates):
    cohort = graduates["cohort"]
    f = figures.per_cohort([cohort.id])[cohort.id]
    assert (f.students, f.in_school, f.graduated, f.completed, f.left) == (8, 0, 6, 1, 1)
    assert (f.dual, f.local, f.destinations) == (2, 2, 5)
    assert f.dual_rate == pytest.approx(2 / 6) and f.local_rate == pytest.approx(2 / 6)
    dual = figures.dual_holders(s.id for s in graduates["standings"])
    assert dual == {graduates["standings"][0].id, graduates["standings"][5].id}


def test_the_measures_count_graduates_of_the_year_by_the_schools_district(world, graduates):
    a, b = factories.district(A).id, factories.district(B).id
    assert figures.graduates_tally(2026, None, "dual") == 3
    assert figures.graduates_tally(2026, a, "dual") == 2 and figures.graduates_tally(2026, b, "dual") == 1
    assert figures.graduates_tally(2026, None, "local") == 3
    assert figures.graduates_tally(2026, a, "local") == 2
    assert figures.graduates_tally(2025, a, "dual") == 1 and figures.graduates_tally(2025, a, "local") == 1
    assert figures.graduates_tally(2024, None, "dual") == 0
    measures = {m.code: m for m in reconciliation.programme_year(CODE, 2026, a, TODAY, None)}
    assert (measures["dual_certified"].actual, measures["retained_local"].actual) == (2, 2)
    assert measures["dual_certified"].unit == "人"


def test_a_replaced_certificate_still_makes_its_holder_dual(world, graduates):
    standing = graduates["standings"][1]
    holder = standing.enrollment.trainee
    assert standing.id not in figures.dual_holders([standing.id])
    certificate(holder, issued_on=date(2026, 6, 1))  # the replacement of the revoked one: valid
    assert standing.id in figures.dual_holders([standing.id])


def test_per_intake_year_within_a_jurisdiction(world, graduates):
    from registry.auth.permissions import cohorts_visible
    from registry.domain.accounts.models import User

    city = db.session.scalar(select(User).where(User.username == "j_city"))
    school_b = db.session.scalar(select(User).where(User.username == "j_school_b"))
    rows = {year: (n, f) for year, n, f in figures.per_intake_year(cohorts_visible(city))}
    assert rows[2024][0] == 2 and rows[2024][1].graduated == 7 and rows[2024][1].dual == 3
    assert rows[2023][1].graduated == 1
    rows_b = {year: (n, f) for year, n, f in figures.per_intake_year(cohorts_visible(school_b))}
    assert set(rows_b) == {2024} and rows_b[2024][1].students == 1


# --- pages: access -------------------------------------------------------------------------------

def test_lists_show_each_role_its_own_schools(client, world, graduates):
    a_major, b_major = graduates["cohort"].major, graduates["b_cohort"].major
    for username, sees_a, sees_b in (("j_city", True, True), ("j_district_a", True, False),
                                     ("j_school_a", True, False), ("j_school_b", False, True),
                                     ("j_institution", False, False)):
        sign_in(client, username)
        majors = client.get("/jigong/majors/").get_data(as_text=True)
        assert (f'data-major="{a_major.id}"' in majors, f'data-major="{b_major.id}"' in majors) == (sees_a, sees_b), username
        cohorts = client.get("/jigong/cohorts/").get_data(as_text=True)
        assert (f'data-cohort="{graduates["cohort"].id}"' in cohorts,
                f'data-cohort="{graduates["b_cohort"].id}"' in cohorts) == (sees_a, sees_b), username
    sign_in(client, "j_enterprise")
    for url in ("/jigong/majors/", "/jigong/cohorts/", "/jigong/graduates/", f"/jigong/cohorts/{graduates['cohort'].id}"):
        assert client.get(url).status_code == 403


def test_another_schools_records_by_url_answer_404(client, world, graduates):
    cohort = graduates["cohort"]
    student = graduates["standings"][0].enrollment
    urls = [f"/jigong/majors/{cohort.major_id}", f"/jigong/majors/{cohort.major_id}/edit",
            f"/jigong/cohorts/{cohort.id}", f"/jigong/cohorts/{cohort.id}/students/{student.id}/outcome",
            f"/jigong/cohorts/{cohort.id}/students/{student.id}/destination"]
    for username in ("j_school_b", "j_district_b"):
        sign_in(client, username)
        for url in urls:
            if username == "j_district_b" and url.endswith(("/edit", "/outcome")):
                continue  # a bureau role is refused those pages outright (403), below
            assert client.get(url).status_code == 404, (username, url)
        for url in (f"/jigong/majors/{cohort.major_id}/end", f"/jigong/cohorts/{cohort.id}/close"):
            assert client.post(url, data={"ended_on": "2026-07-01", "end_reason": "x", "closed_on": "2026-07-01"}
                               ).status_code in (403, 404)
    sign_in(client, "j_school_a")
    b_student = db.session.scalar(select(Enrollment).where(Enrollment.session_id == graduates["b_cohort"].session_id))
    assert client.get(f"/jigong/cohorts/{cohort.id}/students/{b_student.id}/outcome").status_code == 404, \
        "a student of another cohort under this cohort's URL"
    assert client.get(f"/jigong/cohorts/{cohort.id}/students/{student.id}/outcome").status_code == 200


def test_bureau_staff_read_but_do_not_keep_school_records(client, world, graduates):
    cohort = graduates["cohort"]
    student = graduates["standings"][0].enrollment
    sign_in(client, "j_district_a")
    html = client.get(f"/jigong/cohorts/{cohort.id}").get_data(as_text=True)
    assert "登记结果" not in html and "/destination" in html, "the district records follow-up, not outcomes"
    assert client.get("/jigong/majors/new").status_code == 403
    assert client.get(f"/jigong/cohorts/{cohort.id}/students/{student.id}/outcome").status_code == 403
    assert client.post(f"/jigong/cohorts/{cohort.id}/close", data={"closed_on": "2026-07-20"}).status_code == 403
    sign_in(client, "j_institution")
    assert client.get("/jigong/majors/new").status_code == 403, "a training institution runs no majors"
    assert client.get("/jigong/cohorts/new").status_code == 403


# --- pages: keeping the records -------------------------------------------------------------------

MAJOR_FORM = {"code": "0401", "name": "电气自动化设备安装与维修", "occupation_code": "electrician", "level": "4",
              "years": "3", "total_hours": "3300"}


def test_a_school_registers_and_corrects_a_major(client, world):
    sign_in(client, "j_school_a")
    response = client.post("/jigong/majors/new", data={**MAJOR_FORM, "is_key": "y", "key_major_year": "2021"})
    assert response.status_code == 302
    major = db.session.scalar(select(Major))
    assert (major.base_id, major.key_major_year, major.featured_major_year) == (world["school_a"].id, 2021, None)
    response = client.post(f"/jigong/majors/{major.id}/edit", data={**MAJOR_FORM, "name": "电气自动化", "is_featured": "y",
                                                                    "featured_major_year": "2024"})
    assert response.status_code == 302
    db.session.refresh(major)
    assert (major.name, major.key_major_year, major.featured_major_year) == ("电气自动化", None, 2024)
    assert "省级特色 2024" in client.get("/jigong/majors/?flag=featured").get_data(as_text=True)
    assert "电气自动化" not in client.get("/jigong/majors/?flag=key").get_data(as_text=True).split("<tbody>")[1]


@pytest.mark.parametrize("changes, field, message", [
    ({"years": "三"}, "years", "「学制(年)」应为整数"),
    ({"total_hours": ""}, "total_hours", "教学计划总学时应为"),
    ({"is_key": "y"}, "key_major_year", "勾选省级重点专业须填写认定年份"),
    ({"featured_major_year": "2024"}, "featured_major_year", "未勾选省级特色专业,认定年份应留空"),
    ({"occupation_code": "nothing"}, "occupation_code", "请选择本专业对应的职业"),
    ({"level": "x"}, "level", "培养层次应为"),
    ({"code": ""}, "code", "请填写专业代码"),
])
def test_bad_major_input_is_named_and_nothing_is_saved(client, world, changes, field, message):
    sign_in(client, "j_school_a")
    response = client.post("/jigong/majors/new", data={**MAJOR_FORM, **changes})
    assert response.status_code == 400
    assert message in error_beside(response.get_data(as_text=True), field)
    assert count(Major) == 0


def test_ending_a_major_over_http(client, world):
    major = major_ops.add_major(world["school_a"], major_data(), TODAY)
    db.session.commit()
    sign_in(client, "j_school_a")
    client.post(f"/jigong/majors/{major.id}/end", data={"ended_on": "2026-07-21", "end_reason": "调整"})
    assert db.session.get(Major, major.id).ended_on is None
    client.post(f"/jigong/majors/{major.id}/end", data={"ended_on": "2026-07-01", "end_reason": "调整"})
    db.session.refresh(major)
    assert major.ended_on == date(2026, 7, 1)
    html = client.get(f"/jigong/majors/{major.id}").get_data(as_text=True)
    assert 'data-testid="ended"' in html and "调整" in html
    assert client.get(f"/jigong/majors/{major.id}").status_code == 200


def test_a_school_plans_a_cohort_and_enrols_on_its_session(client, world):
    major = major_ops.add_major(world["school_a"], major_data(years=3), TODAY)
    other = major_ops.add_major(world["school_b"], major_data(), TODAY)
    db.session.commit()
    sign_in(client, "j_school_a")
    assert client.get(f"/jigong/cohorts/new?major={major.id}").status_code == 200
    response = client.post("/jigong/cohorts/new", data={"major_id": str(major.id), "intake_year": "2026", "capacity": "40"})
    assert response.status_code == 302
    cohort = db.session.scalar(select(Cohort))
    assert (cohort.session.start_date, cohort.session.end_date, cohort.session.kind) == (date(2026, 9, 1),
                                                                                         date(2029, 6, 30), "degree")
    for data, field, message in (
        ({"major_id": str(major.id), "intake_year": "2026", "capacity": "40"}, "intake_year", "已有 2026 级学制班"),
        ({"major_id": str(major.id), "intake_year": "二〇二六", "capacity": "40"}, "intake_year", "「入学年度」应为整数"),
        ({"major_id": str(major.id), "intake_year": "2025", "capacity": "0"}, "capacity", "招生人数"),
        ({"major_id": str(other.id), "intake_year": "2026", "capacity": "40"}, "major_id", "请选择本校在办的专业"),
    ):
        response = client.post("/jigong/cohorts/new", data=data)
        assert response.status_code == 400
        assert message in error_beside(response.get_data(as_text=True), field), message
    assert count(Cohort) == 1 and count(TrainingSession) == 1
    # Students are enrolled through the shared enrolment of the session.
    response = client.post(f"/sessions/{cohort.session_id}/enrol", data={
        "document_type": "resident_id", "document_number": factories.id_number(date(2010, 5, 5)), "name": "新生甲",
        "hukou_type": "urban"})
    assert response.status_code in (200, 302)
    assert training.active_count(cohort.session) == 1
    html = client.get(f"/jigong/cohorts/{cohort.id}").get_data(as_text=True)
    assert "新生甲" in html and "在读" in html


def test_outcomes_and_finishing_over_http(client, world):
    cohort, (first, second) = cohort_with_students(world["school_a"], size=2)
    db.session.commit()
    sign_in(client, "j_school_a")
    url = f"/jigong/cohorts/{cohort.id}/students/{first.id}/outcome"
    response = client.post(url, data={"status": "graduated", "on": "2026-06-28", "diploma_number": ""})
    assert response.status_code == 400
    assert "毕业须填写毕业证书编号" in error_beside(response.get_data(as_text=True), "diploma_number")
    response = client.post(url, data={"status": "graduated", "on": "2026-13-01", "diploma_number": "D1"})
    assert "「结果日期」应为有效日期" in error_beside(response.get_data(as_text=True), "on")
    response = client.post(url, data={"status": "expelled-by-mars", "on": "2026-06-28"})
    assert response.status_code == 400  # a status no form offers: refused, not a failure
    assert count(Standing) == 0
    assert client.post(url, data={"status": "graduated", "on": "2026-06-28", "diploma_number": "D20260001"}).status_code == 302
    client.post(f"/jigong/cohorts/{cohort.id}/close", data={"closed_on": "2026-07-01"})
    assert db.session.get(Cohort, cohort.id).closed_on is None, "a student is still 在读"
    client.post(f"/jigong/cohorts/{cohort.id}/students/{second.id}/outcome",
                data={"status": "transferred", "on": "2026-03-01", "note": "转入广州市技师学院"})
    client.post(f"/jigong/cohorts/{cohort.id}/close", data={"closed_on": "2026-07-01"})
    record = db.session.get(Cohort, cohort.id)
    assert record.closed_on == date(2026, 7, 1) and record.session.status == "completed"
    html = client.get(f"/jigong/cohorts/{cohort.id}").get_data(as_text=True)
    assert "已毕业离校 2026-07-01" in html and "D20260001" in html and "转入广州市技师学院" in html


def test_the_session_page_cannot_complete_a_cohorts_session(client, world):
    cohort, _ = cohort_with_students(world["school_a"], intake=2023, size=1)
    db.session.commit()
    sign_in(client, "j_school_a")
    response = client.post(f"/sessions/{cohort.session_id}/state", data={"target": "completed"}, follow_redirects=True)
    assert "请在学制班页面为每名学生登记学籍结果并办理毕业离校" in response.get_data(as_text=True)
    assert db.session.get(TrainingSession, cohort.session_id).status == "in_progress"


def test_destinations_over_http_by_the_school_and_the_district(client, world):
    cohort, (first, second) = cohort_with_students(world["school_a"], size=2)
    graduate(cohort, first)
    db.session.commit()
    url = f"/jigong/cohorts/{cohort.id}/students/{first.id}/destination"
    sign_in(client, "j_school_a")
    response = client.post(url, data={"kind": "employed_local", "since": "2026-07-01", "employer": ""})
    assert response.status_code == 400
    assert "就业须填写就业单位" in error_beside(response.get_data(as_text=True), "employer")
    assert count(Destination) == 0
    assert client.post(url, data={"kind": "employed_local", "since": "2026-07-01", "employer": "广州地铁"}).status_code == 302
    sign_in(client, "j_district_a")
    assert client.post(url, data={"kind": "employed_elsewhere", "since": "2026-07-02", "employer": "佛山美的"}).status_code == 302
    assert db.session.scalar(select(Destination)).kind == "employed_elsewhere"
    response = client.get(f"/jigong/cohorts/{cohort.id}/students/{second.id}/destination")
    assert response.status_code == 302, "only graduates have destinations"


def test_the_graduates_pages_behind_the_measures(client, world, graduates):
    sign_in(client, "j_city")
    a = factories.district(A).id
    html = client.get(f"/jigong/graduates/dual-certified?year=2026&district={a}").get_data(as_text=True)
    rows = re.findall(r'data-standing="(\d+)"', html)
    assert sorted(map(int, rows)) == sorted([graduates["standings"][0].id, graduates["standings"][5].id])
    assert "天河区" in html and "双证率" in html and "33.3%" in html
    html = client.get("/jigong/graduates/retained-local?year=2026").get_data(as_text=True)
    assert len(re.findall(r'data-standing="', html)) == 3
    sign_in(client, "j_district_b")
    html = client.get(f"/jigong/graduates/retained-local?year=2026&district={a}").get_data(as_text=True)
    assert len(re.findall(r'data-standing="', html)) == 1, "district staff see their own district whatever they ask"
    response = client.get(f"/reconciliation/detail?year=2026&programme_code={CODE}&measure=dual_certified")
    assert response.status_code == 302 and "/jigong/graduates/dual-certified?year=2026" in response.headers["Location"]


def test_the_landing_page_shows_the_panel_links_and_measures(client, world, graduates):
    sign_in(client, "j_city")
    html = client.get(f"/programmes/{CODE}/?year=2026").get_data(as_text=True)
    panel = html.split('data-testid="jigong-intakes"')[1].split("</table>")[0]
    row = panel.split('data-intake="2024"')[1].split("</tr>")[0]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells == ["2024级", "2", "9", "0", "7", "42.9%", "42.9%"]
    assert "2026年毕业生 <strong>7</strong> 人" in html and "双证 3 人" in html
    records = html.split('data-testid="records"')[1].split("</section>")[0]
    assert re.findall(r'data-testid="record-count">(\d+)<', records) == ["3", "3", "8"]
    progress = html.split('data-testid="progress"')[1].split("</table>")[0]
    dual_row = progress.split('data-measure="dual_certified"')[1].split("</tr>")[0]
    assert "3 人" in dual_row
    sign_in(client, "j_school_b")
    html = client.get(f"/programmes/{CODE}/?year=2026").get_data(as_text=True)
    records = html.split('data-testid="records"')[1].split("</section>")[0]
    assert re.findall(r'data-testid="record-count">(\d+)<', records) == ["1", "1", "1"]


def test_the_trainees_record_shows_the_school_standing(client, world, graduates):
    student = graduates["standings"][0].enrollment
    sign_in(client, "j_school_a")
    html = client.get(f"/trainees/{student.trainee_id}").get_data(as_text=True)
    assert "技工院校学籍" in html and graduates["standings"][0].diploma_number in html and "本市就业" in html
    sign_in(client, "j_school_b")
    assert client.get(f"/trainees/{student.trainee_id}").status_code == 404
