"""``/ws/hearings/<id>/consola/``: a hearing's moderators hear of questions held for review.

Only a user with the moderators' permission (``hearings.moderate_hearing``) who may see
the hearing is let in (close code 4403; 4404 for a hearing that does not exist or that
they may not see); the permission is asked again at every heartbeat. The console only
listens: the live state changes through the console's form posts, never through a socket
(a frame other than the heartbeat closes it, 4400).
"""

import asyncio
import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from discussions.consumers import (
    CLOSE_BAD_FRAME,
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_TOO_LARGE,
    LAYER_TIMEOUT,
    MAX_FRAME_BYTES,
    frame,
    reader_language,
)

from . import console, rules
from .models import HearingPage

logger = logging.getLogger(__name__)


class ConsoleConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        found = await self._hearing(int(self.scope["url_route"]["kwargs"]["pk"]))
        if found is None or found is False:
            await self.close(code=CLOSE_NOT_FOUND if found is None else CLOSE_FORBIDDEN)
            return
        self.hearing = found
        self.language = reader_language(self.scope)
        self.group = console.group_name(found.pk)
        try:
            await asyncio.wait_for(self.channel_layer.group_add(self.group, self.channel_name), LAYER_TIMEOUT)
        except Exception as error:  # the layer (Redis) is down or stuck: the client retries
            logger.warning("Hearing console unavailable for %s: the channel layer failed (%r)", self.group, error)
            await self.close(code=1011)
            return
        self.joined = True
        await self.send_json({"type": "hello"})
        await self._send_held()

    async def disconnect(self, code):
        if getattr(self, "joined", False):
            try:
                await asyncio.wait_for(self.channel_layer.group_discard(self.group, self.channel_name), LAYER_TIMEOUT)
            except Exception as error:  # membership expires in the layer by itself
                logger.warning("Could not leave %s cleanly (%r)", self.group, error)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if bytes_data is not None or text_data is None or len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.close(code=CLOSE_TOO_LARGE)
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            content = None
        if not isinstance(content, dict) or content.get("type") != "ping":
            await self.close(code=CLOSE_BAD_FRAME)
            return
        if not await database_sync_to_async(rules.can_moderate)(self.scope.get("user")):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_json({"type": "pong"})
        await self._send_held()

    async def discussion_event(self, event):
        await self.send(text_data=frame(event["message"], False, self.language))

    async def _send_held(self) -> None:
        messages = await database_sync_to_async(console.held_messages)(self.hearing)
        await self.send_json(
            {"type": "held", "questions": [json.loads(frame(m, False, self.language)) for m in messages]}
        )

    @database_sync_to_async
    def _hearing(self, pk: int):
        """The hearing (None: not found or not visible; False: not a moderator)."""
        hearing = HearingPage.objects.filter(pk=pk).first()
        user = self.scope.get("user")
        if hearing is None or not hearing.is_visible_to(user, self.scope.get("session")):
            return None
        if not rules.can_moderate(user):
            return False
        return hearing.original
