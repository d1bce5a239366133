"""The live layer of a discussion: ``/ws/discussions/<app>.<model>.<pk>/``.

Readers only listen. A client says ``{"type": "catch_up", "after": <last event id>}``
when it (re)connects and receives everything newer; ``{"type": "ping", "after": <last
event id>}`` every 30 s keeps it counted among the readers, answers with the count, and
sends what the reader missed although it stayed connected — events the channel layer
lost (Redis restarted and forgot the groups; a reader's queue was full). Frames are
small and few: a client that sends a large frame or too many is disconnected with a
close code.
"""

import asyncio
import json
import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from . import live
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
#: How long a process trusts its last look at a discussion's newest event, so that the
#: heartbeats of many readers cost one query per discussion, not one each.
NEWEST_EVENT_TTL = 5.0
_newest_events: dict[str, tuple[float, int]] = {}
#: A channel layer call (Redis) that takes longer than this is given up: a consumer
#: waiting on it would hear nothing else, its heartbeat included.
LAYER_TIMEOUT = 2.0


class DiscussionConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        target = await self._target(self.scope["url_route"]["kwargs"]["key"])
        if target is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.content_type_id, self.object_pk, opens_at, closes_at = target
        self.key = f"{self.content_type_id}.{self.object_pk}"
        self.group = live.group_name(self.content_type_id, self.object_pk)
        self.frames: list[float] = []
        self.timers: list[asyncio.Task] = []
        try:
            await asyncio.wait_for(self.channel_layer.group_add(self.group, self.channel_name), LAYER_TIMEOUT)
        except Exception:
            logger.warning("Live updates unavailable for %s: the channel layer is unreachable", self.group)
            await self.close(code=1011)
            return
        self.joined = True
        readers = await presence().touch(self.key, self.channel_name)
        await self.send_json({"type": "hello", "readers": readers})
        self._schedule_window_announcements(opens_at, closes_at)

    async def disconnect(self, code):
        for timer in getattr(self, "timers", ()):
            timer.cancel()
        if getattr(self, "joined", False):
            await presence().leave(self.key, self.channel_name)
            try:
                await asyncio.wait_for(self.channel_layer.group_discard(self.group, self.channel_name), LAYER_TIMEOUT)
            except Exception:
                logger.debug("Could not leave %s cleanly", self.group)

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
            # Re-joining keeps the membership fresh: channels-redis drops group members
            # after a day, and a page may stay open longer.
            try:
                await asyncio.wait_for(self.channel_layer.group_add(self.group, self.channel_name), LAYER_TIMEOUT)
            except Exception:  # the layer (Redis) is down or stuck: the heartbeat's catch-up still works
                logger.debug("Could not renew %s in its group", self.channel_name)
            await self.send_json({"type": "pong", "readers": await presence().touch(self.key, self.channel_name)})
            try:
                if after is not None and await self._newest_event() > after:
                    await self._catch_up(after)
            except Exception:  # the database is down: the next heartbeat tries again
                logger.debug("Could not check %s for missed events", self.key)
        else:
            await self.close(code=CLOSE_BAD_FRAME)

    async def _catch_up(self, after: int) -> None:
        events, too_many = await self._events_after(after)
        if too_many:
            await self.send_json({"type": "reload"})
            return
        for event in events:
            await self.send_json(event)
        await self.send_json({"type": "caught_up"})

    async def _newest_event(self) -> int:
        moment = time.monotonic()
        seen = _newest_events.get(self.key)
        if seen and moment - seen[0] < NEWEST_EVENT_TTL:
            return seen[1]
        newest = await database_sync_to_async(live.last_event_id)(self.content_type_id, self.object_pk)
        _newest_events[self.key] = (moment, newest)
        return newest

    async def discussion_event(self, event):
        await self.send_json(event["message"])

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
    def _target(self, key: str):
        """(content type id, object pk, opens_at, closes_at) of a public discussion, or None."""
        try:
            app_label, model_name, object_pk = key.split(".")
            model = apps.get_model(app_label, model_name)
        except (ValueError, LookupError):
            return None
        if not hasattr(model, "discussion_refusal"):
            return None
        target = model._default_manager.filter(pk=object_pk).first()
        if target is None or not getattr(target, "live", True) or _restricted(target):
            return None
        content_type = ContentType.objects.get_for_model(model)
        return (content_type.pk, str(target.pk), getattr(target, "opens_at", None), getattr(target, "closes_at", None))

    @database_sync_to_async
    def _events_after(self, after: int):
        return live.events_after(self.content_type_id, self.object_pk, after)


def _restricted(target) -> bool:
    """Pages with a view restriction (password, login, groups) have no public live layer."""
    restrictions = getattr(target, "get_view_restrictions", None)
    return bool(restrictions and restrictions().exists())


class ModerationConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/moderation/``: moderators with the queue open hear of new held or flagged contributions."""

    async def connect(self):
        await self.accept()
        if not await self._may_moderate(self.scope.get("user")):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        try:
            await self.channel_layer.group_add(live.MODERATION_GROUP, self.channel_name)
        except Exception:  # the layer (Redis) is down: the client retries later
            logger.warning("Live moderation queue unavailable: the channel layer is unreachable")
            await self.close(code=1011)
            return
        self.joined = True

    async def disconnect(self, code):
        if getattr(self, "joined", False):
            try:
                await self.channel_layer.group_discard(live.MODERATION_GROUP, self.channel_name)
            except Exception:  # membership expires in the layer by itself
                logger.debug("Could not leave the moderation group cleanly")

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        await self.close(code=CLOSE_BAD_FRAME)  # this channel only speaks

    async def discussion_event(self, event):
        await self.send_json(event["message"])

    @database_sync_to_async
    def _may_moderate(self, user) -> bool:
        return bool(user and user.is_authenticated and user.has_perm("discussions.change_contribution"))
