"""上门服务证: eligibility, the card record, photos, live status, revocation and replacement, the count."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from PIL import Image
from sqlalchemy import select

from registry.domain.audit import AuditLog
from registry.domain.certificates import operations as certificate_ops
from registry.domain.certificates import verification
from registry.domain.certificates.payload import split_code
from registry.domain.certificates.signing import KeyRing
from registry.domain.common import today
from registry.domain.errors import DomainError
from registry.domain.service_cards import cards, records
from registry.domain.service_cards.photos import prepare_photo
from registry.domain.common import add_months
from registry.domain.service_cards.policy import default_rules
from registry.domain.service_cards.public import card_verdict, public_view, revocation_entries
from registry.domain.service_cards.standing import WorkerFacts, eligibility
from registry.extensions import db
from tests import factories


@pytest.fixture
def keyring(tmp_path):
    return KeyRing(tmp_path / "keys")


@pytest.fixture
def clerk():
    return factories.user("jz_clerk", "city")


@pytest.fixture
def rules():
    return default_rules()


def issue(person, rules, keyring, **kwargs):
    return cards.issue_card(person, rules, keyring, factories.district(), **kwargs)


def requirements(person, rules):
    facts = WorkerFacts.gather(person, rules, today())
    return {r.code: r.met for r in eligibility(facts, cards.active_card(person.id, rules.programme.code)).requirements}


def test_a_qualified_worker_gets_one_card_listing_the_trained_service_types(keyring, clerk, rules):
    person, certificate = factories.card_worker(keyring, clerk)
    card = issue(person, rules, keyring)
    assert card.number.startswith(f"SM{today():%y}440106") and len(card.number) == 17
    assert card.service_type_names == ["居家"]
    assert card.service_types[0].certificate_id == certificate.id
    assert card.photo.jpeg and card.identity_check.checked_by_name == clerk.display_name
    with pytest.raises(DomainError, match="一人一证"):
        issue(person, rules, keyring)  # one card per person


@pytest.mark.parametrize("missing, requirement", [
    ({"identity": False}, "identity"),
    ({"photo": False}, "photo"),
    ({"health_on": False}, "health"),
    ({"health_on": date.today() - timedelta(days=400)}, "health"),
])
def test_each_condition_is_required(keyring, clerk, rules, missing, requirement):
    person, _ = factories.card_worker(keyring, clerk, **missing)
    met = requirements(person, rules)
    assert met[requirement] is False and sum(not v for v in met.values()) == 1
    with pytest.raises(DomainError, match="不符合发证条件"):
        issue(person, rules, keyring)


def test_only_a_certificate_from_a_card_track_qualifies(keyring, clerk, rules):
    base = factories.base(programmes=("jiazheng", "yuecai"))
    person, certificate = factories.card_worker(keyring, clerk, base_record=base)
    certificate_ops.revoke(certificate, "error", note="登记错误")
    assert requirements(person, rules)["certificate"] is False
    cook_session = factories.session(base, "yuecai", "chinese_cook")
    cooking = factories.enrollment(cook_session, person, result="passed", assessment_type="training_qualified")
    certificate_ops.issue_certificates(cook_session, [cooking], keyring)
    assert requirements(person, rules)["certificate"] is False  # 粤菜师傅 is no home-service track


def test_a_later_unfit_health_check_outweighs_an_earlier_fit_one(keyring, clerk, rules):
    person, _ = factories.card_worker(keyring, clerk)
    records.record_health_check(person, rules, today(), "某医院", "unfit")
    assert requirements(person, rules)["health"] is False


def test_health_check_validity_is_a_setting(app, keyring, clerk):
    app.config["SERVICE_CARD_HEALTH_CHECK_MONTHS"] = 6
    try:
        rules = default_rules()
        assert rules.health_check_months == 6
        person, _ = factories.card_worker(keyring, clerk, health_on=today() - timedelta(days=200))
        assert requirements(person, rules)["health"] is False
    finally:
        app.config.pop("SERVICE_CARD_HEALTH_CHECK_MONTHS")
    assert default_rules().health_check_months == 12


def test_black_listing_bars_a_card_for_three_years(keyring, clerk, rules):
    person, _ = factories.card_worker(keyring, clerk)
    listed_on = today() - timedelta(days=365)
    records.record_credit(person, "black", "虐待被服务老人,经查属实", listed_on)
    with pytest.raises(DomainError, match=f"{add_months(listed_on, 36):%Y-%m-%d} 起方可办证"):
        issue(person, rules, keyring)
    with time_machine.travel(datetime.combine(add_months(listed_on, 36), datetime.min.time()).replace(hour=12),
                             tick=False):
        records.record_health_check(person, rules, today(), "某医院", "fit")
        assert requirements(person, rules)["credit"] is True


def test_live_status_follows_the_facts(keyring, clerk, rules):
    person, _ = factories.card_worker(keyring, clerk, health_on=today() - timedelta(days=10))
    card = issue(person, rules, keyring)
    assert card_verdict(card, today()).outcome == "valid"
    health = records.latest_health_check(person.id)
    lapsed = health.expires_on + timedelta(days=1)
    assert card_verdict(card, lapsed).outcome == "health_expired"
    records.record_credit(person, "black", "投诉属实", today())
    assert card_verdict(card, today()).outcome == "suspended"
    assert card_verdict(card, lapsed).problems == ["suspended", "health_expired"]
    records.record_credit(person, "normal", "复核撤销黑名单", today())
    assert card_verdict(card, today()).outcome == "valid"
    cards.revoke(card, "left_trade", "本人申请")
    assert card_verdict(card, today()).outcome == "revoked"


def test_retraining_falls_due_two_years_after_the_last_training(keyring, clerk, rules):
    person, _ = factories.card_worker(keyring, clerk)
    card = issue(person, rules, keyring)
    trained_until = records.last_training_end(person.id, rules)
    due = add_months(trained_until, 24)
    verdict = card_verdict(card, due)
    assert verdict.facts.retraining_due == due and "retrain_overdue" not in verdict.problems
    assert "retrain_overdue" in card_verdict(card, due + timedelta(days=1)).problems


def test_further_training_adds_a_type_to_the_same_card(keyring, clerk, rules):
    base = factories.base(programmes=("jiazheng",))
    person, _ = factories.card_worker(keyring, clerk, base_record=base)
    card = issue(person, rules, keyring)
    number, signature = card.number, card.signature
    elderly = factories.session(base, "jiazheng", "elderly_carer", 5, track_code="elderly")
    certificate_ops.issue_certificates(
        elderly, [factories.enrollment(elderly, person, result="passed", assessment_type="training_qualified")], keyring)
    assert card.service_type_names == ["居家", "养老"] and card.signature != signature and card.number == number
    fields = verification.genuine_fields(card.number, split_code(cards.card_code(card, "https://x.cn"))[1], keyring)
    assert fields.title == "居家、养老" and fields.document_type == "service_card"
    assert cards.new_service_types(card, rules) == {}
    with pytest.raises(DomainError, match="没有可加注"):
        cards.add_service_types(card, rules, keyring)


def test_a_type_earned_before_the_card_lapsed_can_be_added_by_hand(keyring, clerk, rules):
    base = factories.base(programmes=("jiazheng",))
    person, _ = factories.card_worker(keyring, clerk, base_record=base)
    elderly = factories.session(base, "jiazheng", "elderly_carer", 5, track_code="elderly")
    [later] = certificate_ops.issue_certificates(
        elderly, [factories.enrollment(elderly, person, result="passed", assessment_type="training_qualified")], keyring)
    certificate_ops.suspend(later, "investigation", note="核查中")
    card = issue(person, rules, keyring)
    assert card.service_type_names == ["居家"]
    certificate_ops.reinstate(later, "核查无误")
    assert list(cards.new_service_types(card, rules)) == ["elderly"]
    assert cards.add_service_types(card, rules, keyring) == ["elderly"]
    assert card.service_type_names == ["居家", "养老"]


def test_replacement_gets_a_new_number_and_the_old_card_shows_replaced(keyring, clerk, rules):
    person, _ = factories.card_worker(keyring, clerk)
    card = issue(person, rules, keyring)
    records.upload_photo(person, factories.photo_bytes((700, 900)))
    new = cards.replace(card, rules, "lost", "遗失", keyring)
    assert new.number != card.number and new.replaces_id == card.id and card.replaced_by_id == new.id
    assert new.photo_id != card.photo_id  # the latest photo is printed on the new card
    assert card_verdict(card, today()).outcome == "replaced"
    assert public_view(card_verdict(card, today()))["card"]["replaced_by"] == cards.display_number(new.number)
    assert cards.active_card(person.id, "jiazheng").id == new.id
    assert cards.count_issued("jiazheng", today().year, None) == 1  # the replacement is not a new card


def test_the_signed_code_proves_the_card_and_any_change_is_altered(keyring, clerk, rules):
    person, _ = factories.card_worker(keyring, clerk)
    card = issue(person, rules, keyring)
    number, fields = split_code(cards.card_code(card, "https://registry.example.cn"))
    verdict = verification.verify_code(number, fields, keyring, today())
    assert verdict.kind == "service_card" and verdict.outcome == "valid" and verdict.card.id == card.id
    tampered = fields[:-5] + ("A" if fields[-5] != "A" else "B") + fields[-4:]
    assert verification.verify_code(number, tampered, keyring, today()).outcome == "altered"
    other = number[:-2] + ("1" if number[-2] != "1" else "2") + number[-1]
    assert verification.verify_code(other, fields, keyring, today()).outcome == "altered"


def test_public_view_masks_the_holder(keyring, clerk, rules):
    person, _ = factories.card_worker(keyring, clerk, name="李秀梅")
    employer = factories.enterprise("穗安家政服务有限公司", kind="home_service")
    card = issue(person, rules, keyring, employer=employer)
    records.rate(person, 4, today(), "广州市家庭服务业协会")
    data = public_view(card_verdict(card, today()))["card"]
    assert data["holder"] == "李*梅" and person.document_number not in str(data)
    assert data["document"].startswith(person.document_number[:4]) and "*" in data["document"]
    assert (data["stars"], data["stars_text"], data["employer"]) == (4, "★★★★☆", "穗安家政服务有限公司")


def test_only_home_service_enterprises_employ(keyring, clerk, rules):
    person, _ = factories.card_worker(keyring, clerk)
    with pytest.raises(DomainError, match="不是登记的家政企业"):
        issue(person, rules, keyring, employer=factories.enterprise("某制造厂"))


def test_revocation_list_carries_revoked_and_suspended_cards(keyring, clerk, rules):
    revoked_person, _ = factories.card_worker(keyring, clerk, name="王一")
    listed_person, _ = factories.card_worker(keyring, clerk, name="王二")
    revoked = issue(revoked_person, rules, keyring)
    listed = issue(listed_person, rules, keyring)
    cards.revoke(revoked, "fraud", "伪造体检报告")
    records.record_credit(listed_person, "black", "失信", today())
    entries = {e["number"]: e["status"] for e in revocation_entries()}
    assert entries == {revoked.number: "revoked", listed.number: "suspended"}
    document = verification.revocation_list(keyring, "测试")
    assert {e["number"] for e in document["entries"]} >= {revoked.number, listed.number}


def test_cards_are_counted_by_issue_year_and_district(keyring, clerk, rules):
    person, _ = factories.card_worker(keyring, clerk)
    other, _ = factories.card_worker(keyring, clerk, name="赵六")
    issue(person, rules, keyring)
    cards.issue_card(other, rules, keyring, factories.district("440104"))
    year = today().year
    assert cards.count_issued("jiazheng", year, None) == 2
    assert cards.count_issued("jiazheng", year, factories.district("440104").id) == 1
    assert cards.count_issued("jiazheng", year - 1, None) == 0


def test_every_change_is_audited(keyring, clerk, rules):
    person, _ = factories.card_worker(keyring, clerk)
    card = issue(person, rules, keyring)
    cards.revoke(card, "error", "登记错误")
    db.session.flush()
    logged = {(row.entity_type, row.action) for row in db.session.scalars(select(AuditLog))}
    for table in ("identity_checks", "health_checks", "worker_photos", "service_cards", "service_card_types"):
        assert (table, "insert") in logged
    assert ("service_cards", "update") in logged
    photo_row = db.session.scalar(select(AuditLog).where(AuditLog.entity_type == "worker_photos"))
    assert "sha256" in str(photo_row.changes["after"]["jpeg"])  # a digest, not the bytes


# --- photos ---------------------------------------------------------------------------------

def test_photos_are_re_encoded_without_metadata():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N"}  # GPS
    photo = prepare_photo(factories.photo_bytes((1200, 1600), exif=exif.tobytes()))
    image = Image.open(io.BytesIO(photo.jpeg))
    assert image.format == "JPEG" and image.size == (360, 480)
    assert not image.getexif() and "icc_profile" not in image.info


def test_png_with_transparency_becomes_a_jpeg_on_white():
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    photo = prepare_photo(out.getvalue())
    assert Image.open(io.BytesIO(photo.jpeg)).getpixel((10, 10))[0] > 240


@pytest.mark.parametrize("data, message", [
    (b"", "请选择照片"),
    (b"GIF89a" + b"\0" * 100, "只接受 JPEG 或 PNG"),
    (b"%PDF-1.4 not a photo", "只接受 JPEG 或 PNG"),
    (factories.photo_bytes()[:400], "损坏"),
    (factories.photo_bytes((100, 120)), "照片太小"),
    (b"\xff\xd8" + b"0" * (9 * 1024 * 1024), "过大"),
])
def test_anything_else_is_refused_with_a_clear_message(data, message):
    with pytest.raises(DomainError, match=message) as caught:
        prepare_photo(data)
    assert caught.value.field == "photo"


def test_gif_renamed_to_jpg_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (400, 400)).save(out, "GIF")
    with pytest.raises(DomainError, match="只接受 JPEG 或 PNG"):
        prepare_photo(out.getvalue())


# --- the list's reminders ---------------------------------------------------------------------

def test_the_list_s_status_and_reminders_agree_with_the_card_page(keyring, clerk, rules):
    from registry.domain.service_cards import reminders

    soon, _ = factories.card_worker(keyring, clerk, name="体检快到期", health_on=today() - timedelta(days=350))
    fine, _ = factories.card_worker(keyring, clerk, name="一切正常")
    listed, _ = factories.card_worker(keyring, clerk, name="列入黑名单")
    issued = {person.id: issue(person, rules, keyring) for person in (soon, fine, listed)}
    records.record_credit(listed, "black", "失信", today())
    columns = reminders.FactColumns.of(rules)

    def flagged(code, on=today()):
        return set(db.session.scalars(select(cards.ServiceCard.trainee_id).where(
            reminders.reminder_condition(code, columns, rules, on))))

    assert flagged("health") == {soon.id}
    assert flagged("blacklisted") == {listed.id}
    later = add_months(records.last_training_end(fine.id, rules), 24) - timedelta(days=30)
    assert flagged("retraining", later) == {soon.id, fine.id, listed.id}  # all trained the same day
    for on in (today(), today() + timedelta(days=20), later + timedelta(days=40)):
        rows = db.session.execute(select(cards.ServiceCard, *columns.all())).all()
        for card, *facts in rows:
            assert reminders.row_problems(card, rules, on, *facts) == card_verdict(card, on).problems
    assert issued[fine.id].status == "active"


def test_offline_verification_knows_cards_from_the_published_files(keyring, clerk, rules):
    from registry.domain.certificates.signing import published_keys

    person, _ = factories.card_worker(keyring, clerk)
    card = issue(person, rules, keyring)
    code = cards.card_code(card, "https://registry.example.cn")
    keys = published_keys(keyring.public_keys(), keyring.current_key_id(), "测试")
    verdict = verification.verify_offline(code, keys, verification.revocation_list(keyring, "测试"), today())
    assert verdict.outcome == "valid" and verdict.fields.title == "居家" and verdict.fields.holder == "李*梅"
    records.record_credit(person, "black", "失信", today())
    verdict = verification.verify_offline(code, keys, verification.revocation_list(keyring, "测试"), today())
    assert verdict.outcome == "suspended"
    # One whole signature character changed (a suffix of "AAA" could already be the code's own).
    tampered = code[:-3] + ("A" if code[-3] != "A" else "B") + code[-2:]
    assert verification.verify_offline(tampered, keys, None, today()).outcome == "altered"


def test_the_offline_command_says_a_card_is_genuine_not_that_its_holder_may_serve(app, keyring, clerk, rules, tmp_path):
    """Offline only the signature and the revocation list are known: the command calls a card 真实 and
    says to check its live standing online, never 证书真实有效, and names its service types, not an occupation."""
    import json

    from registry.domain.certificates.signing import published_keys

    person, _ = factories.card_worker(keyring, clerk)
    code = cards.card_code(issue(person, rules, keyring), "https://registry.example.cn")
    (tmp_path / "keys.json").write_text(json.dumps(published_keys(keyring.public_keys(), keyring.current_key_id(), "测试")))
    (tmp_path / "revocations.json").write_text(json.dumps(verification.revocation_list(keyring, "测试")))
    files = ["--keys", str(tmp_path / "keys.json"), "--revocations", str(tmp_path / "revocations.json")]
    result = app.test_cli_runner().invoke(args=["verify-qr", code, *files])
    assert result.exit_code == 0, result.output
    assert "结果:上门服务证真实(valid)" in result.output and "证书真实有效" not in result.output
    assert "服务类型:居家" in result.output and "职业(工种)" not in result.output and "等级" not in result.output
    assert "提示:体检、回炉培训等实时状态请联网扫码查看" in result.output
