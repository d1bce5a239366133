"""What a page that carries a discussion adds to its template context."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from . import live, services
from .forms import ContributionForm
from .selectors import ORDERING_LABELS, discussion_for


def live_messages() -> dict[str, str]:
    """The live layer's words in the page's language (the script fills in ``%(count)s``)."""
    return {
        "reconnecting": _("Reconnecting…"),
        "arrived": _("A new contribution arrived."),
        "pending_one": _("%(count)s new contribution: show it"),
        "pending_other": _("%(count)s new contributions: show them"),
        "shown": _("%(count)s new contributions shown."),
        "readers_one": _("%(count)s person reading"),
        "readers_other": _("%(count)s people reading"),
        "closed": _("This consultation has just closed: it no longer takes contributions."),
        "opened": _("This consultation is now open for comments: reload the page to take part."),
        "reload": _("Much has changed while you were away: reload the page to see it all."),
    }


def discussion_context(target, request) -> dict:
    user = request.user
    discussion = discussion_for(
        target,
        user=user,
        ordering=request.GET.get("orden", ""),
        page_number=request.GET.get("pagina", 1),
        response_filter=request.GET.get("respuesta", ""),
        section=request.GET.get("seccion", ""),
    )
    closed_reason = target.discussion_refusal(timezone.now())
    participant_reason = services.participant_refusal(user)
    form = None
    if closed_reason is None and participant_reason is None:
        initial = {"section": discussion.section}
        form = ContributionForm(target, initial=initial, allow_official=services.is_government(user))
    content_type = ContentType.objects.get_for_model(target)
    return {
        "live": {
            "url": live.websocket_path(target),
            "last_event": live.last_event_id(content_type.pk, target.pk),
            "messages": live_messages()
            | ({"closed": target.discussion_closed_message} if hasattr(target, "discussion_closed_message") else {}),
        },
        "discussion": discussion,
        "discussion_key": {"content_type": str(target._meta), "object_pk": target.pk},
        "orderings": list(ORDERING_LABELS.items()),
        "section_titles": {section["anchor"]: section["heading"] for section in target.discussion_sections},
        "section_counts": discussion.section_counts,
        "contribution_form": form,
        "follow_text": getattr(target, "discussion_follow_text", None)
        or {"start": _("Follow this consultation"), "stop": _("Stop following this consultation")},
        "closed_reason": closed_reason,
        "participant_reason": participant_reason,
        "now": timezone.now(),
    }
