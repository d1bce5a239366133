import pytest
from channels.testing import WebsocketCommunicator

from cocrea.asgi import application

# Channels closes stale database connections around each consumer event, so the
# WebSocket tests may touch the database's connection even when they use no data.
pytestmark = pytest.mark.django_db


async def test_websocket_ping_through_the_site_router():
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=[(b"origin", b"http://localhost")])
    connected, _ = await communicator.connect()
    try:
        await communicator.send_json_to({"type": "ping"})
        assert connected
        assert await communicator.receive_json_from() == {"type": "pong"}
    finally:
        await communicator.disconnect()


async def test_websocket_from_a_foreign_origin_is_refused():
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=[(b"origin", b"https://evil.example")])
    connected, _ = await communicator.connect()
    await communicator.disconnect()

    assert not connected


async def test_unexpected_frame_closes_the_connection():
    communicator = WebsocketCommunicator(application, "/ws/ping/", headers=[(b"origin", b"http://localhost")])
    await communicator.connect()
    await communicator.send_json_to({"type": "shout"})

    output = await communicator.receive_output()
    await communicator.disconnect()
    assert output == {"type": "websocket.close", "code": 4400}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_http_through_the_asgi_application(home_page):
    from asgiref.sync import async_to_sync
    from channels.testing import HttpCommunicator

    response = async_to_sync(
        HttpCommunicator(application, "GET", "/es/", headers=[(b"host", b"localhost")]).get_response
    )()

    assert response["status"] == 200
