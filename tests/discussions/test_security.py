"""Attacks on discussions, each performed against every kind of host (a consultation and
a forum topic): who may change, read or silence what."""

import io
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from bs4 import BeautifulSoup
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from accounts.services import participant_delete, participant_suspend
from cocrea.asgi import application
from core.roles import EDITORS, GOVERNMENT, MODERATORS
from discussions import live, rules, services
from discussions.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND
from discussions.errors import NotAllowed, NotFound
from discussions.models import Contribution, DiscussionEvent, Flag, Follow, Reaction, Status
from forum.models import ForumCategory, ForumPage
from forum.services import topic_create
from tests.accounts.factories import ParticipantFactory, UserFactory
from tests.consultations.factories import ConsultationPageFactory
from tests.discussions.test_views import _form_data

pytestmark = pytest.mark.django_db
SECRET_TITLE = "Compromiso reservado de prueba"
ORIGIN = [(b"origin", b"http://localhost")]


class Place:
    """A discussion host under attack, and the page whose visibility governs it."""

    def __init__(self, host, page):
        self.host, self.page = host, page

    def hide(self):
        """Make it not public: an unpublished consultation, a hidden topic."""
        if self.host is self.page:
            self.page.unpublish()
        else:
            type(self.host).objects.filter(pk=self.host.pk).update(hidden=True)
        self.host.refresh_from_db()

    def restrict(self) -> PageViewRestriction:
        """A password on the page (or on the forum the topic is in)."""
        return PageViewRestriction.objects.create(page=self.page, restriction_type="password", password="clave")

    def restrict_to_group(self, group) -> PageViewRestriction:
        restriction = PageViewRestriction.objects.create(page=self.page, restriction_type="groups")
        restriction.groups.set([group])
        return restriction


@pytest.fixture(params=["consultation", "topic"])
def place(request, plan, home_page, participant):
    if request.param == "consultation":
        page = ConsultationPageFactory(parent=plan, title=SECRET_TITLE)
        return Place(page, page)
    forum = ForumPage(title="Foro reservado", slug="foro-reservado")
    home_page.add_child(instance=forum)
    forum.save_revision().publish()
    category = ForumCategory.objects.create(slug="general", name="General")
    topic = topic_create(forum=forum, author=participant.user, category=category, title=SECRET_TITLE, text="Tema")
    return Place(topic, forum)


def _text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


def _imported(host, text="Aporte recogido en el taller de Jaén.") -> Contribution:
    """A contribution without an account, as an offline import stores it."""
    return services.contribution_create(
        target=host, author=None, text=text, author_name="Taller de Jaén", check_rules=False
    )


# --- authorship ----------------------------------------------------------------------------
def test_nobody_is_the_author_of_a_contribution_without_an_account(place):
    contribution = _imported(place.host)

    assert not rules.is_author(AnonymousUser(), contribution)
    assert not rules.is_author(None, contribution)


def test_an_anonymous_visitor_cannot_withdraw_or_rewrite_a_contribution_without_account(client, place):
    contribution = _imported(place.host)

    withdraw = client.post(reverse("discussions:withdraw", args=[contribution.pk]))
    edit = client.post(reverse("discussions:edit", args=[contribution.pk]), {"comment": "Texto falso"})

    assert (withdraw.status_code, edit.status_code) == (403, 403)
    contribution.refresh_from_db()
    assert contribution.comment == "Aporte recogido en el taller de Jaén."
    assert contribution.withdrawn_at is None and contribution.edited_at is None


def test_another_participant_cannot_withdraw_or_edit_someone_elses(client, place, participant, other):
    contribution = services.contribution_create(target=place.host, author=participant.user, text="Mío")
    client.force_login(other.user)

    assert client.post(reverse("discussions:withdraw", args=[contribution.pk])).status_code == 403
    assert client.post(reverse("discussions:edit", args=[contribution.pk]), {"comment": "X"}).status_code == 403
    contribution.refresh_from_db()
    assert contribution.comment == "Mío" and not contribution.is_withdrawn


def test_a_withdrawal_deletes_nothing_moderators_still_read_every_earlier_text(client, place, participant):
    contribution = services.contribution_create(target=place.host, author=participant.user, text="Primera versión")
    services.contribution_edit(contribution=contribution, editor=participant.user, text="Segunda versión")
    client.force_login(participant.user)

    client.post(reverse("discussions:withdraw", args=[contribution.pk]))

    contribution.refresh_from_db()
    assert contribution.is_withdrawn and contribution.comment == ""
    assert list(contribution.revisions.values_list("comment", flat=True)) == ["Primera versión", "Segunda versión"]
    page = _text(client.get(place.host.get_url()))
    assert "Segunda versión" not in page and "Primera versión" not in page


def test_a_suspended_participant_can_neither_post_nor_edit(client, place, participant):
    contribution = services.contribution_create(target=place.host, author=participant.user, text="Antes")
    participant.suspended_at, participant.suspension_reason = timezone.now(), "Insultos"
    participant.save()
    client.force_login(participant.user)

    posted = client.post(reverse("discussions:post"), _form_data(place.host, comment="Después"))
    edited = client.post(reverse("discussions:edit", args=[contribution.pk]), {"comment": "Cambiado"})

    assert (posted.status_code, edited.status_code) == (403, 403)
    assert not Contribution.objects.filter(comment__in=["Después", "Cambiado"]).exists()


def test_a_held_contribution_whose_author_left_shows_its_text_to_nobody(client, place, participant):
    contribution = services.contribution_create(target=place.host, author=participant.user, text="Texto ofensivo")
    for reporter in ParticipantFactory.create_batch(3):
        services.flag_create(contribution=contribution, user=reporter.user, reason="abusive")
    participant_delete(user=participant.user)
    contribution.refresh_from_db()
    assert contribution.status == Status.HELD and contribution.user_id is None

    page = _text(client.get(place.host.get_url()))

    assert "Texto ofensivo" not in page


# --- one visibility rule for every discussion path ------------------------------------------
PATHS = ["reply", "flag", "flag_post", "react", "follow", "follow_thread", "post", "edit", "withdraw"]


def _attack(client, path, place, contribution):
    host_fields = {"content_type": place.host._meta.label_lower, "object_pk": str(place.host.pk)}
    pk = contribution.pk
    return {
        "reply": lambda: client.get(reverse("discussions:reply", args=[pk])),
        "flag": lambda: client.get(reverse("discussions:flag", args=[pk])),
        "flag_post": lambda: client.post(reverse("discussions:flag", args=[pk]), {"reason": "spam"}),
        "react": lambda: client.post(reverse("discussions:react", args=[pk]), {"kind": "support"}),
        "follow": lambda: client.post(reverse("discussions:follow"), {**host_fields, "following": "1"}),
        "follow_thread": lambda: client.post(
            reverse("discussions:follow"), {**host_fields, "following": "1", "thread": str(pk)}
        ),
        "post": lambda: client.post(reverse("discussions:post"), _form_data(place.host, comment="Respuesta colada")),
        "edit": lambda: client.post(reverse("discussions:edit", args=[pk]), {"comment": "Reescrito"}),
        "withdraw": lambda: client.post(reverse("discussions:withdraw", args=[pk])),
    }[path]()


@pytest.mark.parametrize("how", ["hidden", "password", "group"])
@pytest.mark.parametrize("path", PATHS)
def test_a_discussion_the_reader_may_not_see_is_a_404_that_names_nothing(client, place, participant, other, how, path):
    contribution = services.contribution_create(target=place.host, author=participant.user, text="Texto del hilo")
    if how == "hidden":
        place.hide()
    elif how == "password":
        place.restrict()
    else:
        place.restrict_to_group(Group.objects.create(name="Mesa técnica"))
    follows, flags, reactions = Follow.objects.count(), Flag.objects.count(), Reaction.objects.count()
    client.force_login(participant.user if path in ("edit", "withdraw") else other.user)

    response = _attack(client, path, place, contribution)

    assert response.status_code == 404
    shown = _text(response)
    assert SECRET_TITLE not in shown and "Texto del hilo" not in shown
    assert place.host.get_url() not in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.comment == "Texto del hilo" and not contribution.is_withdrawn
    assert (Follow.objects.count(), Flag.objects.count(), Reaction.objects.count()) == (follows, flags, reactions)
    assert not Contribution.objects.filter(comment="Respuesta colada").exists()


def test_a_reader_who_entered_the_password_may_take_part(client, place, other):
    restriction = place.restrict()
    client.force_login(other.user)
    session = client.session
    session[restriction.passed_view_restrictions_session_key] = [restriction.pk]
    session.save()

    response = client.post(reverse("discussions:post"), _form_data(place.host, comment="Con la clave"))

    assert response.status_code == 302
    assert Contribution.objects.filter(comment="Con la clave").exists()


def test_the_services_refuse_a_host_the_author_may_not_see(place, other):
    place.hide()
    with pytest.raises(NotFound):
        services.contribution_create(target=place.host, author=other.user, text="Por la puerta de atrás")


@pytest.mark.parametrize("how", ["hidden", "password"])
def test_a_follower_who_can_no_longer_read_the_discussion_is_not_mailed(place, participant, other, how):
    services.follow_set(user=other.user, target=place.host, following=True)
    first = services.contribution_create(target=place.host, author=participant.user, text="Antes del cambio")
    mail.outbox.clear()
    if how == "hidden":
        place.hide()
    else:
        place.restrict()

    from discussions.tasks import notify_followers

    notify_followers.call(contribution_id=first.pk, event="created")

    assert [message for message in mail.outbox if other.user.email in message.to] == []


def test_a_reader_in_the_restricted_group_is_still_mailed(
    place, participant, other, django_capture_on_commit_callbacks
):
    group = Group.objects.create(name="Mesa técnica")
    other.user.groups.add(group)
    participant.user.groups.add(group)
    services.follow_set(user=other.user, target=place.host, following=True)
    place.restrict_to_group(group)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_create(target=place.host, author=participant.user, text="Para el grupo")

    assert [message.to for message in mail.outbox] == [[other.user.email]]


# --- live history is public history -------------------------------------------------------
def async_to_sync_run(coroutine):
    async def run():
        return await coroutine

    return async_to_sync(run)()


async def _catch_up_everything(host) -> list[dict]:
    communicator = WebsocketCommunicator(application, live.websocket_path(host), headers=ORIGIN)
    connected, _ = await communicator.connect()
    assert connected
    try:
        await communicator.receive_json_from()  # hello
        await communicator.send_json_to({"type": "catch_up", "after": 0})
        received = []
        while True:
            message = await communicator.receive_json_from(timeout=5)
            if message["type"] in ("caught_up", "reload"):
                return [*received, message]
            received.append(message)
    finally:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_catching_up_from_the_start_replays_only_what_the_page_shows_now(place, participant, other, admin_user):
    leaving = ParticipantFactory(display_name="Nombre Que Se Borra")
    withdrawn = services.contribution_create(target=place.host, author=participant.user, text="Texto retirado")
    removed = services.contribution_create(target=place.host, author=other.user, text="Texto removido")
    edited = services.contribution_create(target=place.host, author=other.user, text="Texto antes de editar")
    services.contribution_create(target=place.host, author=leaving.user, text="Aporte de quien se va")
    services.contribution_withdraw(contribution=withdrawn, author=participant.user)
    services.moderation_remove(contribution=removed, moderator=admin_user, reason="Datos personales de terceros")
    services.contribution_edit(contribution=edited, editor=other.user, text="Texto después de editar")
    participant_delete(user=leaving.user)

    received = async_to_sync_run(_catch_up_everything(place.host))

    everything = " ".join(message.get("html", "") for message in received)
    for secret in (
        "Texto retirado",
        "Texto removido",
        "Datos personales de terceros",
        "Texto antes de editar",
        "Nombre Que Se Borra",
    ):
        assert secret not in everything
    assert "Texto después de editar" in everything and "Aporte de quien se va" in everything
    assert received[-1] == {"type": "caught_up"}


def test_a_held_contribution_makes_no_public_event(place, participant):
    contribution = services.contribution_create(target=place.host, author=participant.user, text="Publicado")
    for reporter in ParticipantFactory.create_batch(3):
        services.flag_create(contribution=contribution, user=reporter.user, reason="abusive")
    contribution.refresh_from_db()
    assert contribution.status == Status.HELD

    messages, reload = live.events_after(contribution.content_type_id, contribution.object_pk, 0)

    assert not reload
    assert all("Publicado" not in message.get("html", "") for message in messages)


def test_old_events_are_pruned_and_a_reader_from_before_is_asked_to_reload(place, participant):
    first = services.contribution_create(target=place.host, author=participant.user, text="Hace mucho")
    seen = live.last_event_id(first.content_type_id, first.object_pk)
    services.contribution_create(target=place.host, author=participant.user, text="También hace mucho")
    services.contribution_create(target=place.host, author=participant.user, text="Reciente")
    DiscussionEvent.objects.filter(pk__lte=seen + 1).update(created_at=timezone.now() - timedelta(days=400))

    call_command("prune_discussion_events", "--days", "30", stdout=io.StringIO())

    assert not DiscussionEvent.objects.filter(pk=seen).exists()
    messages, reload = live.events_after(first.content_type_id, first.object_pk, seen - 1)
    assert reload and messages == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("how", ["hidden", "password"])
def test_the_live_layer_of_a_discussion_the_reader_may_not_see_is_refused(place, how):
    if how == "hidden":
        place.hide()
    else:
        place.restrict()

    async def connect():
        communicator = WebsocketCommunicator(application, live.websocket_path(place.host), headers=ORIGIN)
        await communicator.connect()
        closed = await communicator.receive_output(timeout=3)
        await communicator.disconnect()
        return closed

    closed = async_to_sync_run(connect())
    assert closed == {"type": "websocket.close", "code": CLOSE_NOT_FOUND}


# --- roles ----------------------------------------------------------------------------------
def _member(group_name: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_an_editor_can_neither_moderate_nor_suspend(client, place, participant):
    editor = _member(EDITORS)
    contribution = services.contribution_create(target=place.host, author=participant.user, text="Reportado")
    client.force_login(editor)

    assert client.get(reverse("moderation:index")).status_code in (302, 403)
    assert client.post(
        reverse("moderation:edit", args=[contribution.pk]), {"decision": "remove", "removal_reason": "No"}
    ).status_code in (302, 403)
    with pytest.raises(NotAllowed):
        services.moderation_remove(contribution=contribution, moderator=editor, reason="No")
    with pytest.raises(PermissionDenied):
        participant_suspend(participant=participant, moderator=editor, reason="No")
    contribution.refresh_from_db()
    participant.refresh_from_db()
    assert contribution.status == Status.PUBLISHED and not participant.is_suspended


def test_a_moderator_cannot_record_the_governments_response(client, place, participant):
    moderator = _member(MODERATORS)
    contribution = services.contribution_create(target=place.host, author=participant.user, text="Propuesta")
    client.force_login(moderator)

    assert client.get(reverse("responses:index")).status_code in (302, 403)
    response = client.post(
        reverse("responses:edit", args=[contribution.pk]),
        {"response_status": "accepted", "response_text": "Aceptado por quien no debe"},
    )
    assert response.status_code in (302, 403)
    with pytest.raises(NotAllowed):
        services.response_record(contribution=contribution, status="accepted", text="No", responder=moderator)
    contribution.refresh_from_db()
    assert contribution.response_status == ""


def test_government_staff_respond_and_moderators_moderate(client, place, participant):
    contribution = services.contribution_create(target=place.host, author=participant.user, text="Propuesta")
    government, moderator = _member(GOVERNMENT), _member(MODERATORS)

    services.response_record(contribution=contribution, status="accepted", text="Se incorpora.", responder=government)
    services.moderation_remove(contribution=contribution, moderator=moderator, reason="Duplicado")

    contribution.refresh_from_db()
    assert (contribution.response_status, contribution.status) == ("accepted", Status.REMOVED)
    client.force_login(moderator)
    assert client.get(reverse("moderation:index")).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_moderation_channel_refuses_an_editor():
    from discussions.consumers import ModerationConsumer

    editor = _member(EDITORS)

    async def connect():
        communicator = WebsocketCommunicator(ModerationConsumer.as_asgi(), "/ws/moderation/")
        communicator.scope["user"] = editor
        await communicator.connect()
        closed = await communicator.receive_output(timeout=3)
        await communicator.disconnect()
        return closed

    assert async_to_sync_run(connect()) == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


def test_participant_suspend_needs_a_reason_and_the_permission(participant):
    moderator = _member(MODERATORS)
    with pytest.raises(ValidationError):
        participant_suspend(participant=participant, moderator=moderator, reason=" ")
    participant_suspend(participant=participant, moderator=moderator, reason="Amenazas")
    participant.refresh_from_db()
    assert participant.is_suspended


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reader_whose_discussion_is_hidden_meanwhile_is_let_go_at_the_next_heartbeat(place):
    async def hear_then_heartbeat():
        communicator = WebsocketCommunicator(application, live.websocket_path(place.host), headers=ORIGIN)
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()  # hello
        await database_sync_to_async(place.hide)()
        await communicator.send_json_to({"type": "ping", "after": 0})
        closed = await communicator.receive_output(timeout=3)
        await communicator.disconnect()
        return closed

    assert async_to_sync_run(hear_then_heartbeat()) == {"type": "websocket.close", "code": CLOSE_NOT_FOUND}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readers_of_a_restricted_discussion_who_passed_it_hear_it_live(place, participant, other):
    group = Group.objects.create(name="Mesa técnica")
    other.user.groups.add(group)
    participant.user.groups.add(group)
    place.restrict_to_group(group)
    client = Client()
    client.force_login(other.user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    async def follow():
        headers = [*ORIGIN, (b"cookie", cookie.encode())]
        communicator = WebsocketCommunicator(application, live.websocket_path(place.host), headers=headers)
        connected, _ = await communicator.connect()
        assert connected
        try:
            await communicator.receive_json_from()  # hello
            await database_sync_to_async(services.contribution_create)(
                target=place.host, author=participant.user, text="Solo para la mesa técnica"
            )
            while True:
                message = await communicator.receive_json_from(timeout=3)
                if message["type"] == "contribution.created":
                    return message
        finally:
            await communicator.disconnect()

    assert "Solo para la mesa técnica" in async_to_sync_run(follow())["html"]
