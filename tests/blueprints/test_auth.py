"""Signing in and out: hashed passwords, limited failures, CSRF, cookie flags, safe redirects."""
import pytest

from registry.domain.accounts.operations import set_active
from registry.extensions import db
from tests import factories
from tests.conftest import make_test_app


@pytest.fixture
def city_user():
    user = factories.user("cityadmin", "city")
    db.session.commit()
    return user


def test_sign_in_and_out(client, city_user):
    assert city_user.password_hash != factories.PASSWORD
    response = factories.login(client, "cityadmin")
    assert response.status_code == 302 and response.location == "/"
    assert "全市培训概况" in client.get("/").text
    assert client.get("/auth/logout").status_code == 405  # a link cannot sign a user out
    assert client.post("/auth/logout").location == "/auth/login"
    assert client.get("/").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_answer(client, city_user):
    wrong = factories.login(client, "cityadmin", "wrong-password")
    unknown = factories.login(client, "nobody", "wrong-password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "用户名或密码错误" in response.text


def test_username_is_case_insensitive(client, city_user):
    assert factories.login(client, "CityAdmin").status_code == 302


def test_deactivated_account_cannot_sign_in(client, city_user):
    set_active(city_user, False)
    db.session.commit()
    assert "用户名或密码错误" in factories.login(client, "cityadmin").text


def test_failed_sign_ins_are_rate_limited_per_username(client, city_user):
    for _ in range(5):
        assert factories.login(client, "cityadmin", "wrong").status_code == 200
    blocked = factories.login(client, "cityadmin")  # even the right password now waits
    assert blocked.status_code == 429
    assert "尝试次数过多" in blocked.text


def test_failed_sign_ins_are_rate_limited_per_address(client, city_user):
    for number in range(5):
        factories.login(client, f"guess{number}", "wrong")
    assert factories.login(client, "another", "wrong").status_code == 429


def test_successful_sign_ins_do_not_count(client, city_user):
    for _ in range(7):
        assert factories.login(client, "cityadmin").status_code == 302
        client.post("/auth/logout")


def test_open_redirect_is_refused(client, city_user):
    response = client.post(
        "/auth/login?next=https://evil.example/", data={"username": "cityadmin", "password": factories.PASSWORD}
    )
    assert response.location == "/"
    client.post("/auth/logout")
    response = client.post("/auth/login?next=/bases/", data={"username": "cityadmin", "password": factories.PASSWORD})
    assert response.location == "/bases/"


def test_session_cookie_flags(client, city_user):
    response = factories.login(client, "cityadmin")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csrf_is_required_on_forms(app):
    """With CSRF on (as in production), a POST without the token is refused with a Chinese page."""
    guarded = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    with guarded.test_client() as client:
        response = client.post("/auth/login", data={"username": "x", "password": "y"})
        assert response.status_code == 400
        assert "页面已过期" in response.text
        page = client.get("/auth/login").text
        assert 'name="csrf_token"' in page


def test_production_marks_cookies_secure(app):
    production = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], REGISTRY_ENV="production")
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
