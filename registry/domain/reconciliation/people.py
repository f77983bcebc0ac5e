"""人数: distinct people, counted at every grain the page needs in one pass over the year's 人次.

People are not additive (one person in two programmes is one person in the city), so each grain
would need its own COUNT(DISTINCT trainee) over the same rows. Instead the 人次 are grouped by
trainee once, and for each *dimension* (programme, track, district …) every person gets the set of
its keys they took part in, as a bit mask (bit_or on PostgreSQL; on SQLite the sum of the distinct
bits, which is the same since a 人次 has one key per dimension). The outer query returns how many
people share each combination of masks (a few hundred rows), and the counts per key follow from it.
A dimension with more keys than a mask holds is counted on its own. A programme's own measures
counted in 人 (their conditions may look at other tables) are counted together in one more query,
a COUNT(DISTINCT) FILTER per measure over the 人次 of their programmes only (each condition
starts with its programme, so it runs for that programme's 人次).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import BigInteger, ColumnElement, and_, case, cast, column, distinct, func, literal, select

from ...extensions import db
from ..organisations.models import TrainingBase
from ..training.models import Enrollment, TrainingSession
from . import counting
from .counting import Scope
from .results import GrainFigures

MASK_BITS = 62


@dataclass(frozen=True)
class Dimension:
    """A grain of 人数: the key of a session's figures, and the SQL condition of one key."""

    key_of: Callable[[GrainFigures], tuple]
    condition: Callable[[tuple, Scope], ColumnElement[bool]]
    needs_base: bool = False


def _equal(column, value) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _month(key: tuple, scope: Scope) -> ColumnElement[bool]:
    first, last = counting.period(scope.year, key[0])
    return and_(TrainingSession.end_date >= first, TrainingSession.end_date <= last)


DIMENSIONS: dict[str, Dimension] = {
    "programme": Dimension(lambda g: (g.grain.programme_code,),
                           lambda k, s: TrainingSession.programme_code == k[0]),
    "track": Dimension(lambda g: (g.grain.programme_code, g.grain.track_code),
                       lambda k, s: and_(TrainingSession.programme_code == k[0], _equal(TrainingSession.track_code, k[1]))),
    "occupation": Dimension(lambda g: (g.grain.programme_code, g.grain.occupation_code),
                            lambda k, s: and_(TrainingSession.programme_code == k[0],
                                              TrainingSession.occupation_code == k[1])),
    "district": Dimension(lambda g: (g.district_id,), lambda k, s: TrainingBase.district_id == k[0], needs_base=True),
    "base": Dimension(lambda g: (g.grain.base_id,), lambda k, s: TrainingSession.base_id == k[0]),
    "month": Dimension(lambda g: (g.grain.month,), _month),
}


class People:
    """Distinct people within ``scope``: ask for every dimension first, then read them; the first
    read runs one query for all of them (a later, unforeseen ask runs its own)."""

    def __init__(self, scope: Scope, jurisdiction: ColumnElement[bool] | None, grains: list[GrainFigures]) -> None:
        self.scope, self.jurisdiction = scope, jurisdiction
        self._present = grains
        self._keys: dict[str, set[tuple]] = {}
        self._per: dict[str, dict[tuple, int]] = {}
        self._total: int | None = None
        self._measures: list[tuple[str, str]] = []
        self._met: dict[tuple[str, str], int] = {}

    # --- asking ---------------------------------------------------------------------------

    def ask(self, dimension: str) -> None:
        """Count people per key of ``dimension`` (every key with 人次 in scope)."""
        if dimension not in self._keys:
            key_of = DIMENSIONS[dimension].key_of
            self._keys[dimension] = {key_of(g) for g in self._present}

    def ask_measure(self, programme_code: str, measure_code: str) -> None:
        """Count the people with a 人次 of the programme that meets the measure (a measure in 人)."""
        if (programme_code, measure_code) not in self._measures:
            self._measures.append((programme_code, measure_code))

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
        """People with a 人次 of the programme that meets its measure: every measure asked is counted
        by the first read, in one query."""
        key = (programme_code, measure_code)
        if key not in self._met:
            self.ask_measure(*key)
            self._met.update(self._count_measures([m for m in self._measures if m not in self._met]))
        return self._met[key]

    def _count_measures(self, measures: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """One COUNT(DISTINCT trainee) per measure, over the 人次 of the measures' programmes."""
        columns = [func.count(distinct(Enrollment.trainee_id)).filter(counting.measure_condition(p, m))
                   for p, m in measures]
        statement = counting.participations(*columns, scope=self.scope, jurisdiction=self.jurisdiction).where(
            TrainingSession.programme_code.in_(sorted({p for p, _ in measures})))
        return dict(zip(measures, db.session.execute(statement).one()))

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
        masked = {d: sorted(keys, key=repr) for d, keys in self._keys.items() if 0 < len(keys) <= MASK_BITS}
        per: dict[str, dict[tuple, int]] = {d: defaultdict(int) for d in masked}
        total = 0
        for row in self._histogram(masked):
            people = row[-1]
            total += people
            for (dimension, keys), mask in zip(masked.items(), row):
                mask = int(mask or 0)
                for bit, key in enumerate(keys):
                    if mask >> bit & 1:
                        per[dimension][key] += people
        self._total = total
        self._per.update({d: dict(counts) for d, counts in per.items()})

    def _histogram(self, masked: dict[str, list[tuple]]) -> list[tuple]:
        postgres = db.session.get_bind().dialect.name == "postgresql"
        columns = []
        for dimension, keys in masked.items():
            condition = DIMENSIONS[dimension].condition
            bits = case(*[(condition(key, self.scope), literal(1 << bit, BigInteger))
                          for bit, key in enumerate(keys)], else_=literal(0, BigInteger))
            columns.append(func.bit_or(cast(bits, BigInteger)) if postgres else func.sum(distinct(bits)))
        labelled = [column.label(f"c{i}") for i, column in enumerate(columns)]
        inner = counting.participations(Enrollment.trainee_id, *labelled, scope=self.scope,
                                        jurisdiction=self.jurisdiction)
        if any(DIMENSIONS[d].needs_base for d in masked):
            inner = inner.join(TrainingBase, TrainingSession.base_id == TrainingBase.id)
        inner = inner.group_by(Enrollment.trainee_id).subquery()
        # Plain names: the subquery's own column collection would copy every CASE (slow to build).
        keys = [column(f"c{i}") for i in range(len(columns))]
        return db.session.execute(select(*keys, func.count()).select_from(inner).group_by(*keys)).all()

    def _count_apart(self, dimension: str) -> dict[tuple, int]:
        """COUNT(DISTINCT trainee) per key, for a dimension with too many keys for a mask."""
        columns = {
            "programme": (TrainingSession.programme_code,),
            "track": (TrainingSession.programme_code, TrainingSession.track_code),
            "occupation": (TrainingSession.programme_code, TrainingSession.occupation_code),
            "district": (TrainingBase.district_id,),
            "base": (TrainingSession.base_id,),
            "month": (counting.MONTH,),
        }[dimension]
        statement = counting.participations(*columns, func.count(distinct(Enrollment.trainee_id)), scope=self.scope,
                                            jurisdiction=self.jurisdiction).group_by(*columns)
        if DIMENSIONS[dimension].needs_base:
            statement = statement.join(TrainingBase, TrainingSession.base_id == TrainingBase.id)
        return {tuple(_plain(v) for v in row[:-1]): row[-1] for row in db.session.execute(statement)}


def _plain(value):
    """Month numbers come back as Decimal or float from extract() on some engines."""
    return int(value) if isinstance(value, float) or type(value).__name__ == "Decimal" else value
