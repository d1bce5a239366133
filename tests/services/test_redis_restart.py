"""The live layer after Redis restarts: events reach readers again, without them leaving.

A Redis of its own on another port, so that the shared one is never stopped."""

import asyncio
import contextlib
import shutil
import socket
import subprocess
import time
import uuid

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

pytestmark = pytest.mark.redis


class PrivateRedis:
    def __init__(self, directory):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed")
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    if redis.process.poll() is None:
        redis.stop()


async def test_readers_hear_events_again_after_redis_restarts(private_redis):
    configured = settings.CHANNEL_LAYERS["default"]
    config = {**configured["CONFIG"], "hosts": [{**configured["CONFIG"]["hosts"][0], "address": private_redis.url}]}
    layer = import_string(configured["BACKEND"])(**config)
    group, channel = f"test-{uuid.uuid4().hex}", await layer.new_channel()
    await layer.group_add(group, channel)
    receiving = asyncio.ensure_future(layer.receive(channel))
    try:
        await layer.group_send(group, {"type": "discussion.event", "n": 0})
        assert (await asyncio.wait_for(receiving, 5))["n"] == 0

        receiving = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(0.2)
        private_redis.stop()  # it keeps nothing on disk: whatever it held is gone
        await asyncio.sleep(1)
        private_redis.start()

        # The reader never left: within 15 s an event sent now must reach it.
        deadline, n = time.monotonic() + 15, 0
        while not receiving.done() and time.monotonic() < deadline:
            n += 1
            with contextlib.suppress(Exception):  # the layer's connections are still being replaced
                await layer.group_send(group, {"type": "discussion.event", "n": n})
            await asyncio.wait([receiving], timeout=0.5)
        assert receiving.done(), "the reader stopped hearing its discussion after Redis restarted"
        assert receiving.result()["n"] >= 1
    finally:
        receiving.cancel()
        await asyncio.gather(receiving, return_exceptions=True)
        with contextlib.suppress(Exception):
            await layer.group_discard(group, channel)
        if hasattr(layer, "flush"):
            await layer.flush()
