"""Verification events written in batches (domain/certificates/event_log.py), with a fake writer."""
from __future__ import annotations

import time

from registry.domain.certificates import event_log
from registry.domain.certificates.event_log import EventLog


class Writer:
    """Records every batch; fails the next ``fail`` calls."""

    def __init__(self, fail: int = 0) -> None:
        self.batches: list[list[dict]] = []
        self.fail = fail

    def __call__(self, engine, rows):
        if self.fail:
            self.fail -= 1
            raise RuntimeError("database unavailable")
        self.batches.append(list(rows))

    @property
    def rows(self) -> list[dict]:
        return [row for batch in self.batches for row in batch]


def row(n: int) -> dict:
    return {"certificate_id": n, "channel": "api", "outcome": "valid", "origin": "内网"}


def wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_events_wait_for_the_batch_and_are_written_once_in_order():
    writer = Writer()
    log = EventLog(None, flush_seconds=3600, max_rows=100, writer=writer)
    try:
        for n in range(5):
            log.add(row(n))
        assert log.pending == 5 and writer.batches == []
        assert log.flush() == 5
        assert writer.batches == [[row(n) for n in range(5)]] and log.pending == 0
        assert log.flush() == 0 and len(writer.batches) == 1
    finally:
        log.close()


def test_a_full_batch_is_written_by_the_request_that_fills_it():
    writer = Writer()
    log = EventLog(None, flush_seconds=3600, max_rows=3, writer=writer)
    try:
        for n in range(7):
            log.add(row(n))
        assert [len(batch) for batch in writer.batches] == [3, 3] and log.pending == 1
    finally:
        log.close()
    assert writer.rows == [row(n) for n in range(7)]


def test_the_thread_writes_within_the_interval():
    writer = Writer()
    log = EventLog(None, flush_seconds=0.05, max_rows=1000, writer=writer)
    try:
        log.add(row(1))
        assert wait_for(lambda: writer.rows == [row(1)])
        log.add(row(2))
        assert wait_for(lambda: writer.rows == [row(1), row(2)])
    finally:
        log.close()


def test_a_failed_write_keeps_the_rows_for_the_next_attempt_up_to_a_bound():
    writer = Writer(fail=2)
    log = EventLog(None, flush_seconds=3600, max_rows=1000, max_pending=4, writer=writer)
    try:
        for n in range(3):
            log.add(row(n))
        assert log.flush() == 0 and log.pending == 3
        log.add(row(3))
        log.add(row(4))
        assert log.flush() == 0 and log.pending == 4  # the oldest row was dropped
        assert log.flush() == 4
        assert writer.rows == [row(n) for n in (1, 2, 3, 4)]
    finally:
        log.close()


def test_close_and_interpreter_exit_write_what_is_left():
    first, second = Writer(), Writer()
    closing = EventLog(None, flush_seconds=3600, writer=first)
    exiting = EventLog(None, flush_seconds=3600, writer=second)
    closing.add(row(1))
    closing.close()
    assert first.rows == [row(1)] and not closing._thread.is_alive()
    exiting.add(row(2))
    event_log._flush_at_exit()  # what atexit runs (gunicorn workers leave through sys.exit)
    assert second.rows == [row(2)] and exiting.pending == 0
