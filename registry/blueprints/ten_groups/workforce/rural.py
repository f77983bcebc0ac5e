"""The real-name register of rural labourers (004 之六 二 "落实省农村劳动力培训实名信息登记制度,定期汇总
技能培训进度和技能扶贫情况"): registering, correcting and closing rows, the list's filters, and the
summary of training progress. Plain domain functions: they flush, never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, case, func, or_, select

from ....domain.errors import DomainError
from ....domain.identifiers import normalise_code
from ....domain.organisations.models import District
from ....domain.trainees.models import Trainee
from ....domain.trainees.operations import find_or_register
from ....extensions import db
from . import people
from .models import LOW_INCOME_ROLES, TRAINING_NEEDS, RuralLabourer

RURAL_HUKOU = "rural"


@dataclass
class LabourerData:
    district_id: int | None
    town: str
    village: str
    training_need: str
    registered_on: date | None
    low_income_role: str | None = None
    is_weak_village: bool = False
    wants_training: bool = True
    wish: str = ""


def _check(data: LabourerData, on: date) -> dict:
    if not data.district_id or db.session.get(District, data.district_id) is None:
        raise DomainError("请选择所在区", "district_id")
    town, village = (data.town or "").strip(), (data.village or "").strip()
    if not town:
        raise DomainError("请填写所在镇(街道)", "town")
    if not village:
        raise DomainError("请填写所在村(社区)", "village")
    if len(town) > 40 or len(village) > 40:
        raise DomainError("镇(街道)和村(社区)名称不超过 40 个字", "town" if len(town) > 40 else "village")
    role = data.low_income_role or None
    if role is not None and role not in LOW_INCOME_ROLES:
        raise DomainError("低保家庭情况无效", "low_income_role")
    if data.training_need not in TRAINING_NEEDS:
        raise DomainError("请选择培训需求(进城务工、求学圆梦、返乡创业或技能致富)", "training_need")
    if data.registered_on is None:
        raise DomainError("请填写登记日期", "registered_on")
    if data.registered_on > on:
        raise DomainError("登记日期不能晚于今天", "registered_on")
    wish = (data.wish or "").strip()
    if len(wish) > 120:
        raise DomainError("意向培训不超过 120 个字", "wish")
    return dict(district_id=data.district_id, town=town, village=village, low_income_role=role,
                is_weak_village=bool(data.is_weak_village), training_need=data.training_need,
                wants_training=bool(data.wants_training), wish=wish, registered_on=data.registered_on)


def _check_rural(trainee: Trainee) -> None:
    if trainee.hukou_type != RURAL_HUKOU:
        raise DomainError(f"该人员的学员信息登记为{trainee.hukou_name}户籍;实名登记台账只登记农村劳动力,"
                          "如户籍有误请先更正学员信息", "document_number")


def find_labourer(document_type: str, document_number: str) -> RuralLabourer | None:
    return db.session.scalar(
        select(RuralLabourer).join(Trainee, RuralLabourer.trainee_id == Trainee.id).where(
            Trainee.document_type == document_type, Trainee.document_number == normalise_code(document_number)))


def register_labourer(person: people.PersonData, data: LabourerData, on: date,
                      registered_base_id: int | None = None, registered_district_id: int | None = None
                      ) -> RuralLabourer:
    """Enter a rural labourer in the register; one row per person, found by document. A person new to
    the registry is registered by the user's unit (``permissions.registering_unit``: the base, or the
    district bureau), which then keeps sight of them."""
    values = _check(data, on)
    person.hukou_type = RURAL_HUKOU  # a person new to the registry is registered as rural
    trainee = find_or_register(person, registered_base_id, registered_district_id).trainee
    _check_rural(trainee)
    existing = db.session.scalar(select(RuralLabourer).where(RuralLabourer.trainee_id == trainee.id))
    if existing is not None:
        raise DomainError(f"该人员已于 {existing.registered_on:%Y-%m-%d} 登记在{existing.district.name}的实名登记台账中,"
                          "不能重复登记", "document_number")
    labourer = RuralLabourer(trainee_id=trainee.id, registered_base_id=registered_base_id, **values)
    db.session.add(labourer)
    if values["low_income_role"]:
        people.add_tag(trainee, "low_income")
    db.session.flush()
    return labourer


def update_labourer(labourer: RuralLabourer, data: LabourerData, on: date) -> RuralLabourer:
    """Correct a row (the person stays the same: another person is another row)."""
    if labourer.closed_on is not None:
        raise DomainError(f"该登记已于 {labourer.closed_on:%Y-%m-%d} 注销,不能修改")
    values = _check(data, on)
    for key, value in values.items():
        setattr(labourer, key, value)
    if values["low_income_role"]:
        people.add_tag(labourer.trainee, "low_income")
    db.session.flush()
    return labourer


def close_labourer(labourer: RuralLabourer, closed_on: date | None, reason: str, on: date) -> RuralLabourer:
    """Close a row (迁出、不再务农 …): it stays in the register, out of the open list."""
    if labourer.closed_on is not None:
        raise DomainError("该登记已注销")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写注销原因", "close_reason")
    if len(reason) > 200:
        raise DomainError("注销原因不超过 200 个字", "close_reason")
    if closed_on is None:
        raise DomainError("请填写注销日期", "closed_on")
    if closed_on > on:
        raise DomainError("注销日期不能晚于今天", "closed_on")
    if closed_on < labourer.registered_on:
        raise DomainError("注销日期不能早于登记日期", "closed_on")
    labourer.closed_on, labourer.close_reason = closed_on, reason
    db.session.flush()
    return labourer


# --- the list and the summary ---------------------------------------------------------------------

@dataclass
class Filters:
    district_id: int | None = None
    #: "1": only 低保家庭 rows.
    low_income: bool = False
    weak_village: bool = False
    #: trained / in_training / not_trained, or "" for every status.
    status: str = ""
    #: "1": those who want training; "0": those who do not.
    wants: str = ""
    year: int | None = None
    text: str = ""
    closed: bool = False


def register_query(visible: ColumnElement[bool], filters: Filters) -> Select:
    """The rows a viewer sees, filtered; open rows unless ``closed`` asks for the closed ones."""
    query = (select(RuralLabourer).join(Trainee, RuralLabourer.trainee_id == Trainee.id)
             .where(visible).order_by(RuralLabourer.registered_on.desc(), RuralLabourer.id.desc()))
    query = query.where(RuralLabourer.closed_on.is_not(None) if filters.closed else RuralLabourer.closed_on.is_(None))
    if filters.district_id:
        query = query.where(RuralLabourer.district_id == filters.district_id)
    if filters.low_income:
        query = query.where(RuralLabourer.low_income_role.is_not(None))
    if filters.weak_village:
        query = query.where(RuralLabourer.is_weak_village.is_(True))
    if filters.wants in ("0", "1"):
        query = query.where(RuralLabourer.wants_training.is_(filters.wants == "1"))
    if filters.year:
        query = query.where(RuralLabourer.registered_on >= date(filters.year, 1, 1),
                            RuralLabourer.registered_on <= date(filters.year, 12, 31))
    condition = people.status_condition(filters.status, RuralLabourer.trainee_id)
    if condition is not None:
        query = query.where(condition)
    if text := filters.text.strip():
        query = query.where(or_(Trainee.name.contains(text), Trainee.document_number.contains(normalise_code(text)),
                                RuralLabourer.town.contains(text), RuralLabourer.village.contains(text)))
    return query


@dataclass
class Summary:
    label: str
    registered: int = 0
    low_income: int = 0
    weak_village: int = 0
    trained: int = 0
    in_training: int = 0
    not_trained: int = 0
    #: Want training and have not started: those the register must not miss.
    waiting: int = 0

    @property
    def trained_share(self) -> float | None:
        return self.trained / self.registered if self.registered else None


def summary(visible: ColumnElement[bool], by_district: bool = False) -> tuple[Summary, list[Summary]]:
    """Open rows the viewer sees, with their training status: in total and, if asked, by district."""
    done = people.trained(RuralLabourer.trainee_id)
    running = people.in_training(RuralLabourer.trainee_id)

    def count(condition) -> ColumnElement:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    columns = (
        func.count(RuralLabourer.id), count(RuralLabourer.low_income_role.is_not(None)),
        count(RuralLabourer.is_weak_village.is_(True)), count(done), count(~done & running),
        count(~done & ~running & RuralLabourer.wants_training.is_(True)),
    )
    base = select(*columns).where(visible, RuralLabourer.closed_on.is_(None))

    def make(label, row) -> Summary:
        registered, low_income, weak, trained, running_, waiting = (int(v or 0) for v in row)
        return Summary(label, registered, low_income, weak, trained, running_, registered - trained - running_, waiting)

    total = make("合计", db.session.execute(base).one())
    rows = []
    if by_district:
        grouped = (base.add_columns(District.name, District.code).join(District, RuralLabourer.district_id == District.id)
                   .group_by(District.name, District.code).order_by(District.code))
        rows = [make(row[-2], row[:-2]) for row in db.session.execute(grouped)]
    return total, rows
