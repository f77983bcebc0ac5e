"""Certificates in a real browser: issuing at a base, the public QR page on a phone, tampering,
revocation by the bureau, the offline page and the number + name lookup.

Runs against the shared live server and database of conftest.py. Every test uses its own
certificates (the ``pool`` fixture), so the tests do not depend on their order or on each other's data.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select
from stdnum.cn import ric
from stdnum.iso7064 import mod_37_36

from registry.domain.accounts.models import User
from registry.domain.catalogue import catalogue
from registry.domain.certificates import operations as certificate_operations
from registry.domain.certificates.models import Certificate
from registry.domain.certificates.numbering import display_number, is_well_formed
from registry.domain.certificates.qr import certificate_code
from registry.domain.common import today
from registry.domain.identifiers import mask_document, mask_name
from registry.domain.organisations.models import TrainingBase
from registry.domain.trainees.models import Trainee
from registry.domain.trainees.operations import TraineeData, register_trainee
from registry.domain.training import operations as training
from registry.domain.training.models import Enrollment, TrainingSession
from registry.domain.training.results import ResultData, record_result
from registry.extensions import db

from .conftest import PHONE
from .test_smoke import sign_in

pytestmark = pytest.mark.e2e

VALID_TEXT = "证书真实有效"
ALTERED_TEXT = "证书信息被篡改或二维码无效"
REVOKED_TEXT = "证书已撤销"
UNKNOWN_TEXT = "查无此证"
#: Marks the session test 1 builds when the demo has nothing left to issue at the base.
E2E_PLACE = "e2e 发证测试教室"


# --- data from the live server's database --------------------------------------------------

@dataclass(frozen=True)
class Held:
    """What a test needs to know about one certificate (read once, outside any request)."""

    id: int
    number: str
    certificate_type: str
    name: str
    document: str
    base_id: int
    district_id: int
    #: The QR text with the live server as the public base URL.
    code: str


def held(certificate: Certificate, base_url: str) -> Held:
    return Held(
        id=certificate.id, number=certificate.number, certificate_type=certificate.certificate_type,
        name=certificate.trainee.name, document=certificate.trainee.document_number, base_id=certificate.base_id,
        district_id=certificate.base.district_id, code=certificate_code(certificate, base_url),
    )


#: Which demo certificate each test uses: a slot per use, so no two tests share one.
SLOTS = ("phone", "tamper", "tamper-other-number", "revoke", "offline-valid", "offline-revoked-before",
         "offline-revoked-after", "lookup")


@pytest.fixture(scope="session")
def pool(live_app, live_server) -> dict[str, Held]:
    """Valid, non-expiring demo certificates of people with a 3-character name and a resident ID.

    Taken from bases other than the ``base`` account's (test 1 issues there), those in the
    ``district`` account's district first; the lookup slot gets a registry-scheme (15-character)
    number, so that typing it in lower case means something.
    """
    with live_app.app_context():
        own_base = db.session.scalar(select(User.base_id).where(User.username == "base"))
        district = db.session.scalar(select(User.district_id).where(User.username == "district"))
        rows = db.session.scalars(
            select(Certificate).join(Trainee, Certificate.trainee_id == Trainee.id)
            .join(TrainingBase, Certificate.base_id == TrainingBase.id)
            .where(Certificate.status == "valid", Certificate.valid_until.is_(None), Certificate.base_id != own_base,
                   Trainee.document_type == "resident_id")
            .order_by((TrainingBase.district_id != district), Certificate.id)
        ).all()
        candidates = [held(c, live_server) for c in rows
                      if len(c.trainee.name) == 3 and len(c.trainee.document_number) == 18]
        db.session.remove()
    registry_scheme = [c for c in candidates if len(c.number) == 15]
    assert registry_scheme, "the demo should hold registry-scheme certificates"
    chosen = {"lookup": registry_scheme[0]}
    rest = iter(c for c in candidates if c is not registry_scheme[0])
    for slot in SLOTS:
        if slot not in chosen:
            chosen[slot] = next(rest)
    assert len({c.id for c in chosen.values()}) == len(SLOTS)
    return chosen


def status_of(live_app, certificate_id: int) -> str:
    with live_app.app_context():
        status = db.session.get(Certificate, certificate_id).status
        db.session.remove()
    return status


def revoke_in_database(live_app, certificate_id: int, note: str) -> None:
    with live_app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        certificate_operations.revoke(certificate, "error", today(), note)
        db.session.commit()
        db.session.remove()


# --- a session of the base account's base with passed trainees and no certificates ----------

@dataclass(frozen=True)
class Issuable:
    session_id: int
    base_id: int
    #: enrollment id → trainee name, of the passed enrollments without a certificate.
    passed: dict[int, str]
    #: Names of the session's other trainees (failed, absent, withdrawn or already certified).
    others: tuple[str, ...]
    #: Built by this module (the demo had nothing left to issue at the base).
    built: bool


def _new_resident_id(area: str, born: date, serial: int) -> str:
    while True:
        body = f"{area}{born:%Y%m%d}{serial % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if db.session.scalar(select(Trainee.id).where(Trainee.document_number == number)) is None:
            return number
        serial += 1


def _build_session(base: TrainingBase) -> TrainingSession:
    """Through the domain operations: plan, enrol, run, finish and assess a yuecai session.

    中式烹调师 level 4: passes assessed by 职业技能等级认定 earn 职业技能等级证书 (22-character
    numbers), one assessed by 培训合格评价 earns a 培训合格证书 (the registry's 15-character scheme).
    """
    on = today()
    session = training.create_session(base, training.SessionData(
        programme_code="yuecai", occupation_code="chinese_cook", level=4, kind="short",
        start_date=on - timedelta(days=70), end_date=on - timedelta(days=10), planned_hours=160, capacity=20,
        place=E2E_PLACE, mode="offline",
    ))
    people = (("钟嘉明", "passed", "skill_level"), ("冼慧颖", "passed", "skill_level"),
              ("麦振兴", "passed", "training_qualified"), ("区少珍", "passed", "skill_level"),
              ("罗志文", "failed", "skill_level"))
    enrollments = []
    for serial, (name, _, _) in enumerate(people, start=511):
        trainee = register_trainee(TraineeData(
            document_type="resident_id", document_number=_new_resident_id("440104", date(1988, 3, 15), serial),
            name=name, hukou_type="urban",
        ), registered_base_id=base.id).trainee
        enrollments.append(training.enrol(session, trainee))
    training.move_session(session, "open", on)
    training.move_session(session, "in_progress", on)
    training.move_session(session, "completed", on)
    for enrollment, (_, result, assessment) in zip(enrollments, people):
        record_result(enrollment, ResultData(
            attended_hours=Decimal(160), result=result, score=Decimal(85 if result == "passed" else 45),
            assessed_on=on - timedelta(days=5), assessment_type=assessment,
        ), on)
    return session


@pytest.fixture(scope="session")
def issuable_session(live_app) -> Issuable:
    """The demo's own issuable session at the base if it has one (two or more passed), else a new one."""
    with live_app.app_context():
        base = db.session.scalar(select(User).where(User.username == "base")).base
        candidates = db.session.scalars(
            select(TrainingSession).where(TrainingSession.base_id == base.id,
                                          TrainingSession.status.in_(certificate_operations.ISSUING_STATES))
            .order_by(TrainingSession.id)
        )
        session = next((s for s in candidates if len(certificate_operations.issuable(s)) >= 2), None)
        if session is None:
            session = _build_session(base)
            db.session.commit()
        passed = {e.id: e.trainee.name for e in certificate_operations.issuable(session)}
        others = tuple(
            e.trainee.name for e in db.session.scalars(select(Enrollment).where(
                Enrollment.session_id == session.id, Enrollment.id.not_in(passed)))
            if e.trainee.name not in passed.values()
        )
        result = Issuable(session.id, base.id, passed, others, session.place == E2E_PLACE)
        db.session.remove()
    return result


# --- browser contexts -------------------------------------------------------------------------



def fits_width(tab) -> tuple[int, int]:
    return tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def verdict(tab):
    return tab.get_by_test_id("verdict")


def flashes(tab) -> list[str]:
    return [text.strip() for text in tab.locator("[role=alert]").all_inner_texts()]


# --- 1. issuing at the base ------------------------------------------------------------------

def test_base_issues_certificates_to_ticked_trainees(page, live_server, live_app, artifacts, issuable_session):
    passed = issuable_session.passed
    assert len(passed) >= 2
    left_out = max(passed)  # the last passed enrollment is unticked and keeps no certificate
    sign_in(page, live_server, "base")
    page.goto(f"{live_server}/sessions/{issuable_session.session_id}")

    panel = page.get_by_test_id("certificate-panel")
    assert panel.is_visible()
    assert page.get_by_role("heading", name="证书", exact=True).is_visible()
    assert panel.get_by_test_id("certificates-issued").inner_text() == "0"
    assert panel.get_by_test_id("certificates-issuable").inner_text() == str(len(passed))
    boxes = page.get_by_test_id("issuable").locator("input[name=enrollment_ids]")
    assert sorted(int(v) for v in boxes.evaluate_all("(els) => els.map(e => e.value)")) == sorted(passed)
    labels = [t.strip() for t in page.get_by_test_id("issuable").locator("label").all_inner_texts()]
    assert sorted(labels) == sorted(passed.values())
    for name in issuable_session.others:
        assert name not in labels, f"{name} did not pass and must not be offered a certificate"
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count())), "passed trainees start ticked"

    # Untick one for good; untick and tick again another.
    page.locator(f"input[name=enrollment_ids][value='{left_out}']").uncheck()
    other = min(passed)
    page.locator(f"input[name=enrollment_ids][value='{other}']").uncheck()
    page.locator(f"input[name=enrollment_ids][value='{other}']").check()
    with page.expect_navigation():
        page.get_by_role("button", name="为勾选的合格学员发证").click()

    issued_count = len(passed) - 1
    assert page.url.split("#")[0] == f"{live_server}/sessions/{issuable_session.session_id}"
    assert page.url.endswith("#certificates")
    messages = flashes(page)
    assert "已发证。" in messages, messages
    assert f"共颁发 {issued_count} 本证书。" in messages, messages
    assert panel.get_by_test_id("certificates-issued").inner_text() == str(issued_count)
    assert panel.get_by_test_id("certificates-issuable").inner_text() == "1"
    remaining = [t.strip() for t in page.get_by_test_id("issuable").locator("label").all_inner_texts()]
    assert remaining == [passed[left_out]]

    with live_app.app_context():
        issued = db.session.scalars(
            select(Certificate).where(Certificate.session_id == issuable_session.session_id)
            .order_by(Certificate.number)
        ).all()
        session = db.session.get(TrainingSession, issuable_session.session_id)
        base = session.base
        prefix = catalogue[session.programme_code].certificate_prefix
        facts = [(c.id, c.number, c.certificate_type, c.enrollment_id, c.trainee.name, c.status, c.issued_on,
                  c.level) for c in issued]
        site = (base.evaluation_kind, base.evaluation_body_code, base.evaluation_site_serial)
        db.session.remove()
    assert sorted(f[3] for f in facts) == sorted(e for e in passed if e != left_out)
    on = today()
    for _, number, certificate_type, _, _, status, issued_on, level in facts:
        assert status == "valid" and issued_on == on
        assert is_well_formed(number), number
        if certificate_type == "skill_level":
            # S/Y + evaluation body (4) + 44 + site (6) + year (2) + level (1) + serial (6)
            assert len(number) == 22 and number[0] in "SY", number
            assert number[:16] == f"{site[0]}{site[1]}44{site[2]}{on:%y}{level}", number
            assert number[16:].isdigit() and len(number[16:]) == 6
        else:
            # programme prefix + year + base (4) + serial (6) + ISO 7064 Mod 37,36 check
            assert len(number) == 15, number
            assert number[:8] == f"{prefix}{on:%y}{issuable_session.base_id:04d}", number
            assert mod_37_36.is_valid(number), number
    if issuable_session.built:  # the session built here issues in both layouts
        assert {f[2] for f in facts} == {"skill_level", "training_qualified"}

    rows = panel.locator("table tbody tr")
    assert rows.count() == issued_count
    listed = {r.locator("td").nth(0).inner_text().strip(): r.locator("td").nth(1).inner_text().strip()
              for r in rows.all()}
    assert listed == {display_number(f[1]): f[4] for f in facts}
    page.screenshot(path=str(artifacts / "certificates-session-panel.png"), full_page=True)

    first = facts[0]
    with page.expect_navigation():
        panel.get_by_role("link", name=display_number(first[1])).click()
    assert page.url == f"{live_server}/certificates/{first[0]}"
    assert page.get_by_test_id("certificate-number").inner_text().strip() == display_number(first[1])
    assert page.get_by_test_id("certificate-status").inner_text().strip() == "有效"
    qr = page.locator("svg[aria-label=证书二维码]")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and abs(box["width"] - box["height"]) < 1
    assert page.get_by_text(first[4], exact=True).first.is_visible()
    page.screenshot(path=str(artifacts / "certificate-detail.png"), full_page=True)

    # The QR code the browser draws reads back as the signed URL for this certificate.
    image = Image.open(io.BytesIO(qr.screenshot(scale="device")))
    read = [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode) if r.format == zxingcpp.BarcodeFormat.QRCode]
    with live_app.app_context():
        expected = certificate_code(db.session.get(Certificate, first[0]), live_app.config["REGISTRY_PUBLIC_BASE_URL"])
        db.session.remove()
    assert read == [expected]


# --- 2. the public page on a phone -------------------------------------------------------------

def test_scanned_code_on_a_phone_shows_masked_holder_and_matches_names(phone, live_server, pool, artifacts):
    held_ = pool["phone"]
    port = urlsplit(live_server).port
    assert held_.code.startswith(f"HTTP://127.0.0.1:{port}/C/{held_.number}/"), held_.code
    tab = phone.new_page()
    response = tab.goto(held_.code)
    assert response.status == 200, f"{held_.code} answers {response.status}"
    assert urlsplit(tab.url).path.startswith(f"/C/{held_.number}/")

    assert verdict(tab).get_attribute("data-outcome") == "valid"
    assert VALID_TEXT in verdict(tab).inner_text()
    assert tab.get_by_test_id("certificate-facts").is_visible()
    assert tab.get_by_test_id("fact-number").inner_text().strip() == display_number(held_.number)
    holder = tab.get_by_test_id("fact-holder").inner_text().strip()
    assert holder == mask_name(held_.name) == f"{held_.name[0]}*{held_.name[2]}"
    shown_document = tab.get_by_test_id("fact-document").inner_text().strip()
    assert shown_document == f"{held_.document[:6]}{'*' * 8}{held_.document[-4:]}" == mask_document(held_.document)
    content = tab.content()
    assert held_.name not in content
    assert held_.document not in content
    assert tab.get_by_test_id("current-unit").count() == 0, "nobody is signed in"
    scroll_width, inner_width = fits_width(tab)
    assert inner_width == PHONE["width"]
    assert scroll_width <= PHONE["width"], f"the page is {scroll_width}px wide on a {PHONE['width']}px phone"
    tab.screenshot(path=str(artifacts / "verify-phone.png"), full_page=True)
    # Nothing compared yet, so no 相符/不相符 either.
    assert tab.get_by_test_id("match-result").count() == 0, tab.get_by_test_id("match-result").inner_text()

    typed = tab.locator("input[name=typed]")
    typed.fill(held_.name)
    with tab.expect_navigation():
        tab.get_by_role("button", name="核对").click()
    match = tab.get_by_test_id("match-result")
    assert match.inner_text().strip().startswith("相符"), match.inner_text()
    assert verdict(tab).get_attribute("data-outcome") == "valid"
    assert held_.document not in tab.content()
    scroll_width, _ = fits_width(tab)
    assert scroll_width <= PHONE["width"]
    tab.screenshot(path=str(artifacts / "verify-phone-match.png"), full_page=True)

    wrong = held_.name[0] + ("伟" if held_.name[1] != "伟" else "强") + held_.name[2]
    tab.locator("input[name=typed]").fill(wrong)
    with tab.expect_navigation():
        tab.get_by_role("button", name="核对").click()
    match = tab.get_by_test_id("match-result")
    assert match.inner_text().strip().startswith("不相符"), match.inner_text()
    assert held_.name not in tab.content()
    assert held_.document not in tab.content()


# --- 3. tampering -------------------------------------------------------------------------------

def _tamper(code: str) -> str:
    """Change one character in the middle of the signed fields (never the last: padding bits)."""
    head, fields = code.rsplit("/", 1)
    at = len(fields) // 2
    replacement = "B" if fields[at] != "B" else "C"
    return f"{head}/{fields[:at]}{replacement}{fields[at + 1:]}"


def test_tampered_code_is_refused(phone, live_server, pool, artifacts):
    genuine = pool["tamper"]
    tampered = _tamper(genuine.code)
    assert tampered != genuine.code and len(tampered) == len(genuine.code)
    tab = phone.new_page()

    tab.goto(tampered)
    assert verdict(tab).get_attribute("data-outcome") == "altered"
    assert ALTERED_TEXT in verdict(tab).inner_text()
    assert tab.get_by_test_id("certificate-facts").count() == 0
    assert tab.locator("input[name=typed]").count() == 0
    assert genuine.name not in tab.content() and mask_name(genuine.name) not in tab.content()
    tab.screenshot(path=str(artifacts / "verify-phone-altered.png"), full_page=True)

    # Another real certificate's number with these signed fields: still altered, never the other one.
    other = pool["tamper-other-number"]
    head, fields = genuine.code.rsplit("/", 1)
    swapped = f"{head.rsplit('/', 1)[0]}/{other.number}/{fields}"
    tab.goto(swapped)
    assert verdict(tab).get_attribute("data-outcome") == "altered"
    assert tab.get_by_test_id("certificate-facts").count() == 0

    # The genuine code still verifies.
    tab.goto(genuine.code)
    assert verdict(tab).get_attribute("data-outcome") == "valid"


# --- 4. the bureau revokes --------------------------------------------------------------------

def test_bureau_revokes_and_the_public_page_says_so(page, phone, live_server, live_app, pool, artifacts):
    held_ = pool["revoke"]
    with live_app.app_context():
        district_id = db.session.scalar(select(User.district_id).where(User.username == "district"))
        db.session.remove()
    username = "district" if held_.district_id == district_id else "city"
    note = "e2e:核查发现信息登记有误(内部说明)"

    sign_in(page, live_server, username)
    page.goto(f"{live_server}/certificates/{held_.id}")
    assert page.get_by_test_id("certificate-status").inner_text().strip() == "有效"
    page.locator("select[name=reason]").select_option("error")
    page.locator("textarea[name=note]").first.fill(note)
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    with page.expect_navigation():
        page.get_by_role("button", name="撤销", exact=True).click()
    assert dialogs and "撤销" in dialogs[0]
    assert page.url == f"{live_server}/certificates/{held_.id}"
    assert "证书已撤销。" in flashes(page)
    assert page.get_by_test_id("certificate-status").inner_text().strip() == "已撤销"
    assert page.get_by_role("button", name="撤销", exact=True).count() == 0
    assert status_of(live_app, held_.id) == "revoked"

    tab = phone.new_page()
    tab.goto(held_.code)
    assert verdict(tab).get_attribute("data-outcome") == "revoked"
    assert REVOKED_TEXT in verdict(tab).inner_text()
    facts = tab.get_by_test_id("certificate-facts").inner_text()
    assert "已撤销" in facts and "信息登记错误" in facts
    assert note not in tab.content(), "the bureau's internal note must not be public"
    tab.screenshot(path=str(artifacts / "verify-phone-revoked.png"), full_page=True)


# --- 5. the offline page ------------------------------------------------------------------------

def check_offline(tab, code: str) -> tuple[str, str, str]:
    tab.get_by_test_id("offline-code").fill(code)
    tab.get_by_role("button", name="核验", exact=True).click()
    shown = tab.get_by_test_id("offline-verdict")
    shown.wait_for(state="visible")
    facts = tab.get_by_test_id("offline-facts")
    listed = facts.inner_text() if facts.is_visible() else ""
    return shown.get_attribute("data-outcome"), shown.inner_text().strip(), listed


def test_offline_page_verifies_without_network(phone, live_server, live_app, pool, artifacts):
    valid = pool["offline-valid"]
    revoked_before, revoked_after = pool["offline-revoked-before"], pool["offline-revoked-after"]
    revoke_in_database(live_app, revoked_before.id, "e2e:离线页面载入前撤销")

    tab = phone.new_page()
    requests = []
    tab.on("request", lambda request: requests.append(request.url))
    response = tab.goto(f"{live_server}/verify/offline")
    assert response.status == 200
    tab.wait_for_load_state("load")
    assert [u for u in requests if not u.endswith("/favicon.ico")] == [f"{live_server}/verify/offline"], \
        "the offline page must not load anything else"
    phone.set_offline(True)
    # Revoked after the page was loaded: the page cannot know (it says so); online it shows at once.
    revoke_in_database(live_app, revoked_after.id, "e2e:离线页面载入后撤销")

    outcome, text, facts = check_offline(tab, valid.code)
    assert (outcome, text) == ("valid", VALID_TEXT)
    assert display_number(valid.number) in facts and mask_name(valid.name) in facts
    assert valid.name not in facts
    scroll_width, _ = fits_width(tab)
    assert scroll_width <= PHONE["width"]
    tab.screenshot(path=str(artifacts / "verify-offline-phone.png"), full_page=True)

    outcome, text, facts = check_offline(tab, _tamper(valid.code))
    assert (outcome, text, facts) == ("altered", ALTERED_TEXT, "")

    # Pasted with surrounding blanks and the scheme/host in lower case, as some scanners hand it over.
    head, path = revoked_before.code.split("/C/", 1)
    outcome, text, facts = check_offline(tab, f"  {head.lower()}/C/{path}\n")
    assert (outcome, text) == ("revoked", REVOKED_TEXT)
    assert display_number(revoked_before.number) in facts

    outcome, text, _ = check_offline(tab, revoked_after.code)
    assert (outcome, text) == ("valid", VALID_TEXT)
    assert [u for u in requests if not u.endswith("/favicon.ico")] == [f"{live_server}/verify/offline"], \
        "checking a code must not need the network"

    phone.set_offline(False)
    online = phone.new_page()
    online.goto(revoked_after.code)
    assert verdict(online).get_attribute("data-outcome") == "revoked"


# --- 6. lookup by number and name ---------------------------------------------------------------

def messy(number: str) -> str:
    """How a person types a number read off the paper: grouped, with dashes and spaces, lower case."""
    grouped = display_number(number).lower().split("-")
    return f" {grouped[0]} {grouped[1]}-{grouped[2]} - {'-'.join(grouped[3:])} "


def test_lookup_by_number_and_full_name(phone, live_server, pool, artifacts):
    held_ = pool["lookup"]
    typed_number = messy(held_.number)
    assert typed_number.strip() != held_.number and any(ch.islower() for ch in typed_number)
    tab = phone.new_page()

    def look_up(number: str, name: str):
        tab.goto(f"{live_server}/verify/")
        tab.locator("input[name=number]").fill(number)
        tab.locator("input[name=name]").fill(name)
        with tab.expect_navigation():
            tab.get_by_role("button", name="查询").click()
        return verdict(tab)

    shown = look_up(typed_number, held_.name)
    assert shown.get_attribute("data-outcome") == "valid"
    assert VALID_TEXT in shown.inner_text()
    assert tab.get_by_test_id("fact-number").inner_text().strip() == display_number(held_.number)
    assert tab.get_by_test_id("fact-holder").inner_text().strip() == mask_name(held_.name)
    assert tab.get_by_test_id("fact-document").inner_text().strip() == mask_document(held_.document)
    assert held_.document not in tab.content()
    scroll_width, _ = fits_width(tab)
    assert scroll_width <= PHONE["width"]
    tab.screenshot(path=str(artifacts / "verify-lookup-phone.png"), full_page=True)

    wrong_name = held_.name[0] + ("伟" if held_.name[1] != "伟" else "强") + held_.name[2]
    shown = look_up(typed_number, wrong_name)
    assert shown.get_attribute("data-outcome") == "unknown"
    wrong_text = shown.inner_text()
    assert UNKNOWN_TEXT in wrong_text
    assert tab.get_by_test_id("certificate-facts").count() == 0
    assert mask_name(held_.name) not in tab.content()

    # Exactly what an unknown number gets: nothing tells the two apart.
    unknown = held_.number[:8] + "999999"
    unknown += mod_37_36.calc_check_digit(unknown)
    shown = look_up(unknown, held_.name)
    assert shown.get_attribute("data-outcome") == "unknown"
    assert re.sub(r"核验日期.*", "", shown.inner_text()) == re.sub(r"核验日期.*", "", wrong_text)
    assert tab.get_by_test_id("certificate-facts").count() == 0
