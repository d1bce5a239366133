"""The forum's pages: lists, a topic with its replies, starting a topic, moderating,
following a category, the forum's own page, meetings and their calendar."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from core.models import Territory
from discussions import services as discussions
from forum import services
from forum.models import ForumMeetingPage, ForumMember, MeetingAttendance, Topic
from tests.accounts.factories import ParticipantFactory

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
    """The topic titles a page shows, in the order it shows them."""
    html = response.content.decode()
    return sorted((topic.title for topic in Topic.objects.all() if topic.title in html), key=html.index)


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
    assert "1 respuesta" in response.content.decode()


def test_lists_filter_by_category_province_and_sector(client, forum, topics):
    assert _titles(client.get(f"{forum.url}categoria/audiencias-publicas/")) == [
        "Actas de las audiencias",
        "Calendario de audiencias",
    ]
    assert _titles(client.get(forum.url, {"territory": "jaen"})) == ["Calendario de audiencias"]
    assert _titles(client.get(forum.url, {"sector": "government"})) == ["Agentes participantes"]
    assert client.get(forum.url, {"sector": "<x>", "territory": "atlantida"}).status_code == 200
    assert client.get(f"{forum.url}categoria/no-existe/").status_code == 404


def test_a_participant_sees_what_is_new_since_their_last_visit(client, forum, topics, starter, official):
    reader = ParticipantFactory()
    client.force_login(reader.user)
    assert client.get(forum.url).content.decode().count("badge--open") == 3
    client.get(topics["old"].url)
    assert client.get(forum.url).content.decode().count("badge--open") == 2
    discussions.contribution_create(target=topics["old"], author=official.user, text="Novedad.")
    html = client.get(forum.url).content.decode()
    assert html.count("badge--open") == 3
    assert "Respuestas nuevas" in html


def test_a_topic_shows_its_replies_and_the_reply_form(client, forum, topics, starter, official):
    reply = discussions.contribution_create(target=topics["old"], author=official.user, text="Se publicará el día 15.")
    client.force_login(starter.user)
    response = client.get(topics["old"].url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="c{reply.pk}"' in html
    assert 'data-live-url="/ws/discussions/forum.topic.' in html
    assert 'name="comment"' in html
    assert "Dejar de seguir este tema" in html  # who starts a topic follows it
    wrong_slug = client.get(f"{forum.url}tema/{topics['old'].pk}-otro-titulo/")
    assert wrong_slug.status_code == 301 and wrong_slug["Location"].endswith(topics["old"].url)


def test_starting_a_topic_through_the_form(client, forum, categories, starter):
    new_topic = f"{forum.url}nuevo/"
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
    assert "hace un momento" in again.content.decode()
    assert "Que las actas se publiquen en quince días." in again.content.decode()  # nothing lost

    unknown = client.post(new_topic, {**data, "title": "Otro", "category": 999999})
    assert unknown.status_code == 400
    assert "Esa categoría no existe" in unknown.content.decode()
    assert Topic.objects.count() == 1


def test_a_locked_topic_says_so_and_a_hidden_topic_is_gone_for_the_public(client, forum, topics, moderator, starter):
    topic = topics["old"]
    services.topic_moderate(topic=topic, moderator=moderator.user, action="lock")
    client.force_login(starter.user)
    html = client.get(topic.url).content.decode()
    assert "Este tema está cerrado" in html and 'name="comment"' not in html

    services.topic_moderate(topic=topic, moderator=moderator.user, action="hide", reason="Datos personales")
    assert client.get(topic.url).status_code == 404
    assert "Calendario de audiencias" not in client.get(forum.url).content.decode()
    client.force_login(moderator.user)
    assert client.get(topic.url).status_code == 200


def test_moderators_moderate_from_the_topic_page(client, forum, topics, moderator, starter):
    topic = topics["old"]
    moderate = f"{forum.url}tema/{topic.pk}/moderar/"
    client.force_login(starter.user)
    assert "Moderar este tema" not in client.get(topic.url).content.decode()
    client.post(moderate, {"action": "pin"})
    topic.refresh_from_db()
    assert not topic.pinned

    client.force_login(moderator.user)
    assert "Moderar este tema" in client.get(topic.url).content.decode()
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
    response = client.post(f"{forum.url}categoria/audiencias-publicas/seguir/", {"following": "1"})
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
    html = client.get(f"{forum.url}acerca/").content.decode()
    assert "4 miembros: 1 del gobierno y 3 de fuera del gobierno." in html
    assert "Se reúne cada seis meses." in html


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
    past, _upcoming = meetings
    assert "Segunda sesión" in client.get(forum.url).content.decode()  # the next meeting
    html = client.get(past.url).content.decode()
    assert "Se aprobó el reglamento." in html and "14 personas" in html


def test_meetings_are_in_the_calendar_feed(client, forum, meetings):
    response = client.get(f"{forum.url}reuniones.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert [str(event["summary"]) for event in events] == ["Primera sesión", "Segunda sesión"]
    assert str(events[1]["location"]) == "Jaén"
