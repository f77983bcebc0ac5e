"""粤菜师傅+精准扶贫: trainees from paired-assistance regions, counted by region.

004 之二 二(九): "支持帮助本市扶贫点、对口帮扶的清远、梅州以及贵州、新疆等帮扶地区有意愿的村民参加专业培训".
Counted by the shared rules (reconciliation/counting.py): a 人次 is an enrollment not withdrawn in a
finished session of the programme, in the year of the session's end date; 人数 are distinct people.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, distinct, func

from ...domain.reconciliation import counting
from ...domain.reconciliation.conditions import trainee_tagged
from ...domain.trainees.models import ASSISTED_REGIONS, Trainee
from ...domain.training.models import Enrollment
from ...extensions import db
from .rules import CODE

#: The regions 004 之二 二(九) names: always shown, with zero when nobody came from one.
NAMED_REGIONS = ("清远", "梅州", "贵州", "新疆")
ASSISTED = trainee_tagged("assisted_region")


@dataclass(frozen=True)
class RegionFigures:
    region: str
    trainings: int
    persons: int


def by_region(year: int, district_id: int | None,
              jurisdiction: ColumnElement[bool] | None) -> tuple[list[RegionFigures], RegionFigures]:
    """This year's 人次 and 人数 of trainees tagged 帮扶地区, by home region, and the total."""
    scope = counting.Scope(year, CODE, district_id=district_id)

    def statement(*group):
        query = counting.participations(
            *group, func.count(Enrollment.id), func.count(distinct(Enrollment.trainee_id)),
            scope=scope, jurisdiction=jurisdiction,
        ).join(Trainee, Trainee.id == Enrollment.trainee_id).where(ASSISTED())
        return query.group_by(*group) if group else query

    counted = {region: (trainings, persons)
               for region, trainings, persons in db.session.execute(statement(Trainee.assisted_region))}
    order = {region: index for index, region in enumerate(ASSISTED_REGIONS)}
    regions = [r for r in NAMED_REGIONS] + sorted(
        (r for r in counted if r not in NAMED_REGIONS), key=lambda r: (order.get(r, len(order)), r or ""))
    rows = [RegionFigures(region or "未填地区", *counted.get(region, (0, 0))) for region in regions]
    trainings, persons = db.session.execute(statement()).one()
    return rows, RegionFigures("合计", trainings or 0, persons or 0)
