import uuid

import pytest
from channels.layers import get_channel_layer
from django.conf import settings

pytestmark = pytest.mark.redis


async def test_group_message_through_the_real_redis_channel_layer():
    layer = get_channel_layer()
    group = f"test-{uuid.uuid4().hex}"
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    try:
        await layer.group_send(group, {"type": "contribution.created", "text": "Hola, Cajamarca"})
        message = await layer.receive(channel)
    finally:
        await layer.group_discard(group, channel)
        await layer.flush()

    assert type(layer).__module__.startswith("channels_redis")
    assert message == {"type": "contribution.created", "text": "Hola, Cajamarca"}


def test_cache_uses_the_real_redis():
    from django.core.cache import cache
    from redis import Redis

    cache.set("cocrea-test-key", "valor", 30)

    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert cache.get("cocrea-test-key") == "valor"
    assert Redis.from_url(settings.REDIS_URL).ping()
