"""Factories for test records: callables with overridable fields, valid by default."""
from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from stdnum.cn import ric, uscc

from registry.domain.accounts.operations import AccountData, create_account
from registry.domain.common import today
from registry.domain.organisations import operations as org_ops
from registry.domain.organisations.models import District
from registry.domain.trainees.operations import TraineeData, register_trainee
from registry.domain.training.models import Enrollment, TrainingSession
from registry.extensions import db

PASSWORD = "correct-horse-battery"
_serial = itertools.count(1)


def credit_code(first: str = "9", district_code: str = "440106") -> str:
    body = f"{first}1{district_code}{next(_serial):09d}"[:17]
    body = body.replace("I", "1")
    return body + uscc.calc_check_digit(body)


def id_number(birth: date = date(1990, 3, 7), area: str = "440106", male: bool = True) -> str:
    sequence = next(_serial) % 500 * 2 + (1 if male else 0)
    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum wants the check position present


def district(code: str = "440106") -> District:
    return db.session.scalar(select(District).where(District.code == code))


def base(name: str | None = None, district_code: str = "440106", programmes=("yuecai",), **fields):
    data = org_ops.OrganisationData(
        name=name or f"测试培训基地{next(_serial)}",
        credit_code=fields.pop("credit_code", None) or credit_code(district_code=district_code),
        kind=fields.pop("kind", "training_institution"),
        district_id=district(district_code).id,
        **fields,
    )
    record = org_ops.create_base(data)
    for code in programmes:
        org_ops.add_recognition(record, code, "city", date(2020, 1, 1))
    return record


def enterprise(name: str | None = None, district_code: str = "440106", **fields):
    data = org_ops.OrganisationData(
        name=name or f"测试企业{next(_serial)}",
        credit_code=fields.pop("credit_code", None) or credit_code(district_code=district_code),
        kind=fields.pop("kind", "general"),
        district_id=district(district_code).id,
        **fields,
    )
    return org_ops.create_enterprise(data)


def trainee(name: str = "张三明", registered_base_id: int | None = None, **fields):
    data = TraineeData(
        document_type=fields.pop("document_type", "resident_id"),
        document_number=fields.pop("document_number", None) or id_number(),
        name=name,
        hukou_type=fields.pop("hukou_type", "urban"),
        **fields,
    )
    return register_trainee(data, registered_base_id=registered_base_id).trainee


def session(base_record, programme_code: str = "yuecai", occupation_code: str = "chinese_cook", level=5, **fields):
    start = fields.pop("start_date", today() - timedelta(days=30))
    record = TrainingSession(
        code=fields.pop("code", f"T-{next(_serial):06d}"),
        base_id=base_record.id,
        programme_code=programme_code,
        occupation_code=occupation_code,
        level=level,
        start_date=start,
        end_date=fields.pop("end_date", start + timedelta(days=20)),
        planned_hours=fields.pop("planned_hours", 80),
        capacity=fields.pop("capacity", 40),
        status=fields.pop("status", "completed"),
        **fields,
    )
    db.session.add(record)
    db.session.flush()
    return record


def enrollment(session_record, trainee_record, result: str | None = None, hours="80", **fields):
    record = Enrollment(
        session_id=session_record.id,
        trainee_id=trainee_record.id,
        result=result,
        attended_hours=Decimal(hours) if hours is not None else None,
        **fields,
    )
    db.session.add(record)
    db.session.flush()
    return record


def user(username: str, role: str, **unit):
    return create_account(AccountData(username, role, f"{username}用户", **unit), PASSWORD)


def login(client, username: str, password: str = PASSWORD):
    return client.post("/auth/login", data={"username": username, "password": password})


def photo_bytes(size=(600, 800), image_format="JPEG", **save_options) -> bytes:
    """A plain portrait photo as an upload would bring it."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (200, 215, 230))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size[0] * 0.3, size[1] * 0.2, size[0] * 0.7, size[1] * 0.55), fill=(230, 190, 160))
    out = io.BytesIO()
    image.save(out, image_format, **save_options)
    return out.getvalue()


def card_worker(keyring, checker, base_record=None, name="李秀梅", occupation_code="housekeeper", level=5,
                health_on: date | None = None, photo=True, identity=True):
    """A 南粤家政 worker who trained and holds a certificate (and, by default, meets every other
    condition of the 上门服务证): returns (trainee, certificate)."""
    from registry.domain.certificates.operations import issue_certificates
    from registry.domain.service_cards import records
    from registry.domain.service_cards.policy import default_rules

    base_record = base_record or base(programmes=("jiazheng",))
    person = trainee(name, registered_base_id=base_record.id, document_number=id_number(male=False))
    track_session = session(base_record, "jiazheng", occupation_code, level,
                            track_code=_track_of(occupation_code))
    passed = enrollment(track_session, person, result="passed", assessment_type="training_qualified")
    certificate = issue_certificates(track_session, [passed], keyring)[0]
    if identity:
        records.record_identity_check(person, checker, today(), "in_person")
    if health_on is not False:
        records.record_health_check(person, default_rules(), health_on or today() - timedelta(days=30),
                                    "广州市职业病防治院", "fit")
    if photo:
        records.upload_photo(person, photo_bytes())
    return person, certificate


def _track_of(occupation_code: str) -> str:
    from registry.domain.catalogue import catalogue

    return catalogue["jiazheng"].track_of(occupation_code).code
