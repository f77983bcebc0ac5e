"""上门服务证 in a real browser: a 南粤家政 base clerk issues a card (ID search, identity check,
health check, photo, employer, the card PDF whose QR is read back), and the door-step page a family
opens on a phone (masked holder, photo, no sideways scrolling), black-listing by the bureau and a
tampered code.

Runs against the shared live server and database of conftest.py. Each test takes its own worker
(``new_worker``: a certificate holder nobody has touched; ``door_card``: a demo card nobody has
touched), so the tests do not depend on their order or on each other's data.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image, ImageDraw
from sqlalchemy import func, select
from stdnum.cn import ric

from registry.domain.accounts.models import User
from registry.domain.certificates import operations as certificate_operations
from registry.domain.certificates.models import Certificate
from registry.domain.certificates.signing import KeyRing
from registry.domain.common import today
from registry.domain.identifiers import mask_name
from registry.domain.organisations.models import Enterprise, TrainingBase
from registry.domain.service_cards import cards, records
from registry.domain.service_cards.models import (
    CreditRecord, HealthCheck, IdentityCheck, ServiceCard, StarRating, WorkerPhoto,
)
from registry.domain.service_cards.policy import default_rules
from registry.domain.service_cards.public import card_verdict
from registry.domain.trainees.models import Trainee
from registry.domain.trainees.operations import TraineeData, register_trainee
from registry.domain.training import operations as training
from registry.domain.training.results import ResultData, record_result
from registry.extensions import db

from .conftest import PHONE
from .test_smoke import sign_in

pytestmark = pytest.mark.e2e

VALID_TEXT = "上门服务证有效"
SUSPENDED_TEXT = "已暂停"
ALTERED_TEXT = "证件信息被篡改或二维码无效"
BAD_PHOTO_TEXT = "照片只接受 JPEG 或 PNG 格式的图片文件"
#: Marks the session built here when the demo has no untouched certificate holder left at the base.
E2E_PLACE = "e2e 上门服务证测试教室"
CONDITIONS = ("identity", "certificate", "health", "credit", "photo", "one_card")


# --- data from the live server's database --------------------------------------------------

@dataclass(frozen=True)
class Worker:
    """A 南粤家政 certificate holder of the jiazheng account's base with no card and no card records."""

    trainee_id: int
    name: str
    document: str
    base_id: int
    #: Service types (track names) the worker's certificates qualify for, in the card's order.
    service_types: tuple[str, ...]
    #: Built by this module (the demo had no untouched holder left at the base).
    built: bool


@dataclass(frozen=True)
class DoorCard:
    """A valid demo card with an employer and a rating, of a worker with a 3-character name."""

    card_id: int
    number: str
    trainee_id: int
    name: str
    document: str
    district_id: int
    service_types: tuple[str, ...]
    stars: int
    employer: str
    #: The QR text with the live server as the public base URL.
    code: str


def _untouched(trainee_id: int) -> bool:
    """No card and none of the records a card needs: the browser adds them all."""
    return all(
        db.session.scalar(select(func.count(model.id)).where(model.trainee_id == trainee_id)) == 0
        for model in (ServiceCard, IdentityCheck, HealthCheck, WorkerPhoto, CreditRecord, StarRating)
    )


def _new_resident_id(area: str, born: date, serial: int) -> str:
    while True:
        body = f"{area}{born:%Y%m%d}{serial % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if db.session.scalar(select(Trainee.id).where(Trainee.document_number == number)) is None:
            return number
        serial += 1


def _build_holder(base: TrainingBase, keyring: KeyRing) -> Trainee:
    """Through the domain operations: a 家政服务员 session (居家 track) at the base, one trainee who
    passes by 培训合格评价, and the certificate issued to her."""
    on = today()
    session = training.create_session(base, training.SessionData(
        programme_code="jiazheng", occupation_code="housekeeper", level=5, kind="short",
        start_date=on - timedelta(days=40), end_date=on - timedelta(days=10), planned_hours=120, capacity=10,
        place=E2E_PLACE, mode="offline",
    ))
    trainee = register_trainee(TraineeData(
        document_type="resident_id", document_number=_new_resident_id("440106", date(1985, 6, 2), 622),
        name="黄秀梅", hukou_type="urban", sex="F",
    ), registered_base_id=base.id).trainee
    enrollment = training.enrol(session, trainee)
    for status in ("open", "in_progress", "completed"):
        training.move_session(session, status, on)
    record_result(enrollment, ResultData(
        attended_hours=Decimal(120), result="passed", score=Decimal(88), assessed_on=on - timedelta(days=5),
        assessment_type="training_qualified",
    ), on)
    certificate_operations.issue_certificates(session, [enrollment], keyring)
    return trainee


@pytest.fixture
def new_worker(live_app) -> Worker:
    """The newest untouched 南粤家政 certificate holder of the jiazheng base (a new one if none is left).

    Newest first keeps clear of test_certificates' pool, which takes the oldest certificates.
    """
    with live_app.app_context():
        rules = default_rules()
        base = db.session.scalar(select(User).where(User.username == "jiazheng")).base
        holders = db.session.scalars(
            select(Certificate.trainee_id).join(Trainee, Certificate.trainee_id == Trainee.id)
            .where(Certificate.base_id == base.id, Certificate.programme_code == rules.programme.code,
                   Certificate.status == "valid", Trainee.document_type == "resident_id")
            .order_by(Certificate.id.desc())
        )
        trainee = next((db.session.get(Trainee, t) for t in dict.fromkeys(holders)
                        if _untouched(t) and records.qualifying_certificates(t, rules, today())), None)
        built = trainee is None
        if built:
            trainee = _build_holder(base, KeyRing(live_app.config["REGISTRY_KEYS_DIR"]))
            db.session.commit()
        tracks = records.qualifying_certificates(trainee.id, rules, today())
        assert tracks, "the worker should hold a certificate that qualifies for a card"
        worker = Worker(trainee.id, trainee.name, trainee.document_number, base.id,
                        tuple(rules.programme.track(code).name for code in tracks), built)
        db.session.remove()
    return worker


@pytest.fixture
def employer(live_app) -> str:
    """The name of the homeservice account's 家政企业."""
    with live_app.app_context():
        name = db.session.scalar(select(Enterprise.name).join(User, User.enterprise_id == Enterprise.id)
                                 .where(User.username == "homeservice"))
        db.session.remove()
    assert name
    return name


@pytest.fixture
def door_card(live_app, live_server) -> DoorCard:
    """A valid demo card with an employer, of a holder nobody has rated or listed since: in the
    district account's district first. Rated here (through the domain) if the demo did not rate it."""
    with live_app.app_context():
        district = db.session.scalar(select(User.district_id).where(User.username == "district"))
        chosen = None
        for card in db.session.scalars(
            select(ServiceCard).where(ServiceCard.status == "active", ServiceCard.employer_id.is_not(None))
            .order_by(ServiceCard.district_id != district, ServiceCard.id)
        ):
            person = card.trainee
            if (len(person.name) == 3 and len(person.document_number) == 18
                    and db.session.scalar(select(func.count(CreditRecord.id))
                                          .where(CreditRecord.trainee_id == person.id)) == 0
                    and card_verdict(card, today()).outcome == "valid"):
                chosen = card
                break
        assert chosen is not None, "the demo should hold a valid card with an employer"
        rating = records.latest_rating(chosen.trainee_id)
        if rating is None:
            rating = records.rate(chosen.trainee, 4, today(), "广州市家庭服务业协会")
            db.session.commit()
        result = DoorCard(
            chosen.id, chosen.number, chosen.trainee_id, chosen.trainee.name, chosen.trainee.document_number,
            chosen.district_id, tuple(chosen.service_type_names), rating.stars, chosen.employer.name,
            cards.card_code(chosen, live_server),
        )
        db.session.remove()
    return result


# --- helpers -------------------------------------------------------------------------------



def flashes(tab) -> list[str]:
    return [text.strip() for text in tab.locator("[role=alert]").all_inner_texts()]


def conditions(tab) -> dict[str, tuple[str, str]]:
    """Each condition on the worker page: code → (data-met, the mark shown)."""
    rows = tab.get_by_test_id("eligibility").locator("li[data-requirement]")
    found = rows.evaluate_all(
        "(items) => items.map(li => [li.dataset.requirement, li.dataset.met, li.querySelector('span').textContent])")
    return {code: (met, mark.strip()) for code, met, mark in found}


def portrait_jpeg() -> bytes:
    """A plain drawn portrait, as a clerk's camera would bring it (bigger than the card needs)."""
    image = Image.new("RGB", (600, 800), (214, 228, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((110, 600, 490, 980), fill=(50, 80, 130))
    draw.ellipse((200, 180, 400, 450), fill=(236, 196, 160))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def photo_count(live_app, trainee_id: int) -> int:
    with live_app.app_context():
        count = db.session.scalar(select(func.count(WorkerPhoto.id)).where(WorkerPhoto.trainee_id == trainee_id))
        db.session.remove()
    return count


def qr_texts(pdf_bytes: bytes, page_index: int) -> list[str]:
    """The QR codes read from one page of a PDF rendered at 300 dpi, as a phone would read the print."""
    image = pdfium.PdfDocument(pdf_bytes)[page_index].render(scale=300 / 72).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode) if r.format == zxingcpp.BarcodeFormat.QRCode]


def line_count(locator) -> int:
    """How many lines the element's text takes on screen."""
    return locator.evaluate(
        "(el) => { const range = document.createRange(); range.selectNodeContents(el);"
        " return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }")


def scroll_width(tab) -> int:
    return tab.evaluate("document.scrollingElement.scrollWidth")


def _tamper(code: str) -> str:
    """Change one character in the middle of the signed fields (never the last: padding bits)."""
    head, fields = code.rsplit("/", 1)
    at = len(fields) // 2
    replacement = "B" if fields[at] != "B" else "C"
    return f"{head}/{fields[:at]}{replacement}{fields[at + 1:]}"


# --- 1. issuing at the base ----------------------------------------------------------------

def test_base_clerk_issues_a_card_and_its_pdf_qr_opens_the_scan_page(
        page, live_server, live_app, artifacts, tmp_path, new_worker, employer):
    sign_in(page, live_server, "jiazheng")
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name="上门服务证", exact=True).click()
    assert page.url == f"{live_server}/service-cards/"

    page.locator("input[name=document]").fill(new_worker.document)
    with page.expect_navigation():
        page.get_by_role("button", name="办证 / 查看档案").click()
    worker_url = f"{live_server}/service-cards/worker/{new_worker.trainee_id}"
    assert page.url == worker_url
    assert page.get_by_role("heading", level=1).inner_text().startswith(f"从业人员档案 · {new_worker.name}")
    before = conditions(page)
    assert before == {"identity": ("no", "✘"), "certificate": ("yes", "✔"), "health": ("no", "✘"),
                      "credit": ("yes", "✔"), "photo": ("no", "✘"), "one_card": ("yes", "✔")}, before
    certificate_detail = page.locator("[data-requirement=certificate] .small").inner_text()
    assert all(name in certificate_detail for name in new_worker.service_types), certificate_detail
    assert page.get_by_text("尚有条件未满足,发证时会被拒绝。").is_visible()

    # A text file renamed .jpg: refused beside the field, nothing saved, nothing else changes.
    text_file = tmp_path / "说明.txt"
    text_file.write_text("这不是照片,是改了扩展名的文本文件。\n", encoding="utf-8")
    renamed = text_file.rename(tmp_path / "证件照.jpg")
    page.locator("#photo_form input[name=photo]").set_input_files(renamed)
    with page.expect_navigation():
        page.get_by_role("button", name="上传照片").click()
    error = page.locator("#photo_form .invalid-feedback[data-field=photo]")
    assert error.is_visible() and error.inner_text().strip() == BAD_PHOTO_TEXT
    assert "is-invalid" in page.locator("#photo_form input[name=photo]").get_attribute("class")
    assert page.locator(".invalid-feedback").count() == 1, "only the photo field has an error"
    assert flashes(page) == []
    assert conditions(page) == before
    assert page.get_by_test_id("worker-photo").count() == 0
    assert photo_count(live_app, new_worker.trainee_id) == 0
    page.screenshot(path=str(artifacts / "service-card-worker-bad-photo.png"), full_page=True)

    # 人证合一: the clerk has the ID card in hand.
    identity = page.locator("#identity_form")
    assert identity.locator("input[name=checked_on]").input_value() == today().isoformat()
    identity.locator("select[name=method]").select_option("in_person")
    with page.expect_navigation():
        identity.get_by_role("button").click()
    assert "已记录人证合一核验。" in flashes(page)
    assert conditions(page)["identity"] == ("yes", "✔")

    # 体检 three days ago at a hospital.
    checked_on = today() - timedelta(days=3)
    health = page.locator("#health_form")
    health.locator("input[name=checked_on]").fill(checked_on.isoformat())
    health.locator("input[name=institution]").fill("广州市第一人民医院")
    health.locator("select[name=result]").select_option("fit")
    with page.expect_navigation():
        health.get_by_role("button", name="记录体检").click()
    assert "已记录体检结果。" in flashes(page)
    assert conditions(page)["health"] == ("yes", "✔")
    row = page.get_by_test_id("health-checks").locator("tbody tr").first.inner_text()
    with live_app.app_context():
        expires = default_rules().health_check_expiry(checked_on)
    assert "广州市第一人民医院" in row and "合格" in row and f"{expires:%Y-%m-%d}" in row, row

    # The photo.
    good = tmp_path / "portrait.jpg"
    good.write_bytes(portrait_jpeg())
    page.locator("#photo_form input[name=photo]").set_input_files(good)
    with page.expect_navigation():
        page.get_by_role("button", name="上传照片").click()
    assert "照片已上传。" in flashes(page)
    assert photo_count(live_app, new_worker.trainee_id) == 1
    assert page.get_by_test_id("worker-photo").evaluate("img => img.complete && img.naturalWidth") > 0

    assert conditions(page) == {code: ("yes", "✔") for code in CONDITIONS}
    assert page.get_by_text("尚有条件未满足").count() == 0
    assert "btn-primary" in page.get_by_role("button", name="发放上门服务证").get_attribute("class")
    page.locator("#issue_form select[name=employer_id]").select_option(label=employer)
    page.screenshot(path=str(artifacts / "service-card-worker.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="发放上门服务证").click()
    with live_app.app_context():
        card = db.session.scalar(select(ServiceCard).where(ServiceCard.trainee_id == new_worker.trainee_id))
        assert card is not None
        facts = (card.id, card.number, card.base_id, card.employer.name if card.employer else None,
                 tuple(card.service_type_names), card.status)
        expected_code = cards.card_code(card, live_app.config["REGISTRY_PUBLIC_BASE_URL"])
        db.session.remove()
    card_id, number, base_id, employer_name, service_types, status = facts
    assert (base_id, employer_name, service_types, status) == (new_worker.base_id, employer, new_worker.service_types,
                                                              "active")
    assert page.url == f"{live_server}/service-cards/{card_id}"
    assert "上门服务证已发放。" in flashes(page)
    assert page.get_by_test_id("card-number").inner_text().strip() == cards.display_number(number)
    assert page.get_by_test_id("card-status").inner_text().strip() == VALID_TEXT
    assert page.get_by_test_id("service-types").inner_text().strip() == "、".join(new_worker.service_types)
    assert page.get_by_test_id("employer").inner_text().strip() == employer
    assert page.get_by_role("img", name="证件照").evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=str(artifacts / "service-card-detail.png"), full_page=True)

    # The card PDF: the front has the photo, the back the QR code, which reads back as the scan URL.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载证件 PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{number}.pdf"
    with open(download.path(), "rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    assert len(pdfium.PdfDocument(pdf)) == 2
    assert qr_texts(pdf, 0) == []
    [scanned] = qr_texts(pdf, 1)
    assert scanned == expected_code
    path = urlsplit(scanned).path
    assert path == urlsplit(expected_code).path and path.startswith(f"/C/{number}/")
    link = page.get_by_role("link", name="打开扫码页面").get_attribute("href")
    assert urlsplit(link).path == path

    # What the printed code opens (on this server) says the card is valid.
    page.goto(f"{live_server}{path}")
    assert page.get_by_test_id("verdict").get_attribute("data-outcome") == "valid"
    assert page.get_by_test_id("fact-number").inner_text().strip() == cards.display_number(number)


# --- 2. the door-step page on a phone --------------------------------------------------------

def test_door_step_page_on_a_phone_then_black_listed_and_tampered(phone, page, live_server, live_app, artifacts,
                                                                   door_card):
    held = door_card
    tab = phone.new_page()
    response = tab.goto(held.code)
    assert response.status == 200, f"{held.code} answers {response.status}"
    assert urlsplit(tab.url).path.startswith(f"/C/{held.number}/")

    verdict = tab.get_by_test_id("verdict")
    assert verdict.get_attribute("data-outcome") == "valid"
    assert VALID_TEXT in verdict.inner_text()
    masked = mask_name(held.name)
    assert masked == f"{held.name[0]}*{held.name[2]}"
    assert tab.get_by_test_id("fact-holder").inner_text().strip().startswith(masked)
    content = tab.content()
    assert held.name not in content, "the full name must not be on the public page"
    assert held.document not in content, "the ID number must not be on the public page"
    photo = tab.get_by_test_id("card-photo")
    assert photo.is_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") > 0, "the photo did not load"
    assert tab.get_by_test_id("fact-service-types").inner_text().strip() == "、".join(held.service_types)
    assert tab.get_by_test_id("fact-stars").inner_text().strip() == "★" * held.stars + "☆" * (5 - held.stars)
    assert tab.get_by_test_id("fact-employer").inner_text().strip() == held.employer
    assert tab.get_by_test_id("fact-number").inner_text().strip() == cards.display_number(held.number)
    assert line_count(tab.get_by_test_id("fact-number")) == 1, "the card number should not wrap"
    assert tab.locator("label[for=typed]").inner_text().strip() == "身份证上的姓名或证件号码"
    assert tab.get_by_test_id("current-unit").count() == 0, "nobody is signed in"
    assert tab.evaluate("window.innerWidth") == PHONE["width"]
    width = scroll_width(tab)
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"
    tab.screenshot(path=str(artifacts / "service-card-phone.png"), full_page=True)

    # The bureau black-lists the worker on the worker page (信用状态).
    with live_app.app_context():
        district = db.session.scalar(select(User.district_id).where(User.username == "district"))
        db.session.remove()
    sign_in(page, live_server, "district" if held.district_id == district else "city")
    page.goto(f"{live_server}/service-cards/worker/{held.trainee_id}")
    reason = "e2e:上门服务中偷拿雇主财物,经查属实(内部说明)"
    credit = page.locator("#credit_form")
    credit.locator("select[name=status]").select_option("black")
    assert credit.locator("input[name=effective_on]").input_value() == today().isoformat()
    credit.locator("textarea[name=reason]").fill(reason)
    with page.expect_navigation():
        credit.get_by_role("button", name="记录信用状态").click()
    assert "已记录信用状态。" in flashes(page)
    assert page.get_by_test_id("credit-status").inner_text().strip() == "黑名单"

    tab.reload()
    assert verdict.get_attribute("data-outcome") == "suspended"
    assert SUSPENDED_TEXT in verdict.inner_text()
    assert "请勿让其上门服务" in verdict.inner_text()
    assert tab.get_by_test_id("fact-status").inner_text().strip() == "已暂停(持证人被列入黑名单)"
    assert tab.get_by_test_id("card-photo").evaluate("img => img.naturalWidth") > 0
    assert reason not in tab.content(), "the bureau's reason must not be public"
    assert held.name not in tab.content()
    assert scroll_width(tab) <= PHONE["width"]
    tab.screenshot(path=str(artifacts / "service-card-phone-suspended.png"), full_page=True)

    # A tampered code: altered, no card facts, and its photo URL serves nothing.
    tampered = _tamper(held.code)
    assert tampered != held.code and len(tampered) == len(held.code)
    tab.goto(tampered)
    assert verdict.get_attribute("data-outcome") == "altered"
    assert ALTERED_TEXT in verdict.inner_text()
    assert tab.get_by_test_id("card-facts").count() == 0
    assert tab.get_by_test_id("card-photo").count() == 0
    assert masked not in tab.content()
    assert tab.request.get(f"{tampered}/photo.jpg").status == 404
    genuine_photo = tab.request.get(f"{held.code}/photo.jpg")
    assert genuine_photo.status == 200 and genuine_photo.headers["content-type"] == "image/jpeg"
    tab.screenshot(path=str(artifacts / "service-card-phone-altered.png"), full_page=True)
