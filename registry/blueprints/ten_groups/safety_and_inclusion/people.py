"""The person behind a record (an appointee, an assessed person): found by document, or registered
as a trainee when the registry does not know them yet, so that their training is read from the same
record."""
from __future__ import annotations

from dataclasses import dataclass

from registry.domain.errors import DomainError
from registry.domain.identifiers import mask_name
from registry.domain.trainees.models import Trainee, TraineeTag
from registry.domain.trainees.operations import TraineeData, find_trainee, register_trainee


@dataclass
class PersonData:
    document_type: str
    document_number: str
    name: str
    #: Needed only to register someone the registry does not know yet.
    hukou_type: str = ""
    phone: str = ""
    education: str | None = None


def find_or_register(person: PersonData, registered_base_id: int | None = None, tags: set[str] = frozenset()
                     ) -> Trainee:
    """The trainee holding the document (the typed name must agree), or a new registration; a known
    person is given ``tags`` they lack (e.g. 残疾人 once assessed), their other details are not changed."""
    trainee = find_trainee(person.document_type, person.document_number or "")
    if trainee is not None:
        typed = "".join((person.name or "").split())
        if typed and typed != "".join(trainee.name.split()):
            raise DomainError(f"姓名与该证件已登记的姓名({mask_name(trainee.name)})不一致,请核对", "name")
        for tag in sorted(set(tags) - trainee.tag_codes):
            trainee.tags.append(TraineeTag(tag=tag))
        return trainee
    if not person.hukou_type:
        raise DomainError("该证件尚未登记,请选择户籍类型以登记此人", "hukou_type")
    data = TraineeData(document_type=person.document_type, document_number=person.document_number, name=person.name,
                       hukou_type=person.hukou_type, phone=person.phone or "", education=person.education or None,
                       tags=set(tags))
    return register_trainee(data, registered_base_id=registered_base_id).trainee
