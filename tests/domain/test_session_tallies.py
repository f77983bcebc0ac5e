"""The sessions' tallies that PostgreSQL's triggers keep (migration 0026, reconciliation/tallies.py)
agree with the records after every kind of change, and the figures read from them equal the walk's."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, insert, update

from registry.domain.certificates.models import Certificate
from registry.domain.reconciliation import additive, figures, tallies
from registry.domain.reconciliation.counting import Scope
from registry.domain.training.models import Enrollment
from registry.extensions import db
from tests import factories
from tests.domain.test_reconciliation import YEAR, certificate, person, world  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def postgresql_only(app):
    if not tallies.kept():
        pytest.skip("the tallies are kept by PostgreSQL's triggers; SQLite walks the enrollments")


def tally_of(session) -> tuple:
    """The session's tally as the database has it now (the triggers write behind the ORM's back)."""
    row = db.session.get(tallies.SessionTally, session.id, populate_existing=True)
    return tuple(getattr(row, f) for f in tallies.FIGURES) if row else (0,) * 5


def test_the_tallies_follow_every_change_to_enrollments_and_certificates(world):  # noqa: F811
    s1, s2 = world["s"][1], world["s"][2]
    e = world["e"]
    assert tallies.drift() == []
    assert tally_of(s1) == (4, 2, 3, 1, 1)  # 人次, 合格, 考核, 就业, 取证 (one withdrawn, one 缺考)
    e[3].result = "passed"  # the ORM's update of one row
    e[2].is_employed = True
    db.session.flush()
    assert tally_of(s1) == (4, 3, 4, 2, 1)
    e[5].status, e[5].session_id = "withdrawn", s2.id  # withdrawn and moved at once
    db.session.flush()
    assert tally_of(s1) == (3, 2, 3, 1, 1)
    held = certificate(e[2])
    held.status, held.status_reason = "revoked", "replaced"  # still counts
    db.session.flush()
    assert tally_of(s1)[4] == 2
    held.status_reason = "fraud"
    db.session.flush()
    assert tally_of(s1)[4] == 1
    db.session.delete(held)
    db.session.flush()
    # Core statements over many rows at once: an UPDATE, a DELETE and an INSERT of new people.
    db.session.execute(update(Enrollment).where(Enrollment.session_id == s2.id).values(result="failed"))
    db.session.execute(delete(Certificate).where(Certificate.enrollment_id == e[7].id))
    db.session.execute(delete(Enrollment).where(Enrollment.id == e[7].id).execution_options(synchronize_session=False))
    people = [person(n) for n in (10, 11, 12)]
    db.session.execute(insert(Enrollment), [
        {"session_id": s2.id, "trainee_id": p.id, "status": "enrolled", "result": "passed",
         "enrolled_at": date(YEAR, 10, 20), "created_at": date(YEAR, 10, 20), "updated_at": date(YEAR, 10, 20)}
        for p in people])
    db.session.expire_all()
    assert tally_of(s2) == (4, 3, 4, 0, 0)  # 6 failed, 10-12 passed; 7's certificate went with it
    assert tallies.drift() == []


def test_a_change_that_leaves_the_counted_columns_alone_writes_no_tally(world):  # noqa: F811
    enrollment = world["e"][1]
    before = tally_of(enrollment.session)
    enrollment.attended_hours = 40
    db.session.flush()
    assert tally_of(enrollment.session) == before and tallies.drift() == []


def test_rebuild_counts_them_again_from_the_records(world):  # noqa: F811
    db.session.execute(tallies.SessionTally.__table__.update().values(trainings=99))
    assert tallies.drift()
    tallies.rebuild()
    assert tallies.drift() == []


def test_the_figures_from_the_tallies_equal_the_walk_over_the_enrollments(world, monkeypatch):  # noqa: F811
    """Common figures, 取证 and the programmes' own 人次 measures, of both kinds, by every grain."""
    from registry.domain.trainees.models import TraineeTag

    tagged = world["t"][6]
    db.session.add(TraineeTag(trainee_id=tagged.id, tag="assisted_region"))
    factories.enrollment(factories.session(world["a"], "safety", "welding_cutting", start_date=date(YEAR, 5, 1),
                                           end_date=date(YEAR, 5, 9), code="S7"), tagged, "passed")
    db.session.flush()
    extras = figures.counted_extras()
    assert any(code == "yuecai" for code, _ in extras) and any(code == "safety" for code, _ in extras)

    def read(by_base):
        grains = additive.additive_figures(Scope(YEAR), None, extras, by_base=by_base)
        return sorted(((g.grain, g.district_id, g.figures, sorted(g.extras.items())) for g in grains), key=repr)

    for by_base in (False, True):
        tallied = read(by_base)
        monkeypatch.setattr(tallies, "kept", lambda: False)
        walked = read(by_base)
        monkeypatch.undo()
        assert tallied == walked and tallied
