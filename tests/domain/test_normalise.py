"""What a clerk means by a cell: numbers stored by Excel, CSV exports, full-width digits, dates, words."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from registry.domain import normalise
from tests import factories

ID = factories.id_number(date(1990, 3, 7))


@pytest.mark.parametrize(
    "cell,expected",
    [
        (ID, ID),
        (ID + ".0", ID),  # Excel's CSV export of a number cell
        (ID + ".00", ID),
        (" " + ID[:6] + " " + ID[6:] + " ", ID),
        ("".join(chr(ord(c) + 0xFEE0) for c in ID), ID),  # full-width digits
        ("44010619900307123x", "44010619900307123X"),  # lower-case x
        (12345678.0, "12345678"),  # an 8-digit 台胞证 stored as a number
        (987654321012.0, "987654321012"),  # a digits-only passport stored as a number
        (12345678, "12345678"),
        ("E12345678", "E12345678"),
    ],
)
def test_document_numbers_as_typed(cell, expected):
    assert normalise.document_number(cell) == expected


def test_a_number_already_as_it_should_be_is_the_cell_itself():
    # An import's stored rows then keep the cell and the checked number as one string.
    cell = "".join(["4401", ID[4:]])
    assert normalise.document_number(cell) is cell
    assert normalise.phone(phone := "".join(["138", "00138000"])) is phone


@pytest.mark.parametrize("cell", [float(ID), 4.40106199001011e17, "4.40106E+17", "4.40106e17", " 4.40106199E+17 "])
def test_document_numbers_stored_as_numbers_lost_their_last_digits(cell):
    with pytest.raises(ValueError) as error:
        normalise.document_number(cell)
    message = str(error.value)
    assert "存成了数字" in message and "末几位已丢失" in message and "文本" in message
    assert "现为" not in message


@pytest.mark.parametrize("cell", [12.5, float("nan"), -1.0])
def test_number_cells_that_are_no_document_are_refused(cell):
    with pytest.raises(ValueError):
        normalise.document_number(cell)


@pytest.mark.parametrize("cell", ["NaN", "nan", "inf", "-Infinity", "sNaN"])
def test_non_finite_numbers_are_refused(cell):
    with pytest.raises(ValueError) as error:
        normalise.number(cell, "实到学时")
    assert "实到学时" in str(error.value)


@pytest.mark.parametrize("cell,expected", [("80", Decimal("80")), ("76学时", Decimal("76")), (80.5, Decimal("80.5")),
                                           ("1,200", Decimal("1200")), ("", None), (None, None)])
def test_numbers(cell, expected):
    assert normalise.number(cell, "学时") == expected


@pytest.mark.parametrize(
    "cell,expected",
    [
        (datetime(1990, 3, 7, 0, 0), date(1990, 3, 7)),
        (date(1990, 3, 7), date(1990, 3, 7)),
        (32939, date(1990, 3, 7)),  # an Excel serial day number
        (32939.0, date(1990, 3, 7)),
        (32939.75, date(1990, 3, 7)),  # a serial with a time of day
        ("1990/3/7 0:00:00", date(1990, 3, 7)),  # Excel's CSV export of a date cell
        ("1990/3/17 0:00", date(1990, 3, 17)),
        ("1990-03-07 08:30", date(1990, 3, 7)),
        ("2024-01-02T00:00:00", date(2024, 1, 2)),
        ("2024-01-02T00:00:00.000Z", date(2024, 1, 2)),
        ("2024-01-02 00:00:00+08:00", date(2024, 1, 2)),
        ("2024-1-2", date(2024, 1, 2)),
        ("2024.1.2", date(2024, 1, 2)),
        ("2024 年 1 月 2 日", date(2024, 1, 2)),
        ("２０２４年１月２日", date(2024, 1, 2)),  # full-width digits
        ("20240102", date(2024, 1, 2)),
        ("", None),
        (None, None),
    ],
)
def test_dates_as_people_and_programs_write_them(cell, expected):
    assert normalise.a_date(cell, "出生日期") == expected


@pytest.mark.parametrize("cell", ["2024-02-30", "1990/3/7 0:00:00 上午x", "明天", "2024-13-01T00:00:00"])
def test_impossible_dates_are_refused_naming_the_field(cell):
    with pytest.raises(ValueError) as error:
        normalise.a_date(cell, "出生日期")
    assert "出生日期" in str(error.value)


@pytest.mark.parametrize("cell,expected", [("男", "M"), ("女性", "F"), ("男士", "M"), ("女士", "F"), ("1", "M"),
                                           ("2", "F"), (1, "M"), (2.0, "F"), ("m", "M"), ("", None)])
def test_sex_words_and_gb_t_2261_codes(cell, expected):
    assert normalise.sex(cell) == expected


@pytest.mark.parametrize("cell,expected", [
    ("城镇", "urban"), ("城镇户口", "urban"), ("非农业户口", "urban"), ("本市城镇户籍", "urban"), ("非农户", "urban"),
    ("外省农业户口", "rural"), ("农村户籍", "rural"), ("本地农村", "rural"), ("农业户", "rural"), ("", None),
])
def test_hukou_kinds_with_the_place_and_the_word_hukou_around_them(cell, expected):
    assert normalise.hukou(cell) == expected


@pytest.mark.parametrize("cell", ["本市", "户口", "半城镇", "城乡"])
def test_hukou_words_without_a_kind_are_refused(cell):
    with pytest.raises(ValueError) as error:
        normalise.hukou(cell)
    assert "户籍类型" in str(error.value)


@pytest.mark.parametrize("cell", ["0", "9", "3", "未知"])
def test_sex_codes_that_say_nothing_are_refused(cell):
    with pytest.raises(ValueError):
        normalise.sex(cell)


@pytest.mark.parametrize("cell,expected", [("１３８００１３８０００", "13800138000"), (13800138000.0, "13800138000"),
                                           ("\u3000 王五 ", "王五"), ("a  b", "a b"), (None, "")])
def test_text_is_half_width_and_trimmed(cell, expected):
    assert normalise.text(cell) == expected


@pytest.mark.parametrize("cell,expected", [("张 三", "张三"), ("欧阳 小 明", "欧阳小明"), ("John   Smith", "John Smith")])
def test_person_names_lose_typing_noise(cell, expected):
    assert normalise.person_name(cell) == expected


@pytest.mark.parametrize("cell,expected", [("１３８００１３８０００", "13800138000"), (13800138000.0, "13800138000"),
                                           ("020-8765 4321", "02087654321"), ("", ""),
                                           # the country code and the brackets round an area code are noise
                                           ("+86 138 0013 8000", "13800138000"), ("0086-13800138000", "13800138000"),
                                           ("8613800138000", "13800138000"), (8613800138000, "13800138000"),
                                           ("（020）8765 4321", "02087654321"), ("+86-20-8765-4321", "02087654321"),
                                           ("+86 (0)20 8765 4321", "02087654321"),
                                           # a bare 86 before anything but a mobile is not taken for one
                                           ("862087654321", "862087654321")])
def test_phones(cell, expected):
    assert normalise.phone(cell) == expected


@pytest.mark.parametrize("cell", ["13800138000", "１３８００１３８０００", "138 0013 8000", "020-87654321", "0", "", None,
                                  13800138000, 13800138000.0, "٣٣٣", "²³"])
def test_phone_numbers_of_digits_alone_come_back_as_typed_and_the_rest_folded(cell):
    from registry.domain.identifiers import normalise_code

    typed = normalise.text(cell)
    assert normalise.phone(cell) == (normalise_code(typed) if typed else "")
