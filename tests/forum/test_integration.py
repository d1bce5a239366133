"""A forum reply is a contribution like any other: broadcast live to the topic's readers
and found by search, exactly as a comment on a consultation."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from cocrea.asgi import application
from discussions import live
from discussions import services as discussions
from forum import services
from search import query
from tests.search.conftest import index_now

ORIGIN = [(b"origin", b"http://localhost")]


def _start(forum, categories, starter):
    return services.topic_create(
        forum=forum,
        author=starter.user,
        category=categories["audiencias-publicas"],
        title="Calendario de audiencias en las provincias",
        text="Proponemos publicar el calendario con un mes de anticipación.",
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_a_reply_reaches_the_topics_readers_live(forum, categories, starter, official):
    topic = await sync_to_async(_start)(forum, categories, starter)
    reader = WebsocketCommunicator(application, live.websocket_path(topic), headers=ORIGIN)
    connected, _ = await reader.connect()
    assert connected
    try:
        assert (await reader.receive_json_from())["type"] == "hello"
        reply = await sync_to_async(discussions.contribution_create)(
            target=topic, author=official.user, text="Lo publicaremos el día 15.", official=True
        )
        while (message := await reader.receive_json_from(timeout=3))["type"] != "contribution.created":
            pass
        assert message["contribution"] == reply.pk
        assert "Lo publicaremos el día 15." in message["html"]
    finally:
        await reader.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_a_hidden_topic_has_no_live_layer(forum, categories, starter, moderator):
    topic = await sync_to_async(_start)(forum, categories, starter)
    await sync_to_async(services.topic_moderate)(topic=topic, moderator=moderator.user, action="hide", reason="Spam")
    reader = WebsocketCommunicator(application, live.websocket_path(topic), headers=ORIGIN)
    connected, _ = await reader.connect()
    try:
        if connected:
            assert (await reader.receive_output(timeout=3))["type"] == "websocket.close"
    finally:
        await reader.disconnect()


@pytest.mark.django_db
def test_topics_and_replies_are_found_by_search_and_leave_when_hidden(
    engine, forum, categories, starter, official, moderator
):
    topic = _start(forum, categories, starter)
    reply = discussions.contribution_create(
        target=topic, author=official.user, text="Lo confirmaremos en la reunión de Jaén."
    )
    index_now()

    found = query.search({"q": ["calendario provincias"], "kind": ["forum_topic"]})
    assert [hit.url for hit in found.hits] == [topic.url]
    replies = query.search({"q": ["confirmaremos"]})
    assert [(hit.kind, hit.url) for hit in replies.hits] == [("forum_post", f"{topic.url}#c{reply.pk}")]
    assert replies.hits[0].title_html == topic.title

    services.topic_moderate(topic=topic, moderator=moderator.user, action="hide", reason="Datos personales")
    index_now()
    assert query.search({"q": ["calendario provincias"]}).total == 0
    assert query.search({"q": ["confirmaremos"]}).total == 0
