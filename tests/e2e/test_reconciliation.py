"""Reconciliation in a real browser: city and district staff see each programme's progress against
its target, click a figure down to the people behind it, and download the same numbers."""
from __future__ import annotations

import io

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from registry.auth.permissions import sessions_visible
from registry.domain.accounts.models import User
from registry.domain.common import today
from registry.domain.reconciliation import figures
from registry.domain.reconciliation.counting import Scope
from registry.extensions import db

from .test_smoke import sign_in

pytestmark = pytest.mark.e2e


def expected(live_app, username: str) -> figures.Reconciliation:
    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        district = user.district_id if user.role == "district" else None
        result = figures.reconcile(Scope(today().year, district_id=district), "programme", today(), sessions_visible(user))
        summary = {
            "rows": {r.label: (r.figures.trainings, r.figures.passed) for r in result.rows},
            "total": result.total.figures.trainings,
            "targets": len(result.targets),
            "behind": len(result.behind),
        }
        db.session.remove()
    return summary


def cells(row) -> list[str]:
    return [c.strip() for c in row.locator("td").all_inner_texts()]


@pytest.mark.parametrize("username", ["city", "district"])
def test_progress_drilldown_and_download(page, live_server, live_app, artifacts, username):
    want = expected(live_app, username)
    sign_in(page, live_server, username)
    page.get_by_role("link", name="目标与统计").click()
    page.wait_for_selector("[data-testid=group-table]")
    assert page.locator("[data-testid=targets-table] tbody tr").count() == want["targets"] > 0
    assert page.locator("[data-testid=targets-table] tr[data-pace=behind]").count() == want["behind"]
    assert page.locator("[data-testid=charts] svg polyline").count() >= 1
    shown = {}
    for row in page.locator("[data-testid=group-table] tbody tr[data-row]").all():
        values = cells(row)
        shown[values[0]] = (int(values[1].replace(",", "")), int(values[3].replace(",", "")))
    total = shown.pop("合计")
    assert shown == want["rows"] and total[0] == want["total"]
    page.screenshot(path=str(artifacts / f"reconciliation-{username}.png"), full_page=True)

    # Click the first programme's 合格人数 down to its people.
    first = page.locator("[data-testid=group-table] tbody tr[data-row]").first
    label, passed = cells(first)[0], cells(first)[3]
    first.locator("a[data-measure=passed]").click()
    page.wait_for_selector("[data-testid=drilldown-count]")
    assert page.locator("[data-testid=drilldown-count]").inner_text() == passed
    assert label in page.locator("h1").inner_text()
    listed = page.locator("[data-testid=drilldown-people] tbody tr").count()
    assert listed == min(int(passed.replace(",", "")), 50)
    assert "*" in page.locator("[data-testid=drilldown-people] tbody tr td").nth(1).inner_text()  # masked ID

    page.go_back()
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    book = CalamineWorkbook.from_filelike(io.BytesIO(open(download.value.path(), "rb").read()))
    sheet = book.get_sheet_by_index(1).to_python()
    exported = {row[0]: (int(row[1]), int(row[3])) for row in sheet[2:]}
    assert exported.pop("合计")[0] == want["total"]
    assert exported == want["rows"]
