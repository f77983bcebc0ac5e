"""Jurisdiction: editing an id in a URL never reaches another base's, district's or enterprise's
records. Every role is checked against every kind of record page; outside the jurisdiction the
answer is 404 (existence not revealed), inside it but beyond the role 403."""
from datetime import date

import pytest

from registry.extensions import db
from tests import factories

A, B = "440106", "440111"  # 天河区, 白云区


@pytest.fixture
def world():
    """Two districts; bases, enterprises, sessions, trainees and one account per role and unit."""
    w = {}
    w["base_a1"] = factories.base("天河甲基地", A, programmes=("yuecai", "apprenticeship"))
    w["base_a2"] = factories.base("天河乙基地", A, programmes=("jiazheng",))
    w["base_b1"] = factories.base("白云丙基地", B, programmes=("yuecai", "apprenticeship"))
    w["ent_a"] = factories.enterprise("天河企业", A)
    w["ent_b"] = factories.enterprise("白云企业", B)
    w["s_a1"] = factories.session(w["base_a1"], code="S-A1")
    w["s_a2"] = factories.session(w["base_a2"], "jiazheng", "housekeeper", code="S-A2")
    w["s_b1"] = factories.session(w["base_b1"], code="S-B1")
    w["s_app_a"] = factories.session(w["base_a1"], "apprenticeship", "welder", enterprise_id=w["ent_a"].id, code="S-APPA")
    w["s_app_b"] = factories.session(w["base_b1"], "apprenticeship", "welder", enterprise_id=w["ent_b"].id, code="S-APPB")
    w["t_a1"] = factories.trainee("甲学员", document_number=factories.id_number(date(1991, 1, 1)))
    w["t_b1"] = factories.trainee("丙学员", document_number=factories.id_number(date(1992, 1, 1)))
    w["t_app_a"] = factories.trainee("甲学徒", document_number=factories.id_number(date(1993, 1, 1)))
    w["t_reg_a2"] = factories.trainee(
        "乙登记", registered_base_id=w["base_a2"].id, document_number=factories.id_number(date(1994, 1, 1))
    )
    factories.enrollment(w["s_a1"], w["t_a1"], "passed")
    factories.enrollment(w["s_b1"], w["t_b1"], "passed")
    factories.enrollment(w["s_app_a"], w["t_app_a"])
    district_a = factories.district(A)
    district_b = factories.district(B)
    factories.user("u_city", "city")
    factories.user("u_district_a", "district", district_id=district_a.id)
    factories.user("u_district_b", "district", district_id=district_b.id)
    factories.user("u_base_a1", "base", base_id=w["base_a1"].id)
    factories.user("u_base_b1", "base", base_id=w["base_b1"].id)
    factories.user("u_ent_a", "enterprise", enterprise_id=w["ent_a"].id)
    db.session.commit()
    return w


def record_urls(w):
    """Every record page, keyed by the record it shows."""
    urls = {}
    for key in ("base_a1", "base_a2", "base_b1"):
        urls[key] = [f"/bases/{w[key].id}"]
    for key in ("ent_a", "ent_b"):
        urls[key] = [f"/enterprises/{w[key].id}"]
    for key in ("s_a1", "s_a2", "s_b1", "s_app_a", "s_app_b"):
        urls[key] = [f"/sessions/{w[key].id}"]
    for key in ("t_a1", "t_b1", "t_app_a", "t_reg_a2"):
        urls[key] = [f"/trainees/{w[key].id}"]
    return urls


ROLE_OF = {"u_city": "city", "u_district_a": "district", "u_district_b": "district", "u_base_a1": "base",
           "u_base_b1": "base", "u_ent_a": "enterprise"}

#: What each account may open. Everything else must answer 404.
VISIBLE = {
    "u_city": "all",
    "u_district_a": {"base_a1", "base_a2", "ent_a", "s_a1", "s_a2", "s_app_a", "t_a1", "t_app_a", "t_reg_a2"},
    "u_district_b": {"base_b1", "ent_b", "s_b1", "s_app_b", "t_b1"},
    "u_base_a1": {"base_a1", "ent_a", "s_a1", "s_app_a", "t_a1", "t_app_a"},
    "u_base_b1": {"base_b1", "ent_b", "s_b1", "s_app_b", "t_b1"},
    "u_ent_a": {"base_a1", "ent_a", "s_app_a", "t_app_a"},
}


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_record_pages_answer_only_within_jurisdiction(client, world, username):
    factories.login(client, username)
    allowed = VISIBLE[username]
    for key, urls in record_urls(world).items():
        expected = 200 if allowed == "all" or key in allowed else 404
        for url in urls:
            assert client.get(url).status_code == expected, f"{username} {url} ({key})"


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_can_view_agrees_with_the_record_pages(world, username):
    """permissions.can_view (whether a page may link to a record) says yes exactly where the record's
    page answers 200, for an instance or for a model and id; nothing for a missing record."""
    from sqlalchemy import select

    from registry.auth.permissions import can_view
    from registry.domain.accounts.models import User
    from registry.domain.trainees.models import Trainee

    user = db.session.scalar(select(User).where(User.username == username))
    allowed = VISIBLE[username]
    for key in record_urls(world):
        expected = allowed == "all" or key in allowed
        assert can_view(user, world[key]) is expected, f"{username} {key}"
        assert can_view(user, type(world[key]), world[key].id) is expected, f"{username} {key}"
    assert can_view(user, None) is False and can_view(user, Trainee, None) is False
    assert can_view(user, Trainee, 10**9) is False


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_edit_pages_answer_404_outside_and_403_beyond_the_role(client, world, username):
    factories.login(client, username)
    allowed = VISIBLE[username]
    sees = lambda key: allowed == "all" or key in allowed  # noqa: E731
    role = ROLE_OF[username]
    cases = {
        f"/bases/{world['base_b1'].id}/edit": ("base_b1", role == "city"),
        f"/enterprises/{world['ent_b'].id}/edit": ("ent_b", role in ("city", "district")),
        f"/trainees/{world['t_b1'].id}/edit": ("t_b1", role in ("city", "district", "base")),
        f"/trainees/{world['t_a1'].id}/edit": ("t_a1", role in ("city", "district", "base")),
    }
    for url, (key, role_may) in cases.items():
        expected = 404 if not sees(key) else (200 if role_may else 403)
        assert client.get(url).status_code == expected, f"{username} {url}"


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_posting_to_another_units_record_changes_nothing(client, world, username):
    factories.login(client, username)
    base = world["base_b1"]
    before = len(base.recognitions)
    response = client.post(
        f"/bases/{base.id}/recognitions",
        data={"programme_code": "jiazheng", "level": "city", "recognised_on": "2024-01-01"},
    )
    expected = 302 if username == "u_city" else (403 if username in ("u_district_b", "u_base_b1") else 404)
    assert response.status_code == expected
    db.session.expire_all()
    assert len(base.recognitions) == before + (1 if username == "u_city" else 0)


@pytest.mark.parametrize(
    "username,listing,present,absent",
    [
        ("u_base_a1", "/trainees/", "甲学员", "丙学员"),
        ("u_base_a1", "/sessions/", "S-A1", "S-B1"),
        ("u_base_a1", "/bases/", "天河甲基地", "天河乙基地"),
        ("u_district_a", "/bases/", "天河乙基地", "白云丙基地"),
        ("u_district_a", "/trainees/", "乙登记", "丙学员"),
        ("u_district_b", "/sessions/", "S-APPB", "S-A2"),
        ("u_ent_a", "/sessions/", "S-APPA", "S-A1"),
        ("u_ent_a", "/enterprises/", "天河企业", "白云企业"),
    ],
)
def test_lists_show_only_the_jurisdiction(client, world, username, listing, present, absent):
    factories.login(client, username)
    page = client.get(listing).text
    assert present in page and absent not in page


@pytest.mark.parametrize(
    "url,roles_allowed",
    [
        ("/admin/users", {"city"}),
        ("/admin/audit", {"city"}),
        ("/admin/users/new", {"city"}),
        ("/bases/new", {"city"}),
        ("/enterprises/new", {"city", "district"}),
        ("/trainees/new", {"city", "district", "base"}),
        ("/enterprises/", {"city", "district", "enterprise", "base"}),
    ],
)
def test_pages_by_role(client, world, url, roles_allowed):
    for username in ("u_city", "u_district_a", "u_base_a1", "u_ent_a"):
        client.post("/auth/logout")
        factories.login(client, username)
        role = ROLE_OF[username]
        expected = 200 if role in roles_allowed else 403
        assert client.get(url).status_code == expected, f"{username} {url}"


def test_district_cannot_register_an_enterprise_in_another_district(client, world):
    factories.login(client, "u_district_a")
    response = client.post(
        "/enterprises/new",
        data={"name": "越界企业", "credit_code": factories.credit_code(), "kind": "general",
              "district_id": factories.district(B).id},
    )
    assert response.status_code == 200  # B is not among the district choices: the form refuses it
    assert "越界企业" not in client.get("/enterprises/").text


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    for url in ("/", f"/bases/{world['base_a1'].id}", f"/trainees/{world['t_a1'].id}", "/admin/audit"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/auth/login")


def test_district_staff_keep_sight_of_the_people_they_register(app, client, world):
    from sqlalchemy import select

    from registry.domain.trainees.models import Trainee
    from tests.blueprints.test_pages import trainee_form

    factories.login(client, "u_district_a")
    number = factories.id_number(date(1993, 8, 8))
    response = client.post("/trainees/new", data=trainee_form(document_number=number))
    trainee = db.session.scalar(select(Trainee).where(Trainee.document_number == number))
    assert trainee.registered_district_id == factories.district(A).id and trainee.registered_base_id is None
    assert response.location == f"/trainees/{trainee.id}"
    assert client.get(f"/trainees/{trainee.id}").status_code == 200
    other_district = app.test_client()
    factories.login(other_district, "u_district_b")
    assert other_district.get(f"/trainees/{trainee.id}").status_code == 404
