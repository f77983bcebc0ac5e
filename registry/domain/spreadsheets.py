"""Spreadsheet input and output: python-calamine reads, openpyxl writes.

Written cells that start with = + - @ (or a tab or carriage return) are stored as plain text with
Excel's quote prefix, so a spreadsheet program never evaluates what a trainee or clerk typed.
"""
from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, Iterator, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from .errors import DomainError

SPREADSHEET_TYPES = {".xlsx": "Excel", ".xlsm": "Excel", ".xls": "Excel 97-2003", ".ods": "OpenDocument", ".csv": "CSV"}
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def extension_of(filename: str) -> str:
    name = (filename or "").lower()
    return name[name.rfind("."):] if "." in name else ""


def read_sheets(filename: str, content: bytes) -> Iterator[tuple[str, list[list[Any]]]]:
    """The visible worksheets, first to last, as (name, all rows as Python values), each read only
    when the caller asks for it (a CSV is one sheet named ""); refuses what it cannot read. Hidden
    sheets (lists behind drop-downs, old copies) are not the clerk's data."""
    extension = extension_of(filename)
    if extension not in SPREADSHEET_TYPES:
        raise DomainError("只支持 .xlsx、.xls、.ods 或 .csv 文件", "file")
    if not content:
        raise DomainError("上传的文件是空的", "file")
    if extension == ".csv":
        yield "", _read_csv(content)
        return
    with _readable(extension):
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = [sheet.name for sheet in workbook.sheets_metadata
                 if sheet.typ == SheetTypeEnum.WorkSheet and sheet.visible == SheetVisibleEnum.Visible]
    if not names:
        raise DomainError("表格中没有可见的工作表", "file")
    for name in names:
        with _readable(extension):
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        yield name, rows


@contextmanager
def _readable(extension: str) -> Iterator[None]:
    """Calamine's errors on a file it cannot read, as the clerk's message."""
    try:
        yield
    except (CalamineError, ValueError, OSError) as error:
        raise DomainError(f"无法读取该表格文件,请确认它是有效的 {SPREADSHEET_TYPES[extension]} 文件", "file") from error
    except Exception as error:  # calamine raises its own error classes for damaged files
        raise DomainError("无法读取该表格文件,文件可能已损坏或被加密", "file") from error


def _read_csv(content: bytes) -> list[list[Any]]:
    """CSV from Excel in China is often GB18030 (GBK); UTF-8 with or without BOM is tried first."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError("无法识别 CSV 文件的编码,请另存为 UTF-8 或 Excel 格式", "file")
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        pass
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def safe_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _write_cell(sheet, row: int, column: int, value: Any):
    cell = sheet.cell(row=row, column=column)
    value = safe_value(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, (date, datetime)):
        cell.number_format = "yyyy-mm-dd"
    return cell


def workbook_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
                   text_columns: Sequence[str] = ()) -> bytes:
    """Write sheets of (title, headers, rows); header bold and frozen; ``text_columns`` formatted as text."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        widths = [max(8, len(str(h)) * 2 + 2) for h in headers]
        for column, header in enumerate(headers, start=1):
            cell = _write_cell(sheet, 1, column, header)
            cell.font = Font(bold=True)
            cell.fill = header_fill
        for row_number, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                cell = _write_cell(sheet, row_number, column, value)
                if headers[column - 1] in text_columns:
                    cell.number_format = "@"
                if value is not None:
                    widths[column - 1] = min(40, max(widths[column - 1], len(str(value)) + 2))
        for column, width in enumerate(widths, start=1):
            dimension = sheet.column_dimensions[get_column_letter(column)]
            dimension.width = width
            if headers[column - 1] in text_columns:
                # The whole column, not only the cells written: a number typed or pasted below stays
                # text (an 18-digit ID number would otherwise become 4.40106E+17 and lose digits).
                dimension.number_format = "@"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
