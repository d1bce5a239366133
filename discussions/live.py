"""Live updates: record each public change as a DiscussionEvent, then broadcast it.

The event row — which contribution, what kind of change, the event before it — is
written inside the caller's transaction. After the commit, outside the transaction and
its lock, the contribution is rendered as the page shows it now, for an anonymous
reader and for a signed-in participant who is not its author, in each of the site's
languages, and sent to the discussion's channel-layer group. A reader who missed a broadcast (a dropped
connection, a restarted worker, Redis down) asks for the events after the last one it
saw, and gets each of those contributions as it is *now*: text withdrawn, removed,
edited or anonymised since is never replayed. Held contributions produce no public
event; events older than ``DISCUSSIONS_EVENTS_KEEP_DAYS`` are pruned
(``manage.py prune_discussion_events``, and a daily task of the worker).
"""

import logging
import time
import zlib
from dataclasses import dataclass
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import hosts
from .models import Contribution, DiscussionEvent
from .selectors import Viewer, node_for

logger = logging.getLogger(__name__)

#: How many missed events a reconnecting reader is sent before being asked to reload.
CATCH_UP_LIMIT = 200
#: A broadcast failure is logged once per this many seconds, not once per post.
FAILURE_LOG_INTERVAL = 60
MODERATION_GROUP = "moderation"
#: Kinds of event about one contribution (the others concern the whole discussion).
CONTRIBUTION_KINDS = {"contribution.created", "contribution.updated", "reaction.changed"}


def group_name(content_type_id: int, object_pk: str) -> str:
    return f"discussion.{content_type_id}.{object_pk}"


def websocket_path(host) -> str:
    """Where a discussion is heard live: ``/ws/discussions/consultations.consultationpage.12/``."""
    content_type = ContentType.objects.get_for_model(host)
    return f"/ws/discussions/{content_type.app_label}.{content_type.model}.{host.pk}/"


# --- recording (in the caller's transaction) -----------------------------------------------
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


def record(contribution: Contribution, kind: str) -> DiscussionEvent | None:
    """Record a public change to ``contribution``; it is broadcast after the commit."""
    if kind == "contribution.created" and not contribution.is_public:
        return None  # held for moderation: nothing public happened
    return record_event(contribution.content_type_id, contribution.object_pk, kind, contribution=contribution)


def record_event(content_type_id: int, object_pk, kind: str, *, contribution: Contribution | None = None):
    object_pk = str(object_pk)
    _serialise_discussion(content_type_id, object_pk)
    event = DiscussionEvent.objects.create(
        content_type_id=content_type_id,
        object_pk=object_pk,
        kind=kind,
        contribution=contribution,
        previous=last_event_id(content_type_id, object_pk),
    )
    event_id = event.pk
    transaction.on_commit(lambda: broadcast_event(event_id))
    return event


def notify_moderators(contribution: Contribution, reason: str) -> None:
    """Tell moderators with the queue open that a contribution needs them (after commit)."""
    message = {"type": "moderation.queued", "contribution": contribution.pk, "reason": reason}
    transaction.on_commit(lambda: broadcast(MODERATION_GROUP, message))


# --- what readers receive: the current public state ----------------------------------------
@dataclass
class _Renderer:
    """Renders contributions as the page shows them now, each once per catch-up or event."""

    host: object

    def __post_init__(self):
        self.section_titles = {section["anchor"]: section["heading"] for section in self.host.discussion_sections}
        self.closed = self.host.discussion_refusal(None) is not None
        self._cache: dict[int, dict] = {}

    def html(self, contribution: Contribution, viewer: Viewer) -> str:
        context = {
            "node": node_for(contribution, viewer=viewer, closed=self.closed),
            "viewer": viewer,
            "section_titles": self.section_titles,
            "closed": self.closed,
            "live_fragment": True,
            # No token on purpose: each reader's page adds its own (discussion-live.js).
            "csrf_token": "NOTPROVIDED",
            **self.host.discussion_fragment_context(contribution),
        }
        return render_to_string(self.host.discussion_fragment_template, context).strip()

    def renderings(self, contribution: Contribution) -> dict:
        """``html`` and ``html_participant`` in the site's default language, and the same
        in each other language under ``languages``: each reader gets their page's."""
        rendered = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                rendered[code] = {
                    "html": self.html(contribution, Viewer.public()),
                    "html_participant": self.html(contribution, Viewer.participant()),
                }
        default = rendered.pop(settings.LANGUAGE_CODE)
        return {**default, "languages": rendered}

    def contribution(self, contribution: Contribution) -> dict:
        if contribution.pk not in self._cache:
            self._cache[contribution.pk] = {
                "contribution": contribution.pk,
                "parent": contribution.parent_id if contribution.level else None,
                "thread": contribution.thread_id,
                "level": contribution.level,
                "section": contribution.section_anchor,
                "support": contribution.support_count,
                "disagree": contribution.disagree_count,
                **self.renderings(contribution),
            }
        return self._cache[contribution.pk]


def _message(event: DiscussionEvent, renderer: _Renderer | None) -> dict | None:
    message = {"type": event.kind, "id": event.pk, "previous": event.previous}
    if event.kind not in CONTRIBUTION_KINDS:
        return message
    contribution = event.contribution
    if contribution is None or renderer is None:
        return None
    current = renderer.contribution(contribution)
    if event.kind == "reaction.changed":
        return message | {key: current[key] for key in ("contribution", "support", "disagree")}
    return message | current


def _host(content_type_id: int, object_pk: str):
    """The discussion an event belongs to. Who hears it was decided when each reader
    connected (``is_visible_to``, asked again at every heartbeat): a restricted
    discussion's readers passed its restriction."""
    return hosts.host_of(content_type_id, object_pk)


def broadcast_event(event_id: int) -> bool:
    """Send one recorded event, rendered as the contribution is now, to the discussion's readers."""
    event = DiscussionEvent.objects.select_related("contribution").filter(pk=event_id).first()
    if event is None:
        return False
    host = _host(event.content_type_id, event.object_pk)
    if host is None:
        return False
    message = _message(event, _Renderer(host))
    if message is None:
        return False
    return broadcast(group_name(event.content_type_id, event.object_pk), message)


class QuietLog:
    """A failure that repeats (Redis down: every post fails to broadcast) is logged once
    per ``interval`` seconds, not once per occurrence."""

    def __init__(self, interval: float):
        self.interval = interval
        self._last = float("-inf")

    def warning(self, message: str, *args) -> bool:
        if time.monotonic() - self._last <= self.interval:
            return False
        self._last = time.monotonic()
        logger.warning(message, *args)
        return True


broadcast_failures = QuietLog(FAILURE_LOG_INTERVAL)


def broadcast(group: str, message: dict) -> bool:
    """Send to every reader of the discussion; a failure only pauses live updates."""
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(group, {"type": "discussion.event", "message": message})
    except Exception as error:  # the layer's backend (Redis) is unreachable or failing
        broadcast_failures.warning(
            "Live updates paused: could not broadcast to %s (%r); readers will catch up", group, error
        )
        return False
    return True


def events_after(content_type_id: int, object_pk: str, after: int) -> tuple[list[dict], bool]:
    """What a reader who saw events up to ``after`` must receive, oldest first, each
    contribution as it is now; and whether they must reload instead (too many, or the
    events they missed were pruned)."""
    rows = list(
        DiscussionEvent.objects.filter(content_type_id=content_type_id, object_pk=object_pk, id__gt=after)
        .select_related("contribution")
        .order_by("id")[: CATCH_UP_LIMIT + 1]
    )
    if len(rows) > CATCH_UP_LIMIT or (rows and rows[0].previous > after):
        return [], True
    if not rows:
        return [], False
    host = _host(content_type_id, object_pk)
    renderer = _Renderer(host) if host is not None else None
    messages = []
    for row in rows:
        message = _message(row, renderer)
        # An event with nothing to show still moves the reader's mark past it.
        messages.append(message or {"type": "event.skipped", "id": row.pk, "previous": row.previous})
    return messages, False


def last_event_id(content_type_id: int, object_pk) -> int:
    row = (
        DiscussionEvent.objects.filter(content_type_id=content_type_id, object_pk=str(object_pk))
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return row or 0


def prune_events(*, keep_days: int | None = None) -> int:
    """Delete events older than ``keep_days``, keeping each discussion's newest one (so a
    reader whose mark is older learns, by its ``previous``, that it must reload)."""
    keep_days = settings.DISCUSSIONS_EVENTS_KEEP_DAYS if keep_days is None else keep_days
    cutoff = timezone.now() - timedelta(days=keep_days)
    newest = DiscussionEvent.objects.values("content_type_id", "object_pk").annotate(newest=Max("id"))
    old = DiscussionEvent.objects.filter(created_at__lt=cutoff).exclude(pk__in=[row["newest"] for row in newest])
    deleted, _ = old.delete()
    return deleted
