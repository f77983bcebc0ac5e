"""Actual against target, computed by SQL aggregation (counting.py says what counts).

All GROUP BY in the database (docs/reconciliation.md, Scale):

* the additive measures by grain: 人次, 合格, 考核, 取证, 就业 and the programmes' own 人次 measures,
  by programme, track, occupation and month (and district or base where the page groups by them), so
  every grouping of the page and every additive target is a sum of these rows (additive.py);
* 人数 (not additive: one person in two programmes is one person in the city), at every grain the
  page needs at once, and the programmes' own 人 measures (people.py).

Both are read at once, on two connections (read_at_once); this module puts the page together.
"""
from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from sqlalchemy import ColumnElement, and_, func, select

from ...extensions import db
from ..beside import beside
from ..catalogue import catalogue
from ..training.models import TrainingSession
from . import counting
from .additive import additive_figures
from .counting import Scope
from .grouping import group_rows
from .models import Target
from .people import People, count_measures
from .results import (  # noqa: F401  (GROUPINGS, Reconciliation and Row are read from here too)
    ADDITIVE, GROUPINGS, Figures, GrainFigures, Reconciliation, Row, TargetProgress, trainings_target,
    year_elapsed,
)


def reconcile(scope: Scope, group_by: str, on: date, jurisdiction: ColumnElement[bool] | None = None) -> Reconciliation:
    """Everything the reconciliation page shows, for ``scope`` within the viewer's ``jurisdiction``."""
    if group_by not in GROUPINGS:
        group_by = "programme"
    with tuned_for_aggregates():
        return _reconcile(scope, group_by, on, jurisdiction)


def _reconcile(scope: Scope, group_by: str, on: date, jurisdiction: ColumnElement[bool] | None) -> Reconciliation:
    targets = targets_in(scope)
    counted = set(counted_extras())
    extras = [key for t in targets if (key := (t.programme_code, t.measure_code)) in counted]
    by_base, by_district = group_by == "base", group_by == "district"
    people = People(scope, jurisdiction)
    people.ask(group_by)
    for target in targets:
        ask_people(people, target)
    grains, tallied = read_at_once(scope, jurisdiction, extras, people, tally_keys(targets), by_base, by_district)
    sums = slice_sums(grains)
    elapsed = year_elapsed(scope.year, on)
    progress = [TargetProgress(t, measure_actual(t, sums, people, tallied), elapsed) for t in targets]
    rows = group_rows(grains, scope, group_by, people, targets)
    total_figures = Figures()
    for row in rows:  # every grain is in exactly one row
        total_figures.add(row.figures)
    total_figures.persons = people.total
    # A total target only where every row has one: otherwise the total would compare unlike things.
    total_target = sum(r.target for r in rows) if rows and all(r.target is not None for r in rows) else None
    total = Row((), "合计", scope, total_figures, total_target)
    monthly, monthly_targets = monthly_lines(grains, scope, on, targets)
    return Reconciliation(scope, group_by, on, elapsed, progress, rows, total, monthly, monthly_targets)


def read_at_once(scope: Scope, jurisdiction: ColumnElement[bool] | None, extras: list[tuple[str, str]],
                 people: People, tallied: list[TallyKey], by_base: bool = False, by_district: bool = False
                 ) -> tuple[list[GrainFigures], dict[TallyKey, int]]:
    """The additive figures (with ``extras``), what ``people`` was asked, counted, and the ``tallied``
    measures: the two walks over the year's 人次 do not wait for each other, so the additive figures
    (and the 人 measures that look at each enrollment, then the measures that count records of their
    own) are read on a second connection while the 人数 are counted here (beside.py)."""
    with beside(_additive_and_measures, scope, jurisdiction, extras, by_base, by_district,
                people.per_enrollment_measures(), tallied) as additive:
        people.count()
        grains, met, tallies_read = additive()
    people.counted(met)
    return grains, tallies_read


def _additive_and_measures(scope: Scope, jurisdiction: ColumnElement[bool] | None, extras: list[tuple[str, str]],
                           by_base: bool, by_district: bool, measures: list[tuple[str, str]],
                           tallied: list[TallyKey]
                           ) -> tuple[list[GrainFigures], dict[tuple[str, str], int], dict[TallyKey, int]]:
    """additive_figures, count_measures (on the connection they are run on, with its own settings),
    then read_tallies (with the connection's settings as they were: small queries of other tables)."""
    with tuned_for_aggregates():
        grains = additive_figures(scope, jurisdiction, extras, by_base=by_base, by_district=by_district)
        met = count_measures(scope, jurisdiction, measures)
    return grains, met, read_tallies(tallied)


#: A measure that counts records of its own (Measure.tally): (programme, measure, year, district).
TallyKey = tuple[str, str, int, int | None]


def tally_keys(targets: Iterable[Target]) -> list[TallyKey]:
    """The tallied measures ``targets`` are set on."""
    keys = {_tally_key(t) for t in targets if counting.tallied(t.programme_code, t.measure_code) is not None}
    return sorted(keys, key=repr)


def read_tallies(keys: list[TallyKey]) -> dict[TallyKey, int]:
    return {key: counting.tallied(key[0], key[1]).tally(key[2], key[3]) for key in keys}


def _tally_key(target: Target) -> TallyKey:
    return (target.programme_code, target.measure_code, target.year, target.district_id)


#: PostgreSQL settings while the figures are read. JIT compilation gains nothing on these few large
#: aggregates (it cost more than a third of the time on a million enrollments); their hashes should
#: not spill to disk; and the year's sessions are best joined to their enrollments by the covering
#: index (nested loops, as the bare GROUP BY does): with hash or merge joins the planner reads the
#: whole enrollments table, every year of it (0.1 s more per statement on a million enrollments).
AGGREGATE_SETTINGS = {"jit": "off", "work_mem": "64MB", "enable_hashjoin": "off", "enable_mergejoin": "off"}


@contextmanager
def tuned_for_aggregates():
    """AGGREGATE_SETTINGS for the statements inside, then the transaction's own settings again (the
    rest of a request may want its hash joins). Not restored after an error: the rollback does."""
    if db.session.get_bind().dialect.name != "postgresql":
        yield
        return
    names = list(AGGREGATE_SETTINGS)
    before = db.session.execute(select(*[func.current_setting(n) for n in names])).one()
    _set_locally(AGGREGATE_SETTINGS)
    yield
    _set_locally(dict(zip(names, before)))


def _set_locally(settings: dict[str, str]) -> None:
    db.session.execute(select(*[func.set_config(name, value, True) for name, value in settings.items()]))


def counted_extras(programme_code: str | None = None) -> list[tuple[str, str]]:
    """(programme, measure) of every programme's own 人次 measure counted from enrollments."""
    return [(code, m.code) for code, m in counting.counted_extra_measures()
            if m.unit != "人" and programme_code in (None, code)]


SliceKey = tuple  # (programme, track, occupation, district)


def slice_sums(grains: list[GrainFigures]) -> dict[str, dict[SliceKey, GrainFigures]]:
    """The grains summed by (programme, track, occupation, district), what targets are set on, by programme."""
    sums: dict[str, dict[SliceKey, GrainFigures]] = defaultdict(dict)
    for grain in grains:
        g = grain.grain
        key = (g.programme_code, g.track_code, g.occupation_code, grain.district_id)
        programme_sums = sums[g.programme_code]
        total = programme_sums.get(key)
        if total is None:
            total = programme_sums[key] = GrainFigures(g, grain.district_id, Figures(), defaultdict(int))
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
    elif counting.is_distinct(code, measure) and not (target.track_code or target.occupation_code):
        people.ask_measure(code, measure)


def measure_actual(target: Target, sums: dict[str, dict[SliceKey, GrainFigures]], people: People,
                   tallied: dict[TallyKey, int]) -> int | None:
    """What happened for a target's year, programme, track or occupation, district and measure
    (``target`` may be an unsaved one, to read a measure nobody set a target for); a measure that
    counts records of its own is read from ``tallied`` (read_tallies)."""
    code, measure = target.programme_code, target.measure_code
    if not counting.is_counted(code, measure):
        return None
    if counting.tallied(code, measure) is not None:
        return tallied[_tally_key(target)]
    if measure == "persons":
        return people.per(_people_dimension(target)).get(_people_key(target), 0)
    if counting.is_distinct(code, measure):
        if target.track_code or target.occupation_code:
            return people.meeting(code, _distinct_condition(target))
        return people.measure(code, measure)
    _, track_code, occupation_code, district_id = _slice_of(target)
    total = 0
    for (_, track, occupation, district), grain in sums.get(code, {}).items():
        if (track_code in (None, track) and occupation_code in (None, occupation)
                and district_id in (None, district)):
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
    with tuned_for_aggregates():
        return _programme_year(programme, scope, on, jurisdiction, with_tallies)


def _programme_year(programme, scope: Scope, on: date, jurisdiction: ColumnElement[bool] | None,
                    with_tallies: bool) -> list[MeasureYear]:
    programme_code, year, district_id = programme.code, scope.year, scope.district_id
    people = People(scope, jurisdiction)
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
    grains, tallied = read_at_once(scope, jurisdiction, counted_extras(programme_code), people,
                                   tally_keys(probes.values()))
    sums = slice_sums(grains)
    rows = []
    for code, probe in probes.items():
        name = programme.measures[code]
        actual = measure_actual(probe, sums, people, tallied)
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


def _slice_of(target: Target) -> SliceKey:
    """The slice key a target covers, None where it covers every value (read once: ORM attributes)."""
    return (target.programme_code, target.track_code, target.occupation_code, target.district_id)


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
