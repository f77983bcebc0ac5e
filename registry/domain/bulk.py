"""Bulk inserts for the imports: plain tuples straight to the driver's executemany.

SQLAlchemy's Core executemany turns every row into a dictionary of bound parameters and runs each
column's bind processor on it; importing 100,000 people (and their audit rows) spent more time
there than in the database. ``insert_rows`` builds the INSERT once, converts only the columns whose
type needs it on this database (dates on SQLite), evaluates the values shared by every row once,
and hands the driver a list of tuples.

What it does not do: run per-row Python defaults (a callable default of a column left out is
evaluated once per call: right for timestamps, wrong for anything that must differ per row — give
such a column), return keys, or fire ORM events (the callers log their rows with
``audit.record_inserts``). JSON columns take their text already serialised (``json_text``).
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import JSON, Insert, Table
from sqlalchemy.engine import Connection

#: Placeholders of the paramstyles the registry's drivers use (sqlite3: qmark; psycopg: pyformat takes %s).
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def json_text(value: Any, default=None) -> str:
    """A JSON column's value as the text ``insert_rows`` passes on (as SQLAlchemy's JSON type writes it)."""
    return json.dumps(value, default=default)


def _processor(column, dialect):
    if isinstance(column.type, JSON):
        return None  # the caller gives JSON text (json_text)
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def insert_rows(connection: Connection, target: Table | Insert, columns: Sequence[str],
                rows: Iterable[Sequence[Any]], shared: Mapping[str, Any] | None = None) -> int:
    """INSERT ``rows`` (tuples in ``columns`` order) into ``target`` (a table, or ``insert(Model)``)
    with one executemany; ``shared`` holds the values every row has (actor, timestamps …). Columns
    left out get their Python default (evaluated once) or NULL. Returns how many rows were written."""
    table = target.table if isinstance(target, Insert) else target
    dialect = connection.dialect
    placeholder = _PLACEHOLDERS.get(dialect.paramstyle)
    if placeholder is None:  # pragma: no cover - the registry runs on SQLite and PostgreSQL only
        raise NotImplementedError(f"insert_rows: paramstyle {dialect.paramstyle}")
    shared = dict(shared or {})
    for column in table.c:
        if column.name in shared or column.name in columns or column.default is None:
            continue
        default = column.default
        if default.is_scalar:
            shared[column.name] = default.arg
        elif default.is_callable:
            shared[column.name] = default.arg(None)
    tail = []
    for name, value in shared.items():
        column = table.c[name]
        if isinstance(column.type, JSON) and not isinstance(value, str):
            value = json_text(value)
        process = _processor(column, dialect)
        tail.append(process(value) if process is not None and value is not None else value)
    tail = tuple(tail)
    processors = [(index, process) for index, name in enumerate(columns)
                  if (process := _processor(table.c[name], dialect)) is not None]
    if processors:
        def prepare(row):
            row = list(row)
            for index, process in processors:
                if row[index] is not None:
                    row[index] = process(row[index])
            return (*row, *tail)
        parameters = [prepare(row) for row in rows]
    else:
        parameters = [(*row, *tail) for row in rows]
    if not parameters:
        return 0
    preparer = dialect.identifier_preparer
    names = [*columns, *shared]
    statement = (f"INSERT INTO {preparer.format_table(table)} "
                 f"({', '.join(preparer.quote(name) for name in names)}) "
                 f"VALUES ({', '.join([placeholder] * len(names))})")
    connection.exec_driver_sql(statement, parameters)
    return len(parameters)
