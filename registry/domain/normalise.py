"""What a clerk would consider the same value: spreadsheet cells to registry values.

Each function takes a raw cell (str, number, date or None) and returns the registry's value, or
raises ValueError with a Chinese explanation. Unknown words are refused, not guessed.
"""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from .identifiers import normalise_code, normalise_phone

EXCEL_EPOCH = date(1899, 12, 30)


def text(value: Any) -> str:
    """Half-width, trimmed, inner runs of spaces folded to one; numbers without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value)
    if not result.isascii():  # ASCII is its own NFKC form
        result = unicodedata.normalize("NFKC", result).replace("\u3000", " ")
    # str.split() splits on exactly the characters re's \s matches (str.isspace).
    return " ".join(result.split())


def person_name(value: Any) -> str:
    """张 三 → 张三 (spaces between Chinese characters are typing noise); Latin names keep one space."""
    name = text(value)
    if " " not in name:
        return name
    return re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", name)


#: Below this a number cell holds every digit exactly (Excel keeps 15 significant digits).
EXACT_NUMBER_LIMIT = 10**15
LOST_DIGITS = ("证件号码所在单元格被表格软件存成了数字,末几位已丢失(如 4.40106E+17);"
               "请把该列设为“文本”格式后重新填写完整号码")
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?E[+-]?\d+$", re.IGNORECASE)


def document_number(value: Any) -> str:
    """A document number as typed; number cells are read back as their digits while that is exact.

    An 8-digit 台胞证 or a digits-only passport stored as a number comes back whole; an 18-digit
    居民身份证 stored as a number has lost its last digits (Excel keeps 15), so it is refused. Excel's
    CSV export writes such cells as 4.40106E+17 (refused the same way) and whole numbers with a
    trailing .0 (dropped).
    """
    if value.__class__ is str and value.isascii() and value.isalnum() and value[:-1].isdigit():
        # The usual cell: digits and perhaps a check letter; nothing below would change it but the case
        # (the cell itself when there is none to change: the stored rows then keep one string).
        return value.upper() if value[-1].islower() else value
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer() or value < 0:
            raise ValueError(f"「{value}」不是证件号码")
        if value >= EXACT_NUMBER_LIMIT:
            raise ValueError(LOST_DIGITS)
        value = int(value)
    if isinstance(value, int):
        value = str(value)
    raw = text(value).replace(" ", "")
    if _SCIENTIFIC.match(raw):
        raise ValueError(LOST_DIGITS)
    raw = re.sub(r"\.0+$", "", raw)
    return normalise_code(raw)


def _lookup(value: Any, table: dict[str, str], label: str, blank: str | None = None) -> str | None:
    word = text(value).replace(" ", "")
    if not word:
        return blank
    key = word.upper()
    if key in table:
        return table[key]
    raise ValueError(f"{label}「{word}」无法识别")


def _table(pairs: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {alias.upper(): code for code, aliases in pairs.items() for alias in aliases}


DOCUMENT_TYPE_WORDS = _table({
    "resident_id": ("居民身份证", "身份证", "二代身份证", "大陆居民身份证", "中华人民共和国居民身份证", "resident_id"),
    "hmt_residence": ("港澳台居民居住证", "港澳居民居住证", "台湾居民居住证", "居住证", "hmt_residence"),
    "hk_macao_permit": ("港澳居民来往内地通行证", "回乡证", "港澳通行证", "hk_macao_permit"),
    "taiwan_permit": ("台湾居民来往大陆通行证", "台胞证", "taiwan_permit"),
    "foreign_permanent": ("外国人永久居留身份证", "外国人永久居留证", "永居证", "foreign_permanent"),
    "passport": ("护照", "外国护照", "passport"),
})
#: 1 and 2 are the GB/T 2261.1 codes (0 unknown and 9 unstated are refused: they say nothing).
SEX_WORDS = _table({"M": ("男", "男性", "男士", "1", "M", "MALE"), "F": ("女", "女性", "女士", "2", "F", "FEMALE")})
HUKOU_WORDS = _table({
    "urban": ("城镇", "城市", "非农", "非农业", "居民", "城镇居民", "urban"),
    "rural": ("农村", "农业", "农村居民", "rural"),
})
#: Around the hukou's kind, what forms add: where it is registered and the word 户口 (本市城镇户口,
#: 外省农业户籍, 非农户): the kind is all the registry keeps.
_HUKOU_NOISE = re.compile(r"^(?:本市|外市|本地|外地|本省|外省|省内|省外|市内|市外|广州|非广州)|(?:户口|户籍|户)$")
EDUCATION_WORDS = _table({
    "primary": ("小学", "小学及以下", "文盲", "半文盲"),
    "junior": ("初中", "初级中学"),
    "senior": ("高中", "中专", "技校", "职高", "中技", "高中/中专/技校", "中职", "高级中学", "技工学校", "职业高中",
               "中等专业学校", "中等职业学校", "中专/技校"),
    "college": ("大专", "专科", "高职", "大学专科"),
    "bachelor": ("本科", "大学本科", "硕士", "研究生", "博士", "本科及以上", "硕士研究生", "博士研究生", "研究生及以上"),
})
TAG_WORDS = _table({
    "veteran": ("退役军人", "退伍军人", "军人"),
    "disabled": ("残疾人", "残疾"),
    "school_leaver": ("两后生",),
    "low_income": ("脱贫/低保家庭", "脱贫家庭", "低保家庭", "脱贫户", "低保户", "脱贫", "低保", "建档立卡"),
    "hard_to_employ": ("就业困难人员", "就业困难"),
    "unemployed": ("失业人员", "失业", "登记失业"),
    "assisted_region": ("帮扶地区", "帮扶地区人员"),
})
RESULT_WORDS = _table({
    "passed": ("合格", "通过", "及格", "是"),
    "failed": ("不合格", "未通过", "不及格", "否"),
    "absent": ("缺考", "缺席", "未参加"),
})
ASSESSMENT_WORDS = _table({
    "skill_level": ("职业技能等级认定", "技能等级认定", "等级认定"),
    "special_ability": ("专项职业能力考核", "专项能力考核", "专项考核", "专项"),
    "training_qualified": ("培训合格评价", "培训合格", "结业考核"),
})


def document_type(value: Any) -> str:
    return _lookup(value, DOCUMENT_TYPE_WORDS, "证件类型", blank="resident_id")


def sex(value: Any) -> str | None:
    return _lookup(value, SEX_WORDS, "性别")


def hukou(value: Any) -> str | None:
    word = text(value).replace(" ", "")
    bare = _HUKOU_NOISE.sub("", word)  # the place in front and 户口 behind, in one pass
    if bare.upper() in HUKOU_WORDS:
        return HUKOU_WORDS[bare.upper()]
    return _lookup(word, HUKOU_WORDS, "户籍类型")


def education(value: Any) -> str | None:
    return _lookup(value, EDUCATION_WORDS, "文化程度")


#: No result yet, as the roster (and people) write it: read as a blank cell.
NO_RESULT_WORDS = frozenset({"未考核", "待考核", "未评价"})


def result(value: Any) -> str | None:
    if text(value).replace(" ", "") in NO_RESULT_WORDS:
        return None
    return _lookup(value, RESULT_WORDS, "考核结果")


def assessment_type(value: Any) -> str | None:
    return _lookup(value, ASSESSMENT_WORDS, "考核类型")


def tags(value: Any) -> set[str]:
    words = [w for w in re.split(r"[、,;/\s|]+", text(value).replace(",", ",")) if w]
    found = set()
    for word in words:
        # "脱贫/低保家庭" is split above; each half is in the table.
        found.add(_lookup(word, TAG_WORDS, "人员类别"))
    return found


_TIME_SUFFIX = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def a_date(value: Any, label: str = "日期") -> date | None:
    """Dates as Excel, WPS and people write them: cells, 2024-1-2, 2024/01/02, 2024.1.2, 2024年1月2日, 20240102."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and 1 < value < 80000:
        return EXCEL_EPOCH + timedelta(days=int(value))
    # The time part first (CSV exports write 1990/3/7 0:00:00, ISO text 2024-01-02T00:00:00), then
    # the spaces people type inside a date.
    raw = _TIME_SUFFIX.sub("", text(value)).replace(" ", "")
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                break
    raise ValueError(f"{label}「{text(value)}」不是有效日期,请写成 2024-01-31")


def number(value: Any, label: str) -> Decimal | None:
    if value is None or text(value) == "":
        return None
    raw = text(value).replace(",", "")
    raw = re.sub(r"(学时|小时|分)$", "", raw)
    try:
        result = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{label}「{text(value)}」不是数字") from None
    if not result.is_finite():
        # NaN and Infinity parse as Decimals but are not amounts anyone can record.
        raise ValueError(f"{label}「{text(value)}」不是有效数字")
    return result


def phone(value: Any) -> str:
    if value.__class__ is str and value.isdigit() and value.isascii() and not value.startswith(("86", "00")):
        return value  # the usual cell, as text() and normalise_phone() would give it back
    typed = text(value)
    return normalise_phone(typed) if typed else ""
