"""What a hearing's page lists, each edited inline on the page: its radio stations, its
agenda, the report's documents, its question topics, and the commitments made at it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable, Page

from core.admin_widgets import DocumentChooser, PageChooser
from core.pages import page_visible_to

from .pages import HearingPage


class HearingRadioStation(Orderable):
    page = ParentalKey(HearingPage, on_delete=models.CASCADE, related_name="radio_stations")
    name = models.CharField(_("station"), max_length=120)
    frequency = models.CharField(_("frequency"), max_length=40, help_text=_("For example: 102.5 FM."))
    coverage = models.CharField(_("where it is heard"), max_length=200, blank=True)
    stream_url = models.URLField(_("online stream"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("frequency"), FieldPanel("coverage"), FieldPanel("stream_url")]

    class Meta(Orderable.Meta):
        verbose_name = _("radio station")


class HearingAgendaItem(Orderable):
    page = ParentalKey(HearingPage, on_delete=models.CASCADE, related_name="agenda_items")
    time = models.TimeField(_("time"), null=True, blank=True)
    title = models.CharField(_("item"), max_length=255)
    presenter = models.CharField(_("presented by"), max_length=200, blank=True)

    panels = [FieldRowPanel([FieldPanel("time"), FieldPanel("title")]), FieldPanel("presenter")]

    class Meta(Orderable.Meta):
        verbose_name = _("agenda item")


class HearingDocument(Orderable):
    """A document of the report to be presented, published ahead of the hearing."""

    page = ParentalKey(HearingPage, on_delete=models.CASCADE, related_name="report_documents")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=255, blank=True, help_text=_("Defaults to the document's title."))
    published_on = models.DateField(_("published on"), default=timezone.localdate)

    panels = [FieldPanel("document", widget=DocumentChooser), FieldPanel("title"), FieldPanel("published_on")]

    class Meta(Orderable.Meta):
        verbose_name = _("report document")

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


class HearingTopic(Orderable):
    """A topic questions may be about (health, roads, water…)."""

    page = ParentalKey(HearingPage, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("topic"), max_length=120)

    panels = [FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("question topic")

    @property
    def anchor(self) -> str:
        return f"tema-{self.pk}"


class CommitmentStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("commitment status", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("commitment status", "In progress")
    DONE = "done", pgettext_lazy("commitment status", "Fulfilled")
    NOT_DONE = "not_done", pgettext_lazy("commitment status", "Not fulfilled")


class HearingCommitment(Orderable):
    """A commitment the government made at the hearing, followed until it is kept.

    Each one has a stable address (``#compromiso-<id>``) an action plan can link to, and
    may name the page it belongs to (the action plan, a consultation…).
    """

    page = ParentalKey(HearingPage, on_delete=models.CASCADE, related_name="commitments")
    description = models.TextField(_("commitment"))
    responsible = models.CharField(_("responsible office"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.PENDING
    )
    evidence_note = models.TextField(_("evidence"), blank=True, help_text=_("What was done, in a few lines."))
    evidence_url = models.URLField(_("evidence link"), blank=True)
    evidence_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("evidence document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    related_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("related page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For example the action plan this commitment is part of."),
    )
    updated_on = models.DateField(_("status as of"), null=True, blank=True)

    panels = [
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("responsible"), FieldPanel("due_date")]),
        FieldRowPanel([FieldPanel("status"), FieldPanel("updated_on")]),
        FieldPanel("evidence_note"),
        FieldRowPanel([FieldPanel("evidence_url"), FieldPanel("evidence_document", widget=DocumentChooser)]),
        FieldPanel("related_page", widget=PageChooser),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("commitment")

    @property
    def anchor(self) -> str:
        return f"compromiso-{self.pk}"

    @property
    def public_related_page(self) -> Page | None:
        """The related page, if anyone may read it (a draft's title is never shown)."""
        page = self.related_page.specific if self.related_page is not None else None
        return page if page is not None and page_visible_to(page) else None

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.due_date
            and self.due_date < timezone.localdate()
            and self.status in (CommitmentStatus.PENDING, CommitmentStatus.IN_PROGRESS)
        )
