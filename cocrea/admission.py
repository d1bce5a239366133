"""A bounded queue in front of Django's HTTP handling, writes first.

Each request Django handles under ASGI runs in a thread of its own with a database
connection of its own. Left unbounded, a crowd makes every request slow at once: a
hundred threads share two cores, each page takes seconds, and the database runs out of
connections. Here at most ``concurrency`` requests run at once in the process and the
rest wait their turn in a queue:

- a request's body is read *before* it takes a place (within ``body_seconds``, at most
  ``max_body`` bytes): a client that sends its body one byte at a time holds nothing but
  its own connection, and is answered 408 when its time is up (413 when too large);
- a write whose form passes the CSRF check (a contribution, a reaction: someone who
  loaded one of our pages) goes before every waiting read, and waits up to
  ``wait_seconds``; a write without it waits with the reads — Django will refuse it anyway;
- a read waits up to ``wait_seconds`` too, unless ``queue`` reads are waiting already:
  then it is refused at once, since it could not be served in time anyway.

A refused request gets a 503 with Retry-After and a page that says the site is busy,
giving back the text of a contribution that was being posted. Health checks, static
files and WebSocket connections never wait.
"""

import asyncio
import heapq
import itertools
import logging
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from django.conf import settings
from django.middleware.csrf import (
    CSRF_TOKEN_LENGTH,
    InvalidTokenFormat,
    _check_token_format,
    _does_token_match,
    _unmask_cipher_token,
)

from .unavailable import language_of, response_parts

logger = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXEMPT_PREFIXES = ("/healthz", "/readyz", "/static/")


class BodyRefused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


class AdmissionControl:
    def __init__(
        self,
        app,
        *,
        concurrency: int,
        queue: int,
        wait_seconds: float,
        body_seconds: float = 10,
        max_body: int = 32 * 1024 * 1024,
    ):
        self.app = app
        self.concurrency, self.queue, self.wait_seconds = concurrency, queue, wait_seconds
        self.body_seconds, self.max_body = body_seconds, max_body
        self.active = 0
        self._waiting: list[tuple[int, int, asyncio.Future]] = []
        self._reads_waiting = 0
        self._order = itertools.count()
        self.refused = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.concurrency <= 0 or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        write = scope["method"] not in READ_METHODS
        body = b""
        if write:
            try:
                body = await self._read_body(receive)
            except BodyRefused as refusal:
                await _plain(send, refusal.status, refusal.reason)
                return
            receive = _replay(body, receive)
        first = write and _passes_csrf(scope, body)
        if not await self._admit(first):
            self.refused += 1
            await self._refuse(scope, send, body if write else b"")
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._release()

    async def _read_body(self, receive) -> bytes:
        """The whole body, read before the request takes a place in the queue."""
        chunks, size = [], 0
        try:
            async with asyncio.timeout(self.body_seconds):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        raise BodyRefused(400, "The client went away.")
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_body:
                        raise BodyRefused(413, "The request body is too large.")
                    chunks.append(chunk)
                    if not message.get("more_body"):
                        return b"".join(chunks)
        except TimeoutError:
            logger.warning("Refused a request whose body took more than %s s to arrive", self.body_seconds)
            raise BodyRefused(408, "The request body took too long to arrive.") from None

    async def _admit(self, first: bool) -> bool:
        self._forget_gone()
        if self.active < self.concurrency and not self._waiting:
            self.active += 1
            return True
        if not first and self._reads_waiting >= self.queue:
            return False
        turn = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (0 if first else 1, next(self._order), turn))
        if not first:
            self._reads_waiting += 1
        try:
            async with asyncio.timeout(self.wait_seconds):
                await turn
            return True
        except TimeoutError:
            # The turn may have come just as the wait ended: then it is taken.
            if turn.done() and not turn.cancelled():
                return True
            turn.cancel()
            return False
        except BaseException:
            if turn.done() and not turn.cancelled():
                self._release()  # a turn handed over to a request that is gone
            turn.cancel()
            raise
        finally:
            if not first:
                self._reads_waiting -= 1

    def _forget_gone(self) -> None:
        """Drop the turns of requests that stopped waiting, so they hold no place."""
        if any(turn.done() for _, _, turn in self._waiting):
            self._waiting = [entry for entry in self._waiting if not entry[2].done()]
            heapq.heapify(self._waiting)

    def _release(self) -> None:
        """Hand the slot to the first waiting request (writes first), or free it."""
        while self._waiting:
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(True)
                return
        self.active -= 1

    async def _refuse(self, scope, send, body: bytes) -> None:
        path = scope["path"]
        body, content_type, headers = response_parts(
            reason="busy", language=language_of(path), text=_posted_text(scope, body), api=path.startswith("/api/")
        )
        logger.warning(
            "Busy: refused %s %s (%d running, %d waiting)", scope["method"], path, self.active, len(self._waiting)
        )
        raw_headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
        raw_headers += [(name.lower().encode(), value.encode()) for name, value in headers.items()]
        await send({"type": "http.response.start", "status": 503, "headers": raw_headers})
        await send({"type": "http.response.body", "body": body})


def _replay(body: bytes, receive):
    """A ``receive`` that hands the application the body already read, then waits for
    the client to go away as the original would."""
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _headers(scope) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in scope.get("headers", ())}


def _form(scope, body: bytes) -> dict[str, list[str]]:
    if not _headers(scope).get(b"content-type", b"").startswith(b"application/x-www-form-urlencoded"):
        return {}
    return parse_qs(body.decode("utf-8", errors="replace"))


def _passes_csrf(scope, body: bytes) -> bool:
    """Whether the request carries a CSRF token matching its cookie, as Django will check
    (a form field or the ``X-CSRFToken`` header): someone who loaded one of our pages."""
    headers = _headers(scope)
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
    except Exception:  # a malformed cookie header: no token to trust
        return False
    secret = cookie.get(settings.CSRF_COOKIE_NAME)
    token = headers.get(settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-").lower().encode(), b"")
    token = token.decode("latin-1") or (_form(scope, body).get("csrfmiddlewaretoken") or [""])[0]
    if secret is None or not token:
        return False
    try:
        secret_value = secret.value
        _check_token_format(secret_value)
        _check_token_format(token)
    except InvalidTokenFormat:
        return False
    if len(secret_value) == CSRF_TOKEN_LENGTH:
        secret_value = _unmask_cipher_token(secret_value)
    return _does_token_match(token, secret_value)


def _posted_text(scope, body: bytes) -> str:
    """The ``comment`` field of a form post, to give back to the person who wrote it."""
    return (_form(scope, body).get("comment") or [""])[0]


async def _plain(send, status: int, reason: str) -> None:
    body = reason.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
