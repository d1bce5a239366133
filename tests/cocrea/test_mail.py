"""Every kind of mail the site sends, sent as it is in use, and every link in each one:
on the site's public address (SITE_URL), and leading to a page that answers there."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Site

from core.models import Sector, Territory
from core.roles import EDITORS, MODERATORS, REVIEWERS
from discussions import services
from forum import services as forum_services
from tests.accounts.factories import ParticipantFactory
from tests.consultations.test_admin import _consultation_form

pytestmark = pytest.mark.django_db

PASSWORD = "una-contraseña-larga-de-prueba"
LINK = re.compile(r"https?://[^\s<>\"]+")


@pytest.fixture
def site_client() -> Client:
    """A visitor who reaches the site at its public address, as the mail's reader does."""
    return Client(HTTP_HOST=urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc)


def _send_every_kind(site_client, after_commit, consultation, participant, other, forum, categories, official):
    """Each mail, by what makes the site send it (mail goes after the commit); the
    messages by kind."""
    sent = {}

    def collect(kind: str):
        sent[kind] = list(mail.outbox)
        mail.outbox.clear()

    mail.outbox.clear()
    with translation.override("es"):
        account = {
            "email": "rosa.quispe@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "Rosa Quispe",
            "sector": Sector.CITIZEN,
            "territory": Territory.objects.get(slug="jaen").pk,
            "accept_terms": "on",
        }
        site_client.post(reverse("accounts:register"), account)
        collect("confirmation")
        site_client.post(reverse("accounts:register"), account)
        collect("existing account")
        site_client.post(reverse("accounts:password_reset"), {"email": "rosa.quispe@example.org"})
        collect("password reset")

    services.follow_set(user=participant.user, target=consultation, following=True)
    with after_commit(execute=True):
        first = services.contribution_create(target=consultation, author=other.user, text="Propongo publicarlo.")
    collect("follow-up")
    with after_commit(execute=True):
        services.contribution_create(
            target=consultation, author=official.user, text="Lo publicaremos.", parent=first, official=True
        )
    collect("official reply")
    with after_commit(execute=True):
        services.response_record(contribution=first, status="accepted", text="Al hito 2.", responder=official.user)
    collect("response")
    moderator = ParticipantFactory(display_name="Moderadora").user
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    with after_commit(execute=True):
        services.moderation_remove(contribution=first, moderator=moderator, reason="Datos personales.")
    collect("removal notice")

    category = categories["audiencias-publicas"]
    forum_services.category_follow(user=participant.user, forum=forum, category=category, following=True)
    with after_commit(execute=True):
        topic = forum_services.topic_create(
            forum=forum, author=other.user, category=category, title="Audiencias en Jaén", text="¿Cuándo?"
        )
    collect("forum new topic")
    services.subscription_set(user=participant.user, subject=topic, following=True)
    with after_commit(execute=True):
        services.contribution_create(target=topic, author=official.user, text="En marzo.")
    collect("forum follow-up")

    reviewer = get_user_model().objects.create_user("revisora", "revisora@example.org", PASSWORD)
    reviewer.groups.add(Group.objects.get(name=REVIEWERS))
    editor = get_user_model().objects.create_user("editora", "editora@example.org", PASSWORD)
    editor.groups.add(Group.objects.get(name=EDITORS))
    site_client.force_login(editor)
    moment = timezone.now()
    form = _consultation_form(
        "Compromiso en revisión", opens_at=moment, closes_at=moment + timedelta(days=9), sections=[("Objetivo", "")]
    )
    add = reverse("wagtailadmin_pages:add", args=("consultations", "consultationpage", consultation.get_parent().pk))
    with after_commit(execute=True):
        site_client.post(add, {**form, "action-submit": "1"})
    site_client.logout()
    collect("page submitted for review")
    return sent


def test_every_mail_links_to_pages_that_answer_on_the_public_address(
    site_client, django_capture_on_commit_callbacks, consultation, participant, other, forum, categories, official
):
    sent = _send_every_kind(
        site_client, django_capture_on_commit_callbacks, consultation, participant, other, forum, categories, official
    )

    assert all(sent.values()), f"no mail for: {[kind for kind, messages in sent.items() if not messages]}"
    public = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/"
    reader = Client(HTTP_HOST=urlsplit(public).netloc)
    checked = 0
    for kind, messages in sent.items():
        links = {link.rstrip(".,)") for message in messages for link in LINK.findall(message.body)}
        assert links, f"{kind}: no link"
        for link in sorted(links):
            assert link.startswith(public), f"{kind}: {link} is not on {public}"
            parts = urlsplit(link)
            response = reader.get(parts.path, data=dict(_query(parts.query)), follow=True)
            assert response.status_code == 200, f"{kind}: {link} answered {response.status_code}"
            checked += 1
    assert checked >= len(sent)


def test_the_default_site_is_where_pages_are_linked_from(consultation):
    site = Site.objects.get(is_default_site=True)

    assert site.root_url == settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    assert consultation.full_url.startswith(settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/es/")


def test_forum_mail_names_a_topic_a_topic(
    django_capture_on_commit_callbacks, participant, other, official, forum, categories
):
    topic = forum_services.topic_create(
        forum=forum, author=other.user, category=categories["audiencias-publicas"], title="Audiencias", text="¿Cuándo?"
    )
    services.subscription_set(user=participant.user, subject=topic, following=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_create(target=topic, author=official.user, text="En marzo.")

    (message,) = [message for message in mail.outbox if message.to == [participant.user.email]]
    assert "el tema del foro “Audiencias”" in message.body
    assert "consulta" not in message.body


def _query(query: str) -> list[tuple[str, str]]:
    return [tuple(pair.split("=", 1)) for pair in query.split("&") if "=" in pair]
