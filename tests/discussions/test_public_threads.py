"""The anonymous readers' thread list, rendered once and kept in the cache: every attack
on it warms the cache as one reader and reads it as another, or changes the discussion
between the two."""

from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction

from accounts.services import participant_delete
from discussions import services
from tests.accounts.factories import ParticipantFactory
from tests.consultations.factories import ConsultationPageFactory, section

pytestmark = pytest.mark.django_db

HELD_TEXT = "Texto retenido que solo su autora puede leer"


def _threads(response):
    """The page's list of threads (``None`` when it shows none)."""
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one("ol.threads")


def _article(response, contribution):
    return _threads(response).find("article", id=contribution.anchor)


def _body(response, contribution) -> str:
    body = _article(response, contribution).find(class_="contribution__body")
    return body.get_text(" ", strip=True) if body else ""


def _anonymous_twice(page, **query):
    """The page for two anonymous readers in turn: the first renders, the second reads the cache."""
    first = Client().get(page.url, query)
    second = Client().get(page.url, query)
    assert str(_threads(first)) == str(_threads(second))
    return second


def test_signed_in_readers_controls_never_reach_an_anonymous_reader(
    client, consultation, contribute, participant, other
):
    mine = contribute(participant, text="Mi aporte")
    theirs = contribute(other, text="El aporte de otra persona")
    client.force_login(participant.user)
    signed_in = client.get(consultation.url)
    assert _threads(signed_in).find("form", class_="reactions")  # the reader's controls, with a CSRF token
    assert _article(signed_in, mine).find("a", href=reverse("discussions:withdraw", args=[mine.pk]))

    for anonymous in (Client().get(consultation.url), Client().get(consultation.url)):
        threads = _threads(anonymous)
        assert threads.find("form") is None
        assert threads.find("input", attrs={"name": "csrfmiddlewaretoken"}) is None
        assert not threads.find_all("a", href=reverse("discussions:withdraw", args=[mine.pk]))
        assert not threads.find_all("a", href=reverse("discussions:flag", args=[theirs.pk]))
        assert _body(anonymous, theirs) == "El aporte de otra persona"


def test_a_cache_warmed_anonymously_still_gives_a_signed_in_reader_their_controls(
    client, consultation, contribute, participant, other
):
    mine = contribute(participant, text="Mi aporte")
    _anonymous_twice(consultation)
    client.force_login(participant.user)
    signed_in = client.get(consultation.url)
    assert _article(signed_in, mine).find("a", href=reverse("discussions:withdraw", args=[mine.pk]))
    client.force_login(other.user)
    reactions = _article(client.get(consultation.url), mine).find("form", class_="reactions")
    assert reactions.find("input", attrs={"name": "csrfmiddlewaretoken"})


def test_a_held_contribution_is_shown_to_its_author_only_and_to_everyone_once_approved(
    client, plan, participant, admin_user
):
    page = ConsultationPageFactory(parent=plan, premoderated=True)
    held = services.contribution_create(target=page, author=participant.user, text=HELD_TEXT)
    client.force_login(participant.user)
    assert _body(client.get(page.url), held) == HELD_TEXT  # the author's page, "only you can see this"

    anonymous = _anonymous_twice(page)
    assert _threads(anonymous) is None
    assert HELD_TEXT not in anonymous.content.decode()

    services.moderation_approve(contribution=held, moderator=admin_user)
    assert _body(Client().get(page.url), held) == HELD_TEXT


@pytest.mark.parametrize("change", ["edit", "withdraw", "remove", "respond", "react", "hide"])
def test_every_visible_change_reaches_an_anonymous_reader_at_once(
    consultation, contribute, participant, other, admin_user, change
):
    contribution = contribute(participant, text="Texto original")
    before = _anonymous_twice(consultation)
    assert _body(before, contribution) == "Texto original"

    if change == "edit":
        services.contribution_edit(contribution=contribution, editor=participant.user, text="Texto corregido")
    elif change == "withdraw":
        services.contribution_withdraw(contribution=contribution, author=participant.user)
    elif change == "remove":
        contribute(other, parent=contribution, text="Una respuesta")  # keeps the placeholder in the thread
        services.moderation_remove(contribution=contribution, moderator=admin_user, reason="Insultos.")
    elif change == "respond":
        services.response_record(contribution=contribution, status="accepted", text="Lo haremos.", responder=admin_user)
    elif change == "react":
        services.reaction_set(contribution=contribution, user=other.user, kind="support")
    elif change == "hide":
        for reporter in [other, *ParticipantFactory.create_batch(2)]:
            services.flag_create(contribution=contribution, user=reporter.user, reason="spam")
    after = Client().get(consultation.url)

    article = _article(after, contribution) if _threads(after) else None
    if change == "edit":
        assert _body(after, contribution) == "Texto corregido"
    elif change in ("withdraw", "remove"):
        assert "Texto original" not in article.get_text()
        assert article.find(class_="contribution__placeholder")
    elif change == "respond":
        assert "Lo haremos." in article.find("aside", class_="response").get_text()
    elif change == "react":
        assert article.find(attrs={"data-count": "support"}).get_text() == "1"
    elif change == "hide":
        assert article is None and "Texto original" not in after.content.decode()


def test_a_deleted_account_is_shown_anonymised_and_its_reactions_gone(consultation, contribute, participant, other):
    contribution = contribute(participant, text="Mi aporte")
    services.reaction_set(contribution=contribution, user=other.user, kind="support")
    before = _anonymous_twice(consultation)
    assert "Rosa Huamán" in _article(before, contribution).get_text()

    participant_delete(user=other.user)  # their support goes
    assert (
        _article(Client().get(consultation.url), contribution).find(attrs={"data-count": "support"}).get_text() == "0"
    )
    participant_delete(user=participant.user)
    assert "Rosa Huamán" not in _threads(Client().get(consultation.url)).get_text()


def test_the_reply_links_go_when_the_consultation_closes_by_the_clock(plan, participant):
    # Closing within the cache's lifetime: the entry of the open consultation is still there.
    page = ConsultationPageFactory(parent=plan, closes_at=timezone.now() + timedelta(minutes=2))
    contribution = services.contribution_create(target=page, author=participant.user, text="Aporte")
    reply_url = reverse("discussions:reply", args=[contribution.pk])
    assert _article(_anonymous_twice(page), contribution).find("a", href=reply_url)
    with time_machine.travel(page.closes_at + timedelta(minutes=1)):
        assert _article(Client().get(page.url), contribution).find("a", href=reply_url) is None


def test_a_new_section_heading_shows_without_any_contribution_changing(consultation, contribute, participant):
    contribution = contribute(participant, section_anchor="objetivo")
    assert "Objetivo" in _article(_anonymous_twice(consultation), contribution).get_text()
    consultation.body = [section("Meta regional", "objetivo"), section("Actividades", "actividades")]
    consultation.save_revision().publish()
    heading = _article(Client().get(consultation.url), contribution).find(class_="contribution__section")
    assert "Meta regional" in heading.get_text()


def test_orderings_pages_and_sections_are_each_their_own_entry(consultation, participant):
    moment = timezone.now() - timedelta(hours=1)
    with time_machine.travel(moment, tick=False) as traveller:
        for number in range(21):
            traveller.shift(timedelta(seconds=10))
            services.contribution_create(
                target=consultation,
                author=participant.user,
                text=f"Aporte {number}",
                section_anchor="actividades" if number == 3 else "",
                check_rules=False,
            )

    def texts(**query):
        threads = _threads(_anonymous_twice(consultation, **query))
        return [body.get_text(strip=True) for body in threads.select("ol.threads > li > article .contribution__body")]

    assert texts()[:2] == ["Aporte 0", "Aporte 1"] and len(texts()) == 20
    assert texts(orden="newest")[:2] == ["Aporte 20", "Aporte 19"]
    assert texts(pagina=2) == ["Aporte 20"]
    assert texts(pagina="no-es-un-número")[:1] == ["Aporte 0"]
    assert texts(pagina=99) == ["Aporte 20"]  # past the end: the last page
    assert texts(seccion="actividades") == ["Aporte 3"]
    assert texts(orden="inventado")[:2] == ["Aporte 0", "Aporte 1"]


def test_each_language_gets_its_own_entry(client, consultation, contribute, participant):
    contribute(participant)
    english = consultation.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.save_revision().publish()
    spanish_reply = _threads(_anonymous_twice(consultation)).find("a", attrs={"data-inplace": "reply"})
    english_reply = _threads(_anonymous_twice(english)).find("a", attrs={"data-inplace": "reply"})
    assert spanish_reply.get_text() == "Responder"
    assert english_reply.get_text() == "Reply"
    assert spanish_reply["href"] != english_reply["href"]  # each language's URL


def test_a_warm_cache_serves_nothing_of_a_restricted_or_unpublished_page(consultation, contribute, participant):
    contribute(participant, text="Aporte sobre un borrador reservado")
    insider = Client()
    PageViewRestriction.objects.create(page=consultation, restriction_type="password", password="clave")
    form = insider.get(consultation.url)
    assert "Aporte sobre un borrador reservado" not in form.content.decode()
    restriction = PageViewRestriction.objects.get(page=consultation)
    session = insider.session  # the insider entered the password
    session[restriction.passed_view_restrictions_session_key] = [restriction.pk]
    session.save()
    assert "Aporte sobre un borrador reservado" in _threads(insider.get(consultation.url)).get_text()

    outsider = Client().get(consultation.url)
    assert "Aporte sobre un borrador reservado" not in outsider.content.decode()
    consultation.unpublish()
    assert insider.get(consultation.url).status_code == 404


@pytest.mark.parametrize("logged_in", [False, True])
def test_a_served_page_costs_the_same_few_queries_whatever_the_discussions_size(plan, logged_in, participant, other):
    def queries_for(count: int) -> tuple[int, int]:
        """(a page served again, the same page in another order, rendered)."""
        page = ConsultationPageFactory(parent=plan)
        for number in range(count):
            services.contribution_create(
                target=page, author=(participant, other)[number % 2].user, text=f"Aporte {number}", check_rules=False
            )
        reader = Client()
        if logged_in:
            reader.force_login(participant.user)
        reader.get(page.url)  # renders, and fills the per-process caches (content types, site root paths)
        counts = []
        for query in ({}, {"orden": "newest"}):
            with CaptureQueriesContext(connection) as queries:
                assert reader.get(page.url, query).status_code == 200
            counts.append(len(queries))
        return counts[0], counts[1]

    small_served, small_rendered = queries_for(5)
    large_served, large_rendered = queries_for(60)
    assert small_served == large_served
    assert small_rendered == large_rendered
    if not logged_in:
        assert large_served < large_rendered


@pytest.mark.parametrize("logged_in", [False, True])
def test_replies_are_nested_in_their_parents_article(client, consultation, contribute, participant, other, logged_in):
    top = contribute(participant, text="Hilo")
    reply = contribute(other, parent=top, text="Respuesta")
    deeper = contribute(participant, parent=reply, text="Respuesta a la respuesta")
    sibling = contribute(other, parent=top, text="Otra respuesta")
    second = contribute(other, text="Segundo hilo")
    if logged_in:
        client.force_login(participant.user)
    threads = _threads(client.get(consultation.url))

    def replies_of(contribution):
        article = threads.find("article", id=contribution.anchor)
        replies = article.find("ol", class_="replies", recursive=False)
        return [li.find("article", recursive=False)["id"] for li in replies.find_all("li", recursive=False)]

    top_level = [li.find("article", recursive=False)["id"] for li in threads.find_all("li", recursive=False)]
    assert top_level == [top.anchor, second.anchor]
    assert replies_of(top) == [reply.anchor, sibling.anchor]
    assert replies_of(reply) == [deeper.anchor]
    assert threads.find("article", id=deeper.anchor).find("ol") is None
