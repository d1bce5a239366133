"""A new kind of page carries discussions through the protocol alone.

``tests/hostapp`` defines a petition page (installed by the test settings only); nothing
in ``discussions`` knows it. It is written, read, moderated, followed live, imported
into and closed like a consultation.
"""

import io

import pytest
from asgiref.sync import async_to_sync
from bs4 import BeautifulSoup
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.management import call_command
from django.urls import reverse

from cocrea.asgi import application
from discussions import hosts, live, services
from discussions.models import Contribution, Status
from tests.accounts.factories import ParticipantFactory
from tests.discussions.test_views import _form_data
from tests.hostapp.models import PetitionPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition(home_page):
    page = PetitionPage(title="Petición: agua para Cutervo", slug="peticion-agua")
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_the_petition_is_a_registered_host_that_implements_everything():
    assert hosts.model_for("hostapp.petitionpage") is PetitionPage
    assert hosts.missing_members(PetitionPage) == []


def test_the_check_names_what_a_host_leaves_unimplemented():
    class HalfHost(hosts.DiscussionHost):
        def is_visible_to(self, user, session=None):
            return True

    assert hosts.missing_members(HalfHost) == [
        "discussion_refusal",
        "discussion_closing_message",
        "search_facets",
        "contribution_url",
    ]


def test_a_participant_comments_on_the_petition_and_reads_it_there(client, petition, participant):
    client.force_login(participant.user)

    response = client.post(reverse("discussions:post"), _form_data(petition, comment="Firmo y apoyo."))

    contribution = Contribution.objects.get(comment="Firmo y apoyo.")
    assert response["Location"] == f"{petition.url}#c{contribution.pk}"
    article = BeautifulSoup(client.get(petition.url).content, "html.parser").find(id=f"c{contribution.pk}")
    assert "Firmo y apoyo." in article.get_text()


def test_a_closed_petition_refuses_with_its_own_reason(client, petition, participant):
    petition.closed = True
    petition.save_revision().publish()
    client.force_login(participant.user)

    response = client.post(reverse("discussions:post"), _form_data(petition, comment="Tarde"))

    assert response.status_code == 403
    assert "ya no recibe firmas" in BeautifulSoup(response.content, "html.parser").get_text()


def test_moderators_filter_the_queue_by_the_new_kind_of_discussion(admin_client, petition, participant):
    contribution = services.contribution_create(target=petition, author=participant.user, text="Ofensivo")
    for reporter in ParticipantFactory.create_batch(3):
        services.flag_create(contribution=contribution, user=reporter.user, reason="abusive")

    listing = admin_client.get(reverse("moderation:index"), {"host": "hostapp.petitionpage"})

    assert listing.status_code == 200
    assert Contribution.objects.get(pk=contribution.pk).status == Status.HELD
    assert "Ofensivo" in BeautifulSoup(listing.content, "html.parser").get_text()


def test_contributions_gathered_offline_are_imported_into_it(petition, tmp_path):
    rows = tmp_path / "firmas.csv"
    rows.write_text(
        "ref,text,author_name,created_at\n1,Firmas recogidas en la feria,Feria de Cutervo,2026-11-20T10:00\n"
    )

    call_command("import_contributions", f"hostapp.petitionpage.{petition.pk}", str(rows), stdout=io.StringIO())

    assert Contribution.objects.filter(comment__contains="Firmas recogidas en la feria").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readers_of_the_petition_hear_new_contributions_live(petition, participant):
    async def follow_and_post():
        origin = [(b"origin", b"http://localhost")]
        reader = WebsocketCommunicator(application, live.websocket_path(petition), headers=origin)
        connected, _ = await reader.connect()
        assert connected
        try:
            await reader.receive_json_from()  # hello
            await database_sync_to_async(services.contribution_create)(
                target=petition, author=participant.user, text="En vivo desde Cutervo"
            )
            while True:
                message = await reader.receive_json_from(timeout=3)
                if message["type"] == "contribution.created":
                    return message
        finally:
            await reader.disconnect()

    message = async_to_sync(follow_and_post)()
    assert "En vivo desde Cutervo" in message["html"]
