"""Live updates: record each public change as a DiscussionEvent, then broadcast it.

The event row is written inside the caller's transaction; the broadcast to the
discussion's channel-layer group happens after the commit. A reader who missed a
broadcast (a dropped connection, a restarted worker, Redis down) asks for the events
after the last one they saw and gets them from the database.
"""

import logging
import time
import zlib

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.template.loader import render_to_string

from .models import Contribution, DiscussionEvent

logger = logging.getLogger(__name__)

#: How many missed events a reconnecting reader is sent before being asked to reload.
CATCH_UP_LIMIT = 200
#: A broadcast failure is logged once per this many seconds, not once per post.
FAILURE_LOG_INTERVAL = 60


def group_name(content_type_id: int, object_pk: str) -> str:
    return f"discussion.{content_type_id}.{object_pk}"


def websocket_path(target) -> str:
    """Where a discussion is heard live: ``/ws/discussions/consultations.consultationpage.12/``."""
    content_type = ContentType.objects.get_for_model(target)
    return f"/ws/discussions/{content_type.app_label}.{content_type.model}.{target.pk}/"


class _Viewer:
    """Someone reading the page, as the public fragment is rendered for them."""

    def __init__(self, *, participant: bool):
        self.user = _ParticipantViewer() if participant else AnonymousUser()


class _ParticipantViewer(AnonymousUser):
    """A signed-in participant who is not the author: sees the reaction and report controls."""

    pk = id = -1
    is_anonymous = False
    is_authenticated = True


def render_fragment(contribution: Contribution, *, participant: bool) -> str:
    """The contribution's article without its replies, as a reader sees it on the page."""
    from .selectors import Node

    target = contribution.content_object
    context = {
        "node": Node(contribution),
        "request": _Viewer(participant=participant),
        "section_titles": {section["anchor"]: section["heading"] for section in target.discussion_sections},
        "closed_reason": None,
        "discussion": None,
        "live_fragment": True,
    }
    return render_to_string("discussions/includes/contribution.html", context).strip()


def _contribution_payload(contribution: Contribution) -> dict:
    return {
        "contribution": contribution.pk,
        "parent": contribution.parent_id if contribution.level else None,
        "thread": contribution.thread_id,
        "level": contribution.level,
        "section": contribution.section_anchor,
        "html": render_fragment(contribution, participant=False),
        "html_participant": render_fragment(contribution, participant=True),
    }


def record(contribution: Contribution, kind: str) -> DiscussionEvent | None:
    """Record a public change to ``contribution`` and broadcast it after the commit."""
    if kind == "contribution.created" and not contribution.is_public:
        return None  # held for moderation: nothing public happened
    if kind == "reaction.changed":
        payload = {
            "contribution": contribution.pk,
            "support": contribution.support_count,
            "disagree": contribution.disagree_count,
        }
    else:
        payload = _contribution_payload(contribution)
    return record_event(contribution.content_type_id, contribution.object_pk, kind, payload)


def _serialise_discussion(content_type_id: int, object_pk: str) -> None:
    """Make a discussion's events commit in the order of their ids.

    Catch-up asks for "every id above the last one seen". Were event 11 to commit before
    event 10, a reader who saw 11 would never get 10. A transaction-scoped advisory lock
    per discussion, held until commit, prevents it on PostgreSQL; SQLite already
    serialises every write transaction.
    """
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"discussion-events:{content_type_id}:{object_pk}".encode()) - 2**31
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def record_event(content_type_id: int, object_pk, kind: str, payload: dict) -> DiscussionEvent:
    """Record an event and broadcast it after the commit. It names the discussion's event
    before it (``previous``), so a reader that sees an event whose ``previous`` it never
    got knows the live layer lost something, and catches up from where it is sure."""
    _serialise_discussion(content_type_id, str(object_pk))
    previous = last_event_id(content_type_id, object_pk)
    event = DiscussionEvent.objects.create(
        content_type_id=content_type_id, object_pk=str(object_pk), kind=kind, payload={**payload, "previous": previous}
    )
    message = event_message(event)
    group = group_name(content_type_id, str(object_pk))
    transaction.on_commit(lambda: broadcast(group, message))
    return event


MODERATION_GROUP = "moderation"


def notify_moderators(contribution: Contribution, reason: str) -> None:
    """Tell moderators with the queue open that a contribution needs them (after commit)."""
    message = {"type": "moderation.queued", "contribution": contribution.pk, "reason": reason}
    transaction.on_commit(lambda: broadcast(MODERATION_GROUP, message))


def event_message(event: DiscussionEvent) -> dict:
    return {"type": event.kind, "id": event.pk, **event.payload}


_last_failure_logged = 0.0


def broadcast(group: str, message: dict) -> bool:
    """Send to every reader of the discussion; a failure only pauses live updates."""
    global _last_failure_logged  # one process-wide "logged recently" mark
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(group, {"type": "discussion.event", "message": message})
    except Exception:  # the layer's backend (Redis) is unreachable or failing
        if time.monotonic() - _last_failure_logged > FAILURE_LOG_INTERVAL:
            _last_failure_logged = time.monotonic()
            logger.exception("Live updates paused: could not broadcast to %s; readers will catch up", group)
        return False
    return True


def events_after(content_type_id: int, object_pk: str, after: int) -> tuple[list[dict], bool]:
    """The events a reader missed, oldest first, and whether there were too many to send."""
    rows = list(
        DiscussionEvent.objects.filter(content_type_id=content_type_id, object_pk=object_pk, id__gt=after).order_by(
            "id"
        )[: CATCH_UP_LIMIT + 1]
    )
    return [event_message(row) for row in rows[:CATCH_UP_LIMIT]], len(rows) > CATCH_UP_LIMIT


def last_event_id(content_type_id: int, object_pk) -> int:
    row = (
        DiscussionEvent.objects.filter(content_type_id=content_type_id, object_pk=str(object_pk))
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return row or 0
