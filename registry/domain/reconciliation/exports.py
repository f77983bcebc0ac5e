"""The reconciliation page's tables as .xlsx and as a PDF summary: the same Reconciliation object."""
from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ..catalogue import catalogue
from .counting import RULES
from .figures import GROUPINGS, Reconciliation, Row

PACE_NAMES = {"met": "已完成", "on_track": "进度正常", "behind": "进度滞后", "not_counted": "暂无数据来源"}
TARGET_HEADERS = ("项目", "方向/职业", "范围", "指标", "目标值", "完成数", "完成率", "时间进度", "状态")
GROUP_HEADERS = ("培训人次", "培训人数", "合格人数", "考核人次", "取证人数", "就业人数", "合格率", "取证率", "就业率",
                 "人次目标", "人次完成率")


def title(reconciliation: Reconciliation, district_name: str) -> str:
    scope = reconciliation.scope
    parts = [f"{scope.year}年", district_name or "全市"]
    if scope.programme_code:
        parts.append(catalogue.name_of(scope.programme_code))
    return " ".join(parts) + " 培训目标完成情况"


def target_rows(reconciliation: Reconciliation) -> list[list]:
    return [
        [p.target.programme_name, p.target.slice_name or "全项目", p.target.scope_name, p.target.measure_name,
         p.target.value, p.actual, p.done, reconciliation.elapsed, PACE_NAMES[p.pace]]
        for p in reconciliation.targets
    ]


def group_row(row: Row) -> list:
    f = row.figures
    return [row.label, f.trainings, f.persons, f.passed, f.assessed, f.certified, f.employed,
            f.pass_rate, f.certified_rate, f.employed_rate, row.target, row.done]


def group_rows(reconciliation: Reconciliation) -> list[list]:
    return [group_row(row) for row in reconciliation.rows] + [group_row(reconciliation.total)]


def workbook(reconciliation: Reconciliation, district_name: str) -> bytes:
    """Two sheets (targets, grouped figures) and the counting rules; totals, frozen headers, formats."""
    book = Workbook()
    book.remove(book.active)
    heading = title(reconciliation, district_name)
    _sheet(book, "目标完成情况", heading, TARGET_HEADERS, target_rows(reconciliation),
           integer_columns=(5, 6), percent_columns=(7, 8))
    grouping = GROUPINGS[reconciliation.group_by]
    _sheet(book, f"按{grouping}统计", heading, (grouping, *GROUP_HEADERS), group_rows(reconciliation),
           integer_columns=(2, 3, 4, 5, 6, 7, 11), percent_columns=(8, 9, 10, 12), total_last=True)
    rules = book.create_sheet("统计口径")
    for number, rule in enumerate(RULES, start=1):
        rules.cell(row=number, column=1, value=rule)
    rules.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(book: Workbook, name: str, heading: str, headers, rows, integer_columns=(), percent_columns=(),
           total_last: bool = False) -> None:
    sheet = book.create_sheet(name)
    sheet.cell(row=1, column=1, value=heading).font = Font(bold=True, size=13)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=2, column=column, value=header)
        cell.font, cell.fill = Font(bold=True), fill
        sheet.column_dimensions[get_column_letter(column)].width = max(10, len(header) * 2 + 2)
    for number, values in enumerate(rows, start=3):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if column in integer_columns:
                cell.number_format = "#,##0"
            elif column in percent_columns:
                cell.number_format = "0.0%"
            if total_last and number == len(rows) + 2:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.freeze_panes = "B3"


def pdf(reconciliation: Reconciliation, district_name: str, font_path: Path, generated: str) -> bytes:
    """An A4 landscape summary: title, targets with their progress, the grouped table, the rules."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from ..certificates.pdf import register_font

    font = register_font(font_path)
    heading_style = ParagraphStyle("h", fontName=font, fontSize=15, leading=20)
    section_style = ParagraphStyle("s", fontName=font, fontSize=11, leading=16, spaceBefore=6)
    small_style = ParagraphStyle("p", fontName=font, fontSize=8, leading=11)
    table_style = TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ])
    story = [Paragraph(title(reconciliation, district_name), heading_style),
             Paragraph(f"时间进度 {_percent(reconciliation.elapsed)} · 生成于 {generated}", small_style), Spacer(1, 4 * mm)]
    story.append(Paragraph("目标完成情况", section_style))
    targets = [list(TARGET_HEADERS)] + [_printable(row) for row in target_rows(reconciliation)]
    if len(targets) == 1:
        targets.append(["本年度尚未设定目标"] + [""] * (len(TARGET_HEADERS) - 1))
    target_table = Table(targets, repeatRows=1)
    target_table.setStyle(table_style)
    target_table.setStyle(TableStyle([("ALIGN", (4, 1), (7, -1), "RIGHT")]))
    for index, progress in enumerate(reconciliation.targets, start=1):
        if progress.pace == "behind":
            target_table.setStyle(TableStyle([("TEXTCOLOR", (0, index), (-1, index), colors.HexColor("#B02A37"))]))
    story += [target_table, Spacer(1, 4 * mm)]
    grouping = GROUPINGS[reconciliation.group_by]
    story.append(Paragraph(f"按{grouping}统计", section_style))
    grouped = [[grouping, *GROUP_HEADERS]] + [_printable(row) for row in group_rows(reconciliation)]
    grouped_table = Table(grouped, repeatRows=1)
    grouped_table.setStyle(table_style)
    grouped_table.setStyle(TableStyle([("ALIGN", (1, 1), (-1, -1), "RIGHT")]))
    grouped_table.setStyle(TableStyle([("FONTNAME", (0, len(grouped) - 1), (-1, len(grouped) - 1), font),
                                       ("BACKGROUND", (0, len(grouped) - 1), (-1, len(grouped) - 1),
                                        colors.HexColor("#F2F2F2"))]))
    story += [grouped_table, Spacer(1, 4 * mm), Paragraph("统计口径", section_style)]
    story += [Paragraph(rule, small_style) for rule in RULES]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=12 * mm, title=title(reconciliation, district_name))
    document.build(story)
    return buffer.getvalue()


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _printable(row: list) -> list[str]:
    """Integers with thousands separators, shares as percentages (the row layout of the sheets)."""
    cells = []
    for value in row:
        if isinstance(value, float):
            cells.append(_percent(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            cells.append(f"{value:,}")
        else:
            cells.append("—" if value is None else str(value))
    return cells
