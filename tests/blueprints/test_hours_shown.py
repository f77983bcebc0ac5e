"""Hours and scores as people write them: 354 学时, 12.5 学时, 85 分 — never the stored 354.0 — on every
page that shows attended or planned hours or scores, and in the messages that name them."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from registry.domain.common import plain_number, today
from registry.domain.errors import DomainError
from registry.domain.training import operations, results
from registry.domain.training.models import Enrollment
from registry.extensions import db
from tests import factories

YEAR = today().year


@pytest.mark.parametrize("stored,shown", [
    (Decimal("354.0"), "354"), (Decimal("12.5"), "12.5"), (Decimal("12.50"), "12.5"), (Decimal("100.0"), "100"),
    (Decimal("0.0"), "0"), (Decimal("0.5"), "0.5"), (400, "400"), (48.0, "48"), (None, ""),
])
def test_plain_number(stored, shown):
    assert plain_number(stored) == shown


@pytest.fixture
def world():
    base = factories.base("白云粤菜基地", programmes=("yuecai",))
    session = factories.session(base, start_date=date(YEAR, 1, 5), end_date=date(YEAR, 3, 20), planned_hours=400,
                                code="HOURS-1")
    whole = factories.trainee("整学时", document_number=factories.id_number(date(1990, 2, 1)))
    half = factories.trainee("半学时", document_number=factories.id_number(date(1990, 2, 2)))
    factories.enrollment(session, whole, "passed", hours="354.0", assessed_on=date(YEAR, 3, 20),
                         assessment_type="skill_level")
    factories.enrollment(session, half, "failed", hours="12.5", assessed_on=date(YEAR, 3, 20),
                         assessment_type="skill_level")
    factories.user("h_city", "city")
    factories.user("h_clerk", "base", base_id=base.id)
    db.session.commit()
    db.session.expire_all()  # read back as the database gives it: Decimal('354.0')
    return {"session": session, "whole": whole, "half": half}


def cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


def test_the_session_page_shows_whole_and_half_hours(client, world):
    factories.login(client, "h_clerk")
    page = client.get(f"/sessions/{world['session'].id}").text
    assert "354.0" not in page and "12.50" not in page
    assert "354" in cells(page) and "12.5" in cells(page)
    assert "400 学时" in page


def test_the_trainees_record_shows_whole_hours(client, world):
    factories.login(client, "h_city")
    page = client.get(f"/trainees/{world['whole'].id}").text
    assert "354.0" not in page and "354" in cells(page)
    assert "12.5" in cells(client.get(f"/trainees/{world['half'].id}").text)


def test_the_reconciliation_drill_down_shows_whole_hours(client, world):
    factories.login(client, "h_city")
    page = client.get(f"/reconciliation/detail?year={YEAR}&measure=trainings&programme_code=yuecai").text
    assert "HOURS-1" in page
    assert "354.0" not in page and "354" in cells(page) and "12.5" in cells(page)


def test_the_results_grid_offers_the_hours_as_written(client, world):
    factories.login(client, "h_clerk")
    page = client.get(f"/sessions/{world['session'].id}/results").text
    assert 'value="354"' in page and 'value="12.5"' in page and "354.0" not in page
    assert "计划 400 学时" in page


def test_messages_name_the_hours_as_written(world):
    with pytest.raises(DomainError, match=r"^实到学时 401 超过计划学时 400$"):
        results.check_result(world["session"], results.ResultData(attended_hours="401"), today())
    base = world["session"].base
    running = factories.session(base, start_date=today() - timedelta(days=5), end_date=today() + timedelta(days=30),
                                planned_hours=400, status="in_progress")
    factories.enrollment(running, world["whole"], hours="354.0")
    db.session.flush()
    db.session.expire_all()
    data = operations.SessionData(running.programme_code, running.occupation_code, running.level, running.kind,
                                  running.start_date, running.end_date, 300, running.capacity)
    with pytest.raises(DomainError, match=r"(最多 354 学时)"):
        operations.update_session(running, data)


def test_scores_show_as_written(client, world):
    """成绩 85 and 72.5, never the stored 85.0, on the session page and in the results grid."""
    for person, score in ((world["whole"], "85.0"), (world["half"], "72.5")):
        db.session.scalars(select(Enrollment).where(Enrollment.trainee_id == person.id)).one().score = Decimal(score)
    db.session.commit()
    db.session.expire_all()
    factories.login(client, "h_clerk")
    page = client.get(f"/sessions/{world['session'].id}").text
    assert "85.0" not in page and "85" in cells(page) and "72.5" in cells(page)
    grid = client.get(f"/sessions/{world['session'].id}/results").text
    assert 'value="85"' in grid and 'value="72.5"' in grid and "85.0" not in grid
