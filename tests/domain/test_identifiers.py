"""Identity documents and credit codes: what passes, what fails and with which message."""
from datetime import date, timedelta

import pytest
from stdnum.cn import ric, uscc

from registry.domain.errors import DomainError
from registry.domain.identifiers import (
    check_credit_code,
    check_document,
    mask_document,
    mask_name,
    normalise_code,
)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")  # stdnum wants the check position present


def test_valid_resident_id_gives_birth_date_and_sex():
    number = with_check("44010619900307123")
    document = check_document("resident_id", number)
    assert document.number == number
    assert document.birth_date == date(1990, 3, 7)
    assert document.sex == "M"  # 17th digit 3 is odd
    assert document.warnings == []


def test_female_from_even_sequence_digit():
    assert check_document("resident_id", with_check("44010619900307122")).sex == "F"


def test_wrong_check_character_is_refused_naming_the_field():
    number = with_check("44010619900307123")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(DomainError) as error:
        check_document("resident_id", wrong)
    assert error.value.field == "document_number"
    assert "校验位错误" in error.value.message


@pytest.mark.parametrize(
    "raw",
    ["4401061990030712", "44010619900307123X1", "4401061990O307123X"],
)
def test_bad_length_or_characters(raw):
    with pytest.raises(DomainError) as error:
        check_document("resident_id", raw)
    assert "居民身份证" in error.value.message


def test_impossible_birth_date_is_refused():
    with pytest.raises(DomainError) as error:
        check_document("resident_id", with_check("44010619900230123"))
    assert "出生日期" in error.value.message


def test_future_birth_date_is_refused():
    future = date.today() + timedelta(days=400)
    with pytest.raises(DomainError) as error:
        check_document("resident_id", with_check(f"440106{future:%Y%m%d}123"))
    assert "晚于今天" in error.value.message


def test_the_day_a_caller_gives_is_the_one_birth_dates_may_not_be_after():
    # An import checks every row against one day, given once; the rule and message are today's.
    born = date(2024, 5, 6)
    number = with_check(f"440106{born:%Y%m%d}123")
    assert check_document("resident_id", number, on=born).birth_date == born
    with pytest.raises(DomainError) as error:
        check_document("resident_id", number, on=born - timedelta(days=1))
    assert (error.value.field, error.value.message) == ("document_number", "居民身份证号码中的出生日期晚于今天")


def test_an_already_normalised_number_gives_what_the_raw_one_gives():
    number = with_check("44010619900307123")
    assert check_document("resident_id", number, normalised=True) == check_document("resident_id", number)
    assert check_document("passport", "E1234567", normalised=True).number == "E1234567"
    # Anything but ASCII is folded all the same (normalise_code's result is final only for ASCII).
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert check_document("resident_id", full_width, normalised=True).number == number


def test_unknown_area_code_is_accepted_with_a_warning():
    # 449999 is not an area python-stdnum knows; the checksum and birth date are fine.
    document = check_document("resident_id", with_check("44999919900307123"))
    assert document.warnings and "449999" in document.warnings[0]


def test_area_code_newer_than_the_birth_year_is_no_warning():
    # 440105 (海珠区) dates from 1983 in python-stdnum's table; people born before then hold it too.
    document = check_document("resident_id", with_check("44010519600307123"))
    assert document.warnings == []
    assert document.birth_place.endswith("海珠区")


def test_messy_typing_is_normalised():
    number = with_check("44010619900307123")
    spaced = " " + number[:6] + " " + number[6:14] + "-" + number[14:].lower() + " "
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert check_document("resident_id", spaced).number == number
    assert check_document("resident_id", full_width).number == number
    assert normalise_code("44010619900101002x") == "44010619900101002X"


def test_hk_macao_taiwan_residence_permit_uses_the_same_layout():
    assert check_document("hmt_residence", with_check("81000019900307123")).birth_date == date(1990, 3, 7)
    with pytest.raises(DomainError):
        check_document("hmt_residence", with_check("44010619900307123"))
    with pytest.raises(DomainError) as error:
        check_document("resident_id", with_check("81000019900307123"))
    assert error.value.field == "document_type"


@pytest.mark.parametrize(
    "kind,good,bad",
    [
        ("hk_macao_permit", "H12345678", "X12345678"),
        ("taiwan_permit", "12345678", "1234567"),
        ("passport", "E12345678", "E1"),
        ("foreign_permanent", "USA123456789012", "US12345"),
    ],
)
def test_other_documents_are_format_checked(kind, good, bad):
    assert check_document(kind, good.lower()).number == good
    with pytest.raises(DomainError) as error:
        check_document(kind, bad)
    assert error.value.field == "document_number"


def test_unknown_document_type():
    with pytest.raises(DomainError) as error:
        check_document("library_card", "123")
    assert error.value.field == "document_type"


def credit(body: str) -> str:
    return body + uscc.calc_check_digit(body)


@pytest.mark.parametrize(
    "body",
    [
        "91440101MA5CXXXX0",  # market regulator (9), company
        "52440000MJL12345A",  # civil affairs (5): letters in the organisation code
        "Y2440106MB1234567",  # other authorities (Y)
        "N1440113MA7123456",  # agriculture (N)
        "A1110000MB0123456",  # registration authority A
        "12440000455858998",  # public institution (1)
    ],
)
def test_valid_credit_codes_pass_including_letter_authorities(body):
    code = credit(body)
    assert check_credit_code(code) == code
    assert check_credit_code(code.lower()[:9] + " " + code[9:]) == code


def test_every_wrong_check_character_fails():
    code = credit("Y2440106MB1234567")
    for character in ALPHABET:
        if character == code[-1]:
            continue
        with pytest.raises(DomainError) as error:
            check_credit_code(code[:-1] + character)
        assert error.value.field == "credit_code"
        assert "校验位" in error.value.message


@pytest.mark.parametrize(
    "raw,fragment",
    [
        ("91440101MA5CXXXX", "18 位"),
        ("91440101MA5CXXXXIO", "无效字符"),
        ("01440101MA5CXXXX01", "登记管理部门"),
        ("9144A101MA5CXXXX01", "行政区划"),
    ],
)
def test_malformed_credit_codes(raw, fragment):
    with pytest.raises(DomainError) as error:
        check_credit_code(raw)
    assert fragment in error.value.message


def test_masking():
    assert mask_name("张三明") == "张*明"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_document("44010619900307123X") == "440106********123X"
    assert mask_document("H12345678") == "H1*****78"
