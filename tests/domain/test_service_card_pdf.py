"""上门服务证 PDFs, checked the way a reader sees them: rendered, scanned, measured.

No database: every card is a PrintedCard built here. Pages are rendered with pdfium and the QR codes
read back with zxing, so a code that is drawn too small, clipped or in the wrong place fails.
"""
from __future__ import annotations

import io
import random
from dataclasses import replace
from datetime import date

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image, ImageChops
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from registry.domain.certificates.pdf import find_font, register_font
from registry.domain.certificates.qr import module_matrix
from registry.domain.service_cards import pdf
from registry.domain.service_cards.pdf import PrintedCard, card_pdf, star_text
from registry.domain.service_cards.sheets import print_sheet_pdf
from registry.domain.service_cards.typesetting import LEADING, fit_text

DPI = 300
PX_PER_MM = DPI / 25.4
ID1 = (85.6 * mm, 54 * mm)
PHOTO_COLOUR = (40, 120, 200)
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
LONG_EMPLOYER = "广东省广州市番禺区大石街道南粤家政巾帼家政服务示范基地服务有限责任公司第一分公司"


@pytest.fixture(scope="module")
def font_path():
    return find_font(None)


@pytest.fixture(scope="module")
def photo() -> bytes:
    """A plain 3:4 JPEG whose colour is easy to find on the rendered page."""
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), PHOTO_COLOUR).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def make_card(serial: int = 123, **changes) -> PrintedCard:
    number = f"SM26440106{serial:06d}X"
    signature = "".join(random.Random(serial).choice(BASE32) for _ in range(150))
    card = PrintedCard(
        number=number,
        number_display=f"SM-26-440106-{serial:06d}-X",
        name="欧阳晓燕",
        sex="女",
        document_masked="4401**********1234",
        photo_jpeg=None,
        service_types=("母婴", "养老"),
        employer="广州市天河区好帮手家政服务有限公司",
        stars=3,
        issued_on=date(2026, 11, 24),
        retraining_due=date(2027, 11, 24),
        programme="南粤家政",
        issuer="广州市人力资源和社会保障局",
        code_text=f"HTTPS://REGISTRY.EXAMPLE.GOV.CN/C/{number}/{signature}",
    )
    return replace(card, **changes)


def pages(data: bytes) -> list[tuple[Image.Image, str, tuple[float, float]]]:
    """Each page rendered at DPI, with its text and its size in points."""
    document = pdfium.PdfDocument(data)
    try:
        rendered = []
        for page in document:
            textpage = page.get_textpage()
            rendered.append((page.render(scale=DPI / 72).to_pil().convert("RGB"), textpage.get_text_range(),
                             page.get_size()))
            textpage.close()
            page.close()
        return rendered
    finally:
        document.close()


def flat(text: str) -> str:
    return text.replace("\r", "").replace("\n", "")


def codes(image: Image.Image) -> dict[str, tuple[float, float]]:
    """Decoded QR texts and their centres in pixels."""
    found = {}
    for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        corners = (barcode.position.top_left, barcode.position.top_right,
                   barcode.position.bottom_left, barcode.position.bottom_right)
        found[barcode.text] = (sum(c.x for c in corners) / 4, sum(c.y for c in corners) / 4)
    return found


def red_bands(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """(left, top, right, bottom) in pixels of each card's red header band, found by its colour."""
    red, green, _ = image.split()
    mask = ImageChops.multiply(red.point(lambda v: 255 if v > 120 else 0), green.point(lambda v: 255 if v < 70 else 0))
    bands = []
    for top, bottom in runs(list(mask.resize((1, mask.height), Image.BOX).tobytes()), threshold=40):
        strip = mask.crop((0, top, mask.width, bottom))
        for left, right in runs(list(strip.resize((mask.width, 1), Image.BOX).tobytes()), threshold=40):
            bands.append((left, top, right, bottom))
    return bands


def runs(values: list[int], threshold: int) -> list[tuple[int, int]]:
    """[start, end) of each run of values above ``threshold``."""
    found, start = [], None
    for index, value in enumerate(values + [0]):
        if value > threshold and start is None:
            start = index
        elif value <= threshold and start is not None:
            found.append((start, index))
            start = None
    return found


def is_blank(image: Image.Image, box: tuple[float, float, float, float]) -> bool:
    """True when the box (in mm from the image's top-left corner) is white paper."""
    pixels = image.crop(tuple(round(v * PX_PER_MM) for v in box)).convert("L")
    return pixels.getextrema()[0] >= 245


# --- one card -------------------------------------------------------------------------------------

def test_card_is_two_id1_pages(font_path):
    rendered = pages(card_pdf(make_card(), font_path))
    assert len(rendered) == 2
    for _, _, size in rendered:
        assert size == pytest.approx(ID1, abs=0.5)


def test_back_qr_decodes_to_the_code_text_and_the_front_has_none(font_path, photo):
    card = make_card(photo_jpeg=photo)
    (front, _, _), (back, _, _) = pages(card_pdf(card, font_path))
    assert codes(front) == {}
    assert list(codes(back)) == [card.code_text]


def test_back_qr_is_at_least_28_mm_with_a_white_quiet_zone(font_path):
    card = make_card()
    (_, _, _), (back, _, _) = pages(card_pdf(card, font_path))
    [barcode] = zxingcpp.read_barcodes(back, formats=zxingcpp.BarcodeFormat.QRCode)
    corners = barcode.position
    width_mm = (corners.top_right.x - corners.top_left.x) / PX_PER_MM
    assert width_mm >= 27.5  # zxing reports the finder patterns' outer corners: the symbol's width
    modules = len(module_matrix(card.code_text))
    quiet = 4 * width_mm / modules
    left, top = corners.top_left.x / PX_PER_MM, corners.top_left.y / PX_PER_MM
    right, bottom = corners.bottom_right.x / PX_PER_MM, corners.bottom_right.y / PX_PER_MM
    margin = 0.3  # antialiasing at the symbol's own edge
    assert is_blank(back, (left - quiet, top - quiet, left - margin, bottom + quiet))
    assert is_blank(back, (right + margin, top - quiet, right + quiet, bottom + quiet))
    assert is_blank(back, (left - quiet, top - quiet, right + quiet, top - margin))
    assert is_blank(back, (left - quiet, bottom + margin, right + quiet, bottom + quiet))


def test_card_prints_its_fields(font_path, photo):
    card = make_card(photo_jpeg=photo, service_types=("母婴", "居家", "养老"))
    (_, front, _), (_, back, _) = pages(card_pdf(card, font_path))
    for text in ("上门服务证", "南粤家政", "欧阳晓燕", "女", "母婴、居家、养老", card.employer, "★★★☆☆",
                 "SM-26-440106-000123-X", card.issuer):
        assert text in front
    for text in ("4401**********1234", "发证日期", "2026年11月24日", "回炉培训截止", "2027年11月24日",
                 "以扫码结果为准", "扫码查验实时状态", card.issuer, pdf.NOTICE):
        assert text in flat(back)


def test_card_without_rating_employer_retraining_or_photo(font_path):
    card = make_card(photo_jpeg=None, stars=None, employer="", retraining_due=None)
    (front_image, front, _), (back_image, back, _) = pages(card_pdf(card, font_path))
    assert "照片" in front and "未评定" in front and "个人从业" in front
    assert "★" not in front
    assert "回炉培训截止\r\n无" in back
    assert list(codes(back_image)) == [card.code_text]


def test_photo_is_drawn(font_path, photo):
    (front, _, _), _ = pages(card_pdf(make_card(photo_jpeg=photo), font_path))
    difference = ImageChops.difference(front, Image.new("RGB", front.size, PHOTO_COLOUR)).convert("L")
    matching = sum(difference.point(lambda v: 255 if v < 12 else 0).histogram()[255:])
    photo_area = 20 * 26 * PX_PER_MM ** 2
    assert matching > 0.9 * photo_area


def test_long_texts_stay_inside_the_safe_margin(font_path, photo):
    card = make_card(photo_jpeg=photo, employer=LONG_EMPLOYER, name="阿卜杜热合曼·买买提江·艾力",
                     service_types=("母婴", "居家", "养老", "医护"),
                     issuer="广州市番禺区人力资源和社会保障局(区家政服务行业管理办公室)")
    assert len(card.employer) == 40
    (front_image, front, _), (back_image, back, _) = pages(card_pdf(card, font_path))
    assert card.employer in flat(front)  # shrunk and wrapped, never cut
    assert card.name in front
    assert card.issuer in flat(back)
    assert list(codes(back_image)) == [card.code_text]
    width, height, safe = 85.6, 54, 2
    # The bands (and the gold rule under the front's) run to the edges by design; below them, nothing does.
    for image, band in ((front_image, 12.8), (back_image, 5.3)):
        assert is_blank(image, (0, band, safe, height))
        assert is_blank(image, (width - safe, band, width, height))
        assert is_blank(image, (0, height - safe, width, height))


@pytest.mark.parametrize("text", ["母婴", "广州市天河区好帮手家政服务有限公司", LONG_EMPLOYER, LONG_EMPLOYER * 3])
def test_fit_text_shrinks_then_wraps_within_the_box(font_path, text):
    font = register_font(font_path)
    width, height = 46 * mm, 5.2 * mm
    size, lines = fit_text(font, text, width, height, 8)
    assert 4.5 <= size <= 8
    assert len(lines) * size * LEADING <= height
    assert all(pdfmetrics.stringWidth(line, font, size) <= width for line in lines)
    if text == LONG_EMPLOYER * 3:  # too long even at the smallest size: cut, and says so
        assert lines[-1].endswith("…")
    else:
        assert "".join(lines) == text


def test_stars():
    assert star_text(3) == "★★★☆☆"
    assert star_text(5) == "★★★★★"
    assert star_text(None) == "未评定"
    with pytest.raises(ValueError):
        make_card(stars=6)


def test_stars_are_drawn_when_the_font_lacks_them(font_path, monkeypatch):
    monkeypatch.setattr(pdf, "has_glyphs", lambda font, text: False)
    (front_image, front, _), _ = pages(card_pdf(make_card(stars=4), font_path))
    assert "★" not in front
    gold = Image.new("RGB", front_image.size, tuple(round(255 * c) for c in pdf.GOLD))
    difference = ImageChops.difference(front_image, gold).convert("L")
    assert sum(difference.point(lambda v: 255 if v < 30 else 0).histogram()[255:]) > 4 * (2 * PX_PER_MM) ** 2


def test_font_is_embedded_and_helvetica_never_referenced(font_path):
    for data in (card_pdf(make_card(), font_path), print_sheet_pdf([make_card()], font_path)):
        assert b"/FontFile2" in data
        assert b"Helvetica" not in data


# --- print sheets ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sheet_of_12(font_path, photo):
    cards = [make_card(serial, photo_jpeg=photo, name=f"测试{serial:02d}号") for serial in range(12)]
    data = print_sheet_pdf(cards, font_path)
    return cards, data, pages(data)


def test_sheet_pages_are_a4_fronts_then_backs(sheet_of_12):
    cards, _, rendered = sheet_of_12
    assert len(rendered) == 4  # 2 sheets × (fronts, backs)
    for _, _, size in rendered:
        assert size == pytest.approx(A4, abs=0.5)
    for index, (_, text, _) in enumerate(rendered):
        side = "正面" if index % 2 == 0 else "背面"
        assert f"第 {index // 2 + 1}/2 张 · {side}" in text
    assert [card.name in rendered[0][1] for card in cards] == [True] * 10 + [False] * 2
    assert [card.name in rendered[2][1] for card in cards] == [False] * 10 + [True] * 2


def test_sheet_backs_decode_and_lie_behind_their_fronts(sheet_of_12):
    cards, data, rendered = sheet_of_12
    page_width = rendered[0][0].width
    for sheet in range(2):
        (front, _, _), (back, _, _) = rendered[2 * sheet], rendered[2 * sheet + 1]
        batch = cards[10 * sheet:10 * sheet + 10]
        decoded = codes(back)
        assert set(decoded) == {card.code_text for card in batch}
        fronts, backs = red_bands(front), red_bands(back)
        assert len(fronts) == len(backs) == len(batch)
        for card in batch:
            front_band = band_above(fronts, text_position(data, 2 * sheet, card.name))
            back_band = band_above(backs, decoded[card.code_text])
            # Long-edge duplex: the back is the front mirrored about the page's vertical centre line.
            assert (back_band[0] + back_band[2]) / 2 == pytest.approx(
                page_width - (front_band[0] + front_band[2]) / 2, abs=0.3 * PX_PER_MM)
            assert back_band[1] == pytest.approx(front_band[1], abs=0.3 * PX_PER_MM)


def text_position(data: bytes, page_index: int, text: str) -> tuple[float, float]:
    """Where ``text`` starts on the page, in pixels from the top-left corner (as the images)."""
    document = pdfium.PdfDocument(data)
    try:
        page = document[page_index]
        textpage = page.get_textpage()
        searcher = textpage.search(text)
        index, _ = searcher.get_next()
        left, bottom, _, _ = textpage.get_charbox(index)
        searcher.close()
        textpage.close()
        _, page_height = page.get_size()
        page.close()
        return left * DPI / 72, (page_height - bottom) * DPI / 72
    finally:
        document.close()


def band_above(bands, point: tuple[float, float]) -> tuple[int, int, int, int]:
    """The band of the card a point lies on: the nearest band above it that spans its x."""
    x, y = point
    candidates = [band for band in bands if band[0] <= x <= band[2] and band[1] <= y]
    return max(candidates, key=lambda band: band[1])


def test_sheet_crop_marks_point_at_each_corner_without_touching_the_card(sheet_of_12):
    _, _, rendered = sheet_of_12
    for front_or_back in (0, 1):
        image = rendered[front_or_back][0]
        for band in red_bands(image):
            left, top, right = (value / PX_PER_MM for value in (band[0], band[1], band[2]))
            bottom = top + 54
            assert right - left == pytest.approx(85.6, abs=0.3)
            near, far = 0.25, 0.6  # a ring just outside the card: white paper
            assert is_blank(image, (left - far, top - far, right + far, top - near))
            assert is_blank(image, (left - far, bottom + near, right + far, bottom + far))
            assert is_blank(image, (left - far, top - far, left - near, bottom + far))
            assert is_blank(image, (right + near, top - far, right + far, bottom + far))
            for x, outward_x in ((left, -1), (right, 1)):
                for y, outward_y in ((top, -1), (bottom, 1)):
                    # a mark continuing each edge outwards from the corner
                    assert not is_blank(image, sorted_box(x + outward_x * 1, y - 0.1, x + outward_x * 1.5, y + 0.1))
                    assert not is_blank(image, sorted_box(x - 0.1, y + outward_y * 1, x + 0.1, y + outward_y * 1.1))


def sorted_box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
