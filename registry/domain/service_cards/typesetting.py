"""Text that fits a box on a card: shrunk, wrapped between CJK characters (never before closing
punctuation), cut short with an ellipsis only when nothing else fits; letter-spaced titles."""
from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from registry.domain.certificates.pdf import INK

#: Line pitch as a multiple of the font size.
LEADING = 1.2
#: Where a CJK glyph's visual middle lies above the baseline, as a multiple of the font size.
MIDDLE = 0.36
SMALLEST = 4.5
#: Characters that must not begin a line.
CLOSING = ",.;:!?)、。,;:!?)」』"


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


def text_box(canvas: Canvas, font: str, text: str, x: float, middle: float, width: float, height: float,
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


def spaced(canvas: Canvas, font: str, text: str, x: float, baseline: float, size: float, spacing: float) -> float:
    """Letter-spaced text (titles); returns its width."""
    canvas.saveState()  # the character spacing is graphics state: keep it from leaking into later text
    label = canvas.beginText(x, baseline)
    label.setFont(font, size)
    label.setCharSpace(spacing)
    label.textOut(text)
    canvas.drawText(label)
    canvas.restoreState()
    return pdfmetrics.stringWidth(text, font, size) + spacing * (len(text) - 1)


def has_glyphs(font: str, text: str) -> bool:
    glyphs = getattr(pdfmetrics.getFont(font).face, "charToGlyph", {})
    return all(ord(char) in glyphs for char in text)
