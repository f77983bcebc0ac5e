"""Smoke test in a real browser: sign in as each demo account and see what that user sees.

Runs against a live server seeded with the demo data set (see conftest.py); CSRF is on.
"""
from __future__ import annotations

import re
from datetime import date
from itertools import count

import pytest
from sqlalchemy import func, select
from stdnum.cn import ric

from registry.auth.permissions import sessions_visible
from registry.domain.accounts.models import User
from registry.domain.common import today
from registry.domain.organisations.models import TrainingBase
from registry.domain.trainees.models import Trainee
from registry.domain.training.statistics import dashboard
from registry.extensions import db

pytestmark = pytest.mark.e2e

PASSWORD = "registry-demo"
CITY_BUREAU = "广州市人力资源和社会保障局"

#: The navigation each role should see, in order (registry/templating.py, NAVIGATION).
NAVIGATION = {
    "city": ["首页", "培训项目", "培训班期", "学员", "证书", "上门服务证", "补贴申领", "学徒制备案", "目标与统计", "培训基地", "企业", "账号管理", "审计日志"],
    "district": ["首页", "培训项目", "培训班期", "学员", "证书", "上门服务证", "补贴申领", "学徒制备案", "目标与统计", "培训基地", "企业"],
    "base": ["首页", "培训项目", "培训班期", "学员", "证书", "上门服务证", "补贴申领", "学徒制备案", "培训基地"],
    "enterprise": ["首页", "培训项目", "培训班期", "学员", "证书", "上门服务证", "补贴申领", "学徒制备案", "培训基地", "企业"],
}
CITY_ONLY_PAGES = {"账号管理": "/admin/users", "审计日志": "/admin/audit"}
FIGURES = ("sessions-under-way", "enrollments-this-year", "persons-this-year", "pass-rate")
PERCENT = re.compile(r"^(\d+\.\d%|—)$")


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/auth/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def expected_home(live_app, username: str) -> dict:
    """What the home page should show, computed the app's own way from the server's database."""
    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        assert user is not None, f"the demo data set has no account {username!r}"
        figures = dashboard(sessions_visible(user), today())
        rate = figures.pass_rate
        expected = {
            "role": user.role,
            "district": user.district.name if user.district else None,
            "base": user.base.name if user.base else None,
            "enterprise": user.enterprise.name if user.enterprise else None,
            "figures": {
                "sessions-under-way": str(figures.sessions_under_way),
                "enrollments-this-year": str(figures.enrollments_this_year),
                "persons-this-year": str(figures.persons_this_year),
                "pass-rate": "—" if rate is None else f"{rate * 100:.1f}%",
            },
        }
        db.session.remove()
    return expected


@pytest.mark.parametrize("username", ["city", "district", "base", "enterprise"])
def test_each_demo_account_signs_in_and_sees_its_home(page, live_server, live_app, artifacts, username):
    expected = expected_home(live_app, username)
    assert expected["role"] == username

    sign_in(page, live_server, username)
    assert page.url == f"{live_server}/", f"{username} did not land on the home page: {page.url}"
    assert page.locator("[data-testid=programme-table]").is_visible()

    unit = page.get_by_test_id("current-unit").inner_text().strip()
    unit_name = unit.split(" · ")[0]
    if username == "city":
        assert unit_name == CITY_BUREAU
    elif username == "district":
        assert expected["district"].endswith("区"), expected["district"]
        assert unit_name == f"{expected['district']}人社局"
    else:
        assert unit_name == expected[username], unit

    for testid in FIGURES:
        shown = page.get_by_test_id(testid).inner_text().strip()
        if testid == "pass-rate":
            assert PERCENT.match(shown), f"{testid} shows {shown!r}"
        else:
            assert shown.isdigit(), f"{testid} shows {shown!r}"
        assert shown == expected["figures"][testid], f"{username}: {testid}"

    page.screenshot(path=str(artifacts / f"home-{username}.png"), full_page=True)

    nav = page.locator("#mainnav .navbar-nav .nav-link")
    labels = [text.strip() for text in nav.all_inner_texts()]
    assert labels == NAVIGATION[username]
    for index in range(nav.count()):
        href = nav.nth(index).get_attribute("href")
        response = page.request.get(f"{live_server}{href}")
        assert response.status == 200, f"{username}: nav link {labels[index]} ({href}) answers {response.status}"
    if username != "city":
        for label, path in CITY_ONLY_PAGES.items():
            response = page.request.get(f"{live_server}{path}")
            assert response.status == 403, f"{username}: {label} ({path}) answers {response.status}"

    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()
    assert page.url.startswith(f"{live_server}/auth/login")
    assert page.locator("input[name=password]").is_visible()
    assert page.get_by_text("您已退出登录").is_visible()
    assert page.get_by_test_id("current-unit").count() == 0
    # Signed out means signed out: the home page sends you back to sign in.
    page.goto(f"{live_server}/")
    assert page.url.startswith(f"{live_server}/auth/login")


def test_wrong_password_is_refused_in_chinese(page, live_server):
    sign_in(page, live_server, "base", "not-the-password")
    assert page.url == f"{live_server}/auth/login"
    assert page.get_by_role("alert").filter(has_text="用户名或密码错误").is_visible()
    assert page.locator("input[name=password]").is_visible()
    assert page.get_by_test_id("current-unit").count() == 0


def test_base_cannot_open_another_base_by_editing_the_url(page, live_server, live_app):
    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.username == "base"))
        own_id, own_name = user.base_id, user.base.name
        other = db.session.scalars(select(TrainingBase).where(TrainingBase.id != own_id).order_by(TrainingBase.id)).first()
        assert other is not None, "the demo data set should hold more than one training base"
        other_id, other_name = other.id, other.name
        db.session.remove()

    sign_in(page, live_server, "base")
    response = page.goto(f"{live_server}/bases/{own_id}")
    assert response.status == 200
    assert page.get_by_role("heading", name=own_name).first.is_visible()

    response = page.goto(f"{live_server}/bases/{other_id}")
    assert response.status == 404
    assert page.get_by_role("heading", name=re.compile("页面不存在")).is_visible()
    assert other_name not in page.content()


_sequence = count(101)


def new_resident_id(live_app) -> str:
    """A resident ID number (Guangzhou, Tianhe) with a correct check character, not yet registered."""
    with live_app.app_context():
        while True:
            body = f"440106{date(1996, 5, 20):%Y%m%d}{next(_sequence) % 1000:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if db.session.scalar(select(Trainee.id).where(Trainee.document_number == number)) is None:
                db.session.remove()
                return number


def count_trainees(live_app) -> int:
    with live_app.app_context():
        total = db.session.scalar(select(func.count(Trainee.id)))
        db.session.remove()
    return total


def test_base_registers_a_trainee_checksum_checked(page, live_server, live_app):
    number = new_resident_id(live_app)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    name = "欧阳晓岚"

    sign_in(page, live_server, "base")
    with page.expect_navigation():
        page.get_by_role("link", name="登记学员").click()
    assert page.url == f"{live_server}/trainees/new"
    assert page.get_by_role("heading", name="登记学员").is_visible()

    before = count_trainees(live_app)
    page.locator("input[name=document_number]").fill(wrong)
    page.locator("input[name=name]").fill(name)
    page.locator("select[name=hukou_type]").select_option("urban")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    error = page.locator(".invalid-feedback[data-field=document_number]")
    assert error.is_visible()
    assert "校验位错误" in error.inner_text()
    assert "证件号码" in error.inner_text() or "身份证" in error.inner_text()
    assert page.url == f"{live_server}/trainees/new"
    assert count_trainees(live_app) == before

    page.locator("input[name=document_number]").fill(number)
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert re.fullmatch(rf"{re.escape(live_server)}/trainees/\d+", page.url), page.url
    assert page.get_by_role("heading", name=name).is_visible()
    assert page.get_by_test_id("document-number").inner_text().strip() == number
    assert page.get_by_text(f"已登记学员 {name}").is_visible()
    assert count_trainees(live_app) == before + 1
