"""What a QR code carries: the document number and its signed compact fields.

The code is a URL ``<public base>/C/<number>/<fields>`` in upper case, so the whole of it fits QR's
alphanumeric mode (5.5 bits a character instead of 8). ``<fields>`` is base32 of::

    version (1) | key id (2) | document type (1) | issued: days since 2000-01-01 (2)
    | valid until: days, 0 = no end (2) | level, 0 = none (1) | title UTF-8 | 0x1F | holder UTF-8
    | Ed25519 signature (64)

The signature covers :func:`canonical`, a line-per-field text that also includes the number, so any
change to the number or a field makes it fail, online and offline alike.
"""
from __future__ import annotations

import base64
import re
import struct
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

VERSION = 1
EPOCH = date(2000, 1, 1)
SEPARATOR = b"\x1f"
SIGNATURE_BYTES = 64
_HEADER = struct.Struct(">B2sBHHB")
#: Document types that can be signed; an index in this tuple travels in the code. Append only.
DOCUMENT_TYPES = ("skill_level", "special_ability", "training_qualified", "apprentice_completion", "service_card")
PATH_PREFIX = "/C/"


class BadCode(ValueError):
    """The text is not a code this registry issues (wrong form, not merely a bad signature)."""


@dataclass(frozen=True)
class SignedFields:
    number: str
    document_type: str
    issued_on: date
    valid_until: date | None
    #: Occupation (and level) as printed, or a card's service types.
    title: str
    level: int | None
    #: Masked name, e.g. 张*明.
    holder: str


def canonical(fields: SignedFields) -> bytes:
    """The exact bytes that are signed."""
    return "\n".join((
        f"registry-v{VERSION}", fields.number, fields.document_type, fields.issued_on.isoformat(),
        fields.valid_until.isoformat() if fields.valid_until else "", fields.title,
        str(fields.level) if fields.level else "", fields.holder,
    )).encode("utf-8")


def _days(day: date | None) -> int:
    return (day - EPOCH).days if day else 0


def encode_fields(fields: SignedFields, key_id: str, signature: bytes) -> str:
    header = _HEADER.pack(
        VERSION, bytes.fromhex(key_id), DOCUMENT_TYPES.index(fields.document_type), _days(fields.issued_on),
        _days(fields.valid_until), fields.level or 0,
    )
    body = header + fields.title.encode() + SEPARATOR + fields.holder.encode() + signature
    return base64.b32encode(body).decode("ascii").rstrip("=")


_BASE32_TEXT = re.compile(r"[A-Z2-7]+")
#: RFC 4648 base32 digits to the digits ``int(..., 32)`` reads (0-9, A-V), for decoding in C.
_TO_INT_DIGITS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHIJKLMNOPQRSTUV")


def _b32decode_canonical(text: str) -> bytes:
    """Unpadded upper-case base32 to bytes, refusing what ``base64.b32encode`` would not produce:
    other characters, impossible lengths, and set spare bits in the last character (which would
    decode the same as the genuine text). One big-integer conversion instead of a Python loop."""
    if not _BASE32_TEXT.fullmatch(text):
        raise BadCode("不是本系统的二维码内容")
    bits = 5 * len(text)
    size, spare = divmod(bits, 8)
    if spare >= 5:  # 1, 3 or 6 characters in the last group of 8: no encoder writes that
        raise BadCode("不是本系统的二维码内容")
    value = int(text.translate(_TO_INT_DIGITS), 32)
    if value & ((1 << spare) - 1):
        # Non-canonical text (e.g. a changed last character whose spare bits decode the same) is not ours.
        raise BadCode("二维码内容格式错误")
    return (value >> spare).to_bytes(size, "big")


def decode_fields(number: str, text: str) -> tuple[SignedFields, str, bytes]:
    """Parse the compact fields; return them with the key id and the signature."""
    text = text.strip().upper()
    body = _b32decode_canonical(text)
    if len(body) < _HEADER.size + SIGNATURE_BYTES + 1:
        raise BadCode("二维码内容不完整")
    version, key_id, type_index, issued, valid, level = _HEADER.unpack_from(body)
    if version != VERSION or type_index >= len(DOCUMENT_TYPES):
        raise BadCode("二维码版本无法识别")
    middle, signature = body[_HEADER.size:-SIGNATURE_BYTES], body[-SIGNATURE_BYTES:]
    if middle.count(SEPARATOR) != 1:
        raise BadCode("二维码内容格式错误")
    title, holder = middle.split(SEPARATOR)
    try:
        fields = SignedFields(
            number=number, document_type=DOCUMENT_TYPES[type_index], issued_on=EPOCH + timedelta(days=issued),
            valid_until=EPOCH + timedelta(days=valid) if valid else None, title=title.decode(),
            level=level or None, holder=holder.decode(),
        )
    except UnicodeDecodeError:
        raise BadCode("二维码内容格式错误") from None
    return fields, key_id.hex(), signature


def code_url(public_base_url: str, number: str, fields_text: str) -> str:
    """The URL printed in the QR code: scheme and host upper-cased, so alphanumeric mode applies."""
    parts = urlsplit(public_base_url.rstrip("/"))
    return f"{parts.scheme.upper()}://{parts.netloc.upper()}{parts.path}{PATH_PREFIX}{number}/{fields_text}"


def split_code(text: str) -> tuple[str, str]:
    """(number, fields) from a scanned URL, or from its path alone."""
    text = (text or "").strip()
    path = urlsplit(text).path if "://" in text else text
    marker = path.upper().rfind(PATH_PREFIX)
    if marker < 0:
        raise BadCode("不是本系统的二维码内容")
    parts = path[marker + len(PATH_PREFIX):].strip("/").split("/")
    if len(parts) != 2 or not all(parts):
        raise BadCode("二维码内容不完整")
    return parts[0].upper(), parts[1]
