"""Redis unreachable: the cache holds nothing for a moment instead of raising."""

import logging

from cocrea.cache import ResilientRedisCache


def unreachable_cache() -> ResilientRedisCache:
    # The discard port: nothing listens there, so every connection is refused at once.
    return ResilientRedisCache("redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 1}})


def test_reads_find_nothing_and_writes_are_skipped(caplog):
    cache = unreachable_cache()

    with caplog.at_level(logging.WARNING, logger="cocrea.cache"):
        assert cache.get("search:engine-down") is None
        assert cache.get("missing", "default") == "default"
        cache.set("search:engine-down", "ConnectionError", 30)
        assert cache.add("accounts:confirmation-resent:7", True, 60) is True  # as if there were no cache
        assert cache.get_many(["a", "b"]) == {}
        assert cache.delete("a") is False
        assert cache.get_or_set("computed", lambda: 42) == 42

    assert "Cache unavailable" in caplog.text


def test_other_redis_errors_still_raise():
    """Only an unreachable Redis is forgiven; a programming error is not hidden."""
    import pytest

    cache = unreachable_cache()
    with pytest.raises(TypeError):
        cache.get()
