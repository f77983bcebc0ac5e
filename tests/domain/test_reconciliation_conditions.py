"""Programmes' counting conditions (reconciliation/conditions.py) against their definition, on SQLite
and PostgreSQL."""
from datetime import date

from sqlalchemy import select

from registry.domain.reconciliation import drilldown, figures, targets
from registry.domain.reconciliation.counting import Scope
from registry.domain.training.models import Enrollment, TrainingSession
from registry.extensions import db
from tests import factories

YEAR = 2025
ON = date(2026, 3, 1)


def _is_new(enrollment: Enrollment) -> bool:
    """新增残疾人培训人数's definition, in Python: no participation in the programme (not withdrawn)
    that ended before this one's session began."""
    began = enrollment.session.start_date
    earlier = db.session.scalars(
        select(Enrollment).join(TrainingSession, Enrollment.session_id == TrainingSession.id).where(
            Enrollment.trainee_id == enrollment.trainee_id, Enrollment.status != "withdrawn",
            TrainingSession.programme_code == "disability", TrainingSession.end_date < began)
    ).all()
    return not earlier


def test_new_trainees_of_a_programme_are_those_with_no_earlier_participation():
    """新增残疾人培训人数: people looked up only when they have more than one enrollment in the programme
    are counted exactly as by the definition, city-wide and in the drill-down."""
    base = factories.base("残联基地", "440106", programmes=("disability", "yuecai"))

    def disability(start: date, end: date, **fields):
        return factories.session(base, "disability", "massage", 5, start_date=start, end_date=end, **fields)

    this_year = disability(date(YEAR, 5, 1), date(YEAR, 5, 20))
    people = {n: factories.trainee("学员" + "甲乙丙丁戊己庚辛"[n - 1], document_number=factories.id_number(date(1985, 1, n)))
              for n in range(1, 9)}
    for person in people.values():
        factories.enrollment(this_year, person, "passed")
    # 2: trained in the programme last year, so not new.
    factories.enrollment(disability(date(YEAR - 1, 3, 1), date(YEAR - 1, 3, 20)), people[2], "passed")
    # 3: withdrew from last year's session: new.
    factories.enrollment(disability(date(YEAR - 1, 4, 1), date(YEAR - 1, 4, 20)), people[3], status="withdrawn")
    # 4: an earlier session that ended the day this one began (not before it): new.
    factories.enrollment(disability(date(YEAR, 4, 10), date(YEAR, 5, 1)), people[4], "passed")
    # 5: trained last year in another programme: new.
    factories.enrollment(factories.session(base, "yuecai", start_date=date(YEAR - 1, 2, 1),
                                           end_date=date(YEAR - 1, 2, 20)), people[5], "passed")
    # 6: new in this session, not in a later one of the same year (counted once).
    factories.enrollment(disability(date(YEAR, 9, 1), date(YEAR, 9, 20)), people[6], "passed")
    # 7: a session still running overlaps this one's start (it ends later): new.
    factories.enrollment(disability(date(YEAR, 4, 20), date(YEAR, 6, 1), status="in_progress"), people[7])
    # 8: a session of next year: new.
    factories.enrollment(disability(date(YEAR + 1, 1, 5), date(YEAR + 1, 1, 25), status="planned"), people[8])

    counted = db.session.scalars(
        select(Enrollment).join(TrainingSession, Enrollment.session_id == TrainingSession.id).where(
            TrainingSession.programme_code == "disability", TrainingSession.status.in_(("completed", "closed")),
            TrainingSession.end_date >= date(YEAR, 1, 1), TrainingSession.end_date <= date(YEAR, 12, 31),
            Enrollment.status != "withdrawn")
    ).all()
    expected = {e.trainee_id for e in counted if _is_new(e)}
    assert expected == {people[n].id for n in (1, 3, 4, 5, 6, 7, 8)}

    targets.set_target(targets.TargetData(YEAR, "disability", "new_trainees", 10), None, ON)
    actual = {p.target.measure_code: p.actual for p in figures.reconcile(Scope(YEAR), "programme", ON, None).targets}
    listed = drilldown.drilldown(Scope(YEAR, "disability"), "new_trainees", None)
    assert actual["new_trainees"] == listed.count == len(expected)
    assert {trainee.id for trainee, _ in listed.people} == expected
