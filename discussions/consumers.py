"""The live layer of a discussion: ``/ws/discussions/<app>.<model>.<pk>/``.

Readers only listen. A client says ``{"type": "catch_up", "after": <last event id>}``
when it (re)connects and receives everything newer, each contribution as it is now;
``{"type": "ping", "after": <last event id>}`` every heartbeat keeps it counted among
the readers, answers with the count, and sends what the reader missed although it
stayed connected — events the channel layer lost (Redis restarted and forgot the
groups; a reader's queue was full). Frames are small and few: a client that sends a
large frame or too many is disconnected with a close code.

Who may listen is the host's ``is_visible_to`` (the session carries a password
restriction passed on the page), asked when the connection opens. ``?lang=en`` names the
language of the reader's page: contributions arrive rendered in it.
"""

import asyncio
import json
import logging
import time
from collections import OrderedDict
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from . import hosts, live, rules
from .audience import audience
from .models import discussion_key
from .presence import presence

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 1024
#: At most this many frames in RATE_WINDOW seconds.
RATE_FRAMES, RATE_WINDOW = 12, 10.0
#: Close codes (4000–4999 are the application's): the client does not retry 4404.
CLOSE_NOT_FOUND, CLOSE_BAD_FRAME, CLOSE_TOO_LARGE, CLOSE_TOO_MANY = 4404, 4400, 4413, 4429
CLOSE_FORBIDDEN = 4403
#: A window change (opening, closing) this close is announced to the connection when it comes.
ANNOUNCE_WITHIN_SECONDS = 24 * 3600
#: A channel layer call (Redis) that takes longer than this is given up: a consumer
#: waiting on it would hear nothing else, its heartbeat included.
LAYER_TIMEOUT = 2.0


class NewestEvents:
    """Each discussion's newest event id, as this process last looked, trusted for
    ``ttl`` seconds: the heartbeats of many readers cost one query per discussion."""

    def __init__(self, ttl: float = 5.0):
        self.ttl = ttl
        self._seen: dict[str, tuple[float, int]] = {}

    async def newest(self, key: str, content_type_id: int, object_pk: str) -> int:
        moment = time.monotonic()
        seen = self._seen.get(key)
        if seen and moment - seen[0] < self.ttl:
            return seen[1]
        newest = await database_sync_to_async(live.last_event_id)(content_type_id, object_pk)
        self._seen[key] = (moment, newest)
        return newest


def frame(message: dict, participant: bool, language: str = "") -> str:
    """The text a reader receives: the rendering meant for them (public, or a signed-in
    participant's with the controls) in the language of their page, not the others."""
    shown = dict(message)
    translated = shown.pop("languages", {}).get(language)
    if translated:
        shown.update(translated)
    html_participant = shown.pop("html_participant", None)
    if participant and html_participant is not None:
        shown["html"] = html_participant
    return json.dumps(shown)


def reader_language(scope) -> str:
    """The language of the reader's page (``?lang=en``), one of the site's; else the default."""
    wanted = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [""])[0]
    return wanted if wanted in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class Frames:
    """A broadcast event's text for each kind of reader, serialised once per process
    however many readers of that kind it serves. Only for broadcasts, which are rendered
    once when they happen; a catch-up renders the contributions as they are now."""

    def __init__(self, size: int = 512):
        self.size = size
        self._texts: OrderedDict[tuple, str] = OrderedDict()

    def text(self, message: dict, participant: bool, language: str = "") -> str:
        key = (message.get("id"), message.get("type"), participant, language)
        if key[0] is None:
            return frame(message, participant, language)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = frame(message, participant, language)
            if len(self._texts) > self.size:
                self._texts.popitem(last=False)
        return text


newest_events = NewestEvents()
frames = Frames()


class BroadcastDispatch:
    """Broadcast events go straight to their handler.

    Channels' ``AsyncConsumer.dispatch`` closes stale database connections before every
    message, through ``sync_to_async``: a hop to the one thread Django's sync code runs in,
    once per reader for every broadcast. With 500 readers on a worker each event queued
    500 hops behind the requests that thread serves (a post's own request among them), and
    the last reader waited seconds (bench/README.md, "live_fanout"). A broadcast handler
    only passes text on and never touches the database; the handlers that do use
    ``database_sync_to_async``, which closes stale connections around each call itself.
    """

    broadcast_types = frozenset({"discussion.event"})

    async def dispatch(self, message):
        if message["type"] in self.broadcast_types:
            await self.discussion_event(message)
        else:
            await super().dispatch(message)


class DiscussionConsumer(AsyncJsonWebsocketConsumer):
    """A reader of one discussion. Broadcasts reach it through this process's
    ``audience``, which hears the discussion's group once for all its readers."""

    async def connect(self):
        await self.accept()
        found = await self._discussion(self.scope["url_route"]["kwargs"]["key"])
        if found is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.content_type_id, self.object_pk, opens_at, closes_at, self.participant = found
        self.language = reader_language(self.scope)
        self.key = f"{self.content_type_id}.{self.object_pk}"
        self.group = live.group_name(self.content_type_id, self.object_pk)
        self.frames: list[float] = []
        self.timers: list[asyncio.Task] = []
        self.audience = audience(self.channel_layer)
        self.early: list[dict] | None = []  # broadcasts that come before the hello, sent after it
        try:
            await self.audience.join(self.group, self)
        except Exception as error:  # the layer (Redis) is down or stuck: the client retries
            logger.warning("Live updates unavailable for %s: the channel layer failed (%r)", self.group, error)
            await self.close(code=1011)
            return
        self.joined = True
        readers = await presence().touch(self.key, self.channel_name)
        await self.send_json({"type": "hello", "readers": readers})
        while self.early:  # in order, with whatever comes meanwhile
            await self._write(self.early.pop(0))
        self.early = None
        self._schedule_window_announcements(opens_at, closes_at)

    async def disconnect(self, code):
        for timer in getattr(self, "timers", ()):
            timer.cancel()
        if getattr(self, "joined", False):
            await self.audience.leave(self.group, self)
            await presence().leave(self.key, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if bytes_data is not None or text_data is None or len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.close(code=CLOSE_TOO_LARGE)
            return
        now = time.monotonic()
        self.frames = [moment for moment in self.frames if now - moment < RATE_WINDOW] + [now]
        if len(self.frames) > RATE_FRAMES:
            await self.close(code=CLOSE_TOO_MANY)
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.close(code=CLOSE_BAD_FRAME)
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        after = content.get("after") if isinstance(content, dict) else None
        after = after if isinstance(after, int) and not isinstance(after, bool) and after >= 0 else None
        if kind == "catch_up" and after is not None:
            await self._catch_up(after)
        elif kind == "ping":
            await self._heartbeat(after)
        else:
            await self.close(code=CLOSE_BAD_FRAME)

    async def _heartbeat(self, after: int | None) -> None:
        if not await self._still_visible():
            # Unpublished, hidden or restricted since the page was opened: nothing more.
            await self.close(code=CLOSE_NOT_FOUND)
            return
        # Re-joining keeps the membership fresh: channels-redis drops group members after
        # a day, and a page may stay open longer; Redis may have restarted and forgotten it.
        try:
            await asyncio.wait_for(self.audience.renew(self.group), LAYER_TIMEOUT)
        except Exception as error:  # the layer is down or stuck: the catch-up below still works
            logger.warning("Could not renew this process in %s (%r)", self.group, error)
        await self.send_json({"type": "pong", "readers": await presence().touch(self.key, self.channel_name)})
        if after is None:
            return
        try:
            newest = await newest_events.newest(self.key, self.content_type_id, self.object_pk)
        except Exception as error:  # the database is down: the next heartbeat tries again
            logger.warning("Could not check %s for missed events (%r)", self.key, error)
            return
        if newest > after:
            await self._catch_up(after)

    async def _catch_up(self, after: int) -> None:
        events, reload = await database_sync_to_async(live.events_after)(self.content_type_id, self.object_pk, after)
        if reload:
            await self.send_json({"type": "reload"})
            return
        for event in events:
            await self.send(text_data=frame(event, self.participant, self.language))
        await self.send_json({"type": "caught_up"})

    async def deliver(self, event):
        """A broadcast, from the audience: the text for this kind of reader, serialised
        once per process, written straight to the connection."""
        if self.early is not None:
            self.early.append(event)
        else:
            await self._write(event)

    async def _write(self, event) -> None:
        await self.base_send(
            {"type": "websocket.send", "text": frames.text(event["message"], self.participant, self.language)}
        )

    # --- helpers --------------------------------------------------------------------------
    def _schedule_window_announcements(self, opens_at, closes_at) -> None:
        for moment, kind in ((opens_at, "discussion.opened"), (closes_at, "discussion.closed")):
            if moment is None:
                continue
            delay = (moment - timezone.now()).total_seconds()
            if 0 < delay < ANNOUNCE_WITHIN_SECONDS:
                self.timers.append(asyncio.create_task(self._announce_later(delay, kind)))

    async def _announce_later(self, delay: float, kind: str) -> None:
        await asyncio.sleep(delay)
        await self.send_json({"type": kind})

    @database_sync_to_async
    def _still_visible(self) -> bool:
        host = hosts.host_of(self.content_type_id, self.object_pk)
        return rules.may_see(self.scope.get("user"), host, self.scope.get("session"))

    @database_sync_to_async
    def _discussion(self, key: str):
        """(content type id, object pk, opens, closes, reader is a participant) of a
        discussion this reader may see, or None."""
        label, _, pk = key.rpartition(".")
        host = hosts.find(label, pk)
        user = self.scope.get("user")
        if not rules.may_see(user, host, self.scope.get("session")):
            return None
        content_type, object_pk = discussion_key(host)
        opens_at, closes_at = host.discussion_window
        participant = bool(user is not None and user.is_authenticated)
        return content_type.pk, object_pk, opens_at, closes_at, participant


class ModerationConsumer(BroadcastDispatch, AsyncJsonWebsocketConsumer):
    """``/ws/moderation/``: moderators with the queue open hear of new held or flagged contributions."""

    async def connect(self):
        await self.accept()
        if not await database_sync_to_async(rules.can_moderate)(self.scope.get("user")):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        try:
            await self.channel_layer.group_add(live.MODERATION_GROUP, self.channel_name)
        except Exception as error:  # the layer (Redis) is down: the client retries later
            logger.warning("Live moderation queue unavailable: the channel layer failed (%r)", error)
            await self.close(code=1011)
            return
        self.joined = True

    async def disconnect(self, code):
        if getattr(self, "joined", False):
            try:
                await self.channel_layer.group_discard(live.MODERATION_GROUP, self.channel_name)
            except Exception as error:  # membership expires in the layer by itself
                logger.warning("Could not leave the moderation group cleanly (%r)", error)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        await self.close(code=CLOSE_BAD_FRAME)  # this channel only speaks

    async def discussion_event(self, event):
        await self.send_json(event["message"])
