"""A bounded queue in front of Django's HTTP handling, writes first.

Each request Django handles under ASGI runs in a thread of its own with a database
connection of its own. Left unbounded, a crowd makes every request slow at once: a
hundred threads share two cores, each page takes seconds, and the database runs out of
connections. Here at most ``concurrency`` requests run at once in the process and the
rest wait their turn in a queue:

- a write (POST and the like: a contribution, a reaction) goes before every waiting
  read, and waits up to ``wait_seconds``;
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
from urllib.parse import parse_qs

from .unavailable import language_of, response_parts

logger = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXEMPT_PREFIXES = ("/healthz", "/readyz", "/static/")
#: A refused post's body is read to give its text back only up to this size.
MAX_BODY_READ = 1024 * 1024


class AdmissionControl:
    def __init__(self, app, *, concurrency: int, queue: int, wait_seconds: float):
        self.app = app
        self.concurrency, self.queue, self.wait_seconds = concurrency, queue, wait_seconds
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
        if not await self._admit(write):
            self.refused += 1
            await self._refuse(scope, receive, send, write)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._release()

    async def _admit(self, write: bool) -> bool:
        self._forget_gone()
        if self.active < self.concurrency and not self._waiting:
            self.active += 1
            return True
        if not write and self._reads_waiting >= self.queue:
            return False
        turn = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (0 if write else 1, next(self._order), turn))
        if not write:
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
            if not write:
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

    async def _refuse(self, scope, receive, send, write: bool) -> None:
        text = await _posted_text(scope, receive) if write else ""
        path = scope["path"]
        body, content_type, headers = response_parts(
            reason="busy", language=language_of(path), text=text, api=path.startswith("/api/")
        )
        logger.warning(
            "Busy: refused %s %s (%d running, %d waiting)", scope["method"], path, self.active, len(self._waiting)
        )
        raw_headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
        raw_headers += [(name.lower().encode(), value.encode()) for name, value in headers.items()]
        await send({"type": "http.response.start", "status": 503, "headers": raw_headers})
        await send({"type": "http.response.body", "body": body})


async def _posted_text(scope, receive) -> str:
    """The ``comment`` field of a form post, to give back to the person who wrote it."""
    content_type = dict(scope.get("headers", ())).get(b"content-type", b"")
    if not content_type.startswith(b"application/x-www-form-urlencoded"):
        return ""
    body = b""
    while len(body) <= MAX_BODY_READ:
        message = await receive()
        if message["type"] != "http.request":
            return ""
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    else:
        return ""
    fields = parse_qs(body.decode("utf-8", errors="replace"))
    return fields.get("comment", [""])[0]
