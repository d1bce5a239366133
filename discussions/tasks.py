"""Follow-up mail, sent in the background after the change is committed."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from .models import Contribution, Follow

logger = logging.getLogger(__name__)


def _recipients(contribution: Contribution, *, include_author: bool) -> list:
    follows = Follow.objects.filter(
        content_type_id=contribution.content_type_id, object_pk=contribution.object_pk
    ).filter(Q(thread__isnull=True) | Q(thread_id=contribution.thread_id))
    user_ids = set(follows.values_list("user_id", flat=True))
    if include_author and contribution.user_id:
        user_ids.add(contribution.user_id)
    elif contribution.user_id:
        user_ids.discard(contribution.user_id)
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    return list(users.order_by("pk"))


def _send(contribution: Contribution, users, template: str) -> int:
    if not users:
        return 0
    target = contribution.content_object
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "contribution": contribution,
            "target": target,
            "url": f"{target.full_url}#{contribution.anchor}",
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
    if event == "responded":
        return _send(contribution, _recipients(contribution, include_author=True), "response")
    return _send(contribution, _recipients(contribution, include_author=False), "followup")


@task()
def notify_removal(*, contribution_id: int) -> int:
    """Tell the author why moderators removed their contribution."""
    contribution = Contribution.objects.select_related("user").filter(pk=contribution_id).first()
    if contribution is None or contribution.user is None or not contribution.user.email:
        return 0
    return _send(contribution, [contribution.user], "removed")
