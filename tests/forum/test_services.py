from datetime import timedelta

import pytest
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from core.models import Territory
from discussions import services as discussions
from discussions.errors import NotAllowed, NotFound, Refused, TooManyPosts
from discussions.models import Follow
from forum import services
from forum.models import Topic
from tests.accounts.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _start(forum, categories, starter, **kwargs):
    kwargs.setdefault("title", "Fechas de las audiencias públicas")
    kwargs.setdefault("text", "Proponemos publicar el calendario **un mes antes**. <script>alert(1)</script>")
    kwargs.setdefault("category", categories["audiencias-publicas"])
    return services.topic_create(forum=forum, author=starter.user, **kwargs)


def test_a_participant_starts_a_topic_sanitised_signed_and_followed(forum, categories, starter):
    topic = _start(
        forum, categories, starter, territories=Territory.objects.filter(slug="jaen"), tags="jaén, calendario, "
    )
    assert "<strong>un mes antes</strong>" in topic.body_html
    assert "<script>" not in topic.body_html
    assert topic.author_display_name == "Observatorio Ciudadano"
    assert topic.author_sector == "civil_society"
    assert topic.tag_list == ["jaén", "calendario"]
    assert [territory.slug for territory in topic.territories.all()] == ["jaen"]
    assert topic.url == f"{forum.url}tema/{topic.pk}-fechas-de-las-audiencias-publicas/"
    assert Follow.objects.filter(user=starter.user, object_pk=str(topic.pk)).exists()


def test_the_same_title_twice_within_a_minute_is_refused_as_a_duplicate(forum, categories, starter):
    _start(forum, categories, starter)
    with pytest.raises(Refused, match="a moment ago") as refused:
        _start(forum, categories, starter, title="  fechas de las AUDIENCIAS públicas ")
    assert refused.value.status == 409
    later = timezone.now() + timedelta(minutes=2)
    assert _start(forum, categories, starter, moment=later).pk


def test_too_many_topics_in_an_hour_are_refused(forum, categories, starter, settings):
    settings.FORUM_TOPICS_PER_HOUR = 2
    _start(forum, categories, starter, title="Uno")
    _start(forum, categories, starter, title="Dos")
    with pytest.raises(TooManyPosts):
        _start(forum, categories, starter, title="Tres")


@pytest.mark.parametrize(
    ("change", "error"),
    [({"title": "  "}, Refused), ({"text": ""}, Refused), ({"title": "x" * 201}, Refused)],
)
def test_empty_or_oversized_topics_are_refused(forum, categories, starter, change, error):
    with pytest.raises(error):
        _start(forum, categories, starter, **change)
    assert not Topic.objects.exists()


def test_unconfirmed_participants_and_unpublished_forums_take_no_topics(forum, categories):
    unconfirmed = ParticipantFactory(email_confirmed_at=None)
    with pytest.raises(NotAllowed, match="Confirm your e-mail"):
        _start(forum, categories, unconfirmed)
    forum.unpublish()
    forum.refresh_from_db()
    with pytest.raises(NotFound):
        _start(forum, categories, ParticipantFactory())


def test_replies_are_contributions_and_move_the_topic_up(forum, categories, starter, official):
    first = _start(forum, categories, starter, title="Primero", moment=timezone.now() - timedelta(hours=2))
    second = _start(forum, categories, starter, title="Segundo", moment=timezone.now() - timedelta(hours=1))
    assert list(Topic.objects.all()) == [second, first]

    reply = discussions.contribution_create(
        target=first, author=official.user, text="Respuesta oficial.", official=True
    )
    first.refresh_from_db()
    assert reply.is_official and first.reply_count == 1
    assert list(Topic.objects.all()) == [first, second]  # latest activity first

    discussions.contribution_withdraw(contribution=reply, author=official.user)
    first.refresh_from_db()
    assert first.reply_count == 0


def test_a_locked_topic_takes_no_replies_and_a_hidden_one_is_gone(forum, categories, starter, official, moderator):
    topic = _start(forum, categories, starter)
    services.topic_moderate(topic=topic, moderator=moderator.user, action="lock")
    with pytest.raises(NotAllowed, match="locked"):
        discussions.contribution_create(target=topic, author=official.user, text="¿Sigue abierto?")
    services.topic_moderate(topic=topic, moderator=moderator.user, action="unlock")
    services.topic_moderate(topic=topic, moderator=moderator.user, action="hide", reason="Datos personales")
    with pytest.raises(NotFound):
        discussions.contribution_create(target=topic, author=official.user, text="¿Sigue abierto?")


def test_moderation_pins_moves_and_is_logged(forum, categories, starter, moderator):
    topic = _start(forum, categories, starter)
    later = _start(forum, categories, starter, title="Otro tema", moment=timezone.now() + timedelta(minutes=5))
    services.topic_moderate(topic=topic, moderator=moderator.user, action="pin")
    assert list(Topic.objects.all()) == [topic, later]
    services.topic_moderate(
        topic=topic, moderator=moderator.user, action="move", category=categories["presupuesto-participativo"]
    )
    topic.refresh_from_db()
    assert topic.category.slug == "presupuesto-participativo"
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(topic.pk)).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["forum.pin", "forum.move"]


def test_only_moderators_moderate_and_hiding_needs_a_reason(forum, categories, starter, moderator):
    topic = _start(forum, categories, starter)
    with pytest.raises(NotAllowed):
        services.topic_moderate(topic=topic, moderator=starter.user, action="pin")
    with pytest.raises(Refused, match="Say why"):
        services.topic_moderate(topic=topic, moderator=moderator.user, action="hide")
    with pytest.raises(Refused):
        services.topic_moderate(topic=topic, moderator=moderator.user, action="explode")


def test_a_participant_who_leaves_leaves_their_topics_anonymised(forum, categories, starter):
    from accounts.services import participant_delete

    topic = _start(forum, categories, starter)
    participant_delete(user=starter.user)
    topic.refresh_from_db()
    assert topic.author is None
    assert topic.author_display_name == "Exparticipante"
    assert topic.author_territory is None and topic.author_organisation == ""
