"""The people 粤菜师傅's records are about (rated chefs, studio leads, competitors) are trainees, found by
their document; a chef not yet in the registry is registered through the trainee operations."""
from __future__ import annotations

from contextlib import contextmanager

from ...domain.errors import DomainError
from ...domain.identifiers import mask_name
from ...domain.trainees.models import Trainee
from ...domain.trainees.operations import PersonData, find_trainee
from ...domain.trainees.operations import find_or_register as find_or_register_person

__all__ = ["PersonData", "find_person", "find_or_register"]


def _same_name(typed: str, trainee: Trainee) -> None:
    typed = "".join((typed or "").split())
    if not typed:
        raise DomainError("请填写姓名", "name")
    if typed != "".join(trainee.name.split()):
        raise DomainError(f"姓名与该证件已登记的姓名({mask_name(trainee.name)})不一致,请核对", "name")


@contextmanager
def _fields_prefixed(prefix: str):
    """Name the form's fields for this person (e.g. ``chef_name`` for a studio's lead chef)."""
    try:
        yield
    except DomainError as error:
        if prefix and error.field:
            raise DomainError(error.message, prefix + error.field) from error
        raise


def find_person(data: PersonData, field_prefix: str = "") -> Trainee:
    """A registered trainee, by document; the typed name must agree with the record."""
    with _fields_prefixed(field_prefix):
        trainee = find_trainee(data.document_type, data.document_number)
        if trainee is None:
            raise DomainError("未找到该证件号码的学员,请核对证件类型和号码", "document_number")
        _same_name(data.name, trainee)
        return trainee


def find_or_register(data: PersonData, registered_base_id: int | None = None, registered_district_id: int | None = None,
                     field_prefix: str = "") -> tuple[Trainee, bool, list[str]]:
    """The trainee holding the document (names must agree), or a new trainee registered with the data
    (trainees.operations.find_or_register), the fields named with ``field_prefix``.

    Returns (trainee, created, warnings)."""
    with _fields_prefixed(field_prefix):
        registration = find_or_register_person(data, registered_base_id, registered_district_id)
        return registration.trainee, registration.created, registration.warnings
