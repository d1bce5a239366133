"""How many people are reading a discussion, right across several worker processes.

Each open connection is a member of a Redis sorted set per discussion, scored with the
time it stops counting unless its reader's heartbeat renews it; a connection that
vanishes without saying goodbye simply expires. Without Redis (the embedded default,
one process) a dictionary in the process does the same.
"""

import asyncio
import logging
import time
import weakref

import redis.asyncio as redis
from django.conf import settings
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def ttl_seconds() -> float:
    """A connection silent for two and a half heartbeats stops counting."""
    return settings.DISCUSSIONS_HEARTBEAT_SECONDS * 2.5


class LocalPresence:
    def __init__(self):
        self._members: dict[str, dict[str, float]] = {}

    async def touch(self, key: str, member: str) -> int | None:
        members = self._members.setdefault(key, {})
        now = time.time()
        members[member] = now + ttl_seconds()
        for name, expires in list(members.items()):
            if expires < now:
                del members[name]
        return len(members)

    async def leave(self, key: str, member: str) -> None:
        self._members.get(key, {}).pop(member, None)


class RedisPresence:
    def __init__(self, url: str):
        self._url = url
        # A client per event loop: an asyncio connection cannot move between loops.
        self._clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._failing = False

    @property
    def _redis(self):
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            # A blocking pool: a burst of readers connecting at once waits for a connection
            # instead of failing (redis-py's default pool refuses past 100).
            pool = redis.BlockingConnectionPool.from_url(
                self._url, max_connections=50, timeout=5, socket_connect_timeout=1, socket_timeout=2
            )
            client = self._clients[loop] = redis.Redis(connection_pool=pool)
        return client

    def _key(self, key: str) -> str:
        return f"{settings.REDIS_PREFIX}:readers:{key}"

    async def touch(self, key: str, member: str) -> int | None:
        now = time.time()
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zadd(self._key(key), {member: now + ttl_seconds()})
                pipe.zremrangebyscore(self._key(key), "-inf", now)
                pipe.zcard(self._key(key))
                pipe.expire(self._key(key), int(ttl_seconds() * 2))
                _, _, count, _ = await pipe.execute()
        except (RedisError, OSError):
            self._report_failure()
            return None
        self._failing = False
        return int(count)

    async def leave(self, key: str, member: str) -> None:
        try:
            await self._redis.zrem(self._key(key), member)
        except (RedisError, OSError):
            self._report_failure()  # the entry ages out by itself

    def _report_failure(self) -> None:
        if not self._failing:
            self._failing = True
            logger.warning("Readers' count unavailable: Redis is slow or unreachable; it resumes when Redis answers")


_presence = None


def presence():
    global _presence  # one per process, made on first use
    if _presence is None:
        _presence = RedisPresence(settings.REDIS_URL) if settings.REDIS_URL else LocalPresence()
    return _presence
