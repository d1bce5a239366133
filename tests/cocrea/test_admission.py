"""The bounded queue in front of Django: a crowd waits its turn, writes first, and what
cannot be served in time is refused at once with a 503 that gives the text back."""

import asyncio
import html
from urllib.parse import urlencode

import pytest

from cocrea.admission import AdmissionControl


class SlowApp:
    """An ASGI app whose requests finish when the test says so, recording the order."""

    def __init__(self):
        self.started: list[str] = []
        self.release = asyncio.Event()

    async def __call__(self, scope, receive, send):
        self.started.append(f"{scope['method']} {scope['path']}")
        if scope["path"] != "/healthz":
            await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


SECRET = "a" * 32  # a CSRF cookie's secret, and a form's token for it (unmasked: the same)
CSRF_COOKIE = [(b"cookie", f"csrftoken={SECRET}".encode())]
FORM = b"application/x-www-form-urlencoded"


async def call(app, method: str, path: str, body: bytes = b"", content_type: bytes = b"", headers=(), receive=None):
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(b"content-type", content_type), *headers],
    }
    sent = []

    async def whole_body():
        return {"type": "http.request", "body": body, "more_body": False}

    receive = receive or whole_body

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    return {
        "status": start["status"],
        "headers": {name.decode(): value.decode() for name, value in start["headers"]},
        "body": b"".join(message.get("body", b"") for message in sent[1:]).decode(),
    }


async def until(condition) -> None:
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition never held")


@pytest.fixture
def slow():
    return SlowApp()


async def test_requests_beyond_the_limit_wait_and_writes_go_first(slow):
    app = AdmissionControl(slow, concurrency=1, queue=5, wait_seconds=5)
    first = asyncio.create_task(call(app, "GET", "/es/"))
    await until(lambda: slow.started)
    reading = asyncio.create_task(call(app, "GET", "/es/planes/"))
    await asyncio.sleep(0.02)
    form = urlencode({"comment": "Hola", "csrfmiddlewaretoken": SECRET}).encode()
    writing = asyncio.create_task(call(app, "POST", "/es/aportes/enviar/", form, FORM, CSRF_COOKIE))
    await asyncio.sleep(0.02)
    assert slow.started == ["GET /es/"]  # the others wait

    slow.release.set()
    results = await asyncio.gather(first, reading, writing)

    assert [result["status"] for result in results] == [200, 200, 200]
    assert slow.started == ["GET /es/", "POST /es/aportes/enviar/", "GET /es/planes/"]
    assert app.active == 0


async def test_a_read_is_refused_at_once_when_the_queue_is_full(slow):
    app = AdmissionControl(slow, concurrency=1, queue=1, wait_seconds=5)
    running = asyncio.create_task(call(app, "GET", "/es/"))
    await until(lambda: slow.started)
    waiting = asyncio.create_task(call(app, "GET", "/es/planes/"))
    await asyncio.sleep(0.02)

    refused = await asyncio.wait_for(call(app, "GET", "/en/plans/"), timeout=1)

    assert refused["status"] == 503
    assert refused["headers"]["retry-after"] == "5"
    assert "The site is receiving too many requests right now" in refused["body"]
    slow.release.set()
    assert [(await running)["status"], (await waiting)["status"]] == [200, 200]
    assert app.refused == 1


async def test_a_post_that_waited_too_long_gets_its_text_back(slow):
    app = AdmissionControl(slow, concurrency=1, queue=5, wait_seconds=0.1)
    running = asyncio.create_task(call(app, "GET", "/es/"))
    await until(lambda: slow.started)
    text = "Que el presupuesto de Jaén se publique <cada mes> & en quechua."
    body = urlencode({"comment": text, "csrfmiddlewaretoken": "x"}).encode()

    refused = await call(app, "POST", "/es/aportes/enviar/", body, b"application/x-www-form-urlencoded")

    assert refused["status"] == 503
    assert "Su aporte no se guardó" in refused["body"]
    assert html.escape(text) in refused["body"]
    slow.release.set()
    await running
    assert app.active == 0 and not app._waiting


async def test_health_checks_and_the_api_are_answered_as_they_should(slow):
    app = AdmissionControl(slow, concurrency=1, queue=0, wait_seconds=5)
    running = asyncio.create_task(call(app, "GET", "/es/"))
    await until(lambda: slow.started)

    health = await asyncio.wait_for(call(app, "GET", "/healthz"), timeout=1)
    api = await call(app, "GET", "/api/search/")

    assert health["status"] == 200
    assert api["status"] == 503 and '"reason": "busy"' in api["body"]
    slow.release.set()
    await running


async def test_a_client_that_goes_away_while_waiting_holds_no_place(slow):
    app = AdmissionControl(slow, concurrency=1, queue=5, wait_seconds=5)
    running = asyncio.create_task(call(app, "GET", "/es/"))
    await until(lambda: slow.started)
    gone = asyncio.create_task(call(app, "GET", "/es/planes/"))
    await asyncio.sleep(0.02)
    gone.cancel()
    await asyncio.gather(gone, return_exceptions=True)

    slow.release.set()
    await running
    after = await asyncio.wait_for(call(app, "GET", "/es/otra/"), timeout=1)

    assert after["status"] == 200
    assert app.active == 0


async def test_a_post_without_a_valid_csrf_token_waits_with_the_reads(slow):
    app = AdmissionControl(slow, concurrency=1, queue=5, wait_seconds=5)
    first = asyncio.create_task(call(app, "GET", "/es/"))
    await until(lambda: slow.started)
    reading = asyncio.create_task(call(app, "GET", "/es/planes/"))
    await asyncio.sleep(0.02)
    forged = urlencode({"comment": "Spam", "csrfmiddlewaretoken": "b" * 32}).encode()
    writing = asyncio.create_task(call(app, "POST", "/es/aportes/enviar/", forged, FORM, CSRF_COOKIE))
    await asyncio.sleep(0.02)

    slow.release.set()
    await asyncio.gather(first, reading, writing)

    assert slow.started == ["GET /es/", "GET /es/planes/", "POST /es/aportes/enviar/"]


def trickle(seconds_between: float):
    """A client that sends its body one byte at a time."""

    async def receive():
        await asyncio.sleep(seconds_between)
        return {"type": "http.request", "body": b"x", "more_body": True}

    return receive


async def test_slow_bodies_hold_no_place_and_readers_are_served(slow):
    slow.release.set()
    app = AdmissionControl(slow, concurrency=2, queue=0, wait_seconds=5, body_seconds=0.5)
    slowloris = [
        asyncio.create_task(call(app, "POST", "/es/aportes/enviar/", content_type=FORM, receive=trickle(0.2)))
        for _ in range(8)
    ]
    await asyncio.sleep(0.05)

    readers = await asyncio.wait_for(asyncio.gather(*[call(app, "GET", f"/es/{n}/") for n in range(4)]), timeout=1)

    assert [reader["status"] for reader in readers] == [200] * 4
    assert [result["status"] for result in await asyncio.gather(*slowloris)] == [408] * 8
    assert app.active == 0


async def test_a_body_larger_than_allowed_is_refused(slow):
    slow.release.set()
    app = AdmissionControl(slow, concurrency=2, queue=5, wait_seconds=5, max_body=10)

    refused = await call(app, "POST", "/es/aportes/enviar/", b"x" * 11, FORM)

    assert refused["status"] == 413 and slow.started == []
