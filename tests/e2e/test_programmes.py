"""Every programme's landing page in a real browser: reached from the navigation, it shows the year's
progress computed from the demo data, the programme's own records (with their counts) and panels."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.auth.permissions import sessions_visible
from registry.blueprints.programmes.landing import links_for, panels_for
from registry.domain.accounts.models import User
from registry.domain.catalogue import catalogue
from registry.domain.common import today
from registry.domain.reconciliation import figures
from registry.extensions import db

from .test_smoke import sign_in

pytestmark = pytest.mark.e2e


def expected(live_app, username: str, code: str) -> dict:
    """What the page should show, computed the app's own way from the server's database."""
    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        district = user.district_id if user.role == "district" else None
        measures = figures.programme_year(code, today().year, district, today(), sessions_visible(user))
        want = {
            "actuals": {m.code: m.actual for m in measures},
            "links": {link.label: link.count(user) if link.count else None for link in links_for(code, user.role)},
            "panels": [panel.title for panel in panels_for(code, user.role)],
        }
        db.session.remove()
    return want


def shown_number(text: str) -> int | None:
    value = text.split()[0].replace(",", "") if text.strip() else ""
    return int(value) if value.isdigit() else None


@pytest.mark.parametrize("username", ["city", "district"])
def test_each_landing_page_shows_its_progress_and_records(page, live_server, live_app, artifacts, username):
    sign_in(page, live_server, username)
    page.get_by_role("link", name="培训项目", exact=True).click()
    page.wait_for_selector("[data-testid=programme-cards]")
    assert page.locator("[data-testid=programme-cards] a.programme-card").count() == len(catalogue.all())
    for programme in catalogue.all():
        want = expected(live_app, username, programme.code)
        page.goto(f"{live_server}/programmes/")
        page.locator(f"a[data-programme={programme.code}]").click()
        page.wait_for_selector("[data-testid=progress]")
        assert programme.name in page.locator("h1").inner_text()
        assert page.locator("[data-testid=policy-source]").count() == len(programme.sources)
        for code, actual in want["actuals"].items():
            cell = page.locator(f"[data-testid=progress] tr[data-measure={code}] [data-testid=actual]")
            assert shown_number(cell.inner_text()) == actual, f"{programme.code}: {code}"
        links = page.locator("[data-testid=records] a")
        shown_links = {}
        for index in range(links.count()):
            link = links.nth(index)
            label = link.locator("span").first.inner_text().splitlines()[0].strip()
            badge = link.locator("[data-testid=record-count]")
            shown_links[label] = int(badge.inner_text()) if badge.count() else None
        assert shown_links == want["links"], programme.code
        titles = [t.strip() for t in page.locator("[data-testid=panel] > h2").all_inner_texts()]
        assert titles == want["panels"], programme.code
        if username == "city":
            assert want["actuals"]["trainings"] > 0, f"{programme.code}: the demo data trains people in every programme"
            page.screenshot(path=str(artifacts / f"programme-{programme.code}.png"), full_page=True)
            counted = [count for count in want["links"].values() if count is not None]
            assert not counted or max(counted) > 0, f"{programme.code}: the demo data has records of its own"
