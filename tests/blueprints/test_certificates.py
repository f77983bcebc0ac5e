"""Certificates over HTTP: issuing by the base, bureau status changes, public verification."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from registry.domain.certificates import operations as certs
from registry.domain.certificates.models import Certificate, VerificationEvent
from registry.domain.certificates.numbering import display_number
from registry.domain.certificates.payload import split_code
from registry.domain.certificates.qr import certificate_code
from registry.domain.certificates.signing import KeyRing
from registry.domain.organisations.operations import set_evaluation_site
from registry.extensions import db
from tests import factories


@pytest.fixture
def world(app):
    base = factories.base("越秀粤菜基地", programmes=("yuecai",))
    set_evaluation_site(base, "S", "0000", "000777")
    other = factories.base("别区基地", district_code="440111", programmes=("yuecai",))
    factories.user("clerk", "base", base_id=base.id)
    factories.user("otherclerk", "base", base_id=other.id)
    factories.user("districtstaff", "district", district_id=base.district_id)
    factories.user("otherdistrict", "district", district_id=other.district_id)
    session = factories.session(base)
    enrollments = [
        factories.enrollment(session, factories.trainee(name), result="passed", assessment_type="skill_level",
                             assessed_on=session.end_date)
        for name in ("陈嘉慧", "李志强")
    ]
    failed = factories.enrollment(session, factories.trainee("黄小明"), result="failed",
                                  assessment_type="skill_level", assessed_on=session.end_date)
    db.session.commit()
    return {"base": base, "session": session, "enrollments": enrollments, "failed": failed,
            "keyring": KeyRing(app.config["REGISTRY_KEYS_DIR"])}


def sign_in(client, username):
    client.post("/auth/logout")
    factories.login(client, username)


def issue_all(world):
    return certs.issue_certificates(world["session"], world["enrollments"], world["keyring"])


def url_of(app, certificate) -> str:
    number, fields = split_code(certificate_code(certificate, app.config["REGISTRY_PUBLIC_BASE_URL"]))
    return f"/C/{number}/{fields}"


def test_the_base_issues_for_the_ticked_passed_trainees(client, world):
    sign_in(client, "clerk")
    session = world["session"]
    page = client.get(f"/sessions/{session.id}").text
    assert "为勾选的合格学员发证" in page and "陈嘉慧" in page
    ids = [e.id for e in world["enrollments"]]
    response = client.post(f"/certificates/session/{session.id}/issue", data={"enrollment_ids": ids})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Certificate.id))) == 2
    page = client.get(f"/sessions/{session.id}").text
    assert "共颁发 2 本证书" in page
    # Again: nothing twice, and the failed trainee is refused with a reason.
    client.post(f"/certificates/session/{session.id}/issue", data={"enrollment_ids": [world["failed"].id]})
    assert db.session.scalar(select(func.count(Certificate.id))) == 2
    assert "只有合格学员才能发证" in client.get(f"/sessions/{session.id}").text


def test_another_base_cannot_issue_or_see(client, world):
    issue_all(world)
    db.session.commit()
    certificate = db.session.scalars(select(Certificate)).first()
    sign_in(client, "otherclerk")
    response = client.post(f"/certificates/session/{world['session'].id}/issue",
                           data={"enrollment_ids": [world["enrollments"][0].id]})
    assert response.status_code == 404
    assert client.get(f"/certificates/{certificate.id}").status_code == 404
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 404
    assert certificate.number not in client.get("/certificates/").text
    sign_in(client, "otherdistrict")
    assert client.get(f"/certificates/{certificate.id}").status_code == 404
    sign_in(client, "districtstaff")
    assert client.get(f"/certificates/{certificate.id}").status_code == 200


def test_bureau_revokes_and_the_base_may_not(client, world, app):
    certificate = issue_all(world)[0]
    db.session.commit()
    sign_in(client, "clerk")
    response = client.post(f"/certificates/{certificate.id}/revoke", data={"reason": "fraud", "note": "造假"})
    assert response.status_code == 403
    sign_in(client, "districtstaff")
    client.post(f"/certificates/{certificate.id}/revoke", data={"reason": "fraud", "note": ""})
    assert certificate.status == "valid"  # a revocation needs its note
    client.post(f"/certificates/{certificate.id}/revoke", data={"reason": "fraud", "note": "考核材料造假"})
    db.session.refresh(certificate)
    assert certificate.status == "revoked"
    answer = client.get(url_of(app, certificate), headers={"Accept": "application/json"}).get_json()
    assert answer["outcome"] == "revoked" and answer["certificate"]["status_reason"] == "弄虚作假取得"
    assert "考核材料造假" not in str(answer)  # the internal note stays internal


def test_replacement_points_to_the_new_certificate(client, world, app):
    certificate = issue_all(world)[0]
    db.session.commit()
    sign_in(client, "districtstaff")
    response = client.post(f"/certificates/{certificate.id}/replace", data={"note": "遗失补发"})
    replacement = db.session.scalar(select(Certificate).where(Certificate.replaces_id == certificate.id))
    assert response.location == f"/certificates/{replacement.id}"
    answer = client.get(url_of(app, certificate), headers={"Accept": "application/json"}).get_json()
    assert answer["outcome"] == "revoked" and answer["certificate"]["replaced_by"] == replacement.number
    assert answer["certificate"]["replaced_by_display"] == display_number(replacement.number)
    page = client.get(url_of(app, certificate)).text
    shown = re.search(r'data-testid="fact-replaced-by">([^<]*)<', page).group(1)
    assert shown == display_number(replacement.number) != replacement.number  # grouped, as the 证书编号 above
    assert re.search(r'data-testid="fact-number">([^<]*)<', page).group(1) == display_number(certificate.number)


def test_public_page_shows_masked_data_and_logs_the_check(client, world, app):
    certificate = issue_all(world)[0]
    db.session.commit()
    url = url_of(app, certificate)
    page = client.get(url, environ_base={"REMOTE_ADDR": "203.119.25.7"}).text
    trainee = certificate.trainee
    assert "证书真实有效" in page and "陈*慧" in page and trainee.masked_document in page
    assert trainee.name not in page and trainee.document_number not in page
    for shown in ("中式烹调师", "五级/初级工", "越秀粤菜基地", display_number(certificate.number),
                  certificate.issued_on.isoformat()):
        assert shown in page
    event = db.session.scalar(select(VerificationEvent))
    assert (event.certificate_id, event.outcome, event.channel, event.origin) == (
        certificate.id, "valid", "qr", "203.119.0.0/16")
    answer = client.get(url, headers={"Accept": "application/json"}).get_json()
    assert answer["certificate"]["holder"] == "陈*慧" and answer["outcome"] == "valid"
    sign_in(client, "districtstaff")
    counts = client.get(f"/certificates/{certificate.id}").text
    assert "公众核验次数" in counts and ">2<" in counts.replace(" ", "")


def test_tampered_and_unknown_codes(client, world, app):
    certificate = issue_all(world)[0]
    db.session.commit()
    url = url_of(app, certificate)
    tampered = url[:-4] + ("AAAA" if not url.endswith("AAAA") else "BBBB")
    assert client.get(tampered, headers={"Accept": "application/json"}).get_json()["outcome"] == "altered"
    page = client.get(tampered).text
    assert "篡改" in page and "陈" not in page


def test_match_answers_only_yes_or_no_and_is_rate_limited(client, world, app):
    certificate = issue_all(world)[0]
    db.session.commit()
    url = url_of(app, certificate)
    assert "相符:与登记信息一致" in client.post(f"{url}/match", data={"typed": "陈嘉慧"}).text
    wrong = client.post(f"{url}/match", data={"typed": "陈家慧"}).text
    assert "不相符" in wrong and "陈嘉慧" not in wrong
    answer = client.post(f"{url}/match", data={"typed": certificate.trainee.document_number},
                         headers={"Accept": "application/json"}).get_json()
    assert answer == {"matches": True}
    statuses = [client.post(f"{url}/match", data={"typed": "张三"}).status_code for _ in range(10)]
    assert statuses[-1] == 429


def test_lookup_gives_one_answer_for_a_wrong_pair_or_an_unknown_number(client, world):
    certificate = issue_all(world)[0]
    db.session.commit()
    typed = display_number(certificate.number).lower().replace("-", " ")
    page = client.post("/verify/", data={"number": typed, "name": "陈嘉慧"}).text
    assert "证书真实有效" in page and "陈*慧" in page
    wrong = client.post("/verify/", data={"number": certificate.number, "name": "陈家慧"},
                        headers={"Accept": "application/json"}).get_json()
    unknown = client.post("/verify/", data={"number": "S000044000777269000001", "name": "陈嘉慧"},
                          headers={"Accept": "application/json"}).get_json()
    assert wrong == unknown and wrong["outcome"] == "unknown" and "certificate" not in wrong


def test_published_keys_and_revocation_list(client, world):
    first, second = issue_all(world)
    certs.suspend(second, "investigation", note="核查")
    db.session.commit()
    keys = client.get("/verify/keys.json").get_json()
    assert keys["current"] == first.key_id and keys["keys"][0]["alg"] == "Ed25519"
    revocations = client.get("/verify/revocations.json").get_json()
    assert [(e["number"], e["status"]) for e in revocations["entries"]] == [(second.number, "suspended")]
    assert revocations["signature"] and revocations["generated_at"]
    page = client.get("/verify/offline").text
    assert "nacl" in page and second.number in page and "<link" not in page  # self-contained


def test_pdf_downloads_and_a_missing_font_is_explained(client, world, app, monkeypatch):
    first, _ = issue_all(world)
    db.session.commit()
    sign_in(client, "clerk")
    single = client.get(f"/certificates/{first.id}.pdf")
    assert single.status_code == 200 and single.data.startswith(b"%PDF")
    whole = client.get(f"/certificates/session/{world['session'].id}.zip")
    assert whole.mimetype == "application/zip" and whole.data.startswith(b"PK")
    monkeypatch.setitem(app.config, "REGISTRY_CERTIFICATE_FONT", "/nonexistent/font.ttf")
    response = client.get(f"/certificates/{first.id}.pdf", follow_redirects=True)
    assert response.status_code == 200 and "证书字体文件不存在" in response.text
