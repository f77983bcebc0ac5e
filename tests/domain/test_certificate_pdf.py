"""Certificate PDFs close the loop: issue → PDF → rendered image → scanned QR → verified.

The rendered page is saved to test-artifacts/certificate.png for a human to look at.
"""
from __future__ import annotations

import io
import itertools
import re
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from reportlab.pdfbase import pdfmetrics

from registry.domain.certificates import bundles, operations, pdf, qr
from registry.domain.certificates.numbering import display_number
from registry.domain.certificates.payload import split_code
from registry.domain.certificates.signing import KeyRing
from registry.domain.certificates.verification import verify_code
from registry.domain.common import today
from registry.domain.organisations import operations as org_ops
from registry.extensions import db
from tests import factories

#: Same folder as the browser tests' screenshots (tests/e2e/conftest.py ARTIFACTS).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ISSUER = "广州市人力资源和社会保障局"
DPI = 200
NAMES = ("张三明", "欧阳晓燕", "李四", "陈嘉怡", "黄志强")
_site = itertools.count(1)


@pytest.fixture
def keyring(tmp_path) -> KeyRing:
    return KeyRing(tmp_path / "keys")


@pytest.fixture
def base_url(app) -> str:
    return app.config["REGISTRY_PUBLIC_BASE_URL"]


@pytest.fixture
def font_path() -> Path:
    return pdf.find_font(None)


def issue(keyring: KeyRing, count: int = 1, certificate_type: str = "skill_level"):
    """Certificates for ``count`` passed trainees of one completed 粤菜师傅 session."""
    base = factories.base(name="广州市天河区粤菜师傅职业技能培训学校")
    if certificate_type == "skill_level":
        org_ops.set_evaluation_site(base, "S", "0000", f"{next(_site) + 900000:06d}")
        session = factories.session(base)
    else:
        session = factories.session(base, occupation_code="cantonese_cuisine", level=None)
    enrollments = [
        factories.enrollment(session, factories.trainee(name=NAMES[i % len(NAMES)]), result="passed",
                             assessment_type=certificate_type)
        for i in range(count)
    ]
    return operations.issue_certificates(session, enrollments, keyring)


def render(data: bytes, page_index: int = 0):
    document = pdfium.PdfDocument(data)
    try:
        page = document[page_index]
        image = page.render(scale=DPI / 72).to_pil()
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        textpage.close()
        page.close()
        return image, text
    finally:
        document.close()


def page_count(data: bytes) -> int:
    document = pdfium.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def assert_font_embedded(data: bytes, font_path: Path) -> None:
    """Every font in the PDF is our CJK font, embedded as a TrueType subset; nothing left to the reader."""
    face = pdfmetrics.getFont(pdf.register_font(font_path)).face.name
    face = face.decode() if isinstance(face, bytes) else face
    base_fonts = set(re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", data))
    assert base_fonts, "no fonts in the PDF"
    for name in base_fonts:
        assert re.fullmatch(rb"[A-Z]{6}\+" + re.escape(face.encode()) + rb"-\d+", name), name
    descriptors = re.findall(rb"/Type\s*/FontDescriptor", data)
    assert len(descriptors) >= 1
    assert data.count(b"/FontFile2") == len(descriptors)
    assert b"/Helvetica" not in data and b"/Times" not in data


def test_certificate_pdf_round_trip(keyring, base_url, font_path):
    certificate = issue(keyring)[0]
    code = qr.certificate_code(certificate, base_url)
    data = pdf.certificate_pdf_bytes(certificate, code, ISSUER, font_path)

    assert data.startswith(b"%PDF") and page_count(data) == 1
    assert_font_embedded(data, font_path)

    image, text = render(data)
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "certificate.png")
    # A4 landscape at the rendering resolution.
    assert abs(image.width - 297 / 25.4 * DPI) < 3 and abs(image.height - 210 / 25.4 * DPI) < 3
    trainee = certificate.trainee
    for printed in (certificate.type_name, trainee.name, trainee.document_number, trainee.document_type_name,
                    trainee.sex_name, certificate.occupation_name, certificate.level_name, certificate.programme_name,
                    display_number(certificate.number), certificate.number, certificate.base.name, ISSUER,
                    "长期有效", "扫码核验真伪"):
        assert printed in text, printed

    codes = [r for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(codes) == 1
    scanned = codes[0].text
    assert scanned == code

    number, fields = split_code(scanned)
    assert number == certificate.number
    assert verify_code(number, fields, keyring, today()).outcome == "valid"
    for position in (3, 20, len(fields) // 2):
        changed = fields[:position] + ("B" if fields[position] != "B" else "C") + fields[position + 1:]
        assert verify_code(number, changed, keyring, today()).outcome == "altered", position


def test_special_ability_prints_its_kind_as_level(keyring, base_url, font_path):
    certificate = issue(keyring, certificate_type="special_ability")[0]
    assert certificate.level is None
    data = pdf.certificate_pdf_bytes(certificate, qr.certificate_code(certificate, base_url), ISSUER, font_path)
    image, text = render(data)
    assert "专项职业能力证书" in text and "专项职业能力" in text.replace("专项职业能力证书", "")
    assert [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)] == [qr.certificate_code(certificate, base_url)]


def test_training_certificate_without_level_shows_its_end_date(keyring, base_url, font_path):
    base = factories.base(programmes=("safety",))
    session = factories.session(base, programme_code="safety", occupation_code="safety_manager_refresher", level=None)
    enrollment = factories.enrollment(session, factories.trainee(), result="passed",
                                      assessment_type="training_qualified")
    certificate = operations.issue_certificates(session, [enrollment], keyring)[0]
    assert certificate.valid_until is not None
    data = pdf.certificate_pdf_bytes(certificate, qr.certificate_code(certificate, base_url), ISSUER, font_path)
    image, text = render(data)
    until = certificate.valid_until
    assert f"{until.year}年{until.month}月{until.day}日" in text and "长期有效" not in text
    assert certificate.occupation_name in text and certificate.type_name in text
    assert "等" not in text and "专项职业能力" not in text  # no 等级 row at all
    assert [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)] == [qr.certificate_code(certificate, base_url)]
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "certificate-training.png")


def test_multi_page_pdf_and_its_stream(keyring, base_url, font_path):
    certificates = issue(keyring, count=3)
    code_for = lambda c: qr.certificate_code(c, base_url)  # noqa: E731

    out = io.BytesIO()
    assert pdf.certificates_pdf(certificates, code_for, ISSUER, font_path, out) == 3
    assert page_count(out.getvalue()) == 3
    assert_font_embedded(out.getvalue(), font_path)
    image, text = render(out.getvalue(), 2)
    assert certificates[2].trainee.document_number in text
    assert [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)] == [code_for(certificates[2])]

    chunks = bundles.stream_pdf(certificates, code_for, ISSUER, font_path, chunk_bytes=16 * 1024)
    # A streamed response runs after the request: the generator must not need the database.
    db.session.expunge_all()
    parts = list(chunks)
    assert len(parts) > 1 and all(len(part) <= 16 * 1024 for part in parts)
    assert page_count(b"".join(parts)) == 3


def test_zip_stream_holds_one_pdf_per_certificate(keyring, base_url, font_path):
    certificates = issue(keyring, count=3)
    codes = {c.id: qr.certificate_code(c, base_url) for c in certificates}
    expected = {c.number: codes[c.id] for c in certificates}

    chunks = bundles.stream_zip(certificates, lambda c: codes[c.id], ISSUER, font_path)
    db.session.expunge_all()
    parts = list(chunks)
    assert len(parts) >= 3  # handed on file by file, not built whole

    with zipfile.ZipFile(io.BytesIO(b"".join(parts))) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names == [f"{number}.pdf" for number in expected]
        for name in names:
            data = archive.read(name)
            assert page_count(data) == 1
            assert_font_embedded(data, font_path)
        image, _ = render(archive.read(names[1]))
        assert [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)] == [expected[names[1].removesuffix(".pdf")]]


def test_find_font(tmp_path):
    found = pdf.find_font(None)
    assert found.is_file() and str(found) in pdf.KNOWN_FONTS
    assert pdf.find_font(str(found)) == found

    with pytest.raises(pdf.CertificateFontError, match="REGISTRY_CERTIFICATE_FONT"):
        pdf.find_font(str(tmp_path / "missing.ttf"))
    cff = tmp_path / "cff.otf"
    cff.write_bytes(b"OTTO" + bytes(100))
    with pytest.raises(pdf.CertificateFontError, match="REGISTRY_CERTIFICATE_FONT"):
        pdf.find_font(str(cff))
