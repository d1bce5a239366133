"""The forum's pages: lists, a topic with its replies, starting a topic, moderating,
following a category, the forum's own page, meetings and their calendar."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from core.models import Territory
from discussions import live
from discussions import services as discussions
from forum import services
from forum.models import ForumMeetingPage, ForumMember, MeetingAttendance, Topic
from tests.accounts.factories import ParticipantFactory
from tests.parsed import soup, text, texts

pytestmark = pytest.mark.django_db


def _start(forum, category, author, title, moment=None, **kwargs):
    return services.topic_create(
        forum=forum,
        author=author.user,
        category=category,
        title=title,
        text=f"Texto de {title}.",
        moment=moment,
        **kwargs,
    )


@pytest.fixture
def topics(forum, categories, starter, official):
    now = timezone.now()
    audiencias, presupuesto = categories["audiencias-publicas"], categories["presupuesto-participativo"]
    old = _start(
        forum,
        audiencias,
        starter,
        "Calendario de audiencias",
        now - timedelta(days=3),
        territories=Territory.objects.filter(slug="jaen"),
    )
    recent = _start(forum, presupuesto, official, "Agentes participantes", now - timedelta(days=1))
    quiet = _start(forum, audiencias, starter, "Actas de las audiencias", now - timedelta(days=2))
    return {"old": old, "recent": recent, "quiet": quiet}


def _titles(response) -> list[str]:
    """The topic titles a page lists, in the order it lists them."""
    return texts(soup(response), "main .topic-row__title a")


def _at(forum, name: str, *args) -> str:
    """The address of one of the forum's own pages (forum/page_urls.py)."""
    return forum.url + forum.reverse_subpage(name, args=args)


def _new_badges(response) -> list[str]:
    return texts(soup(response), "main .topic-row__title .badge--open")


def test_topics_are_listed_pinned_first_then_by_latest_activity(client, forum, topics, moderator, official):
    assert _titles(client.get(forum.url)) == [
        "Agentes participantes",
        "Actas de las audiencias",
        "Calendario de audiencias",
    ]
    discussions.contribution_create(target=topics["old"], author=official.user, text="Lo publicaremos.")
    services.topic_moderate(topic=topics["quiet"], moderator=moderator.user, action="pin")
    response = client.get(forum.url)
    assert _titles(response) == ["Actas de las audiencias", "Calendario de audiencias", "Agentes participantes"]
    replied = soup(response).select("main .topic-row")[1]
    assert "1 respuesta" in texts(replied, ".topic-row__meta span")


def test_lists_filter_by_category_province_and_sector(client, forum, topics):
    assert _titles(client.get(_at(forum, "category", "audiencias-publicas"))) == [
        "Actas de las audiencias",
        "Calendario de audiencias",
    ]
    assert _titles(client.get(forum.url, {"territory": "jaen"})) == ["Calendario de audiencias"]
    assert _titles(client.get(forum.url, {"sector": "government"})) == ["Agentes participantes"]
    assert client.get(forum.url, {"sector": "<x>", "territory": "atlantida"}).status_code == 200
    assert client.get(_at(forum, "category", "no-existe")).status_code == 404


def test_a_participant_sees_what_is_new_since_their_last_visit(client, forum, topics, starter, official):
    reader = ParticipantFactory()
    client.force_login(reader.user)
    assert _new_badges(client.get(forum.url)) == ["Nuevo"] * 3
    client.get(topics["old"].url)
    assert len(_new_badges(client.get(forum.url))) == 2
    discussions.contribution_create(target=topics["old"], author=official.user, text="Novedad.")
    assert sorted(_new_badges(client.get(forum.url))) == ["Nuevo", "Nuevo", "Respuestas nuevas"]


def test_a_topic_shows_its_replies_and_the_reply_form(client, forum, topics, starter, official):
    reply = discussions.contribution_create(target=topics["old"], author=official.user, text="Se publicará el día 15.")
    client.force_login(starter.user)
    response = client.get(topics["old"].url)
    discussion = soup(response).select_one("main section.discussion")
    assert response.status_code == 200
    assert text(discussion.select_one(f"article.contribution#c{reply.pk} .contribution__body")) == (
        "Se publicará el día 15."
    )
    assert discussion["data-live-url"] == live.websocket_path(topics["old"])
    assert discussion.select_one("form#aportar textarea[name=comment]") is not None
    # Who starts a topic follows it.
    assert text(discussion.select_one(".discussion__tools button")) == "Dejar de seguir este tema"
    wrong_slug = client.get(_at(forum, "topic", topics["old"].pk, "otro-titulo"))
    assert wrong_slug.status_code == 301 and wrong_slug["Location"].endswith(topics["old"].url)


def test_starting_a_topic_through_the_form(client, forum, categories, starter):
    new_topic = _at(forum, "new_topic")
    assert client.get(new_topic).status_code == 302  # to the login page
    client.force_login(starter.user)
    assert client.get(new_topic).status_code == 200
    data = {
        "title": "Propuesta de reglamento",
        "category": categories["audiencias-publicas"].pk,
        "text": "Que las actas se publiquen en quince días.",
        "territories": ["chota", "cutervo"],
        "tags": "reglamento",
    }
    response = client.post(new_topic, data)
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(topic.url)
    assert sorted(territory.slug for territory in topic.territories.all()) == ["chota", "cutervo"]

    again = client.post(new_topic, data)
    assert again.status_code == 409
    assert "hace un momento" in text(soup(again).select_one("main [role=alert]"))
    assert soup(again).select_one("main form textarea[name=text]").string.strip() == data["text"]  # nothing lost

    unknown = client.post(new_topic, {**data, "title": "Otro", "category": 999999})
    assert unknown.status_code == 400
    assert text(soup(unknown).select_one("main [role=alert]")).startswith("Esa categoría no existe")
    assert Topic.objects.count() == 1


def test_a_locked_topic_says_so_and_a_hidden_topic_is_gone_for_the_public(client, forum, topics, moderator, starter):
    topic = topics["old"]
    services.topic_moderate(topic=topic, moderator=moderator.user, action="lock")
    client.force_login(starter.user)
    discussion = soup(client.get(topic.url)).select_one("main section.discussion")
    assert text(discussion.select_one("p.notice")).startswith("Este tema está cerrado")
    assert discussion.select_one("textarea[name=comment]") is None

    services.topic_moderate(topic=topic, moderator=moderator.user, action="hide", reason="Datos personales")
    assert client.get(topic.url).status_code == 404
    assert "Calendario de audiencias" not in client.get(forum.url).content.decode()  # nowhere in the document
    client.force_login(moderator.user)
    assert client.get(topic.url).status_code == 200


def test_moderators_moderate_from_the_topic_page(client, forum, topics, moderator, starter):
    topic = topics["old"]
    moderate = _at(forum, "moderate", topic.pk)
    client.force_login(starter.user)
    assert soup(client.get(topic.url)).select_one("main details.moderation-tools") is None
    client.post(moderate, {"action": "pin"})
    topic.refresh_from_db()
    assert not topic.pinned

    client.force_login(moderator.user)
    tools = soup(client.get(topic.url)).select_one("main details.moderation-tools")
    assert text(tools.summary) == "Moderar este tema"
    assert client.post(moderate, {"action": "pin"}).status_code == 302
    topic.refresh_from_db()
    assert topic.pinned
    assert client.post(moderate, {"action": "hide"}).status_code == 302  # no reason: refused, said
    topic.refresh_from_db()
    assert not topic.hidden


def test_following_a_category_mails_its_new_topics(
    client, forum, categories, starter, django_capture_on_commit_callbacks
):
    follower = ParticipantFactory(user__email="sigue@example.org")
    client.force_login(follower.user)
    response = client.post(_at(forum, "follow_category", "audiencias-publicas"), {"following": "1"})
    assert response.status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _start(forum, categories["audiencias-publicas"], starter, "Nueva audiencia en Jaén")
        _start(forum, categories["presupuesto-participativo"], starter, "Otro asunto")
    assert [message.to for message in mail.outbox] == [["sigue@example.org"]]
    assert "Nueva audiencia en Jaén" in mail.outbox[0].subject


def test_the_forum_page_about_itself_shows_the_balance_of_its_members(client, forum):
    for name, sector in [
        ("Gerencia", "government"),
        ("Observatorio", "civil_society"),
        ("Mesa", "civil_society"),
        ("Universidad", "academia"),
    ]:
        ForumMember.objects.create(page=forum, name=name, sector=sector)
    page = soup(client.get(_at(forum, "about")))
    members = page.select_one("main section[aria-labelledby=members-heading]")
    rules = page.select_one("main section[aria-labelledby=rules-heading]")
    assert text(members.p) == "4 miembros: 1 del gobierno y 3 de fuera del gobierno."
    assert texts(rules, "p") == ["Se reúne cada seis meses."]


@pytest.fixture
def meetings(forum):
    now = timezone.now()
    past = ForumMeetingPage(
        title="Primera sesión",
        slug="primera",
        starts_at=now - timedelta(days=30),
        place="Cajamarca",
        minutes="<p>Se aprobó el reglamento.</p>",
    )
    forum.add_child(instance=past)
    MeetingAttendance.objects.create(page=past, sector="government", count=5)
    MeetingAttendance.objects.create(page=past, sector="civil_society", count=9)
    past.save_revision().publish()
    upcoming = ForumMeetingPage(
        title="Segunda sesión", slug="segunda", starts_at=now + timedelta(days=10), place="Jaén"
    )
    forum.add_child(instance=upcoming)
    upcoming.save_revision().publish()
    return past, upcoming


def test_meetings_show_on_the_forum_with_minutes_and_attendance(client, forum, meetings):
    past, upcoming = meetings
    next_meeting = soup(client.get(forum.url)).select_one("main .forum-next-meeting a")
    assert (text(next_meeting), next_meeting["href"]) == ("Segunda sesión", upcoming.url)
    page = soup(client.get(past.url))
    assert texts(page, "main section[aria-labelledby=minutes-heading] p") == ["Se aprobó el reglamento."]
    assert text(page.select_one("main section[aria-labelledby=attendance-heading] caption")).startswith("14 personas")


def test_meetings_are_in_the_calendar_feed(client, forum, meetings):
    response = client.get(_at(forum, "calendar"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert [str(event["summary"]) for event in events] == ["Primera sesión", "Segunda sesión"]
    assert str(events[1]["location"]) == "Jaén"
