"""Verbs on trainees: find by document, register, correct. They flush, never commit."""
from __future__ import annotations

import re
from dataclasses import KW_ONLY, dataclass, field
from datetime import date

from sqlalchemy import select

from ...extensions import db
from ..common import today
from ..errors import DomainError
from ..identifiers import (
    GB11643_DOCUMENTS, PHONE, IdentityDocument, check_document, mask_name, normalise_code, normalise_phone,
)
from .models import ASSISTED_REGIONS, EDUCATION_LEVELS, GROUP_TAGS, HUKOU_TYPES, SEXES, Trainee, TraineeTag

_NAME = re.compile(r"^[\u3400-\u9fffA-Za-z·•.\s]{2,60}$")


@dataclass
class TraineeData:
    document_type: str
    document_number: str
    name: str
    hukou_type: str
    sex: str | None = None
    birth_date: date | None = None
    phone: str = ""
    education: str | None = None
    tags: set[str] = field(default_factory=set)
    assisted_region: str | None = None


@dataclass
class Registration:
    trainee: Trainee
    created: bool
    warnings: list[str] = field(default_factory=list)


def find_trainee(document_type: str, document_number: str) -> Trainee | None:
    """The trainee holding this document, however the number was typed."""
    number = normalise_code(document_number)
    return db.session.scalar(
        select(Trainee).where(Trainee.document_type == document_type, Trainee.document_number == number)
    )


def check_trainee(data: TraineeData, *, on: date | None = None, normalised: bool = False) -> tuple[dict, list[str]]:
    """Validate every field; derive sex and birth date from a GB 11643 number and cross-check them.
    Returns the trainee's column values and the document's warnings."""
    document, name, sex, birth_date, phone, region = check_trainee_fields(data, on=on, normalised=normalised)
    values = dict(
        document_type=data.document_type,
        document_number=document.number,
        name=name,
        sex=sex,
        birth_date=birth_date,
        phone=phone,
        hukou_type=data.hukou_type,
        education=data.education or None,
        assisted_region=region,
    )
    return values, document.warnings


def check_trainee_fields(data: TraineeData, *, on: date | None = None, normalised: bool = False
                         ) -> tuple[IdentityDocument, str, str, date, str, str | None]:
    """check_trainee's rules, giving what they accept as a tuple: (document, name, sex, birth date,
    phone, assisted region); hukou and education are the data's own (education None where blank).

    An import checking many rows calls this (no dictionary per row) with ``on`` (today, once) and
    ``normalised`` (its document number and phone are already folded: normalise_code, normalise_phone); the rules
    and messages are the form's.
    """
    on = today() if on is None else on
    document = check_document(data.document_type, data.document_number, on=on, normalised=normalised)
    name = " ".join((data.name or "").split())  # runs of whitespace as one space, as re's \s+ would
    if not _NAME.match(name):
        raise DomainError("姓名应为 2 到 60 个汉字或字母", "name")
    sex, birth_date = data.sex or None, data.birth_date
    if data.document_type in GB11643_DOCUMENTS:
        if sex and sex != document.sex:
            raise DomainError(
                f"性别与证件号码不符:号码显示为{SEXES[document.sex]}", "sex"
            )
        if birth_date and birth_date != document.birth_date:
            raise DomainError(
                f"出生日期与证件号码不符:号码显示为 {document.birth_date:%Y-%m-%d}", "birth_date"
            )
        sex, birth_date = document.sex, document.birth_date
    if sex not in SEXES:
        raise DomainError("请选择性别", "sex")
    if birth_date is None:
        raise DomainError("请填写出生日期", "birth_date")
    if birth_date >= on:
        raise DomainError("出生日期应早于今天", "birth_date")
    if data.hukou_type not in HUKOU_TYPES:
        raise DomainError("请选择户籍类型(城镇/农村)", "hukou_type")
    phone = data.phone or ""
    if phone and not (normalised and phone.isascii()):
        phone = normalise_phone(phone)
    if phone and not PHONE.match(phone):
        raise DomainError("联系电话应为 11 位手机号码或带区号的固定电话", "phone")
    if data.education and data.education not in EDUCATION_LEVELS:
        raise DomainError("文化程度无效", "education")
    unknown = [tag for tag in data.tags if tag not in GROUP_TAGS]
    if unknown:
        raise DomainError("人员类别无效", "tags")
    region = data.assisted_region or None
    if "assisted_region" in data.tags and region not in ASSISTED_REGIONS:
        raise DomainError("已选“帮扶地区”,请选择来源地区", "assisted_region")
    if "assisted_region" not in data.tags:
        region = None
    return document, name, sex, birth_date, phone, region


def _set_tags(trainee: Trainee, tags: set[str]) -> None:
    current = {t.tag: t for t in trainee.tags}
    for tag in set(current) - tags:
        trainee.tags.remove(current[tag])
    for tag in sorted(tags - set(current)):
        trainee.tags.append(TraineeTag(tag=tag))


def register_trainee(data: TraineeData, registered_base_id: int | None = None,
                     registered_district_id: int | None = None) -> Registration:
    """Create a trainee, refusing a document that is already registered. The registering base (or
    district bureau) keeps sight of the person before they enrol anywhere."""
    values, warnings = check_trainee(data)
    existing = find_trainee(values["document_type"], values["document_number"])
    if existing is not None:
        raise DomainError("该证件已登记,不能重复登记", "document_number")
    trainee = Trainee(**values, registered_base_id=registered_base_id, registered_district_id=registered_district_id)
    _set_tags(trainee, set(data.tags))
    db.session.add(trainee)
    db.session.flush()
    return Registration(trainee, True, warnings)


def update_trainee(trainee: Trainee, data: TraineeData) -> Registration:
    """Correct a trainee's record; the document must stay unique."""
    values, warnings = check_trainee(data)
    clash = find_trainee(values["document_type"], values["document_number"])
    if clash is not None and clash.id != trainee.id:
        raise DomainError("该证件号码已属于另一名学员", "document_number")
    for key, value in values.items():
        setattr(trainee, key, value)
    _set_tags(trainee, set(data.tags))
    db.session.flush()
    return Registration(trainee, False, warnings)


@dataclass
class PersonData:
    """A person named on another record (a rated chef, a register row, an appointee): their document
    and name, and what registering them needs if the registry does not know them yet."""

    document_type: str
    document_number: str
    name: str
    hukou_type: str = ""
    _: KW_ONLY
    sex: str | None = None
    birth_date: date | None = None
    phone: str = ""
    education: str | None = None


def find_or_register(person: PersonData, registered_base_id: int | None = None,
                     registered_district_id: int | None = None, tags: set[str] = frozenset()) -> Registration:
    """The trainee holding the document (the typed name must agree with the record), given ``tags``
    they lack; or a new trainee registered with the same checks as the trainee form."""
    if not (person.document_number or "").strip():
        raise DomainError("请填写证件号码", "document_number")
    typed = "".join((person.name or "").split())
    if not typed:
        raise DomainError("请填写姓名", "name")
    trainee = find_trainee(person.document_type, person.document_number)
    if trainee is not None:
        if typed != "".join(trainee.name.split()):
            raise DomainError(f"姓名与该证件已登记的姓名({mask_name(trainee.name)})不一致,请核对", "name")
        for tag in sorted(set(tags) - trainee.tag_codes):
            trainee.tags.append(TraineeTag(tag=tag))
        return Registration(trainee, False, [])
    check_document(person.document_type, person.document_number)
    if person.hukou_type not in HUKOU_TYPES:
        raise DomainError("该证件尚未登记为学员:请选择户籍类型,保存时将同时登记", "hukou_type")
    data = TraineeData(document_type=person.document_type, document_number=person.document_number, name=person.name,
                       hukou_type=person.hukou_type, sex=person.sex or None, birth_date=person.birth_date,
                       phone=person.phone or "", education=person.education or None, tags=set(tags))
    return register_trainee(data, registered_base_id, registered_district_id)
