"""Reconciliation: the counting rules, targets and their revisions, presets, sheet import, drill-down
and data-quality checks — on SQLite and PostgreSQL."""
from datetime import date, timedelta
from itertools import product

import pytest
from sqlalchemy import func, select, true

from registry.domain.audit import AuditLog
from registry.domain.catalogue import catalogue
from registry.domain.certificates.models import Certificate
from registry.domain.errors import DomainError
from registry.domain.reconciliation import drilldown, figures, quality, targets
from registry.domain.reconciliation.counting import Scope
from registry.domain.reconciliation.models import Target, TargetRevision
from registry.domain.spreadsheets import workbook_bytes
from registry.domain.trainees.models import ASSISTED_REGIONS, TraineeTag
from registry.extensions import db
from tests import factories

YEAR = 2025
ON = date(2026, 3, 1)  # the year reconciled is over: elapsed share 100%
A, B = "440106", "440111"


def certificate(enrollment, status="valid", reason=None):
    session = enrollment.session
    record = Certificate(
        number=f"TEST{enrollment.id:08d}", certificate_type="skill_level", enrollment_id=enrollment.id,
        session_id=session.id, trainee_id=enrollment.trainee_id, base_id=session.base_id,
        programme_code=session.programme_code, occupation_code=session.occupation_code, occupation_name="x",
        level=session.level, issued_on=session.end_date, status=status, status_reason=reason,
        key_id="0000", signature="x",
    )
    db.session.add(record)
    db.session.flush()
    return record


NAMES = "零甲乙丙丁戊己庚辛壬癸子丑寅卯辰"


def person(n: int):
    return factories.trainee(f"学员{NAMES[n]}", document_number=factories.id_number(date(1980, 1, 1) + timedelta(days=n)))


@pytest.fixture
def world():
    """Sessions around the year's edges, in two districts, with every kind of outcome."""
    w = {"a": factories.base("天河基地", A, programmes=("yuecai", "jiazheng", "safety")),
         "b": factories.base("白云基地", B, programmes=("yuecai",))}
    t = {n: person(n) for n in range(1, 10)}
    w["t"] = t
    s1 = factories.session(w["a"], start_date=date(YEAR, 3, 1), end_date=date(YEAR, 3, 10), code="S1")
    e = {}
    e[1] = factories.enrollment(s1, t[1], "passed", score=90)
    e[2] = factories.enrollment(s1, t[2], "failed", score=40)
    e[3] = factories.enrollment(s1, t[3], "absent")
    e[4] = factories.enrollment(s1, t[4], "passed", status="withdrawn")
    e[5] = factories.enrollment(s1, t[5], "passed", is_employed=True)
    certificate(e[1])
    s2 = factories.session(w["b"], start_date=date(YEAR, 10, 20), end_date=date(YEAR, 11, 5), status="closed", code="S2")
    e[6] = factories.enrollment(s2, t[1], "passed")
    e[7] = factories.enrollment(s2, t[6], "passed")
    certificate(e[6], "revoked", "fraud")
    certificate(e[7], "revoked", "replaced")
    # Not counted: still in progress; and one that ends next year.
    s3 = factories.session(w["a"], start_date=date(YEAR, 12, 1), end_date=date(YEAR, 12, 20), status="in_progress", code="S3")
    factories.enrollment(s3, t[9], "passed")
    s5 = factories.session(w["a"], start_date=date(YEAR, 12, 20), end_date=date(YEAR + 1, 1, 5), code="S5")
    factories.enrollment(s5, t[9], "passed")
    # Counted in YEAR: started the year before, ended in January.
    s4 = factories.session(w["a"], start_date=date(YEAR - 1, 12, 20), end_date=date(YEAR, 1, 10), code="S4")
    e[8] = factories.enrollment(s4, t[8], "passed")
    s6 = factories.session(w["a"], "jiazheng", "housekeeper", track_code="household",
                           start_date=date(YEAR, 6, 1), end_date=date(YEAR, 6, 20), code="S6")
    e[9] = factories.enrollment(s6, t[7], "passed")
    w["e"], w["s"] = e, {1: s1, 2: s2, 3: s3, 4: s4, 5: s5, 6: s6}
    return w


def totals(scope=Scope(YEAR), group_by="programme", jurisdiction=None):
    return figures.reconcile(scope, group_by, ON, jurisdiction)


def test_counting_rules(world):
    f = totals().total.figures
    # 人次: S1 (4 not withdrawn) + S2 (2) + S4 (1) + S6 (1); S3 in progress and S5 (ends next year) not.
    assert f.trainings == 8
    assert f.persons == 7  # 学员1 trained twice
    assert f.passed == 6 and f.assessed == 7  # 缺考 is not assessed
    assert f.certified == 2  # valid, and revoked-because-replaced; not revoked for fraud
    assert f.employed == 1
    assert f.pass_rate == pytest.approx(6 / 7)
    assert f.certified_rate == pytest.approx(2 / 8)
    next_year = totals(Scope(YEAR + 1)).total.figures
    assert next_year.trainings == 1


def test_groupings_add_up_and_count_people_per_group(world):
    for group_by in figures.GROUPINGS:
        result = totals(group_by=group_by)
        assert sum(r.figures.trainings for r in result.rows) == 8, group_by
        assert sum(r.figures.passed for r in result.rows) == 6, group_by
    by_district = {r.label: r.figures for r in totals(group_by="district").rows}
    assert by_district["天河区"].trainings == 6 and by_district["白云区"].trainings == 2
    assert by_district["天河区"].persons + by_district["白云区"].persons == 8  # 学员1 in both districts
    by_month = {r.key: r.figures.trainings for r in totals(group_by="month").rows}
    assert by_month == {(1,): 1, (3,): 4, (6,): 1, (11,): 2}
    by_track = {r.label: r.figures.trainings for r in totals(group_by="track").rows}
    assert by_track["南粤家政 · 居家"] == 1


def test_every_figure_is_the_count_of_its_drilldown(world):
    result = totals(group_by="district")
    for row in result.rows + [result.total]:
        for measure in ("trainings", "persons", "passed", "assessed", "certified", "employed"):
            listed = drilldown.drilldown(row.scope, measure, None)
            assert listed.count == getattr(row.figures, measure), (row.label, measure)
    passed_in_b = drilldown.drilldown(Scope(YEAR, district_id=factories.district(B).id), "passed", None)
    assert [s.code for s, _ in passed_in_b.sessions] == ["S2"]
    assert sorted(t.name for _, _, t in passed_in_b.people) == ["学员己", "学员甲"]


@pytest.mark.parametrize("mask_bits", [62, 0], ids=["in-one-pass", "each-grain-apart"])
def test_people_are_counted_once_at_every_grain_in_one_pass_or_apart(world, monkeypatch, mask_bits):
    """人数 per programme, track, district, base and month and in total, read from one GROUP BY of the
    people (bit masks), equal what COUNT(DISTINCT) gives grain by grain (people.py)."""
    from registry.domain.reconciliation import people

    monkeypatch.setattr(people, "MASK_BITS", mask_bits)
    t1_again = factories.session(world["a"], "jiazheng", "housekeeper", track_code="household",
                                 start_date=date(YEAR, 3, 2), end_date=date(YEAR, 3, 9), code="S8")
    factories.enrollment(t1_again, world["t"][1], "passed")  # 学员1: 粤菜师傅 twice, 南粤家政 once
    targets.set_target(targets.TargetData(YEAR, "jiazheng", "persons", 2, track_code="household"), None, ON)
    for group_by in figures.GROUPINGS:
        result = totals(group_by=group_by)
        assert result.total.figures.persons == 7, group_by
        for row in result.rows:
            assert row.figures.persons == drilldown.drilldown(row.scope, "persons", None).count, (group_by, row.label)
    by_programme = {r.key: r.figures.persons for r in totals().rows}
    assert by_programme == {("yuecai",): 6, ("jiazheng",): 2}
    by_month = {r.key: r.figures.persons for r in totals(group_by="month").rows}
    assert by_month[(3,)] == 4  # 学员1 twice in March, counted once
    track_target = next(p for p in totals().targets if p.target.measure_code == "persons")
    assert track_target.actual == 2


def test_a_session_whose_enrollments_all_withdrew_adds_no_row_and_nobody(world):
    """The masks' keys come from the year's sessions (people.People._read_keys), this one's too: its
    district, month and programme get a bit that nobody has."""
    def shown():
        return {group_by: [(r.key, r.figures, r.target) for r in totals(group_by=group_by).rows]
                for group_by in figures.GROUPINGS}

    before = shown()
    panyu = factories.base("番禺基地", "440113", programmes=("jiazheng",))
    emptied = factories.session(panyu, "jiazheng", "housekeeper", track_code="household",
                                start_date=date(YEAR, 8, 1), end_date=date(YEAR, 8, 20), code="S9")
    factories.enrollment(emptied, person(12), status="withdrawn")
    assert shown() == before
    assert "番禺区" not in {r.label for r in totals(group_by="district").rows}
    assert (8,) not in {r.key for r in totals(group_by="month").rows}


def test_a_withdrawn_enrollment_never_holds_a_certificate_that_counts(world):
    """取证 is read from a session's certificates alone: withdrawal is refused while one counts."""
    from registry.domain.training import operations

    enrollment = factories.enrollment(world["s"][1], world["t"][6], None)
    held = certificate(enrollment)
    with pytest.raises(DomainError) as refused:
        operations.withdraw(enrollment, ON, "个人原因")
    assert "证书" in refused.value.message and enrollment.status != "withdrawn"
    held.status, held.status_reason = "revoked", "fraud"
    db.session.flush()
    operations.withdraw(enrollment, ON, "个人原因")
    assert enrollment.status == "withdrawn"
    assert totals().total.figures.certified == 2


def test_jurisdiction_limits_figures(world):
    from registry.auth.permissions import sessions_visible

    district_user = factories.user("d_b", "district", district_id=factories.district(B).id)
    result = totals(jurisdiction=sessions_visible(district_user))
    assert result.total.figures.trainings == 2


def test_target_progress_and_pace(world):
    targets.set_target(targets.TargetData(YEAR, "yuecai", "trainings", 10), None, ON)
    targets.set_target(targets.TargetData(YEAR, "yuecai", "persons", 6), None, ON)
    targets.set_target(targets.TargetData(YEAR, "jiazheng", "trainings", 1, track_code="household"), None, ON)
    targets.set_target(targets.TargetData(YEAR, "jiazheng", "service_cards", 100), None, ON)
    targets.set_target(targets.TargetData(YEAR, "jiazheng", "service_stations", 10), None, ON)
    district_a = factories.district(A).id
    targets.set_target(targets.TargetData(YEAR, "yuecai", "trainings", 4, district_id=district_a), None, ON)
    result = totals()
    progress = {(p.target.programme_code, p.target.measure_code, p.target.track_code): p for p in result.targets}
    assert len(result.targets) == 5  # the district's target is not a city figure
    assert progress[("yuecai", "trainings", None)].actual == 7
    assert progress[("yuecai", "trainings", None)].pace == "behind"  # 70% done, the year is over
    assert progress[("yuecai", "persons", None)].actual == 6 and progress[("yuecai", "persons", None)].pace == "met"
    assert progress[("jiazheng", "trainings", "household")].pace == "met"
    assert progress[("jiazheng", "service_cards", None)].actual == 0  # counted from the cards (none issued)
    assert progress[("jiazheng", "service_stations", None)].actual == 0  # counted from the stations (none recorded)
    assert {r.label: r.target for r in result.rows}["粤菜师傅"] == 10
    in_a = totals(Scope(YEAR, district_id=district_a))
    assert [(p.target.value, p.actual) for p in in_a.targets] == [(4, 5)]
    mid_year = figures.reconcile(Scope(YEAR), "programme", date(YEAR, 7, 2), None)
    assert mid_year.elapsed == pytest.approx(183 / 365)


def test_programme_measures_count_by_their_own_rule(world):
    db.session.add(TraineeTag(trainee_id=world["t"][5].id, tag="assisted_region"))
    safety = factories.session(world["a"], "safety", "work_at_height", level=None,
                               start_date=date(YEAR, 5, 1), end_date=date(YEAR, 5, 3), code="S7")
    factories.enrollment(safety, world["t"][2], "passed")
    targets.set_target(targets.TargetData(YEAR, "yuecai", "assisted_region_trainings", 5), None, ON)
    targets.set_target(targets.TargetData(YEAR, "safety", "special_operations", 5), None, ON)
    actual = {p.target.measure_code: p.actual for p in totals().targets}
    assert actual == {"assisted_region_trainings": 1, "special_operations": 1}
    listed = drilldown.drilldown(Scope(YEAR, "yuecai"), "assisted_region_trainings", None)
    assert [t.name for _, _, t in listed.people] == ["学员戊"]


@pytest.mark.parametrize("mask_bits", [62, 0], ids=["in-one-pass", "each-apart"])
def test_every_programme_measure_is_the_count_of_its_drilldown(monkeypatch, mask_bits):
    """Each programme's own measures, however the figures read them (by session, by enrollment, in the
    people's masks or counted apart), equal the count of their drill-down, city-wide and in a district."""
    from registry.domain.reconciliation import counting, people

    monkeypatch.setattr(people, "MASK_BITS", mask_bits)
    measures = counting.counted_extra_measures()
    programmes = sorted({code for code, _ in measures})
    bases = [factories.base("甲基地", A, programmes=programmes), factories.base("乙基地", B, programmes=programmes)]
    region = next(iter(ASSISTED_REGIONS))
    regular = factories.trainee("老学员", tags={"assisted_region"}, assisted_region=region)
    for n, (code, occupation) in enumerate((p.code, o) for p in map(catalogue.__getitem__, programmes)
                                           for o in p.occupations):
        level = occupation.levels[-1] if occupation.levels else None
        base = bases[n % 2]
        earlier = factories.session(base, code, occupation.code, level, start_date=date(YEAR - 1, 3, 1),
                                    end_date=date(YEAR - 1, 3, 9))
        factories.enrollment(earlier, regular, "passed")
        session = factories.session(base, code, occupation.code, level, start_date=date(YEAR, 4, 1),
                                    end_date=date(YEAR, 4, 9))
        factories.enrollment(session, regular, "passed")
        newcomer = factories.trainee("新学员" + NAMES[n % len(NAMES)], tags={"low_income"}) if n % 3 else \
            factories.trainee("新学员" + NAMES[n % len(NAMES)], tags={"assisted_region"}, assisted_region=region)
        factories.enrollment(session, newcomer, "passed")
    district_a = factories.district(A).id
    for code, measure in measures:
        targets.set_target(targets.TargetData(YEAR, code, measure.code, 1), None, ON)
        targets.set_target(targets.TargetData(YEAR, code, measure.code, 1, district_id=district_a), None, ON)
    # By district, people are not counted by programme: a whole programme's measure is then counted
    # as the others are, not read from the programme's own count of people.
    for scope, group_by in product((Scope(YEAR), Scope(YEAR, district_id=district_a)), ("programme", "district")):
        actual = {(p.target.programme_code, p.target.measure_code): p.actual
                  for p in figures.reconcile(scope, group_by, ON, None).targets}
        for code, measure in measures:
            listed = drilldown.drilldown(scope.narrowed(programme_code=code), measure.code, None).count
            assert actual[(code, measure.code)] == listed, (scope, group_by, code, measure.code)
    city = {(p.target.programme_code, p.target.measure_code): p.actual for p in totals().targets}
    assert city[("yuecai", "assisted_region_persons")] >= 2 and city[("yuecai", "assisted_region_trainings")] >= 2
    assert city[("disability", "new_trainees")] >= 1 and city[("rural_labour", "new_farmers")] == 2
    assert city[("rural_labour", "low_income_trainings")] >= 1 and city[("apprenticeship", "apprentices")] >= 2


def test_a_condition_on_the_session_alone_is_told_from_one_on_each_enrollment():
    """Conditions decided once per session are those that read no enrollment and no other table."""
    from registry.domain.reconciliation import counting

    alone = {(code, m.code): counting.on_session_alone(counting.measure_condition(code, m.code))
             for code, m in counting.counted_extra_measures()}
    assert alone[("rural_labour", "rural_ecommerce")] and alone[("safety", "special_operations")]
    assert alone[("apprenticeship", "apprentices")]  # every 人次 of the programme
    assert counting.whole_programme("apprenticeship", "apprentices")  # read from the programme's 人数
    assert not counting.whole_programme("safety", "special_operations")  # some occupations only
    assert not alone[("yuecai", "assisted_region_trainings")]  # the trainee's tags
    assert not alone[("new_workers", "top_talent")]  # an occupation, a level, or an earlier certificate
    assert not alone[("disability", "new_trainees")]  # earlier participations


def test_postgresql_settings_of_the_aggregates_end_with_them():
    """The join settings the figures use are the transaction's own again afterwards (PostgreSQL)."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL settings")

    def settings():
        return db.session.execute(select(*[func.current_setting(n) for n in figures.AGGREGATE_SETTINGS])).one()

    before = settings()
    assert before[2:] == ("on", "on")
    figures.reconcile(Scope(YEAR), "programme", ON, None)
    figures.programme_year("yuecai", YEAR, None, ON, None)
    assert settings() == before


def test_a_revision_keeps_the_old_value_date_and_reason(world):
    target = targets.set_target(targets.TargetData(YEAR, "yuecai", "trainings", 10), None, ON)
    with pytest.raises(DomainError) as refused:
        targets.set_target(targets.TargetData(YEAR, "yuecai", "trainings", 12), None, ON)
    assert refused.value.field == "reason"
    same = targets.set_target(targets.TargetData(YEAR, "yuecai", "trainings", 12), None, date(YEAR, 6, 1), "省厅调整")
    assert same.id == target.id and target.value == 12
    revision = db.session.scalar(select(TargetRevision).where(TargetRevision.target_id == target.id))
    assert (revision.old_value, revision.new_value, revision.revised_on, revision.reason) == (10, 12, date(YEAR, 6, 1), "省厅调整")
    logged = db.session.scalars(select(AuditLog).where(AuditLog.entity_type == "targets").order_by(AuditLog.id)).all()
    assert [entry.action for entry in logged] == ["insert", "update"]
    assert db.session.scalar(select(db.func.count(Target.id))) == 1


@pytest.mark.parametrize("data,field", [
    (targets.TargetData(1999, "yuecai", "trainings", 1), "year"),
    (targets.TargetData(YEAR, "nope", "trainings", 1), "programme_code"),
    (targets.TargetData(YEAR, "yuecai", "service_cards", 1), "measure_code"),
    (targets.TargetData(YEAR, "yuecai", "trainings", 1, track_code="household"), "track_code"),
    (targets.TargetData(YEAR, "yuecai", "trainings", -1), "value"),
])
def test_targets_the_catalogue_does_not_know_are_refused(data, field):
    with pytest.raises(DomainError) as refused:
        targets.set_target(data, None, ON)
    assert refused.value.field == field


def test_presets_load_once_and_never_overwrite():
    targets.set_target(targets.TargetData(YEAR, "jiazheng", "trainings", 99, track_code="elderly"), None, ON)
    plan = targets.preset_plan(YEAR)
    elderly = next(p for p in plan if p.data.track_code == "elderly")
    assert elderly.existing is not None and elderly.data.value == 5000
    created = targets.load_presets(YEAR, None, ON)
    assert len(created) == len(plan) - 1
    assert targets.find(elderly.data).value == 99
    household = next(p for p in plan if p.data.track_code == "household")
    assert targets.find(household.data).value == 15000 and "22号" in targets.find(household.data).basis
    assert targets.load_presets(YEAR, None, ON) == []


def sheet(rows):
    headers = ["年度", "项目", "方向", "职业(工种)", "区", "指标", "目标值", "调整原因"]
    return workbook_bytes([("目标", headers, rows)])


def test_import_previews_then_confirms_all_or_nothing():
    targets.set_target(targets.TargetData(YEAR, "yuecai", "trainings", 10), None, ON)
    content = sheet([
        [YEAR, "粤菜师傅", "", "", "全市", "培训人次", 12, ""],          # revision without a reason
        [YEAR, "南粤家政", "养老", "", "天河区", "培训人次", 300, ""],
        [YEAR, "没有的项目", "", "", "全市", "培训人次", 5, ""],
        [YEAR, "南粤家政", "养老", "", "天河", "培训人次", 300, ""],      # same target as row 3
        [YEAR, "粤菜师傅", "", "", "", "合格人数", "很多", ""],
    ])
    preview = targets.preview_import("目标.xlsx", content)
    errors = {row.number: row.errors[0] for row in preview.wrong}
    assert set(errors) == {2, 4, 5, 6}
    assert "调整原因" in errors[2] and "没有的项目" in errors[4] and "第 3 行" in errors[5] and "目标值" in errors[6]
    with pytest.raises(DomainError):
        targets.confirm_import("目标.xlsx", content, None, ON)
    assert db.session.scalar(select(db.func.count(Target.id))) == 1
    fixed = sheet([
        [YEAR, "粤菜师傅", "", "", "全市", "培训人次", 12, "省厅下达新任务"],
        [YEAR, "南粤家政", "养老", "", "天河区", "培训人次", 300, ""],
        [YEAR, "南粤家政", "", "育婴员", "全市", "培训人次", 800, ""],
    ])
    _, changed = targets.confirm_import("目标.xlsx", fixed, None, ON)
    assert len(changed) == 3
    assert targets.find(targets.TargetData(YEAR, "yuecai", "trainings", 0)).value == 12
    assert targets.find(targets.TargetData(YEAR, "jiazheng", "trainings", 0, occupation_code="infant_carer")).value == 800
    again = targets.preview_import("目标.xlsx", fixed)
    assert again.count("unchanged") == 3


def test_quality_checks_find_each_problem(world):
    on = date(YEAR + 1, 3, 1)
    s1, s2 = world["s"][1], world["s"][2]
    counts = quality.counts(true(), on)
    # Passed long ago without any certificate: S1's 学员戊, S4's, S6's, and 学员壬 in S3 and S5.
    assert counts["no_certificate"] == 5
    assert quality.counts(true(), on, days=3650)["no_certificate"] == 0
    no_result = factories.session(world["a"], start_date=date(YEAR, 8, 1), end_date=date(YEAR, 8, 5), code="S8")
    factories.enrollment(no_result, world["t"][3], None)
    overlapping = factories.session(world["b"], start_date=date(YEAR, 3, 5), end_date=date(YEAR, 3, 20), code="S9")
    factories.enrollment(overlapping, world["t"][2], None)
    copied = factories.session(world["b"], start_date=date(YEAR, 4, 1), end_date=date(YEAR, 4, 5), code="S10")
    for n in range(10, 15):
        factories.enrollment(copied, person(n), "passed", score=88)
    counts = quality.counts(true(), on)
    assert counts["no_result"] == 2  # S8's, and S9's (both ended without a result)
    assert counts["overlapping"] == 1 and counts["copied"] == 1
    rows, total = quality.rows("overlapping", true(), on)
    assert total == 1 and {rows[0][1].code, rows[0][3].code} == {s1.code, "S9"}
    rows, _ = quality.rows("copied", true(), on)
    assert rows[0][0].code == "S10" and rows[0][1] == 5
    assert s2.code not in [r[0].code for r in rows]
