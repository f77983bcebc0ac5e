"""The 两后生 ledger (工作台账, 004 之八 四) and each school-leaver's training status.

004 之八 一: "确保每名有参加职业培训意愿的“两后生”参加至少一次职业技能培训,获得相当于初级以上水平的
职业技能". So a ledger entry's status is read from the registry's enrollments of the trainee holding
the same 居民身份证 number, counting only sessions at a skill level (五级/初级 or above; 专项 items
have no level):

* 已参训 — an enrollment, not withdrawn, that passed, or whose session has finished (结业) without
  the person being absent from the assessment;
* 培训中 — otherwise an enrollment, not withdrawn, in a session not yet finished (报名或在训);
* 无培训意愿 — otherwise, when the person does not want training;
* 未参训 — everyone else: they want training and have had none, the people the ledger is for.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, exists, false, func, or_, select

from registry.domain.common import today
from registry.domain.errors import DomainError
from registry.domain.identifiers import PHONE, check_document, normalise_phone
from registry.domain.organisations.models import District
from registry.domain.trainees.models import SEXES, Trainee
from registry.domain.training.models import Enrollment, TrainingSession
from registry.extensions import db

from .models import SCHOOL_STAGES, TRAINING_STATUSES, SchoolLeaver

#: The document a ledger entry is matched by (the ledger records 居民身份证 numbers).
DOCUMENT_TYPE = "resident_id"
FINISHED = ("completed", "closed")
NOT_FINISHED = ("planned", "open", "in_progress")
STATUS_RULE = ("按身份证号码匹配系统中的参训记录,只计初级(五级)及以上等级的班期:合格或已结业(缺考除外)为「已参训」,"
               "已报名或在训为「培训中」,其余有培训意愿者为「未参训」(穗人社函〔2020〕22号 之八 一)")
EARLIEST_YEAR = 2000

_NAME = re.compile(r"^[\u3400-\u9fffA-Za-z·•.\s]{2,60}$")


@dataclass
class LeaverData:
    name: str
    id_number: str
    school: str
    left_year: int | None
    stage: str
    district_id: int | None
    street: str
    wants_training: bool | None
    sex: str | None = None
    phone: str = ""
    note: str = ""


def _check(data: LeaverData, on: date) -> dict:
    document = check_document(DOCUMENT_TYPE, data.id_number or "", "id_number")
    name = re.sub(r"\s+", " ", (data.name or "").strip())
    if not _NAME.match(name):
        raise DomainError("「姓名」应为 2 到 60 个汉字或字母", "name")
    if data.sex and data.sex != document.sex:
        raise DomainError(f"「性别」与身份证号码不符:号码显示为{SEXES[document.sex]}", "sex")
    school = (data.school or "").strip()
    if not school:
        raise DomainError("请填写「毕业学校」", "school")
    if len(school) > 120:
        raise DomainError("「毕业学校」不能超过 120 个字", "school")
    if data.left_year is None:
        raise DomainError("请填写「离校年份」", "left_year")
    if not EARLIEST_YEAR <= data.left_year <= on.year:
        raise DomainError(f"「离校年份」应在 {EARLIEST_YEAR} 至 {on.year} 年之间", "left_year")
    if data.left_year < document.birth_date.year + 12:
        raise DomainError(f"「离校年份」{data.left_year} 与出生日期 {document.birth_date:%Y-%m-%d} 不符,请核对",
                          "left_year")
    if data.stage not in SCHOOL_STAGES:
        raise DomainError("请选择「离校学段」(初中或高中)", "stage")
    if not data.district_id or db.session.get(District, data.district_id) is None:
        raise DomainError("请选择「所在区」", "district_id")
    street = (data.street or "").strip()
    if not street:
        raise DomainError("请填写「街道(镇)」", "street")
    if len(street) > 40:
        raise DomainError("「街道(镇)」不能超过 40 个字", "street")
    phone = normalise_phone(data.phone) if data.phone else ""
    if phone and not PHONE.match(phone):
        raise DomainError("「联系电话」应为 11 位手机号码或带区号的固定电话", "phone")
    if data.wants_training is None:
        raise DomainError("请选择「培训意愿」", "wants_training")
    note = (data.note or "").strip()
    if len(note) > 2000:
        raise DomainError("「备注」不能超过 2000 个字", "note")
    return dict(id_number=document.number, name=name, sex=document.sex, birth_date=document.birth_date,
                school=school, left_year=data.left_year, stage=data.stage, district_id=data.district_id,
                street=street, phone=phone, wants_training=bool(data.wants_training), note=note)


def _check_unique(number: str, leaver: SchoolLeaver | None) -> None:
    clash = db.session.scalar(select(SchoolLeaver).where(SchoolLeaver.id_number == number))
    if clash is not None and clash is not leaver:
        raise DomainError(f"「身份证号码」已在{clash.district.name}两后生台账中登记,不能重复登记", "id_number")


def add_leaver(data: LeaverData, on: date | None = None) -> SchoolLeaver:
    """Enter a school-leaver in the ledger (one entry per person in the city)."""
    values = _check(data, on or today())
    _check_unique(values["id_number"], None)
    leaver = SchoolLeaver(**values)
    db.session.add(leaver)
    db.session.flush()
    return leaver


def update_leaver(leaver: SchoolLeaver, data: LeaverData, on: date | None = None) -> SchoolLeaver:
    """Correct or bring up to date an entry (e.g. their wish to train); the audit log keeps the old values."""
    values = _check(data, on or today())
    _check_unique(values["id_number"], leaver)
    for key, value in values.items():
        setattr(leaver, key, value)
    db.session.flush()
    return leaver


# --- training status ------------------------------------------------------------------------------

def _levelled_enrollments():
    """Enrollments, not withdrawn, in levelled sessions, of the trainee holding the entry's ID number."""
    return (select(Enrollment.id)
            .join(TrainingSession, Enrollment.session_id == TrainingSession.id)
            .join(Trainee, Enrollment.trainee_id == Trainee.id)
            .where(Trainee.document_type == DOCUMENT_TYPE, Trainee.document_number == SchoolLeaver.id_number,
                   Enrollment.status != "withdrawn", TrainingSession.level.is_not(None)))


def trained_condition():
    finished = and_(TrainingSession.status.in_(FINISHED),
                    or_(Enrollment.result.is_(None), Enrollment.result != "absent"))
    return exists(_levelled_enrollments().where(or_(Enrollment.result == "passed", finished)))


def in_training_condition():
    return exists(_levelled_enrollments().where(TrainingSession.status.in_(NOT_FINISHED)))


def status_expression():
    """The entry's training status in SQL (TRAINING_STATUSES), so lists filter and count it."""
    return case(
        (trained_condition(), "trained"),
        (in_training_condition(), "training"),
        (SchoolLeaver.wants_training == false(), "unwilling"),
        else_="untrained",
    )


def status_of(leaver: SchoolLeaver) -> str:
    return db.session.scalar(select(status_expression()).where(SchoolLeaver.id == leaver.id))


def counts_by_status(visible) -> dict[str, int]:
    """How many entries the viewer sees in each status (every status present, zero when none)."""
    status = status_expression().label("status")
    rows = db.session.execute(
        select(status, func.count()).select_from(SchoolLeaver).where(visible).group_by(status)
    ).all()
    counts = dict.fromkeys(TRAINING_STATUSES, 0)
    counts.update({key: n for key, n in rows})
    return counts


def counts_by_district(visible) -> list[tuple[District, dict[str, int]]]:
    """The status counts of each district with entries the viewer sees."""
    status = status_expression().label("status")
    rows = db.session.execute(
        select(SchoolLeaver.district_id, status, func.count()).select_from(SchoolLeaver).where(visible)
        .group_by(SchoolLeaver.district_id, status)
    ).all()
    by_district: dict[int, dict[str, int]] = {}
    for district_id, key, n in rows:
        by_district.setdefault(district_id, dict.fromkeys(TRAINING_STATUSES, 0))[key] = n
    districts = db.session.scalars(select(District).where(District.id.in_(by_district)).order_by(District.code))
    return [(d, by_district[d.id]) for d in districts]


@dataclass
class TrainingRecord:
    enrollment: Enrollment
    #: Counts towards the 初级以上 training the policy asks for.
    counts: bool


def training_of(leaver: SchoolLeaver) -> list[TrainingRecord]:
    """Every enrollment of the person holding this ID number, newest first, each marked as counting or not."""
    enrollments = db.session.scalars(
        select(Enrollment).join(TrainingSession, Enrollment.session_id == TrainingSession.id)
        .join(Trainee, Enrollment.trainee_id == Trainee.id)
        .where(Trainee.document_type == DOCUMENT_TYPE, Trainee.document_number == leaver.id_number)
        .order_by(TrainingSession.start_date.desc())
    ).all()
    return [TrainingRecord(e, e.status != "withdrawn" and e.session.level is not None) for e in enrollments]
