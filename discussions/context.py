"""What a page that carries a discussion adds to its template context."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from . import live, rules
from .forms import ContributionForm
from .models import discussion_key
from .public_threads import public_discussion
from .selectors import ORDERING_LABELS, Viewer, discussion_for


def live_messages(host) -> dict[str, str]:
    """The live layer's words in the page's language (the script fills in ``%(count)s``)."""
    return {
        "reconnecting": _("Reconnecting…"),
        "arrived": _("A new contribution arrived."),
        "pending_one": _("%(count)s new contribution: show it"),
        "pending_other": _("%(count)s new contributions: show them"),
        "shown": _("%(count)s new contributions shown."),
        "readers_one": _("%(count)s person reading"),
        "readers_other": _("%(count)s people reading"),
        "closed": str(host.discussion_closing_message),
        "opened": _("Contributions are open now: reload the page to take part."),
        "reload": _("Much has changed while you were away: reload the page to see it all."),
        "cancel": _("Cancel"),
    }


def discussion_context(host, request) -> dict:
    """The discussion's part of the page. An anonymous reader's threads come rendered
    (``threads_html``), from the cache when they were rendered before for this state of
    the discussion (:mod:`discussions.public_threads`); a signed-in reader's are rendered
    by the page's template, with their own controls."""
    user = request.user
    content_type, object_pk = discussion_key(host)
    # Read before the contributions: the threads shown are never older than this event.
    last_event = live.last_event_id(content_type.pk, object_pk)
    choices = {
        "ordering": request.GET.get("orden", ""),
        "page_number": request.GET.get("pagina", 1),
        "response_filter": request.GET.get("respuesta", ""),
        "section": request.GET.get("seccion", ""),
    }
    threads_html = None
    if user.is_authenticated:
        discussion = discussion_for(host, user=user, **choices)
    else:
        discussion, threads_html = public_discussion(host, user=user, last_event=last_event, **choices)
    closed_reason = host.discussion_refusal(user)
    participant_reason = rules.participant_refusal(user)
    form = None
    if closed_reason is None and participant_reason is None:
        form = ContributionForm(
            host, initial={"section": discussion.section}, allow_official=rules.can_reply_officially(user)
        )
    return {
        "live": {
            "url": live.websocket_path(host),
            "last_event": last_event,
            "heartbeat": settings.DISCUSSIONS_HEARTBEAT_SECONDS,
            "messages": live_messages(host),
        },
        "discussion": discussion,
        "threads_html": threads_html,
        "discussion_key": {"content_type": content_type.app_label + "." + content_type.model, "object_pk": object_pk},
        "discussion_shows_responses": host.discussion_shows_responses,
        "viewer": Viewer.of(user),
        "orderings": list(ORDERING_LABELS.items()),
        "section_titles": {section["anchor"]: section["heading"] for section in host.discussion_sections},
        "section_counts": discussion.section_counts,
        "contribution_form": form,
        "follow_text": host.discussion_follow_text,
        "closed": closed_reason is not None,
        "closed_reason": closed_reason,
        "participant_reason": participant_reason,
        "now": timezone.now(),
    }
