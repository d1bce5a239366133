"""Action plans and their consultations (draft commitments) as Wagtail pages."""

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

from discussions.errors import NotAllowed, NotFound

from .blocks import NO_SECTIONS, CommitmentStreamBlock, duplicate_anchors
from .routes import OpenDataRoutesMixin

INLINE_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class OgpValue(models.Model):
    """One of the four OGP values a commitment advances; rows are created by a migration."""

    class Code(models.TextChoices):
        ACCESS_TO_INFORMATION = "access_to_information", _("Access to information")
        CIVIC_PARTICIPATION = "civic_participation", _("Civic participation")
        PUBLIC_ACCOUNTABILITY = "public_accountability", _("Public accountability")
        TECHNOLOGY_AND_INNOVATION = "technology_and_innovation", _("Technology and innovation")

    code = models.CharField(max_length=40, choices=Code.choices, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("OGP value")
        verbose_name_plural = _("OGP values")

    def __str__(self) -> str:
        return str(self.get_code_display())


class PlanIndexPage(Page):
    """The list of every action plan, past and present."""

    intro = RichTextField(_("introduction"), blank=True, features=INLINE_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cocrea.HomePage"]
    subpage_types = ["consultations.ActionPlanPage"]
    max_count_per_parent = 1
    template = "consultations/plan_index_page.html"

    class Meta:
        verbose_name = _("plan index")

    def get_context(self, request, *args, **kwargs):
        from .selectors import plans_for_index

        context = super().get_context(request, *args, **kwargs)
        context["plans"] = plans_for_index(self)
        return context


class ActionPlanPage(OpenDataRoutesMixin, Page):
    """An OGP action plan being co-created, e.g. "Plan de Acción de Gobierno Abierto 2025–2027"."""

    class Stage(models.TextChoices):
        DRAFTING = "drafting", _("Drafting")
        IN_CONSULTATION = "in_consultation", _("In consultation")
        ADOPTED = "adopted", _("Adopted")
        IN_IMPLEMENTATION = "in_implementation", _("In implementation")
        CLOSED = "closed", pgettext_lazy("plan stage", "Closed")

    period_start = models.PositiveSmallIntegerField(_("first year"))
    period_end = models.PositiveSmallIntegerField(_("last year"))
    stage = models.CharField(_("stage"), max_length=30, choices=Stage.choices, default=Stage.DRAFTING)
    introduction = RichTextField(_("introduction"), blank=True, features=INLINE_FEATURES)
    lead_agency = models.CharField(_("lead agency"), max_length=255)
    contact_name = models.CharField(_("point of contact"), max_length=255, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")], heading=_("Period")),
        FieldPanel("stage"),
        FieldPanel("introduction"),
        MultiFieldPanel(
            [FieldPanel("lead_agency"), FieldPanel("contact_name"), FieldPanel("contact_email")],
            heading=_("Responsible"),
        ),
        InlinePanel("timeline", label=_("Co-creation timeline")),
        InlinePanel("documents", label=_("Documents")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.FilterField("stage")]
    api_fields = [
        APIField("period_start"),
        APIField("period_end"),
        APIField("stage"),
        APIField("introduction"),
        APIField("lead_agency"),
        APIField("contact_name"),
        APIField("timeline"),
        APIField("documents"),
    ]
    parent_page_types = ["consultations.PlanIndexPage"]
    subpage_types = ["consultations.ConsultationPage"]
    template = "consultations/action_plan_page.html"

    class Meta:
        verbose_name = _("action plan")

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The last year cannot be before the first year.")})

    @property
    def period(self) -> str:
        return f"{self.period_start}–{self.period_end}"

    def get_context(self, request, *args, **kwargs):
        from .selectors import consultations_of_plan

        context = super().get_context(request, *args, **kwargs)
        context["consultations"] = consultations_of_plan(self)
        return context


class PlanMilestone(Orderable):
    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("Announcement")
        CONSULTATION = "consultation", _("Consultation window")
        FORUM_MEETING = "forum_meeting", _("Forum meeting")
        ADOPTION = "adoption", _("Adoption")
        OTHER = "other", _("Other")

    page = ParentalKey(ActionPlanPage, on_delete=models.CASCADE, related_name="timeline")
    date = models.DateField(_("date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=255)

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("end_date")]), FieldPanel("kind"), FieldPanel("title")]
    api_fields = [APIField("date"), APIField("end_date"), APIField("kind"), APIField("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("milestone")

    def clean(self):
        if self.end_date and self.date and self.end_date < self.date:
            raise ValidationError({"end_date": _("The end date cannot be before the date.")})


class PlanDocument(Orderable):
    page = ParentalKey(ActionPlanPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=255, blank=True, help_text=_("Defaults to the document's title."))

    panels = [FieldPanel("document"), FieldPanel("title")]
    api_fields = [APIField("display_title"), APIField("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("document")

    @property
    def display_title(self) -> str:
        return self.title or self.document.title

    @property
    def url(self) -> str:
        return self.document.url


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


class ConsultationPage(OpenDataRoutesMixin, Page):
    """One draft commitment of a plan, open for comments between ``opens_at`` and ``closes_at``."""

    summary = models.TextField(_("summary"), max_length=600)
    problem = RichTextField(_("problem it addresses"), features=INLINE_FEATURES)
    body = StreamField(CommitmentStreamBlock(), verbose_name=_("commitment text"))
    ogp_values = ParentalManyToManyField(OgpValue, blank=True, verbose_name=_("OGP values"))
    lead_institution = models.CharField(_("lead institution"), max_length=255)
    supporting_actors = models.TextField(
        _("supporting actors"), blank=True, help_text=_("One per line: institutions and organisations.")
    )
    territories = ParentalManyToManyField("cocrea.Territory", blank=True, verbose_name=_("territories"))
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
        from discussions.context import discussion_context

        context = super().get_context(request, *args, **kwargs)
        context.update(discussion_context(self.discussion_page, request))
        return context

    @cached_property
    def discussion_page(self) -> "ConsultationPage":
        """Translations of a consultation share one discussion: the original's."""
        if self.translation_key and self.locale.language_code != Locale.get_default().language_code:
            original = ConsultationPage.objects.filter(
                translation_key=self.translation_key, locale__language_code=Locale.get_default().language_code
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

    # --- the discussion target protocol (see discussions.models) --------------------------
    def discussion_refusal(self, moment: datetime):
        if not self.live:
            return NotFound(_("This consultation is not published."))
        state = self.state_at(moment)
        if state == ConsultationState.UPCOMING:
            return NotAllowed(_("This consultation is not open for comments yet."))
        if state == ConsultationState.CLOSED:
            return NotAllowed(_("This consultation is closed: it no longer takes contributions."))
        return None

    @property
    def discussion_premoderated(self) -> bool:
        return self.premoderated

    @property
    def discussion_sections(self) -> list[dict]:
        return self.sections

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
