"""A real browser against the real ASGI application.

The server is uvicorn running ``cocrea.asgi:application`` in a thread of the test
process, so it reads and writes pytest-django's test database. Tests that use it must
commit what they create: ``pytest.mark.django_db(transaction=True, serialized_rollback=True)``.

Chromium is Debian's (``/usr/bin/chromium``), driven by Playwright's async API: its sync
API keeps an event loop running in the test thread, where Django's async-unsafe guard
would then refuse every query (and setting DJANGO_ALLOW_ASYNC_UNSAFE would silence the
guard in the server too, the code under test). So the tests are ``async`` and reach
the ORM through ``database_sync_to_async``.

Without Chromium or Playwright the tests are skipped — unless ``CI=true`` or
``COCREA_REQUIRE_SERVICES=1``, where they fail, as the service-marked tests do.
"""

import asyncio
import gc
import logging
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections
from django.test import Client

from tests.conftest import _services_required, restore_initial_data
from tests.discussions.conftest import consultation, other, participant  # noqa: F401 (fixtures)
from tests.site import seed_demo

CHROMIUM = Path("/usr/bin/chromium")
SERVER_START_TIMEOUT = 10.0


def browser_unavailable(reason: str):
    """Skip (a test, or a whole module while it is collected) — or fail where browsers are required."""
    if _services_required():
        pytest.fail(f"browser tests are required here (CI) but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") and not CHROMIUM.exists():
        browser_unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")


class AsgiServer:
    """uvicorn serving the site on 127.0.0.1; it can be stopped and started again on the same port."""

    def __init__(self, app):
        self.app = app
        self.port = 0
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        import uvicorn

        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        self.port = listener.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            ws="auto",  # as `uvicorn cocrea.asgi:application` runs in production
            lifespan="off",
            log_config=None,  # keep the test run's logging as Django configured it
            log_level="warning",
            access_log=False,
            # Longer than channels-redis' 5 s blocking read, which a closing WebSocket's
            # consumer may be waiting in; at 5 s uvicorn sometimes cancelled it and logged
            # an error. (uvicorn's own default is to wait without limit.)
            timeout_graceful_shutdown=15,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [listener]}, name="asgi-test-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the ASGI test server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Shut down as a deploy does: open WebSockets are closed with 1012 (service restart)."""
        started = time.time()
        self._server.should_exit = True
        self._thread.join(timeout=20)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout=5)
        assert not self._thread.is_alive(), "the ASGI test server did not stop"
        DELIBERATE_STOPS.append((started, time.time()))

    @asynccontextmanager
    async def stopped(self) -> AsyncIterator[None]:
        """Down for the duration of the block, then back on the same address."""
        await asyncio.to_thread(self.stop)
        try:
            yield
        finally:
            await asyncio.to_thread(self.start)


#: (start, end) of each time a test stopped the server on purpose (a simulated restart).
DELIBERATE_STOPS: list[tuple[float, float]] = []
#: What uvicorn logs when a shutdown's grace period ends with a connection still open.
SHUTDOWN_CANCELLED = "timeout graceful shutdown exceeded"


def _expected_during_a_stop(record: logging.LogRecord) -> bool:
    """uvicorn cancelling a connection while a test restarts the server is that restart,
    not a crash; the test then checks that readers reconnect and catch up."""
    return SHUTDOWN_CANCELLED in record.getMessage() and any(
        start <= record.created <= end for start, end in DELIBERATE_STOPS
    )


@pytest.fixture(autouse=True)
def _fail_on_server_errors(caplog):
    """A crash in the server (a consumer torn down, say) fails the test even if the page recovered."""
    yield
    errors = [
        record
        for record in caplog.get_records("call")
        if record.levelno >= logging.ERROR and not _expected_during_a_stop(record)
    ]
    assert not errors, f"the server logged an error: {errors[0].getMessage()}"


@pytest.fixture(scope="module")
def asgi_server() -> Iterator[AsgiServer]:
    from cocrea.asgi import application

    # Django runs each ASGI request in a thread that ends with it; a persistent connection
    # (CONN_MAX_AGE > 0) would outlive it, open, and PostgreSQL would then refuse to drop
    # the test database. Django's advice for ASGI anyway: no persistent connections.
    database = connections["default"].settings_dict
    conn_max_age = database["CONN_MAX_AGE"]
    database["CONN_MAX_AGE"] = 0
    server = AsgiServer(application)
    server.start()
    yield server
    server.stop()
    database["CONN_MAX_AGE"] = conn_max_age
    # Django renders error pages (the 404 for Chromium's /favicon.ico) on the event loop's
    # executor, whose threads never close their connection (Django ticket #36027). Those
    # threads are gone now: collect their connections, or PostgreSQL would refuse to drop
    # the test database.
    gc.collect()


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demonstration site, seeded once for a whole module of browser tests that only
    read it (accessibility, page weight, the security policy): seeding for each test
    costs seconds a test. Those tests carry no ``django_db`` mark, so nothing is rolled
    back between them — they must not write. Afterwards the database is as migrations
    left it, for the tests that follow."""
    with django_db_blocker.unblock():
        restore_initial_data()
        seed_demo()
        yield
        restore_initial_data()


@pytest.fixture
def live_url(asgi_server) -> str:
    return asgi_server.url


@pytest_asyncio.fixture
async def browser():
    from playwright.async_api import async_playwright  # test modules check that it is installed

    async with async_playwright() as playwright:
        sandbox = ["--no-sandbox"] if os.geteuid() == 0 else []  # Chromium's sandbox refuses root (CI)
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=sandbox)
        yield browser
        await browser.close()


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest_asyncio.fixture
async def open_page(browser, live_url) -> AsyncIterator[Callable]:
    """``await open_page(path, as_participant=None)``: a page in its own browser context (own cookies).

    Every page it opens is watched for Content-Security-Policy violations (Chromium reports
    them on the console): any one fails the test, whatever else it checks.
    """
    contexts = []
    violations: list[str] = []

    def _watch(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{message.location.get('url', '')}: {message.text}")

    async def _open(path: str, as_participant=None):
        context = await browser.new_context(base_url=live_url, locale="es-PE")
        context.set_default_timeout(5000)
        context.on("console", _watch)
        contexts.append(context)
        if as_participant is not None:
            session = await database_sync_to_async(_session_cookie)(as_participant.user)
            await context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_url}])
        page = await context.new_page()
        await page.goto(path)
        return page

    yield _open
    for context in contexts:
        await context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
