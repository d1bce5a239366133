"""Open data and participation statistics, served below a plan's or a consultation's URL.

``<page>/contributions.csv``, ``<page>/contributions.json`` and ``<page>/statistics/``.
A consultation covers its own discussion; a plan covers those of its published
consultations. Wagtail serves routes only for live pages, after its view restriction
checks, so a draft or a private page has none of these.

The file names need their pattern in the site's URLconf (``consultations.urls``, see
:mod:`core.page_files`).
"""

from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path

from core.pages import original_of
from discussions.charts import statistics_charts
from discussions.exports import csv_response, export_rows, iso_datetime, json_response
from discussions.hosts import DiscussionHost
from discussions.statistics import participation_statistics


class OpenDataRoutesMixin(RoutablePageMixin):
    """Adds the open-data files and the statistics page to a page's routes.

    The page itself keeps Wagtail's ordinary serving and previews: only the named routes
    below go through the routable machinery.
    """

    def route(self, request, path_components):
        if not path_components:
            return super(RoutablePageMixin, self).route(request, path_components)
        return super().route(request, path_components)

    def serve_preview(self, request, mode_name):
        return super(RoutablePageMixin, self).serve_preview(request, mode_name)

    # --- what the routes cover ----------------------------------------------------------
    @property
    def is_discussion_target(self) -> bool:
        """Whether people discuss this page itself (a consultation), see discussions.models."""
        return isinstance(self, DiscussionHost)

    def open_data_targets(self) -> list:
        if self.is_discussion_target:
            return [self.discussion_page]  # a translation shares its original's discussion
        # A plan's translation covers the same discussions: its original's consultations.
        return list(original_of(self).get_children().live().public().specific().order_by("path"))

    def _open_data_about(self, request, targets) -> dict:
        about = {"id": self.pk, "title": self.title, "url": self.get_full_url(request)}
        if self.is_discussion_target:
            about |= {
                "opens_at": iso_datetime(self.opens_at),
                "closes_at": iso_datetime(self.closes_at),
                "state": self.state,
            }
            return {"consultation": about}
        about["consultations"] = [
            {"id": page.pk, "title": page.title, "url": page.get_full_url(request)} for page in targets
        ]
        return {"plan": about}

    # --- routes -------------------------------------------------------------------------
    # Wagtail hands the path over with a trailing slash; the optional one here matches
    # it, and reversing the pattern leaves it out.
    @re_path(r"^contributions\.csv/?$", name="contributions_csv")
    def contributions_csv_view(self, request):
        targets = self.open_data_targets()
        rows = export_rows(targets, request)
        return csv_response(rows, filename=f"{self.slug}-contributions.csv", request=request)

    @re_path(r"^contributions\.json/?$", name="contributions_json")
    def contributions_json_view(self, request):
        targets = self.open_data_targets()
        return json_response(self._open_data_about(request, targets), export_rows(targets, request), request=request)

    @path("statistics/", name="statistics")
    def statistics_view(self, request):
        # Not the page's own context: the statistics need none of the discussion's queries.
        statistics = participation_statistics(self.open_data_targets())
        page_url = self.get_url(request)
        context = {
            "page": self,
            "self": self,
            "statistics": statistics,
            "sections": statistics_charts(statistics),
            "downloads": [
                (_("Contributions (CSV)"), page_url + self.reverse_subpage("contributions_csv")),
                (_("Contributions (JSON)"), page_url + self.reverse_subpage("contributions_json")),
            ],
        }
        return TemplateResponse(request, "discussions/statistics.html", context)
