"""Reads beside (domain/beside.py): the reconciliation's statements on a second connection give the
same figures as one after the other, and run beside only where a second connection sees what the
request's transaction sees. On an app with its own committed database (the demo data set), as
deployments have; the rest of the suite shares one connection and so always reads in turn."""
from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from sqlalchemy import select, true

from registry.domain.beside import beside, may_read_beside
from registry.domain.catalogue import catalogue
from registry.domain.common import today
from registry.domain.errors import DomainError
from registry.domain.organisations.models import TrainingBase
from registry.domain.reconciliation import figures
from registry.domain.reconciliation.counting import Scope
from registry.domain.reconciliation.results import GROUPINGS
from registry.domain.training import statistics
from registry.domain.training.models import Enrollment, TrainingSession
from registry.extensions import db
from tests.conftest import app_with_demo_data


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    with app_with_demo_data(tmp_path_factory.mktemp("beside"), f"beside_{uuid.uuid4().hex[:6]}") as app:
        yield app


@pytest.fixture
def threads_used(monkeypatch):
    """The threads the additive figures were read on."""
    used: list[threading.Thread] = []
    read = figures._additive_and_measures

    def spy(*args, **kwargs):
        used.append(threading.current_thread())
        return read(*args, **kwargs)

    monkeypatch.setattr(figures, "_additive_and_measures", spy)
    return used


def shown(result) -> tuple:
    """What the page shows of a reconciliation."""
    return ([(row.key, row.label, row.figures, row.target) for row in result.rows], result.total.figures,
            [(t.target.id, t.actual) for t in result.targets], result.monthly, result.monthly_targets)


def reconciled(app, scope: Scope, group_by: str, beside_on: bool):
    app.config["REGISTRY_READS_BESIDE"] = beside_on
    try:
        with app.app_context():
            return shown(figures.reconcile(scope, group_by, today()))
    finally:
        app.config["REGISTRY_READS_BESIDE"] = True


def test_same_figures_beside_and_in_turn(demo_app, threads_used):
    year = today().year
    with demo_app.app_context():
        district_id, programme_code = db.session.execute(
            select(TrainingBase.district_id, TrainingSession.programme_code)
            .join(TrainingSession.base).limit(1)).one()
    scopes = [Scope(year), Scope(year, district_id=district_id), Scope(year, programme_code)]
    for scope in scopes:
        for group_by in GROUPINGS:
            threads_used.clear()
            in_turn = reconciled(demo_app, scope, group_by, beside_on=False)
            assert threads_used == [threading.current_thread()]
            threads_used.clear()
            read_beside = reconciled(demo_app, scope, group_by, beside_on=True)
            assert threads_used and threads_used[0] is not threading.current_thread()
            assert read_beside == in_turn, (scope, group_by)
    assert in_turn[1].trainings > 0  # the demo year has 人次 to count


def test_same_programme_pages_beside_and_in_turn(demo_app, threads_used):
    """Each programme's landing page: its measures of the year, read beside and in turn."""
    def measures(code: str, beside_on: bool):
        demo_app.config["REGISTRY_READS_BESIDE"] = beside_on
        try:
            with demo_app.app_context():
                return [(m.code, m.actual, m.target.target.id if m.target else None)
                        for m in figures.programme_year(code, today().year, None, today(), None)]
        finally:
            demo_app.config["REGISTRY_READS_BESIDE"] = True

    counted = 0
    for programme in catalogue.all():
        threads_used.clear()
        in_turn = measures(programme.code, beside_on=False)
        read_beside = measures(programme.code, beside_on=True)
        assert threads_used[0] is threading.current_thread() and threads_used[1] is not threading.current_thread()
        assert read_beside == in_turn, programme.code
        counted += sum(actual or 0 for _, actual, _ in in_turn)
    assert counted > 0


def test_same_home_page_figures_beside_and_in_turn(demo_app, monkeypatch):
    """The home page's figures: the year's people counted beside its figures by programme."""
    threads: list[threading.Thread] = []
    count = statistics._persons

    def spy(*args):
        threads.append(threading.current_thread())
        return count(*args)

    monkeypatch.setattr(statistics, "_persons", spy)
    shown = {}
    for beside_on in (False, True):
        demo_app.config["REGISTRY_READS_BESIDE"] = beside_on
        try:
            with demo_app.app_context():
                for name, scope in (("city", true()), ("one base", TrainingSession.base_id == 1)):
                    shown[beside_on, name] = statistics.dashboard(scope, today())
        finally:
            demo_app.config["REGISTRY_READS_BESIDE"] = True
    assert threads[:2] == [threading.current_thread()] * 2
    assert all(thread is not threading.current_thread() for thread in threads[2:]) and len(threads) == 4
    for name in ("city", "one base"):
        assert shown[True, name] == shown[False, name], name
    assert shown[True, "city"].persons_this_year > shown[True, "one base"].persons_this_year > 0


def test_a_transaction_that_wrote_reads_in_turn_and_sees_its_write(demo_app, threads_used):
    year = today().year
    with demo_app.app_context():
        assert may_read_beside()
        before = figures.reconcile(Scope(year), "programme", today()).total.figures
        enrollment = db.session.scalar(
            select(Enrollment).join(Enrollment.session)
            .where(TrainingSession.status.in_(("completed", "closed")),
                   TrainingSession.end_date >= date(year, 1, 1), TrainingSession.end_date <= date(year, 12, 31),
                   Enrollment.status != "withdrawn", Enrollment.result != "passed")
            .limit(1))
        enrollment.result = "passed"
        assert not may_read_beside()  # not flushed yet: the request's own statements would flush it
        db.session.flush()
        assert not may_read_beside()
        threads_used.clear()
        after = figures.reconcile(Scope(year), "programme", today()).total.figures
        assert threads_used == [threading.current_thread()]
        assert after.passed == before.passed + 1
        db.session.rollback()
        assert may_read_beside()


def test_shared_connection_reads_in_turn():
    # The suite's outer transaction: every session of the app uses one connection.
    assert not may_read_beside()


def test_switched_off_reads_in_turn(demo_app):
    demo_app.config["REGISTRY_READS_BESIDE"] = False
    try:
        with demo_app.app_context():
            assert not may_read_beside()
    finally:
        demo_app.config["REGISTRY_READS_BESIDE"] = True


def test_a_failure_beside_reaches_the_caller(demo_app):
    def refuse():
        raise DomainError("不可")

    with demo_app.app_context():
        with pytest.raises(DomainError, match="不可"):
            with beside(refuse) as result:
                result()
        with beside(lambda: 42) as result:
            assert result() == 42
