"""Django's Redis cache, made to hold nothing while Redis is unreachable.

The site only uses the cache to save work (remembering that the search engine failed a
moment ago, not resending a confirmation mail twice in a minute), never to keep data.
With Django's own backend an unreachable Redis turns every use into an error, and a
contribution's post into a 500 after it was saved. Here reading finds nothing and
writing is skipped, with one warning at most every ``WARNING_INTERVAL`` seconds.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

WARNING_INTERVAL = 30.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _unreachable_gives(fallback):
    """Run the cache operation; if Redis cannot be reached, return ``fallback(*args)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._warn(method.__name__, error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


def _not_stored(*args, **kwargs):
    return False


def _none_found(*args, **kwargs):
    return {}


def _all_failed(data, *args, **kwargs):
    return list(data)


class ResilientRedisCache(RedisCache):
    _last_warning = 0.0

    def _warn(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_warning > WARNING_INTERVAL:
            ResilientRedisCache._last_warning = now
            logger.warning("Cache unavailable (%s: %s); going on without it", operation, error)

    get = _unreachable_gives(_default)(RedisCache.get)
    set = _unreachable_gives(_nothing)(RedisCache.set)
    # Nothing can be known to be there: the caller goes ahead, as without a cache.
    add = _unreachable_gives(lambda *args, **kwargs: True)(RedisCache.add)
    touch = _unreachable_gives(_not_stored)(RedisCache.touch)
    delete = _unreachable_gives(_not_stored)(RedisCache.delete)
    has_key = _unreachable_gives(_not_stored)(RedisCache.has_key)
    get_many = _unreachable_gives(_none_found)(RedisCache.get_many)
    set_many = _unreachable_gives(_all_failed)(RedisCache.set_many)
    delete_many = _unreachable_gives(_nothing)(RedisCache.delete_many)
    clear = _unreachable_gives(_not_stored)(RedisCache.clear)
