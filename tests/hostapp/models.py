"""A petition page, discussed like a consultation, written only against the protocol."""

from datetime import datetime

from django.db import models
from wagtail.models import Page

from core.pages import page_visible_to
from discussions import hosts
from discussions.context import discussion_context
from discussions.errors import NotAllowed


@hosts.register
class PetitionPage(hosts.DiscussionHost, Page):
    closed = models.BooleanField(default=False)

    template = "hostapp/petition_page.html"

    def get_context(self, request, *args, **kwargs):
        return super().get_context(request, *args, **kwargs) | discussion_context(self, request)

    def is_visible_to(self, user, session=None) -> bool:
        return page_visible_to(self, user, session)

    def discussion_refusal(self, user, moment: datetime | None = None):
        return NotAllowed("Esta petición ya no recibe firmas ni comentarios.") if self.closed else None

    @property
    def discussion_closing_message(self) -> str:
        return "La petición se cerró."

    def search_facets(self) -> dict | None:
        if not page_visible_to(self):
            return None
        return {"title": self.title, "url": self.url, "language": self.locale.language_code, "kind": "contribution"}

    def contribution_url(self, contribution, request=None) -> str:
        return f"{self.get_url(request)}#{contribution.anchor}"
