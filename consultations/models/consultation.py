"""A consultation: one draft commitment of a plan, open for comments in a window."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Orderable, Page
from wagtail.search import index

from core.pages import ReadersLanguageMixin, page_visible_to
from discussions import hosts
from discussions.context import discussion_context
from discussions.errors import NotAllowed
from search.sources import original_ids

from ..blocks import NO_SECTIONS, CommitmentStreamBlock, duplicate_anchors
from ..routes import OpenDataRoutesMixin
from .vocabulary import INLINE_FEATURES, OgpValue


class ConsultationState(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("consultation state", "Upcoming")
    OPEN = "open", pgettext_lazy("consultation state", "Open")
    CLOSED = "closed", pgettext_lazy("consultation state", "Closed")

    def at(self, moment: datetime) -> Q:
        """The condition a consultation's window meets when it is in this state at ``moment``."""
        return {
            ConsultationState.UPCOMING: Q(opens_at__gt=moment),
            ConsultationState.OPEN: Q(opens_at__lte=moment, closes_at__gt=moment),
            ConsultationState.CLOSED: Q(closes_at__lte=moment),
        }[self]


@hosts.register
class ConsultationPage(hosts.DiscussionHost, OpenDataRoutesMixin, ReadersLanguageMixin, Page):
    """One draft commitment of a plan, open for comments between ``opens_at`` and ``closes_at``."""

    summary = models.TextField(_("summary"), max_length=600)
    problem = RichTextField(_("problem it addresses"), features=INLINE_FEATURES)
    body = StreamField(CommitmentStreamBlock(), verbose_name=_("commitment text"))
    ogp_values = ParentalManyToManyField(OgpValue, blank=True, verbose_name=_("OGP values"))
    lead_institution = models.CharField(_("lead institution"), max_length=255)
    supporting_actors = models.TextField(
        _("supporting actors"), blank=True, help_text=_("One per line: institutions and organisations.")
    )
    territories = ParentalManyToManyField("core.Territory", blank=True, verbose_name=_("territories"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    premoderated = models.BooleanField(
        _("pre-moderate contributions"),
        default=False,
        help_text=_("Hold every contribution until a moderator approves it."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("problem"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")])],
            heading=_("Consultation window (America/Lima time)"),
        ),
        FieldPanel("premoderated"),
        MultiFieldPanel(
            [
                FieldPanel("ogp_values", widget=forms.CheckboxSelectMultiple),
                FieldPanel("territories"),
                FieldPanel("lead_institution"),
                FieldPanel("supporting_actors"),
            ],
            heading=_("Scope and responsibility"),
        ),
        InlinePanel("milestones", label=_("Milestones")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("problem"),
        index.SearchField("body"),
        index.FilterField("opens_at"),
        index.FilterField("closes_at"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("problem"),
        APIField("body"),
        APIField("ogp_value_codes"),
        APIField("lead_institution"),
        APIField("supporting_actor_list"),
        APIField("territory_slugs"),
        APIField("milestones"),
        APIField("opens_at"),
        APIField("closes_at"),
        APIField("state"),
    ]
    parent_page_types = ["consultations.ActionPlanPage"]
    subpage_types = []
    template = "consultations/consultation_page.html"

    class Meta:
        verbose_name = _("consultation")
        indexes = [models.Index(fields=["opens_at", "closes_at"])]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(discussion_context(self.discussion_page, request))
        return context

    @cached_property
    def discussion_page(self) -> "ConsultationPage":
        """Translations of a consultation share one discussion: the original's."""
        default_locale = Locale.get_default()
        if self.translation_key and self.locale_id != default_locale.pk:
            original = ConsultationPage.objects.filter(
                translation_key=self.translation_key, locale=default_locale
            ).first()
            if original is not None:
                return original
        return self

    # --- state -------------------------------------------------------------------------
    def state_at(self, moment: datetime) -> ConsultationState:
        if moment < self.opens_at:
            return ConsultationState.UPCOMING
        if moment < self.closes_at:
            return ConsultationState.OPEN
        return ConsultationState.CLOSED

    @property
    def state(self) -> str:
        return self.state_at(timezone.now()).value

    def get_state_display(self) -> str:
        return ConsultationState(self.state).label

    # --- sections ------------------------------------------------------------------------
    @cached_property
    def sections(self) -> list[dict]:
        return [
            {"anchor": block.value["anchor"], "heading": block.value["heading"]}
            for block in self.body
            if block.block_type == "section"
        ]

    # --- the discussion-host protocol (see discussions.hosts) ------------------------------
    def is_visible_to(self, user, session=None) -> bool:
        return page_visible_to(self, user, session)

    def discussion_refusal(self, user, moment: datetime | None = None):
        state = self.state_at(moment or timezone.now())
        if state == ConsultationState.UPCOMING:
            return NotAllowed(_("This consultation is not open for comments yet."))
        if state == ConsultationState.CLOSED:
            return NotAllowed(_("This consultation is closed: it no longer takes contributions."))
        return None

    @property
    def discussion_closing_message(self) -> str:
        return _("This consultation has just closed: it no longer takes contributions.")

    @property
    def discussion_premoderated(self) -> bool:
        return self.premoderated

    @property
    def discussion_sections(self) -> list[dict]:
        return self.sections

    @property
    def discussion_follow_text(self) -> dict:
        return {"start": _("Follow this consultation"), "stop": _("Stop following this consultation")}

    @property
    def discussion_noun(self) -> str:
        return _("the consultation")

    @property
    def discussion_shows_responses(self) -> bool:
        return self.state == ConsultationState.CLOSED

    @property
    def discussion_window(self) -> tuple[datetime | None, datetime | None]:
        return self.opens_at, self.closes_at

    def search_facets(self) -> dict | None:
        """What this consultation's documents, and its contributions', share in search."""
        if not page_visible_to(self):
            return None
        plan = self.get_parent()  # always an action plan (parent_page_types)
        # Facets name a page by its original's id, so translations count as one.
        originals = original_ids([self, plan])
        return {
            "title": self.title,
            "url": self.url or "",
            "language": self.locale.language_code,
            "responder": self.lead_institution,
            "consultation": originals[self.pk],
            "consultation_title": self.title,
            "plan": originals[plan.pk] if plan else None,
            "plan_title": plan.title if plan else "",
            "territories": sorted(territory.slug for territory in self.territories.all()),
            "ogp_values": sorted(value.code for value in self.ogp_values.all()),
            "sections": {section["anchor"]: section["heading"] for section in self.sections},
        }

    def contribution_url(self, contribution, request=None) -> str:
        return f"{self.get_url(request)}#{contribution.anchor}"

    # --- values shown in the API -------------------------------------------------------
    @property
    def ogp_value_codes(self) -> list[str]:
        return [value.code for value in self.ogp_values.all()]

    @property
    def territory_slugs(self) -> list[str]:
        return [territory.slug for territory in self.territories.all()]

    @property
    def supporting_actor_list(self) -> list[str]:
        return [line.strip() for line in self.supporting_actors.splitlines() if line.strip()]

    # --- validation ----------------------------------------------------------------------
    def clean_fields(self, exclude=None):
        """Field checks, plus the sections' anchors: unique, and assigned where blank.

        Done here rather than in ``clean()`` so that, when the admin form already rejected
        the body (and so left it out), no second, misleading error is added about it.
        """
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "body" not in (exclude or ()) and "body" not in errors:
            try:
                assign_section_anchors(self.body)
            except ValidationError as error:
                errors["body"] = error.error_list
        if errors:
            raise ValidationError(errors)

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The consultation must close after it opens.")})


def assign_section_anchors(body) -> None:
    """Give every section without an anchor one made from its heading; refuse duplicates.

    Anchors are stored in the page's content, so once assigned they survive edits of the
    heading and re-ordering of sections.
    """
    sections = [block for block in body if block.block_type == "section"]
    if not sections:
        raise ValidationError(NO_SECTIONS)
    duplicates = duplicate_anchors(body)
    if duplicates:
        raise next(iter(duplicates.values()))
    seen = {block.value["anchor"]: block.value["heading"] for block in sections if block.value.get("anchor")}
    for block in sections:
        if not block.value.get("anchor"):
            base = slugify(block.value["heading"])[:50].strip("-") or "seccion"
            anchor, counter = base, 2
            while anchor in seen:
                anchor, counter = f"{base}-{counter}", counter + 1
            block.value["anchor"] = anchor
            seen[anchor] = block.value["heading"]


class ConsultationMilestone(Orderable):
    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=255)
    due_date = models.DateField(_("due date"))

    panels = [FieldPanel("title"), FieldPanel("due_date")]
    api_fields = [APIField("title"), APIField("due_date")]

    class Meta(Orderable.Meta):
        verbose_name = _("milestone")
