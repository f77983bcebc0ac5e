"""Columns, header detection and the preview every import produces."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import DomainError
from ..spreadsheets import read_table

#: How many rows above the header a clerk's sheet may carry (titles, notes).
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    #: Shown in the downloadable template.
    example: str = ""


def _clean_header(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"[\s*＊:]|(必填)|\(必填\)|(选填)|\(选填\)", "", text)
    return text.upper()


@dataclass
class Row:
    """One spreadsheet row: where it is, what it said, and what the import will do with it."""

    number: int  # as the spreadsheet program numbers it
    cells: dict[str, Any]
    status: str = "ready"  # ready / error / unchanged
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def fail(self, message: str) -> None:
        self.status = "error"
        self.errors.append(message)


@dataclass
class Preview:
    columns: list[Column]
    rows: list[Row]
    ignored_headers: list[str] = field(default_factory=list)
    #: Keys of the known columns the sheet does not have (rows carry no cell for them).
    absent: set[str] = field(default_factory=set)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def ready(self) -> list[Row]:
        return [row for row in self.rows if row.status == "ready"]

    @property
    def wrong(self) -> list[Row]:
        return [row for row in self.rows if row.status == "error"]


def read_rows(columns: list[Column], filename: str, content: bytes) -> Preview:
    """Find the header row, map its columns (by name or alias) and return the non-empty rows."""
    table = read_table(filename, content)
    lookup = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            lookup[_clean_header(name)] = column
    for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        mapping = {position: lookup[_clean_header(cell)] for position, cell in enumerate(row)
                   if _clean_header(cell) in lookup}
        found = {column.key for column in mapping.values()}
        if all(column.key in found for column in columns if column.required):
            break
    else:
        required = "、".join(f"「{c.header}」" for c in columns if c.required)
        raise DomainError(f"在表格前 {HEADER_SEARCH_ROWS} 行中找不到表头,表头须包含 {required} 列", "file")
    duplicates = [c.header for c in columns if sum(1 for m in mapping.values() if m is c) > 1]
    if duplicates:
        raise DomainError(f"表头中「{'、'.join(duplicates)}」列出现了不止一次", "file")
    ignored = [str(cell) for position, cell in enumerate(table[index]) if position not in mapping and str(cell or "").strip()]
    rows = []
    for offset, raw in enumerate(table[index + 1:], start=index + 2):
        cells = {column.key: (raw[position] if position < len(raw) else None) for position, column in mapping.items()}
        if all(value is None or str(value).strip() == "" for value in cells.values()):
            continue
        rows.append(Row(number=offset, cells=cells))
    if not rows:
        raise DomainError("表格中没有数据行", "file")
    absent = {column.key for column in columns} - {column.key for column in mapping.values()}
    return Preview(columns=columns, rows=rows, ignored_headers=ignored, absent=absent)


def normalise_into(row: Row, key: str, label: str, function: Callable[[Any], Any]) -> Any:
    """Apply one normaliser to one cell; a refusal becomes the row's error naming the column."""
    try:
        return function(row.cells.get(key))
    except ValueError as error:
        row.fail(f"「{label}」{error}")
        return None


def error_rows(preview: Preview) -> tuple[list[str], list[list[Any]]]:
    """The wrong rows as the clerk typed them, with the reasons in a last column."""
    headers = [column.header for column in preview.columns] + ["错误原因", "原行号"]
    rows = [
        [row.cells.get(column.key) for column in preview.columns] + ["；".join(row.errors), row.number]
        for row in preview.wrong
    ]
    return headers, rows
