"""The reconciliation benchmark's data set (reconcile_bench.py): a million enrollments of realistic shape.

Not through the domain operations: SQLAlchemy Core executemany in chunks on SQLite, COPY through
psycopg on PostgreSQL (``Loader``). ``Generator`` makes: the 11 districts seeded by migration 0001;
~300 training bases spread over them (each recognised for a few programmes); one session per ~25
enrollments over three years (the registry's year and the two before), end dates spread over the
months, programme / occupation / level / track drawn from the catalogue (``programme.track_of``),
finished sessions completed or closed, the current year's later ones in progress, open or planned;
~0.6 trainees per enrollment (people repeat) with unique 居民身份证 numbers (GB 11643 check digits); a
few % withdrawn; results passed / failed / absent / not yet, scores, employment follow-up; a
certificate for most passes (a few suspended, revoked, or revoked as replaced with their
replacement); trainee_tags (assisted_region with the trainee's region, veterans, unemployed …);
targets for every year (per programme 人次 / 合格 / 人数 / 取证 / 就业, 南粤家政's tracks, some district
targets, every programme measure). Then ANALYZE (PostgreSQL: VACUUM ANALYZE, so index-only scans
work). ``fill`` does all that and prints what it made; ``kept_database`` reads the same back from a
database kept with ``--keep``.
"""
from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from datetime import date, datetime, time as clock, timedelta

CHUNK = 20_000

BASES = 300
ENROLLMENTS_PER_SESSION = 25
TRAINEES_PER_ENROLLMENT = 0.6

#: Share of sessions by programme (programmes not listed get DEFAULT_PROGRAMME_WEIGHT).
PROGRAMME_WEIGHTS = {
    "yuecai": 18, "jiazheng": 22, "jigong": 9, "apprenticeship": 5, "new_workers": 7, "job_change": 6,
    "rural_labour": 7, "veterans": 3, "school_leavers": 4, "safety": 15, "disability": 3,
}
DEFAULT_PROGRAMME_WEIGHT = 4
#: Bases by district (GB/T 2260 code): the central and populous districts have more.
DISTRICT_WEIGHTS = {
    "440103": 6, "440104": 8, "440105": 9, "440106": 12, "440111": 13, "440112": 9, "440113": 12,
    "440114": 8, "440115": 6, "440117": 4, "440118": 8,
}
#: Sessions ending in each month: fewer around the Spring Festival, more at mid-year and year end.
MONTH_WEIGHTS = (5, 6, 8, 9, 9, 11, 9, 8, 8, 8, 9, 10)
BASE_KINDS = ("training_institution", "training_institution", "training_institution", "vocational_school",
              "technical_school", "enterprise_centre", "industry_association", "employment_centre")
BASE_WORDS = ("职业培训学校", "技能培训中心", "职业技能培训学校", "培训学院", "职业学校", "技工学校", "培训中心")
BASE_STEMS = ("穗华", "羊城", "南粤", "珠江", "白云", "华南", "岭南", "粤海", "广府", "恒升", "创业", "远航",
              "新时代", "众诚", "明德", "启航", "卓越", "宏达", "立信", "同创")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢钟"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯晓婷雪梅琳欣怡嘉俊健"
#: Birthplace area codes of resident ID numbers: Guangzhou's districts and other Guangdong cities.
ID_AREAS = ("440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114", "440115",
            "440117", "440118", "440303", "440304", "441302", "441402", "441802", "441202", "440803",
            "440902", "441602", "445202", "441881", "522101", "510104")
ID_WEIGHTS = (7, 9, 10, 14, 17, 11, 12, 9, 6, 5, 7, 9, 10, 11, 11, 8, 10, 11, 10, 10, 9, 5)
ID_FACTORS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
EDUCATION = ("primary", "junior", "junior", "senior", "senior", "senior", "college", "bachelor", None)
#: Trainee group tags and the share of trainees carrying each.
TAG_SHARES = {"assisted_region": 0.04, "veteran": 0.015, "unemployed": 0.05, "low_income": 0.02,
              "hard_to_employ": 0.012, "disabled": 0.006, "school_leaver": 0.012}
WITHDRAWAL_REASONS = ("工作原因无法参训", "个人原因", "身体原因", "联系不上", "重复报名")
EMPLOYERS = ("广州酒家集团", "广州市家政服务有限公司", "广州白云国际机场", "广汽集团", "珠江啤酒", "广州地铁集团",
             "广州市第一人民医院", "唯品会", "广州港集团", "个体经营")
KEY_ID = "bench0001"
SIGNATURE = "b" * 86


# --- bulk loading ---------------------------------------------------------------------------------

class Loader:
    """Bulk insert of plain tuples: Core executemany in chunks (SQLite) or COPY (PostgreSQL).

    Uses its own engine (dropped after loading) so that the measured connections keep the app's
    settings; on SQLite the loading connection skips fsyncs and foreign-key checks (the data is
    consistent by construction, and ``PRAGMA foreign_key_check`` verifies it afterwards).
    """

    def __init__(self, database_url: str) -> None:
        from sqlalchemy import create_engine

        self.engine = create_engine(database_url)
        self.postgres = self.engine.dialect.name == "postgresql"
        self.connection = self.engine.connect()
        raw = self.connection.connection.driver_connection
        if self.postgres:
            with raw.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
                cursor.execute("SET maintenance_work_mem = '512MB'")
            raw.commit()
            try:  # skip the per-row foreign-key triggers while loading (needs a superuser; optional)
                with raw.cursor() as cursor:
                    cursor.execute("SET session_replication_role = replica")
                raw.commit()
            except Exception:
                raw.rollback()
        else:
            for pragma in ("foreign_keys=OFF", "synchronous=OFF", "cache_size=-500000", "temp_store=MEMORY"):
                raw.execute(f"PRAGMA {pragma}")
        self.rows: Counter[str] = Counter()

    def load(self, table, columns: tuple[str, ...], rows) -> None:
        """Insert ``rows`` (tuples in the order of ``columns``) into ``table`` (a Table)."""
        if self.postgres:
            raw = self.connection.connection.driver_connection
            names = ", ".join(f'"{c}"' for c in columns)
            with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    self.rows[table.name] += 1
            self.commit()
            return
        # SQLite: dates and datetimes in SQLAlchemy's storage format, converted here (C-level isoformat),
        # then one executemany per chunk at the driver level (SQLAlchemy's per-value bind processing
        # of the same rows costs more than the inserts themselves).
        from sqlalchemy import Date, DateTime

        days = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, Date)]
        moments = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, DateTime)]
        statement = f'INSERT INTO "{table.name}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
        chunk: list[tuple] = []
        for row in rows:
            row = list(row)
            for i in days:
                if row[i] is not None:
                    row[i] = row[i].isoformat()
            for i in moments:
                if row[i] is not None:
                    row[i] = row[i].isoformat(" ", "microseconds")
            chunk.append(tuple(row))
            if len(chunk) >= CHUNK:
                self.connection.exec_driver_sql(statement, chunk)
                self.rows[table.name] += len(chunk)
                chunk = []
        if chunk:
            self.connection.exec_driver_sql(statement, chunk)
            self.rows[table.name] += len(chunk)
        self.commit()  # table by table, so SQLite's WAL is checkpointed along the way

    def drop_indexes(self, tables: tuple[str, ...]) -> list[str]:
        """Drop the plain (non-constraint) indexes of ``tables``; return their DDL to build them after loading."""
        if self.postgres:
            found = self.connection.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = ANY(%(tables)s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                {"tables": list(tables)}).all()
        else:
            marks = ", ".join("?" * len(tables))
            found = self.connection.exec_driver_sql(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})", tuple(tables)).all()
        for name, _ in found:
            self.connection.exec_driver_sql(f'DROP INDEX "{name}"')
        self.commit()
        return [ddl for _, ddl in found]

    def create_indexes(self, ddl: list[str]) -> None:
        for statement in ddl:
            self.connection.exec_driver_sql(statement)
        self.commit()

    def execute(self, sql: str, parameters=None):
        return self.connection.exec_driver_sql(sql, parameters) if parameters is not None \
            else self.connection.exec_driver_sql(sql)

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.connection.close()
        self.engine.dispose()


# --- data generation -------------------------------------------------------------------------------

def id_number(area: str, birth: date, sequence: int, _sums: dict = {}) -> str:
    """A 居民身份证 number with its GB 11643 check character (weighted sums of the parts cached)."""
    parts = (area, f"{birth:%Y%m%d}", f"{sequence:03d}")
    total = 0
    for offset, part in zip((0, 6, 14), parts):
        key = (offset, part)
        if key not in _sums:
            _sums[key] = sum(int(d) * f for d, f in zip(part, ID_FACTORS[offset:offset + len(part)]))
        total += _sums[key]
    return "".join(parts) + "10X98765432"[total % 11]


def spread(total: int, parts: int, low: int, high: int, rng: random.Random) -> list[int]:
    """``parts`` sizes in [low, high] (as far as possible) that add up to ``total``."""
    sizes = [rng.randint(low, high) for _ in range(parts)]
    difference = total - sum(sizes)
    step = 1 if difference > 0 else -1
    while difference:
        index = rng.randrange(parts)
        if (step > 0 and sizes[index] < high * 2) or (step < 0 and sizes[index] > 1):
            sizes[index] += step
            difference -= step
    return sizes


def month_end_date(year: int, rng: random.Random) -> date:
    month = rng.choices(range(1, 13), MONTH_WEIGHTS)[0]
    first = date(year, month, 1)
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return first + timedelta(days=rng.randrange((last - first).days + 1))


class Generator:
    def __init__(self, loader: Loader, enrollments: int, year: int, today: date, seed: int) -> None:
        from registry.domain.catalogue import catalogue

        self.loader = loader
        self.enrollments = enrollments
        self.year = year
        self.years = (year - 2, year - 1, year)
        self.today = today
        self.rng = random.Random(seed)
        self.programmes = catalogue.all()
        self.stamp = datetime.combine(today, clock(9, 0))
        # Tallies for the targets: (year, programme[, track | district]) → 人次 planned, people.
        self.volume: Counter = Counter()
        self.people: dict[tuple, set[int]] = defaultdict(set)
        self.counted_in_year = 0
        self.certificates = 0

    def run(self) -> dict[str, int]:
        from sqlalchemy import text

        districts = self.loader.connection.execute(text("SELECT id, code, name FROM districts ORDER BY id")).all()
        if not districts:
            raise RuntimeError("no districts: migration 0001 should have seeded them")
        self.districts = districts
        # The big tables' secondary indexes are built once at the end (sorted builds are much faster
        # than maintaining them row by row); primary keys and unique constraints stay in place.
        deferred = self.loader.drop_indexes(("trainees", "trainee_tags", "enrollments", "certificates"))
        self.bases()
        self.trainees()
        self.sessions()
        self.enrollments_and_certificates()
        self.targets()
        started = time.perf_counter()
        self.loader.create_indexes(deferred)
        self.index_seconds = time.perf_counter() - started
        self.index_count = len(deferred)
        if self.loader.postgres:
            for table in ("training_bases", "base_recognitions", "trainees", "training_sessions", "enrollments",
                          "certificates", "targets"):
                self.loader.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        self.loader.commit()
        return dict(self.loader.rows)

    # bases -----------------------------------------------------------------------------------------

    def bases(self) -> None:
        from stdnum.cn import uscc

        from registry.domain.organisations.models import BaseRecognition, TrainingBase

        rng = self.rng
        weights = [DISTRICT_WEIGHTS.get(code, 5) for _, code, _ in self.districts]
        programme_weights = [PROGRAMME_WEIGHTS.get(p.code, DEFAULT_PROGRAMME_WEIGHT) for p in self.programmes]
        self.base_district: dict[int, int] = {}
        self.bases_of: dict[str, list[int]] = defaultdict(list)
        base_rows, recognition_rows = [], []
        for base_id in range(1, BASES + 1):
            district_id, code, district_name = rng.choices(self.districts, weights)[0]
            self.base_district[base_id] = district_id
            body = f"91{code}MA{base_id:07d}"
            evaluation = rng.random() < 0.3
            base_rows.append((
                base_id, f"广州市{district_name}{rng.choice(BASE_STEMS)}{rng.choice(BASE_WORDS)}（{base_id}）",
                body + uscc.calc_check_digit(body), rng.choice(BASE_KINDS), district_id,
                f"广州市{district_name}{rng.choice(BASE_STEMS)}路{rng.randint(1, 300)}号",
                rng.choice(SURNAMES) + rng.choice(GIVEN), f"020{rng.randint(30000000, 89999999)}", "active",
                "S" if evaluation else None, "0000" if evaluation else None,
                f"{base_id:06d}" if evaluation else None, self.stamp, self.stamp,
            ))
            chosen = {p.code: p for p in rng.choices(self.programmes, programme_weights, k=rng.randint(1, 3))}
            for programme in chosen.values():
                self.bases_of[programme.code].append(base_id)
                recognition_rows.append((len(recognition_rows) + 1, base_id, programme.code,
                                         rng.choice(("city", "city", "district", "province")),
                                         date(self.year - 5, rng.randint(1, 12), 1), None, self.stamp, self.stamp))
        for programme in self.programmes:  # every programme has some bases
            while len(self.bases_of[programme.code]) < 5:
                base_id = rng.randint(1, BASES)
                if base_id not in self.bases_of[programme.code]:
                    self.bases_of[programme.code].append(base_id)
                    recognition_rows.append((len(recognition_rows) + 1, base_id, programme.code, "city",
                                             date(self.year - 5, 1, 1), None, self.stamp, self.stamp))
        self.loader.load(TrainingBase.__table__, (
            "id", "name", "credit_code", "kind", "district_id", "address", "contact_name", "contact_phone",
            "status", "evaluation_kind", "evaluation_body_code", "evaluation_site_serial", "created_at",
            "updated_at"), base_rows)
        self.loader.load(BaseRecognition.__table__, (
            "id", "base_id", "programme_code", "level", "recognised_on", "valid_until", "created_at",
            "updated_at"), recognition_rows)

    # trainees --------------------------------------------------------------------------------------

    def trainees(self) -> None:
        from registry.domain.trainees.models import ASSISTED_REGIONS, Trainee, TraineeTag

        rng = self.rng
        self.trainee_count = max(1, int(self.enrollments * TRAINEES_PER_ENROLLMENT))
        tag_rows: list[tuple[int, str]] = []
        regions: dict[int, str] = {}
        for trainee_id in range(1, self.trainee_count + 1):
            for tag, share in TAG_SHARES.items():
                if rng.random() < share:
                    tag_rows.append((trainee_id, tag))
                    if tag == "assisted_region":
                        regions[trainee_id] = rng.choice(ASSISTED_REGIONS)
        used: set[str] = set()
        start, span = date(1966, 1, 1), (date(2006, 12, 31) - date(1966, 1, 1)).days
        areas = rng.choices(ID_AREAS, ID_WEIGHTS + (4, 3), k=self.trainee_count)

        def rows():
            for trainee_id in range(1, self.trainee_count + 1):
                while True:
                    birth = start + timedelta(days=rng.randrange(span))
                    sequence = rng.randrange(1000)
                    number = id_number(areas[trainee_id - 1], birth, sequence)
                    if number not in used:
                        used.add(number)
                        break
                name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
                registered = rng.randint(1, BASES) if rng.random() < 0.7 else None
                yield (trainee_id, "resident_id", number, name, "M" if sequence % 2 else "F", birth,
                       f"1{rng.choice('3578')}{rng.randrange(10**9):09d}", rng.choice(("urban", "rural")),
                       rng.choice(EDUCATION), regions.get(trainee_id), registered, self.stamp, self.stamp)

        self.loader.load(Trainee.__table__, (
            "id", "document_type", "document_number", "name", "sex", "birth_date", "phone", "hukou_type",
            "education", "assisted_region", "registered_base_id", "created_at", "updated_at"), rows())
        self.loader.load(TraineeTag.__table__, ("trainee_id", "tag"), tag_rows)

    # sessions --------------------------------------------------------------------------------------

    def sessions(self) -> None:
        from registry.domain.training.models import TrainingSession

        rng = self.rng
        count = max(1, round(self.enrollments / ENROLLMENTS_PER_SESSION))
        sizes = spread(self.enrollments, count, 10, 40, rng)
        weights = [PROGRAMME_WEIGHTS.get(p.code, DEFAULT_PROGRAMME_WEIGHT) for p in self.programmes]
        sequence: Counter = Counter()
        self.session_rows: list[tuple] = []
        # Per session, what enrollments need: id, programme, occupation, level, dates, status, size, base.
        self.session_info: list[tuple] = []
        for session_id in range(1, count + 1):
            programme = rng.choices(self.programmes, weights)[0]
            occupation = rng.choice(programme.occupations)
            level = None if occupation.special else rng.choice(
                [lv for lv in occupation.levels if lv >= 3] or list(occupation.levels))
            track = programme.track_of(occupation.code)
            kind = rng.choice(programme.session_kinds)
            end = month_end_date(rng.choice(self.years), rng)
            if kind == "degree":
                days = rng.choice((365, 730, 1095)) - rng.randint(0, 30)
            elif kind == "apprentice":
                days = rng.randint(365, 730)
            else:
                days = rng.randint(3, 45)
            start = end - timedelta(days=days)
            status = self.session_status(start, end)
            base_id = rng.choice(self.bases_of[programme.code])
            sequence[(base_id, start.year)] += 1
            size = sizes[session_id - 1]
            hours = max(8, days * 6) if kind == "short" else rng.choice((400, 800, 1200))
            self.session_rows.append((
                session_id, f"{start.year}-{base_id:04d}-{sequence[(base_id, start.year)]:04d}", base_id, None,
                programme.code, track.code if track else None, occupation.code, level, kind, start, end,
                min(hours, 2000), size + rng.randint(0, 10), f"{rng.choice(BASE_STEMS)}校区{rng.randint(1, 9)}号楼",
                rng.choice(("offline", "offline", "offline", "hybrid", "online")), status,
                datetime.combine(start - timedelta(days=30), clock(10, 0)),
                datetime.combine(min(end + timedelta(days=20), self.today), clock(16, 0)),
            ))
            self.session_info.append((session_id, programme, occupation, level, start, end, status, size, base_id,
                                      min(hours, 2000)))
        self.loader.load(TrainingSession.__table__, (
            "id", "code", "base_id", "enterprise_id", "programme_code", "track_code", "occupation_code", "level",
            "kind", "start_date", "end_date", "planned_hours", "capacity", "place", "mode", "status", "created_at",
            "updated_at"), self.session_rows)

    def session_status(self, start: date, end: date) -> str:
        rng = self.rng
        if end > self.today:
            if start <= self.today:
                return "in_progress"
            return "open" if (start - self.today).days < 30 else "planned"
        if (self.today - end).days > 90:
            return "closed" if rng.random() < 0.75 else "completed"
        return "completed" if rng.random() < 0.93 else "in_progress"  # the clerk has not closed it yet

    # enrollments and certificates ------------------------------------------------------------------

    def enrollments_and_certificates(self) -> None:
        from registry.domain.certificates.models import Certificate
        from registry.domain.training.models import Enrollment

        rng = self.rng
        # Every trainee once, the rest repeat: people who come back for another course.
        pool = list(range(1, self.trainee_count + 1))
        pool += [rng.randint(1, self.trainee_count) for _ in range(self.enrollments - len(pool))]
        rng.shuffle(pool)
        certificate_rows: list[tuple] = []
        replaced: list[tuple[int, tuple]] = []  # (old certificate id, its row) for replacements
        serials: Counter = Counter()

        def enrollment_rows():
            enrollment_id = 0
            position = 0
            for session_id, programme, occupation, level, start, end, status, size, base_id, hours in self.session_info:
                people = pool[position:position + size]
                position += size
                if len(set(people)) < len(people):
                    seen: set[int] = set()
                    for index, person in enumerate(people):
                        while person in seen:
                            person = rng.randint(1, self.trainee_count)
                        seen.add(person)
                        people[index] = person
                finished = status in ("completed", "closed")
                started = status in ("in_progress", "completed", "closed")
                assessed = finished or (status == "in_progress" and end < self.today)
                assessment_type = "special_ability" if occupation.special else "skill_level"
                if assessment_type not in programme.certificate_types:
                    assessment_type = "training_qualified"
                certificate_type = programme.certificate_type_for(assessment_type)
                key = (end.year, programme.code)
                track = programme.track_of(occupation.code)
                district_id = self.base_district[base_id]
                for trainee_id in people:
                    enrollment_id += 1
                    enrolled = datetime.combine(start - timedelta(days=rng.randint(1, 20)),
                                                clock(9, rng.randint(0, 59)))
                    withdrawn = started and rng.random() < 0.035
                    withdrawn_on = reason = attended = result = score = assessed_on = None
                    employed = employed_on = employer = None
                    if withdrawn:
                        withdrawn_on = min(start + timedelta(days=rng.randint(0, (end - start).days)), self.today)
                        reason = rng.choice(WITHDRAWAL_REASONS)
                    elif started:
                        attended = round(rng.uniform(0.75, 1.0) * hours, 1)
                    if assessed and not withdrawn:
                        draw = rng.random()
                        result = ("passed" if draw < 0.82 else "failed" if draw < 0.90 else "absent" if draw < 0.95
                                  else None)
                        if result == "passed":
                            score = round(rng.uniform(60, 100), 1)
                        elif result == "failed":
                            score = round(rng.uniform(20, 59.9), 1)
                        if result is not None:
                            assessed_on = min(end + timedelta(days=rng.randint(0, 20)), self.today)
                        if finished:
                            draw = rng.random()
                            employed = (draw < 0.6) if draw < 0.8 else None
                            if employed:
                                employed_on = end + timedelta(days=rng.randint(5, 90))
                                employer = rng.choice(EMPLOYERS)
                    yield (enrollment_id, session_id, trainee_id, "withdrawn" if withdrawn else "enrolled", enrolled,
                           withdrawn_on, reason, attended, result, score, assessed_on,
                           assessment_type if result else None, employed, employed_on, employer, enrolled,
                           enrolled + timedelta(days=(end - start).days + 30))
                    if not withdrawn:
                        self.volume[key] += 1
                        self.people[key].add(trainee_id)
                        if track:
                            self.volume[key + (track.code,)] += 1
                        self.volume[key + (district_id,)] += 1
                        if finished and end.year == self.year:
                            self.counted_in_year += 1
                    if result == "passed" and finished and rng.random() < 0.92:
                        certificate_rows.append(self.certificate(
                            enrollment_id, session_id, trainee_id, base_id, programme, occupation, level,
                            certificate_type, assessed_on, serials, replaced))

        self.loader.load(Enrollment.__table__, (
            "id", "session_id", "trainee_id", "status", "enrolled_at", "withdrawn_on", "withdrawal_reason",
            "attended_hours", "result", "score", "assessed_on", "assessment_type", "is_employed", "employed_on",
            "employer_name", "created_at", "updated_at"), enrollment_rows())
        columns = ("id", "number", "certificate_type", "enrollment_id", "session_id", "trainee_id", "base_id",
                   "programme_code", "occupation_code", "occupation_name", "level", "issued_on", "valid_until",
                   "status", "status_reason", "status_on", "status_note", "replaces_id", "replaced_by_id", "key_id",
                   "signature", "created_at", "updated_at")
        # Replacements (no enrollment of their own; they point back at the revoked one) come last.
        next_id = len(certificate_rows)
        links = []
        for old_id, row in replaced:
            next_id += 1
            replacement = list(row)
            replacement[0], replacement[3] = next_id, None
            replacement[1] = row[1][:-1] + "R"
            replacement[11] = row[15]
            replacement[13:19] = ["valid", None, None, None, old_id, None]
            certificate_rows.append(tuple(replacement))
            links.append((next_id, old_id))
        self.loader.load(Certificate.__table__, columns, certificate_rows)
        parameters = [{"new": new, "old": old} for new, old in links]
        if parameters:
            from sqlalchemy import text
            self.loader.connection.execute(text("UPDATE certificates SET replaced_by_id = :new WHERE id = :old"),
                                           parameters)
        self.certificates = len(certificate_rows)

    def certificate(self, enrollment_id, session_id, trainee_id, base_id, programme, occupation, level,
                    certificate_type, assessed_on, serials, replaced) -> tuple:
        rng = self.rng
        issued = min(assessed_on + timedelta(days=rng.randint(3, 30)), self.today)
        prefix = f"{programme.certificate_prefix}{issued:%y}{base_id:04d}"
        serials[prefix] += 1
        number = f"{prefix}{serials[prefix]:06d}V"
        reason = status_on = note = None
        draw = rng.random()
        status = "valid"
        if draw < 0.006:
            status, reason = "revoked", "replaced"
        elif draw < 0.012:
            status, reason = "revoked", "error"
        elif draw < 0.015:
            status, reason = "revoked", rng.choice(("fraud", "assessment_void"))
        elif draw < 0.019:
            status, reason = "suspended", "investigation"
        if status != "valid":
            status_on = min(issued + timedelta(days=rng.randint(10, 200)), self.today)
            note = "基准测试数据"
        valid_until = issued + timedelta(days=364) \
            if programme.rules.get("certificate_valid_years") and programme.rules["certificate_valid_years"](
                occupation.code) else None
        stamp = datetime.combine(issued, clock(11, 0))
        self.certificates += 1
        row = (self.certificates, number, certificate_type, enrollment_id, session_id, trainee_id, base_id,
               programme.code, occupation.code, occupation.name, level, issued, valid_until, status, reason,
               status_on, note, None, None, KEY_ID, SIGNATURE, stamp, stamp)
        if reason == "replaced":
            replaced.append((self.certificates, row))
        return row

    # targets ---------------------------------------------------------------------------------------

    def targets(self) -> None:
        from registry.domain.reconciliation.models import Target

        rng = self.rng
        rows: list[tuple] = []
        keys: set[tuple] = set()

        def add(year, programme_code, measure, value, track=None, occupation=None, district=None, source="manual"):
            key = (year, programme_code, track or "", occupation or "", district or 0, measure)
            if key in keys or value is None:
                return
            keys.add(key)
            rows.append((len(rows) + 1, year, programme_code, track, occupation, district, measure, max(0, int(value)),
                         source, "基准测试目标", self.stamp, self.stamp))

        def around(actual: float) -> int:
            return max(10, round(actual * rng.uniform(0.9, 1.25), -1))

        for year in self.years:
            for programme in self.programmes:
                volume = self.volume[(year, programme.code)]
                if not volume:
                    continue
                add(year, programme.code, "trainings", around(volume))
                add(year, programme.code, "persons", around(len(self.people[(year, programme.code)])))
                add(year, programme.code, "passed", around(volume * 0.8))
                if rng.random() < 0.6:
                    add(year, programme.code, "certified", around(volume * 0.7))
                if rng.random() < 0.5:
                    add(year, programme.code, "employed", around(volume * 0.45))
                for track in programme.tracks:
                    add(year, programme.code, "trainings", around(self.volume[(year, programme.code, track.code)]),
                        track=track.code)
                for preset in programme.target_presets:
                    add(year, programme.code, preset.measure, preset.value, preset.track, preset.occupation,
                        source="preset")
                for measure in programme.extra_measures:
                    add(year, programme.code, measure.code, around(volume * 0.1))
            # District targets: 人次 of the three largest programmes, 人数 of the largest.
            largest = sorted(self.programmes, key=lambda p: -self.volume[(year, p.code)])[:3]
            for district_id, _, _ in self.districts:
                for index, programme in enumerate(largest):
                    volume = self.volume[(year, programme.code, district_id)]
                    if volume:
                        add(year, programme.code, "trainings", around(volume), district=district_id)
                        if index == 0:
                            add(year, programme.code, "persons", around(volume * 0.9), district=district_id)
        self.loader.load(Target.__table__, (
            "id", "year", "programme_code", "track_code", "occupation_code", "district_id", "measure_code", "value",
            "source", "basis", "created_at", "updated_at"), rows)


def analyze(app, postgres: bool) -> None:
    from sqlalchemy import text

    from registry.domain.reconciliation import tallies
    from registry.extensions import db

    if postgres:
        tallies.rebuild()  # the loader skipped the triggers that keep the sessions' tallies
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
        raw = db.engine.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()


def foreign_key_problems(app) -> int:
    from registry.extensions import db

    raw = db.engine.raw_connection()
    try:
        return len(raw.driver_connection.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        raw.close()


def fill(database_url: str, enrollments: int, year: int, on: date, seed: int, app, postgres: bool,
         engine_name: str) -> int:
    """Generate the data set into the migrated database; return the district with most bases."""
    started = time.perf_counter()
    loader = Loader(database_url)
    try:
        generator = Generator(loader, enrollments, year, on, seed)
        counts = generator.run()
    finally:
        loader.close()
    loaded = time.perf_counter() - started
    analyze(app, postgres)
    generated = time.perf_counter() - started
    problems = None if postgres else foreign_key_problems(app)
    print(f"engine: {engine_name}; year {year}, on {on.isoformat()}")
    print("rows: " + ", ".join(f"{table} {count:,}" for table, count in counts.items()))
    print(f"enrollments counted in {year} (人次, finished sessions, not withdrawn): {generator.counted_in_year:,}")
    print(f"generation: {generated:.1f} s (load {loaded:.1f} s, of which building {generator.index_count} "
          f"deferred indexes {generator.index_seconds:.1f} s; "
          f"{'VACUUM ANALYZE' if postgres else 'ANALYZE'} {generated - loaded:.1f} s)"
          + ("" if problems is None else f"; foreign key problems: {problems}"))
    return Counter(generator.base_district.values()).most_common(1)[0][0]


def kept_database(year: int, postgres: bool) -> int:
    """What ``fill`` prints, read back from a kept database; return the district with most bases."""
    from sqlalchemy import text

    from registry.extensions import db

    if postgres:  # a migration may have added an index since: statistics and visibility map up to date
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    counted = db.session.scalar(text(
        "SELECT count(*) FROM enrollments e JOIN training_sessions s ON e.session_id = s.id "
        "WHERE e.status <> 'withdrawn' AND s.status IN ('completed', 'closed') "
        "AND s.end_date BETWEEN :first AND :last"), {"first": date(year, 1, 1), "last": date(year, 12, 31)})
    enrollments = db.session.scalar(text("SELECT count(*) FROM enrollments"))
    district_id = db.session.scalar(text(
        "SELECT district_id FROM training_bases GROUP BY district_id ORDER BY count(*) DESC, district_id LIMIT 1"))
    db.session.remove()
    print(f"engine: {db.engine.dialect.name} (a kept database); year {year}")
    print(f"enrollments {enrollments:,}; counted in {year} (人次, finished sessions, not withdrawn): {counted:,}")
    return district_id
