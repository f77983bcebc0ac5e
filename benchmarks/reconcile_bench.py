"""Reconciliation (actual against target) over a million enrollments vs. the floor, on a throwaway database.

Fills a throwaway database with ``--enrollments`` (default 1,000,000) enrollments of realistic shape
and times, best of ``--runs`` (default 5) after one warm-up, each in a fresh transaction:

* reconcile: what the reconciliation page computes for the city, ``figures.reconcile(Scope(year),
  "programme", on, None)`` (``on`` = the registry's today, ``year`` = its year by default, as the
  page's default view), its independent statements read beside each other on two connections as the
  served app does (registry/domain/beside.py); also, for information, ``group_by="district"``, a
  district-scoped call (``Scope(year, district_id=<the district with most bases>)``) and the city by
  programme with every statement in turn on one connection (``REGISTRY_READS_BESIDE`` off);
* floor: the bare GROUP BY a hand-written report would run for the same year over the same tables:

      SELECT s.programme_code, count(*), count(DISTINCT e.trainee_id)
      FROM enrollments e JOIN training_sessions s ON e.session_id = s.id
      WHERE e.status <> 'withdrawn' AND s.status IN ('completed', 'closed')
        AND s.end_date BETWEEN <1 January> AND <31 December>
      GROUP BY s.programme_code

It prints the data set, the generation time, both timings and ``ratio <floor / reconcile>`` on a
line of its own (goal >= 0.5: reconcile within 2x of the floor), one ratio line per run; then the
means of the runs (what a page view pays on average, a garbage collection included) and the least
CPU time of each (this process's, and on PostgreSQL its server processes', read from /proc: steadier
than wall time when other work shares the machine, and the same whether the statements run beside
each other or in turn). The floor's 人次 and 人数 per programme are
checked against the page's rows. ``--profile`` then times
every SQL statement of one reconcile call and prints the plans (EXPLAIN ANALYZE on PostgreSQL,
EXPLAIN QUERY PLAN on SQLite) of the slowest ones.

Before timing, the app's start-up objects are frozen out of the garbage collector's full collections
(``registry.freeze_startup_objects``), as wsgi.py does in a server's workers.

The data set is described and made in reconcile_data.py.

Filling takes a minute or two: ``--keep`` leaves the filled database in place (a SQLite file in the
system's temporary directory, or the PostgreSQL database) and prints its URL, and ``--reuse URL``
times it again (migrating it to the head first, never dropping it), e.g. in alternating runs of two
checkouts. Delete the file or drop the database when done.

Database: a SQLite file in a temporary directory, or, when REGISTRY_DATABASE_URL points at
PostgreSQL, a new database ``registry_reconcile_bench_<random>`` on that server (throwaway.py),
migrated with flask_migrate.upgrade and dropped at the end, also on
error or Ctrl-C.

Run from the project root (not part of the test suite):

    .venv/bin/python benchmarks/reconcile_bench.py                  # SQLite, 1,000,000 enrollments
    .venv/bin/python benchmarks/reconcile_bench.py --quick          # 100,000 enrollments
    .venv/bin/python benchmarks/reconcile_bench.py --profile        # plus per-statement times and plans
    .venv/bin/python benchmarks/reconcile_bench.py --keep           # keep the filled database, print its URL
    .venv/bin/python benchmarks/reconcile_bench.py --reuse URL      # time a database kept before (not dropped)
    REGISTRY_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/reconcile_bench.py              # PostgreSQL
"""
from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reconcile_data import fill, kept_database  # noqa: E402
from throwaway import create_database, make_app, remove  # noqa: E402

RATIO_GOAL = 0.5
DEFAULT_ENROLLMENTS = 1_000_000
QUICK_ENROLLMENTS = 100_000
# --- measurements --------------------------------------------------------------------------------

FLOOR_SQL = """
SELECT s.programme_code, count(*), count(DISTINCT e.trainee_id)
FROM enrollments e JOIN training_sessions s ON e.session_id = s.id
WHERE e.status <> 'withdrawn' AND s.status IN ('completed', 'closed')
  AND s.end_date BETWEEN :first AND :last
GROUP BY s.programme_code
"""


def floor_query(year: int):
    from sqlalchemy import Date, bindparam, text

    from registry.extensions import db

    statement = text(FLOOR_SQL).bindparams(bindparam("first", date(year, 1, 1), type_=Date),
                                           bindparam("last", date(year, 12, 31), type_=Date))
    return db.session.execute(statement).all()


def best_of(function, runs: int) -> tuple[float, object]:
    """Best wall time of ``runs`` calls after one warm-up, each in a fresh session and transaction.

    Also kept, in ``MEANS`` and ``CPU`` (in the order of the calls): the mean wall time (a page view pays
    what the best run hides, e.g. a full garbage collection) and the least CPU time, this process's and,
    on PostgreSQL, its server process's (read from /proc where it can be): steadier than wall time
    when other work shares the machine."""
    from registry.extensions import db

    times, cpu, result = [], [], None
    postgres = db.session.get_bind().dialect.name == "postgresql"
    for attempt in range(runs + 1):
        db.session.remove()
        servers = server_cpu_seconds() if postgres else {}
        started, used = time.perf_counter(), time.process_time()
        result = function()
        elapsed, used = time.perf_counter() - started, time.process_time() - used
        if postgres:  # every server process of this database: the page's connection and the one beside it
            used += sum(seconds - servers.get(pid, 0.0) for pid, seconds in server_cpu_seconds().items())
        db.session.rollback()
        if attempt:
            times.append(elapsed)
            cpu.append(used)
    db.session.remove()
    MEANS.append(sum(times) / len(times))
    CPU.append(min(cpu))
    return min(times), result


#: Mean wall time and least CPU time of every best_of call, in order.
MEANS: list[float] = []
CPU: list[float] = []


def server_cpu_seconds() -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL server process connected to this database (this
    app's connections: the page's own and the one its reads beside use), read from /proc/PID/schedstat
    where it is readable (a server on this machine; elsewhere none: this process's time alone)."""
    from sqlalchemy import text

    from registry.extensions import db

    used = {}
    for pid in db.session.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")):
        try:
            with open(f"/proc/{pid}/schedstat") as stat:
                used[pid] = int(stat.read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            pass
    return used


def check_against_floor(floor_rows, reconciliation) -> str:
    floor = {code: (trainings, persons) for code, trainings, persons in floor_rows}
    page = {row.key[0]: (row.figures.trainings, row.figures.persons) for row in reconciliation.rows}
    if floor == page:
        return "ok (人次 and 人数 per programme equal)"
    different = sorted(code for code in set(floor) | set(page) if floor.get(code) != page.get(code))
    return "MISMATCH: " + ", ".join(f"{c} floor {floor.get(c)} page {page.get(c)}" for c in different)


def profile(year: int, on: date, district_id: int, postgres: bool, top: int) -> None:
    """Per-statement times of one reconcile call (each variant), and the plans of the slowest.

    The statements are captured during the call, then each is run again on its own with all its
    rows fetched (SQLite does most of a query's work while rows are fetched, after execute), best
    of two; what the call took beyond their sum is Python (ORM, grouping, labels).
    """
    from sqlalchemy import event

    from registry.domain.reconciliation import figures
    from registry.domain.reconciliation.counting import Scope
    from registry.extensions import db

    engine = db.engine
    variants = (("city, by programme", Scope(year), "programme"), ("city, by district", Scope(year), "district"),
                ("district-scoped, by programme", Scope(year, district_id=district_id), "programme"))
    for label, scope, group_by in variants:
        captured: list[tuple[str, object]] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                captured.append((statement, parameters))

        db.session.remove()
        event.listen(engine, "before_cursor_execute", before)
        try:
            started = time.perf_counter()
            figures.reconcile(scope, group_by, on, None)
            total = time.perf_counter() - started
        finally:
            event.remove(engine, "before_cursor_execute", before)
            db.session.rollback()
        timed = []
        with engine.connect() as connection:
            tune(connection, postgres)
            for statement, parameters in captured:
                best, rows = None, 0
                for _ in range(2):
                    begun = time.perf_counter()
                    rows = len(connection.exec_driver_sql(statement, parameters).all())
                    elapsed = time.perf_counter() - begun
                    best = elapsed if best is None else min(best, elapsed)
                timed.append((best, statement, parameters, rows))
            connection.rollback()
        in_sql = sum(t[0] for t in timed)
        print(f"\nprofile of reconcile ({label}): {total:.3f} s, {len(timed)} queries taking {in_sql:.3f} s "
              f"when run alone (rows fetched); the rest, {max(0.0, total - in_sql):.3f} s, is Python")
        ranked = sorted(timed, key=lambda t: -t[0])
        for elapsed, statement, parameters, rows in ranked[:max(top * 2, 8)]:
            print(f"  {elapsed * 1000:9.1f} ms {rows:6d} rows  {_summary(statement)}")
        if label.startswith("city, by programme"):
            for elapsed, statement, parameters, _ in ranked[:top]:
                print(f"\n  plan of the {elapsed * 1000:.1f} ms statement:\n    " + " ".join(statement.split())[:1500])
                for line in explain(statement, parameters, postgres):
                    print("    | " + line)
    db.session.remove()


def tune(connection, postgres: bool) -> None:
    """The settings reconcile runs its statements with (figures.AGGREGATE_SETTINGS), for this transaction."""
    from registry.domain.reconciliation.figures import AGGREGATE_SETTINGS

    if postgres:
        for name, value in AGGREGATE_SETTINGS.items():
            connection.exec_driver_sql("SELECT set_config(%(name)s, %(value)s, true)", {"name": name, "value": value})


def _summary(statement: str) -> str:
    flat = " ".join(statement.split())
    where = flat.find(" FROM ")
    head = flat[:110]
    tail = flat[where:where + 200] if where > 0 else ""
    return f"{head} …{tail}" if tail and where > 110 else flat[:310]


def explain(statement: str, parameters, postgres: bool) -> list[str]:
    from registry.extensions import db

    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    with db.engine.connect() as connection:
        tune(connection, postgres)
        rows = connection.exec_driver_sql(prefix + statement, parameters).all()
        connection.rollback()
    if postgres:
        return [row[0] for row in rows]
    return [f"{row[1]:>3} {row[0]:>3}  {row[-1]}" for row in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enrollments", type=int, default=DEFAULT_ENROLLMENTS,
                        help=f"enrollments to generate (default {DEFAULT_ENROLLMENTS:,})")
    parser.add_argument("--quick", action="store_true", help=f"smoke run with {QUICK_ENROLLMENTS:,} enrollments")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each measurement, best counts (default 5)")
    parser.add_argument("--year", type=int, default=None, help="year reconciled (default: the registry's year)")
    parser.add_argument("--seed", type=int, default=20261124, help="random seed of the data (default fixed)")
    parser.add_argument("--profile", action="store_true",
                        help="also time each SQL statement of one reconcile call and show the slowest plans")
    parser.add_argument("--top", type=int, default=3, help="plans shown with --profile (default 3)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the filled database (print its URL for --reuse) instead of dropping it")
    parser.add_argument("--reuse", metavar="URL", default=None,
                        help="time a database filled and kept by an earlier --keep run (migrated to the head "
                             "when the code has newer migrations; not dropped)")
    args = parser.parse_args(argv)
    enrollments = QUICK_ENROLLMENTS if args.quick else args.enrollments
    if not 1_000 <= enrollments <= 20_000_000 or not 1 <= args.runs <= 50:
        parser.error("--enrollments must be 1,000..20,000,000 and --runs 1..50")

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    workdir = Path(tempfile.mkdtemp(prefix="reconcile-bench-"))
    database_url: str | None = None
    app = None
    try:
        from flask_migrate import upgrade

        from registry import freeze_startup_objects
        from registry.domain.common import today
        from registry.domain.reconciliation import figures
        from registry.domain.reconciliation.counting import Scope
        from registry.extensions import db

        if args.reuse:
            database_url = None  # never dropped
            app = make_app(args.reuse)
        elif args.keep:  # SQLite: beside, not inside, the temporary directory, which is removed
            database_url = create_database(Path(tempfile.gettempdir()), f"reconcile_bench_{uuid.uuid4().hex[:8]}")
            app = make_app(database_url)
        else:
            database_url = create_database(workdir, "reconcile_bench")
            app = make_app(database_url)
        on = today()
        year = args.year or on.year
        with app.app_context():
            engine_name = db.engine.dialect.name
            postgres = engine_name == "postgresql"
            upgrade()
            db.session.remove()
            if args.reuse:
                district_id = kept_database(year, postgres)
            else:
                district_id = fill(database_url, enrollments, year, on, args.seed, app, postgres, engine_name)
            if args.keep and database_url:
                print(f"kept database (--reuse it; drop or delete it when done): {database_url}")
                database_url = None
            sys.stdout.flush()
            freeze_startup_objects()  # as wsgi.py does once the app exists
            floor_seconds, floor_rows = best_of(lambda: floor_query(year), args.runs)
            reconcile_seconds, reconciliation = best_of(
                lambda: figures.reconcile(Scope(year), "programme", on, None), args.runs)
            district_seconds, by_district = best_of(
                lambda: figures.reconcile(Scope(year), "district", on, None), args.runs)
            scoped_seconds, scoped = best_of(
                lambda: figures.reconcile(Scope(year, district_id=district_id), "programme", on, None), args.runs)
            app.config["REGISTRY_READS_BESIDE"] = False  # for comparison: every statement on one connection
            in_turn_seconds, _ = best_of(lambda: figures.reconcile(Scope(year), "programme", on, None), args.runs)
            app.config["REGISTRY_READS_BESIDE"] = True

            print(f"floor (bare GROUP BY, {len(floor_rows)} programmes, "
                  f"{sum(r[1] for r in floor_rows):,} 人次): best of {args.runs} {floor_seconds:.3f} s")
            print(f"reconcile city by programme ({len(reconciliation.rows)} rows, {len(reconciliation.targets)} "
                  f"targets, total {reconciliation.total.figures.trainings:,} 人次 / "
                  f"{reconciliation.total.figures.persons:,} 人): best of {args.runs} {reconcile_seconds:.3f} s")
            print(f"reconcile city by district ({len(by_district.rows)} rows): best of {args.runs} "
                  f"{district_seconds:.3f} s (floor/this {floor_seconds / district_seconds:.3f})")
            print(f"reconcile district {district_id} by programme ({len(scoped.rows)} rows, {len(scoped.targets)} "
                  f"targets, {scoped.total.figures.trainings:,} 人次): best of {args.runs} {scoped_seconds:.3f} s "
                  f"(floor/this {floor_seconds / scoped_seconds:.3f})")
            print(f"reconcile city by programme, its statements in turn on one connection (no reads beside): "
                  f"best of {args.runs} {in_turn_seconds:.3f} s (floor/this {floor_seconds / in_turn_seconds:.3f}; "
                  f"least CPU time {CPU[4]:.3f} s)")
            print(f"check against the floor: {check_against_floor(floor_rows, reconciliation)}")
            ratio = floor_seconds / reconcile_seconds if reconcile_seconds else 0.0
            print(f"goal: ratio >= {RATIO_GOAL} ({'met' if ratio >= RATIO_GOAL else 'NOT met'})")
            print(f"means of the {args.runs} runs: floor {MEANS[0]:.3f} s, reconcile by programme {MEANS[1]:.3f} s "
                  f"(ratio of means {MEANS[0] / MEANS[1]:.3f}), by district {MEANS[2]:.3f} s, "
                  f"district-scoped {MEANS[3]:.3f} s")
            print(f"least CPU time ({'this process and its server processes' if postgres else 'this process'}): "
                  f"floor {CPU[0]:.3f} s, reconcile by programme {CPU[1]:.3f} s (CPU ratio {CPU[0] / CPU[1]:.3f}), "
                  f"by district {CPU[2]:.3f} s, district-scoped {CPU[3]:.3f} s")
            print(f"ratio {ratio:.3f}")
            sys.stdout.flush()
            if args.profile:
                profile(year, on, district_id, postgres, args.top)
            db.session.remove()
            db.engine.dispose()
        return 0
    except KeyboardInterrupt:
        print("interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if app is not None:
            try:
                with app.app_context():
                    from registry.extensions import db
                    db.session.remove()
                    db.engine.dispose()
            except Exception as error:  # keep cleaning up
                print(f"closing the app's connections failed: {error}", file=sys.stderr)
        remove(database_url, workdir)


if __name__ == "__main__":
    sys.exit(main())
