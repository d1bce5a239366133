"""Action plans: the plan index, plans, their timeline and documents."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.pages import ReadersLanguageMixin, children_in_language

from ..routes import OpenDataRoutesMixin
from .consultation import ConsultationPage
from .vocabulary import INLINE_FEATURES


class PlanIndexPage(ReadersLanguageMixin, Page):
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
        context = super().get_context(request, *args, **kwargs)
        plans = ActionPlanPage.objects.live().public().order_by("-period_start", "title")
        context["plans"] = children_in_language(self, plans)
        return context


class ActionPlanPage(OpenDataRoutesMixin, ReadersLanguageMixin, Page):
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
        context = super().get_context(request, *args, **kwargs)
        consultations = ConsultationPage.objects.live().public().prefetch_related("territories")
        context["consultations"] = children_in_language(self, consultations.order_by("opens_at", "title"))
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
