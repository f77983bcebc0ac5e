"""Certificate numbers: unique even when two clerks issue batches at the same moment.

Serials come from ``certificate_counters``: one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``
reserves a whole block for a batch. On PostgreSQL the upsert locks the counter row until the
issuing transaction commits, so a concurrent batch waits and then continues after this block; on
SQLite writers are serialised by the database lock. Either way no serial is handed out twice, and
the unique index on ``certificates.number`` is the last line of defence.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from stdnum.iso7064 import mod_37_36

from ...extensions import db
from ..catalogue import catalogue
from ..errors import DomainError
from ..training.models import TrainingSession
from .models import CertificateCounter

SKILL_LEVEL = "skill_level"
#: 职业技能等级证书: S/Y + 4-digit evaluation body + province 44 + 6-digit site + year + level + 6-digit serial.
PROVINCE_CODE = "44"
SKILL_SERIAL_DIGITS = 6
#: Registry scheme: 2-letter programme prefix + 2-digit year + 4-digit base + 6-digit serial + check.
REGISTRY_SERIAL_DIGITS = 6


def reserve(scope: str, count: int, connection=None) -> int:
    """Reserve ``count`` serials in ``scope``; return the first. Atomic on SQLite and PostgreSQL."""
    table = CertificateCounter.__table__
    executor = connection if connection is not None else db.session
    dialect = executor.get_bind().dialect.name if connection is None else connection.dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    statement = (
        insert.values(scope=scope, last=count)
        .on_conflict_do_update(index_elements=[table.c.scope], set_={"last": table.c.last + count})
        .returning(table.c.last)
    )
    last = executor.execute(statement).scalar_one()
    return last - count + 1


def skill_level_numbers(session: TrainingSession, issued_on: date, count: int) -> list[str]:
    """National 22-character layout of 职业技能等级证书 numbers (人社部 certificate coding rules)."""
    base = session.base
    if not (base.evaluation_kind and base.evaluation_body_code and base.evaluation_site_serial):
        raise DomainError(
            f"「{base.name}」尚未登记职业技能等级认定评价机构代码和站点序列码,不能颁发职业技能等级证书", "certificate_type"
        )
    if session.level is None:
        raise DomainError("专项职业能力班期不能颁发职业技能等级证书", "certificate_type")
    prefix = (
        f"{base.evaluation_kind}{base.evaluation_body_code}{PROVINCE_CODE}{base.evaluation_site_serial}"
        f"{issued_on:%y}{session.level}"
    )
    first = reserve(prefix, count)
    if first + count - 1 >= 10**SKILL_SERIAL_DIGITS:
        raise DomainError(f"本站点 {issued_on.year} 年该等级证书序列号已用尽")
    return [f"{prefix}{serial:0{SKILL_SERIAL_DIGITS}d}" for serial in range(first, first + count)]


def registry_numbers(session: TrainingSession, issued_on: date, count: int) -> list[str]:
    """The registry's own scheme: programme, year, base, sequence and an ISO 7064 Mod 37,36 check."""
    programme = catalogue[session.programme_code]
    prefix = f"{programme.certificate_prefix}{issued_on:%y}{session.base_id:04d}"
    first = reserve(prefix, count)
    if first + count - 1 >= 10**REGISTRY_SERIAL_DIGITS:
        raise DomainError(f"本基地 {issued_on.year} 年证书序列号已用尽")
    numbers = []
    for serial in range(first, first + count):
        body = f"{prefix}{serial:0{REGISTRY_SERIAL_DIGITS}d}"
        numbers.append(body + mod_37_36.calc_check_digit(body))
    return numbers


def allocate_numbers(session: TrainingSession, certificate_type: str, issued_on: date, count: int) -> list[str]:
    if certificate_type == SKILL_LEVEL:
        return skill_level_numbers(session, issued_on, count)
    return registry_numbers(session, issued_on, count)


def is_well_formed(number: str) -> bool:
    """True for either layout (with its check character); says nothing about whether it was issued."""
    if len(number) == 22 and number[0] in "SY" and number[1:].isdigit() and number[5:7] == PROVINCE_CODE:
        return number[15] in "12345"
    if len(number) == 15 and number[:2].isalpha() and number[2:14].isdigit():
        return mod_37_36.is_valid(number)
    return False


def display_number(number: str) -> str:
    """Grouped for reading aloud: S0000-44-000123-26-5-000001 or YC-26-0001-000123-X."""
    if len(number) == 22:
        return "-".join((number[:5], number[5:7], number[7:13], number[13:15], number[15], number[16:]))
    if len(number) == 15:
        return "-".join((number[:2], number[2:4], number[4:8], number[8:14], number[14]))
    return number
