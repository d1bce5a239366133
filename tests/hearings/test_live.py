"""The live queue: what moderators do reaches every open page at once, through the
discussions' live layer (events recorded in the transaction, broadcast after the commit,
caught up after a reconnection), each question rendered as the hearing's page shows it."""

import json

import pytest
from asgiref.sync import sync_to_async
from bs4 import BeautifulSoup
from channels.testing import WebsocketCommunicator
from django.contrib.contenttypes.models import ContentType

from cocrea.asgi import application
from discussions import live
from discussions import services as discussion_services
from hearings import services
from hearings.models import HearingPage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ORIGIN = [(b"origin", b"http://localhost")]


async def _reader(hearing, language="en"):
    communicator = WebsocketCommunicator(application, f"{live.websocket_path(hearing)}?lang={language}", headers=ORIGIN)
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    return communicator


async def _next(communicator, kind):
    while True:
        message = await communicator.receive_json_from(timeout=3)
        if message["type"] == kind:
            return message


def _article(message) -> BeautifulSoup:
    return BeautifulSoup(message["html"], "html.parser").find("article")


async def test_putting_a_question_on_air_reaches_every_reader_at_once(hearing, participant, moderator, ask):
    question = await sync_to_async(ask)(participant)
    readers = [await _reader(hearing), await _reader(hearing, "es")]
    try:
        await sync_to_async(services.question_put_on_air)(question=question, moderator=moderator)

        for reader in readers:
            article = _article(await _next(reader, "contribution.updated"))
            assert article["id"] == f"c{question.contribution_id}"
            assert article["data-state"] == "on_air"
            assert "médicos especialistas" in article.get_text()
    finally:
        for reader in readers:
            await reader.disconnect()


async def test_the_previous_question_goes_back_to_the_queue_when_another_goes_on_air(
    hearing, participant, other, moderator, ask
):
    first = await sync_to_async(ask)(participant, text="Primera")
    second = await sync_to_async(ask)(other, text="Segunda")
    await sync_to_async(services.question_put_on_air)(question=first, moderator=moderator)
    reader = await _reader(hearing)
    try:
        await sync_to_async(services.question_put_on_air)(question=second, moderator=moderator)

        back = _article(await _next(reader, "contribution.updated"))
        on_air = _article(await _next(reader, "contribution.updated"))
        assert (back["id"], back["data-state"]) == (f"c{first.contribution_id}", "pending")
        assert (on_air["id"], on_air["data-state"]) == (f"c{second.contribution_id}", "on_air")
    finally:
        await reader.disconnect()


async def test_the_answer_in_the_room_and_its_video_time_reach_readers(hearing, participant, moderator, ask):
    question = await sync_to_async(ask)(participant)
    await sync_to_async(services.question_put_on_air)(question=question, moderator=moderator)
    reader = await _reader(hearing)
    try:
        await sync_to_async(services.question_answered_in_room)(
            question=question, moderator=moderator, answer="Llegan en agosto.", video_seconds=3725
        )

        article = _article(await _next(reader, "contribution.updated"))
        assert article["data-state"] == "answered_room"
        assert "Llegan en agosto." in article.get_text() and "1:02:05" in article.get_text()
    finally:
        await reader.disconnect()


async def test_a_new_question_and_its_supports_update_the_queue_live(hearing, participant, other, ask):
    reader = await _reader(hearing)
    try:
        question = await sync_to_async(ask)(participant, text="¿Y el agua de Fila Alta?")
        created = await _next(reader, "contribution.created")
        assert _article(created)["data-state"] == "pending"

        await sync_to_async(services.question_support)(question=question, user=other.user)
        supported = await _next(reader, "reaction.changed")
        assert (supported["contribution"], supported["support"]) == (question.contribution_id, 1)
    finally:
        await reader.disconnect()


async def test_a_question_removed_by_moderation_disappears_from_every_open_page(
    hearing, participant, moderator, admin_user, ask
):
    question = await sync_to_async(ask)(participant, text="Texto que se retirará")
    await sync_to_async(services.question_put_on_air)(question=question, moderator=moderator)
    readers = [await _reader(hearing), await _reader(hearing)]
    try:
        await sync_to_async(discussion_services.moderation_remove)(
            contribution=question.contribution, moderator=admin_user, reason="Insultos"
        )

        for reader in readers:
            message = await _next(reader, "contribution.updated")
            article = _article(message)
            assert article["data-state"] == "gone" and article.has_attr("hidden")
            assert "Texto que se retirará" not in message["html"] and "Insultos" not in message["html"]
        await sync_to_async(question.refresh_from_db)()
        assert question.state == "pending"  # no longer on air
    finally:
        for reader in readers:
            await reader.disconnect()


async def test_a_reader_who_reconnects_catches_up_on_what_it_missed(hearing, participant, moderator, ask):
    question = await sync_to_async(ask)(participant)
    content_type = await sync_to_async(ContentType.objects.get_for_model)(HearingPage)
    seen = await sync_to_async(live.last_event_id)(content_type.pk, hearing.pk)
    await sync_to_async(services.question_put_on_air)(question=question, moderator=moderator)
    await sync_to_async(services.question_answered_in_room)(question=question, moderator=moderator, answer="Sí.")

    reader = await _reader(hearing)
    try:
        await reader.send_json_to({"type": "catch_up", "after": seen})
        first = await reader.receive_json_from()
        second = await reader.receive_json_from()
        # Each missed event brings the question as it is now: answered.
        assert [_article(m)["data-state"] for m in (first, second)] == ["answered_room", "answered_room"]
        assert await reader.receive_json_from() == {"type": "caught_up"}
    finally:
        await reader.disconnect()


async def test_readers_get_one_rendering_in_the_language_of_their_page(hearing, participant, moderator, ask):
    question = await sync_to_async(ask)(participant)
    spanish, english = await _reader(hearing, "es"), await _reader(hearing, "en")
    try:
        await sync_to_async(services.question_put_on_air)(question=question, moderator=moderator)
        for reader in (spanish, english):
            message = await _next(reader, "contribution.updated")
            assert "languages" not in message and "html_participant" not in message
            assert _article(message)["data-state"] == "on_air"
    finally:
        await spanish.disconnect()
        await english.disconnect()


def test_a_frame_carries_the_rendering_of_the_readers_language():
    from discussions.consumers import frame

    message = {
        "type": "contribution.updated",
        "html": "<p>Respondiendo ahora</p>",
        "html_participant": "<p>Respondiendo ahora, con botón</p>",
        "languages": {"en": {"html": "<p>Being answered now</p>", "html_participant": "<p>With a button</p>"}},
    }

    assert json.loads(frame(message, False, "en"))["html"] == "<p>Being answered now</p>"
    assert json.loads(frame(message, True, "en"))["html"] == "<p>With a button</p>"
    assert json.loads(frame(message, False, "es"))["html"] == "<p>Respondiendo ahora</p>"
    assert set(json.loads(frame(message, False, "fr"))) == {"type", "html"}


async def test_closing_the_hearing_is_announced_to_open_pages(hearing, moderator):
    reader = await _reader(hearing)
    try:
        await sync_to_async(services.hearing_close)(hearing=hearing, moderator=moderator)
        assert (await _next(reader, "discussion.closed"))["type"] == "discussion.closed"
    finally:
        await reader.disconnect()


# --- the moderators' console channel ---------------------------------------------------------------
def _console_path(hearing) -> str:
    return f"/ws/hearings/{hearing.pk}/consola/"


async def _console(hearing, user=None):
    headers = list(ORIGIN)
    if user is not None:
        from django.conf import settings
        from django.test import Client

        client = Client()
        await sync_to_async(client.force_login)(user)
        headers.append(
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode())
        )
    communicator = WebsocketCommunicator(application, _console_path(hearing), headers=headers)
    await communicator.connect()
    return communicator


async def test_held_questions_reach_the_moderators_console_and_nobody_else(hearing, participant, moderator, ask):
    hearing.premoderated = True
    await sync_to_async(lambda: hearing.save_revision().publish())()
    console = await _console(hearing, moderator)
    reader = await _reader(hearing)
    try:
        assert (await console.receive_json_from())["type"] == "hello"
        assert (await console.receive_json_from()) == {"type": "held", "questions": []}

        question = await sync_to_async(ask)(participant, text="Pregunta por revisar")

        held = await console.receive_json_from(timeout=3)
        assert held["type"] == "question.held" and "Pregunta por revisar" in held["html"]
        assert await reader.receive_nothing(timeout=0.5)  # the public hears nothing of it

        await sync_to_async(
            lambda: discussion_services.moderation_approve(contribution=question.contribution, moderator=moderator)
        )()
        assert (await console.receive_json_from(timeout=3)) == {
            "type": "question.reviewed",
            "contribution": question.contribution_id,
        }
        assert _article(await _next(reader, "contribution.created"))["data-state"] == "pending"
    finally:
        await console.disconnect()
        await reader.disconnect()


@pytest.mark.parametrize("who", ["anonymous", "participant"])
async def test_only_moderators_open_the_console_channel(hearing, participant, who):
    console = await _console(hearing, participant.user if who == "participant" else None)
    output = await console.receive_output()
    await console.disconnect()
    assert output == {"type": "websocket.close", "code": 4403}


async def test_the_console_channel_changes_nothing_sent_to_it(hearing, participant, moderator, ask):
    """The live state changes only through the console's form posts: a frame that asks
    for it over the socket closes the connection, and nothing changes."""
    question = await sync_to_async(ask)(participant)
    console = await _console(hearing, moderator)
    try:
        await console.receive_json_from()
        await console.receive_json_from()
        await console.send_json_to({"type": "on_air", "question": question.contribution_id})
        output = await console.receive_output(timeout=3)
        assert output == {"type": "websocket.close", "code": 4400}
    finally:
        await console.disconnect()
    await sync_to_async(question.refresh_from_db)()
    assert question.state == "pending"


async def test_a_reader_cannot_change_the_live_state_through_the_discussion_socket(hearing, participant, ask):
    question = await sync_to_async(ask)(participant)
    reader = await _reader(hearing)
    await reader.send_json_to({"type": "on_air", "question": question.contribution_id})
    output = await reader.receive_output(timeout=3)
    await reader.disconnect()
    assert output == {"type": "websocket.close", "code": 4400}
    await sync_to_async(question.refresh_from_db)()
    assert question.state == "pending"
