"""The Chinese names of the registry's tables, columns and coded values, for pages that show stored
records as they are (the audit log).

The names live on the models, next to what they name, so a new table or column brings its own:

* a model's ``__label__``: the name of its kind of record (``Trainee.__label__ = "学员"``);
* a column's ``info={"label": "证件号码"}`` in its ``mapped_column(...)``, and for a coded column
  ``info["choices"]``: the mapping the code base already keeps for those codes (``DOCUMENT_TYPES``,
  ``SESSION_STATUSES`` …), or a function from a code to its name (the catalogue's programmes,
  occupations, tracks and measures).

A column without a label of its own takes the common name of its column name (COMMON_COLUMNS: ``id``,
``created_at`` …, and the references every table means the same way), and a catalogue code without
choices of its own the catalogue's names (COMMON_CHOICES). The look-up is built once,
from the mappers, the first time it is asked for (after ``create_app``, which imports every model).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import Boolean, DateTime, Numeric, select

from ..extensions import db
from .audit import REDACTED, AuditLog
from .catalogue import catalogue
from .common import local_time, plain_number
from .identifiers import mask_document, mask_name, mask_phone
from .subsidies.standards import yuan

#: What an empty value (None, '') shows.
EMPTY = "（空）"
YES, NO = "是", "否"

#: Columns that mean the same in every table they appear in; a column's own info["label"] wins.
COMMON_COLUMNS = {
    "id": "编号",
    "created_at": "创建时间",
    "updated_at": "更新时间",
    "recorded_at": "记录时间",
    "recorded_by": "录入人",
    "note": "备注",
    "basis": "依据",
    "trainee_id": "学员",
    "district_id": "所在区",
    "base_id": "培训基地",
    "enterprise_id": "企业",
    "session_id": "班期",
    "enrollment_id": "报名记录",
    "certificate_id": "证书",
    "claim_id": "补贴申领",
    "filing_id": "学徒制备案",
    "programme_code": "培训项目",
    "track_code": "方向",
    "occupation_code": "职业(工种)",
}

#: The catalogue's codes, named the same way in every table that keeps them.
COMMON_CHOICES = {
    "programme_code": catalogue.name_of,
    "track_code": catalogue.track_name,
    "occupation_code": catalogue.occupation_name,
}

#: How each kind of personal identifier is masked (info["personal"]).
MASKS = {"document": mask_document, "name": mask_name, "phone": mask_phone}

Choices = Mapping[Any, str] | Callable[[Any], str | None]


@dataclass(frozen=True)
class ColumnLabel:
    #: The column's name in its table (an attribute key may differ).
    name: str
    label: str
    choices: Choices | None
    is_boolean: bool
    #: A timestamp (stored in UTC, shown in China Standard Time like the page's own times).
    is_timestamp: bool = False
    #: The table a foreign key column refers to.
    references: str | None = None
    #: A private person's identifier (``document``, ``name``, ``phone``): shown masked, as on the
    #: registry's lists; the full value only on the person's page, where viewing it is logged.
    personal: str | None = None
    #: A decimal (hours, scores): shown as people write it, 160 for 160.0.
    is_decimal: bool = False
    #: The unit a number is stored in, where it is shown in another (``fen``: money, shown in yuan).
    unit: str | None = None


@dataclass(frozen=True)
class TableLabels:
    label: str
    #: By column name and by attribute key.
    columns: dict[str, ColumnLabel]
    #: The primary key's columns, in order (an audit entry's id joins their values with "/").
    keys: tuple[str, ...] = ()
    #: The column that names one of its records where another refers to it (the model's __record_name__).
    record_name: str | None = None


@cache
def _lookup() -> dict[str, TableLabels]:
    """Every table of the metadata: its record name, and its columns' names and choices."""
    classes = {mapper.local_table.name: mapper for mapper in db.Model.registry.mappers}
    tables = {}
    for table_name, table in db.metadata.tables.items():
        columns = {}
        for column in table.columns:
            columns[column.name] = ColumnLabel(
                column.name,
                column.info.get("label") or COMMON_COLUMNS.get(column.name, column.name),
                column.info.get("choices", COMMON_CHOICES.get(column.name)),
                isinstance(column.type, Boolean),
                isinstance(column.type, DateTime),
                next((key.column.table.name for key in column.foreign_keys), None),
                column.info.get("personal"),
                isinstance(column.type, Numeric),
                column.info.get("unit"),
            )
        mapper = classes.get(table_name)
        label, record_name = table_name, None
        if mapper is not None:
            label = mapper.class_.__dict__.get("__label__") or table_name
            record_name = mapper.class_.__dict__.get("__record_name__")
            for prop in mapper.column_attrs:  # the audit log names columns by attribute key
                for column in prop.columns:
                    if getattr(column, "table", None) is table and prop.key not in columns:
                        columns[prop.key] = columns[column.name]
        tables[table_name] = TableLabels(label, columns, tuple(column.name for column in table.primary_key),
                                         record_name)
    return tables


def _column(table_name: str, column_name: str) -> ColumnLabel | None:
    table = _lookup().get(table_name)
    return table.columns.get(column_name) if table else None


def table_label(table_name: str) -> str:
    """The Chinese name of a table's records (``trainees`` → 学员); the table name if it has none."""
    table = _lookup().get(table_name)
    return table.label if table else table_name


def column_label(table_name: str, column_name: str) -> str:
    """The Chinese name of a column, by column name or attribute key; the name itself if it has none."""
    column = _column(table_name, column_name)
    return column.label if column else column_name


def column_name(table_name: str, key: str) -> str:
    """The column an attribute key stands for (the same name unless the model renames it)."""
    column = _column(table_name, key)
    return column.name if column else key


def references(table_name: str, column_name: str) -> str | None:
    """The table a column refers to (``training_bases`` for ``base_id``), or None."""
    column = _column(table_name, column_name)
    return column.references if column else None


def referenced_names(entries: Iterable[AuditLog], entity_id: str | None = None) -> dict[tuple[str, str], str]:
    """(table, id) → name of the records the values of ``entries`` refer to, for tables that name their
    records (``__record_name__``: districts, bases, enterprises, sessions): one query per such table.
    The values read are those the audit page shows (a bulk entry's shared values and the rows of
    ``entity_id``)."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        changes = entry.changes or {}
        shown = [changes.get("after") or {}, changes.get("before") or {}, *entry.bulk_rows(entity_id)]
        for values in shown:
            for key, value in values.items():
                target = references(entry.entity_type, key)
                if target and isinstance(value, int) and _lookup()[target].record_name:
                    wanted.setdefault(target, set()).add(value)
    names = {}
    for target, ids in wanted.items():
        table = db.metadata.tables[target]
        key, name = table.c[_lookup()[target].keys[0]], table.c[_lookup()[target].record_name]
        for record_id, record_name in db.session.execute(select(key, name).where(key.in_(sorted(ids)))):
            names[(target, str(record_id))] = record_name
    return names


def value_label(table_name: str, column_name: str, value: Any) -> str:
    """A stored value as a clerk reads it: （空）, 是/否, a code's Chinese name, a timestamp in China
    Standard Time, a decimal as people write it (160 for 160.0), money in yuan, a person's document number, name or phone masked, else the value as text.
    A redacted value (******) stays as it is."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str) and value == REDACTED:
        return value
    column = _column(table_name, column_name)
    if isinstance(value, bool) or (column is not None and column.is_boolean and value in (0, 1)):
        return YES if value else NO
    if column is not None and column.personal and isinstance(value, str):
        return MASKS[column.personal](value)
    if column is not None and column.is_decimal and isinstance(value, (str, int, float)):
        try:
            return plain_number(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if column is not None and column.unit == "fen" and isinstance(value, int):
        return yuan(value)  # the label says 元, as the subsidy pages show money
    if column is not None and column.choices is not None and isinstance(value, (str, int)):
        choices = column.choices
        name = choices(value) if callable(choices) else choices.get(value)
        if name:
            return str(name)
    if column is not None and column.is_timestamp and isinstance(value, str):
        try:
            return local_time(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def record_id_label(table_name: str, entity_id: str) -> str:
    """An audit entry's record id as shown: a composite key's codes by their names (12/veteran →
    12/退役军人); any other id as it is."""
    table = _lookup().get(table_name)
    parts = str(entity_id).split("/")
    if table is None or len(table.keys) < 2 or len(parts) != len(table.keys):
        return str(entity_id)
    return "/".join(value_label(table_name, key, part) for key, part in zip(table.keys, parts))


def record_types() -> list[tuple[str, str]]:
    """(table name, record name) of every table the audit log writes about, by table name."""
    excluded = {mapper.local_table.name for mapper in db.Model.registry.mappers
                if getattr(mapper.class_, "__audit_exclude__", False)}
    return [(name, table.label) for name, table in sorted(_lookup().items()) if name not in excluded]
