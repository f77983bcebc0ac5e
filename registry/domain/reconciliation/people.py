"""人数: distinct people, counted at every grain the page needs in one pass over the year's 人次.

People are not additive (one person in two programmes is one person in the city), so each grain
would need its own COUNT(DISTINCT trainee) over the same rows. Instead the 人次 are grouped by
trainee once, and for each *dimension* (programme, track, district …) every person gets the set of
its keys they took part in, as a bit mask (bit_or on PostgreSQL; on SQLite the sum of the distinct
bits, which is the same since a 人次 has one key per dimension). The outer query returns how many
people share each combination of masks (a few hundred rows), and the counts per key follow from it.
A dimension with more keys than a mask holds is counted on its own.

A programme's own measures counted in 人 whose condition is on the session alone (its occupation …)
ride on the programme's mask: a programme with k of them gets 2^k keys, (programme, the measures its
session met), so a 人次 still has one key, decided once per session. Measures whose condition looks
at each enrollment (other tables) are counted together in one more query, a COUNT(DISTINCT) FILTER
per measure over the 人次 of their programmes only.

On PostgreSQL, which has GROUPING SETS, the masks give way to one COUNT(DISTINCT) per key of every
dimension asked and for the whole scope, in one statement (People._count_by_grouping_sets).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import BigInteger, ColumnElement, and_, case, distinct, func, literal, select, tuple_

from ...extensions import db
from ..organisations.models import TrainingBase
from ..training.models import Enrollment, TrainingSession
from . import counting
from .counting import Scope
from .results import Grain

MASK_BITS = 62


@dataclass(frozen=True)
class Dimension:
    """A grain of 人数: the key of a session's figures, and the SQL condition of one key."""

    key_of: Callable[[Grain, int], tuple]
    condition: Callable[[tuple, Scope], ColumnElement[bool]]
    needs_base: bool = False


def _equal(column, value) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _month(key: tuple, scope: Scope) -> ColumnElement[bool]:
    first, last = counting.period(scope.year, key[0])
    return and_(TrainingSession.end_date >= first, TrainingSession.end_date <= last)


DIMENSIONS: dict[str, Dimension] = {
    "programme": Dimension(lambda g, d: (g.programme_code,),
                           lambda k, s: TrainingSession.programme_code == k[0]),
    "track": Dimension(lambda g, d: (g.programme_code, g.track_code),
                       lambda k, s: and_(TrainingSession.programme_code == k[0], _equal(TrainingSession.track_code, k[1]))),
    "occupation": Dimension(lambda g, d: (g.programme_code, g.occupation_code),
                            lambda k, s: and_(TrainingSession.programme_code == k[0],
                                              TrainingSession.occupation_code == k[1])),
    "district": Dimension(lambda g, d: (d,), lambda k, s: TrainingBase.district_id == k[0], needs_base=True),
    "base": Dimension(lambda g, d: (g.base_id,), lambda k, s: TrainingSession.base_id == k[0]),
    "month": Dimension(lambda g, d: (g.month,), _month),
}


#: The columns a dimension's key is made of.
KEY_COLUMNS: dict[str, tuple[ColumnElement, ...]] = {
    "programme": (TrainingSession.programme_code,),
    "track": (TrainingSession.programme_code, TrainingSession.track_code),
    "occupation": (TrainingSession.programme_code, TrainingSession.occupation_code),
    "district": (TrainingBase.district_id,),
    "base": (TrainingSession.base_id,),
    "month": (counting.MONTH,),
}


class People:
    """Distinct people within ``scope``: ask for every dimension first, then read them; the first
    read runs one query for all of them (a later, unforeseen ask runs its own).

    The keys each dimension's mask has bits for are read from the scope's sessions when counting
    (_read_keys), not from the additive figures' grains, so the masks need not wait for those."""

    def __init__(self, scope: Scope, jurisdiction: ColumnElement[bool] | None) -> None:
        self.scope, self.jurisdiction = scope, jurisdiction
        self._programmes: set[str] | None = None
        self._keys: dict[str, set[tuple] | None] = {}
        self._per: dict[str, dict[tuple, int]] = {}
        self._total: int | None = None
        self._measures: list[tuple[str, str]] = []
        self._met: dict[tuple[str, str], int] = {}

    # --- asking ---------------------------------------------------------------------------

    def ask(self, dimension: str) -> None:
        """Count people per key of ``dimension`` (every key with 人次 in scope)."""
        self._keys.setdefault(dimension, None)  # read with the others when counting

    def ask_measure(self, programme_code: str, measure_code: str) -> None:
        """Count the people with a 人次 of the programme that meets the measure (a measure in 人)."""
        if (programme_code, measure_code) not in self._measures:
            self._measures.append((programme_code, measure_code))

    def count(self) -> None:
        """Run the masks' statement now (for what was asked), rather than at the first read."""
        self._run()

    # --- reading --------------------------------------------------------------------------

    @property
    def total(self) -> int:
        self._run()
        return self._total or 0

    def per(self, dimension: str) -> dict[tuple, int]:
        """People per key of ``dimension`` (keys without people are missing)."""
        if dimension not in self._per:
            if self._total is None:
                self.ask(dimension)
            self._run()
        if dimension not in self._per:
            self._per[dimension] = self._count_apart(dimension)
        return self._per[dimension]

    def measure(self, programme_code: str, measure_code: str) -> int:
        """People with a 人次 of the programme that meets its measure: read from the masks, or (every
        measure left) counted by the first read in one query."""
        key = (programme_code, measure_code)
        self._run()
        if key not in self._met:
            self.ask_measure(*key)
            self._met.update(count_measures(self.scope, self.jurisdiction,
                                            [m for m in self._measures if m not in self._met]))
        return self._met[key]

    def per_enrollment_measures(self) -> list[tuple[str, str]]:
        """The measures asked whose condition looks at each enrollment: count_measures counts them,
        not the masks (so they can be counted beside the masks' statement)."""
        return [m for m in self._measures
                if not counting.on_session_alone(counting.measure_condition(*m))]

    def counted(self, met: dict[tuple[str, str], int]) -> None:
        """Measures counted elsewhere (count_measures): ``measure`` reads them from here."""
        self._met.update(met)

    def meeting(self, programme_code: str, condition: ColumnElement[bool]) -> int:
        """People with a 人次 of the programme that meets ``condition``."""
        statement = counting.participations(
            func.count(distinct(Enrollment.trainee_id)), scope=self.scope.narrowed(programme_code=programme_code),
            jurisdiction=self.jurisdiction,
        ).where(condition)
        return db.session.scalar(statement) or 0

    # --- counting -------------------------------------------------------------------------

    def _run(self) -> None:
        if self._total is not None:
            return
        if db.session.get_bind().dialect.name == "postgresql":
            self._count_by_grouping_sets()
            return
        if self._programmes is None or None in self._keys.values():
            self._read_keys()
        masked = {d: sorted(keys, key=repr) for d, keys in self._keys.items() if 0 < len(keys) <= MASK_BITS}
        programme_keys, on_session = self._programme_keys("programme" in masked, self._on_session_measures())
        masked.pop("programme", None)
        if programme_keys:
            masked = {"programme": programme_keys, **masked}
        per: dict[str, dict[tuple, int]] = {d: defaultdict(int) for d in masked}
        met = {(p, m): 0 for p, measures in on_session.items() for m in measures}
        total = 0
        for row in self._histogram(masked, on_session):
            people = row[-1]
            total += people
            for (dimension, keys), mask in zip(masked.items(), row):
                mask = int(mask or 0)
                found = {keys[bit] for bit in range(len(keys)) if mask >> bit & 1}
                if dimension == "programme":
                    for measure in {(p, m) for p, measures in found for m in measures}:
                        met[measure] += people
                    found = {(p,) for p, _ in found}  # one person however many of the programme's keys
                for key in found:
                    per[dimension][key] += people
        self._total = total
        self._per.update({d: dict(counts) for d, counts in per.items()})
        self._met.update(met)

    def _count_by_grouping_sets(self) -> None:
        """Where the engine has GROUPING SETS (PostgreSQL): one COUNT(DISTINCT trainee) per key of every
        dimension asked and for the whole scope, and the measures on the session alone as FILTERed
        COUNT(DISTINCT) in the same statement (but a whole programme's, which is its count of people
        when people are counted by programme). PostgreSQL sorts the 人次 once per chain of nested sets
        and counts each key's people from its own sorted run: on a million enrollments cheaper than
        grouping 240,000 people by hash for their masks (which SQLite, without GROUPING SETS, does)."""
        dimensions = list(self._keys)
        columns: list[ColumnElement] = []
        positions = {d: [_position(columns, column) for column in KEY_COLUMNS[d]] for d in dimensions}
        whole = self._whole_programme_measures()
        measures = [(p, m) for p, found in self._on_session_measures().items() for m in found if (p, m) not in whole]
        labelled = [column.label(f"k{i}") for i, column in enumerate(columns)]
        counts = [func.count(distinct(Enrollment.trainee_id))]
        counts += [func.count(distinct(Enrollment.trainee_id)).filter(counting.measure_condition(p, m))
                   for p, m in measures]
        every = func.grouping(*columns) if columns else literal(0)
        sets = [tuple_(*[labelled[i] for i in positions[d]]) for d in dimensions] + [tuple_()]
        statement = counting.participations(*labelled, every, *counts, scope=self.scope,
                                            jurisdiction=self.jurisdiction).group_by(func.grouping_sets(*sets))
        if any(DIMENSIONS[d].needs_base for d in dimensions):
            statement = statement.join(TrainingBase, TrainingSession.base_id == TrainingBase.id)
        width = len(columns)
        # GROUPING() has a bit per column, the first column the highest, set where the row rolls it up.
        rolled_up = {d: sum(1 << (width - 1 - i) for i in range(width) if i not in positions[d]) for d in dimensions}
        per: dict[str, dict[tuple, int]] = {d: {} for d in dimensions}
        for row in db.session.execute(statement):
            grouping, people = row[width], row[width + 1]
            if grouping == (1 << width) - 1:
                self._total = people
                self._met.update(zip(measures, row[width + 2:]))
            for dimension in dimensions:
                if grouping == rolled_up[dimension] and people:
                    per[dimension][tuple(_plain(row[i]) for i in positions[dimension])] = people
        self._total = self._total or 0
        self._met.update({m: self._met.get(m, 0) for m in measures})
        self._met.update({m: per["programme"].get((m[0],), 0) for m in whole})
        self._per.update(per)

    def _whole_programme_measures(self) -> list[tuple[str, str]]:
        """The measures asked that every 人次 of their programme meets, when people are counted by programme."""
        if "programme" not in self._keys:
            return []
        return [m for m in self._measures if counting.whole_programme(*m)]

    def _read_keys(self) -> None:
        """The programmes and the keys of the dimensions asked, from the scope's sessions: one DISTINCT
        over the key columns asked (about 11,500 sessions in a year of a million enrollments), not a walk
        over their 人次. A session whose enrollments were all withdrawn adds a key nobody has: its bit
        is never set and its count never read."""
        columns: list[ColumnElement] = [TrainingSession.programme_code]
        where: dict[str, list[int]] = {}
        for dimension, keys in self._keys.items():
            if keys is None:
                where[dimension] = [_position(columns, column) for column in KEY_COLUMNS[dimension]]
        statement = select(*columns).distinct().where(*counting.session_conditions(self.scope, self.jurisdiction))
        if any(DIMENSIONS[d].needs_base for d in where):
            statement = statement.join(TrainingBase, TrainingSession.base_id == TrainingBase.id)
        rows = db.session.execute(statement).all()
        self._programmes = {row[0] for row in rows}
        for dimension, positions in where.items():
            self._keys[dimension] = {tuple(_plain(row[i]) for i in positions) for row in rows}

    def _on_session_measures(self) -> dict[str, list[str]]:
        """The measures asked whose condition is on the session alone, by programme."""
        found: dict[str, list[str]] = defaultdict(list)
        for programme_code, measure_code in self._measures:
            if counting.on_session_alone(counting.measure_condition(programme_code, measure_code)):
                found[programme_code].append(measure_code)
        return found

    def _programme_keys(self, asked: bool, on_session: dict[str, list[str]]
                        ) -> tuple[list[tuple[str, frozenset]], dict[str, list[str]]]:
        """Keys of the programme mask, (programme, measures met) for every subset of its measures on the
        session, and those measures; without them when they do not fit (then counted apart)."""
        present = sorted(self._programmes)
        keys = [(p, subset) for p in present for subset in _subsets(on_session.get(p, ()))]
        if on_session and len(keys) <= MASK_BITS:
            return keys, on_session
        return ([(p, frozenset()) for p in present] if asked else []), {}

    def _histogram(self, masked: dict[str, list[tuple]], on_session: dict[str, list[str]]) -> list[tuple]:
        """(masks…, people) rows: the sessions in scope with their bits first (one row per session, so
        a key's condition runs once per session), then the 人次 grouped by trainee, OR-ing the bits."""
        postgres = db.session.get_bind().dialect.name == "postgresql"
        bits = [(self._programme_bits(keys, on_session) if dimension == "programme" else self._bits(dimension, keys))
                .label(f"b{i}") for i, (dimension, keys) in enumerate(masked.items())]
        sessions = select(TrainingSession.id, *bits).where(*counting.session_conditions(self.scope, self.jurisdiction))
        if any(DIMENSIONS[d].needs_base for d in masked):
            sessions = sessions.join(TrainingBase, TrainingSession.base_id == TrainingBase.id)
        # Materialised: the per-session bits are computed once and the grouping's sort holds integers.
        sessions = sessions.cte("counted_sessions").prefix_with("MATERIALIZED")
        aggregate = func.bit_or if postgres else (lambda b: func.sum(distinct(b)))
        inner = (
            select(Enrollment.trainee_id, *[aggregate(sessions.c[f"b{i}"]).label(f"c{i}") for i in range(len(bits))])
            .select_from(sessions)
            .join(Enrollment, Enrollment.session_id == sessions.c.id)
            .where(counting.NOT_WITHDRAWN)
            .group_by(Enrollment.trainee_id)
            .subquery()
        )
        keys = [inner.c[f"c{i}"] for i in range(len(bits))]
        return db.session.execute(select(*keys, func.count()).select_from(inner).group_by(*keys)).all()

    def _bits(self, dimension: str, keys: list[tuple]) -> ColumnElement[int]:
        condition = DIMENSIONS[dimension].condition
        return case(*[(condition(key, self.scope), literal(1 << bit, BigInteger)) for bit, key in enumerate(keys)],
                    else_=literal(0, BigInteger))

    @staticmethod
    def _programme_bits(keys: list[tuple[str, frozenset]], on_session: dict[str, list[str]]) -> ColumnElement[int]:
        """A session's bit: its programme's first bit, times 2 to the power of the index of the subset
        of measures it meets (measure j met multiplies by 2^(2^j))."""
        first: dict[str, int] = {}
        for bit, (programme_code, _) in enumerate(keys):
            first.setdefault(programme_code, bit)
        whens = {}
        for programme_code, bit in first.items():
            value = literal(1 << bit, BigInteger)
            for j, measure_code in enumerate(on_session.get(programme_code, ())):
                met = counting.measure_condition(programme_code, measure_code)
                value = value * case((met, literal(1 << (1 << j), BigInteger)), else_=literal(1, BigInteger))
            whens[programme_code] = value
        return case(whens, value=TrainingSession.programme_code, else_=literal(0, BigInteger))

    def _count_apart(self, dimension: str) -> dict[tuple, int]:
        """COUNT(DISTINCT trainee) per key, for a dimension with too many keys for a mask."""
        columns = KEY_COLUMNS[dimension]
        statement = counting.participations(*columns, func.count(distinct(Enrollment.trainee_id)), scope=self.scope,
                                            jurisdiction=self.jurisdiction).group_by(*columns)
        if DIMENSIONS[dimension].needs_base:
            statement = statement.join(TrainingBase, TrainingSession.base_id == TrainingBase.id)
        return {tuple(_plain(v) for v in row[:-1]): row[-1] for row in db.session.execute(statement)}


def count_measures(scope: Scope, jurisdiction: ColumnElement[bool] | None,
                   measures: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """One COUNT(DISTINCT trainee) FILTER per measure, over the 人次 of the measures' programmes."""
    if not measures:
        return {}
    columns = [func.count(distinct(Enrollment.trainee_id)).filter(counting.measure_condition(p, m))
               for p, m in measures]
    statement = counting.participations(*columns, scope=scope, jurisdiction=jurisdiction).where(
        TrainingSession.programme_code.in_(sorted({p for p, _ in measures})))
    return dict(zip(measures, db.session.execute(statement).one()))


def _position(columns: list[ColumnElement], column: ColumnElement) -> int:
    """Where ``column`` is in ``columns``, added at the end if it is not there yet."""
    for index, existing in enumerate(columns):
        if existing is column:
            return index
    columns.append(column)
    return len(columns) - 1


def _plain(value):
    """Month numbers come back as Decimal or float from extract() on some engines."""
    return int(value) if isinstance(value, float) or type(value).__name__ == "Decimal" else value


def _subsets(measures) -> list[frozenset]:
    """Every subset of ``measures``: the i-th holds measure j when bit j of i is set."""
    measures = list(measures)
    return [frozenset(m for j, m in enumerate(measures) if i >> j & 1) for i in range(1 << len(measures))]
