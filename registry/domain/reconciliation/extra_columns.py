"""The programmes' own 人次 measures as columns of the additive figures' per-session GROUP BY
(additive.additive_figures; docs/reconciliation.md, Scale)."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from sqlalchemy import ColumnElement, case, func

from ..training.models import TrainingSession
from . import counting
from .counting import Scope


class ExtraColumns:
    """The programmes' own 人次 measures as columns of the per-session GROUP BY.

    A condition on the session alone (its occupation, level …) is decided once per session: the
    session's 人次 or none. A condition that looks at each enrollment (the trainee's tags, registers,
    earlier certificates …) is a count over the 人次; as a session belongs to one programme, the k-th
    such measure of every programme shares the k-th column, whose CASE on the programme code runs
    only the session's own programme's condition (other programmes' 人次 pay that CASE alone). They
    ride on the same walk as the common figures: a second statement over their programmes' sessions
    walked those 人次 twice (on a million enrollments it cost 5-15 ms more on either engine)."""

    def __init__(self, scope: Scope, extras: Iterable[tuple[str, str]]) -> None:
        self.on_session: list[tuple[str, str]] = []
        self.by_programme: dict[str, list[str]] = defaultdict(list)
        for programme_code, measure_code in sorted(set(extras)):
            if scope.programme_code not in (None, programme_code):
                continue
            if counting.on_session_alone(counting.measure_condition(programme_code, measure_code)):
                self.on_session.append((programme_code, measure_code))
            else:
                self.by_programme[programme_code].append(measure_code)

    def on_session_columns(self) -> list[ColumnElement[int]]:
        return [case((counting.measure_condition(p, m), func.count()), else_=0)
                for p, m in self.on_session]

    def on_session_sums(self, trainings: ColumnElement[int]) -> list[ColumnElement[int]]:
        """The same measures summed over sessions whose 人次 are ``trainings`` (tallies.py)."""
        return [func.sum(case((counting.measure_condition(p, m), trainings), else_=0)) for p, m in self.on_session]

    def slot_programmes(self) -> list[str]:
        """The programmes with a measure that looks at each enrollment."""
        return sorted(self.by_programme)

    def slot_columns(self) -> list[ColumnElement[int]]:
        columns = []
        for slot in range(max((len(m) for m in self.by_programme.values()), default=0)):
            whens = {p: case((counting.measure_condition(p, measures[slot]), 1))
                     for p, measures in self.by_programme.items() if slot < len(measures)}
            columns.append(func.count(case(whens, value=TrainingSession.programme_code)))
        return columns

    def readers(self) -> dict[str, list[tuple[int, tuple[str, str]]]]:
        """Per programme, (index among the on-session columns then the slots, (programme, measure)) of
        its own measures: what a row of that programme holds."""
        found: dict[str, list[tuple[int, tuple[str, str]]]] = defaultdict(list)
        for i, key in enumerate(self.on_session):
            found[key[0]].append((i, key))
        for programme_code, measures in self.by_programme.items():
            found[programme_code].extend((len(self.on_session) + j, (programme_code, m)) for j, m in enumerate(measures))
        return found
