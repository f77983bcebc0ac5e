"""Sessions: planned only for recognised programmes, guarded states, capacity, results rules."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from registry.domain.audit import AuditLog
from registry.domain.common import today
from registry.domain.errors import DomainError
from registry.domain.trainees.operations import TraineeData
from registry.domain.training import operations as ops
from registry.domain.training.models import TrainingSession
from registry.domain.training.results import ResultData, record_employment, record_result
from registry.extensions import db
from tests import factories


def plan(**overrides) -> ops.SessionData:
    start = overrides.pop("start_date", today() + timedelta(days=10))
    values = dict(programme_code="yuecai", occupation_code="chinese_cook", level=5, kind="short",
                  start_date=start, end_date=start + timedelta(days=20), planned_hours=80, capacity=3)
    values.update(overrides)
    return ops.SessionData(**values)


@pytest.fixture
def base():
    return factories.base(programmes=("yuecai", "safety", "apprenticeship"))


def test_session_gets_a_code_and_its_track(base):
    first = ops.create_session(base, plan())
    second = ops.create_session(base, plan())
    year = first.start_date.year
    assert (first.code, second.code) == (f"{year}-{base.id:04d}-0001", f"{year}-{base.id:04d}-0002")
    assert first.status == "planned"


@pytest.mark.parametrize(
    "overrides,field,fragment",
    [
        ({"programme_code": "jiazheng", "occupation_code": "housekeeper"}, "programme_code", "未获「南粤家政」项目认定"),
        ({"occupation_code": "housekeeper"}, "occupation_code", "没有该职业"),
        ({"level": None}, "level", "可选等级"),
        ({"occupation_code": "cantonese_roast", "level": 4}, "level", "不分等级"),
        ({"kind": "apprentice"}, "kind", "短期培训"),
        ({"end_date": today()}, "end_date", "不能早于开班日期"),
        ({"capacity": 0}, "capacity", "容量"),
    ],
)
def test_bad_plans_are_refused_naming_the_field(base, overrides, field, fragment):
    with pytest.raises(DomainError) as error:
        ops.create_session(base, plan(**overrides))
    assert error.value.field == field and fragment in error.value.message


def test_special_item_has_no_level(base):
    assert ops.create_session(base, plan(occupation_code="cantonese_roast", level=None)).level is None


def test_safety_session_must_plan_the_policy_minimum(base):
    with pytest.raises(DomainError) as error:
        ops.create_session(base, plan(programme_code="safety", occupation_code="safety_manager_initial",
                                      level=None, planned_hours=40))
    assert "48学时" in error.value.message


def test_apprentice_class_needs_an_enterprise(base):
    data = plan(programme_code="apprenticeship", occupation_code="welder", kind="apprentice")
    with pytest.raises(DomainError) as error:
        ops.create_session(base, data)
    assert error.value.field == "enterprise_id"
    data.enterprise_id = factories.enterprise().id
    assert ops.create_session(base, data).enterprise_id == data.enterprise_id


def test_state_transitions_are_guarded_by_dates_and_results(base):
    session = ops.create_session(base, plan(start_date=today() - timedelta(days=5), capacity=5))
    with pytest.raises(DomainError):
        ops.move_session(session, "completed")  # not from planned
    ops.move_session(session, "open")
    ops.move_session(session, "in_progress")
    with pytest.raises(DomainError) as error:
        ops.move_session(session, "completed")
    assert "结业日期" in error.value.message
    ops.move_session(session, "completed", on=session.end_date)
    person = factories.trainee()
    enrollment = factories.enrollment(session, person, result=None)
    with pytest.raises(DomainError) as error:
        ops.move_session(session, "closed", on=session.end_date)
    assert "1 名学员未录入考核结果" in error.value.message
    record_result(enrollment, ResultData("80", "passed", "90", session.end_date, "skill_level"), on=session.end_date)
    ops.move_session(session, "closed", on=session.end_date)
    assert session.status == "closed"


def test_cannot_start_before_the_start_date(base):
    session = ops.create_session(base, plan())
    ops.move_session(session, "open")
    with pytest.raises(DomainError) as error:
        ops.move_session(session, "in_progress")
    assert "未到" in error.value.message


def person_data(name="陈小红", birth=date(1990, 4, 1), **overrides) -> TraineeData:
    values = dict(document_type="resident_id", document_number=factories.id_number(birth), name=name,
                  hukou_type="urban")
    values.update(overrides)
    return TraineeData(**values)


def test_enrol_by_document_finds_or_registers_and_respects_capacity(base):
    session = ops.create_session(base, plan(capacity=2))
    data = person_data()
    enrollment, created, _ = ops.enrol_person(session, data)
    assert created
    with pytest.raises(DomainError) as error:
        ops.enrol_person(session, data)
    assert "已在本班期报名" in error.value.message
    other = ops.create_session(base, plan(capacity=2))
    again, created, _ = ops.enrol_person(other, person_data(document_number=data.document_number.lower()))
    assert not created and again.trainee_id == enrollment.trainee_id
    with pytest.raises(DomainError) as error:
        ops.enrol_person(other, person_data(name="别人", document_number=data.document_number))
    assert error.value.field == "name" and "陈*红" in error.value.message
    ops.enrol_person(session, person_data("李四", date(1991, 1, 1)))
    with pytest.raises(DomainError) as error:
        ops.enrol_person(session, person_data("王五", date(1992, 1, 1)))
    assert "剩余 0 个名额" in error.value.message


def test_withdrawal_frees_a_place_and_keeps_the_record(base):
    session = ops.create_session(base, plan(capacity=1))
    enrollment, _, _ = ops.enrol_person(session, person_data())
    with pytest.raises(DomainError):
        ops.withdraw(enrollment, today(), " ")
    ops.withdraw(enrollment, today(), "找到工作")
    assert (enrollment.status, enrollment.withdrawal_reason) == ("withdrawn", "找到工作")
    ops.enrol_person(session, person_data("李四", date(1991, 1, 1)))


def test_a_withdrawal_is_cancelled_with_a_reason_while_there_is_a_place(base):
    session = ops.create_session(base, plan(capacity=1))
    person = person_data()
    enrollment, _, _ = ops.enrol_person(session, person)
    with pytest.raises(DomainError, match="不是退训状态"):
        ops.cancel_withdrawal(enrollment, "误操作")
    ops.withdraw(enrollment, today() - timedelta(days=1), "找到工作")
    other, _, _ = ops.enrol_person(session, person_data("李四", date(1991, 1, 1)))
    with pytest.raises(DomainError) as error:
        ops.cancel_withdrawal(enrollment, " ")
    assert error.value.field == "reason"
    with pytest.raises(DomainError, match="容量 1 人已满"):  # the freed place was taken
        ops.cancel_withdrawal(enrollment, "误操作")
    ops.withdraw(other, today(), "另报他班")
    ops.cancel_withdrawal(enrollment, "误操作")
    db.session.commit()
    assert (enrollment.status, enrollment.withdrawn_on, enrollment.withdrawal_reason) == ("enrolled", None, None)
    assert ops.active_count(session) == 1
    row = db.session.scalars(
        select(AuditLog).where(AuditLog.entity_type == "enrollments", AuditLog.entity_id == str(enrollment.id))
        .order_by(AuditLog.id.desc())
    ).first()
    assert row.reason == "撤销退训:误操作"
    assert row.changes["before"] == {"status": "withdrawn", "withdrawn_on": str(today() - timedelta(days=1)),
                                     "withdrawal_reason": "找到工作"}
    ops.withdraw(enrollment, today(), "再次退训")
    with pytest.raises(DomainError) as error:  # enrolling again points to the roster's way back
        ops.enrol_person(session, person)
    assert "请在学员名单中撤销退训" in error.value.message


@pytest.fixture
def running(base):
    session = ops.create_session(base, plan(start_date=today() - timedelta(days=30), capacity=10))
    session.end_date = today() - timedelta(days=1)
    ops.move_session(session, "open")
    ops.move_session(session, "in_progress")
    return session


def result(hours="80", outcome="passed", score="88", on=None, kind="skill_level"):
    return ResultData(hours, outcome, score, on or today() - timedelta(days=1), kind)


def test_results_are_refused_before_the_session_starts(base):
    session = ops.create_session(base, plan())
    enrollment, _, _ = ops.enrol_person(session, person_data())
    with pytest.raises(DomainError) as error:
        record_result(enrollment, result())
    assert "尚未开始" in error.value.message


@pytest.mark.parametrize(
    "data,field,fragment",
    [
        (result(hours="81"), "attended_hours", "超过计划学时"),
        (result(score="101"), "score", "0 到 100"),
        (result(kind="special_ability"), "assessment_type", "职业技能等级认定"),
        (result(hours=None), "attended_hours", "合格须填写实到学时"),
        (ResultData("80", "passed", "88", None, "skill_level"), "assessed_on", "考核日期"),
        (ResultData("80", "maybe", None, None, None), "result", "合格、不合格 或 缺考"),
        (result(on=today() + timedelta(days=1)), "assessed_on", "今天"),
        (result(hours="NaN"), "attended_hours", "实到学时"),
        (result(hours="nan"), "attended_hours", "实到学时"),
        (result(hours="inf"), "attended_hours", "实到学时"),
        (result(score="NaN"), "score", "成绩"),
        (result(score="-Infinity"), "score", "成绩"),
    ],
)
def test_bad_results_name_the_field(running, data, field, fragment):
    enrollment, _, _ = ops.enrol_person(running, person_data())
    with pytest.raises(DomainError) as error:
        record_result(enrollment, data)
    assert error.value.field == field and fragment in error.value.message


def test_safety_pass_below_the_minimum_hours_names_the_rule(base):
    session = ops.create_session(base, plan(programme_code="safety", occupation_code="safety_manager_refresher",
                                            level=None, planned_hours=24, start_date=today() - timedelta(days=3)))
    ops.move_session(session, "open")
    ops.move_session(session, "in_progress")
    enrollment, _, _ = ops.enrol_person(session, person_data())
    with pytest.raises(DomainError) as error:
        record_result(enrollment, result(hours="15", kind="training_qualified"))
    assert "16学时" in error.value.message and "穗人社函〔2020〕22号 之九 二" in error.value.message
    assert error.value.message.startswith("实到学时 15 低于最低要求 16 学时")
    record_result(enrollment, result(hours="16", kind="training_qualified"))
    assert enrollment.result == "passed"
    # a fail below the minimum is a fact, not a breach
    other, _, _ = ops.enrol_person(session, person_data("李四", date(1991, 1, 1)))
    record_result(other, result(hours="8", outcome="failed", kind="training_qualified"))


def test_closed_sessions_change_only_by_bureau_with_a_reason(running):
    enrollment, _, _ = ops.enrol_person(running, person_data())
    record_result(enrollment, result())
    ops.move_session(running, "completed")
    ops.move_session(running, "closed")
    with pytest.raises(DomainError) as error:
        record_result(enrollment, result(score="70"))
    assert "只有人社部门" in error.value.message
    with pytest.raises(DomainError) as error:
        record_result(enrollment, result(score="70"), by_bureau=True)
    assert error.value.field == "reason"
    record_result(enrollment, result(score="70"), by_bureau=True, reason="复核更正成绩")
    db.session.commit()
    row = db.session.scalars(
        select(AuditLog).where(AuditLog.entity_type == "enrollments", AuditLog.entity_id == str(enrollment.id))
        .order_by(AuditLog.id.desc())
    ).first()
    assert row.reason == "复核更正成绩" and row.changes["after"] == {"score": "70.0"}


def test_employment_follow_up(running):
    enrollment, _, _ = ops.enrol_person(running, person_data())
    with pytest.raises(DomainError) as error:
        record_employment(enrollment, True, today(), "")
    assert error.value.field == "employer_name"
    record_employment(enrollment, True, today(), "广州某酒家")
    assert (enrollment.is_employed, enrollment.employer_name) == (True, "广州某酒家")
    record_employment(enrollment, False, None, None)
    assert enrollment.employed_on is None and enrollment.employer_name is None


def test_absent_clears_the_score(running):
    enrollment, _, _ = ops.enrol_person(running, person_data())
    record_result(enrollment, ResultData("10", "absent", "50", today() - timedelta(days=1), None))
    assert enrollment.score is None and enrollment.attended_hours == Decimal("10.0")


@pytest.fixture
def statements():
    """The SQL this test sends, in order."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    sent: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()).upper())

    event.listen(Engine, "before_cursor_execute", note)
    yield sent
    event.remove(Engine, "before_cursor_execute", note)


def _lock_before_count(sent: list[str], engine_name: str) -> None:
    lock = next(i for i, s in enumerate(sent) if s.startswith("SELECT TRAINING_SESSIONS.ID")
                and "WHERE TRAINING_SESSIONS.ID =" in s)
    count = next(i for i, s in enumerate(sent) if "COUNT(ENROLLMENTS.ID)" in s)
    assert lock < count
    if engine_name == "postgresql":
        assert sent[lock].endswith("FOR UPDATE")


def test_enrolment_locks_the_session_row_before_counting_places(base, statements, engine_name):
    session = ops.create_session(base, plan(capacity=2))
    db.session.flush()
    statements.clear()
    ops.enrol_person(session, person_data())
    _lock_before_count(statements, engine_name)


def test_import_confirm_locks_the_session_row_before_counting_places(base, statements, engine_name):
    from registry.domain.imports import batches
    from tests.domain.test_imports import xlsx

    session = ops.create_session(base, plan(capacity=2))
    rows = [[1, "甲一", "身份证", factories.id_number(date(1990, 5, 1)), "", "", "", "城镇", "", ""]]
    context = batches.Context(user_id=None, registered_base_id=base.id)
    batch, _ = batches.upload("enrolment", session, "a.xlsx", xlsx(rows), context)
    db.session.flush()
    statements.clear()
    batches.confirm(batch.id, context)
    _lock_before_count(statements, engine_name)


def test_the_lock_reads_the_session_again(base):
    """What another clerk committed before the lock was granted (here: a smaller capacity) is what counts."""
    session = ops.create_session(base, plan(capacity=2))
    ops.enrol_person(session, person_data())
    db.session.flush()
    db.session.execute(TrainingSession.__table__.update().where(TrainingSession.id == session.id).values(capacity=1))
    with pytest.raises(DomainError) as error:
        ops.enrol_person(session, person_data("李四", date(1991, 1, 1)))
    assert "剩余 0 个名额" in error.value.message and session.capacity == 1


def test_a_withdrawn_trainee_is_told_when_they_left_not_that_they_are_enrolled(base):
    session = ops.create_session(base, plan(capacity=3))
    data = person_data()
    enrollment, _, _ = ops.enrol_person(session, data)
    ops.withdraw(enrollment, today() - timedelta(days=2), "找到工作")
    with pytest.raises(DomainError) as error:
        ops.enrol_person(session, data)
    message = error.value.message
    assert "已在本班期报名" not in message
    assert f"已于 {today() - timedelta(days=2):%Y-%m-%d} 退出本班期" in message and error.value.field == "document_number"


def test_planned_hours_cannot_drop_below_hours_already_recorded(running):
    enrollment, _, _ = ops.enrol_person(running, person_data())
    record_result(enrollment, ResultData("72.5", None, None, None, None))
    data = plan(start_date=running.start_date, end_date=running.end_date, capacity=10, planned_hours=72)
    with pytest.raises(DomainError) as error:
        ops.update_session(running, data)
    assert error.value.field == "planned_hours" and "计划学时" in error.value.message and "72.5" in error.value.message
    data.planned_hours = 73
    assert ops.update_session(running, data).planned_hours == 73


def test_planned_hours_may_drop_when_nothing_is_recorded(running):
    ops.enrol_person(running, person_data())
    data = plan(start_date=running.start_date, end_date=running.end_date, capacity=10, planned_hours=60)
    assert ops.update_session(running, data).planned_hours == 60
