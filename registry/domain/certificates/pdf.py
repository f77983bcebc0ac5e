"""Printable certificates: one A4 landscape page each, Chinese text in an embedded CJK font.

The QR code is drawn as vector rectangles (one per horizontal run of dark modules), so it prints
sharp at any resolution. The font is a TrueType-outline CJK font, registered with reportlab once
per process and embedded as a subset in every PDF, so the reader's own fonts never matter.

Whole sessions are streamed: :func:`stream_pdf` writes one multi-page PDF to a spooled temporary
file and reads it back in chunks; :func:`stream_zip` writes one PDF per certificate into a zip over
a non-seekable buffer that is drained after each file. Both take everything they print from the
certificates when they are called (inside the request), so the generators need no database.
"""
from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .models import Certificate
from .numbering import display_number
from .qr import dark_runs, module_matrix

#: Debian CJK fonts with TrueType outlines (reportlab cannot embed CFF-outline fonts such as Noto CJK).
KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei (`make` installs it)
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # fonts-arphic-uming
    "/usr/share/fonts/truetype/arphic/ukai.ttc",  # fonts-arphic-ukai
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
    "/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk: used only if TrueType
)
FONT_SETTING = "REGISTRY_CERTIFICATE_FONT"

PAGE_SIZE = landscape(A4)
#: Width of the QR symbol itself; the 4-module quiet zone is white space around it.
QR_SIZE = 30 * mm
QUIET_MODULES = 4

RED = (0.6, 0.09, 0.09)
GOLD = (0.72, 0.55, 0.25)
INK = (0.08, 0.08, 0.08)
LABEL = (0.38, 0.38, 0.38)


class CertificateFontError(RuntimeError):
    """No usable CJK font for certificate PDFs (the message says which setting to fix)."""


# --- the font ------------------------------------------------------------------------------------

def _truetype_outlines(path: Path) -> bool:
    """True when the font (or the first font of a collection) has TrueType, not CFF, outlines."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
            if head[:4] == b"ttcf":
                offset = int.from_bytes(head[12:16], "big")
                handle.seek(offset)
                head = handle.read(4)
    except OSError:
        return False
    return head[:4] in (b"\x00\x01\x00\x00", b"true")


def find_font(configured: str | None) -> Path:
    """The configured font file, or the first known Debian CJK font that is installed."""
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise CertificateFontError(f"证书字体文件不存在:{path}(请检查配置项 {FONT_SETTING})")
        if not _truetype_outlines(path):
            raise CertificateFontError(
                f"证书字体 {path} 不是 TrueType 轮廓字体,无法嵌入 PDF(请在配置项 {FONT_SETTING} 中改用 .ttf/.ttc 字体,"
                "如 fonts-wqy-microhei)"
            )
        return path
    for candidate in KNOWN_FONTS:
        path = Path(candidate)
        if path.is_file() and _truetype_outlines(path):
            return path
    raise CertificateFontError(
        f"未找到可嵌入证书 PDF 的中文字体:请安装 fonts-wqy-microhei(make 会自动安装),或在配置项 {FONT_SETTING} "
        "中指定 .ttf/.ttc 字体文件"
    )


_fonts: dict[Path, str] = {}
_fonts_lock = threading.Lock()


def register_font(font_path: str | Path) -> str:
    """Register the font with reportlab (once per process) and return its name for setFont."""
    path = Path(font_path).resolve()
    with _fonts_lock:
        name = _fonts.get(path)
        if name is None:
            name = f"RegistryCJK{len(_fonts) + 1}"
            kwargs = {"subfontIndex": 0} if path.suffix.lower() in (".ttc", ".otc") else {}
            try:
                pdfmetrics.registerFont(TTFont(name, str(path), **kwargs))
            except Exception as error:  # reportlab raises TTFError and others for unusable files
                raise CertificateFontError(f"证书字体 {path} 无法使用:{error}(配置项 {FONT_SETTING})") from error
            _fonts[path] = name
    return name


def _default_font() -> str:
    return register_font(find_font(None))


# --- what is printed ----------------------------------------------------------------------------

def chinese_date(day: date) -> str:
    """A date as printed on a certificate or card: 2026年3月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Printed:
    """Everything one certificate page shows, taken from the record while the database is at hand."""

    number: str
    number_display: str
    title: str
    holder: str
    sex: str
    document_type: str
    document_number: str
    programme: str
    occupation: str
    #: The level's name, 专项职业能力 for a special-ability certificate, else blank (not printed).
    level: str
    issued_on: str
    valid_until: str
    base: str
    code_text: str

    @classmethod
    def of(cls, certificate: Certificate, code_text: str) -> "Printed":
        trainee = certificate.trainee
        return cls(
            number=certificate.number,
            number_display=display_number(certificate.number),
            title=certificate.type_name,
            holder=trainee.name,
            sex=trainee.sex_name,
            document_type=trainee.document_type_name,
            document_number=trainee.document_number,
            programme=certificate.programme_name,
            occupation=certificate.occupation_name,
            level=certificate.level_name or ("专项职业能力" if certificate.certificate_type == "special_ability" else ""),
            issued_on=chinese_date(certificate.issued_on),
            valid_until=chinese_date(certificate.valid_until) if certificate.valid_until else "长期有效",
            base=certificate.base.name,
            code_text=code_text,
        )


def printed_fields(certificates: Iterable[Certificate], code_for: Callable[[Certificate], str]) -> list[Printed]:
    return [Printed.of(certificate, code_for(certificate)) for certificate in certificates]


# --- drawing ------------------------------------------------------------------------------------

def draw_qr(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
    """The symbol (without quiet zone) with its lower-left corner at (x, y), ``size`` wide."""
    count = len(matrix)
    canvas.saveState()
    canvas.translate(x, y + size)
    canvas.scale(size / count, -size / count)  # one unit per module, rows downwards like the matrix
    canvas.setFillColorRGB(0, 0, 0)
    # Integer coordinates in module units: the path is written as PDF operators directly, which is
    # several times faster than reportlab's float formatting for the ~1,000 runs of a symbol.
    ops = [f"{start} {row} {length} 1 re" for row, start, length in dark_runs(matrix)]
    ops.append("f")
    canvas.addLiteral("\n".join(ops))
    canvas.restoreState()


def _fit(font: str, text: str, size: float, width: float) -> float:
    """The font size (at most ``size``) at which ``text`` fits ``width``."""
    natural = pdfmetrics.stringWidth(text, font, size)
    return size if natural <= width else max(7.0, size * width / natural)


def _field(canvas: Canvas, font: str, x: float, y: float, label: str, value: str, width: float,
           label_width: float = 78, size: float = 15) -> None:
    canvas.setFillColorRGB(*LABEL)
    canvas.setFont(font, 11.5)
    canvas.drawString(x, y, label)
    canvas.setFillColorRGB(*INK)
    value_size = _fit(font, value, size, width - label_width)
    canvas.setFont(font, value_size)
    canvas.drawString(x + label_width, y, value)


def _frame(canvas: Canvas, width: float, height: float) -> None:
    canvas.setStrokeColorRGB(*RED)
    canvas.setLineWidth(3)
    canvas.rect(18, 18, width - 36, height - 36, stroke=1, fill=0)
    canvas.setLineWidth(0.8)
    canvas.rect(25, 25, width - 50, height - 50, stroke=1, fill=0)
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(0.5)
    canvas.rect(29, 29, width - 58, height - 58, stroke=1, fill=0)
    # Small ornaments in the inner corners.
    canvas.setFillColorRGB(*RED)
    for cx, cy in ((29, 29), (width - 29, 29), (29, height - 29), (width - 29, height - 29)):
        canvas.saveState()
        canvas.translate(cx, cy)
        canvas.rotate(45)
        canvas.rect(-4, -4, 8, 8, stroke=0, fill=1)
        canvas.restoreState()


def _draw_page(canvas: Canvas, printed: Printed, issuer_name: str, font: str) -> None:
    width, height = PAGE_SIZE
    _frame(canvas, width, height)

    # Title, in a pseudo-bold (fill and stroke) since the CJK font has one weight.
    canvas.saveState()
    canvas.setFillColorRGB(*RED)
    canvas.setStrokeColorRGB(*RED)
    canvas.setLineWidth(0.7)
    title_size = _fit(font, printed.title, 34, width - 260)
    text = canvas.beginText()
    text.setFont(font, title_size)
    text.setCharSpace(title_size * 0.3)
    text.setTextRenderMode(2)
    title_width = pdfmetrics.stringWidth(printed.title, font, title_size) + title_size * 0.3 * (len(printed.title) - 1)
    text.setTextOrigin((width - title_width) / 2, height - 112)
    text.textOut(printed.title)
    canvas.drawText(text)
    canvas.restoreState()
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(1.2)
    canvas.line(width / 2 - 170, height - 132, width / 2 + 170, height - 132)
    canvas.setLineWidth(0.4)
    canvas.line(width / 2 - 140, height - 136, width / 2 + 140, height - 136)

    # The fields: two columns on the left, the QR code on the right.
    left, middle, right = 92, 372, 610
    row, top = 40, height - 190
    y = top
    _field(canvas, font, left, y, "姓　　名", printed.holder, middle - left - 10, size=18)
    _field(canvas, font, middle, y, "性　　别", printed.sex, right - middle - 10)
    y -= row
    _field(canvas, font, left, y, "证件类型", printed.document_type, middle - left - 10)
    _field(canvas, font, middle, y, "证件号码", printed.document_number, right - middle - 10)
    y -= row
    if printed.level:
        _field(canvas, font, left, y, "职业(工种)", printed.occupation, middle - left - 10)
        _field(canvas, font, middle, y, "等　　级", printed.level, right - middle - 10)
    else:  # no level to print (e.g. a training certificate): the occupation may use the whole row
        _field(canvas, font, left, y, "职业(工种)", printed.occupation, right - left - 10)
    y -= row
    _field(canvas, font, left, y, "培训项目", printed.programme, right - left - 10)
    y -= row
    _field(canvas, font, left, y, "证书编号", printed.number_display, right - left - 10)
    y -= row
    _field(canvas, font, left, y, "发证日期", printed.issued_on, middle - left - 10)
    _field(canvas, font, middle, y, "有效期至", printed.valid_until, right - middle - 10)
    y -= row
    _field(canvas, font, left, y, "发证机构", printed.base, right - left - 10)

    # QR code with its quiet zone (white), and the caption under it.
    matrix = module_matrix(printed.code_text)
    module = QR_SIZE / len(matrix)
    qr_x = width - 92 - QR_SIZE
    qr_y = top + 14 - QR_SIZE
    canvas.setFillColorRGB(1, 1, 1)
    quiet = QUIET_MODULES * module
    canvas.rect(qr_x - quiet, qr_y - quiet, QR_SIZE + 2 * quiet, QR_SIZE + 2 * quiet, stroke=0, fill=1)
    draw_qr(canvas, matrix, qr_x, qr_y, QR_SIZE)
    canvas.setFillColorRGB(*INK)
    canvas.setFont(font, 10.5)
    canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - quiet - 12, "扫码核验真伪")
    canvas.setFillColorRGB(*LABEL)
    canvas.setFont(font, 9)
    canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - quiet - 26, printed.number)

    # The issuer, as a signature block at the bottom right.
    canvas.setFillColorRGB(*INK)
    issuer_size = _fit(font, issuer_name, 16, 300)
    canvas.setFont(font, issuer_size)
    block_right = width - 92
    canvas.drawRightString(block_right, 96, issuer_name)
    canvas.setFont(font, 13)
    issued_width = pdfmetrics.stringWidth(printed.issued_on, font, 13)
    issuer_width = pdfmetrics.stringWidth(issuer_name, font, issuer_size)
    canvas.drawString(block_right - (issuer_width + issued_width) / 2, 72, printed.issued_on)


def draw_certificate(canvas: Canvas, certificate: Certificate | Printed, code_text: str, issuer_name: str,
                     font_name: str | None = None) -> None:
    """Draw one certificate on the canvas's current page (the caller calls ``showPage``).

    ``font_name`` is what :func:`register_font` returned; by default the first installed known font.
    Make the canvas with ``initialFontName=font_name`` too, or reportlab references Helvetica.
    """
    printed = certificate if isinstance(certificate, Printed) else Printed.of(certificate, code_text)
    _draw_page(canvas, printed, issuer_name, font_name or _default_font())


def _canvas(out: BinaryIO, title: str, font: str) -> Canvas:
    # The initial font goes into every page's preamble: ours, so no unembedded Helvetica is referenced.
    canvas = Canvas(out, pagesize=PAGE_SIZE, pageCompression=1, initialFontName=font, initialFontSize=12)
    canvas.setTitle(title)
    canvas.setCreator("广东省职业技能培训登记系统")
    return canvas


def write_pages(printed: Iterable[Printed], issuer_name: str, font: str, out: BinaryIO, title: str) -> int:
    canvas = _canvas(out, title, font)
    pages = 0
    for item in printed:
        _draw_page(canvas, item, issuer_name, font)
        canvas.showPage()
        pages += 1
    canvas.save()
    return pages


def certificates_pdf(certificates: Iterable[Certificate], code_for: Callable[[Certificate], str], issuer_name: str,
                     font_path: str | Path, out: BinaryIO) -> int:
    """Write one page per certificate to the binary file ``out``; return the page count."""
    font = register_font(font_path)
    printed = (Printed.of(c, code_for(c)) for c in certificates)
    return write_pages(printed, issuer_name, font, out, "证书")


def certificate_pdf_bytes(certificate: Certificate, code_text: str, issuer_name: str, font_path: str | Path) -> bytes:
    """One certificate as a PDF document."""
    return single_pdf(Printed.of(certificate, code_text), issuer_name, register_font(font_path))


def single_pdf(printed: Printed, issuer_name: str, font: str) -> bytes:
    buffer = io.BytesIO()
    write_pages((printed,), issuer_name, font, buffer, f"证书 {printed.number_display}")
    return buffer.getvalue()
