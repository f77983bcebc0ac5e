"""上门服务证 over HTTP: the worker's file and issuing by role, jurisdiction, the public scan."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from registry.domain.certificates.models import VerificationEvent
from registry.domain.certificates.payload import split_code
from registry.domain.certificates.signing import KeyRing
from registry.domain.common import today
from registry.domain.reconciliation import targets
from registry.domain.service_cards import cards, records
from registry.domain.service_cards.models import HealthCheck, ServiceCard, WorkerPhoto
from registry.domain.service_cards.policy import default_rules
from registry.extensions import db
from tests import factories


@pytest.fixture
def world(app):
    keyring = KeyRing(app.config["REGISTRY_KEYS_DIR"])
    base = factories.base("海珠家政培训基地", programmes=("jiazheng",))
    other = factories.base("别区家政基地", district_code="440111", programmes=("jiazheng",))
    clerk = factories.user("jzclerk", "base", base_id=base.id)
    factories.user("otherclerk", "base", base_id=other.id)
    factories.user("districtstaff", "district", district_id=base.district_id)
    factories.user("otherdistrict", "district", district_id=other.district_id)
    employer = factories.enterprise("穗安家政服务有限公司", kind="home_service")
    factories.user("employer", "enterprise", enterprise_id=employer.id)
    person, certificate = factories.card_worker(keyring, clerk, base_record=base, identity=False)
    db.session.commit()
    return {"keyring": keyring, "base": base, "person": person, "employer": employer}


def sign_in(client, username):
    client.post("/auth/logout")
    factories.login(client, username)


def issued_card(world) -> ServiceCard:
    person = world["person"]
    checker = factories.user("checker", "city")
    records.record_identity_check(person, checker, today(), "in_person")
    card = cards.issue_card(person, default_rules(), world["keyring"], factories.district(),
                            base=world["base"], employer=world["employer"])
    db.session.commit()
    return card


def scan_path(app, card) -> str:
    number, fields = split_code(cards.card_code(card, app.config["REGISTRY_PUBLIC_BASE_URL"]))
    return f"/C/{number}/{fields}"


def test_the_clerk_checks_identity_and_issues_the_card(client, world):
    sign_in(client, "jzclerk")
    person = world["person"]
    page = client.get(f"/service-cards/worker/{person.id}").text
    assert 'data-requirement="identity" data-met="no"' in page and 'data-requirement="health" data-met="yes"' in page
    response = client.post(f"/service-cards/worker/{person.id}/identity",
                           data={"checked_on": today().isoformat(), "method": "in_person"})
    assert response.status_code == 302
    response = client.post(f"/service-cards/worker/{person.id}/issue",
                           data={"district_id": world["base"].district_id, "employer_id": world["employer"].id})
    assert response.status_code == 302
    card = db.session.scalar(select(ServiceCard).where(ServiceCard.trainee_id == person.id))
    assert response.headers["Location"].endswith(f"/service-cards/{card.id}")
    assert card.base_id == world["base"].id and card.employer_id == world["employer"].id
    page = client.get(f"/service-cards/{card.id}").text
    assert "上门服务证有效" in page and "居家" in page and "穗安家政服务有限公司" in page


def test_a_refused_issue_saves_nothing_and_says_why(client, world):
    sign_in(client, "jzclerk")
    person = world["person"]
    response = client.post(f"/service-cards/worker/{person.id}/issue", data={"employer_id": 0})
    assert response.status_code == 400
    assert "不符合发证条件" in response.text and "人证合一核验" in response.text
    assert db.session.scalar(select(func.count(ServiceCard.id))) == 0


def test_a_bad_photo_is_refused_beside_the_field(client, world):
    sign_in(client, "jzclerk")
    person = world["person"]
    before = db.session.scalar(select(func.count(WorkerPhoto.id)))
    response = client.post(f"/service-cards/worker/{person.id}/photo",
                           data={"photo": (io.BytesIO(b"GIF89a not a photo"), "photo.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "只接受 JPEG 或 PNG" in response.text
    assert db.session.scalar(select(func.count(WorkerPhoto.id))) == before
    response = client.post(f"/service-cards/worker/{person.id}/photo",
                           data={"photo": (io.BytesIO(factories.photo_bytes(image_format="PNG")), "me.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(WorkerPhoto.id))) == before + 1


def test_a_health_check_form_error_names_the_field(client, world):
    sign_in(client, "jzclerk")
    person = world["person"]
    response = client.post(f"/service-cards/worker/{person.id}/health",
                           data={"checked_on": "2099-01-01", "institution": "某医院", "result": "fit"})
    assert response.status_code == 400 and "体检日期不能晚于今天" in response.text
    assert db.session.scalar(select(func.count(HealthCheck.id)).where(HealthCheck.trainee_id == person.id)) == 1


def test_credit_and_ratings_are_the_bureau_s(client, world):
    person = world["person"]
    sign_in(client, "jzclerk")
    data = {"status": "black", "effective_on": today().isoformat(), "reason": "投诉属实"}
    assert client.post(f"/service-cards/worker/{person.id}/credit", data=data).status_code == 403
    assert client.post(f"/service-cards/worker/{person.id}/rating",
                       data={"stars": 5, "rated_on": today().isoformat(), "rated_by": "协会"}).status_code == 403
    sign_in(client, "districtstaff")
    assert client.post(f"/service-cards/worker/{person.id}/credit", data=data).status_code == 302
    assert "黑名单" in client.get(f"/service-cards/worker/{person.id}").text


@pytest.mark.parametrize("username", ["otherclerk", "otherdistrict"])
def test_another_base_or_district_cannot_reach_the_worker_or_card_by_url(client, world, username):
    card = issued_card(world)
    sign_in(client, username)
    person = world["person"]
    assert client.get(f"/service-cards/worker/{person.id}").status_code == 404
    assert client.post(f"/service-cards/worker/{person.id}/health",
                        data={"checked_on": today().isoformat(), "institution": "x", "result": "fit"}).status_code == 404
    assert client.get(f"/service-cards/{card.id}").status_code == 404
    assert client.get(f"/service-cards/{card.id}.pdf").status_code == 404
    assert client.get(f"/service-cards/photo/{card.photo_id}.jpg").status_code == 404
    assert client.post(f"/service-cards/{card.id}/revoke", data={"reason": "fraud", "note": "x"}).status_code == 404
    assert card.number not in client.get("/service-cards/").text


def test_the_employer_sees_its_workers_cards_only(client, world):
    card = issued_card(world)
    sign_in(client, "employer")
    assert card.number in client.get("/service-cards/").text.replace("-", "")
    assert client.get(f"/service-cards/{card.id}").status_code == 200
    assert client.get(f"/service-cards/photo/{card.photo_id}.jpg").status_code == 200
    assert client.get(f"/service-cards/worker/{world['person'].id}").status_code == 404  # not their enrolment


def test_the_holder_is_a_link_only_for_those_who_may_open_the_worker_file(client, world):
    """The employer sees the card but not the worker's file (not their enrolment): the holder's name
    is plain text there; the issuing base's clerk gets the link, and it opens."""
    card = issued_card(world)
    worker_url = f"/service-cards/worker/{world['person'].id}"
    sign_in(client, "employer")
    page = client.get(f"/service-cards/{card.id}").text
    assert world["person"].name in page and worker_url not in page
    assert client.get(worker_url).status_code == 404  # not widened
    sign_in(client, "jzclerk")
    assert worker_url in client.get(f"/service-cards/{card.id}").text
    assert client.get(worker_url).status_code == 200


def test_revocation_is_the_bureau_s_and_keeps_the_card(client, world):
    card = issued_card(world)
    sign_in(client, "jzclerk")
    assert client.post(f"/service-cards/{card.id}/revoke", data={"reason": "fraud", "note": "x"}).status_code == 403
    sign_in(client, "districtstaff")
    client.post(f"/service-cards/{card.id}/revoke", data={"reason": "fraud", "note": "伪造体检报告"})
    db.session.refresh(card)
    assert card.status == "revoked" and "上门服务证已注销" in client.get(f"/service-cards/{card.id}").text


def test_replacement_from_the_card_page(client, world):
    card = issued_card(world)
    sign_in(client, "jzclerk")
    response = client.post(f"/service-cards/{card.id}/replace", data={"reason": "lost", "note": "遗失"})
    db.session.refresh(card)
    assert card.status == "replaced" and response.headers["Location"].endswith(f"/service-cards/{card.replaced_by_id}")


def test_the_public_page_shows_the_live_status_with_masked_data(app, client, world):
    card = issued_card(world)
    path = scan_path(app, card)
    page = client.get(path).text
    assert 'data-outcome="valid"' in page and "李*梅" in page and world["person"].document_number not in page
    photo = client.get(path + "/photo.jpg")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    data = client.get(path, headers={"Accept": "application/json"}).get_json()
    assert data["outcome"] == "valid" and data["card"]["service_types"] == ["居家"]
    assert data["card"]["employer"] == "穗安家政服务有限公司"
    records.record_credit(world["person"], "black", "投诉属实", today())
    db.session.commit()
    assert client.get(path, headers={"Accept": "application/json"}).get_json()["outcome"] == "suspended"
    events = db.session.scalar(select(func.count(VerificationEvent.id)).where(VerificationEvent.card_id == card.id))
    assert events == 3


def fact(page: str, name: str) -> str:
    import re

    found = re.search(rf'data-testid="{name}"[^>]*>(.*?)</dd>', page, re.S)
    return re.sub(r"<[^>]+>|\s+", "", found.group(1)) if found else ""


def test_the_public_page_s_status_agrees_with_its_verdict(app, client, world):
    """A card that stands on its record but whose holder's health check lapsed or retraining is overdue
    does not say plainly 有效 under a headline that says not to let the holder in: 证件状态 says why."""
    import time_machine
    from datetime import datetime, timedelta

    card = issued_card(world)
    path = scan_path(app, card)
    page = client.get(path).text
    assert fact(page, "fact-status") == "有效"
    expires_on = records.latest_health_check(world["person"].id).expires_on
    lapsed = expires_on + timedelta(days=1)
    with time_machine.travel(datetime.combine(lapsed, datetime.min.time()).replace(hour=12), tick=False):
        page = client.get(path).text
        data = client.get(path, headers={"Accept": "application/json"}).get_json()
    assert 'data-outcome="health_expired"' in page and "体检已过期或不合格,暂不宜上门服务" in page
    shown = f"有效(体检已于{expires_on:%Y-%m-%d}过期,暂不宜上门服务)"
    assert fact(page, "fact-status") == shown
    assert data["card"]["status"] == "有效" and data["card"]["status_text"].replace(" ", "") == shown
    assert split_code(cards.card_code(card, app.config["REGISTRY_PUBLIC_BASE_URL"]))[1] == path.rsplit("/", 1)[1]

    due = client.get(path, headers={"Accept": "application/json"}).get_json()["card"]["retraining_due"]
    overdue = datetime.fromisoformat(due) + timedelta(days=1, hours=12)
    with time_machine.travel(overdue, tick=False):
        page = client.get(path).text
    assert fact(page, "fact-status") == f"有效(体检已于{expires_on:%Y-%m-%d}过期,暂不宜上门服务;回炉培训已于{due}逾期)"

    records.record_health_check(world["person"], default_rules(), today(), "海珠区妇幼保健院", "unfit")
    db.session.commit()
    assert fact(client.get(path).text, "fact-status") == "有效(最近一次体检不合格,暂不宜上门服务)"
    records.record_credit(world["person"], "black", "投诉属实", today())
    db.session.commit()
    page = client.get(path).text
    assert 'data-outcome="suspended"' in page and fact(page, "fact-status") == "已暂停(持证人被列入黑名单)"

    # The staff card page's 证件状态 says the same as the public page.
    sign_in(client, "jzclerk")
    assert fact(client.get(f"/service-cards/{card.id}").text, "status-text") == "已暂停(持证人被列入黑名单)"


def test_a_tampered_card_code_is_altered_and_shows_no_photo(app, client, world):
    card = issued_card(world)
    path = scan_path(app, card)
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    page = client.get(tampered).text
    assert 'data-outcome="altered"' in page
    assert "证件信息被篡改或二维码无效" in page and "请勿让其上门服务" in page  # the card's page, not a certificate's
    assert client.get(tampered + "/photo.jpg").status_code == 404


def test_the_holder_comparison_works_for_cards(app, client, world):
    card = issued_card(world)
    path = scan_path(app, card)
    page = client.post(path + "/match", data={"typed": world["person"].document_number}).text
    assert 'data-testid="match-result"' in page and "相符:与登记信息一致" in page


def test_cards_count_against_their_target(client, world):
    issued_card(world)
    targets.set_target(targets.TargetData(today().year, "jiazheng", "service_cards", 10), None, today())
    factories.user("citystaff", "city")
    db.session.commit()
    sign_in(client, "citystaff")
    page = client.get(f"/reconciliation/?year={today().year}").text
    assert 'data-measure="service_cards">1<' in page
    response = client.get(f"/reconciliation/detail?year={today().year}&programme_code=jiazheng&measure=service_cards")
    assert response.status_code == 302 and "/service-cards/" in response.headers["Location"]
    assert "SM-" in client.get(response.headers["Location"]).text


def qr_texts(pdf_bytes: bytes, page_index: int) -> list[str]:
    import pypdfium2 as pdfium
    import zxingcpp

    page = pdfium.PdfDocument(pdf_bytes)[page_index]
    image = page.render(scale=300 / 72).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode) if r.format == zxingcpp.BarcodeFormat.QRCode]


def test_print_scan_and_trust_the_card_as_the_facts_change(app, client, world):
    """Issue 6, item 8: the card PDF's QR, decoded from the image, opens the live status."""
    import time_machine
    from datetime import datetime, timedelta
    from urllib.parse import urlsplit

    card = issued_card(world)
    sign_in(client, "jzclerk")
    response = client.get(f"/service-cards/{card.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert qr_texts(response.data, 0) == []  # the front has the photo, the back the code
    [text] = qr_texts(response.data, 1)
    path = urlsplit(text).path
    client.post("/auth/logout")

    def outcome(url: str) -> str:
        return client.get(url, headers={"Accept": "application/json"}).get_json()["outcome"]

    assert outcome(path) == "valid"
    lapsed = records.latest_health_check(world["person"].id).expires_on + timedelta(days=1)
    with time_machine.travel(datetime.combine(lapsed, datetime.min.time()).replace(hour=12), tick=False):
        assert outcome(path) == "health_expired"
    assert outcome(path) == "valid"
    records.record_credit(world["person"], "black", "投诉属实", today())
    db.session.commit()
    assert outcome(path) == "suspended"
    number, fields = path.rsplit("/", 2)[-2:]
    tampered = f"/C/{number}/{fields[:10]}{'A' if fields[10] != 'A' else 'B'}{fields[11:]}"
    assert outcome(tampered) == "altered"


def test_a_print_sheet_of_the_chosen_cards(app, client, world):
    card = issued_card(world)
    sign_in(client, "jzclerk")
    response = client.post("/service-cards/sheet.pdf", data={"card_ids": [card.id]})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert [urlsplit_path(t) for t in qr_texts(response.data, 1)] == [scan_path(app, card).upper()]
    response = client.post("/service-cards/sheet.pdf", data={"card_ids": []})
    assert response.status_code == 302  # nothing chosen: back to the list with a message
    response = client.post("/service-cards/sheet.pdf", data={"card_ids": [str(10**20)]})
    assert response.status_code == 302  # a number no card can have: the same, not a database error


def urlsplit_path(text: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(text).path.upper()


def test_the_list_shows_live_status_and_filters_reminders(client, world):
    card = issued_card(world)
    sign_in(client, "districtstaff")
    assert "有效</span>" in client.get("/service-cards/").text
    assert card.number not in client.get("/service-cards/?reminder=blacklisted").text.replace("-", "")
    records.record_credit(world["person"], "black", "投诉属实", today())
    db.session.commit()
    page = client.get("/service-cards/?reminder=blacklisted").text
    assert card.number in page.replace("-", "") and "已暂停:持证人被列入黑名单" in page
