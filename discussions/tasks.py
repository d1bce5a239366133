"""Follow-up mail, sent in the background after the change is committed; and the daily
pruning of old live events."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from core.links import absolute_url

from . import live, rules
from .models import Contribution, Follow

logger = logging.getLogger(__name__)


def _recipients(contribution: Contribution, host, *, include_author: bool) -> list:
    """Who follows the discussion or the thread and may still read it (a follower of a
    consultation made private since is not mailed its contributions)."""
    follows = Follow.objects.filter(
        content_type_id=contribution.content_type_id, object_pk=contribution.object_pk
    ).filter(Q(thread__isnull=True) | Q(thread_id=contribution.thread_id))
    user_ids = set(follows.values_list("user_id", flat=True))
    if include_author and contribution.user_id:
        user_ids.add(contribution.user_id)
    elif contribution.user_id:
        user_ids.discard(contribution.user_id)
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    return [user for user in users.order_by("pk") if rules.may_see(user, host)]


def _send(contribution: Contribution, host, users, template: str) -> int:
    if not users:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "contribution": contribution,
            "target": host,
            "url": absolute_url(host.contribution_url(contribution)),
        }
        subject = render_to_string(f"discussions/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"discussions/email/{template}.txt", context)
    messages = [EmailMessage(subject, body, to=[user.email]) for user in users]
    with get_connection() as connection:
        return connection.send_messages(messages)


@task()
def notify_followers(*, contribution_id: int, event: str) -> int:
    """Tell followers of the discussion or thread about a new contribution or a response."""
    contribution = Contribution.objects.filter(pk=contribution_id).first()
    if contribution is None or not contribution.is_visible:
        return 0
    host = contribution.content_object
    if host is None:
        return 0
    if event == "responded":
        return _send(contribution, host, _recipients(contribution, host, include_author=True), "response")
    return _send(contribution, host, _recipients(contribution, host, include_author=False), "followup")


@task()
def notify_removal(*, contribution_id: int) -> int:
    """Tell the author why moderators removed their contribution."""
    contribution = Contribution.objects.select_related("user").filter(pk=contribution_id).first()
    if contribution is None or contribution.user is None or not contribution.user.email:
        return 0
    host = contribution.content_object
    if host is None:
        return 0
    return _send(contribution, host, [contribution.user], "removed")


#: Set while the next pruning is scheduled, so that several workers schedule it once.
PRUNING_SCHEDULED_KEY = "discussions:pruning-scheduled"
PRUNING_INTERVAL = timedelta(days=1)


@task()
def prune_live_events() -> int:
    """Delete old live events (see ``live.prune_events``), then come back in a day."""
    cache.delete(PRUNING_SCHEDULED_KEY)
    deleted = live.prune_events()
    schedule_pruning()
    return deleted


def schedule_pruning() -> bool:
    """With a worker (``TASKS_BACKEND=database``), prune daily; without one, the
    ``prune_discussion_events`` command (cron) does it."""
    if not prune_live_events.get_backend().supports_defer:
        return False
    moment = timezone.now() + PRUNING_INTERVAL
    if not cache.add(PRUNING_SCHEDULED_KEY, moment.isoformat(), int(PRUNING_INTERVAL.total_seconds()) + 3600):
        return False
    prune_live_events.using(run_after=moment).enqueue()
    return True
