"""QR codes for certificates and cards: the signed URL, at error-correction level Q."""
from __future__ import annotations

import io
from typing import Iterator

import qrcode
from qrcode.constants import ERROR_CORRECT_Q

from .models import Certificate
from .payload import code_url
from .signing import from_b64url


def certificate_code(certificate: Certificate, public_base_url: str) -> str:
    """The text a certificate's QR code carries."""
    from .operations import signed_fields
    from .payload import encode_fields

    fields = signed_fields(certificate)
    return code_url(public_base_url, certificate.number,
                    encode_fields(fields, certificate.key_id, from_b64url(certificate.signature)))


def make_qr(text: str) -> qrcode.QRCode:
    """Smallest version that holds ``text`` at level Q (about 25% of the code may be damaged)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=0)
    code.add_data(text)
    code.make(fit=True)
    return code


def module_matrix(text: str) -> list[list[bool]]:
    return make_qr(text).get_matrix()


def dark_runs(matrix: list[list[bool]]) -> Iterator[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules: one rectangle a run."""
    for y, row in enumerate(matrix):
        x, count = 0, len(row)
        while x < count:
            if row[x]:
                start = x
                while x < count and row[x]:
                    x += 1
                yield y, start, x - start
            else:
                x += 1


def qr_svg(text: str, size_px: int = 240) -> str:
    """An inline SVG (no image files, no CDN) with a 4-module quiet zone."""
    matrix = module_matrix(text)
    count = len(matrix)
    total = count + 8
    path = [f"M{start + 4},{y + 4}h{length}v1h{-length}z" for y, start, length in dark_runs(matrix)]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total} {total}" width="{size_px}" '
        f'height="{size_px}" shape-rendering="crispEdges" role="img" aria-label="证书二维码">'
        f'<rect width="{total}" height="{total}" fill="#fff"/><path d="{"".join(path)}" fill="#000"/></svg>'
    )


def qr_png(text: str, box_size: int = 8) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=4, box_size=box_size)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()
