"""Benchmark of certificate PDFs: a 1,000-certificate session against a bare reportlab floor.

* certificates: ``registry.domain.certificates.pdf.certificates_pdf`` — the code path of the
  session download — over 1,000 real ``Certificate`` rows (trainee and base eagerly loaded), with
  ``code_for`` = ``qr.certificate_code`` bound to the public base URL, writing one multi-page PDF
  to a temporary file.
* floor: the least a page with the same content-defining parts costs: a bare reportlab canvas with
  the same embedded CJK font, per page the same QR text encoded with ``qr.module_matrix`` and
  drawn the same minimal way (one ``re`` per horizontal run, one fill) plus one line of text,
  1,000 pages, to a temporary file.

Both are timed from the loaded objects to the saved file, in the same process, after the font
is registered; QR texts of the floor are computed before its timing starts. The two alternate for
``--rounds`` rounds and the best time of each counts. Rates are pages per second of wall time and
of this process's CPU time. ``ratio`` is certificates/s divided by floor/s in CPU time (goal >=
0.7): both are single-threaded and CPU-bound (no I/O waits), so CPU time is what the code costs,
while wall time on a shared machine also measures its neighbours; the wall-time ratio is printed
beside it.

It builds its own throwaway SQLite database in a temporary directory (flask_migrate.upgrade, the
configuration of tests/conftest.py make_test_app), with a base registered as an evaluation site, a
completed session, 1,000 trainees with passed enrollments and certificates issued by
``operations.issue_certificates`` with a throwaway key ring.

Run from the project root:

    .venv/bin/python benchmarks/certificate_bench.py            # 1,000 certificates
    .venv/bin/python benchmarks/certificate_bench.py --count 200
    .venv/bin/python benchmarks/certificate_bench.py --zip      # also time the zip stream

Not part of the test suite (pytest's testpaths is tests/).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RATIO_GOAL = 0.7
ISSUER = "广州市人力资源和社会保障局"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁欧阳"
GIVEN = ("晓燕", "志强", "嘉怡", "伟", "秀英", "建国", "丽娟", "子轩", "浩然", "美玲")


class Clock:
    """Wall time and this process's CPU time since creation: ``stop()`` returns (wall, cpu) seconds."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def build(workdir: Path, count: int):
    """App and database with ``count`` issued certificates; returns (app, certificate ids)."""
    from flask_migrate import upgrade

    from registry.domain.certificates import operations
    from registry.domain.certificates.signing import KeyRing
    from registry.domain.organisations import operations as org_ops
    from registry.extensions import db
    from tests import factories
    from tests.conftest import make_test_app

    app = make_test_app(f"sqlite:///{workdir / 'bench.db'}", REGISTRY_KEYS_DIR=str(workdir / "keys"))
    with app.app_context():
        upgrade()
        base = factories.base(name="广州市天河区粤菜师傅职业技能培训学校")
        org_ops.set_evaluation_site(base, "S", "0000", "000123")
        session = factories.session(base, capacity=count)
        enrollments = []
        for i in range(count):
            name = SURNAMES[i % len(SURNAMES)] + GIVEN[i // len(SURNAMES) % len(GIVEN)]
            number = factories.id_number(birth=date(1980, 1, 1) + timedelta(days=i), male=i % 2 == 0)
            trainee = factories.trainee(name=name, document_number=number)
            enrollments.append(factories.enrollment(session, trainee, result="passed", assessment_type="skill_level"))
        certificates = operations.issue_certificates(session, enrollments, KeyRing(workdir / "keys"))
        ids = [c.id for c in certificates]
        db.session.commit()
        db.session.remove()
    return app, ids


def load(ids):
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from registry.domain.certificates.models import Certificate
    from registry.extensions import db

    return list(db.session.scalars(
        select(Certificate).where(Certificate.id.in_(ids))
        .options(selectinload(Certificate.trainee), selectinload(Certificate.base))
        .order_by(Certificate.number)
    ))


def run_certificates(certificates, base_url: str, font_path: Path) -> float:
    from registry.domain.certificates import pdf, qr

    def code_for(certificate):
        return qr.certificate_code(certificate, base_url)

    with tempfile.TemporaryFile() as out:
        clock = Clock()
        pages = pdf.certificates_pdf(certificates, code_for, ISSUER, font_path, out)
        elapsed = clock.stop()
    assert pages == len(certificates)
    return elapsed


def run_floor(texts: list[str], font_path: Path) -> float:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from registry.domain.certificates import pdf, qr

    font = pdf.register_font(font_path)
    size = 30 * mm
    with tempfile.TemporaryFile() as out:
        clock = Clock()
        canvas = Canvas(out, pagesize=landscape(A4), pageCompression=1, initialFontName=font)
        for text in texts:
            matrix = qr.module_matrix(text)
            count = len(matrix)
            canvas.saveState()
            canvas.translate(600, 300 + size)
            canvas.scale(size / count, -size / count)
            ops = [f"{start} {y} {length} 1 re" for y, start, length in qr.dark_runs(matrix)]
            ops.append("f")
            canvas.addLiteral("\n".join(ops))
            canvas.restoreState()
            canvas.setFont(font, 15)
            canvas.drawString(100, 400, "职业技能等级证书 " + text[-20:])
            canvas.showPage()
        canvas.save()
        elapsed = clock.stop()
    return elapsed


def run_zip(certificates, base_url: str, font_path: Path) -> tuple[float, float]:
    from registry.domain.certificates import bundles, qr

    clock = Clock()
    size = 0
    for chunk in bundles.stream_zip(certificates, lambda c: qr.certificate_code(c, base_url), ISSUER, font_path):
        size += len(chunk)
    return clock.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates in the batch (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating floor/certificates runs; best counts")
    parser.add_argument("--zip", action="store_true", help="also time the zip stream of single PDFs")
    args = parser.parse_args()

    from registry.domain.certificates import pdf, qr
    from registry.extensions import db

    with tempfile.TemporaryDirectory(prefix="certificate-bench-") as tmp:
        print(f"building {args.count} issued certificates in a throwaway SQLite database …", flush=True)
        app, ids = build(Path(tmp), args.count)
        with app.app_context():
            base_url = app.config["REGISTRY_PUBLIC_BASE_URL"]
            font_path = pdf.find_font(app.config.get("REGISTRY_CERTIFICATE_FONT"))
            pdf.register_font(font_path)
            certificates = load(ids)
            texts = [qr.certificate_code(c, base_url) for c in certificates]
            versions = sorted({qr.make_qr(t).version for t in texts})
            print(f"font {font_path}; QR text {len(texts[0])} characters, QR version {versions}, "
                  f"{args.rounds} rounds, best of each", flush=True)

            floors, reals = [], []
            for _ in range(args.rounds):
                floors.append(run_floor(texts, font_path))
                reals.append(run_certificates(certificates, base_url, font_path))
            n = len(certificates)
            floor_wall, floor_cpu = min(w for w, _ in floors), min(c for _, c in floors)
            real_wall, real_cpu = min(w for w, _ in reals), min(c for _, c in reals)
            print(f"floor         {n / floor_wall:7.1f} pages/s wall  {n / floor_cpu:7.1f} pages/s cpu  "
                  f"({floor_wall:.2f} s for {n})")
            print(f"certificates  {n / real_wall:7.1f} pages/s wall  {n / real_cpu:7.1f} pages/s cpu  "
                  f"({real_wall:.2f} s for {n})")
            ratio = floor_cpu / real_cpu
            print(f"ratio {ratio:.3f}")
            print(f"(CPU time; goal >= {RATIO_GOAL}: {'met' if ratio >= RATIO_GOAL else 'NOT met'}; "
                  f"wall-time ratio {floor_wall / real_wall:.3f})")
            if args.zip:
                wall, cpu = run_zip(certificates, base_url, font_path)
                print(f"zip stream    {n / wall:7.1f} files/s wall  {n / cpu:7.1f} files/s cpu  ({wall:.2f} s for {n})")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
