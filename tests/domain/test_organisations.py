"""Bases and enterprises: credit codes checked, duplicates refused, recognitions kept as history."""
from datetime import date

import pytest

from registry.domain.errors import DomainError
from registry.domain.organisations import operations
from tests import factories


def test_invalid_credit_code_names_the_field():
    with pytest.raises(DomainError) as error:
        factories.base(credit_code="91440101MA5CXXXX00")
    assert error.value.field == "credit_code"


def test_duplicate_credit_code_is_refused_for_bases_and_enterprises():
    code = factories.credit_code()
    factories.base(name="甲基地", credit_code=code)
    with pytest.raises(DomainError) as error:
        factories.base(name="乙基地", credit_code=code.lower())
    assert "甲基地" in error.value.message
    factories.enterprise(credit_code=code)  # an enterprise may share nothing with bases' table


def test_overlapping_recognition_is_refused_but_a_later_one_after_ending_is_allowed():
    base = factories.base(programmes=())
    first = operations.add_recognition(base, "yuecai", "city", date(2020, 1, 1))
    with pytest.raises(DomainError):
        operations.add_recognition(base, "yuecai", "province", date(2022, 1, 1))
    operations.end_recognition(first, date(2021, 12, 31))
    operations.add_recognition(base, "yuecai", "province", date(2022, 1, 1))
    assert base.recognised_programme_codes(date(2021, 6, 1)) == {"yuecai"}
    assert [r.level for r in base.current_recognitions(date(2023, 1, 1))] == ["province"]


def test_unknown_programme_is_refused():
    with pytest.raises(DomainError) as error:
        operations.add_recognition(factories.base(programmes=()), "no_such", "city", date(2020, 1, 1))
    assert error.value.field == "programme_code"
