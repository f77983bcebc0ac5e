"""Ten key groups 1, 5, 6 and 7 (穗人社函〔2020〕22号 之一, 之五, 之六, 之七): each rule of the package, its
pages for each role, jurisdiction by URL, bad input, and what the landing pages show."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, true

from registry.blueprints.ten_groups.workforce import high_skill, job_change, people, rural, veterans
from registry.blueprints.ten_groups.workforce.models import JobChangeRecord, RuralLabourer, VeteranIntake
from registry.domain.catalogue import catalogue
from registry.domain.certificates.operations import issue_certificates, revoke
from registry.domain.certificates.signing import KeyRing
from registry.domain.common import today
from registry.domain.errors import DomainError
from registry.domain.organisations.operations import set_evaluation_site
from registry.domain.reconciliation import figures, targets
from registry.domain.trainees.models import Trainee
from registry.domain.trainees.operations import find_trainee
from registry.extensions import db
from tests import factories

A, B = "440106", "440111"  # 天河区, 白云区
Y = 2025
ON = date(2025, 12, 31)


# --- fixtures and helpers -----------------------------------------------------------------------------

@pytest.fixture
def world():
    w = {
        "nw": factories.base("南沙智造企业培训中心", "440115", programmes=("new_workers",)),
        "nw_b": factories.base("白云装备制造培训中心", B, programmes=("new_workers",)),
        "jc": factories.base("天河粤厨职业培训学校", A, programmes=("job_change",)),
        "jc_b": factories.base("白云转岗培训中心", B, programmes=("job_change",)),
        "rural": factories.base("天河农业技术培训学校", A, programmes=("rural_labour",)),
        "rural_b": factories.base("白云农村电商培训中心", B, programmes=("rural_labour",)),
        "vet": factories.base("越秀区就业训练中心", "440104", programmes=("veterans",)),
        "vet_b": factories.base("白云退役军人培训学校", B, programmes=("veterans",)),
    }
    w["ent"] = factories.enterprise("天河精工有限公司", A)
    factories.user("city", "city")
    factories.user("district_a", "district", district_id=factories.district(A).id)
    factories.user("district_b", "district", district_id=factories.district(B).id)
    for key in ("nw", "nw_b", "jc", "jc_b", "rural", "rural_b", "vet", "vet_b"):
        factories.user(f"base_{key}", "base", base_id=w[key].id)
    factories.user("ent", "enterprise", enterprise_id=w["ent"].id)
    db.session.commit()
    return w


def sign_in(client, username):
    client.post("/auth/logout")
    factories.login(client, username)


def measure(code: str, measure_code: str, year: int = Y, district_id: int | None = None) -> int | None:
    rows = figures.programme_year(code, year, district_id, ON, None)
    return next(row.actual for row in rows if row.code == measure_code)


def participant(session, name="王参训", hukou="urban", result="passed", **fields):
    trainee = factories.trainee(name, hukou_type=hukou)
    return trainee, factories.enrollment(session, trainee, result=result, **fields)


def new_person(name="李农民", **changes) -> people.PersonData:
    return people.PersonData("resident_id", changes.pop("document_number", None) or factories.id_number(), name, **changes)


def labourer_data(district=A, **changes) -> rural.LabourerData:
    data = dict(district_id=factories.district(district).id, town="珠吉街道", village="珠村", training_need="skills_income",
                registered_on=date(2025, 6, 1))
    data.update(changes)
    return rural.LabourerData(**data)


def intake_data(year=Y, district=A, **changes) -> veterans.IntakeData:
    data = dict(discharge_year=year, district_id=factories.district(district).id, placement="self_employed",
                registered_on=date(year, 9, 20))
    data.update(changes)
    return veterans.IntakeData(**data)


def record_count(html: str, label: str) -> int:
    match = re.search(re.escape(label) + r".*?data-testid=\"record-count\">(\d+)<", html, re.S)
    assert match, label
    return int(match.group(1))


# --- presets ----------------------------------------------------------------------------------------------

def test_policy_figures_are_preset_as_yearly_targets():
    presets = {(p.code, t.measure): t for p in catalogue.all() for t in p.target_presets}
    assert presets[("new_workers", "high_skill_leaders")].value == 200
    assert presets[("new_workers", "top_talent")].value == 200
    assert "600人次" in presets[("new_workers", "top_talent")].basis and "每年200人次" in presets[("new_workers", "top_talent")].basis
    assert presets[("rural_labour", "new_farmers")].value == 4500 and "9000" in presets[("rural_labour", "new_farmers")].basis
    # Spread over 2019–2021 and rounded up, so three years reach the policy's figure.
    assert presets[("rural_labour", "rural_ecommerce")].value * 3 >= 5000
    assert presets[("rural_labour", "coop_trainings")].value * 3 >= 4000
    assert presets[("veterans", "trainings")].value * 3 == 6000


def test_presets_load_as_the_city_targets(world):
    created = targets.load_presets(Y, None, ON)
    loaded = {(t.programme_code, t.measure_code): t.value for t in created}
    assert loaded[("new_workers", "high_skill_leaders")] == 200
    assert loaded[("rural_labour", "rural_ecommerce")] == 1667
    assert loaded[("rural_labour", "coop_trainings")] == 1334


# --- 新生代产业工人: how a participation counts (004 之一 二、三) ----------------------------------------

def test_leader_workshops_count_as_high_skill_leaders_only(world):
    session = factories.session(world["nw"], "new_workers", "high_skill_leader_training", None,
                                start_date=date(2025, 5, 1), end_date=date(2025, 5, 5))
    participant(session, "甲领军")
    participant(session, "乙领军", result=None)
    assert measure("new_workers", "high_skill_leaders") == 2
    assert measure("new_workers", "top_talent") == 0


@pytest.mark.parametrize(("occupation", "level", "counts"), [
    ("top_talent_training", None, True),   # the 拔尖技能人才研修 item
    ("cnc_programmer", 2, True),           # 技师
    ("ai_trainer", 1, True),               # 高级技师
    ("cnc_programmer", 3, False),          # 高级工: only with a certificate (below)
    ("electrician", 5, False),
])
def test_top_talent_by_item_or_level(world, occupation, level, counts):
    session = factories.session(world["nw"], "new_workers", occupation, level, start_date=date(2025, 3, 1))
    participant(session)
    assert measure("new_workers", "top_talent") == (1 if counts else 0)
    assert measure("new_workers", "high_skill_leaders") == 0


@pytest.fixture
def keyring(tmp_path):
    return KeyRing(tmp_path / "keys")


def senior_certificate(world, keyring, trainee, issued_on: date, level=2, assessment="skill_level"):
    """A certificate the person earned in another programme's session before."""
    base = factories.base(programmes=("jigong",))
    set_evaluation_site(base, "S", "0000", f"{base.id:06d}")
    earlier = factories.session(base, "jigong", "electrician", level, start_date=issued_on - timedelta(days=40),
                                end_date=issued_on - timedelta(days=5))
    passed = factories.enrollment(earlier, trainee, result="passed", assessment_type=assessment)
    return issue_certificates(earlier, [passed], keyring, issued_on)[0]


@pytest.mark.parametrize(("issued_offset", "counts"), [(-30, True), (0, True), (1, False)])
def test_top_talent_by_a_senior_certificate_held_when_the_session_began(world, keyring, issued_offset, counts):
    start = date(2025, 6, 10)
    session = factories.session(world["nw"], "new_workers", "fitter", 4, start_date=start, end_date=date(2025, 7, 10))
    trainee, _ = participant(session, "持证者")
    senior_certificate(world, keyring, trainee, start + timedelta(days=issued_offset))
    assert measure("new_workers", "top_talent") == (1 if counts else 0)


def test_a_lower_revoked_or_other_certificate_does_not_make_top_talent(world, keyring):
    start = date(2025, 6, 10)
    session = factories.session(world["nw"], "new_workers", "fitter", 4, start_date=start, end_date=date(2025, 7, 10))
    senior, _ = participant(session, "高级工")
    senior_certificate(world, keyring, senior, date(2025, 1, 10), level=3)
    revoked, _ = participant(session, "已撤销")
    certificate = senior_certificate(world, keyring, revoked, date(2025, 1, 10), level=2)
    revoke(certificate, "fraud", date(2025, 2, 1), "冒名顶替")
    qualified, _ = participant(session, "培训合格")
    senior_certificate(world, keyring, qualified, date(2025, 1, 10), level=2, assessment="training_qualified")
    assert measure("new_workers", "top_talent") == 0


def test_a_leader_workshop_never_counts_twice_and_withdrawn_or_unfinished_never(world, keyring):
    leaders = factories.session(world["nw"], "new_workers", "high_skill_leader_training", None, start_date=date(2025, 6, 1))
    holder, _ = participant(leaders, "领军人才")
    senior_certificate(world, keyring, holder, date(2025, 1, 5), level=1)
    level_two = factories.session(world["nw"], "new_workers", "cnc_programmer", 2, start_date=date(2025, 8, 1))
    participant(level_two, "退训者", status="withdrawn")
    running = factories.session(world["nw"], "new_workers", "cnc_programmer", 2, start_date=date(2025, 11, 1),
                                end_date=date(2025, 12, 20), status="in_progress")
    participant(running, "在训者", result=None)
    assert measure("new_workers", "high_skill_leaders") == 1
    assert measure("new_workers", "top_talent") == 0


def test_counted_list_gives_each_participation_its_route(world, keyring):
    item = factories.session(world["nw"], "new_workers", "top_talent_training", None, start_date=date(2025, 4, 1))
    participant(item, "研修者")
    level = factories.session(world["nw"], "new_workers", "ai_trainer", 1, start_date=date(2025, 5, 1))
    participant(level, "高级技师班")
    plain = factories.session(world["nw"], "new_workers", "fitter", 4, start_date=date(2025, 9, 1))
    holder, _ = participant(plain, "持证钳工")
    senior_certificate(world, keyring, holder, date(2025, 3, 1))
    participant(plain, "普通钳工")
    leaders = factories.session(world["nw"], "new_workers", "high_skill_leader_training", None, start_date=date(2025, 10, 1))
    participant(leaders, "领军者")
    enrollments = db.session.scalars(high_skill.counted_query(Y, true())).all()
    explained = {c.trainee.name: (c.measure, c.route) for c in high_skill.explain(enrollments)}
    assert explained == {"研修者": ("top_talent", "item"), "高级技师班": ("top_talent", "level"),
                         "持证钳工": ("top_talent", "certificate"), "领军者": ("high_skill_leaders", None)}
    counts = high_skill.year_counts(Y, true())
    assert (counts.high_skill_leaders, counts.top_talent) == (1, 3)
    assert counts.routes == {"item": 1, "level": 1, "certificate": 1}


# --- 企业职工转岗转业: each participant's situation (004 之五 三、四) -------------------------------------

def job_data(**changes) -> job_change.JobChangeData:
    data = dict(former_enterprise_name="广州恒信纺织有限公司", former_post="挡车工", situation="laid_off",
                separated_on=date(2025, 2, 10), intended_post="粤菜厨师")
    data.update(changes)
    return job_change.JobChangeData(**data)


@pytest.fixture
def cook_session(world):
    return factories.session(world["jc"], "job_change", "chinese_cook", 5, start_date=date(2025, 3, 1),
                             end_date=date(2025, 4, 15))


def test_situations_make_the_job_change_measures(world, cook_session):
    skills = factories.session(world["jc"], "job_change", "enterprise_skills", None, start_date=date(2025, 5, 1))
    for name, situation, session in (("甲", "laid_off", cook_session), ("乙", "contract_ended", cook_session),
                                     ("丙", "redeployed", cook_session), ("丁", "in_post", cook_session),
                                     ("戊", "suspended", skills), ("己", "laid_off", skills)):
        _, enrollment = participant(session, name + "职工")
        separated = None if situation in ("in_post", "redeployed", "suspended") else date(2025, 1, 20)
        job_change.record_job_change(enrollment, job_data(situation=situation, separated_on=separated), ON)
    participant(cook_session, "未登记职工")
    assert measure("job_change", "laid_off_trainings") == 3
    assert measure("job_change", "redeployed_trainings") == 2
    # Only those who left their post, and only in the four trades 之五 四 names.
    assert measure("job_change", "service_sector_trainings") == 3
    assert job_change.by_situation(Y, true()) == {"laid_off": 2, "contract_ended": 1, "redeployed": 1,
                                                       "in_post": 1, "suspended": 1, None: 1}
    assert job_change.missing_count(true()) == 1


def test_a_record_is_corrected_in_place(world, cook_session):
    _, enrollment = participant(cook_session)
    first = job_change.record_job_change(enrollment, job_data(), ON)
    again = job_change.record_job_change(enrollment, job_data(situation="in_post", separated_on=None), ON)
    assert again.id == first.id and again.situation == "in_post"
    assert db.session.scalar(select(func.count(JobChangeRecord.id))) == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"former_enterprise_name": " "}, "former_enterprise_name", "请填写原工作单位"),
    ({"former_post": ""}, "former_post", "请填写原岗位"),
    ({"former_credit_code": "91440101MA59X0000A"}, "former_credit_code", "统一社会信用代码"),
    ({"situation": "retired"}, "situation", "请选择人员情况"),
    ({"situation": "contract_ended", "separated_on": None}, "separated_on", "须填写离岗"),
    ({"situation": "in_post", "separated_on": date(2025, 1, 1)}, "separated_on", "在岗职工不填写离岗日期"),
    ({"separated_on": date(2025, 4, 16)}, "separated_on", "不能晚于本班期结业日期"),
])
def test_bad_situations_are_refused_naming_the_field(world, cook_session, changes, field, message):
    _, enrollment = participant(cook_session)
    with pytest.raises(DomainError, match=message) as refused:
        job_change.record_job_change(enrollment, job_data(**changes), ON)
    assert refused.value.field == field


def test_separation_boundaries(world, cook_session):
    _, on_last_day = participant(cook_session, "结业日离岗")
    job_change.record_job_change(on_last_day, job_data(separated_on=cook_session.end_date), ON)
    _, tomorrow = participant(cook_session, "明日离岗")
    with pytest.raises(DomainError, match="不能晚于今天"):
        job_change.record_job_change(tomorrow, job_data(separated_on=date(2025, 4, 1)), date(2025, 3, 31))
    _, valid_code = participant(cook_session, "有代码")
    code = factories.credit_code()
    record = job_change.record_job_change(valid_code, job_data(former_credit_code=code.lower()), ON)
    assert record.former_credit_code == code


def test_only_job_change_participations_that_were_not_withdrawn(world, cook_session):
    _, withdrawn = participant(cook_session, status="withdrawn")
    with pytest.raises(DomainError, match="已退训"):
        job_change.record_job_change(withdrawn, job_data(), ON)
    other = factories.session(world["rural"], "rural_labour", "rural_ecommerce", None)
    _, elsewhere = participant(other)
    with pytest.raises(DomainError, match="只有企业职工转岗转业班期"):
        job_change.record_job_change(elsewhere, job_data(), ON)


# --- 农村劳动力: the real-name register (004 之六) ---------------------------------------------------------

def test_registering_a_new_person_makes_a_rural_trainee_and_tags_low_income(world):
    person = new_person("陈阿妹")
    row = rural.register_labourer(person, labourer_data(low_income_role="labourer"), ON, world["rural"].id)
    trainee = find_trainee("resident_id", person.document_number)
    assert row.trainee_id == trainee.id and trainee.hukou_type == "rural" and "low_income" in trainee.tag_codes
    assert row.registered_base_id == world["rural"].id and row.closed_on is None


def test_a_known_trainee_is_linked_and_registered_once(world):
    known = factories.trainee("黄大文", hukou_type="rural")
    rural.register_labourer(new_person("黄大文", document_number=known.document_number), labourer_data(), ON)
    with pytest.raises(DomainError, match="不能重复登记") as twice:
        rural.register_labourer(new_person("黄大文", document_number=known.document_number), labourer_data(district=B), ON)
    assert twice.value.field == "document_number"
    with pytest.raises(DomainError, match="姓名与该证件已登记的姓名") as misnamed:
        rural.register_labourer(new_person("黄小文", document_number=known.document_number), labourer_data(), ON)
    assert misnamed.value.field == "name"


def test_an_urban_trainee_is_not_a_rural_labourer(world):
    urban = factories.trainee("城镇人", hukou_type="urban")
    with pytest.raises(DomainError, match="只登记农村劳动力"):
        rural.register_labourer(new_person("城镇人", document_number=urban.document_number), labourer_data(), ON)


@pytest.mark.parametrize(("changes", "field"), [
    ({"district_id": None}, "district_id"), ({"town": " "}, "town"), ({"village": ""}, "village"),
    ({"training_need": ""}, "training_need"), ({"low_income_role": "poor"}, "low_income_role"),
    ({"registered_on": None}, "registered_on"), ({"registered_on": date(2026, 1, 1)}, "registered_on"),
    ({"wish": "长" * 121}, "wish"),
])
def test_bad_register_rows_are_refused_and_nothing_is_saved(world, changes, field):
    person = new_person()
    with pytest.raises(DomainError) as refused:
        rural.register_labourer(person, labourer_data(**changes), ON)
    assert refused.value.field == field
    db.session.rollback()
    assert find_trainee("resident_id", person.document_number) is None


def test_registered_today_is_accepted(world):
    row = rural.register_labourer(new_person(), labourer_data(registered_on=ON), ON)
    assert row.registered_on == ON


def test_training_status_is_computed_from_enrollments(world):
    rows = {name: rural.register_labourer(new_person(name), labourer_data(), ON)
            for name in ("已训者", "在训者", "退训者", "未训者")}
    done = factories.session(world["rural"], "rural_labour", "new_farmer", None, start_date=date(2025, 7, 1))
    factories.enrollment(done, rows["已训者"].trainee)
    running = factories.session(world["rural"], "rural_labour", "rural_ecommerce", None, start_date=date(2025, 12, 1),
                                end_date=date(2026, 1, 10), status="open")
    factories.enrollment(running, rows["在训者"].trainee, result=None)
    factories.enrollment(done, rows["退训者"].trainee, status="withdrawn")

    def names(status):
        query = rural.register_query(true(), rural.Filters(status=status))
        return {row.trainee.name for row in db.session.scalars(query)}

    assert names("trained") == {"已训者"}
    assert names("in_training") == {"在训者"}
    assert names("not_trained") == {"退训者", "未训者"}
    found = people.participations(r.trainee_id for r in rows.values())
    assert {name: people.status_of(found.get(r.trainee_id, [])) for name, r in rows.items()} == {
        "已训者": "trained", "在训者": "in_training", "退训者": "not_trained", "未训者": "not_trained"}
    total, _ = rural.summary(true())
    assert (total.registered, total.trained, total.in_training, total.not_trained, total.waiting) == (4, 1, 1, 2, 2)


def test_register_filters(world):
    rural.register_labourer(new_person("低保甲"), labourer_data(low_income_role="child", is_weak_village=True), ON)
    rural.register_labourer(new_person("白云乙"), labourer_data(district=B, wants_training=False,
                                                                registered_on=date(2024, 12, 31)), ON)
    rural.register_labourer(new_person("天河丙"), labourer_data(registered_on=date(2025, 1, 1)), ON)

    def names(**filters):
        return {r.trainee.name for r in db.session.scalars(rural.register_query(true(), rural.Filters(**filters)))}

    assert names(low_income=True) == {"低保甲"} == names(weak_village=True)
    assert names(district_id=factories.district(B).id) == {"白云乙"}
    assert names(wants="0") == {"白云乙"}
    assert names(year=2025) == {"低保甲", "天河丙"}
    assert names(text="珠村") == {"低保甲", "白云乙", "天河丙"}


def test_closing_keeps_the_row_out_of_the_open_list(world):
    row = rural.register_labourer(new_person("迁出者"), labourer_data(), ON)
    with pytest.raises(DomainError, match="请填写注销原因") as no_reason:
        rural.close_labourer(row, ON, " ", ON)
    assert no_reason.value.field == "close_reason"
    with pytest.raises(DomainError, match="不能早于登记日期"):
        rural.close_labourer(row, date(2025, 5, 31), "迁出本市", ON)
    rural.close_labourer(row, date(2025, 6, 1), "迁出本市", ON)
    assert db.session.scalars(rural.register_query(true(), rural.Filters())).all() == []
    assert db.session.scalars(rural.register_query(true(), rural.Filters(closed=True))).all() == [row]
    with pytest.raises(DomainError, match="已于 2025-06-01 注销"):
        rural.update_labourer(row, labourer_data(), ON)


def test_rural_measures_keep_counting_and_count_the_register(world):
    farmers = factories.session(world["rural"], "rural_labour", "new_farmer", None, start_date=date(2025, 3, 1))
    again = factories.session(world["rural"], "rural_labour", "new_farmer", None, start_date=date(2025, 9, 1))
    ecommerce = factories.session(world["rural_b"], "rural_labour", "rural_ecommerce", None, start_date=date(2025, 4, 1))
    coop = factories.session(world["rural"], "rural_labour", "coop_training", None, start_date=date(2025, 5, 1))
    farmer, _ = participant(farmers, "新农民", hukou="rural")
    factories.enrollment(again, farmer)
    low = rural.register_labourer(new_person("低保户"), labourer_data(low_income_role="labourer"), ON).trainee
    factories.enrollment(ecommerce, low)
    tagged = factories.trainee("脱贫户", hukou_type="rural", tags={"low_income"})
    factories.enrollment(coop, tagged)
    assert measure("rural_labour", "new_farmers") == 1  # 人: distinct people
    assert measure("rural_labour", "rural_ecommerce") == 1
    assert measure("rural_labour", "coop_trainings") == 1
    assert measure("rural_labour", "low_income_trainings") == 2
    rural.register_labourer(new_person("年末登记"), labourer_data(district=B, registered_on=date(2025, 12, 31)), ON)
    rural.register_labourer(new_person("年初登记"), labourer_data(registered_on=date(2026, 1, 1)), date(2026, 1, 1))
    assert measure("rural_labour", "registered") == 2
    assert measure("rural_labour", "registered", district_id=factories.district(B).id) == 1
    assert measure("rural_labour", "registered", year=2026) == 1


# --- 退役军人: each year's intake and its adaptive training (004 之七 二) ---------------------------------------

def adaptive(world, start: date, end: date | None = None, status="completed", base="vet"):
    return factories.session(world[base], "veterans", "adaptive_training", None, start_date=start,
                             end_date=end or start + timedelta(days=4), status=status)


def veteran(name, year=Y, district=A, on=ON, **changes) -> VeteranIntake:
    return veterans.register_intake(new_person(name, hukou_type="urban"), intake_data(year, district, **changes), on)


def test_registering_an_intake_tags_the_veteran_once(world):
    intake = veteran("张退伍")
    assert "veteran" in intake.trainee.tag_codes and intake.adaptive_training_due
    person = people.PersonData("resident_id", intake.trainee.document_number, "张退伍")
    with pytest.raises(DomainError, match="已登记在 2025 年度") as twice:
        veterans.register_intake(person, intake_data(2024), ON)
    assert twice.value.field == "document_number"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"discharge_year": None}, "discharge_year", "请填写退役年度"),
    ({"discharge_year": 2026}, "discharge_year", "不能晚于今年"),
    ({"district_id": 0}, "district_id", "请选择接收安置区"),
    ({"placement": ""}, "placement", "请选择安置方式"),
    ({"can_attend": False, "exemption_reason": " "}, "exemption_reason", "请填写原因"),
    ({"registered_on": date(2024, 12, 31)}, "registered_on", "不能早于退役年度"),
    ({"registered_on": date(2026, 1, 1)}, "registered_on", "不能晚于今天"),
])
def test_bad_intakes_are_refused_naming_the_field(world, changes, field, message):
    person = new_person("错登记", hukou_type="urban")
    with pytest.raises(DomainError, match=message) as refused:
        veterans.register_intake(person, intake_data(**changes), ON)
    assert refused.value.field == field


def test_registered_on_the_first_day_of_the_discharge_year(world):
    assert veteran("元旦登记", registered_on=date(Y, 1, 1)).registered_on == date(Y, 1, 1)


def test_a_new_veteran_needs_a_hukou_type(world):
    with pytest.raises(DomainError, match="请选择户籍类型") as refused:
        veterans.register_intake(new_person("无户籍"), intake_data(), ON)
    assert refused.value.field == "hukou_type"


def test_coverage_counts_adaptive_training_from_the_discharge_year(world):
    in_year = adaptive(world, date(Y, 1, 1))
    year_before = adaptive(world, date(Y - 1, 12, 31), date(Y, 1, 4))
    running = adaptive(world, date(Y, 12, 20), date(Y + 1, 1, 5), status="in_progress")
    other_trade = factories.session(world["vet"], "veterans", "security_guard", 5, start_date=date(Y, 3, 1))
    people_ = {name: veteran(name) for name in ("元旦班", "上年班", "在训", "保安班", "退训", "未训")}
    factories.enrollment(in_year, people_["元旦班"].trainee)
    factories.enrollment(year_before, people_["上年班"].trainee)
    factories.enrollment(running, people_["在训"].trainee, result=None)
    factories.enrollment(other_trade, people_["保安班"].trainee)
    factories.enrollment(in_year, people_["退训"].trainee, status="withdrawn")
    veteran("安排工作", placement="assigned")
    veteran("住院", can_attend=False, exemption_reason="伤病住院治疗")
    veteran("上年退役", year=Y - 1)
    coverage = veterans.coverage(Y, true())
    assert (coverage.registered, coverage.due, coverage.trained, coverage.in_training, coverage.not_trained) == (8, 6, 1, 1, 4)
    assert coverage.coverage == pytest.approx(1 / 6)

    def names(status):
        return {i.trainee.name for i in db.session.scalars(veterans.year_query(Y, true(), status))}

    assert names("not_trained") == {"上年班", "保安班", "退训", "未训"}
    assert names("trained") == {"元旦班"} and names("in_training") == {"在训"}
    assert names("exempt") == {"安排工作", "住院"}
    assert len(names("all")) == 8
    assert [c.year for c in veterans.coverage_by_year(true())] == [Y, Y - 1]


def test_a_veteran_trained_later_counts_for_their_intake_year(world):
    next_year = adaptive(world, date(Y, 3, 2))
    factories.enrollment(next_year, veteran("去年退役", year=Y - 1).trainee)
    assert veterans.coverage(Y - 1, true()).trained == 1


# --- pages: 农村劳动力 -------------------------------------------------------------------------------------

def rural_form(**changes) -> dict:
    data = {"document_type": "resident_id", "document_number": factories.id_number(), "name": "梁阿珍",
            "district_id": str(factories.district(A).id), "town": "珠吉街道", "village": "珠村",
            "low_income_role": "labourer", "training_need": "city_work", "wants_training": "y", "wish": "农村电商",
            "registered_on": today().isoformat()}
    data.update(changes)
    return data


def test_district_registers_in_its_own_district_and_sees_only_it(client, world):
    sign_in(client, "district_a")
    form = rural_form(district_id=str(factories.district(B).id))
    assert client.post("/ten-groups/rural-labour/new", data=form).status_code == 400  # not among its choices
    response = client.post("/ten-groups/rural-labour/new", data=rural_form())
    assert response.status_code == 302
    mine = db.session.scalar(select(RuralLabourer))
    assert mine.district.code == A and mine.registered_base_id is None and mine.low_income_role == "labourer"
    other = rural.register_labourer(new_person("白云人"), labourer_data(district=B), today())
    db.session.commit()
    listing = client.get("/ten-groups/rural-labour/")
    assert "梁阿珍" in listing.text and "白云人" not in listing.text
    assert client.get(f"/ten-groups/rural-labour/{other.id}").status_code == 404
    assert client.post(f"/ten-groups/rural-labour/{other.id}", data=rural_form()).status_code == 404
    assert client.post(f"/ten-groups/rural-labour/{other.id}/close",
                       data={"closed_on": today().isoformat(), "close_reason": "迁出"}).status_code == 404
    assert db.session.get(RuralLabourer, other.id).closed_on is None
    sign_in(client, "district_b")
    assert client.get(f"/ten-groups/rural-labour/{other.id}").status_code == 200
    assert client.get(f"/ten-groups/rural-labour/{mine.id}").status_code == 404


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"town": ""}, "town", "请填写所在镇(街道)"),
    ({"training_need": ""}, "training_need", "请选择培训需求"),
    ({"document_number": "440106199001011234"}, "document_number", "校验"),
    ({"registered_on": (date.today() + timedelta(days=30)).isoformat()}, "registered_on", "登记日期不能晚于今天"),
    ({"district_id": "0"}, "district_id", "请选择所在区"),
])
def test_bad_register_input_names_the_field_and_saves_nothing(client, world, changes, field, message):
    sign_in(client, "base_rural")
    form = rural_form(**changes)
    response = client.post("/ten-groups/rural-labour/new", data=form)
    assert response.status_code == 400
    assert re.search(r'data-field="%s">[^<]*%s' % (field, re.escape(message)), response.text), response.text[-3000:]
    assert db.session.scalar(select(func.count(RuralLabourer.id))) == 0
    assert db.session.scalar(select(func.count(Trainee.id))) == 0


def test_base_keeps_the_rows_it_registered(client, world):
    sign_in(client, "base_rural")
    assert client.post("/ten-groups/rural-labour/new", data=rural_form(district_id=str(factories.district(B).id))).status_code == 302
    row = db.session.scalar(select(RuralLabourer))
    assert row.registered_base_id == world["rural"].id and row.district.code == B
    changed = rural_form(town="钟落潭镇", village="良田村", district_id=str(factories.district(B).id), low_income_role="")
    assert client.post(f"/ten-groups/rural-labour/{row.id}", data=changed).status_code == 302
    db.session.refresh(row)
    assert (row.town, row.village, row.low_income_role) == ("钟落潭镇", "良田村", None)
    # Its district sees it too; another base does not.
    sign_in(client, "district_b")
    assert client.get(f"/ten-groups/rural-labour/{row.id}").status_code == 200
    sign_in(client, "base_rural_b")
    assert client.get(f"/ten-groups/rural-labour/{row.id}").status_code == 404
    sign_in(client, "ent")
    assert client.get("/ten-groups/rural-labour/").status_code == 403
    assert client.get(f"/ten-groups/rural-labour/{row.id}").status_code == 404


def test_closing_over_http(client, world):
    row = rural.register_labourer(new_person("迁出者"), labourer_data(registered_on=today() - timedelta(days=10)), today())
    db.session.commit()
    sign_in(client, "district_a")
    bad = client.post(f"/ten-groups/rural-labour/{row.id}/close", data={"closed_on": today().isoformat(), "close_reason": ""})
    assert bad.status_code == 400 and 'data-field="close_reason"' in bad.text
    assert db.session.get(RuralLabourer, row.id).closed_on is None
    assert client.post(f"/ten-groups/rural-labour/{row.id}/close",
                       data={"closed_on": today().isoformat(), "close_reason": "迁出本市"}).status_code == 302
    assert db.session.get(RuralLabourer, row.id).close_reason == "迁出本市"
    assert "迁出者" not in client.get("/ten-groups/rural-labour/").text
    assert "迁出者" in client.get("/ten-groups/rural-labour/?closed=1").text
    assert client.post(f"/ten-groups/rural-labour/{row.id}", data=rural_form()).status_code == 403


def test_list_filters_over_http(client, world):
    trained = rural.register_labourer(new_person("已参训甲"), labourer_data(), today())
    session = factories.session(world["rural"], "rural_labour", "new_farmer", None)
    factories.enrollment(session, trained.trainee)
    rural.register_labourer(new_person("未参训乙"), labourer_data(low_income_role="child"), today())
    db.session.commit()
    sign_in(client, "city")
    waiting = client.get("/ten-groups/rural-labour/?status=not_trained&wants=1").text
    assert "未参训乙" in waiting and "已参训甲" not in waiting
    assert "已参训甲" not in client.get("/ten-groups/rural-labour/?low_income=1").text
    assert "已参训甲" in client.get(f"/ten-groups/rural-labour/?district={factories.district(A).id}&status=trained").text


# --- pages: 退役军人 -------------------------------------------------------------------------------------

def intake_form(**changes) -> dict:
    data = {"document_type": "resident_id", "document_number": factories.id_number(), "name": "周退伍", "hukou_type": "urban",
            "discharge_year": str(today().year), "district_id": str(factories.district(A).id), "placement": "self_employed",
            "can_attend": "y", "registered_on": today().isoformat()}
    data.update(changes)
    return data


def test_intake_pages_for_a_district(client, world):
    sign_in(client, "district_a")
    assert client.post("/ten-groups/veterans/new", data=intake_form()).status_code == 302
    intake = db.session.scalar(select(VeteranIntake))
    assert intake.district.code == A and intake.discharge_year == today().year
    year_page = client.get(f"/ten-groups/veterans/{today().year}")
    assert year_page.status_code == 200 and "周退伍" in year_page.text  # not yet trained: listed by default
    other = veterans.register_intake(new_person("白云兵", hukou_type="urban"),
                                     intake_data(today().year, B, registered_on=today()), today())
    db.session.commit()
    assert "白云兵" not in client.get(f"/ten-groups/veterans/{today().year}?status=all").text
    assert client.get(f"/ten-groups/veterans/intakes/{other.id}").status_code == 404
    assert client.post(f"/ten-groups/veterans/intakes/{other.id}", data=intake_form()).status_code == 404
    assert client.get(f"/ten-groups/veterans/intakes/{intake.id}").status_code == 200
    changed = intake_form(placement="assigned")
    assert client.post(f"/ten-groups/veterans/intakes/{intake.id}", data=changed).status_code == 302
    assert db.session.get(VeteranIntake, intake.id).placement == "assigned"
    assert "周退伍" not in client.get(f"/ten-groups/veterans/{today().year}").text
    sign_in(client, "ent")
    assert client.get("/ten-groups/veterans/").status_code == 403


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"discharge_year": str(date.today().year + 1)}, "discharge_year", "退役年度不能晚于今年"),
    ({"can_attend": "", "exemption_reason": ""}, "exemption_reason", "请填写原因"),
    ({"placement": ""}, "placement", "请选择安置方式"),
    ({"hukou_type": ""}, "hukou_type", "请选择户籍类型"),
])
def test_bad_intake_input_names_the_field_and_saves_nothing(client, world, changes, field, message):
    sign_in(client, "base_vet")
    data = intake_form(**changes)
    if data["can_attend"] == "":
        del data["can_attend"]
    response = client.post("/ten-groups/veterans/new", data=data)
    assert response.status_code == 400
    assert re.search(r'data-field="%s">[^<]*%s' % (field, re.escape(message)), response.text)
    assert db.session.scalar(select(func.count(VeteranIntake.id))) == 0
    assert db.session.scalar(select(func.count(Trainee.id))) == 0


def test_base_sees_the_intakes_it_registered(client, world):
    sign_in(client, "base_vet")
    assert client.post("/ten-groups/veterans/new", data=intake_form(district_id=str(factories.district(B).id))).status_code == 302
    intake = db.session.scalar(select(VeteranIntake))
    assert intake.registered_base_id == world["vet"].id
    assert client.get(f"/ten-groups/veterans/intakes/{intake.id}").status_code == 200
    sign_in(client, "base_vet_b")
    assert client.get(f"/ten-groups/veterans/intakes/{intake.id}").status_code == 404
    assert "周退伍" not in client.get(f"/ten-groups/veterans/{today().year}?status=all").text


# --- the person behind a row: registered by the user's unit, linked only where visible ---------------------

TRAINEE_BUTTON = ">学员信息</a>"


@pytest.mark.parametrize(("new_url", "form", "row_url"), [
    ("/ten-groups/rural-labour/new", rural_form, "/ten-groups/rural-labour/{id}"),
    ("/ten-groups/veterans/new", intake_form, "/ten-groups/veterans/intakes/{id}"),
])
def test_a_district_registering_a_new_person_keeps_sight_of_them(client, world, new_url, form, row_url):
    """A person new to the registry entered in either register by a district bureau is registered by
    that bureau (registered_district_id), so its 学员信息 button opens the person's record."""
    sign_in(client, "district_a")
    response = client.post(new_url, data=form())
    assert response.status_code == 302
    row = db.session.scalar(select(RuralLabourer if "rural" in new_url else VeteranIntake))
    assert row.trainee.registered_district_id == factories.district(A).id and row.trainee.registered_base_id is None
    page = client.get(row_url.format(id=row.id)).text
    assert f'href="/trainees/{row.trainee_id}"' in page and TRAINEE_BUTTON in page
    assert client.get(f"/trainees/{row.trainee_id}").status_code == 200
    sign_in(client, "district_b")
    assert client.get(f"/trainees/{row.trainee_id}").status_code == 404  # its own district's only


@pytest.mark.parametrize(("new_url", "form", "row_url"), [
    ("/ten-groups/rural-labour/new", rural_form, "/ten-groups/rural-labour/{id}"),
    ("/ten-groups/veterans/new", intake_form, "/ten-groups/veterans/intakes/{id}"),
])
def test_a_person_registered_elsewhere_gets_no_button_they_cannot_open(client, world, new_url, form, row_url):
    """A person another district's base registered and trained stays out of the district's sight when
    the district enters them in its register: the row page shows no 学员信息 button (it would 404);
    the base that registered them still gets the button."""
    person = factories.trainee("外区学员", registered_base_id=world["rural_b"].id, hukou_type="rural")
    factories.enrollment(factories.session(world["rural_b"], "rural_labour", "new_farmer", None), person)
    db.session.commit()
    sign_in(client, "district_a")
    response = client.post(new_url, data=form(document_number=person.document_number, name="外区学员"))
    assert response.status_code == 302
    row = db.session.scalar(select(RuralLabourer if "rural" in new_url else VeteranIntake))
    assert row.trainee_id == person.id and person.registered_district_id is None  # not taken over
    page = client.get(row_url.format(id=row.id))
    assert page.status_code == 200 and "外区学员" in page.text
    assert f"/trainees/{person.id}" not in page.text and TRAINEE_BUTTON not in page.text
    assert client.get(f"/trainees/{person.id}").status_code == 404
    sign_in(client, "city")
    assert TRAINEE_BUTTON in client.get(row_url.format(id=row.id)).text


def test_the_registering_unit_reaches_the_domain_functions(world):
    """register_labourer and register_intake register a new person with the unit they are given."""
    district_a = factories.district(A).id
    labourer = rural.register_labourer(new_person("区登记甲"), labourer_data(), today(), registered_district_id=district_a)
    intake = veterans.register_intake(new_person("区登记乙", hukou_type="urban"), intake_data(today().year, registered_on=today()),
                                      today(), registered_base_id=world["vet"].id)
    assert (labourer.trainee.registered_district_id, labourer.trainee.registered_base_id) == (district_a, None)
    assert (intake.trainee.registered_district_id, intake.trainee.registered_base_id) == (None, world["vet"].id)
    assert intake.registered_base_id == world["vet"].id


# --- pages: 转岗转业 -------------------------------------------------------------------------------------

def job_form(**changes) -> dict:
    data = {"former_enterprise_name": "广州恒信纺织有限公司", "former_credit_code": "", "former_post": "挡车工",
            "situation": "laid_off", "separated_on": (today() - timedelta(days=60)).isoformat(), "intended_post": "粤菜厨师"}
    data.update(changes)
    return data


@pytest.fixture
def running_cook_session(world):
    return factories.session(world["jc"], "job_change", "chinese_cook", 5, start_date=today() - timedelta(days=10),
                             end_date=today() + timedelta(days=20), status="in_progress")


def test_base_records_situations_on_its_roster(client, world, running_cook_session):
    _, enrollment = participant(running_cook_session, "罗转岗", result=None)
    db.session.commit()
    sign_in(client, "base_jc")
    roster = client.get(f"/ten-groups/job-change/sessions/{running_cook_session.id}")
    assert roster.status_code == 200 and "尚未登记" in roster.text
    assert client.post(f"/ten-groups/job-change/enrollments/{enrollment.id}", data=job_form()).status_code == 302
    record = db.session.scalar(select(JobChangeRecord))
    assert (record.enrollment_id, record.situation, record.intended_post) == (enrollment.id, "laid_off", "粤菜厨师")
    listing = client.get("/ten-groups/job-change/?situation=laid_off")
    assert "罗转岗" in listing.text and "广州恒信纺织有限公司" in listing.text
    assert "罗转岗" not in client.get("/ten-groups/job-change/?situation=in_post").text


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"former_enterprise_name": ""}, "former_enterprise_name", "请填写原工作单位"),
    ({"situation": "contract_ended", "separated_on": ""}, "separated_on", "须填写离岗"),
    ({"former_credit_code": "12345"}, "former_credit_code", "统一社会信用代码应为 18 位"),
    ({"situation": "in_post"}, "separated_on", "在岗职工不填写离岗日期"),
])
def test_bad_situation_input_names_the_field_and_saves_nothing(client, world, running_cook_session, changes, field, message):
    _, enrollment = participant(running_cook_session, result=None)
    db.session.commit()
    sign_in(client, "base_jc")
    response = client.post(f"/ten-groups/job-change/enrollments/{enrollment.id}", data=job_form(**changes))
    assert response.status_code == 400
    assert re.search(r'data-field="%s">[^<]*%s' % (field, re.escape(message)), response.text)
    assert db.session.scalar(select(func.count(JobChangeRecord.id))) == 0


def test_nobody_records_on_another_bases_session(client, world, running_cook_session):
    _, enrollment = participant(running_cook_session, result=None)
    db.session.commit()
    url = f"/ten-groups/job-change/enrollments/{enrollment.id}"
    for username, status in (("base_jc_b", 404), ("district_b", 404), ("ent", 404), ("base_nw", 404)):
        sign_in(client, username)
        assert client.post(url, data=job_form()).status_code == status, username
        assert client.get(f"/ten-groups/job-change/sessions/{running_cook_session.id}").status_code == 404, username
    assert db.session.scalar(select(func.count(JobChangeRecord.id))) == 0
    sign_in(client, "district_a")  # the bureau of the base's district may record or correct it
    assert client.post(url, data=job_form()).status_code == 302


def test_a_closed_session_is_the_bureaus_to_correct(client, world):
    closed = factories.session(world["jc"], "job_change", "chinese_cook", 5, status="closed")
    _, enrollment = participant(closed)
    db.session.commit()
    sign_in(client, "base_jc")
    assert client.post(f"/ten-groups/job-change/enrollments/{enrollment.id}", data=job_form()).status_code == 403
    sign_in(client, "city")
    assert client.post(f"/ten-groups/job-change/enrollments/{enrollment.id}", data=job_form()).status_code == 302


def test_only_the_programmes_sessions_have_a_job_change_roster(client, world):
    other = factories.session(world["nw"], "new_workers", "fitter", 4)
    _, enrollment = participant(other)
    db.session.commit()
    sign_in(client, "city")
    assert client.get(f"/ten-groups/job-change/sessions/{other.id}").status_code == 404
    assert client.get(f"/ten-groups/job-change/enrollments/{enrollment.id}").status_code == 404


# --- pages: 新生代产业工人 --------------------------------------------------------------------------------

def test_high_skill_list_shows_each_counted_participation_in_the_viewers_sessions(client, world):
    year = today().year
    finished = date(year, 1, 10)
    mine = factories.session(world["nw"], "new_workers", "high_skill_leader_training", None,
                             start_date=finished, end_date=finished + timedelta(days=3))
    participant(mine, "南沙领军")
    theirs = factories.session(world["nw_b"], "new_workers", "cnc_programmer", 2, start_date=finished,
                               end_date=finished + timedelta(days=30))
    participant(theirs, "白云技师")
    db.session.commit()
    sign_in(client, "city")
    page = client.get("/ten-groups/new-workers/high-skill")
    assert page.status_code == 200 and "南沙领军" in page.text and "白云技师" in page.text
    assert "技师/高级技师等级班期" in page.text
    assert "南沙领军" not in client.get("/ten-groups/new-workers/high-skill?measure=top_talent").text
    sign_in(client, "base_nw")
    page = client.get("/ten-groups/new-workers/high-skill")
    assert "南沙领军" in page.text and "白云技师" not in page.text
    assert client.get("/ten-groups/new-workers/high-skill?year=abc").status_code == 400


# --- landing pages and the trainee's record --------------------------------------------------------------

def test_landing_pages_show_each_programmes_records_panels_and_measures(client, world):
    year = today().year
    start = date(year, 1, 5)
    leaders = factories.session(world["nw"], "new_workers", "high_skill_leader_training", None, start_date=start,
                                end_date=start + timedelta(days=3))
    participant(leaders, "领军甲")
    cook = factories.session(world["jc"], "job_change", "chinese_cook", 5, start_date=start, end_date=start + timedelta(days=20))
    _, enrollment = participant(cook, "转岗甲")
    participant(cook, "转岗乙")
    job_change.record_job_change(enrollment, job_data(separated_on=start - timedelta(days=30)), today())
    rural.register_labourer(new_person("台账甲"), labourer_data(registered_on=start), today())
    rural.register_labourer(new_person("台账乙"), labourer_data(district=B, registered_on=start), today())
    adaptive_session = adaptive(world, start)
    factories.enrollment(adaptive_session, veteran("适应甲", year=year, on=today(), registered_on=start).trainee)
    veteran("适应乙", year=year, on=today(), registered_on=start)
    db.session.commit()

    sign_in(client, "city")
    page = client.get("/programmes/new_workers/").text
    assert record_count(page, "高技能人才培训名单") == 1
    assert 'data-measure="high_skill_leaders"' in page and 'data-testid="high-skill"' in page
    page = client.get("/programmes/job_change/").text
    assert record_count(page, "转岗转业人员情况") == 1
    assert 'data-measure="laid_off_trainings"' in page and "1 名参训人员尚未登记" in page
    page = client.get("/programmes/rural_labour/").text
    assert record_count(page, "农村劳动力实名登记台账") == 2 and record_count(page, "有培训意愿、尚未参训") == 2
    assert 'data-testid="rural-districts"' in page and 'data-measure="registered"' in page
    page = client.get("/programmes/veterans/").text
    assert record_count(page, "退役军人安置名单与适应性培训") == 2
    assert re.search(r'data-year="%d".*?data-testid="coverage-rate">50.0%%' % year, page, re.S)

    sign_in(client, "district_a")
    page = client.get("/programmes/rural_labour/").text
    assert record_count(page, "农村劳动力实名登记台账") == 1 and 'data-testid="rural-districts"' not in page
    page = client.get("/programmes/veterans/").text
    assert record_count(page, "退役军人安置名单与适应性培训") == 2  # both settled in 天河
    sign_in(client, "ent")
    page = client.get("/programmes/rural_labour/").text
    assert "农村劳动力实名登记台账" not in page and 'data-testid="rural-summary"' not in page


def test_trainee_record_shows_the_register_sections(client, world):
    row = rural.register_labourer(new_person("双重身份"), labourer_data(low_income_role="child"), today(),
                                  world["rural"].id)
    veterans.register_intake(people.PersonData("resident_id", row.trainee.document_number, "双重身份"),
                             intake_data(today().year, registered_on=today()), today(), world["rural"].id)
    db.session.commit()
    sign_in(client, "base_rural")
    page = client.get(f"/trainees/{row.trainee_id}").text
    assert "农村劳动力实名登记" in page and "低保家庭子女" in page and "退役军人安置登记" in page
    sign_in(client, "district_b")
    assert client.get(f"/trainees/{row.trainee_id}").status_code == 404


def test_demo_records_obey_the_rules(app):
    from registry.demo import seed_demo

    counts = seed_demo("test")
    assert counts["农村劳动力实名登记"] > 0 and counts["退役军人安置登记"] > 0
    assert counts["转岗转业情况登记"] > 0 and counts["高技能人才培训班期"] > 0
    rows = db.session.scalars(select(RuralLabourer)).all()
    assert all(r.trainee.hukou_type == "rural" for r in rows)
    assert any(r.district.code == A for r in rows)  # the demo district account has rows of its own
    assert any(high_skill.year_counts(y, true()).high_skill_leaders for y in (today().year, today().year - 1))
    assert any(c.not_trained for c in veterans.coverage_by_year(true()))


@pytest.mark.parametrize("path", [
    "/ten-groups/rural-labour/", "/ten-groups/rural-labour/new", "/ten-groups/veterans/", "/ten-groups/veterans/2025",
    "/ten-groups/veterans/new", "/ten-groups/job-change/", "/ten-groups/new-workers/high-skill",
])
def test_each_role_reaches_the_pages_it_may_use(client, world, path):
    keepers_only = path.startswith(("/ten-groups/rural-labour", "/ten-groups/veterans"))
    assert client.get(path).status_code == 302  # sign in first
    for username in ("city", "district_a", "base_rural", "base_jc", "ent"):
        sign_in(client, username)
        expected = 403 if keepers_only and username == "ent" else 200
        assert client.get(path).status_code == expected, username
