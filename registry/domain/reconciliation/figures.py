"""Actual against target, computed by SQL aggregation (counting.py says what counts).

Two kinds of query, both GROUP BY in the database:

* the additive measures grouped by session (one integer key): 人次, 合格, 考核, 就业 and the
  programmes' own 人次 measures, 取证 from the certificates of the same sessions. Each session's
  programme, track, occupation, base, district and month come from one small query over the
  sessions, so every grouping of the page and every additive target is a sum of these rows;
* COUNT(DISTINCT trainee) at each grain where people are counted (人数 is not additive: one
  person in two programmes is one person in the city).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from sqlalchemy import ColumnElement, case, distinct, func, select, text

from ...extensions import db
from ..catalogue import catalogue
from ..certificates.models import Certificate
from ..organisations.models import TrainingBase
from ..training.models import Enrollment, TrainingSession
from . import counting
from .counting import Scope
from .grouping import group_rows
from .models import Target
from .results import (  # noqa: F401  (GROUPINGS, Reconciliation and Row are read from here too)
    ADDITIVE, GROUPINGS, Figures, Grain, GrainFigures, Reconciliation, Row, TargetProgress, trainings_target,
    year_elapsed,
)

def reconcile(scope: Scope, group_by: str, on: date, jurisdiction: ColumnElement[bool] | None = None) -> Reconciliation:
    """Everything the reconciliation page shows, for ``scope`` within the viewer's ``jurisdiction``."""
    if group_by not in GROUPINGS:
        group_by = "programme"
    tune_for_aggregates()
    grains = additive_figures(scope, jurisdiction)
    sums = slice_sums(grains)
    people = People(scope, jurisdiction)
    targets = targets_in(scope)
    elapsed = year_elapsed(scope.year, on)
    progress = [TargetProgress(t, target_actual(t, sums, people), elapsed) for t in targets]
    rows = group_rows(grains, scope, group_by, people, targets)
    total_figures = Figures()
    for grain in grains:
        total_figures.add(grain.figures)
    total_figures.persons = people.per(()).get((), 0)
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


def additive_figures(scope: Scope, jurisdiction: ColumnElement[bool] | None) -> list[GrainFigures]:
    """The additive measures per session (GROUP BY one integer key), then placed by each session's
    programme, track, occupation, base, district and month, read in one small query."""
    extras = [
        (programme_code, measure)
        for programme_code, measure in counting.counted_extra_measures()
        if measure.unit != "人" and scope.programme_code in (None, programme_code)
    ]
    counts = counting.participations(
        Enrollment.session_id,
        func.count(Enrollment.id),
        func.count(case((counting.PASSED, 1))),
        func.count(case((counting.ASSESSED, 1))),
        func.count(case((counting.EMPLOYED, 1))),
        *[func.count(case((counting.measure_condition(code, m.code), 1))) for code, m in extras],
        scope=scope, jurisdiction=jurisdiction,
    ).group_by(Enrollment.session_id)
    by_session = {row[0]: row[1:] for row in db.session.execute(counts)}
    certified = dict(db.session.execute(
        select(Certificate.session_id, func.count(Certificate.id))
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .join(TrainingSession, TrainingSession.id == Certificate.session_id)
        .where(counting.CERTIFICATE_COUNTS, Enrollment.status != "withdrawn",
               *counting.session_conditions(scope, jurisdiction))
        .group_by(Certificate.session_id)
    ).all())
    sessions = db.session.execute(
        select(TrainingSession.id, TrainingSession.programme_code, TrainingSession.track_code,
               TrainingSession.occupation_code, TrainingSession.base_id, TrainingSession.end_date,
               TrainingBase.district_id)
        .join(TrainingBase, TrainingSession.base_id == TrainingBase.id)
        .where(*counting.session_conditions(scope, jurisdiction))
    ).all()
    result = []
    for session_id, programme_code, track_code, occupation_code, base_id, end_date, district_id in sessions:
        row = by_session.get(session_id)
        if row is None:
            continue
        trainings, passed, assessed, employed = row[:4]
        figures = Figures(trainings, 0, passed, assessed, certified.get(session_id, 0), employed)
        extra_counts = {(code, m.code): value for (code, m), value in zip(extras, row[4:])}
        grain = Grain(programme_code, track_code, occupation_code, base_id, end_date.month)
        result.append(GrainFigures(grain, district_id, figures, extra_counts))
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


class People:
    """COUNT(DISTINCT trainee) at the grains the page asks for, each query run once."""

    def __init__(self, scope: Scope, jurisdiction: ColumnElement[bool] | None) -> None:
        self.scope, self.jurisdiction = scope, jurisdiction
        self._counts: dict[tuple, dict[tuple, int]] = {}

    def per(self, grain: tuple) -> dict[tuple, int]:
        key = tuple(str(column) for column in grain)
        if key not in self._counts:
            self._counts[key] = distinct_people(self.scope, self.jurisdiction, grain)
        return self._counts[key]


def base_districts(base_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(base_ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(TrainingBase.id, TrainingBase.district_id).where(TrainingBase.id.in_(ids))).all())


def distinct_people(scope: Scope, jurisdiction: ColumnElement[bool] | None, grain: tuple,
                    condition: ColumnElement[bool] | None = None) -> dict[tuple, int]:
    """COUNT(DISTINCT trainee) per ``grain`` (columns of the session, or District id via the base)."""
    statement = counting.participations(*grain, func.count(distinct(Enrollment.trainee_id)), scope=scope,
                                        jurisdiction=jurisdiction)
    if any(column is TrainingBase.district_id for column in grain):
        statement = statement.join(TrainingBase, TrainingSession.base_id == TrainingBase.id)
    if condition is not None:
        statement = statement.where(condition)
    if grain:
        statement = statement.group_by(*grain)
    return {tuple(_plain(v) for v in row[:-1]): row[-1] for row in db.session.execute(statement)}


def _plain(value):
    """Month numbers come back as Decimal or float from extract() on some engines."""
    return int(value) if isinstance(value, float) or type(value).__name__ == "Decimal" else value


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


def target_actual(target: Target, sums: dict[SliceKey, GrainFigures], people: People) -> int | None:
    return measure_actual(target, sums, people)


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
        return _people_in_target(target, people)
    if counting.is_distinct(code, measure):
        target_scope = Scope(target.year, code, target.track_code, target.occupation_code, target.district_id)
        condition = counting.measure_condition(code, measure)
        return distinct_people(target_scope, people.jurisdiction, (), condition).get((), 0)
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
    sums = slice_sums(additive_figures(scope, jurisdiction))
    people = People(scope, jurisdiction)
    elapsed = year_elapsed(year, on)
    targets = {t.measure_code: t for t in targets_in(scope) if t.track_code is None and t.occupation_code is None}
    rows = []
    for code, name in programme.measures.items():
        if not with_tallies and counting.tallied(programme_code, code) is not None:
            continue
        probe = targets.get(code) or Target(year=year, programme_code=programme_code, measure_code=code,
                                            district_id=district_id, value=0)
        actual = measure_actual(probe, sums, people)
        progress = TargetProgress(targets[code], actual, elapsed) if code in targets else None
        rows.append(MeasureYear(code, name, counting.measure_unit(programme_code, code), actual, progress))
    return rows


def _people_in_target(target: Target, people: People) -> int:
    """人数 of a target: the targets of a scope share its district, so programme (and track or
    occupation) is the grain."""
    if target.track_code:
        counts = people.per((TrainingSession.programme_code, TrainingSession.track_code))
        return counts.get((target.programme_code, target.track_code), 0)
    if target.occupation_code:
        counts = people.per((TrainingSession.programme_code, TrainingSession.occupation_code))
        return counts.get((target.programme_code, target.occupation_code), 0)
    return people.per((TrainingSession.programme_code,)).get((target.programme_code,), 0)


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
