"""Bulk inserts for the imports: plain tuples straight to the driver's executemany.

SQLAlchemy's Core executemany turns every row into a dictionary of bound parameters and runs each
column's bind processor on it; importing 100,000 people (and their audit rows) spent more time
there than in the database. ``insert_rows`` builds the INSERT once, converts only the columns whose
type needs it on this database (dates on SQLite), evaluates the values shared by every row once,
and hands the driver a list of tuples.

On PostgreSQL (psycopg) the rows go in one ``COPY … FROM STDIN`` instead: one statement, no
per-row round trip through the extended protocol. ``insert_new`` also gives the new rows' ids, in
row order, without a look-up afterwards: taken beforehand from the table's sequence in one query on
PostgreSQL; on SQLite the range the insert itself filled (rowids are the largest one plus one, and
the transaction holds the database's write lock from its first write to its commit).

What it does not do: run per-row Python defaults (a callable default of a column left out is
evaluated once per call: right for timestamps, wrong for anything that must differ per row — give
such a column), or fire ORM events (the callers log their rows with ``audit.record_inserts``).
JSON columns take their text already serialised (``json_text``).
"""
from __future__ import annotations

import json
from datetime import date
from itertools import repeat
from typing import Any, Callable, Iterable, Mapping, Sequence

from sqlalchemy import JSON, Insert, Table
from sqlalchemy.dialects.sqlite import DATE as SQLITE_DATE
from sqlalchemy.engine import Connection
from sqlalchemy.exc import InvalidRequestError

#: Placeholders of the paramstyles the registry's drivers use (sqlite3: qmark; psycopg: pyformat takes %s).
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def json_text(value: Any, default=None) -> str:
    """A JSON column's value as the text ``insert_rows`` passes on (as SQLAlchemy's JSON type writes it)."""
    return json.dumps(value, default=default)


def _processor(column, dialect):
    if isinstance(column.type, JSON):
        return None  # the caller gives JSON text (json_text)
    return column.type.dialect_impl(dialect).bind_processor(dialect)


#: SQLite's DATE text unless a column asks for another (what date.isoformat() writes, years 1-9999).
_SQLITE_ISO_DATE = "%(year)04d-%(month)02d-%(day)02d"


def _converter(column, dialect) -> Callable[[Sequence[Any]], list] | None:
    """What makes one column's values driver-ready, a whole column at a time (None: nothing to do)."""
    process = _processor(column, dialect)
    if process is None:
        return None
    impl = column.type.dialect_impl(dialect)
    if isinstance(impl, SQLITE_DATE) and getattr(impl, "_storage_format", None) == _SQLITE_ISO_DATE:
        # The text SQLAlchemy's processor formats from year, month and day, without a call per date
        # (a birth date per imported person); anything but a plain date still goes through it.
        return lambda values: [value.isoformat() if value.__class__ is date else None if value is None
                               else process(value) for value in values]
    return lambda values: [None if value is None else process(value) for value in values]


def _table(target: Table | Insert) -> Table:
    return target.table if isinstance(target, Insert) else target


def _shared_values(table: Table, columns: Sequence[str], shared: Mapping[str, Any] | None) -> dict[str, Any]:
    """``shared`` plus the Python defaults (evaluated once) of the columns neither gives."""
    shared = dict(shared or {})
    for column in table.c:
        if column.name in shared or column.name in columns or column.default is None:
            continue
        default = column.default
        if default.is_scalar:
            shared[column.name] = default.arg
        elif default.is_callable:
            shared[column.name] = default.arg(None)
    return shared


def _parameters(table: Table, dialect, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                shared: Mapping[str, Any], copy_adapters=None) -> list[tuple]:
    """Driver-ready tuples: each row's values (converted where this database needs it), then the shared
    ones (for a COPY, given ``copy_adapters``, dates and times already as COPY's text)."""
    tail = []
    for name, value in shared.items():
        column = table.c[name]
        if isinstance(column.type, JSON) and not isinstance(value, str):
            value = json_text(value)
        process = _processor(column, dialect)
        value = process(value) if process is not None and value is not None else value
        if copy_adapters is not None and isinstance(value, date):
            value = _copy_text(copy_adapters, value)
        tail.append(value)
    tail = tuple(tail)
    converters = [(index, convert) for index, name in enumerate(columns)
                  if (convert := _converter(table.c[name], dialect)) is not None]
    if not converters:
        return [(*row, *tail) for row in rows]
    # Column by column: transposed, the columns that need it converted, transposed back with the shared values.
    values = list(zip(*rows))
    if not values:
        return []
    for index, convert in converters:
        values[index] = convert(values[index])
    count = len(values[0])
    return list(zip(*values, *[repeat(value, count) for value in tail]))


def _uses_copy(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"


def _copy_text(adapters, value: date) -> str:
    """A date or time every row shares, as the text psycopg's COPY writes for it, made once: psycopg
    formats a datetime in about 0.5 µs, and an enrollment's three timestamps per row were most of
    its COPY's time in Python. The column's input function reads the same text either way."""
    from psycopg.adapt import PyFormat

    dumper = adapters.get_dumper(type(value), PyFormat.TEXT)(type(value))
    return bytes(dumper.dump(value)).decode()


def _write(connection: Connection, table: Table, names: Sequence[str], parameters: list[tuple]) -> None:
    """One COPY (PostgreSQL, psycopg) or one executemany of ``parameters`` into ``names``."""
    dialect = connection.dialect
    preparer = dialect.identifier_preparer
    quoted = ", ".join(preparer.quote(name) for name in names)
    if _uses_copy(connection):
        with connection.connection.dbapi_connection.cursor() as cursor:
            with cursor.copy(f"COPY {preparer.format_table(table)} ({quoted}) FROM STDIN") as copy:
                for row in parameters:
                    copy.write_row(row)
        return
    placeholder = _PLACEHOLDERS.get(dialect.paramstyle)
    if placeholder is None:  # pragma: no cover - the registry runs on SQLite and PostgreSQL only
        raise NotImplementedError(f"insert_rows: paramstyle {dialect.paramstyle}")
    statement = (f"INSERT INTO {preparer.format_table(table)} ({quoted}) "
                 f"VALUES ({', '.join([placeholder] * len(names))})")
    connection.exec_driver_sql(statement, parameters)


def insert_rows(connection: Connection, target: Table | Insert, columns: Sequence[str],
                rows: Iterable[Sequence[Any]], shared: Mapping[str, Any] | None = None) -> int:
    """INSERT ``rows`` (tuples in ``columns`` order) into ``target`` (a table, or ``insert(Model)``)
    in one COPY or executemany; ``shared`` holds the values every row has (actor, timestamps …).
    Columns left out get their Python default (evaluated once) or NULL. Returns how many rows were written."""
    table = _table(target)
    shared = _shared_values(table, columns, shared)
    adapters = connection.connection.dbapi_connection.adapters if _uses_copy(connection) else None
    parameters = _parameters(table, connection.dialect, columns, rows, shared, adapters)
    if parameters:
        _write(connection, table, [*columns, *shared], parameters)
    return len(parameters)


def insert_new(connection: Connection, target: Table | Insert, columns: Sequence[str],
               rows: Sequence[Sequence[Any]], shared: Mapping[str, Any] | None = None) -> list[int]:
    """``insert_rows`` into a table with an integer ``id`` key that the database assigns; returns the
    new rows' ids in the order of ``rows``."""
    table = _table(target)
    if not rows:
        return []
    if connection.dialect.name == "postgresql":
        ids = _next_ids(connection, table, len(rows))
        insert_rows(connection, table, ("id", *columns), [(key, *row) for key, row in zip(ids, rows)], shared)
        return ids
    if connection.dialect.name != "sqlite":  # pragma: no cover - the registry runs on SQLite and PostgreSQL only
        raise NotImplementedError(f"insert_new: {connection.dialect.name}")
    insert_rows(connection, table, columns, rows, shared)
    return _filled_range(connection, table, len(rows))


def _next_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """``count`` values of the ``id`` column's sequence, in one query (PostgreSQL). The sequence is
    named once (a sub-select, evaluated once), not per value: pg_get_serial_sequence per row cost
    3.5 µs of the 4 µs each id took."""
    ids = connection.exec_driver_sql(
        "SELECT array_agg(nextval((SELECT pg_get_serial_sequence(%(table)s, 'id'))::regclass)) "
        "FROM generate_series(1, %(count)s)",
        {"table": table.name, "count": count}).scalar()
    return sorted(ids)


def _filled_range(connection: Connection, table: Table, count: int) -> list[int]:
    """The ids SQLite gave the ``count`` rows just inserted in this transaction: the top ``count``
    rowids (each new rowid is the largest plus one, and no other connection can write until this
    transaction ends). Checked: the range must hold exactly ``count`` rows."""
    name = connection.dialect.identifier_preparer.format_table(table)
    last = connection.exec_driver_sql(f"SELECT max(id) FROM {name}").scalar()
    first = last - count + 1
    filled = connection.exec_driver_sql(f"SELECT count(*) FROM {name} WHERE id >= ?", (first,)).scalar()
    if filled != count:
        raise InvalidRequestError(f"insert_new: the new rows of {table.name} are not the last {count} ids")
    return list(range(first, last + 1))
