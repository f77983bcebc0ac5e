"""Fixtures for the real-browser tests: a live server on its own committed database, and chromium.

The rest of the suite rolls every test back inside one outer transaction; a server answering in
other threads needs committed data instead, so these fixtures build a separate app and database,
seed the demo data set once and serve it with werkzeug for the whole session.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import app_with_demo_data

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
#: Wide enough that the navbar is expanded (Bootstrap's navbar-expand-lg collapses below 992 px).
VIEWPORT = {"width": 1366, "height": 900}
#: A phone held by a family at the door, or by a worker.
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _rollback():
    """Replace tests/conftest.py's per-test rollback for e2e tests.

    That fixture swaps the global ``db.session`` for one bound to the main test app's connection while
    each test runs; the live server shares the same ``db`` object from its own threads, so the swap
    would reach into the server's requests. The e2e server's data is committed and shared on purpose.
    """
    yield


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """A separate app (CSRF on, as in production) on a fresh database holding the demo data set."""
    with app_with_demo_data(tmp_path_factory.mktemp("e2e"), "e2e", WTF_CSRF_ENABLED=True) as application:
        yield application


@pytest.fixture(scope="session")
def live_server(live_app):
    """The base URL (no trailing slash) of the live app, served in a daemon thread."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"e2e tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) per test, Chinese locale, failing fast on a missing element."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized touch context with no cookies (nobody signed in), Chinese locale."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()
