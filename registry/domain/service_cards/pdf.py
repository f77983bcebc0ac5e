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
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from registry.domain.certificates.pdf import GOLD, INK, LABEL, QUIET_MODULES, chinese_date, draw_qr, register_font
from registry.domain.certificates.qr import module_matrix

from .typesetting import LEADING, MIDDLE, fit_text, has_glyphs, spaced, text_box

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


NOTICE = "本证一人一证一码,仅限本人使用;持证人健康、信用等状态以扫码结果为准"



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
    spaced(canvas, font, card.programme, 14 * mm, bottom + 7.6 * mm, 6, 1.6)
    title_width = spaced(canvas, font, "上门服务证", 14 * mm, bottom + 2.6 * mm, 12.5, 2.2)
    left = 14 * mm + title_width + 3 * mm
    text_box(canvas, font, card.issuer, left, bottom + 3.6 * mm, CARD_WIDTH - SAFE - 1 * mm - left, 4.6 * mm,
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
    text_box(canvas, font, card.name, value_x, middle, sex_x - value_x, 6 * mm, 13)
    _label(canvas, font, "性别", middle, x=sex_x)
    text_box(canvas, font, card.sex, FIELDS_RIGHT - 4 * mm, middle, 4 * mm, 6 * mm, 8)
    for label, value in (("服务类型", service_text(card)), ("所属企业", employer_text(card))):
        middle -= FIELDS_PITCH
        _label(canvas, font, label, middle)
        text_box(canvas, font, value, value_x, middle, FIELDS_RIGHT - value_x, 5.2 * mm, 8)
    middle -= FIELDS_PITCH
    _label(canvas, font, "星　级", middle)
    _stars(canvas, font, card.stars, value_x, middle)


def _label(canvas: Canvas, font: str, text: str, middle: float, x: float = FIELDS_X, size: float = 5.5) -> None:
    canvas.setFillColorRGB(*LABEL)
    canvas.setFont(font, size)
    canvas.drawString(x, middle - MIDDLE * size, text)


def _stars(canvas: Canvas, font: str, stars: int | None, x: float, middle: float) -> None:
    if stars is None:
        text_box(canvas, font, star_text(None), x, middle, 20 * mm, 4 * mm, 8)
        return
    size = 10
    if has_glyphs(font, "★☆"):
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
    text_box(canvas, font, card.number_display, x, middle, CARD_WIDTH - PHOTO_X - x, 4 * mm, 9)


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
    spaced(canvas, font, f"{card.programme} · 上门服务证", PHOTO_X, middle - MIDDLE * 6.5, 6.5, 0.8)
    # The number on the back too, so a cut sheet's backs can be matched to their fronts.
    text_box(canvas, font, card.number_display, CARD_WIDTH / 2, middle, CARD_WIDTH / 2 - PHOTO_X,
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
            text_box(canvas, font, value, left, value_middle, width, 6 * mm, 7.5, hanging=True)
        else:
            text_box(canvas, font, value, left, value_middle, width, 3.8 * mm, 7.5)
        label_middle -= 8.2 * mm
    _notice(canvas, font, left, width)


def _date_with_caveat(canvas: Canvas, font: str, value: str, x: float, middle: float, width: float) -> None:
    """The due date, then 以扫码结果为准 in small grey: the register, not the card, has the last word."""
    size, _ = fit_text(font, value, width * 0.62, 3.8 * mm, 7.5)
    text_box(canvas, font, value, x, middle, width * 0.62, 3.8 * mm, size)
    date_width = pdfmetrics.stringWidth(value, font, size) + 1 * mm
    text_box(canvas, font, "(以扫码结果为准)", x + date_width, middle, width - date_width, 3.8 * mm, 5,
              colour=LABEL)


def _notice(canvas: Canvas, font: str, left: float, width: float) -> None:
    height = 5 * mm
    rule_y = SAFE + height + 0.8 * mm
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(0.4)
    canvas.line(left, rule_y, left + width, rule_y)
    text_box(canvas, font, NOTICE, left, SAFE + height / 2, width, height, 5.2, colour=LABEL)


# --- documents ------------------------------------------------------------------------------------

def new_canvas(out: BinaryIO, pagesize: tuple[float, float], title: str, font: str) -> Canvas:
    # Our font as the initial font, so no page refers to the unembedded Helvetica.
    canvas = Canvas(out, pagesize=pagesize, pageCompression=1, initialFontName=font, initialFontSize=8)
    canvas.setTitle(title)
    canvas.setCreator("广东省职业技能培训登记系统")
    return canvas


def card_pdf(card: PrintedCard, font_path: str | Path) -> bytes:
    """One card as a 2-page PDF of ID-1 pages: the front, then the back."""
    font = register_font(font_path)
    out = io.BytesIO()
    canvas = new_canvas(out, CARD_SIZE, f"上门服务证 {card.number_display}", font)
    for draw in (draw_front, draw_back):
        draw(canvas, card, font)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
