"""Each discussion's readers in this process, reached in one pass per broadcast.

Channels gives every consumer a channel of its own and, for a group message, queues a
copy for each one, wakes each consumer's task, decodes the message once per consumer
and dispatches it: with 500 readers on a worker, that machinery cost as much as
writing the frames (a py-spy profile of ``bench/live_fanout.py``; bench/README.md).
Here the process listens to a discussion's group once, on one channel of its own, and
writes each event's text — serialised once per kind of reader — to its readers'
connections in one pass.

The pass awaits each reader's ``send`` in turn: the ASGI servers the site runs on
(uvicorn's websockets-sansio and wsproto implementations, daphne) write to the socket's
buffer and return at once, whatever the client reads, so a slow reader holds nobody.

A reader who misses an event (the layer lost it, the listener was restarting) gets it
from the database with its next heartbeat, as before.
"""

import asyncio
import logging
import weakref
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

#: A channel-layer call that takes longer than this is given up.
LAYER_TIMEOUT = 2.0
#: After the listener failed to read from the layer, it tries again this much later.
RETRY_SECONDS = 1.0


@dataclass
class _Group:
    channel: str
    readers: set = field(default_factory=set)
    listener: asyncio.Task | None = None


class Audience:
    """The readers of each discussion group in this process (one event loop), and the
    listener that hears the group for all of them.

    A reader is any object with an async ``deliver(message)`` that sends the broadcast
    ``message`` (a dict, as given to ``group_send``) to its connection."""

    def __init__(self, layer):
        self.layer = layer
        self._groups: dict[str, _Group] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def _lock(self, group: str) -> asyncio.Lock:
        return self._locks.setdefault(group, asyncio.Lock())

    async def join(self, group: str, reader) -> None:
        """Add ``reader`` to ``group``; the first reader makes the process join it in the
        channel layer (which raises if the layer is unreachable or stuck)."""
        async with self._lock(group):
            joined = self._groups.get(group)
            if joined is None:
                channel = await asyncio.wait_for(self.layer.new_channel(), LAYER_TIMEOUT)
                await asyncio.wait_for(self.layer.group_add(group, channel), LAYER_TIMEOUT)
                joined = self._groups[group] = _Group(channel)
                joined.listener = asyncio.create_task(self._listen(group, joined))
            joined.readers.add(reader)

    async def renew(self, group: str) -> None:
        """Join the group again in the channel layer (a reader's heartbeat does): the
        layer may have forgotten it (Redis restarted) or be about to (channels-redis drops
        group members after a day)."""
        joined = self._groups.get(group)
        if joined is not None:
            await asyncio.wait_for(self.layer.group_add(group, joined.channel), LAYER_TIMEOUT)

    async def leave(self, group: str, reader) -> None:
        """Remove ``reader``; the last one to leave makes the process leave the group."""
        async with self._lock(group):
            joined = self._groups.get(group)
            if joined is None:
                return
            joined.readers.discard(reader)
            if joined.readers:
                return
            del self._groups[group]
            joined.listener.cancel()
            try:
                await asyncio.wait_for(self.layer.group_discard(group, joined.channel), LAYER_TIMEOUT)
            except Exception as error:  # membership expires in the layer by itself
                logger.warning("Could not leave %s cleanly (%r); the layer forgets it later", group, error)

    def readers(self, group: str) -> int:
        joined = self._groups.get(group)
        return len(joined.readers) if joined else 0

    async def _listen(self, group: str, joined: _Group) -> None:
        while True:
            try:
                message = await self.layer.receive(joined.channel)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the layer's backend failed: its readers catch up on heartbeat
                logger.warning("Live updates for %s interrupted: the channel layer failed (%r)", group, error)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            for reader in list(joined.readers):
                try:
                    await reader.deliver(message)
                except Exception as error:  # a connection that just closed: its consumer leaves
                    logger.warning("Could not deliver to a reader of %s (%r)", group, error)


_audiences: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def audience(layer) -> Audience:
    """This event loop's audience on ``layer`` (a listener's task belongs to one loop)."""
    loop = asyncio.get_running_loop()
    found = _audiences.get(loop)
    if found is None or found.layer is not layer:
        found = _audiences[loop] = Audience(layer)
    return found
