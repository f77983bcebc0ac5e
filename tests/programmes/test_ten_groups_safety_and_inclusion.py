"""Ten key groups 8–10 (004 之八、之九、之十): the 两后生 ledger and each entry's training status, the
high-school requirement for 危险化学品 special operations (single enrolment and spreadsheet import),
appointments of heads and safety managers with their 6-month assessment and yearly refresher, and
vocational capability assessments of people with disabilities; each rule at its boundary days, each
page for each role, another district's record by URL → 404, bad input → a Chinese message naming
the field and nothing saved."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from registry.blueprints.ten_groups.rules import DISABILITY, SAFETY, SCHOOL_LEAVERS
from registry.blueprints.ten_groups.safety_and_inclusion import appointments, assessments, ledger
from registry.blueprints.ten_groups.safety_and_inclusion.models import (
    CapabilityAssessment, SafetyAppointment, SchoolLeaver,
)
from registry.domain.trainees.operations import PersonData
from registry.domain.catalogue import catalogue
from registry.domain.common import add_months, today
from registry.domain.errors import DomainError
from registry.domain.imports import batches
from registry.domain.trainees.models import Trainee
from registry.domain.training import operations as training
from registry.domain.training.models import Enrollment
from registry.extensions import db
from tests import factories

A, B = "440106", "440111"  # 天河区, 白云区


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world():
    w = {
        "safety_base": factories.base("黄埔安全培训中心", A, programmes=(SAFETY.code,)),
        "disability_base": factories.base("越秀残疾人培训基地", A, programmes=(DISABILITY.code,)),
        "leavers_base": factories.base("白云技师学院", B, programmes=(SCHOOL_LEAVERS.code,)),
        "other_base": factories.base("白云粤菜基地", B, programmes=("yuecai",)),
        "ent_a": factories.enterprise("天河建工有限公司", A, kind="high_risk"),
        "ent_b": factories.enterprise("白云化工有限公司", B, kind="high_risk"),
        "a": factories.district(A), "b": factories.district(B),
    }
    factories.user("city", "city")
    factories.user("district_a", "district", district_id=w["a"].id)
    factories.user("district_b", "district", district_id=w["b"].id)
    factories.user("safety_clerk", "base", base_id=w["safety_base"].id)
    factories.user("disability_clerk", "base", base_id=w["disability_base"].id)
    factories.user("other_clerk", "base", base_id=w["other_base"].id)
    factories.user("ent_a", "enterprise", enterprise_id=w["ent_a"].id)
    factories.user("ent_b", "enterprise", enterprise_id=w["ent_b"].id)
    db.session.commit()
    return w


def sign_in(client, username):
    client.post("/auth/logout")
    factories.login(client, username)


# === 两后生 ledger (004 之八) ==========================================================================

def leaver_data(district, **changes) -> ledger.LeaverData:
    values = dict(name="黄嘉豪", id_number=factories.id_number(date(2008, 5, 1)), school="广州市棠下中学",
                  left_year=2024, stage="junior", district_id=district.id, street="棠下街道", wants_training=True,
                  phone="13800138000", note="")
    values.update(changes)
    return ledger.LeaverData(**values)


def levelled(base, status, level=5, programme=SCHOOL_LEAVERS.code, occupation="electrician"):
    return factories.session(base, programme, occupation, level=level, status=status)


@pytest.mark.parametrize("changes, field, words", [
    ({"id_number": "440106200805010000"}, "id_number", "校验位"),
    ({"name": "X"}, "name", "「姓名」"),
    ({"sex": "F"}, "sex", "「性别」与身份证号码不符"),
    ({"school": "  "}, "school", "「毕业学校」"),
    ({"left_year": None}, "left_year", "「离校年份」"),
    ({"left_year": 1999}, "left_year", "「离校年份」应在"),
    ({"left_year": 2015}, "left_year", "与出生日期"),
    ({"stage": "college"}, "stage", "「离校学段」"),
    ({"district_id": None}, "district_id", "「所在区」"),
    ({"street": ""}, "street", "「街道(镇)」"),
    ({"phone": "12345"}, "phone", "「联系电话」"),
    ({"wants_training": None}, "wants_training", "「培训意愿」"),
])
def test_ledger_entry_refuses_bad_input_naming_the_field(world, changes, field, words):
    data = leaver_data(world["a"], **changes)
    with pytest.raises(DomainError) as refused:
        ledger.add_leaver(data)
    assert refused.value.field == field and words in refused.value.message
    assert count(SchoolLeaver) == 0


def test_ledger_keeps_one_entry_per_person_in_the_city(world):
    first = ledger.add_leaver(leaver_data(world["a"]))
    assert (first.sex, first.birth_date) == ("M", date(2008, 5, 1))  # from the ID number
    with pytest.raises(DomainError, match="已在天河区两后生台账中登记") as refused:
        ledger.add_leaver(leaver_data(world["b"], id_number=first.id_number.lower()))
    assert refused.value.field == "id_number"
    ledger.update_leaver(first, leaver_data(world["a"], id_number=first.id_number, wants_training=False))
    assert first.wants_training is False


def test_status_comes_from_levelled_enrollments_matched_by_id_number(world):
    base = world["leavers_base"]
    leaver = ledger.add_leaver(leaver_data(world["a"]))
    assert ledger.status_of(leaver) == "untrained"
    person = factories.trainee("黄嘉豪", document_number=leaver.id_number, education="junior")
    special = factories.session(world["safety_base"], SAFETY.code, "work_at_height", level=None, status="in_progress")
    factories.enrollment(special, person)  # a 专项 item has no level: not 初级以上
    withdrawn = factories.enrollment(levelled(base, "open"), person)
    withdrawn.status = "withdrawn"
    absent = factories.enrollment(levelled(base, "completed"), person, result="absent")
    db.session.flush()
    assert ledger.status_of(leaver) == "untrained"
    enrolled = factories.enrollment(levelled(base, "planned"), person, result=None, hours=None)
    assert ledger.status_of(leaver) == "training"
    enrolled.session.status = "in_progress"
    db.session.flush()
    assert ledger.status_of(leaver) == "training"
    enrolled.session.status = "completed"  # finished (结业), no result yet
    db.session.flush()
    assert ledger.status_of(leaver) == "trained"
    enrolled.session.status, absent.result = "in_progress", "failed"  # a completed session, failed: still 结业
    db.session.flush()
    assert ledger.status_of(leaver) == "trained"
    record = {r.enrollment.session.occupation_code: r.counts for r in ledger.training_of(leaver)}
    assert record["work_at_height"] is False


def test_passing_counts_while_the_session_runs_and_facts_outrank_the_wish(world):
    leaver = ledger.add_leaver(leaver_data(world["a"], wants_training=False))
    assert ledger.status_of(leaver) == "unwilling"
    person = factories.trainee("黄嘉豪", document_number=leaver.id_number)
    factories.enrollment(levelled(world["leavers_base"], "in_progress"), person, result="passed")
    assert ledger.status_of(leaver) == "trained"


def test_another_document_type_with_the_same_number_is_not_the_person(world):
    leaver = ledger.add_leaver(leaver_data(world["a"]))
    other = factories.trainee("黄嘉豪", document_type="passport", document_number=leaver.id_number, sex="M",
                              birth_date=date(2008, 5, 1))
    factories.enrollment(levelled(world["leavers_base"], "completed"), other, result="passed")
    assert ledger.status_of(leaver) == "untrained"


def test_counts_by_status_and_district(world):
    wanting = ledger.add_leaver(leaver_data(world["a"]))
    ledger.add_leaver(leaver_data(world["a"], id_number=factories.id_number(date(2007, 1, 1)), wants_training=False))
    trained = ledger.add_leaver(leaver_data(world["b"], id_number=factories.id_number(date(2007, 2, 2))))
    factories.enrollment(levelled(world["leavers_base"], "closed"),
                         factories.trainee("李俊杰", document_number=trained.id_number), result="passed")
    every = SchoolLeaver.id.is_not(None)
    assert ledger.counts_by_status(every) == {"untrained": 1, "training": 0, "trained": 1, "unwilling": 1}
    assert ledger.counts_by_status(SchoolLeaver.district_id == world["a"].id)["untrained"] == 1
    by_district = {d.code: c for d, c in ledger.counts_by_district(every)}
    assert by_district[A] == {"untrained": 1, "training": 0, "trained": 0, "unwilling": 1}
    assert by_district[B]["trained"] == 1
    assert wanting.stage_name == "初中"


def ledger_form(district, **changes) -> dict:
    data = {"name": "陈晓彤", "id_number": factories.id_number(date(2008, 3, 3), male=False), "sex": "",
            "school": "广州市第四十七中学", "left_year": "2024", "stage": "junior", "district_id": str(district.id),
            "street": "员村街道", "phone": "", "wants_training": "yes", "note": "想学电子商务"}
    data.update(changes)
    return data


def test_ledger_pages_are_the_bureaus_and_jurisdiction_holds(client, world):
    for username in ("safety_clerk", "ent_a"):
        sign_in(client, username)
        assert client.get("/ten-groups/school-leavers/").status_code == 403
        assert client.get("/ten-groups/school-leavers/new").status_code == 403
    sign_in(client, "district_a")
    page = client.get("/ten-groups/school-leavers/new")
    assert page.status_code == 200 and f'value="{world["b"].id}"' not in page.text  # own district only
    created = client.post("/ten-groups/school-leavers/new", data=ledger_form(world["a"]))
    assert created.status_code == 302
    leaver = db.session.scalar(select(SchoolLeaver))
    assert leaver.district_id == world["a"].id and leaver.note == "想学电子商务"
    other = client.post("/ten-groups/school-leavers/new", data=ledger_form(world["b"]))
    assert other.status_code == 400 and count(SchoolLeaver) == 1
    sign_in(client, "district_b")
    assert client.get(f"/ten-groups/school-leavers/{leaver.id}").status_code == 404
    assert client.get(f"/ten-groups/school-leavers/{leaver.id}/edit").status_code == 404
    assert client.post(f"/ten-groups/school-leavers/{leaver.id}/edit", data=ledger_form(world["b"])).status_code == 404
    assert "陈晓彤" not in client.get("/ten-groups/school-leavers/").text
    sign_in(client, "city")
    assert client.get(f"/ten-groups/school-leavers/{leaver.id}").status_code == 200


def test_bad_ledger_input_is_named_and_nothing_saved(client, world):
    sign_in(client, "district_a")
    bad = client.post("/ten-groups/school-leavers/new",
                      data=ledger_form(world["a"], id_number="440106200803030000"))
    assert bad.status_code == 400 and 'data-field="id_number"' in bad.text and "校验位" in bad.text
    late = client.post("/ten-groups/school-leavers/new", data=ledger_form(world["a"], left_year="2030"))
    assert late.status_code == 400 and 'data-field="left_year"' in late.text and "「离校年份」应在" in late.text
    unsure = client.post("/ten-groups/school-leavers/new", data=ledger_form(world["a"], wants_training=""))
    assert 'data-field="wants_training"' in unsure.text and "请选择「培训意愿」" in unsure.text
    assert count(SchoolLeaver) == 0
    leaver = ledger.add_leaver(leaver_data(world["a"]))
    db.session.commit()
    edit = client.post(f"/ten-groups/school-leavers/{leaver.id}/edit",
                       data=ledger_form(world["a"], id_number=leaver.id_number, street=""))
    assert edit.status_code == 400 and "请填写「街道(镇)」" in edit.text
    db.session.expire_all()
    assert db.session.get(SchoolLeaver, leaver.id).street == "棠下街道"
    good = client.post(f"/ten-groups/school-leavers/{leaver.id}/edit",
                       data=ledger_form(world["a"], id_number=leaver.id_number, wants_training="no"))
    assert good.status_code == 302
    db.session.expire_all()
    assert db.session.get(SchoolLeaver, leaver.id).wants_training is False


def test_the_wanting_untrained_view_and_the_landing_panel(client, world):
    untrained = ledger.add_leaver(leaver_data(world["a"], name="何志强"))
    trained = ledger.add_leaver(leaver_data(world["a"], name="罗思敏", id_number=factories.id_number(date(2007, 7, 7))))
    factories.enrollment(levelled(world["leavers_base"], "completed"),
                         factories.trainee("罗思敏", document_number=trained.id_number), result="passed")
    ledger.add_leaver(leaver_data(world["b"], name="冯家乐", id_number=factories.id_number(date(2007, 8, 8))))
    db.session.commit()
    sign_in(client, "district_a")
    page = client.get("/ten-groups/school-leavers/?status=untrained").text
    assert f'data-leaver="{untrained.id}"' in page and f'data-leaver="{trained.id}"' not in page
    assert "冯家乐" not in page
    landing = client.get(f"/programmes/{SCHOOL_LEAVERS.code}/").text
    assert 'data-testid="ledger-counts"' in landing and "两后生工作台账" in landing
    assert 'data-testid="total">2<' in landing
    assert 'data-status="untrained"' in landing and "有意愿未参训" in landing
    sign_in(client, "city")
    landing = client.get(f"/programmes/{SCHOOL_LEAVERS.code}/").text
    assert 'data-testid="total">3<' in landing and 'data-testid="ledger-districts"' in landing
    sign_in(client, "other_clerk")
    landing = client.get(f"/programmes/{SCHOOL_LEAVERS.code}/")
    assert landing.status_code == 200 and "ledger-counts" not in landing.text
    # the person's trainee record shows the ledger entry to bureau staff (who can see the person)
    sign_in(client, "city")
    person = db.session.scalar(select(Trainee).where(Trainee.document_number == trained.id_number))
    record = client.get(f"/trainees/{person.id}").text
    assert "两后生工作台账" in record and "已参训" in record


# === 危险化学品: 高中以上文化程度 (004 之九 六) ===========================================================

def chemicals_session(world, occupation="hazardous_chemicals"):
    return factories.session(world["safety_base"], SAFETY.code, occupation, level=None, status="open",
                             start_date=today() + timedelta(days=5), planned_hours=64)


@pytest.mark.parametrize("education, allowed", [
    (None, False), ("primary", False), ("junior", False), ("senior", True), ("college", True), ("bachelor", True),
])
def test_hazardous_chemicals_takes_only_senior_high_school_or_above(world, education, allowed):
    session = chemicals_session(world)
    person = factories.trainee("周安全", education=education)
    if allowed:
        assert training.enrol(session, person).status == "enrolled"
        return
    with pytest.raises(DomainError) as refused:
        training.enrol(session, person)
    assert "「文化程度」" in refused.value.message and "高中以上文化程度" in refused.value.message
    assert ("未登记" in refused.value.message) == (education is None)
    assert count(Enrollment) == 0


def test_other_special_operations_take_any_education(world):
    session = chemicals_session(world, "low_voltage_electrician")
    assert training.enrol(session, factories.trainee("吴电工", education="junior")).status == "enrolled"


def test_single_enrolment_of_a_new_person_is_refused_and_nothing_saved(client, world):
    session = chemicals_session(world)
    db.session.commit()
    sign_in(client, "safety_clerk")
    form = {"document_type": "resident_id", "document_number": factories.id_number(date(1990, 1, 1)), "name": "周新人",
            "hukou_type": "urban", "education": "junior"}
    refused = client.post(f"/sessions/{session.id}/enrol", data=form)
    assert refused.status_code == 200 and "「文化程度」为「初中」,不能报名" in refused.text
    assert count(Trainee) == 0 and count(Enrollment) == 0
    unknown = client.post(f"/sessions/{session.id}/enrol", data={**form, "education": ""})
    assert "「文化程度」未登记" in unknown.text and count(Trainee) == 0
    accepted = client.post(f"/sessions/{session.id}/enrol", data={**form, "education": "senior"})
    assert accepted.status_code == 302 and count(Enrollment) == 1


def workbook(rows) -> bytes:
    book = Workbook()
    book.active.append(["姓名", "身份证号", "户籍", "文化程度"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_spreadsheet_import_shows_the_refusal_on_the_row(world):
    session = chemicals_session(world)
    known_junior = factories.trainee("旧学员甲", education="junior")
    known_college = factories.trainee("旧学员乙", education="college")
    content = workbook([
        ["旧学员甲", known_junior.document_number, "", "本科"],  # the record's 初中 counts, not the sheet
        ["旧学员乙", known_college.document_number, "", ""],
        ["新学员丙", factories.id_number(date(1991, 1, 1)), "城镇", "初中"],
        ["新学员丁", factories.id_number(date(1992, 1, 1)), "城镇", ""],
        ["新学员戊", factories.id_number(date(1993, 1, 1)), "农村", "中专"],
    ])
    context = batches.Context(user_id=None, registered_base_id=session.base_id)
    batch, preview = batches.upload("enrolment", session, "名单.xlsx", content, context)
    assert [row.status for row in preview.rows] == ["error", "ready", "error", "error", "ready"]
    assert "「文化程度」为「初中」" in preview.rows[0].errors[0]
    assert "「文化程度」未登记" in preview.rows[3].errors[0]
    batches.confirm(batch.id, context)
    enrolled = db.session.scalars(select(Trainee.name).join(Enrollment, Enrollment.trainee_id == Trainee.id)).all()
    assert sorted(enrolled) == ["新学员戊", "旧学员乙"]
    assert count(Trainee) == 3  # the refused new people were not registered


def test_an_import_for_other_occupations_is_not_judged_by_education(world):
    session = chemicals_session(world, "work_at_height")
    context = batches.Context(user_id=None, registered_base_id=session.base_id)
    _, preview = batches.upload("enrolment", session, "名单.xlsx",
                                workbook([["新学员丙", factories.id_number(date(1991, 1, 1)), "城镇", "小学"]]), context)
    assert [row.status for row in preview.rows] == ["ready"]


# === 任职6个月内考核 and yearly refresher (004 之九 二) ===================================================

def appoint(world, took_post_on, enterprise="ent_a", post="safety_manager", name="郑安全", number=None, on=None):
    person = PersonData("resident_id", number or factories.id_number(date(1980, 1, 1)), name, "urban")
    return appointments.add_appointment(person, appointments.AppointmentData(
        world[enterprise].id, post, "construction", took_post_on), on or took_post_on)


def passed(world, appointment, occupation, assessed_on, hours=None):
    minimum = {"safety_manager_initial": 48, "safety_manager_refresher": 16}[occupation]
    session = factories.session(world["safety_base"], SAFETY.code, occupation, level=None,
                                start_date=assessed_on - timedelta(days=8), end_date=assessed_on, planned_hours=minimum)
    return factories.enrollment(session, appointment.trainee, result="passed", hours=str(hours or minimum),
                                assessed_on=assessed_on, assessment_type="training_qualified")


def standing(appointment, on) -> str:
    return appointments.standing_of(appointment, on).code


def test_assessment_is_due_six_months_after_taking_the_post(world):
    appointment = appoint(world, date(2025, 1, 15))
    assert appointment.assessment_due_on == date(2025, 7, 15)
    assert standing(appointment, date(2025, 1, 15)) == "pending"
    assert standing(appointment, date(2025, 7, 15)) == "pending"  # six months exactly: still due today
    assert appointments.standing_of(appointment, date(2025, 7, 15)).days_left == 0
    assert standing(appointment, date(2025, 7, 16)) == "overdue"  # one day over


def test_the_due_day_of_a_month_end_is_the_months_last_day(world):
    appointment = appoint(world, date(2025, 8, 31))
    assert appointment.assessment_due_on == date(2026, 2, 28)
    assert standing(appointment, date(2026, 2, 28)) == "pending"
    assert standing(appointment, date(2026, 3, 1)) == "overdue"


def test_a_pass_on_the_due_day_is_in_time_the_day_after_is_late(world):
    in_time = appoint(world, date(2025, 1, 15))
    passed(world, in_time, "safety_manager_initial", date(2025, 7, 15))
    assert standing(in_time, date(2025, 8, 1)) == "qualified"
    late = appoint(world, date(2025, 1, 15), name="王迟到")
    passed(world, late, "safety_manager_initial", date(2025, 7, 16))
    assert standing(late, date(2025, 7, 15)) == "pending"  # the later pass is not yet known on that day
    assert standing(late, date(2025, 8, 1)) == "late"


def test_a_pass_before_taking_the_post_counts(world):
    appointment = appoint(world, date(2025, 3, 1))
    passed(world, appointment, "safety_manager_initial", date(2025, 2, 1))
    assert standing(appointment, date(2025, 3, 1)) == "qualified"


def test_a_pass_with_too_few_hours_does_not_count(world):
    appointment = appoint(world, date(2025, 1, 15))
    passed(world, appointment, "safety_manager_initial", date(2025, 3, 1), hours=40)  # below the policy's 48
    assert standing(appointment, date(2025, 7, 16)) == "overdue"
    refresher_only = appoint(world, date(2025, 1, 15), name="钱只复训")
    passed(world, refresher_only, "safety_manager_refresher", date(2025, 3, 1))  # a refresher is not the first training
    assert standing(refresher_only, date(2025, 7, 16)) == "overdue"


def test_the_refresher_is_due_a_year_after_the_last_pass(world):
    appointment = appoint(world, date(2025, 1, 15))
    passed(world, appointment, "safety_manager_initial", date(2025, 3, 1))
    assert appointments.standing_of(appointment, date(2026, 3, 1)).refresher_due_on == date(2026, 3, 1)
    assert standing(appointment, date(2026, 3, 1)) == "qualified"  # a year exactly
    assert standing(appointment, date(2026, 3, 2)) == "refresher_overdue"  # one day over
    passed(world, appointment, "safety_manager_refresher", date(2026, 3, 10), hours=16)
    assert standing(appointment, date(2026, 3, 10)) == "qualified"
    assert standing(appointment, date(2027, 3, 10)) == "qualified"
    assert standing(appointment, date(2027, 3, 11)) == "refresher_overdue"


def test_refresher_cutoff_matches_the_due_day_on_every_day_of_leap_years():
    day = date(2023, 1, 1)
    while day < date(2025, 3, 31):
        cutoff = appointments.refresher_cutoff(day)
        for back in range(355, 375):
            last = day - timedelta(days=back)
            assert (last < cutoff) == (add_months(last, 12) < day), (day, last)
        day += timedelta(days=1)


def test_leaving_the_post_ends_the_clock_and_keeps_the_record(world):
    appointment = appoint(world, date(2025, 1, 15))
    with pytest.raises(DomainError) as refused:
        appointments.end_appointment(appointment, date(2025, 1, 14), date(2025, 9, 1))
    assert refused.value.field == "left_post_on"
    appointments.end_appointment(appointment, date(2025, 5, 1), date(2025, 9, 1))
    assert standing(appointment, date(2025, 9, 1)) == "left"
    with pytest.raises(DomainError, match="已于 2025-05-01 登记离任"):
        appointments.end_appointment(appointment, date(2025, 6, 1), date(2025, 9, 1))
    again = appoint(world, date(2025, 8, 1), number=appointment.trainee.document_number, on=date(2025, 9, 1))
    assert again.trainee_id == appointment.trainee_id and count(SafetyAppointment) == 2


@pytest.mark.parametrize("changes, field", [
    ({"enterprise_id": None}, "enterprise_id"), ({"post": "boss"}, "post"), ({"industry": "banking"}, "industry"),
    ({"took_post_on": None}, "took_post_on"), ({"took_post_on": date(2025, 9, 2)}, "took_post_on"),
])
def test_appointments_refuse_bad_input_naming_the_field(world, changes, field):
    values = dict(enterprise_id=world["ent_a"].id, post="principal", industry="chemicals", took_post_on=date(2025, 1, 1))
    values.update(changes)
    person = PersonData("resident_id", factories.id_number(), "郑安全", "urban")
    with pytest.raises(DomainError) as refused:
        appointments.add_appointment(person, appointments.AppointmentData(**values), date(2025, 9, 1))
    assert refused.value.field == field
    assert count(SafetyAppointment) == 0


def test_the_same_post_is_not_recorded_twice_while_held(world):
    first = appoint(world, date(2025, 1, 15))
    with pytest.raises(DomainError, match="不能重复登记") as refused:
        appoint(world, date(2025, 2, 1), number=first.trainee.document_number, name=first.trainee.name)
    assert refused.value.field == "post"
    principal = appoint(world, date(2025, 2, 1), number=first.trainee.document_number, post="principal")
    assert principal.post_name == "主要负责人"


def test_counts_by_standing(world):
    on = date(2025, 9, 1)
    appoint(world, date(2025, 6, 1), on=on)  # pending
    appoint(world, date(2025, 1, 1), name="甲逾期", on=on)  # overdue
    good = appoint(world, date(2025, 1, 1), name="乙合格", on=on)
    passed(world, good, "safety_manager_initial", date(2025, 2, 1))
    counts = appointments.counts_by_standing(SafetyAppointment.id.is_not(None), on)
    assert (counts["pending"], counts["overdue"], counts["qualified"], counts["late"]) == (1, 1, 1, 0)


def appointment_form(enterprise, **changes) -> dict:
    data = {"document_type": "resident_id", "document_number": factories.id_number(date(1978, 6, 6)), "name": "孙主任",
            "hukou_type": "urban", "education": "college", "phone": "", "enterprise_id": str(enterprise.id),
            "post": "principal", "industry": "construction",
            "took_post_on": (today() - timedelta(days=30)).isoformat(), "note": ""}
    data.update(changes)
    return data


def test_appointment_pages_by_role_and_jurisdiction(client, world):
    sign_in(client, "safety_clerk")
    assert client.get("/ten-groups/safety-appointments/").status_code == 403
    sign_in(client, "ent_a")
    other = client.post("/ten-groups/safety-appointments/new", data=appointment_form(world["ent_b"]))
    assert other.status_code == 400 and count(SafetyAppointment) == 0  # not its own enterprise
    created = client.post("/ten-groups/safety-appointments/new", data=appointment_form(world["ent_a"]))
    assert created.status_code == 302
    appointment = db.session.scalar(select(SafetyAppointment))
    detail = client.get(f"/ten-groups/safety-appointments/{appointment.id}").text
    assert 'data-standing="pending"' in detail and "剩 " in detail
    for username in ("ent_b", "district_b"):
        sign_in(client, username)
        assert client.get(f"/ten-groups/safety-appointments/{appointment.id}").status_code == 404
        assert client.post(f"/ten-groups/safety-appointments/{appointment.id}/end",
                           data={"left_post_on": today().isoformat()}).status_code == 404
        assert "孙主任" not in client.get("/ten-groups/safety-appointments/").text
    sign_in(client, "district_a")
    assert client.get(f"/ten-groups/safety-appointments/{appointment.id}/edit").status_code == 200
    sign_in(client, "city")
    assert "孙主任" in client.get("/ten-groups/safety-appointments/").text


def test_bad_appointment_input_is_named_and_nothing_saved(client, world):
    sign_in(client, "district_a")
    future = client.post("/ten-groups/safety-appointments/new",
                         data=appointment_form(world["ent_a"], took_post_on=(today() + timedelta(days=1)).isoformat()))
    assert future.status_code == 400 and 'data-field="took_post_on"' in future.text and "「任职日期」" in future.text
    nameless = client.post("/ten-groups/safety-appointments/new", data=appointment_form(world["ent_a"], hukou_type=""))
    assert 'data-field="hukou_type"' in nameless.text and "请选择户籍类型" in nameless.text
    no_post = client.post("/ten-groups/safety-appointments/new", data=appointment_form(world["ent_a"], post=""))
    assert 'data-field="post"' in no_post.text and "请选择「岗位」" in no_post.text
    assert count(SafetyAppointment) == 0 and count(Trainee) == 0
    appointment = appoint(world, today() - timedelta(days=10), on=today())
    db.session.commit()
    bad_end = client.post(f"/ten-groups/safety-appointments/{appointment.id}/end",
                          data={"left_post_on": (today() - timedelta(days=20)).isoformat()}, follow_redirects=True)
    assert "「离任日期」应在任职日期" in bad_end.text
    db.session.expire_all()
    assert db.session.get(SafetyAppointment, appointment.id).left_post_on is None


def test_the_overdue_filter_and_the_landing_panel(client, world):
    on = today()
    pending = appoint(world, on - timedelta(days=30), name="甲待考", on=on)
    overdue = appoint(world, add_months(on, -6) - timedelta(days=1), name="乙逾期", on=on)
    stale = appoint(world, on - timedelta(days=800), name="丙复训逾期", on=on)
    passed(world, stale, "safety_manager_initial", on - timedelta(days=790))
    db.session.commit()
    sign_in(client, "district_a")
    page = client.get("/ten-groups/safety-appointments/?standing=any_overdue").text
    assert f'data-appointment="{overdue.id}"' in page and f'data-appointment="{stale.id}"' in page
    assert f'data-appointment="{pending.id}"' not in page
    only_pending = client.get("/ten-groups/safety-appointments/?standing=pending").text
    assert f'data-appointment="{pending.id}"' in only_pending and f'data-appointment="{overdue.id}"' not in only_pending
    landing = client.get(f"/programmes/{SAFETY.code}/").text
    assert 'data-testid="appointment-counts"' in landing and "逾期未考核或再培训逾期" in landing
    assert "高中/中专/技校及以上" in landing
    assert 'data-measure="safety_managers"' in landing


def test_an_appointments_training_shows_its_hours_as_written(client, world):
    """48 学时, not the stored 48.0; the rule cites 穗人社函〔2020〕22号, not the file number."""
    on = today()
    appointment = appoint(world, on - timedelta(days=60), name="丁学时", on=on)
    passed(world, appointment, "safety_manager_initial", on - timedelta(days=20), hours="48.0")
    passed(world, appointment, "safety_manager_refresher", on - timedelta(days=2), hours="16.5")
    db.session.commit()
    db.session.expire_all()
    sign_in(client, "city")
    page = client.get(f"/ten-groups/safety-appointments/{appointment.id}").text
    shown = [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]
    assert "48" in shown and "16.5" in shown and "48.0" not in page
    form = client.get("/ten-groups/safety-appointments/new").text
    assert "(穗人社函〔2020〕22号 之九 二)" in form and "004 之" not in form


# === 职业能力评估 (004 之十 六(一)) =====================================================================

def assessment_data(district, **changes) -> assessments.AssessmentData:
    values = dict(assessed_on=date(2025, 3, 1), assessing_body="广州市残疾人职业能力评估中心",
                  disability_category="physical", disability_grade=3, findings="上肢功能良好,可胜任坐姿工作。",
                  suitable_occupations="电子商务客服", recommendation="skills_training", district_id=district.id)
    values.update(changes)
    return assessments.AssessmentData(**values)


def test_an_assessed_person_is_registered_or_found_and_tagged(world):
    new = assessments.add_assessment(PersonData("resident_id", factories.id_number(), "林新", "rural", education="junior"),
                                     assessment_data(world["a"]), date(2025, 6, 1), base_id=world["disability_base"].id)
    assert "disabled" in new.trainee.tag_codes and new.trainee.registered_base_id == world["disability_base"].id
    known = factories.trainee("梁旧")
    assessed = assessments.add_assessment(PersonData("resident_id", known.document_number, "梁旧"),
                                          assessment_data(world["a"]), date(2025, 6, 1))
    assert assessed.trainee_id == known.id and "disabled" in known.tag_codes
    with pytest.raises(DomainError, match="姓名与该证件已登记的姓名") as refused:
        assessments.add_assessment(PersonData("resident_id", known.document_number, "别人"),
                                   assessment_data(world["a"], assessed_on=date(2025, 4, 1)), date(2025, 6, 1))
    assert refused.value.field == "name"
    with pytest.raises(DomainError, match="已登记") as twice:
        assessments.add_assessment(PersonData("resident_id", known.document_number, "梁旧"),
                                   assessment_data(world["a"]), date(2025, 6, 1))
    assert twice.value.field == "assessed_on"


@pytest.mark.parametrize("changes, field", [
    ({"assessed_on": None}, "assessed_on"), ({"assessed_on": date(2025, 6, 2)}, "assessed_on"),
    ({"assessing_body": " "}, "assessing_body"), ({"disability_category": "other"}, "disability_category"),
    ({"disability_grade": 5}, "disability_grade"), ({"findings": ""}, "findings"),
    ({"suitable_occupations": ""}, "suitable_occupations"), ({"recommendation": "x"}, "recommendation"),
    ({"district_id": None}, "district_id"),
])
def test_assessments_refuse_bad_input_naming_the_field(world, changes, field):
    with pytest.raises(DomainError) as refused:
        assessments.add_assessment(PersonData("resident_id", factories.id_number(), "林新", "rural"),
                                   assessment_data(world["a"], **changes), date(2025, 6, 1))
    assert refused.value.field == field and "「" in refused.value.message
    assert count(CapabilityAssessment) == 0 and count(Trainee) == 0


def test_trained_afterwards_means_a_session_starting_on_or_after_the_assessment(world):
    person = factories.trainee("林评估")
    assessment = assessments.add_assessment(PersonData("resident_id", person.document_number, "林评估"),
                                            assessment_data(world["a"], assessed_on=date(2025, 3, 1)), date(2025, 6, 1))
    every = CapabilityAssessment.id.is_not(None)

    def trained() -> int:
        return assessments.year_summary(every, 2025).trained_after

    before = factories.session(world["disability_base"], DISABILITY.code, "massage", 5, start_date=date(2025, 2, 28))
    factories.enrollment(before, person)
    assert trained() == 0
    same_day = factories.session(world["disability_base"], DISABILITY.code, "massage", 4, start_date=date(2025, 3, 1))
    enrollment = factories.enrollment(same_day, person)
    assert trained() == 1
    enrollment.status = "withdrawn"
    db.session.flush()
    assert trained() == 0
    assert [e.session_id for e in assessments.trainings_after(assessment)] == [same_day.id]


def test_year_summary_and_the_tallied_measure(world):
    for index, (day, district) in enumerate(((date(2025, 3, 1), "a"), (date(2025, 5, 1), "b"), (date(2024, 12, 31), "a"))):
        assessments.add_assessment(PersonData("resident_id", factories.id_number(date(1985, 1, index + 1)), "评估人",
                                              "urban"), assessment_data(world[district], assessed_on=day), date(2025, 6, 1))
    summary = assessments.year_summary(CapabilityAssessment.id.is_not(None), 2025)
    assert (summary.people, summary.trained_after, summary.by_recommendation["skills_training"]) == (2, 0, 2)
    tally = catalogue[DISABILITY.code].extra_measure("capability_assessments").tally
    assert (tally(2025, None), tally(2025, world["a"].id), tally(2024, None), tally(2026, None)) == (2, 1, 1, 0)


def assessment_form(district, **changes) -> dict:
    data = {"document_type": "resident_id", "document_number": factories.id_number(date(1995, 5, 5)), "name": "苏评估",
            "hukou_type": "urban", "education": "", "phone": "", "assessed_on": (today() - timedelta(days=3)).isoformat(),
            "assessing_body": "越秀区残疾人就业服务中心", "disability_category": "hearing", "disability_grade": "3",
            "findings": "听力障碍,手眼协调好。", "suitable_occupations": "手工艺品制作", "recommendation": "skills_training",
            "district_id": str(district.id)}
    data.update(changes)
    return data


def test_assessment_pages_by_role_and_jurisdiction(client, world):
    for username, status in (("other_clerk", 403), ("ent_a", 403)):
        sign_in(client, username)
        assert client.get("/ten-groups/capability-assessments/new").status_code == status
    sign_in(client, "disability_clerk")
    created = client.post("/ten-groups/capability-assessments/new", data=assessment_form(world["a"]))
    assert created.status_code == 302
    assessment = db.session.scalar(select(CapabilityAssessment))
    assert assessment.base_id == world["disability_base"].id and assessment.district_id == world["a"].id
    assert client.get(f"/ten-groups/capability-assessments/{assessment.id}/edit").status_code == 200
    record = client.get(f"/trainees/{assessment.trainee_id}").text
    assert "职业能力评估" in record and f'data-assessment="{assessment.id}"' in record
    sign_in(client, "district_b")
    assert client.get(f"/ten-groups/capability-assessments/{assessment.id}").status_code == 404
    assert client.get(f"/ten-groups/capability-assessments/{assessment.id}/edit").status_code == 404
    assert "苏评估" not in client.get("/ten-groups/capability-assessments/").text
    sign_in(client, "district_a")
    assert client.get(f"/ten-groups/capability-assessments/{assessment.id}").status_code == 200
    sign_in(client, "other_clerk")
    assert client.get(f"/ten-groups/capability-assessments/{assessment.id}").status_code == 404


def test_a_district_registering_a_new_person_keeps_sight_of_them(client, world):
    """An assessment or an appointment a district bureau records for a person new to the registry
    registers the person as the bureau's (registered_district_id): the assessment's 学员档案 link shows
    and opens; a base's clerk registers as the base, an enterprise as nobody (it sees its own records)."""
    sign_in(client, "district_a")
    assert client.post("/ten-groups/capability-assessments/new", data=assessment_form(world["a"])).status_code == 302
    assessment = db.session.scalar(select(CapabilityAssessment))
    person = assessment.trainee
    assert (person.registered_district_id, person.registered_base_id) == (world["a"].id, None)
    detail = client.get(f"/ten-groups/capability-assessments/{assessment.id}").text
    assert f'href="/trainees/{person.id}"' in detail
    assert client.get(f"/trainees/{person.id}").status_code == 200
    assert client.post("/ten-groups/safety-appointments/new", data=appointment_form(world["ent_a"])).status_code == 302
    appointed = db.session.scalar(select(SafetyAppointment)).trainee
    assert (appointed.registered_district_id, appointed.registered_base_id) == (world["a"].id, None)
    assert client.get(f"/trainees/{appointed.id}").status_code == 200
    sign_in(client, "disability_clerk")
    assert client.post("/ten-groups/capability-assessments/new",
                       data=assessment_form(world["a"], document_number=factories.id_number(date(1996, 6, 6)),
                                            name="基地登记")).status_code == 302
    by_base = db.session.scalar(select(Trainee).where(Trainee.name == "基地登记"))
    assert (by_base.registered_district_id, by_base.registered_base_id) == (None, world["disability_base"].id)
    sign_in(client, "ent_a")
    assert client.post("/ten-groups/safety-appointments/new",
                       data=appointment_form(world["ent_a"], document_number=factories.id_number(date(1977, 7, 7)),
                                             name="企业登记")).status_code == 302
    by_enterprise = db.session.scalar(select(Trainee).where(Trainee.name == "企业登记"))
    assert (by_enterprise.registered_district_id, by_enterprise.registered_base_id) == (None, None)


def test_an_assessed_person_registered_elsewhere_is_not_linked(client, world):
    """The district sees the assessment it recorded, but not the person another district's base
    registered: no 学员档案 link (it would 404)."""
    person = factories.trainee("外区残疾人", registered_base_id=world["other_base"].id)
    db.session.commit()
    sign_in(client, "district_a")
    form = assessment_form(world["a"], document_number=person.document_number, name="外区残疾人")
    assert client.post("/ten-groups/capability-assessments/new", data=form).status_code == 302
    assessment = db.session.scalar(select(CapabilityAssessment))
    detail = client.get(f"/ten-groups/capability-assessments/{assessment.id}")
    assert detail.status_code == 200 and f"/trainees/{person.id}" not in detail.text
    assert client.get(f"/trainees/{person.id}").status_code == 404


def test_bad_assessment_input_is_named_and_nothing_saved(client, world):
    sign_in(client, "district_a")
    bad = client.post("/ten-groups/capability-assessments/new", data=assessment_form(world["a"], findings=""))
    assert bad.status_code == 400 and 'data-field="findings"' in bad.text and "请填写「评估结论」" in bad.text
    grade = client.post("/ten-groups/capability-assessments/new", data=assessment_form(world["a"], disability_grade=""))
    assert 'data-field="disability_grade"' in grade.text and "「残疾等级」" in grade.text
    elsewhere = client.post("/ten-groups/capability-assessments/new", data=assessment_form(world["b"]))
    assert elsewhere.status_code == 400  # a district records in its own district
    assert count(CapabilityAssessment) == 0 and count(Trainee) == 0


def test_the_assessment_panel_list_and_measure(client, world):
    person = factories.trainee("林评估")
    assessments.add_assessment(PersonData("resident_id", person.document_number, "林评估"),
                               assessment_data(world["a"], assessed_on=today() - timedelta(days=30)), today())
    later = factories.session(world["disability_base"], DISABILITY.code, "massage", 5,
                              start_date=today() - timedelta(days=10), status="in_progress")
    factories.enrollment(later, person)
    assessments.add_assessment(PersonData("resident_id", factories.id_number(), "未参训者", "urban"),
                               assessment_data(world["a"], assessed_on=today() - timedelta(days=1)), today())
    db.session.commit()
    sign_in(client, "district_a")
    landing = client.get(f"/programmes/{DISABILITY.code}/").text
    assert 'data-testid="assessed">2<' in landing and 'data-testid="trained-after">1 ' in landing
    assert 'data-measure="capability_assessments"' in landing
    trained = client.get(f"/ten-groups/capability-assessments/?year={today().year}&trained=yes").text
    assert "林评估" in trained and "未参训者" not in trained
    drill = client.get(f"/ten-groups/capability-assessments/?year={today().year}&district={world['a'].id}")
    assert drill.status_code == 200 and "未参训者" in drill.text
    assert client.get("/ten-groups/capability-assessments/?year=abc").status_code == 400


# === demo ===========================================================================================

def test_demo_records_show_every_status(app):
    from registry.demo import seed_demo

    counts = seed_demo("test")
    assert counts["两后生台账"] == count(SchoolLeaver)
    assert counts["安全管理人员任职记录"] == count(SafetyAppointment)
    assert counts["职业能力评估"] == count(CapabilityAssessment)
    statuses = ledger.counts_by_status(SchoolLeaver.id.is_not(None))
    assert all(statuses[code] for code in ("untrained", "training", "trained", "unwilling"))
    standings = appointments.counts_by_standing(SafetyAppointment.id.is_not(None), today())
    assert all(standings[code] for code in ("pending", "overdue", "qualified", "late", "left"))
    summary = assessments.year_summary(CapabilityAssessment.id.is_not(None), today().year)
    assert 0 < summary.trained_after < summary.people
