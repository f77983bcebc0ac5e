"""A whole session's certificates as one download, streamed: a multi-page PDF or a zip of single PDFs."""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .models import Certificate
from .pdf import printed_fields, register_font, single_pdf, write_pages

CHUNK_BYTES = 256 * 1024

def stream_pdf(certificates: Iterable[Certificate], code_for: Callable[[Certificate], str], issuer_name: str,
               font_path: str | Path, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The certificates as one multi-page PDF, in chunks.

    The printed fields are read now (call it inside the request); the PDF is drawn into a spooled
    temporary file when the first chunk is asked for, then read back ``chunk_bytes`` at a time.
    """
    font = register_font(font_path)
    printed = printed_fields(certificates, code_for)

    def chunks() -> Iterator[bytes]:
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
            write_pages(printed, issuer_name, font, spool, "证书")
            spool.seek(0)
            while block := spool.read(chunk_bytes):
                yield block

    return chunks()


class _Drain(io.RawIOBase):
    """A write-only, non-seekable stream whose bytes the caller takes out after each write burst."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def stream_zip(certificates: Iterable[Certificate], code_for: Callable[[Certificate], str], issuer_name: str,
               font_path: str | Path) -> Iterator[bytes]:
    """The certificates as a zip of single-certificate PDFs named ``<number>.pdf``, in chunks.

    The printed fields are read now (call it inside the request); each PDF is drawn when the
    stream reaches it, and the zip's bytes are handed on after every file, so memory stays flat.
    """
    font = register_font(font_path)
    printed = printed_fields(certificates, code_for)

    def chunks() -> Iterator[bytes]:
        drain = _Drain()
        # PDFs are already compressed; storing them is as small and much faster than deflating again.
        with zipfile.ZipFile(drain, "w", compression=zipfile.ZIP_STORED) as archive:
            for item in printed:
                archive.writestr(item.number + ".pdf", single_pdf(item, issuer_name, font))
                if block := drain.take():
                    yield block
        if block := drain.take():
            yield block

    return chunks()
