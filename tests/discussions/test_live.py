"""The live layer: the consumer through the site's real router, events and catch-up."""

import asyncio
import logging
import time

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import reverse

from cocrea.asgi import application
from consultations.models import ConsultationPage
from discussions import live, services
from discussions.consumers import CLOSE_BAD_FRAME, CLOSE_NOT_FOUND, CLOSE_TOO_LARGE, CLOSE_TOO_MANY
from discussions.models import Contribution

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ORIGIN = [(b"origin", b"http://localhost")]


def _path(page) -> str:
    return live.websocket_path(page)


async def _connect(path):
    communicator = WebsocketCommunicator(application, path, headers=ORIGIN)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def _receive_until(communicator, kind):
    while True:
        message = await communicator.receive_json_from(timeout=3)
        if message["type"] == kind:
            return message


create = sync_to_async(services.contribution_create)


async def test_readers_receive_a_new_contribution_and_its_reply_in_place(consultation, participant, other):
    reader = await _connect(_path(consultation))
    try:
        hello = await reader.receive_json_from()
        assert hello == {"type": "hello", "readers": 1}

        top = await create(
            target=consultation, author=participant.user, text="Primero **esto**", section_anchor="objetivo"
        )
        created = await _receive_until(reader, "contribution.created")
        assert (created["contribution"], created["parent"], created["section"]) == (top.pk, None, "objetivo")
        assert f'id="c{top.pk}"' in created["html"] and "<strong>esto</strong>" in created["html"]
        assert "<form" not in created["html"] and "html_participant" not in created  # an anonymous reader's

        reply = await create(target=consultation, author=other.user, text="Respuesta", parent=top)
        created = await _receive_until(reader, "contribution.created")
        assert (created["contribution"], created["parent"], created["thread"]) == (reply.pk, top.pk, top.pk)
    finally:
        await reader.disconnect()


async def test_reactions_moderation_and_withdrawal_reach_readers_without_private_text(
    consultation, participant, other, admin_user
):
    top = await create(target=consultation, author=participant.user, text="Texto que se retirará")
    reader = await _connect(_path(consultation))
    try:
        await reader.receive_json_from()
        await sync_to_async(services.reaction_set)(contribution=top, user=other.user, kind="support")
        reacted = await _receive_until(reader, "reaction.changed")
        assert (reacted["contribution"], reacted["support"], reacted["disagree"]) == (top.pk, 1, 0)

        await sync_to_async(services.moderation_remove)(
            contribution=top, moderator=admin_user, reason="Datos personales"
        )
        removed = await _receive_until(reader, "contribution.updated")
        assert "Texto que se retirará" not in removed["html"] and "Datos personales" not in removed["html"]
        assert "contribution--placeholder" in removed["html"]
    finally:
        await reader.disconnect()


async def test_a_held_contribution_is_not_broadcast(consultation, participant):
    consultation.premoderated = True
    await sync_to_async(consultation.save)()
    reader = await _connect(_path(consultation))
    try:
        await reader.receive_json_from()
        await create(target=consultation, author=participant.user, text="Espera moderación")
        assert await reader.receive_nothing(timeout=0.5)
    finally:
        await reader.disconnect()


async def test_a_reconnecting_reader_catches_up_on_what_it_missed(consultation, participant, other):
    first = await create(target=consultation, author=participant.user, text="Antes")
    seen = await sync_to_async(live.last_event_id)(first.content_type_id, consultation.pk)
    missed = [await create(target=consultation, author=other.user, text=f"Mientras tanto {n}") for n in range(2)]

    reader = await _connect(_path(consultation))
    try:
        await reader.receive_json_from()
        await reader.send_json_to({"type": "catch_up", "after": seen})
        received = [await reader.receive_json_from() for _ in range(3)]
        assert [m.get("contribution") for m in received[:2]] == [c.pk for c in missed]
        assert received[2] == {"type": "caught_up"}
        assert received[0]["id"] < received[1]["id"]
    finally:
        await reader.disconnect()


async def test_a_heartbeat_brings_what_the_channel_layer_lost(consultation, participant, other, monkeypatch):
    """Redis restarted and forgot the groups, or a reader's queue was full: the reader is
    still connected, never told. Its heartbeat says how far it got, and it gets the rest."""
    from discussions import consumers

    monkeypatch.setattr(consumers, "newest_events", consumers.NewestEvents())
    first = await create(target=consultation, author=participant.user, text="Antes del corte")
    seen = await sync_to_async(live.last_event_id)(first.content_type_id, consultation.pk)
    reader = await _connect(_path(consultation))
    try:
        await reader.receive_json_from()  # hello
        monkeypatch.setattr(live, "broadcast", lambda group, message: False)  # the layer loses it
        lost = await create(target=consultation, author=other.user, text="Durante el corte")
        assert await reader.receive_nothing(timeout=0.3)

        await reader.send_json_to({"type": "ping", "after": seen})

        assert (await reader.receive_json_from())["type"] == "pong"
        missed = await reader.receive_json_from()
        assert (missed["type"], missed["contribution"]) == ("contribution.created", lost.pk)
        assert await reader.receive_json_from() == {"type": "caught_up"}

        await reader.send_json_to({"type": "ping", "after": missed["id"]})  # up to date: just the count
        assert (await reader.receive_json_from())["type"] == "pong"
        assert await reader.receive_nothing(timeout=0.3)
    finally:
        await reader.disconnect()


async def test_a_stuck_channel_layer_does_not_silence_the_heartbeat(consultation, participant, monkeypatch):
    """A layer call that never returns (Redis half gone) would hold the consumer, and the
    reader would hear nothing, its catch-up included: it is given up after a moment."""
    from channels.layers import get_channel_layer

    from discussions import consumers

    monkeypatch.setattr(consumers, "newest_events", consumers.NewestEvents())
    monkeypatch.setattr(consumers, "LAYER_TIMEOUT", 0.2)
    reader = await _connect(_path(consultation))
    try:
        await reader.receive_json_from()  # hello
        seen = await sync_to_async(live.last_event_id)(
            (await sync_to_async(ContentType.objects.get_for_model)(ConsultationPage)).pk, consultation.pk
        )

        async def never(*args, **kwargs):
            await asyncio.Event().wait()

        monkeypatch.setattr(get_channel_layer(), "group_add", never)
        monkeypatch.setattr(live, "broadcast", lambda group, message: False)
        lost = await create(target=consultation, author=participant.user, text="Mientras Redis no responde")

        await reader.send_json_to({"type": "ping", "after": seen})

        assert (await reader.receive_json_from(timeout=2))["type"] == "pong"
        assert (await reader.receive_json_from(timeout=2))["contribution"] == lost.pk
    finally:
        await reader.disconnect()


async def test_a_reader_far_behind_is_asked_to_reload(consultation, participant, monkeypatch):
    monkeypatch.setattr(live, "CATCH_UP_LIMIT", 1)
    for n in range(2):
        await create(target=consultation, author=participant.user, text=f"Aporte {n}")
    reader = await _connect(_path(consultation))
    try:
        await reader.receive_json_from()
        await reader.send_json_to({"type": "catch_up", "after": 0})
        assert await reader.receive_json_from() == {"type": "reload"}
    finally:
        await reader.disconnect()


@pytest.mark.parametrize(
    "path",
    ["/ws/discussions/consultations.consultationpage.999999/", "/ws/discussions/auth.user.1/"],
)
async def test_unknown_discussions_are_refused(path, home_page):
    communicator = WebsocketCommunicator(application, path, headers=ORIGIN)
    await communicator.connect()
    output = await communicator.receive_output()
    await communicator.disconnect()  # always: a consumer left running hangs the loop's teardown
    assert output == {"type": "websocket.close", "code": CLOSE_NOT_FOUND}


async def test_an_unpublished_discussion_is_refused(consultation):
    await sync_to_async(consultation.unpublish)()
    communicator = WebsocketCommunicator(application, _path(consultation), headers=ORIGIN)
    await communicator.connect()
    output = await communicator.receive_output()
    await communicator.disconnect()  # always: a consumer left running hangs the loop's teardown
    assert output == {"type": "websocket.close", "code": CLOSE_NOT_FOUND}


@pytest.mark.parametrize(
    ("frames", "code"),
    [
        (["x" * 2000], CLOSE_TOO_LARGE),
        (["not json"], CLOSE_BAD_FRAME),
        (['{"type": "shout"}'], CLOSE_BAD_FRAME),
        (['{"type": "ping"}'] * 13, CLOSE_TOO_MANY),
    ],
)
async def test_misbehaving_clients_are_disconnected_with_a_code(consultation, frames, code):
    reader = await _connect(_path(consultation))
    await reader.receive_json_from()
    for frame in frames:
        await reader.send_to(text_data=frame)
    while True:
        output = await reader.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            break
    await reader.disconnect()
    assert output["code"] == code
    # the server keeps serving others
    other = await _connect(_path(consultation))
    assert (await other.receive_json_from())["type"] == "hello"
    await other.disconnect()


async def test_closing_the_consultation_is_announced(consultation, admin_user):
    from consultations.services import consultation_close

    reader = await _connect(_path(consultation))
    try:
        await reader.receive_json_from()
        await sync_to_async(consultation_close)(page=consultation, user=admin_user)
        assert (await _receive_until(reader, "discussion.closed"))["type"] == "discussion.closed"
    finally:
        await reader.disconnect()


def test_the_page_carries_its_live_url_and_last_event(client, consultation, participant):
    services.contribution_create(target=consultation, author=participant.user, text="Hola")
    html = client.get(consultation.url).content.decode()
    last = live.last_event_id(ContentType.objects.get_for_model(ConsultationPage).pk, consultation.pk)
    assert f'data-live-url="{_path(consultation)}"' in html
    assert f'data-last-event="{last}"' in html and last > 0
    assert 'id="live-messages"' in html and "discussion-live.js" in html


@override_settings(
    CHANNEL_LAYERS={
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://127.0.0.1:1"]}}
    }
)
def test_posting_works_and_is_logged_once_while_redis_is_down(client, consultation, participant, caplog, monkeypatch):
    from channels import layers

    monkeypatch.setattr(live, "broadcast_failures", live.QuietLog(live.FAILURE_LOG_INTERVAL))

    layers.channel_layers.backends.clear()
    client.force_login(participant.user)
    from tests.discussions.test_views import _form_data

    try:
        with caplog.at_level(logging.WARNING, logger="discussions.live"):
            for number in range(3):
                response = client.post(
                    reverse("discussions:post"), _form_data(consultation, comment=f"Sin Redis {number}")
                )
                assert response.status_code == 302
    finally:
        layers.channel_layers.backends.clear()
    assert Contribution.objects.filter(comment__startswith="Sin Redis").count() == 3
    assert len([r for r in caplog.records if "Live updates paused" in r.getMessage()]) == 1


async def test_moderators_hear_of_held_and_flagged_contributions(consultation, participant, other):
    from discussions.consumers import ModerationConsumer
    from tests.accounts.factories import ParticipantFactory, UserFactory

    moderator = await sync_to_async(UserFactory)(is_superuser=True)
    queue = WebsocketCommunicator(ModerationConsumer.as_asgi(), "/ws/moderation/")
    queue.scope["user"] = moderator
    connected, _ = await queue.connect()
    assert connected
    try:
        top = await create(target=consultation, author=participant.user, text="Algo discutible")
        reporters = await sync_to_async(ParticipantFactory.create_batch)(3)
        for reporter in reporters:
            await sync_to_async(services.flag_create)(contribution=top, user=reporter.user, reason="abusive")
        reasons = [(await queue.receive_json_from(timeout=3))["reason"] for _ in range(3)]
        assert reasons == ["flagged", "flagged", "hidden"]
    finally:
        await queue.disconnect()


async def test_the_moderation_channel_refuses_the_public(home_page):
    communicator = WebsocketCommunicator(application, "/ws/moderation/", headers=ORIGIN)
    await communicator.connect()
    output = await communicator.receive_output()
    await communicator.disconnect()
    assert output == {"type": "websocket.close", "code": 4403}


async def test_each_event_names_the_one_before_it_so_readers_notice_a_loss(consultation, participant, other):
    reader = await _connect(_path(consultation))
    try:
        await reader.receive_json_from()  # hello
        content_type = await sync_to_async(ContentType.objects.get_for_model)(ConsultationPage)
        before = await sync_to_async(live.last_event_id)(content_type.pk, consultation.pk)
        await create(target=consultation, author=participant.user, text="Primero")
        await create(target=consultation, author=other.user, text="Segundo")

        first = await _receive_until(reader, "contribution.created")
        second = await _receive_until(reader, "contribution.created")

        assert first["previous"] == before
        assert second["previous"] == first["id"]
    finally:
        await reader.disconnect()


async def test_a_broadcast_reaches_readers_while_the_sync_thread_is_busy(consultation):
    """A broadcast only passes text on: it never waits for the one thread Django's sync
    code runs in, where a long request (or 500 readers' hops, one per reader) would hold
    every reader's update behind it."""
    from channels.layers import get_channel_layer

    content_type = await sync_to_async(ContentType.objects.get_for_model)(ConsultationPage)
    reader = await _connect(_path(consultation))
    try:
        await reader.receive_json_from()  # hello
        busy = asyncio.create_task(sync_to_async(time.sleep)(2))  # the sync thread, taken
        await asyncio.sleep(0.1)
        message = {"type": "contribution.created", "id": 10**9, "previous": 0, "contribution": 1, "html": "<p>…</p>"}
        await get_channel_layer().group_send(
            live.group_name(content_type.pk, consultation.pk), {"type": "discussion.event", "message": message}
        )

        received = await reader.receive_json_from(timeout=1)

        assert not busy.done()
        assert (received["type"], received["id"]) == ("contribution.created", 10**9)
        await busy
    finally:
        await reader.disconnect()


async def test_every_reader_of_a_process_receives_each_broadcast_once(consultation, participant):
    """The process hears a discussion once for all its readers and writes to each of them:
    every reader gets the event, none gets it twice, and one who left gets nothing."""
    readers = [await _connect(_path(consultation)) for _ in range(3)]
    try:
        for reader in readers:
            await reader.receive_json_from()  # hello
        await readers[2].disconnect()

        top = await create(target=consultation, author=participant.user, text="Para los tres lectores")

        for reader in readers[:2]:
            created = await _receive_until(reader, "contribution.created")
            assert created["contribution"] == top.pk
            assert await reader.receive_nothing(timeout=0.3)
    finally:
        for reader in readers[:2]:
            await reader.disconnect()
