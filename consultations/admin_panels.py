"""The admin dashboard's panel of open consultations that close this week, for the staff
who will respond to their contributions (``discussions.respond_contribution``)."""

from datetime import timedelta

from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import Locale

from discussions.selectors import published_counts

from .models import ConsultationPage

CLOSING_SOON = timedelta(days=7)


class ClosingSoonPanel(Component):
    name = "consultations_closing_soon"
    template_name = "consultations/admin/closing_soon_panel.html"
    order = 70

    def get_context_data(self, parent_context):
        now = timezone.now()
        closing = {"opens_at__lte": now, "closes_at__gt": now, "closes_at__lte": now + CLOSING_SOON}
        consultations = list(
            ConsultationPage.objects.live().filter(locale=Locale.get_default(), **closing).order_by("closes_at")
        )
        counts = published_counts(ConsultationPage, [page.pk for page in consultations])
        for page in consultations:
            page.contribution_count = counts.get(str(page.pk), 0)
        return {"consultations": consultations}
