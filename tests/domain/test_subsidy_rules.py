"""Subsidy rules as versioned data: parameters seeded with the policy values, a new version from a
day on, the standard most specific (then latest) in force, the list uplift in whole fen, yuan typed
by a clerk, and the audit rows every change leaves."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from registry.domain.audit import AuditLog
from registry.domain.errors import DomainError
from registry.domain.subsidies import parameters, standards
from registry.domain.subsidies.models import OccupationListing, RuleParameter, SubsidyStandard
from registry.extensions import db

BASIS = "测试依据"

#: DOMAIN.md and the policy files, as migration 0007 seeds them (in force from 2020-01-01).
SEEDED = {
    "training_claim_days": 60,
    "certificate_claim_months": 12,
    "yearly_subsidy_cap": 3,
    "review_working_days": 30,
    "notice_days": 7,
    "list_uplift_percent": 30,
    "advance_percent": 20,
    "advance_claim_days": 60,
    "leaving_report_days": 15,
    "apprentice_claim_days": 60,
    "min_contract_months": 12,
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_rows(entity_type: str, entity_id: int) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(
        AuditLog.entity_type == entity_type, AuditLog.entity_id == str(entity_id)).order_by(AuditLog.id)))


# --- parameters ------------------------------------------------------------------------------

def test_the_migration_seeds_every_parameter_with_the_policy_value():
    assert set(SEEDED) == set(parameters.PARAMETERS)
    for key, expected in SEEDED.items():
        row = parameters.in_force(key, date(2026, 6, 1))
        assert (row.value, row.effective_from) == (expected, date(2020, 1, 1)), key
        assert row.basis and row.recorded_by == "系统初始数据"
        assert "(004)" not in row.basis and "issue" not in row.basis, key


def test_no_version_before_the_first_one_is_a_clear_error():
    with pytest.raises(DomainError, match="2019-12-31 没有生效的参数「公示期」"):
        parameters.value("notice_days", date(2019, 12, 31))


def test_a_new_version_applies_from_its_day_and_the_old_one_before():
    seeded = parameters.in_force("training_claim_days", date(2026, 1, 1))
    parameters.set_parameter("training_claim_days", 90, date(2027, 3, 1), "新文件", "市局甲")
    assert parameters.value("training_claim_days", date(2027, 2, 28)) == 60
    assert parameters.value("training_claim_days", date(2027, 3, 1)) == 90
    assert parameters.value("training_claim_days", date(2030, 1, 1)) == 90
    history = parameters.history("training_claim_days")
    assert [(r.value, r.effective_from) for r in history] == [(90, date(2027, 3, 1)), (60, date(2020, 1, 1))]
    assert history[1] is seeded and seeded.value == 60 and seeded.basis.startswith("穗人社函〔2020〕22号 之四 二(七)")


def test_a_version_dated_between_two_others_applies_only_until_the_later_one():
    parameters.set_parameter("notice_days", 10, date(2028, 1, 1), BASIS, "市局甲")
    parameters.set_parameter("notice_days", 5, date(2025, 1, 1), BASIS, "市局甲")
    assert [parameters.value("notice_days", day) for day in
            (date(2024, 12, 31), date(2025, 1, 1), date(2027, 12, 31), date(2028, 1, 1))] == [7, 5, 5, 10]


@pytest.mark.parametrize("key, value, on, basis, field, message", [
    ("yearly_subsidy_cap", 0, date(2027, 1, 1), BASIS, "value", "「每人每年享受培训补贴次数上限」应在 1–12次 之间"),
    ("list_uplift_percent", 101, date(2027, 1, 1), BASIS, "value", "上浮比例」应在 0–100% 之间"),
    ("notice_days", None, date(2027, 1, 1), BASIS, "value", "「公示期」应在"),
    ("notice_days", 5, None, BASIS, "effective_from", "请填写生效日期"),
    ("notice_days", 5, date(2027, 1, 1), "  ", "basis", "请填写依据"),
    ("notice_days", 5, date(2020, 1, 1), BASIS, "effective_from", "「公示期」在 2020-01-01 已有生效版本"),
    ("no_such_key", 5, date(2027, 1, 1), BASIS, "key", "没有这个参数"),
])
def test_a_bad_version_names_the_field_and_saves_nothing(key, value, on, basis, field, message):
    before = count(RuleParameter)
    with pytest.raises(DomainError) as refused:
        parameters.set_parameter(key, value, on, basis, "市局甲")
    assert refused.value.field == field and message in refused.value.message
    assert count(RuleParameter) == before


# --- standards -------------------------------------------------------------------------------

def test_the_most_specific_standard_in_force_wins():
    programme = standards.add_standard("yuecai", None, None, 100000, date(2024, 1, 1), BASIS, "市局甲")
    occupation = standards.add_standard("yuecai", "chinese_cook", None, 150000, date(2024, 1, 1), BASIS, "市局甲")
    level = standards.add_standard("yuecai", "chinese_cook", 3, 250000, date(2024, 1, 1), BASIS, "市局甲")
    on = date(2025, 1, 1)
    assert standards.standard_for("yuecai", "chinese_cook", 3, on) == level
    assert standards.standard_for("yuecai", "chinese_cook", 5, on) == occupation
    assert standards.standard_for("yuecai", "chinese_pastry_cook", 5, on) == programme
    assert standards.standard_for("yuecai", "cantonese_cuisine", None, on) == programme
    # A newer programme-wide figure does not override an occupation's own standard.
    standards.add_standard("yuecai", None, None, 120000, date(2025, 1, 1), BASIS, "市局甲")
    assert standards.standard_for("yuecai", "chinese_cook", 4, on) == occupation
    assert standards.standard_for("yuecai", "chinese_pastry_cook", 4, on).amount_fen == 120000


def test_at_equal_specificity_the_latest_in_force_wins_and_a_future_one_waits():
    old = standards.add_standard("jiazheng", "housekeeper", 5, 80000, date(2022, 1, 1), BASIS, "市局甲")
    new = standards.add_standard("jiazheng", "housekeeper", 5, 90000, date(2025, 7, 1), BASIS, "市局甲")
    future = standards.add_standard("jiazheng", "housekeeper", 5, 95000, date(2031, 1, 1), BASIS, "市局甲")
    assert standards.standard_for("jiazheng", "housekeeper", 5, date(2025, 6, 30)) == old
    assert standards.standard_for("jiazheng", "housekeeper", 5, date(2025, 7, 1)) == new
    assert standards.standard_for("jiazheng", "housekeeper", 5, date(2030, 12, 31)) == new
    assert standards.standard_for("jiazheng", "housekeeper", 5, date(2031, 1, 1)) == future
    with pytest.raises(DomainError, match="2021-12-31 没有适用于「南粤家政 家政服务员 五级/初级工」的补贴标准"):
        standards.standard_for("jiazheng", "housekeeper", 5, date(2021, 12, 31))


def test_standards_of_one_programme_never_apply_to_another():
    standards.add_standard("yuecai", None, None, 100000, date(2024, 1, 1), BASIS, "市局甲")
    with pytest.raises(DomainError, match="没有适用于「企业职工转岗转业 中式烹调师"):
        standards.standard_for("job_change", "chinese_cook", 5, date(2025, 1, 1))


@pytest.mark.parametrize("programme, occupation, level, amount, on, basis, field", [
    ("nonexistent", None, None, 100, date(2025, 1, 1), BASIS, "programme_code"),
    ("yuecai", "welder", None, 100, date(2025, 1, 1), BASIS, "occupation_code"),
    ("yuecai", None, 5, 100, date(2025, 1, 1), BASIS, "level"),
    ("yuecai", "cantonese_cuisine", 5, 100, date(2025, 1, 1), BASIS, "level"),
    ("jiazheng", "medical_carer", 3, 100, date(2025, 1, 1), BASIS, "level"),
    ("yuecai", None, None, 0, date(2025, 1, 1), BASIS, "amount"),
    ("yuecai", None, None, 100, None, BASIS, "effective_from"),
    ("yuecai", None, None, 100, date(2025, 1, 1), "", "basis"),
])
def test_a_bad_standard_names_the_field_and_saves_nothing(programme, occupation, level, amount, on, basis, field):
    with pytest.raises(DomainError) as refused:
        standards.add_standard(programme, occupation, level, amount, on, basis, "市局甲")
    assert refused.value.field == field
    assert count(SubsidyStandard) == 0


def test_a_second_standard_for_the_same_scope_and_day_is_refused():
    standards.add_standard("yuecai", "chinese_cook", None, 100000, date(2025, 1, 1), BASIS, "市局甲")
    with pytest.raises(DomainError, match="同一范围在该生效日期已有补贴标准") as refused:
        standards.add_standard("yuecai", "chinese_cook", None, 110000, date(2025, 1, 1), BASIS, "市局甲")
    assert refused.value.field == "effective_from"
    # Another level, or the programme as a whole, on the same day is a different scope.
    standards.add_standard("yuecai", "chinese_cook", 4, 110000, date(2025, 1, 1), BASIS, "市局甲")
    standards.add_standard("yuecai", None, None, 90000, date(2025, 1, 1), BASIS, "市局甲")
    assert count(SubsidyStandard) == 3


def test_presets_load_once_and_need_a_date():
    presets = [(p.code, preset) for p in standards.catalogue.subsidised() for preset in p.subsidy.standard_presets]
    assert presets, "at least one programme declares a policy standard"
    assert standards.load_presets(date(2025, 1, 1), "市局甲") == len(presets)
    assert standards.load_presets(date(2025, 1, 1), "市局甲") == 0
    code, preset = presets[0]
    row = standards.standard_for(code, "welder", 4, date(2025, 1, 1))
    assert row.amount_fen == preset.amount_yuan * 100 and row.basis == preset.basis
    with pytest.raises(DomainError, match="请填写生效日期"):
        standards.load_presets(None, "市局甲")


# --- occupation lists and the uplift ----------------------------------------------------------

def test_the_uplift_applies_only_while_listed_and_is_exact_in_fen():
    standards.add_standard("yuecai", "chinese_cook", None, 123455, date(2024, 1, 1), BASIS, "市局甲")
    listing = standards.add_listing("high_consumables", "chinese_cook", date(2025, 1, 1), None, BASIS, "市局甲")
    standards.end_listing(listing, date(2025, 12, 31))

    before = standards.amount_for("yuecai", "chinese_cook", 5, date(2024, 12, 31))
    during = standards.amount_for("yuecai", "chinese_cook", 5, date(2025, 1, 1))
    last_day = standards.amount_for("yuecai", "chinese_cook", 5, date(2025, 12, 31))
    after = standards.amount_for("yuecai", "chinese_cook", 5, date(2026, 1, 1))
    assert (before.uplift_percent, before.fen, before.lists) == (0, 123455, ())
    # 1,234.55 元 × 1.3 = 1,604.915 元: half a fen rounds up, exactly, in integers.
    assert (during.uplift_percent, during.fen, during.lists) == (30, 160492, ("高耗材职业(工种)目录",))
    assert last_day.fen == 160492 and isinstance(last_day.fen, int)
    assert (after.uplift_percent, after.fen) == (0, 123455)


@pytest.mark.parametrize("standard_fen, expected_fen", [
    (123455, 160492),   # 1,604.915 → 1,604.92
    (123456, 160493),   # 1,604.9280 → 1,604.93
    (123451, 160486),   # 1,604.863 → 1,604.86
    (100000, 130000),
    (1, 1),             # 0.013 元 → 0.01
])
def test_thirty_percent_more_in_whole_fen(standard_fen, expected_fen):
    standards.add_standard("yuecai", "chinese_cook", None, standard_fen, date(2024, 1, 1), BASIS, "市局甲")
    standards.add_listing("shortage", "chinese_cook", date(2024, 1, 1), None, BASIS, "市局甲")
    assert standards.amount_for("yuecai", "chinese_cook", 4, date(2025, 1, 1)).fen == expected_fen


def test_on_both_lists_the_uplift_is_paid_once_at_the_percentage_in_force():
    standards.add_standard("jigong", "welder", None, 200000, date(2024, 1, 1), BASIS, "市局甲")
    standards.add_listing("high_consumables", "welder", date(2024, 1, 1), None, BASIS, "市局甲")
    standards.add_listing("shortage", "welder", date(2024, 1, 1), None, BASIS, "市局甲")
    both = standards.amount_for("jigong", "welder", 3, date(2025, 1, 1))
    assert (both.uplift_percent, both.fen) == (30, 260000) and len(both.lists) == 2
    parameters.set_parameter("list_uplift_percent", 20, date(2026, 1, 1), BASIS, "市局甲")
    assert standards.amount_for("jigong", "welder", 3, date(2025, 12, 31)).fen == 260000
    assert standards.amount_for("jigong", "welder", 3, date(2026, 1, 1)).fen == 240000
    # An advance is a percentage of the raised standard: 20% of 2,400 元.
    assert standards.amount_for("jigong", "welder", 3, date(2026, 1, 1), percent=20).fen == 48000


def test_a_listing_may_not_overlap_another_on_the_same_list():
    first = standards.add_listing("shortage", "electrician", date(2024, 1, 1), date(2024, 12, 31), BASIS, "市局甲")
    with pytest.raises(DomainError, match=re.escape("已在「紧缺职业(工种)目录」中")) as refused:
        standards.add_listing("shortage", "electrician", date(2024, 6, 1), None, BASIS, "市局甲")
    assert refused.value.field == "effective_from"
    standards.add_listing("high_consumables", "electrician", date(2024, 6, 1), None, BASIS, "市局甲")
    later = standards.add_listing("shortage", "electrician", date(2025, 1, 1), None, BASIS, "市局甲")
    with pytest.raises(DomainError):
        standards.add_listing("shortage", "electrician", date(2023, 1, 1), date(2024, 1, 1), BASIS, "市局甲")
    assert [first.id, later.id] == [r.id for r in db.session.scalars(
        select(OccupationListing).where(OccupationListing.list_kind == "shortage").order_by(OccupationListing.id))]


@pytest.mark.parametrize("kind, occupation, start, until, basis, field", [
    ("other", "welder", date(2025, 1, 1), None, BASIS, "list_kind"),
    ("shortage", "no_such_job", date(2025, 1, 1), None, BASIS, "occupation_code"),
    ("shortage", "welder", None, None, BASIS, "effective_from"),
    ("shortage", "welder", date(2025, 1, 1), date(2024, 12, 31), BASIS, "effective_until"),
    ("shortage", "welder", date(2025, 1, 1), None, " ", "basis"),
])
def test_a_bad_listing_names_the_field_and_saves_nothing(kind, occupation, start, until, basis, field):
    with pytest.raises(DomainError) as refused:
        standards.add_listing(kind, occupation, start, until, basis, "市局甲")
    assert refused.value.field == field
    assert count(OccupationListing) == 0


def test_ending_a_listing_needs_a_day_not_before_its_start_and_happens_once():
    listing = standards.add_listing("shortage", "welder", date(2025, 1, 1), None, BASIS, "市局甲")
    for day, message in ((None, "请填写失效日期"), (date(2024, 12, 31), "失效日期不能早于生效日期")):
        with pytest.raises(DomainError, match=message):
            standards.end_listing(listing, day)
    assert listing.effective_until is None
    standards.end_listing(listing, date(2025, 1, 1))
    with pytest.raises(DomainError, match="该条目已于 2025-01-01 失效"):
        standards.end_listing(listing, date(2026, 1, 1))


# --- money as a clerk types it -----------------------------------------------------------------

@pytest.mark.parametrize("typed, fen", [
    ("1,234.55", 123455), ("1234.5", 123450), ("1234", 123400), (" 88 元", 8800), ("1\uff0c000", 100000),
    ("0.01", 1), ("5000.", 500000), ("0", 0),
])
def test_parse_yuan_reads_what_a_clerk_types(typed, fen):
    assert standards.parse_yuan(typed) == fen


@pytest.mark.parametrize("typed", [
    "", None, "-5", "+5", "1.234", "abc", "1e3", "12.3.4", "12 34", ".5", "\uff11\uff12\uff13", "\u00b2",
    "12345678901", "五千",
])
def test_parse_yuan_refuses_anything_else_naming_the_field(typed):
    with pytest.raises(DomainError, match="金额应为不超过两位小数的正数") as refused:
        standards.parse_yuan(typed, "amount")
    assert refused.value.field == "amount"


def test_yuan_shows_fen_with_two_decimals():
    assert [standards.yuan(v) for v in (123456, 5, 0, -150, None)] == ["1,234.56", "0.05", "0.00", "-1.50", "—"]


# --- the audit log ---------------------------------------------------------------------------

def test_every_change_is_in_the_audit_log():
    parameter = parameters.set_parameter("advance_percent", 25, date(2027, 1, 1), BASIS, "市局甲")
    standard = standards.add_standard("yuecai", None, None, 100000, date(2025, 1, 1), BASIS, "市局甲")
    listing = standards.add_listing("shortage", "welder", date(2025, 1, 1), None, BASIS, "市局甲")
    standards.end_listing(listing, date(2025, 6, 30))
    db.session.flush()
    assert [r.action for r in audit_rows("subsidy_parameters", parameter.id)] == ["insert"]
    assert audit_rows("subsidy_parameters", parameter.id)[0].changes["after"]["value"] == 25
    assert [r.action for r in audit_rows("subsidy_standards", standard.id)] == ["insert"]
    inserted, ended = audit_rows("subsidy_occupation_listings", listing.id)
    assert (inserted.action, ended.action) == ("insert", "update")
    assert ended.changes["before"]["effective_until"] is None
    assert ended.changes["after"]["effective_until"] == "2025-06-30"
