"""Enrolment spreadsheet import vs. the floor (plain read + one bulk insert), on a throwaway database.

Generates 10,000- and 100,000-row .xlsx files from the page's downloadable template (same sheets,
Chinese headers; unique 居民身份证 numbers with GB 11643 check digits; a handful of wrong rows) and
times, from the file's bytes in memory to the commit:

* import: the domain calls the views in registry/blueprints/sessions/enrolment.py make, request by
  request: batches.store + commit; batches.recheck + earlier_import (preview page, HTML rendering
  not included); batches.confirm + commit;
* floor: python-calamine to_python of the same bytes plus ONE SQLAlchemy Core executemany INSERT
  of every row, unchecked, into a scratch table shaped like trainees + enrollments, committed.

Each side runs ``--runs`` times per row count (default 3 up to 20,000 rows, 1 above), alternating,
each import with a file of its own (new people, into a session of its own); the best run of each
side counts, as timeit takes the least of its repeats: other work on the machine only ever adds
time (the floor alone varied by a third between single runs). It prints every run, rows/s of the
best runs and ``ratio <import rows/s / floor rows/s>`` on a line of its own (goal >= 0.5), the
runs' own ratios, and the import's peak memory (goal < 500 MB at 100,000 rows): peak RSS growth
over the RSS just before the upload, per phase (VmHWM reset via /proc/self/clear_refs; ru_maxrss
where that is unavailable). Each measurement runs in a fresh process, so file generation and the other
measurement do not pollute it.

Database (throwaway.py): a SQLite file in a temp dir; or, when REGISTRY_DATABASE_URL points at
PostgreSQL, a new database "registry_import_bench_<random>" that is created, migrated
(flask_migrate.upgrade) and dropped here. A recognised base and one session per file (capacity =
rows) are created with the domain operations.

Run from the project root (not part of the test suite):

    .venv/bin/python benchmarks/import_bench.py                  # SQLite, 10,000 and 100,000 rows
    .venv/bin/python benchmarks/import_bench.py --quick          # 2,000-row smoke run
    .venv/bin/python benchmarks/import_bench.py --rows 10000
    REGISTRY_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/registry_bench \\
        .venv/bin/python benchmarks/import_bench.py              # PostgreSQL
"""
from __future__ import annotations

import argparse
import gc
import io
import multiprocessing
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from throwaway import create_database, drop_database, make_app  # noqa: E402

KIND = "enrolment"
FLOOR_TABLE = "bench_floor_enrolments"
QUICK_ROWS = 2_000
DEFAULT_ROWS = (10_000, 100_000)
#: Runs of each side per row count (fresh processes, alternating; the best of each counts), and the
#: row count above which one run is the default (a 100,000-row run takes about ten seconds).
DEFAULT_RUNS = 3
MANY_ROWS = 20_000
RATIO_GOAL = 0.5
MEMORY_GOAL_MB = 500


# --- database and app: throwaway.py ------------------------------------------------------------


def prepare_database(database_url: str, row_counts: list[int], runs: int = 1) -> dict[int, list[int]]:
    """Migrate, then create a recognised base and one session per file, ``runs`` files per row count
    (capacity = rows); return the session ids by row count."""
    from flask_migrate import upgrade
    from sqlalchemy import select
    from stdnum.cn import uscc

    from registry.domain.common import today
    from registry.domain.organisations import operations as org_ops
    from registry.domain.organisations.models import District
    from registry.domain.training import operations as ops
    from registry.extensions import db

    app = make_app(database_url)
    with app.app_context():
        upgrade()
        district = db.session.scalar(select(District).where(District.code == "440106"))
        body = "91440106MA5BENCH0"
        base = org_ops.create_base(org_ops.OrganisationData(
            name="基准测试培训基地", credit_code=body + uscc.calc_check_digit(body),
            kind="training_institution", district_id=district.id,
        ))
        org_ops.add_recognition(base, "yuecai", "city", date(2020, 1, 1))
        start = today() + timedelta(days=7)
        sessions: dict[int, list[int]] = {}
        for rows in row_counts:
            for _ in range(runs):
                session = ops.create_session(base, ops.SessionData(
                    "yuecai", "chinese_cook", 5, "short", start, start + timedelta(days=20), 80, rows,
                ))
                sessions.setdefault(rows, []).append(session.id)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return sessions


# --- the spreadsheet --------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢钟"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯晓婷雪梅琳欣怡嘉俊健"
#: Guangdong area codes; the last ones are newer than python-stdnum's table (a warning, not an error).
AREAS = ("440103", "440104", "440105", "440106", "440111", "440112", "440303", "440304", "440305",
         "441302", "441402", "441802", "441202", "440803", "440902", "441602", "442000", "441900",
         "440402", "440113", "440114", "440306")
HUKOU = ("城镇", "农村", "农业户口", "非农业户口", "城镇")
EDUCATION = ("初中", "高中", "中专", "大专", "本科", "", "技校")
TAGS = ("", "", "", "", "", "退役军人", "失业人员", "就业困难人员", "退役军人、失业人员", "脱贫户")
REGIONS = ("清远", "梅州", "贵州")


def id_number(area: str, birth: date, sequence: int) -> str:
    from stdnum.cn import ric

    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum wants the check position present


def template_sheets() -> tuple[list[str], list[list]]:
    """Headers and instructions sheet of the page's downloadable template (batches.template_workbook)."""
    from python_calamine import CalamineWorkbook

    from registry.domain.imports import batches

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(batches.template_workbook(KIND)))
    headers = [str(cell) for cell in workbook.get_sheet_by_index(0).to_python()[0]]
    notes = workbook.get_sheet_by_index(1).to_python() if len(workbook.sheet_names) > 1 else []
    return headers, notes


def generate_rows(count: int, rng: random.Random, used: set[str]) -> tuple[list[list], int]:
    """Realistic clerk rows keyed by template header; returns the rows and how many are deliberately wrong."""
    rows: list[list] = []
    start, span = date(1966, 1, 1), (date(2006, 12, 31) - date(1966, 1, 1)).days
    for _ in range(count):
        while True:
            birth = start + timedelta(days=rng.randrange(span))
            sequence = rng.randrange(1000)
            number = id_number(rng.choice(AREAS), birth, sequence)
            if number not in used:
                used.add(number)
                break
        male = sequence % 2 == 1
        tags = rng.choice(TAGS)
        region = rng.choice(REGIONS) if rng.random() < 0.03 else ""
        rows.append([
            rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2)))),
            rng.choice(("居民身份证", "身份证", "")),
            number,
            ("男" if male else "女") if rng.random() < 0.8 else "",
            birth if rng.random() < 0.6 else "",  # a real date cell, or left blank (taken from the number)
            f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" if rng.random() < 0.9 else "",
            rng.choice(HUKOU),
            rng.choice(EDUCATION),
            tags,
            region,
        ])
    # A handful of wrong rows, spread through the file: what clerks really get wrong.
    wrong = max(5, count // 2000)
    positions = [(index + 1) * count // (wrong + 1) for index in range(wrong)]  # never adjacent
    for index, position in enumerate(positions):
        row = rows[position]
        kind = index % 5
        if kind == 0:  # bad check digit
            number = row[2]
            row[2] = number[:-1] + ("0" if number[-1] != "0" else "1")
        elif kind == 1:  # the same person twice in one file
            row[2] = rows[position - 1][2]
            row[0] = rows[position - 1][0]
        elif kind == 2:  # unknown hukou word
            row[6] = "半城镇"
        elif kind == 3:  # Excel stored the number as a float and lost digits
            row[2] = float(row[2][:17] + "0")
        else:  # sex contradicts the number
            row[3] = "女" if int(row[2][16]) % 2 else "男"
    return rows, wrong


def write_xlsx(path: Path, headers: list[str], notes: list[list], rows: list[list]) -> None:
    """Write like the template: sheet 名单 with ID and phone columns formatted as text, then 填写说明."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名单")
    sheet.append(headers)
    text_positions = [headers.index(h) for h in ("证件号码", "联系电话")]
    for row in rows:
        values = list(row)
        for position in text_positions:
            cell = WriteOnlyCell(sheet, value=values[position])
            cell.number_format = "@"
            values[position] = cell
        sheet.append(values)
    if notes:
        instructions = workbook.create_sheet("填写说明")
        for line in notes:
            instructions.append(line)
    workbook.save(path)


def generate_file(path: Path, count: int, seed: int, used: set[str]) -> int:
    headers, notes = template_sheets()
    expected = ["姓名", "证件类型", "证件号码", "性别", "出生日期", "联系电话", "户籍类型", "文化程度", "人员类别", "帮扶地区"]
    if headers != expected:
        raise SystemExit(f"the template's headers changed ({headers}); update generate_rows()")
    rows, wrong = generate_rows(count, random.Random(seed), used)
    write_xlsx(path, headers, notes, rows)
    return wrong


# --- measurements (each in a fresh process) ------------------------------------------------------

def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mb() -> float:
    """Peak RSS of this process: VmHWM (resettable, see reset_peak_rss), else ru_maxrss (kilobytes on Linux)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> bool:
    """Linux: writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS (for per-phase peaks)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def checkpoint(engine) -> None:
    """SQLite: copy the write-ahead log into the database and empty it before a measurement, so that
    each side starts from the same state and pays for the pages it writes itself (SQLite copies the
    log when a commit takes it past 1,000 pages: else the import's confirmation also copied the floor's
    table written just before it, and whichever side came next the other's). PostgreSQL: nothing."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def measure_import(database_url: str, path: str, session_id: int) -> dict:
    """Upload, preview page, confirm: the domain calls and commits of the three requests, timed one by one."""
    from sqlalchemy import func, select

    from registry.domain.imports import batches
    from registry.domain.imports.models import ImportBatch
    from registry.domain.training.models import Enrollment, TrainingSession
    from registry.extensions import db

    app = make_app(database_url)
    with app.app_context():
        filename = "报名名单.xlsx"
        content = Path(path).read_bytes()  # the uploaded bytes, as the view reads them from the form
        db.session.execute(select(1))
        db.session.remove()
        checkpoint(db.engine)
        gc.collect()
        before = rss_mb()
        per_phase = reset_peak_rss()
        times: dict[str, float] = {}
        memory: dict[str, float] = {}
        cpu: dict[str, float] = {}  # this process's CPU time: the rest of the wall time is waiting (database, ...)

        cpu_started = [time.process_time()]

        def finished(phase: str, started: float) -> None:
            times[phase] = time.perf_counter() - started
            cpu[phase] = time.process_time() - cpu_started[0]
            cpu_started[0] = time.process_time()
            if per_phase:
                memory[phase] = peak_rss_mb() - before
                reset_peak_rss()

        # POST /sessions/<id>/imports/enrolment
        started = time.perf_counter()
        session = db.session.get(TrainingSession, session_id)
        context = batches.Context(user_id=None, registered_base_id=session.base_id)
        batch, preview = batches.store(KIND, session, filename, content, context)
        batch_id = batch.id
        db.session.commit()
        del session, batch, preview
        db.session.remove()
        finished("upload", started)

        # GET /sessions/<id>/imports/batch/<batch_id> (the preview page, template rendering aside)
        started = time.perf_counter()
        batch = db.session.get(ImportBatch, batch_id)
        preview = batches.recheck(batch, context)
        batches.earlier_import(batch)
        counts = {status: preview.count(status) for status in ("ready", "error", "unchanged")}
        del batch, preview
        db.session.remove()
        finished("preview", started)

        # POST /sessions/<id>/imports/batch/<batch_id>/confirm
        started = time.perf_counter()
        batch, preview = batches.confirm(batch_id, context)
        db.session.commit()
        del batch, preview
        db.session.remove()
        finished("confirm", started)

        peak = max(memory.values()) if per_phase else peak_rss_mb() - before
        batch = db.session.get(ImportBatch, batch_id)
        enrolled = db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.session_id == session_id))
        result = {
            "times": times, "cpu": cpu, "total": sum(times.values()), "counts": counts, "memory_mb": peak,
            "phase_memory_mb": memory, "baseline_mb": before, "status": batch.status,
            "enrolled": enrolled, "file_mb": len(content) / 1e6,
        }
        db.session.remove()
        db.engine.dispose()
    return result


def measure_floor(database_url: str, path: str, session_id: int) -> dict:
    """python-calamine read of the same bytes + one Core executemany INSERT of every row, committed."""
    from python_calamine import CalamineWorkbook
    from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table

    from registry.extensions import db

    metadata = MetaData()
    table = Table(
        FLOOR_TABLE, metadata,
        Column("id", Integer, primary_key=True),
        Column("session_id", Integer, nullable=False),
        Column("document_type", String(24)),
        Column("document_number", String(32), index=True),
        Column("name", String(60)),
        Column("sex", String(4)),
        Column("birth_date", Date),
        Column("phone", String(20)),
        Column("hukou_type", String(16)),
        Column("education", String(16)),
        Column("tags", String(120)),
        Column("assisted_region", String(16)),
        Column("registered_base_id", Integer),
        Column("status", String(16)),
        Column("created_at", DateTime, nullable=False),
    )
    app = make_app(database_url)
    with app.app_context():
        engine = db.engine
        metadata.drop_all(engine)
        metadata.create_all(engine)
        checkpoint(engine)
        content = Path(path).read_bytes()
        gc.collect()
        before = rss_mb()
        reset_peak_rss()

        started = time.perf_counter()
        table_rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        position = {str(header): index for index, header in enumerate(table_rows[0])}
        p = [position[h] for h in ("证件类型", "证件号码", "姓名", "性别", "出生日期", "联系电话", "户籍类型",
                                   "文化程度", "人员类别", "帮扶地区")]
        now = datetime.utcnow()

        def text(value):
            return None if value == "" or value is None else str(value)

        def day(value):
            return value.date() if isinstance(value, datetime) else (value or None)

        records = [
            {"session_id": session_id, "document_type": text(r[p[0]]), "document_number": text(r[p[1]]),
             "name": text(r[p[2]]), "sex": text(r[p[3]]), "birth_date": day(r[p[4]]), "phone": text(r[p[5]]),
             "hukou_type": text(r[p[6]]), "education": text(r[p[7]]), "tags": text(r[p[8]]),
             "assisted_region": text(r[p[9]]), "registered_base_id": None, "status": "enrolled", "created_at": now}
            for r in table_rows[1:]
        ]
        read = time.perf_counter() - started
        with engine.begin() as connection:
            connection.execute(table.insert(), records)
        total = time.perf_counter() - started
        peak = peak_rss_mb()
        engine.dispose()
    return {"total": total, "read": read, "insert": total - read, "rows": len(records), "memory_mb": peak - before}


def in_fresh_process(function, *args):
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


# --- reporting -------------------------------------------------------------------------------------

def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model or platform.processor()}), Python {platform.python_version()}"


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def engine_description(database_url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(database_url)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            version = "SQLite " + connection.execute(text("select sqlite_version()")).scalar()
        else:
            version = connection.execute(text("show server_version")).scalar()
            version = f"PostgreSQL {version} (database {make_url(database_url).database})"
    engine.dispose()
    return version


def parse_rows(value: str) -> list[int]:
    try:
        rows = [int(part.replace("_", "")) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("--rows takes comma-separated integers, e.g. 10000,100000") from None
    if not rows or any(row < 10 for row in rows):
        raise argparse.ArgumentTypeError("--rows needs at least 10 rows per file")
    return rows


def phases(result: dict) -> str:
    return ", ".join(f"{name} {seconds:.2f} s (Python CPU {result['cpu'][name]:.2f} s)"
                     for name, seconds in result["times"].items())


def report(rows: int, wrong: int, floors: list[dict], results: list[dict]) -> None:
    """Every run's figures, then the best run of each side (the least disturbed by other work on the
    machine, as timeit takes) and the ratio of their rows/s on a line of its own."""
    print()
    print(f"== {rows:,} rows ({results[0]['file_mb']:.1f} MB .xlsx; {wrong} rows deliberately wrong; "
          f"{len(results)} run(s), import and floor alternating, each a fresh file of new people)")
    ratios = []
    for run, (floor, result) in enumerate(zip(floors, results), 1):
        ratios.append(floor["total"] / result["total"])
        print(f"run {run}: import {result['total']:.3f} s ({phases(result)}); floor {floor['total']:.3f} s "
              f"(calamine read {floor['read']:.3f} s, executemany insert {floor['insert']:.3f} s): "
              f"this run's ratio {ratios[-1]:.3f}")
    result = min(results, key=lambda r: r["total"])
    floor = min(floors, key=lambda f: f["total"])
    import_rate, floor_rate = rows / result["total"], rows / floor["total"]
    ratio = import_rate / floor_rate
    counts = result["counts"]
    best = f"best of {len(results)}: " if len(results) > 1 else ""
    print(f"import: {best}{result['total']:.2f} s, {import_rate:,.0f} rows/s ({phases(result)}); "
          f"preview: ready {counts['ready']:,}, wrong {counts['error']:,}, unchanged {counts['unchanged']:,}; "
          f"batch {result['status']}, {result['enrolled']:,} enrolled")
    print(f"floor:  {best}{floor['total']:.2f} s, {floor_rate:,.0f} rows/s (calamine read {floor['read']:.2f} s, "
          f"executemany insert {floor['insert']:.2f} s; memory {floor['memory_mb']:.0f} MB)")
    print(f"ratio {ratio:.3f}")
    if len(ratios) > 1:
        print(f"(the runs' own ratios: {min(ratios):.3f}–{max(ratios):.3f}, median {statistics.median(ratios):.3f})")
    peak = max(results, key=lambda r: r["memory_mb"])
    by_phase = ", ".join(f"{name} {mb:.0f} MB" for name, mb in peak["phase_memory_mb"].items())
    print(f"import peak memory: {peak['memory_mb']:.0f} MB peak RSS growth over a "
          f"{peak['baseline_mb']:.0f} MB baseline" + (f" ({by_phase})" if by_phase else ""))
    verdict_ratio = "met" if ratio >= RATIO_GOAL else "NOT met"
    verdict_memory = "met" if peak["memory_mb"] < MEMORY_GOAL_MB else "NOT met"
    print(f"goals: ratio >= {RATIO_GOAL} {verdict_ratio}; memory < {MEMORY_GOAL_MB} MB {verdict_memory}")
    print(f"load average after this case: {load_average()}")
    for run, outcome in enumerate(results, 1):
        if outcome["enrolled"] != rows - wrong or outcome["status"] != "confirmed":
            print(f"WARNING: run {run}: expected {rows - wrong:,} enrolled after confirmation, "
                  f"found {outcome['enrolled']:,}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=parse_rows, default=list(DEFAULT_ROWS),
                        help="comma-separated row counts (default 10000,100000)")
    parser.add_argument("--quick", action="store_true", help=f"one {QUICK_ROWS:,}-row smoke run")
    parser.add_argument("--seed", type=int, default=20260601, help="random seed of the generated rows")
    parser.add_argument("--runs", type=int, default=None,
                        help=f"runs of each side per row count, alternating, best counts (default {DEFAULT_RUNS} "
                             f"up to {MANY_ROWS:,} rows, 1 above)")
    arguments = parser.parse_args()
    if arguments.runs is not None and arguments.runs < 1:
        parser.error("--runs needs at least 1")
    row_counts = [QUICK_ROWS] if arguments.quick else list(dict.fromkeys(arguments.rows))
    sys.stdout.reconfigure(line_buffering=True)  # progress shows while the long cases run

    with tempfile.TemporaryDirectory(prefix="import_bench_") as tmp:
        tmp_dir = Path(tmp)
        database_url = create_database(tmp_dir, "import_bench")
        try:
            print(f"machine: {machine()}")
            print(f"engine: {engine_description(database_url)}")
            print(f"load average before: {load_average()} (other work on the machine skews the timings)")
            started = time.perf_counter()
            runs = {rows: arguments.runs or (DEFAULT_RUNS if rows <= MANY_ROWS else 1) for rows in row_counts}
            sessions = prepare_database(database_url, row_counts, max(runs.values()))
            used: set[str] = set()
            files: dict[int, list[tuple[Path, int]]] = {}
            for index, rows in enumerate(row_counts):
                for run in range(runs[rows]):  # new people in each file: the first run's file as before
                    path = tmp_dir / f"enrolment_{rows}_{run}.xlsx"
                    wrong = generate_file(path, rows, arguments.seed + index + 1000 * run, used)
                    files.setdefault(rows, []).append((path, wrong))
            print(f"setup (migrations, base, sessions, files): {time.perf_counter() - started:.1f} s")
            print("memory = peak RSS growth of a fresh process over its RSS just before the timed work "
                  "(VmHWM, reset per phase via /proc/self/clear_refs; ru_maxrss where that is unavailable)")
            for rows in row_counts:
                floors, results = [], []
                for (path, wrong), session_id in zip(files[rows], sessions[rows]):
                    floors.append(in_fresh_process(measure_floor, database_url, str(path), session_id))
                    results.append(in_fresh_process(measure_import, database_url, str(path), session_id))
                report(rows, files[rows][0][1], floors, results)
        finally:
            drop_database(database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
