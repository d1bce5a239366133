"""The moderation queue and the responses list work like Wagtail's own listings, and the
dashboard says what waits, each panel for those whose work it is."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from core.roles import EDITORS, GOVERNMENT, MODERATORS
from discussions import services
from discussions.models import Contribution, ResponseStatus, Status
from tests.accounts.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


def _staff(name: str, group: str):
    user = UserFactory(username=f"{name}@example.org")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def moderator(db):
    return _staff("moderadora", MODERATORS)


@pytest.fixture
def responder(db):
    return _staff("gerencia", GOVERNMENT)


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _held(contribute, participant, text="Un aporte retenido para revisión"):
    contribution = contribute(participant, text=text)
    for reporter in ParticipantFactory.create_batch(3):
        services.flag_create(contribution=contribution, user=reporter.user, reason="abusive")
    return contribution


def test_the_queue_links_each_excerpt_to_its_decision_and_carries_the_row_actions(
    client, moderator, contribute, participant
):
    held = _held(contribute, participant)
    client.force_login(moderator)

    page = _soup(client.get(reverse("moderation:index"), HTTP_ACCEPT_LANGUAGE="es"))

    title = page.find("a", string=lambda text: text and "Un aporte retenido" in text)
    assert title["href"] == reverse("moderation:edit", args=[held.pk])
    approve = page.find("button", attrs={"data-w-action-url-value": reverse("moderation:approve", args=[held.pk])})
    assert approve is not None and "Aprobar" in approve.get_text()
    remove = page.find("a", href=f"{reverse('moderation:edit', args=[held.pk])}?decision=remove")
    assert remove is not None
    assert page.select_one("h1").get_text(strip=True) == "Cola de moderación"
    assert not page.find("a", href=lambda href: href and "/new/" in href)  # nobody adds contributions here


def test_approve_from_the_queue_publishes_and_returns_to_it(client, moderator, contribute, participant):
    held = _held(contribute, participant)
    client.force_login(moderator)

    response = client.post(reverse("moderation:approve", args=[held.pk]), {"next": reverse("moderation:index")})

    assert response.status_code == 302 and response["Location"] == reverse("moderation:index")
    held.refresh_from_db()
    assert held.status == Status.PUBLISHED and held.flag_count == 0


def test_approving_needs_the_moderators_permission_and_a_post(client, responder, moderator, contribute, participant):
    held = _held(contribute, participant)
    url = reverse("moderation:approve", args=[held.pk])
    client.force_login(responder)
    assert client.post(url).status_code in (302, 403)
    held.refresh_from_db()
    assert held.status == Status.HELD

    client.force_login(moderator)
    assert client.get(url).status_code == 405


def test_remove_opens_the_decision_with_remove_chosen(client, moderator, contribute, participant):
    held = _held(contribute, participant)
    client.force_login(moderator)

    page = _soup(client.get(f"{reverse('moderation:edit', args=[held.pk])}?decision=remove"))

    assert page.find("input", attrs={"name": "decision", "value": "remove"}).has_attr("checked")


@pytest.mark.parametrize(
    ("language", "title", "empty"),
    [
        ("es", "Cola de moderación", "Nada espera moderación"),
        ("en", "Moderation queue", "Nothing awaits moderation"),
    ],
)
def test_an_empty_queue_says_so_in_the_readers_language(client, moderator, language, title, empty):
    client.force_login(moderator)

    with translation.override(language):
        page = _soup(client.get(reverse("moderation:index"), HTTP_ACCEPT_LANGUAGE=language))

    assert page.select_one("h1").get_text(strip=True) == title
    assert empty in page.get_text()
    assert "Why not" not in page.get_text() and "There are no" not in page.get_text()


def test_moderators_find_a_withdrawn_contribution_and_its_earlier_texts(client, moderator, contribute, participant):
    contribution = contribute(participant, text="Texto original que luego se retira")
    services.contribution_withdraw(contribution=contribution, author=participant.user)
    client.force_login(moderator)

    listing = _soup(client.get(reverse("moderation:index"), {"shown": "withdrawn"}))
    link = listing.find("a", href=reverse("moderation:edit", args=[contribution.pk]))
    assert link is not None
    details = _soup(client.get(reverse("moderation:inspect", args=[contribution.pk])))
    assert "Texto original que luego se retira" in details.get_text()


def test_the_responses_list_offers_respond_on_each_row_and_no_blank_status(client, responder, contribute, participant):
    contribution = contribute(participant, text="Pedimos publicar los contratos")
    client.force_login(responder)

    listing = _soup(client.get(reverse("responses:index"), HTTP_ACCEPT_LANGUAGE="es"))
    edit = reverse("responses:edit", args=[contribution.pk])
    assert any("Responder" in link.get_text() for link in listing.find_all("a", href=edit))
    form = _soup(client.get(edit))
    statuses = [radio["value"] for radio in form.select("input[name=response_status]")]
    assert statuses == list(ResponseStatus.values)


def test_the_dashboard_shows_what_waits_to_those_whose_work_it_is(
    client, moderator, responder, contribute, participant, consultation
):
    _held(contribute, participant)
    answered = contribute(participant, text="Un aporte sin respuesta")
    consultation.opens_at, consultation.closes_at = (
        timezone.now() - timedelta(days=9),
        timezone.now() - timedelta(days=1),
    )
    consultation.save_revision().publish()
    assert Contribution.objects.filter(pk=answered.pk, response_status="").exists()

    client.force_login(moderator)
    as_moderator = _soup(client.get(reverse("wagtailadmin_home")))
    client.force_login(responder)
    as_responder = _soup(client.get(reverse("wagtailadmin_home")))

    assert as_moderator.select_one("#discussions-moderation-section") is not None
    assert as_moderator.select_one("#discussions-pending-responses-section") is None
    assert as_responder.select_one("#discussions-moderation-section") is None
    pending = as_responder.select_one("#discussions-pending-responses-section")
    assert pending.find("a", string=consultation.title) is not None


def test_open_consultations_closing_this_week_are_on_the_staffs_dashboard(client, responder, consultation):
    consultation.closes_at = timezone.now() + timedelta(days=3)
    consultation.save_revision().publish()
    editor = _staff("editora", EDITORS)

    client.force_login(responder)
    panel = _soup(client.get(reverse("wagtailadmin_home"))).select_one("#consultations-closing-soon-section")

    assert panel.find("a", string=consultation.title) is not None
    client.force_login(editor)  # editors record responses too (core.roles): they see it
    assert _soup(client.get(reverse("wagtailadmin_home"))).select_one("#consultations-closing-soon-section")
