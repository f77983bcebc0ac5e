"""The 南粤家政 上门服务证 (door-to-door service card) as a PDF: ID-1 card pages and A4 print sheets.

Policy 004 之三 (广州市实施"南粤家政"羊城行动工作方案), 二(一) item 4 "全面推行家政从业人员持证上岗": a
家政从业人员服务证 combining the real-name identity with work history, training and health checks
(体检). The card prints only what seldom changes; what does (health, credit, the 回炉培训 deadline)
is read by scanning its QR code, and the back says so.

Everything is drawn in millimetres on a card whose lower-left corner is the origin, so the same
drawing serves a single card (one page per side) and a print sheet (ten cards per A4 page, the backs
mirrored for long-edge duplex). The font, the vector QR code and the date format are the
certificates' (``registry/domain/certificates/pdf.py``).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from math import cos, pi, sin
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from registry.domain.certificates.pdf import GOLD, INK, LABEL, QUIET_MODULES, chinese_date, draw_qr, register_font
from registry.domain.certificates.qr import module_matrix

#: ISO/IEC 7810 ID-1, landscape.
CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm
CARD_SIZE = (CARD_WIDTH, CARD_HEIGHT)
#: Nothing but the coloured bands comes closer than this to the card's edge (cutting tolerance).
SAFE = 2 * mm

BAND = (0.64, 0.10, 0.12)
WHITE = (1, 1, 1)
FRAME = (0.55, 0.55, 0.55)
PHOTO_BACKGROUND = (0.94, 0.94, 0.94)

FRONT_BAND_HEIGHT = 12 * mm
BACK_BAND_HEIGHT = 5 * mm
PHOTO_X, PHOTO_Y, PHOTO_WIDTH, PHOTO_HEIGHT = 4 * mm, 12.5 * mm, 20 * mm, 26 * mm
#: The front's fields, right of the photo: labels, then values from FIELDS_X + FIELDS_LABEL_WIDTH.
FIELDS_X = PHOTO_X + PHOTO_WIDTH + 3.5 * mm
FIELDS_LABEL_WIDTH = 10.5 * mm
FIELDS_RIGHT = CARD_WIDTH - SAFE - 1.5 * mm
FIELDS_PITCH = 6.4 * mm
#: The QR symbol's width; its white quiet zone of QUIET_MODULES modules lies around it.
QR_SIZE = 34 * mm

#: Line pitch as a multiple of the font size.
LEADING = 1.2
#: Where a CJK glyph's visual middle lies above the baseline, as a multiple of the font size.
MIDDLE = 0.36
SMALLEST = 4.5

NOTICE = "本证一人一证一码,仅限本人使用;持证人健康、信用等状态以扫码结果为准"
#: Characters that must not begin a line.
CLOSING = ",.;:!?)、。,;:!?)」』"

# Print sheets: 2 × 5 cards on A4 portrait.
SHEET_SIZE = A4
COLUMNS, ROWS = 2, 5
COLUMN_GUTTER = 10 * mm
ROW_GUTTER = 3 * mm
MARK_OFFSET = 0.8 * mm
MARK_LENGTH = 4 * mm
MARK_WIDTH = 0.25


@dataclass(frozen=True)
class PrintedCard:
    """Everything one card shows, taken from the records while the database is at hand."""

    number: str  # canonical card number, e.g. "SM26440106000123X"
    number_display: str  # grouped for reading, e.g. "SM-26-440106-000123-X"
    name: str  # the worker's full name (printed in full on their own card)
    sex: str  # 男 / 女
    document_masked: str  # masked ID number, e.g. "4401**********1234"
    photo_jpeg: bytes | None  # JPEG, 3:4 portrait, about 300x400 px (None: an empty framed box with "照片")
    service_types: tuple[str, ...]  # e.g. ("母婴", "养老") — the 南粤家政 tracks: 母婴, 居家, 养老, 医护
    employer: str  # 家政企业 name, or "" for self-employed (print "个人从业")
    stars: int | None  # star rating 1-5, None = not rated (print "未评定")
    issued_on: date
    retraining_due: date | None  # 回炉培训 due date (print it with "以扫码结果为准")
    programme: str  # "南粤家政"
    issuer: str  # issuing authority, e.g. "广州市人力资源和社会保障局"
    code_text: str  # the text the QR code carries (an upper-case URL, ~200 chars)

    def __post_init__(self) -> None:
        if self.stars is not None and not 1 <= self.stars <= 5:
            raise ValueError(f"star rating must be 1-5 or None, not {self.stars!r}")


# --- text that fits --------------------------------------------------------------------------------

def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaks between any two characters (CJK), never before closing punctuation."""
    lines: list[str] = []
    line = ""
    for char in text:
        if line and char not in CLOSING and pdfmetrics.stringWidth(line + char, font, size) > width:
            lines.append(line)
            line = ""
        line += char
    return lines + [line] if line else lines


def fit_text(font: str, text: str, width: float, height: float, size: float,
             smallest: float = SMALLEST) -> tuple[float, list[str]]:
    """The largest size (at most ``size``) and the lines at which ``text`` fits the box.

    ``_fit`` in certificates/pdf.py stops at 7 pt, which is large on a card, and never wraps; here
    the text shrinks, then wraps onto a second line if the box is tall enough, and only below
    ``smallest`` is it cut short with an ellipsis.
    """
    current = size
    while True:
        lines = wrap(text, font, current, width)
        if _fits(lines, font, current, width, height):
            return current, lines
        if current <= smallest:
            return current, _cut(lines, font, current, width, height)
        current = max(smallest, current - 0.25)


def _fits(lines: list[str], font: str, size: float, width: float, height: float) -> bool:
    return len(lines) * size * LEADING <= height and all(
        pdfmetrics.stringWidth(line, font, size) <= width for line in lines)


def _cut(lines: list[str], font: str, size: float, width: float, height: float) -> list[str]:
    kept = lines[:max(1, int(height // (size * LEADING)))]
    last = kept[-1]
    while last and pdfmetrics.stringWidth(last + "…", font, size) > width:
        last = last[:-1]
    return kept[:-1] + [last + "…"]


def _text_box(canvas: Canvas, font: str, text: str, x: float, middle: float, width: float, height: float,
              size: float, colour=INK, align: str = "left", hanging: bool = False) -> None:
    """``text`` fitted into a box ``width`` × ``height`` whose vertical middle is at ``middle``.

    ``hanging``: the first line's middle is at ``middle`` and any further lines hang below it.
    """
    size, lines = fit_text(font, text, width, height, size)
    pitch = size * LEADING
    baseline = middle - MIDDLE * size + (0 if hanging else (len(lines) - 1) * pitch / 2)
    canvas.setFillColorRGB(*colour)
    canvas.setFont(font, size)
    for line in lines:
        if align == "right":
            canvas.drawRightString(x + width, baseline, line)
        elif align == "centre":
            canvas.drawCentredString(x + width / 2, baseline, line)
        else:
            canvas.drawString(x, baseline, line)
        baseline -= pitch


def _spaced(canvas: Canvas, font: str, text: str, x: float, baseline: float, size: float, spacing: float) -> float:
    """Letter-spaced text (titles); returns its width."""
    canvas.saveState()  # the character spacing is graphics state: keep it from leaking into later text
    label = canvas.beginText(x, baseline)
    label.setFont(font, size)
    label.setCharSpace(spacing)
    label.textOut(text)
    canvas.drawText(label)
    canvas.restoreState()
    return pdfmetrics.stringWidth(text, font, size) + spacing * (len(text) - 1)


def _has_glyphs(font: str, text: str) -> bool:
    glyphs = getattr(pdfmetrics.getFont(font).face, "charToGlyph", {})
    return all(ord(char) in glyphs for char in text)


# --- what is printed ----------------------------------------------------------------------------

def star_text(stars: int | None) -> str:
    """★★★☆☆ for three stars of five; 未评定 when not rated."""
    return "未评定" if stars is None else "★" * stars + "☆" * (5 - stars)


def service_text(card: PrintedCard) -> str:
    return "、".join(card.service_types) or "—"


def employer_text(card: PrintedCard) -> str:
    return card.employer or "个人从业"


def retraining_text(card: PrintedCard) -> str:
    return chinese_date(card.retraining_due) if card.retraining_due else "无"


# --- the front ------------------------------------------------------------------------------------

def draw_front(canvas: Canvas, card: PrintedCard, font: str) -> None:
    """The front with the card's lower-left corner at the canvas origin."""
    _front_band(canvas, card, font)
    _photo(canvas, card.photo_jpeg, font)
    _front_fields(canvas, card, font)
    _card_number(canvas, card, font)


def _front_band(canvas: Canvas, card: PrintedCard, font: str) -> None:
    bottom = CARD_HEIGHT - FRONT_BAND_HEIGHT
    canvas.setFillColorRGB(*BAND)
    canvas.rect(0, bottom, CARD_WIDTH, FRONT_BAND_HEIGHT, stroke=0, fill=1)
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(0.8)
    canvas.line(0, bottom - 0.5, CARD_WIDTH, bottom - 0.5)
    _emblem(canvas, font, 8 * mm, bottom + FRONT_BAND_HEIGHT / 2)
    canvas.setFillColorRGB(*WHITE)
    _spaced(canvas, font, card.programme, 14 * mm, bottom + 7.6 * mm, 6, 1.6)
    title_width = _spaced(canvas, font, "上门服务证", 14 * mm, bottom + 2.6 * mm, 12.5, 2.2)
    left = 14 * mm + title_width + 3 * mm
    _text_box(canvas, font, card.issuer, left, bottom + 3.6 * mm, CARD_WIDTH - SAFE - 1 * mm - left, 4.6 * mm,
              5.5, colour=WHITE, align="right")


def _emblem(canvas: Canvas, font: str, x: float, y: float) -> None:
    """A round seal with 粤 in it: the programme's mark, kept simple enough to print anywhere."""
    canvas.setFillColorRGB(*WHITE)
    canvas.circle(x, y, 4 * mm, stroke=0, fill=1)
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(0.6)
    canvas.circle(x, y, 3.4 * mm, stroke=1, fill=0)
    canvas.setFillColorRGB(*BAND)
    canvas.setFont(font, 12)
    canvas.drawCentredString(x, y - MIDDLE * 12, "粤")


def _photo(canvas: Canvas, jpeg: bytes | None, font: str) -> None:
    box = (PHOTO_X, PHOTO_Y, PHOTO_WIDTH, PHOTO_HEIGHT)
    if jpeg is None:
        canvas.setFillColorRGB(*PHOTO_BACKGROUND)
        canvas.rect(*box, stroke=0, fill=1)
        canvas.setFillColorRGB(*LABEL)
        canvas.setFont(font, 8)
        canvas.drawCentredString(PHOTO_X + PHOTO_WIDTH / 2, PHOTO_Y + PHOTO_HEIGHT / 2 - MIDDLE * 8, "照片")
    else:
        _cover(canvas, ImageReader(io.BytesIO(jpeg)), *box)
    canvas.setStrokeColorRGB(*FRAME)
    canvas.setLineWidth(0.5)
    canvas.rect(*box, stroke=1, fill=0)


def _cover(canvas: Canvas, image: ImageReader, x: float, y: float, width: float, height: float) -> None:
    """The image scaled to cover the box and cropped to it (a photo that is not 3:4 is not squashed)."""
    pixels_wide, pixels_high = image.getSize()
    scale = max(width / pixels_wide, height / pixels_high)
    drawn_width, drawn_height = pixels_wide * scale, pixels_high * scale
    canvas.saveState()
    clip = canvas.beginPath()
    clip.rect(x, y, width, height)
    canvas.clipPath(clip, stroke=0, fill=0)
    canvas.drawImage(image, x + (width - drawn_width) / 2, y + (height - drawn_height) / 2, drawn_width, drawn_height)
    canvas.restoreState()


def _front_fields(canvas: Canvas, card: PrintedCard, font: str) -> None:
    value_x = FIELDS_X + FIELDS_LABEL_WIDTH
    middle = PHOTO_Y + PHOTO_HEIGHT - 3.3 * mm  # the name's row, level with the photo's top
    _label(canvas, font, "姓　名", middle)
    sex_x = FIELDS_RIGHT - 11 * mm
    _text_box(canvas, font, card.name, value_x, middle, sex_x - value_x, 6 * mm, 13)
    _label(canvas, font, "性别", middle, x=sex_x)
    _text_box(canvas, font, card.sex, FIELDS_RIGHT - 4 * mm, middle, 4 * mm, 6 * mm, 8)
    for label, value in (("服务类型", service_text(card)), ("所属企业", employer_text(card))):
        middle -= FIELDS_PITCH
        _label(canvas, font, label, middle)
        _text_box(canvas, font, value, value_x, middle, FIELDS_RIGHT - value_x, 5.2 * mm, 8)
    middle -= FIELDS_PITCH
    _label(canvas, font, "星　级", middle)
    _stars(canvas, font, card.stars, value_x, middle)


def _label(canvas: Canvas, font: str, text: str, middle: float, x: float = FIELDS_X, size: float = 5.5) -> None:
    canvas.setFillColorRGB(*LABEL)
    canvas.setFont(font, size)
    canvas.drawString(x, middle - MIDDLE * size, text)


def _stars(canvas: Canvas, font: str, stars: int | None, x: float, middle: float) -> None:
    if stars is None:
        _text_box(canvas, font, star_text(None), x, middle, 20 * mm, 4 * mm, 8)
        return
    size = 10
    if _has_glyphs(font, "★☆"):
        canvas.setFillColorRGB(*GOLD)
        canvas.setFont(font, size)
        canvas.drawString(x, middle - MIDDLE * size, star_text(stars))
        return
    for index in range(5):  # a font without the glyphs: draw them
        _star(canvas, x + (index + 0.5) * size, middle, size * 0.4, filled=index < stars)


def _star(canvas: Canvas, cx: float, cy: float, radius: float, filled: bool) -> None:
    path = canvas.beginPath()
    for point in range(10):
        r = radius if point % 2 == 0 else radius * 0.4
        angle = pi / 2 + point * pi / 5
        (path.moveTo if point == 0 else path.lineTo)(cx + r * cos(angle), cy + r * sin(angle))
    path.close()
    canvas.setFillColorRGB(*GOLD)
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(0.5)
    canvas.drawPath(path, stroke=1, fill=1 if filled else 0)


def _card_number(canvas: Canvas, card: PrintedCard, font: str) -> None:
    rule_y = PHOTO_Y - 2.5 * mm
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(0.5)
    canvas.line(PHOTO_X, rule_y, CARD_WIDTH - PHOTO_X, rule_y)
    middle = (rule_y + SAFE) / 2
    _label(canvas, font, "服务证号", middle, x=PHOTO_X, size=5.5)
    x = PHOTO_X + FIELDS_LABEL_WIDTH
    _text_box(canvas, font, card.number_display, x, middle, CARD_WIDTH - PHOTO_X - x, 4 * mm, 9)


# --- the back -------------------------------------------------------------------------------------

def draw_back(canvas: Canvas, card: PrintedCard, font: str) -> None:
    """The back with the card's lower-left corner at the canvas origin."""
    _back_band(canvas, card, font)
    qr_right = _qr(canvas, card.code_text, font)
    _back_fields(canvas, card, font, qr_right + 2 * mm)


def _back_band(canvas: Canvas, card: PrintedCard, font: str) -> None:
    bottom = CARD_HEIGHT - BACK_BAND_HEIGHT
    canvas.setFillColorRGB(*BAND)
    canvas.rect(0, bottom, CARD_WIDTH, BACK_BAND_HEIGHT, stroke=0, fill=1)
    middle = bottom + BACK_BAND_HEIGHT / 2
    canvas.setFillColorRGB(*WHITE)
    _spaced(canvas, font, f"{card.programme} · 上门服务证", PHOTO_X, middle - MIDDLE * 6.5, 6.5, 0.8)
    # The number on the back too, so a cut sheet's backs can be matched to their fronts.
    _text_box(canvas, font, card.number_display, CARD_WIDTH / 2, middle, CARD_WIDTH / 2 - PHOTO_X,
              BACK_BAND_HEIGHT, 6.5, colour=WHITE, align="right")


def _qr(canvas: Canvas, text: str, font: str) -> float:
    """The QR code in its white quiet zone at the left, captioned; returns the quiet zone's right edge."""
    matrix = module_matrix(text)
    quiet = QUIET_MODULES * QR_SIZE / len(matrix)
    caption_size = 6.5
    left = SAFE + 0.5 * mm
    # The caption below the quiet zone, the block centred between the card's foot and the band.
    block = caption_size * LEADING + QR_SIZE + 2 * quiet
    bottom = SAFE + (CARD_HEIGHT - BACK_BAND_HEIGHT - 2 * SAFE - block) / 2 + caption_size * LEADING
    canvas.setFillColorRGB(*WHITE)
    canvas.rect(left, bottom, QR_SIZE + 2 * quiet, QR_SIZE + 2 * quiet, stroke=0, fill=1)
    draw_qr(canvas, matrix, left + quiet, bottom + quiet, QR_SIZE)
    canvas.setFillColorRGB(*INK)
    canvas.setFont(font, caption_size)
    canvas.drawCentredString(left + quiet + QR_SIZE / 2, bottom - caption_size * 0.9, "扫码查验实时状态")
    return left + QR_SIZE + 2 * quiet


def _back_fields(canvas: Canvas, card: PrintedCard, font: str, left: float) -> None:
    width = CARD_WIDTH - SAFE - 1 * mm - left
    label_middle = CARD_HEIGHT - BACK_BAND_HEIGHT - 2.4 * mm
    rows = (
        ("证件号码", card.document_masked),
        ("发证日期", chinese_date(card.issued_on)),
        ("回炉培训截止", retraining_text(card)),
        ("发证机构", card.issuer),
    )
    for label, value in rows:
        _label(canvas, font, label, label_middle, x=left)
        value_middle = label_middle - 3.3 * mm
        if label == "回炉培训截止" and card.retraining_due:
            _date_with_caveat(canvas, font, value, left, value_middle, width)
        elif label == "发证机构":  # an authority's name is printed in full: two lines if need be
            _text_box(canvas, font, value, left, value_middle, width, 6 * mm, 7.5, hanging=True)
        else:
            _text_box(canvas, font, value, left, value_middle, width, 3.8 * mm, 7.5)
        label_middle -= 8.2 * mm
    _notice(canvas, font, left, width)


def _date_with_caveat(canvas: Canvas, font: str, value: str, x: float, middle: float, width: float) -> None:
    """The due date, then 以扫码结果为准 in small grey: the register, not the card, has the last word."""
    size, _ = fit_text(font, value, width * 0.62, 3.8 * mm, 7.5)
    _text_box(canvas, font, value, x, middle, width * 0.62, 3.8 * mm, size)
    date_width = pdfmetrics.stringWidth(value, font, size) + 1 * mm
    _text_box(canvas, font, "(以扫码结果为准)", x + date_width, middle, width - date_width, 3.8 * mm, 5,
              colour=LABEL)


def _notice(canvas: Canvas, font: str, left: float, width: float) -> None:
    height = 5 * mm
    rule_y = SAFE + height + 0.8 * mm
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(0.4)
    canvas.line(left, rule_y, left + width, rule_y)
    _text_box(canvas, font, NOTICE, left, SAFE + height / 2, width, height, 5.2, colour=LABEL)


# --- documents ------------------------------------------------------------------------------------

def _canvas(out: BinaryIO, pagesize: tuple[float, float], title: str, font: str) -> Canvas:
    # Our font as the initial font, so no page refers to the unembedded Helvetica.
    canvas = Canvas(out, pagesize=pagesize, pageCompression=1, initialFontName=font, initialFontSize=8)
    canvas.setTitle(title)
    canvas.setCreator("广东省职业技能培训登记系统")
    return canvas


def card_pdf(card: PrintedCard, font_path: str | Path) -> bytes:
    """One card as a 2-page PDF of ID-1 pages: the front, then the back."""
    font = register_font(font_path)
    out = io.BytesIO()
    canvas = _canvas(out, CARD_SIZE, f"上门服务证 {card.number_display}", font)
    for draw in (draw_front, draw_back):
        draw(canvas, card, font)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


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
    canvas = _canvas(out, SHEET_SIZE, "上门服务证印刷页", font)
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
