"""The grouped table of the reconciliation page: rows by programme, track, district, base or month."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from sqlalchemy import select

from ...extensions import db
from ..catalogue import catalogue
from ..organisations.models import District, TrainingBase
from .counting import Scope
from .models import Target
from .people import DIMENSIONS, People
from .results import Figures, GrainFigures, Row, trainings_target


def group_rows(grains: list[GrainFigures], scope: Scope, group_by: str, people: People,
               targets: list[Target]) -> list[Row]:
    key_of = DIMENSIONS[group_by].key_of
    figures: dict[tuple, Figures] = defaultdict(Figures)
    for grain in grains:
        figures[key_of(grain.grain, grain.district_id)].add(grain.figures)
    district_targets = _district_targets(scope) if group_by == "district" else []
    people = people.per(group_by)
    labels = _labels(group_by, figures.keys())
    rows = []
    for key in sorted(figures, key=lambda k: _sort_key(group_by, k)):
        figures[key].persons = people.get(key, 0)
        row_scope = _row_scope(scope, group_by, key)
        row_targets = district_targets if group_by == "district" else targets
        rows.append(Row(key, labels[key], row_scope, figures[key], _row_target(scope, group_by, key, row_targets)))
    return rows


def _row_scope(scope: Scope, group_by: str, key: tuple) -> Scope:
    if group_by == "programme":
        return scope.narrowed(programme_code=key[0])
    if group_by == "track":
        return scope.narrowed(programme_code=key[0], track_code=key[1])
    if group_by == "district":
        return scope.narrowed(district_id=key[0])
    if group_by == "base":
        return scope.narrowed(base_id=key[0])
    return scope.narrowed(month=key[0])


def _row_target(scope: Scope, group_by: str, key: tuple, targets: list[Target]) -> int | None:
    if group_by == "programme":
        return trainings_target(targets, key[0], district_id=scope.district_id)
    if group_by == "track" and key[1]:
        return trainings_target(targets, key[0], key[1], scope.district_id)
    if group_by == "district":
        return trainings_target(targets, scope.programme_code, district_id=key[0])
    return None


def _district_targets(scope: Scope) -> list[Target]:
    """Every district's targets of the year, for the rows of the grouping by district."""
    return list(db.session.scalars(select(Target).where(Target.year == scope.year, Target.district_id.is_not(None))))


def _labels(group_by: str, keys: Iterable[tuple]) -> dict[tuple, str]:
    keys = list(keys)
    if group_by == "programme":
        return {k: catalogue.name_of(k[0]) for k in keys}
    if group_by == "track":
        return {k: _track_label(*k) for k in keys}
    if group_by == "month":
        return {k: f"{k[0]} 月" for k in keys}
    model = District if group_by == "district" else TrainingBase
    ids = sorted({k[0] for k in keys})
    names = dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all()) if ids else {}
    return {k: names.get(k[0], str(k[0])) for k in keys}


def _track_label(programme_code: str, track_code: str | None) -> str:
    programme = catalogue.get(programme_code)
    track = programme.track(track_code) if programme and track_code else None
    return f"{catalogue.name_of(programme_code)} · {track.name if track else '不分方向'}"


def _sort_key(group_by: str, key: tuple):
    if group_by in ("programme", "track"):
        programme = catalogue.get(key[0])
        return (programme.order if programme else 999, key[0], key[1] or "" if len(key) > 1 else "")
    return tuple(k if k is not None else 0 for k in key)
