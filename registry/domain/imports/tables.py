"""Columns, header detection, the preview every import produces, and its stored form.

A file is read and checked once, at upload; the checked rows are stored with the batch
(``pack`` / ``unpack``: ``marshal`` of plain values, compressed with LZ4), so the preview page and the
confirmation resolve them against the records as they are then without reading the file again.
"""
from __future__ import annotations

import gc
import marshal
import re
import sys
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from datetime import date, datetime
from typing import Any, Callable

import lz4.block

from ..errors import DomainError
from ..spreadsheets import read_sheets

#: How many rows above the header a clerk's sheet may carry (titles, notes).
HEADER_SEARCH_ROWS = 10
#: Version of the stored form of checked rows (``pack``); another version is read again from the file.
PACK_VERSION = 5


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector while a file's rows are built: a 100,000-row file makes
    millions of small containers (none of them in cycles), and the collections they trigger cost
    more than reading them (unpacking 100,000 stored rows: 1.7 s with, 0.5 s without). Collected
    as usual afterwards; a pause already under way is left as it is.

    What the pause allocated is then moved to the oldest generation (``freeze`` + ``unfreeze``),
    not left in the youngest: the first young collection after the pause would otherwise scan
    every one of those objects at once (0.4 s for 100,000 rows) while the request still holds them;
    they are freed by reference counting when it ends, and a later full collection sees the rest."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: str = ""  # the template's 填写说明: an example, and (note) what the column takes
    note: str = ""


def _clean_header(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"[\s*＊:]|(必填)|\(必填\)|(选填)|\(选填\)", "", text)
    return text.upper()


#: A note in brackets after a header's name: 身份证号码(18位), 出生日期(年-月-日), 文化程度(初中/高中…).
_HEADER_NOTE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")


def _header_column(cell: Any, lookup: dict[str, Column]) -> Column | None:
    """The import column a header cell names: by its name, else by its name without bracketed notes."""
    key = _clean_header(cell)
    if key in lookup:
        return lookup[key]
    if "(" in key or "[" in key or "【" in key:
        return lookup.get(_HEADER_NOTE.sub("", key))
    return None


@dataclass(slots=True, eq=False)
class Row:
    """One spreadsheet row: where it is, what it said, and what the import will do with it.

    ``raw`` holds the cells in the order of the import's columns (None where the sheet has no such
    column); ``problems`` the reasons found by the checks that need no records (kept with the
    batch), ``checked`` what those checks made of the row; ``status``, ``errors``, ``notes`` and
    ``values`` are set again each time the row is resolved against the records.
    """

    number: int  # as the spreadsheet program numbers it
    #: The cells (a tuple), or as stored with the batch (a list, dates tagged) until first asked for.
    stored: tuple | list
    keys: tuple[str, ...]
    status: str = "ready"  # ready / error / unchanged
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    checked: Any = None

    @property
    def raw(self) -> tuple:
        """The cells as typed, in the order of the import's columns (dates restored from the stored batch
        only for the rows someone looks at: a page, the wrong rows)."""
        if self.stored.__class__ is list:
            self.stored = tuple(_cell_from_stored(cell) for cell in self.stored)
        return self.stored

    @property
    def cells(self) -> dict[str, Any]:
        return dict(zip(self.keys, self.raw))

    def cell(self, key: str) -> Any:
        return self.raw[self.keys.index(key)]

    def fail(self, message: str) -> None:
        self.status = "error"
        self.errors.append(message)

    def reset(self) -> None:
        """Back to what the checks without records found, before resolving against the records."""
        self.status = "error" if self.problems else "ready"
        self.errors = list(self.problems)
        self.notes = []
        self.values = {}


@dataclass
class Preview:
    columns: list[Column]
    rows: list[Row]
    ignored_headers: list[str] = field(default_factory=list)
    #: Keys of the known columns the sheet does not have (rows carry no cell for them).
    absent: set[str] = field(default_factory=set)
    #: The name of the sheet read when it is not the workbook's first (whose first rows had no header).
    sheet: str = ""
    #: Whether a resolve has set the rows' outcomes (else they are as the checks without records left them).
    resolved: bool = False

    def start_resolving(self) -> None:
        """Every row back at what the checks without records found, before resolving it (again)
        against the records. Rows fresh from the checks or from the stored batch are there already:
        resetting 10,000 of them made three new containers each for nothing."""
        if self.resolved:
            for row in self.rows:
                row.reset()
        self.resolved = True

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    def counts(self) -> Counter[str]:
        """Rows by status, in one pass (``count`` per status walks every row each time)."""
        return Counter(map(attrgetter("status"), self.rows))

    def reasons(self, limit: int = 6) -> list[tuple[str, int]]:
        """What is wrong, most rows first: each wrong row counted once, under the column its first
        reason names (「户籍类型」), or under the reason itself when it names none (超出班期容量 …).
        A file missing a column a new person needs shows as one line, not as one row after another."""
        tally = Counter(_reason_key(row.errors[0]) for row in self.rows if row.status == "error" and row.errors)
        return tally.most_common(limit)

    @property
    def ready(self) -> list[Row]:
        return [row for row in self.rows if row.status == "ready"]

    @property
    def wrong(self) -> list[Row]:
        return [row for row in self.rows if row.status == "error"]

    def listed(self, show: str = "all") -> list[Row]:
        """The rows a preview page lists: the wrong ones first (they need the clerk), then the rest in
        spreadsheet order; or only the rows of one status."""
        if show in ("ready", "error", "unchanged"):
            return [row for row in self.rows if row.status == show]
        return self.wrong + [row for row in self.rows if row.status != "error"]


def _find_header(columns: list[Column], table: list[list[Any]]) -> tuple[int, dict[int, Column]] | None:
    """The header row's index in the first HEADER_SEARCH_ROWS rows and its columns by position, or None."""
    lookup = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            lookup[_clean_header(name)] = column
    for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        mapping = {position: column for position, cell in enumerate(row)
                   if (column := _header_column(cell, lookup)) is not None}
        found = {column.key for column in mapping.values()}
        if all(column.key in found for column in columns if column.required):
            return index, mapping
    return None


def _reason_key(message: str) -> str:
    """A reason's column (「出生日期」) when it starts by naming one, else the whole reason."""
    if message.startswith("「") and "」" in message:
        return message[:message.index("」") + 1]
    return message


def read_rows(columns: list[Column], filename: str, content: bytes) -> Preview:
    """Find the header row, map its columns (by name or alias) and return the non-empty rows.

    The header is looked for in the first visible sheet, then in the next ones: a workbook whose first
    sheet is 填表说明 is read from the sheet that has the list (and the preview names it)."""
    searched = 0
    for sheet, table in read_sheets(filename, content):
        searched += 1
        header = _find_header(columns, table)
        if header is not None:
            break
    else:
        required = "、".join(f"「{c.header}」" for c in columns if c.required)
        where = f"全部 {searched} 个工作表的" if searched > 1 else "表格"
        raise DomainError(f"在{where}前 {HEADER_SEARCH_ROWS} 行中找不到表头,表头须包含 {required} 列", "file")
    index, mapping = header
    duplicates = [c.header for c in columns if sum(1 for m in mapping.values() if m is c) > 1]
    if duplicates:
        raise DomainError(f"表头中「{'、'.join(duplicates)}」列出现了不止一次", "file")
    ignored = [str(cell) for position, cell in enumerate(table[index]) if position not in mapping and str(cell or "").strip()]
    keys = tuple(column.key for column in columns)
    where = {column.key: position for position, column in mapping.items()}
    # Each import column's position in the sheet, or None: a missing column reads as an empty cell.
    positions = [where.get(key) for key in keys]
    # The usual sheet has every column and rows as wide as its header: itemgetter picks the cells in C.
    pick = itemgetter(*positions) if len(positions) > 1 and None not in positions else None
    top = max((p for p in positions if p is not None), default=-1)
    rows = []
    for number, line in enumerate(table[index + 1:], start=index + 2):
        width = len(line)
        if pick is not None and width > top:
            raw = pick(line)
        else:
            raw = tuple(line[p] if p is not None and p < width else None for p in positions)
        for value in raw:  # skip a row whose cells are all empty or blank text
            if value is not None and (value.__class__ is not str or value.strip()):
                break
        else:
            continue
        rows.append(Row(number, raw, keys))
    del table
    if not rows:
        raise DomainError("表格中没有数据行", "file")
    absent = {column.key for column in columns} - set(where)
    return Preview(columns=columns, rows=rows, ignored_headers=ignored, absent=absent,
                   sheet=sheet if searched > 1 else "")


def field_message(label: str, message: str) -> str:
    """A row's reason headed by its column: 「出生日期」应早于今天, not 「出生日期」出生日期应早于今天 (the
    shared rules name their field in their messages, for the forms; here the heading names it)."""
    return f"「{label}」{message.removeprefix(label)}"


def normalise_into(row: Row, key: str, label: str, function: Callable[[Any], Any]) -> Any:
    """Apply one normaliser to one cell; a refusal becomes the row's error naming the column."""
    try:
        return function(row.cell(key))
    except ValueError as error:
        row.fail(field_message(label, str(error)))
        return None


def error_rows(preview: Preview) -> tuple[list[str], list[list[Any]]]:
    """The wrong rows as the clerk typed them, with the reasons in a last column."""
    headers = [column.header for column in preview.columns] + ["错误原因", "原行号"]
    rows = [list(row.raw) + ["；".join(row.errors), row.number] for row in preview.wrong]
    return headers, rows


# --- the stored form of checked rows ------------------------------------------------------------------

#: Cell types the stored form keeps as they are; dates become tagged pairs, anything else text.
_PLAIN = frozenset({str, int, float, bool, type(None)})
_TEXT = frozenset({str, type(None)})


def _stored_cell(value: Any) -> Any:
    """A cell as ``marshal`` can keep it: dates tagged so they come back as dates (the error workbook
    writes them as typed); times and durations as text (shown and written back as text)."""
    if isinstance(value, datetime):
        return ("t", value.isoformat())
    if isinstance(value, date):
        return ("d", value.isoformat())
    return str(value)


def _cell_from_stored(value: Any) -> Any:
    if value.__class__ is not tuple:
        return value
    kind, text = value
    return datetime.fromisoformat(text) if kind == "t" else date.fromisoformat(text)


def _format() -> bytes:
    """The stored form's header: its own version and the interpreter's marshal format, which the
    Python documentation does not promise to keep between versions (another one reads the file again)."""
    return f"registry-rows {PACK_VERSION} marshal {marshal.version} py{sys.version_info[0]}.{sys.version_info[1]}\n".encode()


def pack(preview: Preview) -> bytes:
    """The checked rows, compressed: number, cells, problems and what the checks made of each row.

    ``marshal`` (about twice as fast as JSON both ways, cells included) over plain values only: strings,
    numbers, None, lists and tuples, with dates tagged. It is read back only from the batch this
    server wrote, never from anything a user sent; ``checked`` must hold plain values
    (enrolment keeps a flat tuple per row, its birth date as an ordinal).

    The cells go column by column (``zip`` of the rows' tuples, and back): a column of text, most of
    them, is kept without a Python step per cell; only a column holding dates (or types marshal cannot
    write) goes cell by cell, and the rows with a tagged date are listed. Then each row's number,
    problems and checks, a list each. 10,000 rows: pack 46 → 30 ms, unpack 22 → 16 ms, 597 → 438 KB
    (with the flat ``checked`` and the normalisers giving back a clean cell itself).

    Compressed with LZ4 (a block, its size in front): the 1.5 MB ``marshal`` writes for 10,000 rows
    in 1.6 ms and back in 0.4, where zlib's fastest level took 8.5 and 3 ms (at upload, then on the
    preview page and at confirmation) for 440 KB instead of 750 KB, kept only until the batch is decided.
    """
    rows = preview.rows
    # Equal text cells as one object: marshal then writes the first and refers back to it, so a column
    # of 城镇/农村 or 本科 comes back as one string, not one per row (marshal reads it 40% faster).
    same: dict[str, str] = {}
    columns = []
    tagged: set[int] = set()  # the rows with a tagged cell
    for column in zip(*[row.raw for row in rows]):
        types = set(map(type, column))
        if types <= _TEXT:
            column = list(map(same.setdefault, column, column))
        elif not types <= _PLAIN or str in types:
            column = [same.setdefault(cell, cell) if cell.__class__ is str
                      else cell if cell.__class__ in _PLAIN else _stored_cell(cell) for cell in column]
            if not types <= _PLAIN:
                tagged.update(index for index, cell in enumerate(column) if cell.__class__ is tuple)
        columns.append(column)
    document = (preview.ignored_headers, sorted(preview.absent), preview.sheet, [row.number for row in rows], columns,
                sorted(tagged), [row.problems for row in rows], [row.checked for row in rows])
    return _format() + lz4.block.compress(marshal.dumps(document))


def unpack(columns: list[Column], packed: bytes) -> Preview | None:
    """The Preview ``pack`` stored, every row back at its checks' outcome; None for another format."""
    header = _format()
    if not packed.startswith(header):
        return None
    ignored, absent, sheet, numbers, cells, tagged, problems, checked = marshal.loads(
        lz4.block.decompress(packed[len(header):]))
    keys = tuple(column.key for column in columns)
    stored = list(zip(*cells)) or [()] * len(numbers)
    for index in tagged:  # a row with a tagged date keeps a list, read back when its cells are asked for
        stored[index] = list(stored[index])
    # Positional (number, cells, keys, status, errors, notes, values, problems, checked): a call by
    # keyword took twice as long, 4 of the 12 ms 10,000 rows take to unpack.
    rows = [Row(number, row_cells, keys, "ready", [], [], {}, row_problems, row_checked)
            for number, row_cells, row_problems, row_checked in zip(numbers, stored, problems, checked)]
    for row in rows:
        if row.problems:  # a new Row is otherwise as reset() leaves it
            row.reset()
    return Preview(columns=columns, rows=rows, ignored_headers=ignored, absent=set(absent), sheet=sheet)


@dataclass
class RowPage:
    """One page of a preview's listed rows (the attributes the templates' pager macro reads)."""

    items: list[Row]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(preview: Preview, show: str = "all", page: int = 1, per_page: int = 500) -> RowPage:
    """Page ``page`` (from 1; out of range → the nearest) of the rows ``Preview.listed`` gives."""
    rows = preview.listed(show)
    last = max(1, -(-len(rows) // per_page))
    page = min(max(page, 1), last)
    return RowPage(rows[(page - 1) * per_page:page * per_page], page, per_page, len(rows))
