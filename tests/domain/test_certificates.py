"""Certificates: numbers, signatures, standing, lookups, revocation list, offline verification."""
from __future__ import annotations

import threading
import time
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select
from stdnum.iso7064 import mod_37_36

from registry.domain.audit import AuditLog
from registry.domain.certificates import operations as certs
from registry.domain.certificates import verification
from registry.domain.certificates.models import Certificate, CertificateCounter
from registry.domain.certificates.numbering import display_number, is_well_formed, reserve
from registry.domain.certificates.payload import SignedFields, decode_fields, split_code
from registry.domain.certificates.qr import certificate_code, make_qr
from registry.domain.certificates.signing import KeyRing, published_keys
from registry.domain.common import today
from registry.domain.errors import DomainError
from registry.domain.organisations.operations import set_evaluation_site
from registry.extensions import db
from tests import factories

BASE_URL = "https://verify.example.gov.cn"


@pytest.fixture
def keyring(tmp_path):
    return KeyRing(tmp_path / "keys")


@pytest.fixture
def base():
    record = factories.base(programmes=("yuecai", "safety", "apprenticeship"))
    set_evaluation_site(record, "S", "0000", "000123")
    return record


def passed_session(base, count=3, programme_code="yuecai", occupation_code="chinese_cook", level=5,
                   assessment_type=None, **fields):
    session = factories.session(base, programme_code, occupation_code, level, **fields)
    kind = assessment_type or ("skill_level" if level else "special_ability")
    enrollments = [
        factories.enrollment(session, factories.trainee(f"王小{'一二三四五六七八九十'[i]}"), result="passed",
                             assessment_type=kind, assessed_on=session.end_date)
        for i in range(count)
    ]
    return session, enrollments


def code_of(certificate):
    return split_code(certificate_code(certificate, BASE_URL))


def test_skill_level_numbers_follow_the_national_layout(base, keyring):
    session, enrollments = passed_session(base)
    issued = certs.issue_certificates(session, enrollments, keyring, issued_on=today())
    year = f"{today():%y}"
    assert [c.number for c in issued] == [f"S000044000123{year}5{serial:06d}" for serial in (1, 2, 3)]
    assert all(len(c.number) == 22 and is_well_formed(c.number) for c in issued)
    assert display_number(issued[0].number) == f"S0000-44-000123-{year}-5-000001"
    more, enrollments = passed_session(base, count=1)
    assert certs.issue_certificates(more, enrollments, keyring)[0].number.endswith("000004")


def test_registry_numbers_carry_programme_year_base_and_a_check_character(base, keyring):
    session, enrollments = passed_session(base, 2, occupation_code="cantonese_roast", level=None)
    issued = certs.issue_certificates(session, enrollments, keyring)
    first = issued[0].number
    assert first.startswith(f"YC{today():%y}{base.id:04d}000001") and len(first) == 15
    assert mod_37_36.is_valid(first) and is_well_formed(first)
    assert issued[0].certificate_type == "special_ability"
    wrong = first[:-1] + ("0" if first[-1] != "0" else "1")
    assert not is_well_formed(wrong)


def test_apprentices_get_the_programme_s_own_certificate(base, keyring):
    enterprise = factories.enterprise()
    session, enrollments = passed_session(base, 1, "apprenticeship", "electrician", 4, kind="apprentice",
                                          enterprise_id=enterprise.id, assessment_type="training_qualified")
    certificate = certs.issue_certificates(session, enrollments, keyring)[0]
    assert certificate.certificate_type == "apprentice_completion" and certificate.type_name == "学徒结业证书"


@pytest.mark.parametrize("result", ["failed", "absent", None])
def test_only_passed_trainees_get_certificates(base, keyring, result):
    session = factories.session(base)
    enrollment = factories.enrollment(session, factories.trainee(), result=result)
    with pytest.raises(DomainError, match="只有合格学员才能发证"):
        certs.issue_certificates(session, [enrollment], keyring)
    assert db.session.scalar(select(Certificate.id)) is None


def test_never_twice_for_one_enrollment(base, keyring):
    session, enrollments = passed_session(base, 1)
    certs.issue_certificates(session, enrollments, keyring)
    assert certs.issuable(session) == []
    with pytest.raises(DomainError, match="不能重复发证"):
        certs.issue_certificates(session, enrollments, keyring)


def test_not_before_the_session_is_completed(base, keyring):
    session, enrollments = passed_session(base, 1, status="in_progress")
    with pytest.raises(DomainError, match="结业后才能发证"):
        certs.issue_certificates(session, enrollments, keyring)


def test_skill_level_certificates_need_the_base_s_evaluation_codes(keyring):
    plain = factories.base(programmes=("yuecai",))
    session, enrollments = passed_session(plain, 1)
    with pytest.raises(DomainError, match="评价机构代码"):
        certs.issue_certificates(session, enrollments, keyring)


def test_evaluation_site_codes_are_checked(base):
    with pytest.raises(DomainError) as error:
        set_evaluation_site(base, "S", "12", "000001")
    assert error.value.field == "evaluation_body_code"
    other = factories.base(programmes=())
    with pytest.raises(DomainError, match="已属于"):
        set_evaluation_site(other, "S", "0000", "000123")


def test_concurrent_batches_never_share_a_serial(app):
    """Eight clerks reserve blocks in one scope at the same moment, each in its own transaction."""
    scope = f"T{uuid.uuid4().hex[:12]}"
    engine = db.engines[None] if hasattr(db, "engines") else db.engine
    engine = engine.engine if hasattr(engine, "engine") else engine
    blocks, errors = [], []
    barrier = threading.Barrier(8)

    def clerk():
        try:
            with engine.connect() as connection:
                barrier.wait()
                with connection.begin():
                    first = reserve(scope, 50, connection)
                    time.sleep(0.05)  # hold the transaction open while others try
                blocks.append(range(first, first + 50))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=clerk) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        serials = [serial for block in blocks for serial in block]
        assert sorted(serials) == list(range(1, 401))
    finally:
        with engine.begin() as connection:
            connection.execute(delete(CertificateCounter).where(CertificateCounter.scope == scope))


def test_the_qr_code_verifies_and_any_change_is_altered(base, keyring):
    session, enrollments = passed_session(base, 1)
    certificate = certs.issue_certificates(session, enrollments, keyring)[0]
    text = certificate_code(certificate, BASE_URL)
    assert text.startswith("HTTPS://VERIFY.EXAMPLE.GOV.CN/C/") and text == text.upper()
    assert make_qr(text).version <= 11
    number, fields = split_code(text)
    verdict = verification.verify_code(number, fields, keyring, today())
    assert verdict.outcome == "valid" and verdict.certificate is certificate
    assert verdict.fields.holder == "王*一" and verdict.fields.title == "中式烹调师"
    for position in (5, len(fields) // 2, len(fields) - 3):
        changed = fields[:position] + ("A" if fields[position] != "A" else "B") + fields[position + 1:]
        assert verification.verify_code(number, changed, keyring, today()).outcome == "altered"
    other_number = number[:-1] + ("2" if number[-1] != "2" else "3")
    assert verification.verify_code(other_number, fields, keyring, today()).outcome == "altered"
    assert verification.verify_code(number, "NOT-BASE32!", keyring, today()).outcome == "altered"


def test_old_certificates_verify_after_the_key_is_rotated(base, keyring):
    session, enrollments = passed_session(base, 2)
    old = certs.issue_certificates(session, enrollments[:1], keyring)[0]
    old_key = keyring.current_key_id()
    new_key = keyring.rotate()
    new = certs.issue_certificates(session, enrollments[1:], keyring)[0]
    assert (old.key_id, new.key_id) == (old_key, new_key) and old_key != new_key
    for certificate in (old, new):
        assert verification.verify_code(*code_of(certificate), keyring, today()).outcome == "valid"
    stranger = KeyRing(keyring.directory.parent / "elsewhere")
    assert verification.verify_code(*code_of(old), stranger, today()).outcome == "altered"


def test_standing_follows_the_record(base, keyring):
    session, enrollments = passed_session(base, 3)
    first, second, third = certs.issue_certificates(session, enrollments, keyring)
    certs.suspend(first, "investigation", note="收到投诉")
    assert verification.verify_code(*code_of(first), keyring, today()).outcome == "suspended"
    certs.reinstate(first, "核查无误")
    assert verification.verify_code(*code_of(first), keyring, today()).outcome == "valid"
    certs.revoke(second, "fraud", note="材料造假")
    assert verification.verify_code(*code_of(second), keyring, today()).outcome == "revoked"
    with pytest.raises(DomainError):
        certs.reinstate(second, "想恢复")
    replacement = certs.replace(third, "姓名更正", keyring)
    assert (third.status, third.status_reason, third.replaced_by_id) == ("revoked", "replaced", replacement.id)
    assert replacement.replaces_id == third.id and replacement.number != third.number
    assert verification.verify_code(*code_of(replacement), keyring, today()).outcome == "valid"
    reasons = db.session.scalars(select(AuditLog.reason).where(AuditLog.entity_type == "certificates",
                                                                AuditLog.action == "update")).all()
    assert any("材料造假" in (r or "") for r in reasons) and any("姓名更正" in (r or "") for r in reasons)


def test_safety_certificates_expire_after_a_year(base, keyring):
    start = today() - timedelta(days=500)
    session, enrollments = passed_session(base, 1, "safety", "safety_manager_refresher", None, start_date=start,
                                          planned_hours=16, assessment_type="training_qualified")
    certificate = certs.issue_certificates(session, enrollments, keyring, issued_on=start + timedelta(days=20))
    certificate = certificate[0]
    assert certificate.valid_until == date(certificate.issued_on.year + 1, certificate.issued_on.month,
                                           certificate.issued_on.day) - timedelta(days=1)
    assert verification.verify_code(*code_of(certificate), keyring, today()).outcome == "expired"
    assert verification.verify_code(*code_of(certificate), keyring, certificate.valid_until).outcome == "valid"


def test_lookup_takes_number_and_name_and_forgives_typing(base, keyring):
    session, enrollments = passed_session(base, 1)
    certificate = certs.issue_certificates(session, enrollments, keyring)[0]
    typed = " " + display_number(certificate.number).lower().replace("-", " - ")
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in certificate.number)
    for number in (typed, full_width):
        assert verification.lookup(number, " 王小一 ", today()).certificate is certificate
    wrong_name = verification.lookup(certificate.number, "王小二", today())
    unknown = verification.lookup("S000044000123265999999", "王小一", today())
    assert (wrong_name.outcome, wrong_name.certificate) == (unknown.outcome, unknown.certificate) == ("unknown", None)


def test_holder_match_says_only_yes_or_no(base, keyring):
    session, enrollments = passed_session(base, 1)
    certificate = certs.issue_certificates(session, enrollments, keyring)[0]
    document = certificate.trainee.document_number
    assert verification.holder_matches(certificate, "王小一")
    assert verification.holder_matches(certificate, document.lower())
    assert not verification.holder_matches(certificate, "王小二")
    assert not verification.holder_matches(certificate, document[:-1])


def test_coarse_origin_never_keeps_the_address():
    assert verification.coarse_origin("203.119.25.7") == "203.119.0.0/16"
    assert verification.coarse_origin("192.168.1.20") == "内网"
    assert verification.coarse_origin("2400:3200:1234:5678::1") == "2400:3200::/32"
    assert verification.coarse_origin(None) == "未知"


def test_offline_verification_with_only_the_published_files(base, keyring):
    session, enrollments = passed_session(base, 2)
    good, bad = certs.issue_certificates(session, enrollments, keyring)
    certs.revoke(bad, "fraud", note="材料造假")
    keys = published_keys(keyring.public_keys(), keyring.current_key_id(), "市人社局")
    revocations = verification.revocation_list(keyring, "市人社局")
    assert [e["number"] for e in revocations["entries"]] == [bad.number]
    on = today()
    assert verification.verify_offline(certificate_code(good, BASE_URL), keys, revocations, on).outcome == "valid"
    assert verification.verify_offline(certificate_code(bad, BASE_URL), keys, revocations, on).outcome == "revoked"
    assert verification.verify_offline(certificate_code(bad, BASE_URL), keys, None, on).outcome == "valid"
    code = certificate_code(good, BASE_URL)
    for position in (len(code) - 1, len(code) - 40):
        changed = code[:position] + ("A" if code[position] != "A" else "B") + code[position + 1:]
        assert verification.verify_offline(changed, keys, revocations, on).outcome == "altered"
    forged = {**revocations, "entries": []}
    with pytest.raises(ValueError, match="签名无效"):
        verification.verify_offline(certificate_code(bad, BASE_URL), keys, forged, on)


def test_payload_round_trip_keeps_every_field():
    fields = SignedFields("YC26000100000" + "1X", "training_qualified", date(2026, 3, 1), date(2027, 2, 28),
                          "主要负责人和安全管理人员初次培训", None, "欧*晓岚")
    from registry.domain.certificates.payload import encode_fields

    text = encode_fields(fields, "ab12", b"\x01" * 64)
    decoded, key_id, signature = decode_fields(fields.number, text)
    assert (decoded, key_id, signature) == (fields, "ab12", b"\x01" * 64)


def test_verify_qr_command_uses_only_the_published_files(app, base, keyring, tmp_path):
    session, enrollments = passed_session(base, 2)
    good, bad = certs.issue_certificates(session, enrollments, keyring)
    certs.revoke(bad, "fraud", note="材料造假")
    keys = published_keys(keyring.public_keys(), keyring.current_key_id(), "市人社局")
    import json

    (tmp_path / "keys.json").write_text(json.dumps(keys))
    (tmp_path / "revocations.json").write_text(json.dumps(verification.revocation_list(keyring, "市人社局")))
    runner = app.test_cli_runner()
    files = ["--keys", str(tmp_path / "keys.json"), "--revocations", str(tmp_path / "revocations.json")]
    result = runner.invoke(args=["verify-qr", certificate_code(good, BASE_URL), *files])
    assert result.exit_code == 0 and "证书真实有效" in result.output and "王*一" in result.output
    result = runner.invoke(args=["verify-qr", certificate_code(bad, BASE_URL), *files])
    assert result.exit_code == 1 and "已撤销" in result.output
    code = certificate_code(good, BASE_URL)
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    result = runner.invoke(args=["verify-qr", tampered, *files])
    assert result.exit_code == 1 and "篡改" in result.output


def test_every_change_to_the_last_character_is_caught(base, keyring):
    """The last base32 character carries spare bits; only the canonical text is accepted."""
    session, enrollments = passed_session(base, 1)
    certificate = certs.issue_certificates(session, enrollments, keyring)[0]
    number, fields = code_of(certificate)
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567":
        if letter != fields[-1]:
            outcome = verification.verify_code(number, fields[:-1] + letter, keyring, today()).outcome
            assert outcome == "altered", letter


def test_libsodium_and_openssl_give_the_same_verdict_on_signatures(tmp_path, monkeypatch):
    # Scans check signatures with libsodium (PyNaCl) when it is installed, else with OpenSSL.
    from registry.domain.certificates import signing

    if signing.crypto_sign_open is None:
        pytest.skip("PyNaCl is not installed")
    ring = KeyRing(tmp_path / "keys")
    key_id, genuine = ring.sign(b"registry-v1\nS000044000777269000001")
    message = b"registry-v1\nS000044000777269000001"
    key = ring.public_key(key_id)
    order = 2**252 + 27742317777372353535851937790883648493
    non_canonical = genuine[:32] + (int.from_bytes(genuine[32:], "little") + order).to_bytes(32, "little")
    flipped = bytes([genuine[0] ^ 1]) + genuine[1:]
    cases = [(genuine, message), (genuine, message + b"x"), (flipped, message), (non_canonical, message),
             (genuine[:63], message), (genuine + b"\0", message), (b"", message), (bytes(64), b"")]
    with_libsodium = [key.verify(signature, text) for signature, text in cases]
    monkeypatch.setattr(signing, "crypto_sign_open", None)
    assert [key.verify(signature, text) for signature, text in cases] == with_libsodium
    assert with_libsodium == [True] + [False] * 7


def test_a_certified_pass_stands_until_its_certificate_is_revoked(base, keyring):
    from decimal import Decimal

    from registry.domain.training.results import ResultData, allowed_assessment_types, record_result

    session, (holder, other) = passed_session(base, count=2)
    [certificate] = certs.issue_certificates(session, [holder], keyring, issued_on=today())
    failed = ResultData("80", "failed", "40", session.end_date, "skill_level")
    with pytest.raises(DomainError) as error:
        record_result(holder, failed)
    assert error.value.field == "result" and "请先撤销证书" in error.value.message
    for other_type in set(allowed_assessment_types(session)) - {"skill_level"}:
        with pytest.raises(DomainError):
            record_result(holder, ResultData("80", "passed", "90", session.end_date, other_type))
    with pytest.raises(DomainError):
        record_result(holder, ResultData("80", None, None, None, None))  # cleared
    # hours and score may still be corrected; a pass without a certificate may change
    record_result(holder, ResultData("78", "passed", "88", session.end_date, "skill_level"))
    assert (holder.attended_hours, holder.result) == (Decimal("78.0"), "passed")
    assert record_result(other, failed).result == "failed"
    certs.revoke(certificate, "assessment_void", note="复核发现考核无效")
    assert record_result(holder, failed).result == "failed"


def test_a_results_sheet_cannot_undo_a_certified_pass(base, keyring):
    import io

    from openpyxl import Workbook

    from registry.domain.imports import batches

    session, (holder, other) = passed_session(base, count=2)
    certs.issue_certificates(session, [holder], keyring, issued_on=today())
    workbook = Workbook()
    workbook.active.append(["姓名", "证件号码", "考核结果", "考核日期", "考核类型"])
    for enrollment in (holder, other):
        workbook.active.append([enrollment.trainee.name, enrollment.trainee.document_number, "不合格",
                                session.end_date, "职业技能等级认定"])
    content = io.BytesIO()
    workbook.save(content)
    context = batches.Context(user_id=None, registered_base_id=base.id)
    _, preview = batches.upload("results", session, "成绩.xlsx", content.getvalue(), context)
    assert [row.status for row in preview.rows] == ["error", "ready"]
    assert preview.rows[0].errors == ["「考核结果」该学员已凭此合格结果获发证书,考核结果和考核类型不能更改;如结果确有错误,请先撤销证书"]
