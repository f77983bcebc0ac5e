"""Registering trainees: one per document, derived fields cross-checked, nothing saved on error."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from registry.domain.errors import DomainError
from registry.domain.trainees.models import Trainee
from registry.domain.trainees.operations import (
    TraineeData,
    check_trainee,
    find_trainee,
    register_trainee,
    update_trainee,
)
from registry.extensions import db
from tests import factories


def count() -> int:
    return db.session.scalar(select(func.count(Trainee.id)))


def data(**overrides) -> TraineeData:
    values = dict(document_type="resident_id", document_number=factories.id_number(date(1988, 5, 20)),
                  name="陈小红", hukou_type="rural")
    values.update(overrides)
    return TraineeData(**values)


def test_sex_and_birth_date_come_from_the_id_number():
    trainee = register_trainee(data(document_number=factories.id_number(date(1988, 5, 20), male=False))).trainee
    assert (trainee.sex, trainee.birth_date) == ("F", date(1988, 5, 20))


def test_typed_birth_date_that_contradicts_the_id_is_refused():
    before = count()
    with pytest.raises(DomainError) as error:
        register_trainee(data(birth_date=date(1988, 5, 21)))
    assert error.value.field == "birth_date"
    assert "1988-05-20" in error.value.message
    assert count() == before


def test_typed_sex_that_contradicts_the_id_is_refused():
    with pytest.raises(DomainError) as error:
        register_trainee(data(document_number=factories.id_number(male=True), sex="F"))
    assert error.value.field == "sex"


def test_duplicate_document_is_refused_and_found_however_typed():
    number = factories.id_number()
    first = register_trainee(data(document_number=number)).trainee
    with pytest.raises(DomainError) as error:
        register_trainee(data(document_number=number, name="另一个人"))
    assert error.value.field == "document_number"
    messy = f" {number[:6]} {number[6:]} ".lower()
    assert find_trainee("resident_id", messy) == first


def test_other_documents_need_sex_and_birth_date_typed():
    with pytest.raises(DomainError) as error:
        register_trainee(data(document_type="passport", document_number="E1234567"))
    assert error.value.field == "sex"
    trainee = register_trainee(
        data(document_type="passport", document_number="e1234567", sex="M", birth_date=date(1980, 1, 2))
    ).trainee
    assert trainee.document_number == "E1234567"


def test_unknown_area_code_registers_with_a_warning():
    number = "449999199003071234"
    from stdnum.cn import ric

    number = number[:17] + ric.calc_check_digit(number)
    registration = register_trainee(data(document_number=number))
    assert registration.created and registration.warnings


def test_groups_and_assisted_region():
    with pytest.raises(DomainError) as error:
        register_trainee(data(tags={"assisted_region"}))
    assert error.value.field == "assisted_region"
    trainee = register_trainee(data(tags={"veteran", "assisted_region"}, assisted_region="梅州")).trainee
    assert trainee.tag_codes == {"veteran", "assisted_region"}
    assert trainee.assisted_region == "梅州"



def test_unknown_group_is_refused_and_name_spacing_is_folded():
    with pytest.raises(DomainError) as error:
        register_trainee(data(tags={"veteran", "astronaut"}))
    assert error.value.field == "tags"
    trainee = register_trainee(data(name="  Mary \t\u3000 Chen\n", document_type="passport",
                                    document_number="E12345678", sex="F", birth_date=date(1990, 1, 2))).trainee
    assert trainee.name == "Mary Chen"

@pytest.mark.parametrize(
    "field,overrides",
    [("name", {"name": "1"}), ("hukou_type", {"hukou_type": ""}), ("phone", {"phone": "12345"})],
)
def test_bad_fields_name_themselves(field, overrides):
    with pytest.raises(DomainError) as error:
        register_trainee(data(**overrides))
    assert error.value.field == field


def test_birth_date_after_the_day_given_is_refused_as_after_today():
    # An import gives the day once for every row; the form's rule and message stand.
    born = date(2024, 5, 6)
    passport = data(document_type="passport", document_number="E12345678", sex="F", birth_date=born)
    assert check_trainee(passport, on=born + timedelta(days=1))[0]["birth_date"] == born
    with pytest.raises(DomainError) as error:
        check_trainee(passport, on=born)
    assert (error.value.field, error.value.message) == ("birth_date", "出生日期应早于今天")
    from_number = data(document_number=factories.id_number(born))
    with pytest.raises(DomainError) as error:
        check_trainee(from_number, on=born)
    assert (error.value.field, error.value.message) == ("birth_date", "出生日期应早于今天")
    with pytest.raises(DomainError) as error:
        check_trainee(from_number, on=born - timedelta(days=1))
    assert error.value.field == "document_number" and "晚于今天" in error.value.message


def test_normalised_fields_are_checked_as_the_raw_ones():
    typed = data(document_number=" " + factories.id_number(date(1988, 5, 20)).lower(), phone="020-8765 4321")
    clean = data(document_number=typed.document_number.strip().upper(), phone="02087654321")
    assert check_trainee(clean, normalised=True) == check_trainee(typed)
    with pytest.raises(DomainError) as error:
        check_trainee(data(phone="12345"), normalised=True)
    assert error.value.field == "phone"


@pytest.mark.parametrize("typed,kept", [("+86 138 0013 8000", "13800138000"), ("(020) 8765-4321", "02087654321"),
                                         ("+86-20-8765-4321", "02087654321")])
def test_a_phone_typed_with_its_country_code_or_brackets_is_kept_as_the_number(typed, kept):
    values, _ = check_trainee(data(phone=typed))
    assert values["phone"] == kept


def test_update_cannot_take_another_trainees_document():
    one = factories.trainee()
    other = factories.trainee(name="李四")
    with pytest.raises(DomainError) as error:
        update_trainee(one, data(document_number=other.document_number, name=one.name))
    assert error.value.field == "document_number"
