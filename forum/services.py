"""Writes in the forum: starting topics and moderating them. Replies are contributions,
written through ``discussions.services`` like any other."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from discussions import live, markup
from discussions.errors import NotAllowed, NotFound, Refused, TooManyPosts
from discussions.services import author_snapshot, clean_text, follow_set, participant_refusal

from .models import ForumCategory, ForumPage, Topic

TITLE_MAX_LENGTH = 200
DUPLICATE_WINDOW = timedelta(minutes=1)
MODERATION_ACTIONS = ("pin", "unpin", "lock", "unlock", "hide", "unhide", "move")


def _queue_for_search(topic: Topic) -> None:
    from search.indexing import queue

    queue([f"topic:{topic.pk}"])


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
) -> Topic:
    """Start a topic; its author follows it."""
    moment = moment or timezone.now()
    refusal = participant_refusal(author)
    if refusal is not None:
        raise refusal
    if not forum.live:
        raise NotFound(_("This forum is not published."))
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
    follow_set(user=author, target=topic, following=True)
    _queue_for_search(topic)
    pk = topic.pk
    transaction.on_commit(lambda: _enqueue_new_topic_mail(pk))
    return topic


def _enqueue_new_topic_mail(pk: int) -> None:
    from .tasks import notify_category_followers

    notify_category_followers.enqueue(topic_id=pk)


def can_moderate(user) -> bool:
    return user.is_authenticated and user.has_perm("forum.change_topic")


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
        live.record_event(content_type.pk, topic.pk, "discussion.closed", {})
    _queue_for_search(topic)
    return topic


def topic_visited(*, topic: Topic, user, moment: datetime | None = None) -> None:
    """Remember that ``user`` has read ``topic`` as it is now."""
    if not user.is_authenticated:
        return
    topic.visits.update_or_create(user=user, defaults={"seen_at": moment or timezone.now()})


def category_follow(*, user, category: ForumCategory, following: bool) -> bool:
    refusal = participant_refusal(user)
    if refusal is not None:
        raise refusal
    return follow_set(user=user, target=category, following=following)


def reply_changed(contribution) -> None:
    """Keep a topic's reply count and last activity in step with its contributions."""
    content_type = ContentType.objects.get_for_model(Topic)
    if contribution.content_type_id != content_type.pk:
        return
    from discussions.services import contributions_of

    topic = Topic.objects.filter(pk=contribution.object_pk).first()
    if topic is None:
        return
    visible = contributions_of(topic).filter(status="published", withdrawn_at__isnull=True)
    topic.reply_count = visible.count()
    latest = visible.order_by("-submit_date").values_list("submit_date", flat=True).first()
    topic.last_activity_at = max(filter(None, [topic.created_at, latest]))
    topic.save(update_fields=["reply_count", "last_activity_at"])


def topics_anonymise(*, user, former_name: str) -> int:
    """The topics of a participant who leaves stay in the forum, with nothing left that
    points to them."""
    from search.indexing import queue

    pks = list(Topic.objects.filter(author=user).values_list("pk", flat=True))
    Topic.objects.filter(pk__in=pks).update(
        author=None, author_display_name=former_name, author_organisation="", author_territory=None
    )
    queue([f"topic:{pk}" for pk in pks])
    return len(pks)
