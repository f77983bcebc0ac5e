"""Benchmark of public certificate verification (``/C/<number>/<fields>``) served by gunicorn,
against a bare Flask route served the same way.

* verify: the real app (``registry.create_app``) under gunicorn, requested at a few hundred real
  certificate verification URLs in rotation, with ``Accept: application/json`` (the rate that
  counts) and again as the HTML page. Each request checks the Ed25519 signature, loads the
  certificate, logs a VerificationEvent and commits, as a scanned QR code does.
* floor: a bare Flask app with one route returning a small JSON document, same gunicorn command
  (same worker count and worker class), same load generator and connection count.

Both servers run side by side (idle when not loaded). Each kind (floor, verify JSON, verify HTML)
gets one warm-up (``--warmup``, default 2 s), then ``--rounds`` (default 2) rounds alternate the
kinds, each a measured run of ``--seconds`` (default 10) of wrk (Debian's ``wrk``; a Lua script
cycles through the paths); the best run of each kind counts, as the machine may be shared. When wrk
is not installed, a Python load generator with the same number of keep-alive ``http.client``
connections in threads is used. Only 127.0.0.1 is requested, for a bounded time. Rates count
successful answers only (error answers are reported apart). ``ratio`` is verify (JSON) requests/s
divided by floor requests/s (goal >= 0.5).

It prepares its own throwaway database: a SQLite file in a temporary directory, or, when
REGISTRY_DATABASE_URL points at PostgreSQL, a new database ``registry_verify_bench_<random>``
created through that URL (used only as the admin connection) and dropped at the end. Migrations
run with flask_migrate.upgrade, the demo data set is loaded (``registry.demo.seed_demo``) with a
throwaway key directory, and the verification paths come from ``qr.certificate_code`` +
``payload.split_code``. The app's wsgi module gets the same settings through REGISTRY_* variables
(REGISTRY_ENV=development). gunicorn processes, the database and temporary files are removed
at the end, also on error or Ctrl-C.

Run from the project root (needs gunicorn in the venv; ``apt-get install -y wrk`` for wrk):

    .venv/bin/python benchmarks/verify_bench.py                      # SQLite, 10 s per run
    .venv/bin/python benchmarks/verify_bench.py --seconds 5 --workers 2 --connections 8
    REGISTRY_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/verify_bench.py                  # PostgreSQL

Not part of the test suite (pytest's testpaths is tests/).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from throwaway import create_database, remove  # noqa: E402

RATIO_GOAL = 0.5
HOST = "127.0.0.1"
SECRET = "verify-bench-secret-" + "x" * 40
MAX_PATHS = 300

APP_WSGI = '''\
"""gunicorn entry point of the registry for verify_bench (settings from REGISTRY_* variables)."""
from registry import create_app

app = create_app()
'''

FLOOR_WSGI = '''\
"""The floor of verify_bench: a bare Flask app with one route returning a small JSON."""
from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/C/<number>/<fields>")
def scanned(number, fields):
    return jsonify({"outcome": "valid", "number": number})
'''

WRK_SCRIPT = '''\
local paths = {}
for line in io.lines(%s) do
  if #line > 0 then paths[#paths + 1] = line end
end
local headers = {["Accept"] = %s}
local i = math.random(#paths)
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], headers)
end
'''


# --- the throwaway database ---------------------------------------------------------------------

def server_environment(database_url: str, keys_dir: Path) -> dict[str, str]:
    """What the app's gunicorn workers read: the same database, secret and keys as the seeding."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    env.update({
        "REGISTRY_DATABASE_URL": database_url,
        "REGISTRY_SECRET_KEY": SECRET,
        "REGISTRY_KEYS_DIR": str(keys_dir),
        "REGISTRY_ENV": "development",
    })
    return env


def seed(database_url: str, keys_dir: Path) -> tuple[list[str], dict]:
    """Migrate, load the demo data set and return verification paths and the demo summary."""
    from flask_migrate import upgrade
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from registry import create_app
    from registry.demo import seed_demo
    from registry.domain.certificates import payload, qr
    from registry.domain.certificates.models import Certificate
    from registry.extensions import db

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "REGISTRY_KEYS_DIR": str(keys_dir),
        "REGISTRY_ENV": "development",
    })
    with app.app_context():
        upgrade()
        summary = seed_demo("test")
        db.session.commit()
        certificates = db.session.scalars(
            select(Certificate).options(selectinload(Certificate.trainee)).order_by(Certificate.number)
        ).all()
        base = app.config["REGISTRY_PUBLIC_BASE_URL"]
        paths = []
        for certificate in certificates[:MAX_PATHS]:
            number, fields = payload.split_code(qr.certificate_code(certificate, base))
            paths.append(f"{payload.PATH_PREFIX}{number}/{fields}")
        db.session.remove()
        db.engine.dispose()
    return paths, summary


def count_events(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM verification_events")).scalar_one()
    finally:
        engine.dispose()


# --- gunicorn -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn master (and its workers) in its own process group."""

    def __init__(self, name: str, module: str, workdir: Path, env: dict[str, str], workers: int,
                 worker_class: str) -> None:
        self.name = name
        self.port = free_port()
        self.log_path = workdir / f"{name}.gunicorn.log"
        self.log = open(self.log_path, "wb")
        command = [
            sys.executable, "-m", "gunicorn", f"{module}:app", "--bind", f"{HOST}:{self.port}",
            "--workers", str(workers), "--worker-class", worker_class, "--chdir", str(workdir),
            "--pythonpath", f"{workdir},{ROOT}", "--log-level", "warning", "--timeout", "60",
        ]
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn ({self.name}) did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        if not self.log.closed:
            self.log.flush()
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def error_summary(self) -> dict[str, int]:
        """Exceptions the workers logged (first line of each), with how often."""
        if not self.log.closed:
            self.log.flush()
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return {}
        found: dict[str, int] = {}
        for record in re.split(r"^.*Exception on \S+ \[\w+\]$", text, flags=re.MULTILINE)[1:]:
            lines = re.findall(r"^(?:\w+\.)*\w+(?:Error|Exception): .*$", record, flags=re.MULTILINE)
            if lines:  # the outermost exception is the last one of its traceback
                found[lines[-1][:160]] = found.get(lines[-1][:160], 0) + 1
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=5)
        self.log.close()


# --- load generators ----------------------------------------------------------------------------

class Result:
    """``requests`` answered with 2xx/3xx in ``seconds``; ``failed`` other answers; ``errors`` socket errors."""

    def __init__(self, requests: int, seconds: float, failed: int, errors: int, latency_ms: float | None) -> None:
        self.requests, self.seconds, self.failed, self.errors = requests, seconds, failed, errors
        self.latency_ms = latency_ms

    @property
    def rate(self) -> float:
        """Successful requests per second (error answers do not count)."""
        return self.requests / self.seconds if self.seconds else 0.0


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def run_wrk(url: str, paths_file: Path, accept: str, seconds: float, connections: int, workdir: Path) -> Result:
    script = workdir / f"rotate_{abs(hash(accept))}.lua"
    script.write_text(WRK_SCRIPT % (json.dumps(str(paths_file)), json.dumps(accept)))
    duration = max(1, round(seconds))
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s",
               "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    if done is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    socket_errors = re.search(r"Socket errors:([^\n]*)", output)
    errors = sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1))) if socket_errors else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failed = int(non_2xx.group(1)) if non_2xx else 0
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s|m)", output)
    return Result(int(done.group(1)) - failed, float(done.group(2)) * _UNITS[done.group(3)] / 1000.0, failed,
                  errors, float(latency.group(1)) * _UNITS[latency.group(2)] if latency else None)


def run_python_load(url: str, paths: list[str], accept: str, seconds: float, connections: int) -> Result:
    """Fallback: ``connections`` threads, each with one keep-alive connection (reopened when closed)."""
    port = int(url.rsplit(":", 1)[1])
    deadline = time.monotonic() + seconds
    counts = [[0, 0, 0, 0.0] for _ in range(connections)]  # successes, failed answers, socket errors, latency

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        stats, position = counts[index], index * 37
        try:
            while time.monotonic() < deadline:
                path = paths[position % len(paths)]
                position += 1
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers={"Accept": accept})
                    response = connection.getresponse()
                    response.read()
                    if response.will_close:
                        connection.close()
                except (OSError, http.client.HTTPException):
                    stats[2] += 1
                    connection.close()
                    continue
                stats[3] += time.perf_counter() - started
                stats[0 if 200 <= response.status < 400 else 1] += 1
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.perf_counter() - started
    done, failed, errors = (sum(c[i] for c in counts) for i in range(3))
    latency = sum(c[3] for c in counts) / (done + failed) * 1000 if done + failed else None
    return Result(done, elapsed, failed, errors, latency)


def run_load(url: str, paths: list[str], paths_file: Path, accept: str, seconds: float, connections: int,
             workdir: Path) -> Result:
    if shutil.which("wrk"):
        return run_wrk(url, paths_file, accept, seconds, connections, workdir)
    return run_python_load(url, paths, accept, seconds, connections)


# --- main ---------------------------------------------------------------------------------------

def check_answers(server: Server, paths: list[str]) -> dict[str, int]:
    """Every collected path must verify as a genuine certificate (not altered or unknown)."""
    outcomes: dict[str, int] = {}
    for path in paths:
        request = urllib.request.Request(server.url + path, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            data = json.load(response)
        outcomes[data["outcome"]] = outcomes.get(data["outcome"], 0) + 1
        if data["outcome"] in ("altered", "unknown") or "certificate" not in data:
            raise RuntimeError(f"{path} verified as {data['outcome']}: the benchmark would measure the wrong path")
    return outcomes


def describe(label: str, result: Result) -> str:
    latency = f", mean latency {result.latency_ms:.1f} ms" if result.latency_ms is not None else ""
    failed = f", {result.failed:,} error answers not counted" if result.failed else ""
    errors = f", {result.errors:,} socket errors" if result.errors else ""
    return (f"{label}: {result.rate:,.1f} requests/s ({result.requests:,} ok in {result.seconds:.1f} s"
            f"{latency}{failed}{errors})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured load per run (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up load per server and kind (default 2)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds of floor / verify JSON / verify HTML, best of each counts (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for both servers (default 2)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (default sync)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML page runs")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 300 or not 0 <= args.warmup <= 60 or not 1 <= args.rounds <= 10:
        parser.error("--seconds must be in (0, 300], --warmup in [0, 60] and --rounds in 1..10")
    if not 1 <= args.connections <= 256 or not 1 <= args.workers <= 32:
        parser.error("--connections must be 1..256 and --workers 1..32")

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)

    workdir = Path(tempfile.mkdtemp(prefix="verify-bench-"))
    database_url: str | None = None
    servers: list[Server] = []
    try:
        keys_dir = workdir / "keys"
        database_url = create_database(workdir, "verify_bench")
        engine = database_url.split(":", 1)[0].split("+", 1)[0]
        started = time.perf_counter()
        paths, summary = seed(database_url, keys_dir)
        if not paths:
            raise RuntimeError("the demo data set issued no certificates")
        paths_file = workdir / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        (workdir / "bench_app.py").write_text(APP_WSGI)
        (workdir / "bench_floor.py").write_text(FLOOR_WSGI)
        generator = "wrk" if shutil.which("wrk") else "python http.client threads (wrk not found)"
        print(f"engine: {engine}; demo data: {summary.get('证书', len(paths))} certificates, "
              f"{len(paths)} verification URLs in rotation (seeded in {time.perf_counter() - started:.1f} s)")
        print(f"gunicorn -w {args.workers} -k {args.worker_class}; load: {generator}, {args.connections} "
              f"connections, {args.warmup:g} s warm-up, {args.rounds} x {args.seconds:g} s per kind, best counts")

        env = server_environment(database_url, keys_dir)
        floor = Server("floor", "bench_floor", workdir, env, args.workers, args.worker_class)
        servers.append(floor)
        app = Server("verify", "bench_app", workdir, env, args.workers, args.worker_class)
        servers.append(app)
        floor.wait_ready(paths[0])
        app.wait_ready("/verify/keys.json")
        outcomes = check_answers(app, paths)
        print("outcomes of the URLs: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
        events_before = count_events(database_url)

        kinds = [("floor (bare Flask JSON)", floor, "application/json"), ("verify JSON", app, "application/json")]
        if not args.no_html:
            kinds.append(("verify HTML", app, "text/html"))
        best: dict[str, Result] = {}
        for round_number in range(1, args.rounds + 1):
            line = []
            for label, server, accept in kinds:
                if round_number == 1 and args.warmup > 0:
                    run_load(server.url, paths, paths_file, accept, args.warmup, args.connections, workdir)
                result = run_load(server.url, paths, paths_file, accept, args.seconds, args.connections, workdir)
                line.append(f"{label.split(' (')[0]} {result.rate:,.1f}/s")
                if label not in best or result.rate > best[label].rate:
                    best[label] = result
            print(f"round {round_number}: " + ", ".join(line))
        logged = count_events(database_url) - events_before
        for server in servers:
            server.stop()

        floor_result, json_result = best[kinds[0][0]], best[kinds[1][0]]
        print(describe("floor (bare Flask JSON)", floor_result))
        print(describe("verify JSON", json_result))
        if "verify HTML" in best:
            html = best["verify HTML"]
            print(describe("verify HTML", html) + f" [{html.rate / floor_result.rate:.3f} of floor]")
        print(f"verification events logged during the runs: {logged:,}")
        for line, count in sorted(app.error_summary().items(), key=lambda item: -item[1]):
            print(f"  failed requests logged by the app, {count:,}x: {line}")
        ratio = json_result.rate / floor_result.rate if floor_result.rate else 0.0
        print(f"goal: ratio >= {RATIO_GOAL} ({'met' if ratio >= RATIO_GOAL else 'NOT met'})")
        print(f"ratio {ratio:.3f}")
        return 0
    except KeyboardInterrupt:
        print("interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for server in servers:
            try:
                server.stop()
            except Exception as error:  # keep cleaning up
                print(f"stopping gunicorn ({server.name}) failed: {error}", file=sys.stderr)
        remove(database_url, workdir)


if __name__ == "__main__":
    sys.exit(main())
