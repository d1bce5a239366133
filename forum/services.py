"""Writes in the forum: starting topics and moderating them. Replies are contributions,
written through ``discussions.services`` like any other."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core import markup
from core.pages import page_visible_to
from core.roles import MODERATE_TOPICS
from discussions import live
from discussions.errors import NotAllowed, NotFound, Refused, TooManyPosts
from discussions.models import Status, contributions_of
from discussions.rules import participant_refusal
from discussions.services import author_snapshot, clean_text, follow_set, subscription_set

from . import signals
from .models import ForumCategory, ForumPage, Topic

TITLE_MAX_LENGTH = 200
DUPLICATE_WINDOW = timedelta(minutes=1)
MODERATION_ACTIONS = ("pin", "unpin", "lock", "unlock", "hide", "unhide", "move")


def _changed(topic: Topic, action: str) -> None:
    signals.topic_changed.send(sender=Topic, topic=topic, action=action)


def _check_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise Refused(_("Give the topic a title."))
    if len(title) > TITLE_MAX_LENGTH:
        raise Refused(
            _("Titles are limited to %(limit)d characters; this one has %(count)d.")
            % {"limit": TITLE_MAX_LENGTH, "count": len(title)}
        )
    return title


def _check_repeats(author, title: str, moment: datetime) -> None:
    recent = Topic.objects.filter(author=author, created_at__gt=moment - DUPLICATE_WINDOW)
    duplicate = recent.filter(title__iexact=title).first()
    if duplicate is not None:
        raise Refused(
            _("You started a topic with this title a moment ago: “%(title)s”. It is already in the forum.")
            % {"title": duplicate.title},
            status=409,
        )
    hour = Topic.objects.filter(author=author, created_at__gt=moment - timedelta(hours=1)).count()
    if hour >= settings.FORUM_TOPICS_PER_HOUR:
        raise TooManyPosts(
            _("You have started %(count)d topics in the last hour. Reply in one of them, or wait a while.")
            % {"count": hour}
        )


@transaction.atomic
def topic_create(
    *,
    forum: ForumPage,
    author,
    category: ForumCategory,
    title: str,
    text: str,
    territories=(),
    tags: str = "",
    moment: datetime | None = None,
    session=None,
) -> Topic:
    """Start a topic; its author follows it."""
    moment = moment or timezone.now()
    if not page_visible_to(forum, author, session):
        raise NotFound(_("This forum does not exist."))
    refusal = participant_refusal(author)
    if refusal is not None:
        raise refusal
    title = _check_title(title)
    text = clean_text(text)
    _check_repeats(author, title, moment)
    topic = Topic.objects.create(
        forum=forum,
        category=category,
        title=title,
        body=text,
        body_html=markup.render_markdown(text),
        tags=", ".join(dict.fromkeys(tag.strip()[:40] for tag in tags.split(",") if tag.strip()))[:255],
        author=author,
        **author_snapshot(author),
        created_at=moment,
        last_activity_at=moment,
    )
    topic.territories.set(territories)
    follow_set(user=author, target=topic, following=True, session=session)
    _changed(topic, "created")
    return topic


def can_moderate(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm(MODERATE_TOPICS))


@transaction.atomic
def topic_moderate(
    *, topic: Topic, moderator, action: str, category: ForumCategory | None = None, reason: str = ""
) -> Topic:
    """Pin, unpin, lock, unlock, hide (with a reason), unhide or move a topic; logged."""
    if not can_moderate(moderator):
        raise NotAllowed(_("Only moderators can do this."))
    if action not in MODERATION_ACTIONS:
        raise Refused(_("Unknown moderation action."))
    data = {}
    if action in ("pin", "unpin"):
        topic.pinned = action == "pin"
    elif action in ("lock", "unlock"):
        topic.locked = action == "lock"
    elif action == "hide":
        reason = (reason or "").strip()
        if not reason:
            raise Refused(_("Say why the topic is hidden: the reason is kept in its history."))
        topic.hidden, topic.hidden_reason = True, reason
        data["reason"] = reason
    elif action == "unhide":
        topic.hidden, topic.hidden_reason = False, ""
    elif action == "move":
        if category is None:
            raise Refused(_("Choose the category to move the topic to."))
        data = {"from": topic.category.name, "to": category.name}
        topic.category = category
    topic.save()
    log(instance=topic, action=f"forum.{action}", user=moderator, data=data)
    if action in ("lock", "hide"):
        content_type = ContentType.objects.get_for_model(Topic)
        live.record_event(content_type.pk, topic.pk, "discussion.closed")
    _changed(topic, action)
    return topic


def topic_visited(*, topic: Topic, user, moment: datetime | None = None) -> None:
    """Remember that ``user`` has read ``topic`` as it is now."""
    if not user.is_authenticated:
        return
    topic.visits.update_or_create(user=user, defaults={"seen_at": moment or timezone.now()})


def category_follow(*, user, forum: ForumPage, category: ForumCategory, following: bool, session=None) -> bool:
    """Follow a category of a forum this participant may read: mail when a topic starts in it."""
    if not page_visible_to(forum, user, session):
        raise NotFound(_("This forum does not exist."))
    refusal = participant_refusal(user)
    if refusal is not None:
        raise refusal
    return subscription_set(user=user, subject=category, following=following)


def reply_changed(contribution) -> None:
    """Keep a topic's reply count and last activity in step with its contributions."""
    content_type = ContentType.objects.get_for_model(Topic)
    if contribution.content_type_id != content_type.pk:
        return
    topic = Topic.objects.filter(pk=contribution.object_pk).first()
    if topic is None:
        return
    visible = contributions_of(topic).filter(status=Status.PUBLISHED, withdrawn_at__isnull=True)
    topic.reply_count = visible.count()
    latest = visible.order_by("-submit_date").values_list("submit_date", flat=True).first()
    topic.last_activity_at = max(filter(None, [topic.created_at, latest]))
    topic.save(update_fields=["reply_count", "last_activity_at"])
    _changed(topic, "replies")


def topics_anonymise(*, user, former_name: str) -> int:
    """The topics of a participant who leaves stay in the forum, with nothing left that
    points to them."""
    topics = list(Topic.objects.filter(author=user))
    for topic in topics:
        topic.author, topic.author_display_name, topic.author_organisation, topic.author_territory = (
            None,
            former_name,
            "",
            None,
        )
        topic.save(update_fields=["author", "author_display_name", "author_organisation", "author_territory"])
        _changed(topic, "anonymised")
    return len(topics)
