"""Each year's intake of veterans and its adaptive training (004 之七 二 "组织当年度我市接受安置并能正常
参训的自主就业退役军人开展全员适应性培训"). Plain domain functions: they flush, never commit.

An intake row is due the adaptive training when the veteran chose 自主就业 and can attend. They are
covered by a participation (not withdrawn) in a finished session of the programme's adaptive
training that began in their discharge year or later: training taken before discharge is not the
training of that year's intake.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, case, func, or_, select

from ....domain.errors import DomainError
from ....domain.identifiers import normalise_code
from ....domain.organisations.models import District
from ....domain.trainees.models import Trainee
from ....domain.trainees.operations import find_or_register
from ....domain.training.models import TrainingSession
from ....extensions import db
from . import people
from .models import PLACEMENTS, VeteranIntake

PROGRAMME = "veterans"
ADAPTIVE_ITEM = "adaptive_training"
FIRST_YEAR = 1950


@dataclass
class IntakeData:
    discharge_year: int | None
    district_id: int | None
    placement: str
    registered_on: date | None
    can_attend: bool = True
    exemption_reason: str = ""


def _check(data: IntakeData, on: date) -> dict:
    year = data.discharge_year
    if not year:
        raise DomainError("请填写退役年度", "discharge_year")
    if year > on.year:
        raise DomainError("退役年度不能晚于今年", "discharge_year")
    if year < FIRST_YEAR:
        raise DomainError(f"退役年度不能早于 {FIRST_YEAR} 年", "discharge_year")
    if not data.district_id or db.session.get(District, data.district_id) is None:
        raise DomainError("请选择接收安置区", "district_id")
    if data.placement not in PLACEMENTS:
        raise DomainError("请选择安置方式", "placement")
    reason = (data.exemption_reason or "").strip()
    if not data.can_attend and not reason:
        raise DomainError("不能正常参训的,请填写原因(如伤病、在校就读)", "exemption_reason")
    if len(reason) > 200:
        raise DomainError("原因不超过 200 个字", "exemption_reason")
    if data.registered_on is None:
        raise DomainError("请填写登记日期", "registered_on")
    if data.registered_on > on:
        raise DomainError("登记日期不能晚于今天", "registered_on")
    if data.registered_on.year < year:
        raise DomainError(f"登记日期不能早于退役年度({year}年)", "registered_on")
    return dict(discharge_year=year, district_id=data.district_id, placement=data.placement,
                can_attend=bool(data.can_attend), exemption_reason=reason if not data.can_attend else "",
                registered_on=data.registered_on)


def register_intake(person: people.PersonData, data: IntakeData, on: date,
                    registered_base_id: int | None = None, registered_district_id: int | None = None
                    ) -> VeteranIntake:
    """Enter a veteran in their discharge year's intake; one row per person. A person new to the
    registry is registered by the user's unit (``permissions.registering_unit``)."""
    values = _check(data, on)
    trainee = find_or_register(person, registered_base_id, registered_district_id).trainee
    existing = db.session.scalar(select(VeteranIntake).where(VeteranIntake.trainee_id == trainee.id))
    if existing is not None:
        raise DomainError(f"该退役军人已登记在 {existing.discharge_year} 年度的安置名单中,不能重复登记",
                          "document_number")
    intake = VeteranIntake(trainee_id=trainee.id, registered_base_id=registered_base_id, **values)
    db.session.add(intake)
    people.add_tag(trainee, "veteran")
    db.session.flush()
    return intake


def update_intake(intake: VeteranIntake, data: IntakeData, on: date) -> VeteranIntake:
    """Correct a row (the person stays the same)."""
    for key, value in _check(data, on).items():
        setattr(intake, key, value)
    db.session.flush()
    return intake


def find_intake(document_type: str, document_number: str) -> VeteranIntake | None:
    return db.session.scalar(
        select(VeteranIntake).join(Trainee, VeteranIntake.trainee_id == Trainee.id).where(
            Trainee.document_type == document_type, Trainee.document_number == normalise_code(document_number)))


# --- coverage ------------------------------------------------------------------------------------

def adaptive_sessions(year: int) -> tuple[ColumnElement[bool], ...]:
    """Sessions of the adaptive training that count for the intake of ``year``."""
    return (TrainingSession.programme_code == PROGRAMME, TrainingSession.occupation_code == ADAPTIVE_ITEM,
            TrainingSession.start_date >= date(year, 1, 1))


DUE = (VeteranIntake.placement == "self_employed") & VeteranIntake.can_attend.is_(True)


@dataclass
class YearCoverage:
    year: int
    registered: int
    due: int
    trained: int
    in_training: int

    @property
    def not_trained(self) -> int:
        return self.due - self.trained - self.in_training

    @property
    def coverage(self) -> float | None:
        """Share of those due who have taken the adaptive training (之七 二: 全员)."""
        return self.trained / self.due if self.due else None


def intake_years(visible: ColumnElement[bool]) -> list[int]:
    return list(db.session.scalars(select(VeteranIntake.discharge_year).where(visible).distinct()
                                   .order_by(VeteranIntake.discharge_year.desc())))


def coverage(year: int, visible: ColumnElement[bool]) -> YearCoverage:
    """One intake year's coverage of adaptive training, over the rows the viewer sees."""
    done = people.trained(VeteranIntake.trainee_id, *adaptive_sessions(year))
    running = people.in_training(VeteranIntake.trainee_id, *adaptive_sessions(year))

    def count(condition) -> ColumnElement:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        select(func.count(VeteranIntake.id), count(DUE), count(DUE & done), count(DUE & ~done & running))
        .where(visible, VeteranIntake.discharge_year == year)
    ).one()
    return YearCoverage(year, *(int(v or 0) for v in row))


def coverage_by_year(visible: ColumnElement[bool], limit: int = 6) -> list[YearCoverage]:
    return [coverage(year, visible) for year in intake_years(visible)[:limit]]


def year_query(year: int, visible: ColumnElement[bool], status: str = "not_trained", text: str = "") -> Select:
    """The intake of ``year``: by default those due who have not yet taken the adaptive training
    (status ``not_trained``); ``in_training``/``trained`` among those due; ``exempt`` those not due;
    ``all`` everyone."""
    query = (select(VeteranIntake).join(Trainee, VeteranIntake.trainee_id == Trainee.id)
             .where(visible, VeteranIntake.discharge_year == year).order_by(VeteranIntake.district_id, Trainee.name))
    if status == "exempt":
        query = query.where(~DUE)
    elif status != "all":
        query = query.where(DUE)
        condition = people.status_condition(status, VeteranIntake.trainee_id, *adaptive_sessions(year))
        if condition is not None:
            query = query.where(condition)
    if text := text.strip():
        query = query.where(or_(Trainee.name.contains(text), Trainee.document_number.contains(normalise_code(text))))
    return query
