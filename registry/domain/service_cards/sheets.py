"""A4 print sheets of 上门服务证: ten cards a page, each sheet's fronts then its backs, mirrored for
long-edge duplex, with crop marks and a caption in the margin (the cards drawn by pdf.py)."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Iterable, Iterator

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from registry.domain.certificates.pdf import LABEL, register_font

from .pdf import CARD_HEIGHT, CARD_WIDTH, PrintedCard, draw_back, draw_front, new_canvas
from .typesetting import MIDDLE

# Print sheets: 2 × 5 cards on A4 portrait.
SHEET_SIZE = A4
COLUMNS, ROWS = 2, 5
COLUMN_GUTTER = 10 * mm
ROW_GUTTER = 3 * mm
MARK_OFFSET = 0.8 * mm
MARK_LENGTH = 4 * mm
MARK_WIDTH = 0.25


def slot_origin(index: int, mirrored: bool = False) -> tuple[float, float]:
    """Lower-left corner of the ``index``-th card on a sheet; mirrored left-right for the backs."""
    page_width, page_height = SHEET_SIZE
    column, row = index % COLUMNS, index // COLUMNS
    left_margin = (page_width - COLUMNS * CARD_WIDTH - (COLUMNS - 1) * COLUMN_GUTTER) / 2
    top_margin = (page_height - ROWS * CARD_HEIGHT - (ROWS - 1) * ROW_GUTTER) / 2
    x = left_margin + column * (CARD_WIDTH + COLUMN_GUTTER)
    y = page_height - top_margin - CARD_HEIGHT - row * (CARD_HEIGHT + ROW_GUTTER)
    # Long-edge duplex turns the sheet about its vertical axis: a card's back lies at the mirrored x.
    return (page_width - x - CARD_WIDTH, y) if mirrored else (x, y)


def _crop_marks(canvas: Canvas, x: float, y: float) -> None:
    """Short lines continuing the card's edges outwards, stopping short of it and of its neighbours."""
    side_margin, _ = slot_origin(0)
    across = min(MARK_LENGTH, COLUMN_GUTTER - 2 * MARK_OFFSET, side_margin - 2 * MARK_OFFSET)
    along = min(MARK_LENGTH, ROW_GUTTER - 2 * MARK_OFFSET)
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setLineWidth(MARK_WIDTH)
    for corner_x, outward_x in ((x, -1), (x + CARD_WIDTH, 1)):
        for corner_y, outward_y in ((y, -1), (y + CARD_HEIGHT, 1)):
            start_x = corner_x + outward_x * MARK_OFFSET
            canvas.line(start_x, corner_y, start_x + outward_x * across, corner_y)
            start_y = corner_y + outward_y * MARK_OFFSET
            canvas.line(corner_x, start_y, corner_x, start_y + outward_y * along)


def _caption(canvas: Canvas, font: str, sheet: int, sheets: int, side: str) -> None:
    text = f"上门服务证印刷页  第 {sheet}/{sheets} 张 · {side}  (双面打印:长边翻转,按实际大小)"
    # Upright in the left margin, where neither the crop marks nor a printer's unprintable edge reach.
    left_margin, _ = slot_origin(0)
    canvas.saveState()
    canvas.translate(left_margin / 2 + MIDDLE * 7, SHEET_SIZE[1] / 2)  # glyphs lie left of the baseline
    canvas.rotate(90)
    canvas.setFillColorRGB(*LABEL)
    canvas.setFont(font, 7)
    canvas.drawCentredString(0, 0, text)
    canvas.restoreState()


def _chunks(cards: list[PrintedCard], size: int) -> Iterator[list[PrintedCard]]:
    for start in range(0, len(cards), size):
        yield cards[start:start + size]


def print_sheet_pdf(cards: Iterable[PrintedCard], font_path: str | Path) -> bytes:
    """A4 sheets of up to ten cards: each sheet's fronts, then its backs mirrored for long-edge duplex."""
    font = register_font(font_path)
    cards = list(cards)
    if not cards:
        raise ValueError("no cards to print")
    sheets = -(-len(cards) // (COLUMNS * ROWS))
    out = io.BytesIO()
    canvas = new_canvas(out, SHEET_SIZE, "上门服务证印刷页", font)
    for sheet, batch in enumerate(_chunks(cards, COLUMNS * ROWS), start=1):
        for side, draw, mirrored in (("正面", draw_front, False), ("背面", draw_back, True)):
            for index, card in enumerate(batch):
                x, y = slot_origin(index, mirrored)
                canvas.saveState()
                canvas.translate(x, y)
                draw(canvas, card, font)
                canvas.restoreState()
                _crop_marks(canvas, x, y)
            _caption(canvas, font, sheet, sheets, side)
            canvas.showPage()
    canvas.save()
    return out.getvalue()
