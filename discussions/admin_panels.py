"""Panels on the admin's dashboard: what waits for moderators and for the government's
staff. Each is shown only to users holding the permission its work needs
(``discussions.rules``); the hook in ``wagtail_hooks.py`` adds them."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component

from . import hosts, rules
from .models import Contribution, Status
from .viewsets import PENDING, target_key


class ModerationPanel(Component):
    """Held and reported contributions, linking to the queue."""

    name = "discussions_moderation"
    template_name = "discussions/admin/moderation_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        counts = Contribution.norel_objects.aggregate(
            held=Count("pk", filter=Q(status=Status.HELD)),
            reported=Count("pk", filter=Q(status=Status.PUBLISHED, flag_count__gt=0)),
        )
        queue = reverse("moderation:index")
        return {
            **counts,
            "queue_url": queue,
            "held_url": f"{queue}?{urlencode({'status': Status.HELD})}",
            "reported_url": f"{queue}?{urlencode({'status': Status.PUBLISHED})}",
        }


class PendingResponsesPanel(Component):
    """Per discussion that leads with the government's responses (a closed consultation),
    how many of its contributions await one, linking to them."""

    name = "discussions_pending_responses"
    template_name = "discussions/admin/pending_responses_panel.html"
    order = 60

    def get_context_data(self, parent_context):
        rows = (
            Contribution.norel_objects.filter(
                status=Status.PUBLISHED, withdrawn_at__isnull=True, level=0, response_status=""
            )
            .values_list("content_type_id", "object_pk")
            .annotate(count=Count("pk"))
            .order_by("-count")
        )
        responses = reverse("responses:index")
        pending = []
        for content_type_id, object_pk, count in rows:
            host = hosts.host_of(content_type_id, object_pk)
            if host is not None and host.discussion_shows_responses:
                query = urlencode({"target": target_key(host), "response_status": PENDING})
                title = getattr(host, "title", str(host))
                pending.append({"title": title, "count": count, "url": f"{responses}?{query}"})
        return {"pending": pending, "responses_url": responses}


def panels_for(user) -> list[Component]:
    panels = []
    if rules.can_moderate(user):
        panels.append(ModerationPanel())
    if rules.can_respond(user):
        panels.append(PendingResponsesPanel())
    return panels
