"""Real-browser tests: the site served on a local port, Debian's Chromium driven by Playwright.

Each test gets its own app on a fresh SQLite database, served by werkzeug in a background thread, with
CSRF protection on (the forms carry their tokens, as in production). One Chromium runs for the session;
every test opens fresh browser contexts (separate cookie jars) on a phone-sized screen. Playwright never
downloads a browser here: it drives /usr/bin/chromium (``make browser`` installs it).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from livesite import PASSWORD, TIMEOUT_MS, LiveSite

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveSite]:
    """The site, served on 127.0.0.1 at a free port, on a fresh database."""
    from werkzeug.serving import make_server

    from market import create_app
    from market.db import create_schema

    app = create_app({
        "DATABASE_URL": f"sqlite:///{tmp_path / 'browser.db'}", "SMS_BACKEND": "memory",
        "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False, "SEARCH_ENABLED": False,
        "MODEL_DIR": str(tmp_path / "models"), "REDIS_URL": None,
    })
    engine = app.extensions["market"].engine
    create_schema(engine)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-site", daemon=True)
    thread.start()
    site = LiveSite(app, f"http://127.0.0.1:{server.server_port}")
    try:
        yield site
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make browser` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_phone(browser, live: LiveSite):
    """Opens a new phone (a fresh browser context, its own cookies) and returns a page on it.

    Any server error (5xx) a page meets fails the test at teardown, with the address.
    """
    contexts = []

    def open_phone(*, bypass_csp: bool = False):
        # bypass_csp: for a test that injects its own tool (axe-core); the site's pages never need it.
        context = browser.new_context(**PHONE, bypass_csp=bypass_csp)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("response", lambda r: r.status >= 500 and live.server_errors.append(f"{r.status} {r.url}"))
        return page

    yield open_phone
    for context in contexts:
        context.close()
    assert not live.server_errors, f"the server answered with errors: {live.server_errors}"


@pytest.fixture
def login():
    """Signs a page in through the /login form."""

    def sign_in(page, live: LiveSite, phone_number: str, password: str = PASSWORD) -> None:
        page.goto(live("/login"))
        page.fill("input[name=phone]", phone_number)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("form.stack button.primary")
        assert "/login" not in page.url, page.inner_text("main")

    return sign_in


@pytest.fixture
def shots_dir(tmp_path: Path) -> Path:
    """Where screenshots go: $MARKET_SCREENSHOT_DIR if set (to look at them), else the test's tmp dir."""
    target = Path(os.environ.get("MARKET_SCREENSHOT_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target
