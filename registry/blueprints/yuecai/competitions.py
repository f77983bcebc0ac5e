"""Skills-competition results (技能竞赛) on a trainee's record.

004 之二 二(八): "开展粤菜师傅职业技能竞赛……有条件的单位可优先申报市级一类、二类职业技能竞赛项目";
000 二(四)14 and 001 item 14: "积极组织和参与各类'粤菜师傅'技能竞赛". A result is entered by the base
that trained the competitor (or by bureau staff for it): the person must have trained there.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...domain.accounts.models import User
from ...domain.errors import DomainError
from ...domain.organisations.models import TrainingBase
from ...domain.trainees.models import Trainee
from ...domain.training.models import Enrollment, TrainingSession
from ...extensions import db
from .models import AWARDS, COMPETITION_LEVELS, CompetitionResult
from .rules import PROGRAMME
from .validation import clean_text


@dataclass
class ResultData:
    event_name: str
    level: str
    held_on: date | None
    organiser: str
    occupation_code: str
    award: str | None = None
    placing_rank: int | None = None
    note: str = ""


def trained_at(trainee_id: int, base_id: int) -> bool:
    """True when the person has an enrollment (not withdrawn) in a session of the base."""
    return db.session.scalar(
        select(Enrollment.id).join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .where(Enrollment.trainee_id == trainee_id, Enrollment.status != "withdrawn",
               TrainingSession.base_id == base_id).limit(1)) is not None


def record_result(trainee: Trainee, base: TrainingBase | None, data: ResultData, on: date,
                  recorded_by: User | None = None) -> CompetitionResult:
    """Put a competition placing on the trainee's record, for the base that trained them."""
    if base is None:
        raise DomainError("请选择培训该学员的培训基地", "base_id")
    if not trained_at(trainee.id, base.id):
        raise DomainError(f"该学员未在「{base.name}」参加培训(或已退训):竞赛成绩由培训该学员的基地登记", "base_id")
    event_name = clean_text(data.event_name, "event_name", "竞赛名称", 200)
    if data.level not in COMPETITION_LEVELS:
        raise DomainError("请选择竞赛级别", "level")
    if data.held_on is None:
        raise DomainError("请填写竞赛日期", "held_on")
    if data.held_on > on:
        raise DomainError("竞赛日期不能晚于今天", "held_on")
    organiser = clean_text(data.organiser, "organiser", "主办单位", 120)
    if PROGRAMME.occupation(data.occupation_code or "") is None:
        raise DomainError("请选择竞赛的职业(工种)或专项", "occupation_code")
    award = data.award or None
    if award is not None and award not in AWARDS:
        raise DomainError("奖项无效", "award")
    rank = data.placing_rank
    if rank is not None and not 1 <= rank <= 999:
        raise DomainError("名次应为 1 到 999 之间的整数", "placing_rank")
    if award is None and rank is None:
        raise DomainError("请选择奖项或填写名次", "award")
    duplicate = db.session.scalar(select(CompetitionResult.id).where(
        CompetitionResult.trainee_id == trainee.id, CompetitionResult.event_name == event_name,
        CompetitionResult.held_on == data.held_on, CompetitionResult.occupation_code == data.occupation_code))
    if duplicate is not None:
        raise DomainError("该学员在同一竞赛、同一日期、同一职业(工种)已有成绩记录", "event_name")
    result = CompetitionResult(
        trainee_id=trainee.id, base_id=base.id, event_name=event_name, level=data.level, held_on=data.held_on,
        organiser=organiser, occupation_code=data.occupation_code, award=award, placing_rank=rank,
        note=(data.note or "").strip(), recorded_by_id=recorded_by.id if recorded_by else None,
    )
    db.session.add(result)
    db.session.flush()
    return result


def results_in_year(year: int, district_id: int | None) -> int:
    """Placings in competitions held in the year (人次), counted in the training base's district."""
    statement = (select(func.count(CompetitionResult.id))
                 .join(TrainingBase, CompetitionResult.base_id == TrainingBase.id)
                 .where(CompetitionResult.held_on >= date(year, 1, 1), CompetitionResult.held_on <= date(year, 12, 31)))
    if district_id is not None:
        statement = statement.where(TrainingBase.district_id == district_id)
    return db.session.scalar(statement) or 0
