"""Actual against target, computed by SQL aggregation (counting.py says what counts).

Two queries, both GROUP BY in the database:

* the additive measures grouped by session: 人次, 合格, 考核, 取证, 就业 and the programmes' own
  人次 measures, with the session's programme, track, occupation, base, district and month, so
  every grouping of the page and every additive target is a sum of these rows;
* 人数 (not additive: one person in two programmes is one person in the city), at every grain the
  page needs at once, grouped by trainee (people.py).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from sqlalchemy import ColumnElement, and_, case, func, select, text

from ...extensions import db
from ..catalogue import catalogue
from ..certificates.models import Certificate, counted_by_enrollment
from ..organisations.models import TrainingBase
from ..training.models import Enrollment, TrainingSession
from . import counting
from .counting import Scope
from .grouping import group_rows
from .models import Target
from .people import People
from .results import (  # noqa: F401  (GROUPINGS, Reconciliation and Row are read from here too)
    ADDITIVE, GROUPINGS, Figures, Grain, GrainFigures, Reconciliation, Row, TargetProgress, trainings_target,
    year_elapsed,
)

def reconcile(scope: Scope, group_by: str, on: date, jurisdiction: ColumnElement[bool] | None = None) -> Reconciliation:
    """Everything the reconciliation page shows, for ``scope`` within the viewer's ``jurisdiction``."""
    if group_by not in GROUPINGS:
        group_by = "programme"
    tune_for_aggregates()
    targets = targets_in(scope)
    counted = set(counted_extras())
    grains = additive_figures(scope, jurisdiction,
                              [key for t in targets if (key := (t.programme_code, t.measure_code)) in counted])
    sums = slice_sums(grains)
    people = People(scope, jurisdiction, grains)
    people.ask(group_by)
    for target in targets:
        ask_people(people, target)
    elapsed = year_elapsed(scope.year, on)
    progress = [TargetProgress(t, measure_actual(t, sums, people), elapsed) for t in targets]
    rows = group_rows(grains, scope, group_by, people, targets)
    total_figures = Figures()
    for grain in grains:
        total_figures.add(grain.figures)
    total_figures.persons = people.total
    # A total target only where every row has one: otherwise the total would compare unlike things.
    total_target = sum(r.target for r in rows) if rows and all(r.target is not None for r in rows) else None
    total = Row((), "合计", scope, total_figures, total_target)
    monthly, monthly_targets = monthly_lines(grains, scope, on, targets)
    return Reconciliation(scope, group_by, on, elapsed, progress, rows, total, monthly, monthly_targets)


def tune_for_aggregates() -> None:
    """PostgreSQL: these few large aggregates gain nothing from JIT compilation (it cost more than a
    third of the time on a million enrollments), and their hash joins should not spill to disk."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))


def additive_figures(scope: Scope, jurisdiction: ColumnElement[bool] | None,
                     extras: Iterable[tuple[str, str]] = ()) -> list[GrainFigures]:
    """The additive measures per session, with where the session belongs (programme, track,
    occupation, base, district, month): one GROUP BY over the sessions of the year and their
    enrollments; 取证 by session from the certificates. ``extras``, (programme code, measure code) of programmes' own 人次 measures, are counted by
    programme, over that programme's sessions only."""
    statement = (
        select(
            TrainingSession.id, TrainingSession.programme_code, TrainingSession.track_code,
            TrainingSession.occupation_code, TrainingSession.base_id, TrainingSession.end_date,
            func.max(TrainingBase.district_id),  # one value per session
            func.count(Enrollment.id),
            func.count(case((counting.PASSED, 1))),
            func.count(case((counting.ASSESSED, 1))),
            func.count(case((counting.EMPLOYED, 1))),
        )
        .select_from(TrainingSession)
        .join(TrainingBase, TrainingSession.base_id == TrainingBase.id)
        .join(Enrollment, Enrollment.session_id == TrainingSession.id)
        .where(counting.NOT_WITHDRAWN, *counting.session_conditions(scope, jurisdiction))
        # By the session's key alone (its columns depend on it): SQLite then reads the sessions in key
        # order and needs no sort.
        .group_by(TrainingSession.id)
    )
    by_session: dict[int, GrainFigures] = {}
    for row in db.session.execute(statement):
        session_id, programme_code, track_code, occupation_code, base_id, end_date, district_id = row[:7]
        trainings, passed, assessed, employed = row[7:]
        grain = Grain(programme_code, track_code, occupation_code, base_id, end_date.month)
        figures = Figures(trainings, 0, passed, assessed, 0, employed)
        by_session[session_id] = GrainFigures(grain, district_id, figures, {})
    for session_id, certified in _certified(scope, jurisdiction):
        by_session[session_id].figures.certified = certified
    for programme_code, counts in _extra_counts(scope, jurisdiction, extras).items():
        for session_id, values in counts.items():
            by_session[session_id].extras.update(values)
    return list(by_session.values())


def _certified(scope: Scope, jurisdiction: ColumnElement[bool] | None) -> list[tuple[int, int]]:
    """取证 per session: its certificates that count (one per enrollment at most; a withdrawn enrollment
    never holds one, certificates.operations.holds_counted_certificate), read from a partial index."""
    return db.session.execute(
        select(Certificate.session_id, func.count())
        .join(TrainingSession, TrainingSession.id == Certificate.session_id)
        .where(counted_by_enrollment(Certificate.__tablename__), *counting.session_conditions(scope, jurisdiction))
        .group_by(Certificate.session_id)
    ).all()


def counted_extras(programme_code: str | None = None) -> list[tuple[str, str]]:
    """(programme, measure) of every programme's own 人次 measure counted from enrollments."""
    return [(code, m.code) for code, m in counting.counted_extra_measures()
            if m.unit != "人" and programme_code in (None, code)]


def _extra_counts(scope: Scope, jurisdiction: ColumnElement[bool] | None,
                  extras: Iterable[tuple[str, str]]) -> dict[str, dict[int, dict[tuple[str, str], int]]]:
    """programme → session id → {(programme, measure): 人次}, one query per programme (its conditions
    may look at other tables, so they run over that programme's 人次 only)."""
    by_programme: dict[str, list[str]] = defaultdict(list)
    for programme_code, measure_code in sorted(set(extras)):
        if scope.programme_code in (None, programme_code):
            by_programme[programme_code].append(measure_code)
    result = {}
    for programme_code, measures in by_programme.items():
        statement = counting.participations(
            Enrollment.session_id,
            *[func.count(case((counting.measure_condition(programme_code, code), 1))) for code in measures],
            scope=scope.narrowed(programme_code=programme_code), jurisdiction=jurisdiction,
        ).group_by(Enrollment.session_id)
        result[programme_code] = {
            row[0]: {(programme_code, code): value for code, value in zip(measures, row[1:])}
            for row in db.session.execute(statement)
        }
    return result


SliceKey = tuple  # (programme, track, occupation, district)


def slice_sums(grains: list[GrainFigures]) -> dict[SliceKey, GrainFigures]:
    """The grains summed by (programme, track, occupation, district): what targets are set on."""
    sums: dict[SliceKey, GrainFigures] = {}
    for grain in grains:
        g = grain.grain
        key = (g.programme_code, g.track_code, g.occupation_code, grain.district_id)
        total = sums.get(key)
        if total is None:
            total = sums[key] = GrainFigures(g, grain.district_id, Figures(), defaultdict(int))
        total.figures.add(grain.figures)
        for measure, value in grain.extras.items():
            total.extras[measure] += value
    return sums


# --- targets ------------------------------------------------------------------------------

def targets_in(scope: Scope) -> list[Target]:
    """The targets of the year within the scope's programme and district (None = the city's own)."""
    in_district = Target.district_id.is_(None) if scope.district_id is None else Target.district_id == scope.district_id
    statement = select(Target).where(Target.year == scope.year, in_district)
    if scope.programme_code:
        statement = statement.where(Target.programme_code == scope.programme_code)
    targets = db.session.scalars(statement).all()
    order = {p.code: i for i, p in enumerate(catalogue.all())}
    return sorted(targets, key=lambda t: (order.get(t.programme_code, 99), t.track_code or "",
                                          t.occupation_code or "", t.measure_code))


def ask_people(people: People, target: Target) -> None:
    """Ask ``people`` beforehand for what ``measure_actual`` will read for ``target``."""
    code, measure = target.programme_code, target.measure_code
    if not counting.is_counted(code, measure) or counting.tallied(code, measure) is not None:
        return
    if measure == "persons":
        people.ask(_people_dimension(target))


def measure_actual(target: Target, sums: dict[SliceKey, GrainFigures], people: People) -> int | None:
    """What happened for a target's year, programme, track or occupation, district and measure
    (``target`` may be an unsaved one, to read a measure nobody set a target for)."""
    code, measure = target.programme_code, target.measure_code
    if not counting.is_counted(code, measure):
        return None
    tallied = counting.tallied(code, measure)
    if tallied is not None:
        return tallied.tally(target.year, target.district_id)
    if measure == "persons":
        return people.per(_people_dimension(target)).get(_people_key(target), 0)
    if counting.is_distinct(code, measure):
        return people.meeting(code, _distinct_condition(target))
    total = 0
    for grain in sums.values():
        if _in_target(grain, target):
            total += getattr(grain.figures, measure) if measure in ADDITIVE else grain.extras.get((code, measure), 0)
    return total


@dataclass
class MeasureYear:
    """One of a programme's measures in a year: what happened, and its target where one is set."""

    code: str
    name: str
    unit: str
    actual: int | None
    target: TargetProgress | None


def programme_year(programme_code: str, year: int, district_id: int | None, on: date,
                   jurisdiction: ColumnElement[bool] | None, with_tallies: bool = True) -> list[MeasureYear]:
    """Every measure of one programme in a year (the whole programme, no track or occupation), with
    the target of the city (or the district) beside it: the programme's landing page."""
    programme = catalogue[programme_code]
    scope = Scope(year, programme_code, None, None, district_id)
    tune_for_aggregates()
    grains = additive_figures(scope, jurisdiction, counted_extras(programme_code))
    sums = slice_sums(grains)
    people = People(scope, jurisdiction, grains)
    elapsed = year_elapsed(year, on)
    targets = {t.measure_code: t for t in targets_in(scope) if t.track_code is None and t.occupation_code is None}
    probes = {
        code: targets.get(code) or Target(year=year, programme_code=programme_code, measure_code=code,
                                          district_id=district_id, value=0)
        for code in programme.measures
        if with_tallies or counting.tallied(programme_code, code) is None
    }
    for probe in probes.values():
        ask_people(people, probe)
    rows = []
    for code, probe in probes.items():
        name = programme.measures[code]
        actual = measure_actual(probe, sums, people)
        progress = TargetProgress(targets[code], actual, elapsed) if code in targets else None
        rows.append(MeasureYear(code, name, counting.measure_unit(programme_code, code), actual, progress))
    return rows


# The targets read here share the scope's district, so programme (and track or occupation) is the grain.

def _people_dimension(target: Target) -> str:
    return "track" if target.track_code else "occupation" if target.occupation_code else "programme"


def _people_key(target: Target) -> tuple:
    if target.track_code:
        return (target.programme_code, target.track_code)
    if target.occupation_code:
        return (target.programme_code, target.occupation_code)
    return (target.programme_code,)


def _distinct_condition(target: Target) -> ColumnElement[bool]:
    """A programme's measure counted in 人, within the target's track or occupation."""
    condition = counting.measure_condition(target.programme_code, target.measure_code)
    if target.track_code:
        condition = and_(condition, TrainingSession.track_code == target.track_code)
    if target.occupation_code:
        condition = and_(condition, TrainingSession.occupation_code == target.occupation_code)
    return condition


def _in_target(grain: GrainFigures, target: Target) -> bool:
    g = grain.grain
    return (
        g.programme_code == target.programme_code
        and (target.track_code is None or g.track_code == target.track_code)
        and (target.occupation_code is None or g.occupation_code == target.occupation_code)
        and (target.district_id is None or grain.district_id == target.district_id)
    )


# --- the monthly lines --------------------------------------------------------------------

def monthly_lines(grains: list[GrainFigures], scope: Scope, on: date,
                  targets: list[Target]) -> tuple[dict[str, list[int | None]], dict[str, int]]:
    """Cumulative 人次 by month per programme, with its 人次 target where one is set."""
    by_month: dict[str, list[int]] = defaultdict(lambda: [0] * 12)
    for grain in grains:
        by_month[grain.grain.programme_code][grain.grain.month - 1] += grain.figures.trainings
    last_month = 12 if scope.year < on.year else (on.month if scope.year == on.year else 0)
    lines: dict[str, list[int | None]] = {}
    targets_by_programme: dict[str, int] = {}
    for programme in catalogue.all():
        target = trainings_target(targets, programme.code, district_id=scope.district_id)
        if programme.code not in by_month and target is None:
            continue
        if scope.programme_code not in (None, programme.code):
            continue
        running, line = 0, []
        for month, count in enumerate(by_month[programme.code], start=1):
            running += count
            line.append(running if month <= last_month else None)
        lines[programme.code] = line
        if target is not None:
            targets_by_programme[programme.code] = target
    return lines, targets_by_programme
