"""The year a page is about (registry/blueprints/years.py): every page accepts the same years, a link
to a year opens, a year out of range answers 400 with the Chinese message, and a year selector
always shows (selects) the page's own year."""
from __future__ import annotations

import re
from datetime import date

import pytest

from registry.blueprints.years import FIRST_YEAR, LAST_YEAR, recent_years, year_options
from registry.domain.catalogue import catalogue
from registry.domain.common import today
from registry.extensions import db
from tests import factories

ROLES = ("city", "district", "base", "enterprise")


@pytest.fixture
def world():
    base = factories.base("年度测试基地", programmes=("new_workers", "disability"))
    enterprise = factories.enterprise("年度测试企业")
    factories.user("city", "city")
    factories.user("district", "district", district_id=factories.district().id)
    factories.user("base", "base", base_id=base.id)
    factories.user("enterprise", "enterprise", enterprise_id=enterprise.id)
    db.session.commit()
    return {"base": base}


def sign_in(client, username):
    client.post("/auth/logout")
    factories.login(client, username)


def selected_years(html: str) -> list[str]:
    """What each year selector on the page shows: its selected option's value ('' for none)."""
    shown = []
    for select in re.findall(r'<select[^>]*name="year".*?</select>', html, re.S):
        chosen = re.findall(r'<option value="(\d*)"\s*selected', select)
        shown.append(chosen[0] if chosen else "")
    return shown


def year_links(html: str) -> list[str]:
    return sorted({link.replace("&amp;", "&") for link in re.findall(r'href="([^"]*[?&]year=\d+[^"]*)"', html)})


def test_the_helpers():
    on = date(2026, 5, 1)
    assert year_options(on=on) == [2027, 2026, 2025, 2024, 2023, 2022]
    assert year_options(2000, on=on) == [2027, 2026, 2025, 2024, 2023, 2022, 2000]
    assert year_options(2040, back=7, ahead=0, on=on)[0] == 2040
    assert year_options(1999, on=on) == year_options(on=on)  # never an option the pages refuse
    assert recent_years(2026, 3) == [2026, 2025, 2024]
    assert recent_years(FIRST_YEAR + 1, 3) == [FIRST_YEAR + 1, FIRST_YEAR]


@pytest.mark.parametrize("username", ROLES)
def test_the_new_workers_page_links_only_to_years_the_list_accepts(client, world, username):
    """/programmes/new_workers/?year=2000 listed 1999 and 1998, whose high-skill list answered 400."""
    sign_in(client, username)
    page = client.get(f"/programmes/new_workers/?year={FIRST_YEAR}")
    assert page.status_code == 200
    assert f"high-skill?year={FIRST_YEAR}" in page.text
    assert f"high-skill?year={FIRST_YEAR - 1}" not in page.text and f"high-skill?year={FIRST_YEAR - 2}" not in page.text
    for link in year_links(page.text):
        assert client.get(link).status_code in (200, 302), link


@pytest.mark.parametrize("username", ROLES)
def test_every_programme_page_s_year_links_open_at_the_first_year(client, world, username):
    sign_in(client, username)
    for path in ["/programmes/"] + [f"/programmes/{p.code}/" for p in catalogue.all()]:
        page = client.get(f"{path}?year={FIRST_YEAR}")
        assert page.status_code == 200, path
        for link in year_links(page.text):
            assert client.get(link).status_code in (200, 302), f"{path}: {link}"


@pytest.mark.parametrize("url", [
    "/programmes/new_workers/?year={year}", "/programmes/?year={year}", "/ten-groups/new-workers/high-skill?year={year}",
    "/reconciliation/?year={year}", "/reconciliation/targets?year={year}", "/ten-groups/capability-assessments/?year={year}",
    "/yuecai/chefs/?year={year}", "/jiazheng/stations/?year={year}", "/jigong/graduates/?year={year}",
])
def test_a_year_out_of_range_answers_with_the_chinese_message(client, world, url):
    sign_in(client, "city")
    message = f"参数「year」须为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的年份"
    for year in (FIRST_YEAR - 1, LAST_YEAR + 1, "abc", "²", "２０２６"):  # digits int() refuses or ASCII lacks
        response = client.get(url.format(year=year))
        assert response.status_code == 400 and message in response.text, url.format(year=year)
    assert client.get(url.format(year=FIRST_YEAR)).status_code == 200


def test_the_reports_stop_at_next_year_and_say_so(client, world):
    sign_in(client, "city")
    response = client.get(f"/apprenticeship/reports?year={today().year + 2}")
    assert response.status_code == 400 and f"参数「year」须为 {FIRST_YEAR} 至 {today().year + 1} 之间的年份" in response.text


SELECTOR_PAGES = [
    ("city", "/programmes/?year={year}"),
    ("base", "/programmes/yuecai/?year={year}"),
    ("enterprise", "/programmes/new_workers/?year={year}"),
    ("district", "/programmes/disability/?year={year}"),
    ("city", "/reconciliation/?year={year}"),
    ("district", "/reconciliation/?year={year}"),
    ("city", "/reconciliation/targets?year={year}"),
    ("base", "/ten-groups/capability-assessments/?year={year}"),
    ("city", "/ten-groups/capability-assessments/?year={year}&trained=yes"),
    ("city", "/yuecai/chefs/?year={year}"),
    ("city", "/jiazheng/stations/?year={year}"),
    ("city", "/jiazheng/demonstration-bases/?year={year}"),
    ("city", "/jigong/graduates/?year={year}"),
]


@pytest.mark.parametrize(("username", "url"), SELECTOR_PAGES)
@pytest.mark.parametrize("year", [FIRST_YEAR, 2015, today().year, today().year + 10])
def test_the_year_selector_selects_the_page_s_year(client, world, username, url, year):
    sign_in(client, username)
    response = client.get(url.format(year=year))
    assert response.status_code == 200
    assert selected_years(response.text) == [str(year)], url.format(year=year)
