"""Identity documents and organisation codes: normalise, validate, mask.

Checksums come from python-stdnum (``stdnum.cn.ric``, ``stdnum.cn.uscc``); this module wraps
it where its rules are stricter or staler than the standards (see DOMAIN.md, Identifiers).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date

from stdnum.cn import ric, uscc

from .common import today
from .errors import DomainError

#: Document types a trainee may present (code → label shown on screen).
DOCUMENT_TYPES = {
    "resident_id": "居民身份证",
    "hmt_residence": "港澳台居民居住证",
    "hk_macao_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "foreign_permanent": "外国人永久居留身份证",
    "passport": "护照",
}

#: Documents that carry the GB 11643 layout (birth date, sex, checksum).
GB11643_DOCUMENTS = {"resident_id", "hmt_residence"}

#: Area prefixes of 港澳台居民居住证 (GB 11643 layout, 81/82/83 for HK, Macao, Taiwan).
HMT_PREFIXES = ("810000", "820000", "830000")

_OTHER_DOCUMENT_PATTERNS = {
    "hk_macao_permit": (re.compile(r"^[HM]\d{8}(\d{2})?$"), "应为 H 或 M 开头加 8 或 10 位数字"),
    "taiwan_permit": (re.compile(r"^\d{8}$"), "应为 8 位数字"),
    "foreign_permanent": (re.compile(r"^([A-Z]{3}\d{12}|9\d{17})$"), "应为 15 位(3 个字母加 12 位数字)或 9 开头的 18 位"),
    "passport": (re.compile(r"^[A-Z0-9]{5,20}$"), "应为 5 到 20 位字母或数字"),
}


def normalise_code(value: str | None) -> str:
    """What a clerk would consider the same code: full-width to half-width, no spaces or dashes, upper case."""
    if value and value.isascii() and value.isalnum():
        # Nothing to fold or strip; digits alone come back as the same object (an import's stored
        # rows then keep the cell and the value as one string).
        return value if value.isdigit() else value.upper()
    text = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-_./·]", "", text).upper()


#: A phone number as the registry keeps it: an 11-digit mobile, or a landline's area code (0 and 2 or 3
#: digits) and its 7 or 8 digits.
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
#: The country code in front of a number: +86 or 0086, or a bare 86 before an 11-digit mobile.
_COUNTRY_CODE = re.compile(r"^(?:\+86|0086|86(?=1[3-9]\d{9}$))")


def normalise_phone(value: str | None) -> str:
    """What a clerk would consider the same phone number: normalise_code's folding, without brackets
    round the area code or the country code (+86 138 0013 8000, (020)8765 4321, +86-20-8765-4321 →
    13800138000, 02087654321, 02087654321: a landline's leading 0 comes back with its area code)."""
    if value and value.isascii() and value.isdigit() and not value.startswith(("86", "00")):
        return value  # the usual cell: nothing to fold or strip
    number = normalise_code(value).replace("(", "").replace(")", "")
    national = _COUNTRY_CODE.sub("", number)
    if national != number and national[:1] not in ("", "0", "1"):
        national = "0" + national
    return national


@dataclass(slots=True)
class IdentityDocument:
    document_type: str
    number: str
    birth_date: date | None = None
    sex: str | None = None  # "M" / "F"
    birth_place: str | None = None
    warnings: list[str] = field(default_factory=list)


def check_document(document_type: str, raw_number: str, field_name: str = "document_number", *,
                   on: date | None = None, normalised: bool = False) -> IdentityDocument:
    """Validate a trainee's document; raise DomainError naming the field when it is wrong.

    ``on`` is the day a birth date may not be after (today, unless a caller checking many numbers
    gives it once); ``normalised`` says ``raw_number`` is already normalise_code's result (an
    import's cell), which is then not folded again (it is the same for ASCII, which is all a valid number is).
    """
    if document_type not in DOCUMENT_TYPES:
        raise DomainError("证件类型无效", "document_type")
    label = DOCUMENT_TYPES[document_type]
    number = raw_number if normalised and raw_number.isascii() else normalise_code(raw_number)
    if not number:
        raise DomainError(f"请填写{label}号码", field_name)
    if document_type in GB11643_DOCUMENTS:
        return _check_gb11643(document_type, number, label, field_name, today() if on is None else on)
    pattern, hint = _OTHER_DOCUMENT_PATTERNS[document_type]
    if not pattern.match(number):
        raise DomainError(f"{label}号码格式不正确:{hint}", field_name)
    return IdentityDocument(document_type, number)


def _check_gb11643(document_type: str, number: str, label: str, field_name: str, on: date) -> IdentityDocument:
    """GB 11643 layout: 6-digit area, 8-digit birth date, 3-digit sequence (odd = male), check character."""
    if len(number) != 18:
        raise DomainError(f"{label}号码应为 18 位,现为 {len(number)} 位", field_name)
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise DomainError(f"{label}号码格式不正确:前 17 位应为数字,末位为数字或 X", field_name)
    if number[17] != ric.calc_check_digit(number):
        raise DomainError(f"{label}号码校验位错误,请核对号码", field_name)
    try:
        # ric.get_birth_date's reading of the digits, without its clean-up of an already clean number.
        birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise DomainError(f"{label}号码中的出生日期无效", field_name) from None
    if birth_date > on:
        raise DomainError(f"{label}号码中的出生日期晚于今天", field_name)
    if document_type == "hmt_residence" and not number.startswith(HMT_PREFIXES):
        raise DomainError(f"{label}号码应以 810000、820000 或 830000 开头", field_name)
    if document_type == "resident_id" and number.startswith(HMT_PREFIXES):
        raise DomainError("该号码属于港澳台居民居住证,请选择对应证件类型", "document_type")
    result = IdentityDocument(document_type, number, birth_date, "M" if int(number[16]) % 2 else "F")
    if document_type == "resident_id":
        result.birth_place = _birth_place(number[:6], birth_date.year)
        if result.birth_place is None:
            # python-stdnum's area table is stale: a new area code is not an error (issue 2).
            result.warnings.append(f"地区码 {number[:6]} 不在本系统的行政区划表中,请确认号码无误")
    return result


def load_area_table() -> None:
    """Read python-stdnum's area table now (about 0.05 s, once per process), when the app starts, not
    in the middle of the first request that checks a 居民身份证 number."""
    from stdnum import numdb

    numdb.get("cn/loc")


@lru_cache(maxsize=4096)
def _area_places(area: str) -> list[tuple[int | None, int | None, str]] | None:
    """python-stdnum's table entry for an area code, read once per area (each look-up reads its data
    file: about half a millisecond): (first year, last year, place) per county name, as
    ric.get_birth_place reads ``[start-end]name`` entries; years None where open."""
    from stdnum import numdb

    results = numdb.get("cn/loc").info(area)
    info = {key: value for _, props in results for key, value in props.items()}
    if "county" not in info:
        return None
    places = []
    for county in info["county"].split(","):
        if not county.startswith("["):
            places.append((None, None, "".join(info.values())))
            break  # ric.get_birth_place stops at the first county without years
        years, name = county[1:].split("]")
        first, last = years.split("-")
        places.append((int(first) if first else None, int(last) if last else None,
                       "".join({**info, "county": name}.values())))
    return places


@lru_cache(maxsize=4096)
def _birth_place(area: str, year: int) -> str | None:
    """The place an area code stood for in a birth year (ric.get_birth_place's rule over the cached
    table entry); imports ask for a few areas a hundred thousand times.

    Unlike ric.get_birth_place, a code that came into use after the birth year is that place, not
    unknown: numbers were first issued in 1984 (GB 11643), to people born long before, with the
    code of where they lived then (海珠区's 440105 dates from 1983; its people born in 1960 hold it).
    Only a code withdrawn before the person was born, or absent from the table, is unknown."""
    places = _area_places(area) or ()
    for first, last, place in places:
        if (first is None or year >= first) and (last is None or year <= last):
            return place
    later = [(first, place) for first, _, place in places if first is not None and first > year]
    return min(later)[1] if later else None


#: First character of a 统一社会信用代码: the registration authority (GB 32100 table 1).
_USCC_AUTHORITIES = set("123456789ANY")
_USCC_ALPHABET = set("0123456789ABCDEFGHJKLMNPQRTUWXY")


def check_credit_code(raw: str, field_name: str = "credit_code") -> str:
    """Validate a 统一社会信用代码 (GB 32100); return it normalised.

    python-stdnum's ``uscc.validate`` wants digits in the first eight places, but codes issued by
    authorities such as 民政 (5), 农业 (N) or 其他 (Y) carry letters there, so only its
    check-character calculation is used.
    """
    code = normalise_code(raw)
    if len(code) != 18:
        raise DomainError(f"统一社会信用代码应为 18 位,现为 {len(code)} 位", field_name)
    if any(c not in _USCC_ALPHABET for c in code):
        raise DomainError("统一社会信用代码含有无效字符(不使用 I、O、Z、S、V)", field_name)
    if code[0] not in _USCC_AUTHORITIES:
        raise DomainError("统一社会信用代码第 1 位(登记管理部门代码)无效", field_name)
    if not code[2:8].isdigit():
        raise DomainError("统一社会信用代码第 3–8 位应为行政区划数字", field_name)
    if code[17] != uscc.calc_check_digit(code[:17]):
        raise DomainError("统一社会信用代码校验位错误,请核对", field_name)
    return code


def mask_name(name: str) -> str:
    """张三明 → 张*明, 张三 → 张*: enough for the holder to recognise, not enough to identify."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(number: str) -> str:
    """18916402443 → 189****2443; a landline keeps two characters at each end (020-****67)."""
    number = number or ""
    if len(number) == 11 and number.isdigit():
        return number[:3] + "****" + number[-4:]
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


def mask_document(number: str) -> str:
    """440106199001011234 → 440106********1234; short numbers keep two characters at each end."""
    number = number or ""
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[-4:]
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]
