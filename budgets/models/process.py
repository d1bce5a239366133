"""An edition of the participatory budget: its amounts, its rules and its dated phases.

The current phase is never stored: it is read from the dates (entered and shown in Lima
time, stored in UTC), so every page, form and service agrees on it at any moment.
"""

from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from itertools import pairwise

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Locale, Orderable, Page
from wagtail.search import index

from core.pages import ReadersLanguageMixin

RICH_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]


class Phase(models.TextChoices):
    """The phases of an edition, in order; each lasts until the next one starts."""

    UPCOMING = "upcoming", pgettext_lazy("budget phase", "Announced")
    PROPOSALS = "proposals", pgettext_lazy("budget phase", "Proposals")
    EVALUATION = "evaluation", pgettext_lazy("budget phase", "Technical evaluation")
    VOTING = "voting", pgettext_lazy("budget phase", "Voting")
    RESULTS = "results", pgettext_lazy("budget phase", "Results")
    FOLLOW_UP = "follow_up", pgettext_lazy("budget phase", "Follow-up")


class BallotKind(models.TextChoices):
    APPROVAL = "approval", _("Approval: up to a number of projects per envelope")
    KNAPSACK = "knapsack", _("Knapsack: projects whose costs fit in the envelope")


class CountingRule(models.TextChoices):
    GREEDY = "greedy", _("Greedy by votes (the most voted first, while the money lasts)")
    EQUAL_SHARES = "equal_shares", _("Method of Equal Shares (every voter controls an equal share)")

    @property
    def short_label(self) -> str:
        return {CountingRule.GREEDY: _("greedy by votes"), CountingRule.EQUAL_SHARES: _("Method of Equal Shares")}[self]


class BudgetCategory(models.Model):
    """A sector a proposal belongs to (water and sanitation, roads…), kept by editors."""

    name = models.CharField(_("name (Spanish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("name_en"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("budget category")
        verbose_name_plural = _("budget categories")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the language being shown."""
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


@dataclass(frozen=True)
class PhaseInfo:
    """Where an edition stands at a moment: its phase, since and until when."""

    phase: Phase
    starts_at: datetime | None
    ends_at: datetime | None
    next_phase: Phase | None

    @property
    def label(self) -> str:
        return str(self.phase.label)


class ProcessForm(WagtailAdminPageForm):
    """The envelopes of an edition, checked together: one per province at most, one
    region-wide at most, and all of them within the total amount."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("envelopes")
        if formset is None or not formset.is_valid():
            return cleaned
        rows = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        territories = [row.get("territory") for row in rows]
        named = [territory for territory in territories if territory is not None]
        if len(named) != len(set(named)):
            self.add_error(None, _("Each province can have one envelope only."))
        if territories.count(None) > 1:
            self.add_error(None, _("There can be one region-wide envelope only."))
        total = cleaned.get("total_amount") or 0
        allotted = sum(row.get("amount") or 0 for row in rows)
        if allotted > total:
            self.add_error(
                "total_amount",
                _("The envelopes add up to S/ %(allotted)s, more than the total amount.") % {"allotted": allotted},
            )
        return cleaned


class BudgetProcessPage(RoutablePageMixin, ReadersLanguageMixin, Page):
    """One edition of the participatory budget ("Presupuesto Participativo 2027")."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_FEATURES)
    total_amount = models.PositiveBigIntegerField(
        _("total amount (soles)"), help_text=_("In whole soles (PEN). The envelopes must fit in it.")
    )
    categories = ParentalManyToManyField(BudgetCategory, blank=True, verbose_name=_("categories"))
    proposals_open_at = models.DateTimeField(_("proposals open"))
    evaluation_starts_at = models.DateTimeField(
        _("technical evaluation starts"), help_text=_("Proposals and supports close then.")
    )
    voting_opens_at = models.DateTimeField(_("voting opens"))
    voting_closes_at = models.DateTimeField(_("voting closes"), help_text=_("Results can be counted from then."))
    follow_up_starts_at = models.DateTimeField(_("follow-up starts"))
    ballot_kind = models.CharField(_("ballot"), max_length=12, choices=BallotKind.choices, default=BallotKind.APPROVAL)
    max_choices = models.PositiveSmallIntegerField(
        _("projects a voter may choose per envelope"), default=5, help_text=_("For approval ballots.")
    )
    counting_rule = models.CharField(
        _("counting rule"), max_length=16, choices=CountingRule.choices, default=CountingRule.EQUAL_SHARES
    )
    minimum_age = models.PositiveSmallIntegerField(_("minimum age to vote"), default=16)
    counts_visible_while_voting = models.BooleanField(
        _("show vote counts while voting is open"),
        default=False,
        help_text=_("Off: counts appear when voting closes, so early counts do not sway later voters."),
    )
    population_source = models.CharField(
        _("source of the population figures"),
        max_length=255,
        blank=True,
        help_text=_("For example: INEI, population estimates 2025. Used for turnout per province."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("total_amount"), FieldPanel("categories", widget=forms.CheckboxSelectMultiple)],
            heading=_("Amount and categories"),
        ),
        InlinePanel("envelopes", label=_("Envelopes (one per province, optionally one region-wide)")),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("proposals_open_at"), FieldPanel("evaluation_starts_at")]),
                FieldRowPanel([FieldPanel("voting_opens_at"), FieldPanel("voting_closes_at")]),
                FieldPanel("follow_up_starts_at"),
            ],
            heading=_("Phases (America/Lima time)"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("ballot_kind"),
                FieldPanel("max_choices"),
                FieldPanel("counting_rule"),
                FieldPanel("minimum_age"),
                FieldPanel("counts_visible_while_voting"),
            ],
            heading=_("Voting"),
        ),
        FieldPanel("population_source"),
    ]
    base_form_class = ProcessForm
    subpage_types = []
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    template = "budgets/process_page.html"

    #: The edition's pages below its address (proposals, voting, results, follow-up,
    #: statistics, open data) are a URLconf named here: its views use these models.
    subpage_urlconf = "budgets.page_urls"

    class Meta:
        verbose_name = _("participatory budget")
        verbose_name_plural = _("participatory budgets")
        permissions = [("manage_budget", "Can merge and hide proposals, count ballots and start the follow-up")]

    @classmethod
    def get_subpage_urls(cls):
        return import_module(cls.subpage_urlconf).urlpatterns

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["process"] = self.edition
        return context

    @cached_property
    def edition(self) -> "BudgetProcessPage":
        """The page in the default language: a translation shows the same proposals,
        ballots and results, which belong to the original."""
        default_locale = Locale.get_default()
        if self.translation_key and self.locale_id != default_locale.pk:
            original = BudgetProcessPage.objects.filter(
                translation_key=self.translation_key, locale=default_locale
            ).first()
            if original is not None:
                return original
        return self

    # --- phases ------------------------------------------------------------------------
    def phase_starts(self) -> list[tuple[Phase, datetime]]:
        return [
            (Phase.PROPOSALS, self.proposals_open_at),
            (Phase.EVALUATION, self.evaluation_starts_at),
            (Phase.VOTING, self.voting_opens_at),
            (Phase.RESULTS, self.voting_closes_at),
            (Phase.FOLLOW_UP, self.follow_up_starts_at),
        ]

    def phase_at(self, moment: datetime | None = None) -> Phase:
        moment = moment or timezone.now()
        current = Phase.UPCOMING
        for phase, starts in self.phase_starts():
            if moment >= starts:
                current = phase
        return current

    def phase_info(self, moment: datetime | None = None) -> PhaseInfo:
        phase = self.phase_at(moment)
        starts = dict(self.phase_starts())
        order = [Phase.UPCOMING, *starts]
        following = order[order.index(phase) + 1] if phase != Phase.FOLLOW_UP else None
        return PhaseInfo(
            phase=phase,
            starts_at=starts.get(phase),
            ends_at=starts.get(following) if following else None,
            next_phase=following,
        )

    @property
    def phase(self) -> Phase:
        return self.phase_at()

    def timeline(self, moment: datetime | None = None) -> list[dict]:
        """Every phase with its dates, and which one is now (for the page's timeline)."""
        current = self.phase_at(moment)
        starts = self.phase_starts()
        steps = []
        for position, (phase, start) in enumerate(starts):
            end = starts[position + 1][1] if position + 1 < len(starts) else None
            steps.append(
                {"phase": phase, "label": phase.label, "starts": start, "ends": end, "current": phase == current}
            )
        return steps

    # --- envelopes ---------------------------------------------------------------------
    @cached_property
    def envelope_list(self) -> list["BudgetEnvelope"]:
        """Province envelopes by province name, then the region-wide one."""
        envelopes = list(self.edition.envelopes.select_related("territory"))
        return sorted(envelopes, key=lambda envelope: (envelope.territory is None, envelope.name))

    def envelope_for(self, territory) -> "BudgetEnvelope | None":
        """The envelope of a province (``territory``), or the region-wide one for None."""
        territory_id = getattr(territory, "pk", territory)
        for envelope in self.envelope_list:
            if envelope.territory_id == territory_id:
                return envelope
        return None

    @property
    def regional_envelope(self) -> "BudgetEnvelope | None":
        return self.envelope_for(None)

    def voter_envelopes(self, territory) -> list["BudgetEnvelope"]:
        """What a voter of this province votes on: its envelope, and the region-wide one."""
        own = self.envelope_for(territory) if territory is not None else None
        return [envelope for envelope in (own, self.regional_envelope) if envelope is not None]

    def clean(self):
        super().clean()
        starts = [start for phase, start in self.phase_starts()]
        if all(starts) and any(later <= earlier for earlier, later in pairwise(starts)):
            raise ValidationError(
                _("The phases must follow each other: proposals, evaluation, voting, closing, follow-up.")
            )
        if self.ballot_kind == BallotKind.APPROVAL and not self.max_choices:
            raise ValidationError({"max_choices": _("An approval ballot lets voters choose at least one project.")})


class BudgetEnvelope(Orderable):
    """The amount a province's projects compete for, or the region-wide amount (no province)."""

    page = ParentalKey(BudgetProcessPage, on_delete=models.CASCADE, related_name="envelopes")
    territory = models.ForeignKey(
        "core.Territory",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the region-wide envelope."),
    )
    amount = models.PositiveBigIntegerField(_("amount (soles)"))
    population = models.PositiveIntegerField(
        _("population"), null=True, blank=True, help_text=_("For turnout in this province.")
    )

    panels = [FieldPanel("territory"), FieldPanel("amount"), FieldPanel("population")]

    class Meta(Orderable.Meta):
        verbose_name = _("envelope")
        verbose_name_plural = _("envelopes")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "territory"], condition=Q(territory__isnull=False), name="envelope_one_per_province"
            ),
            models.UniqueConstraint(fields=["page"], condition=Q(territory__isnull=True), name="envelope_one_regional"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_regional(self) -> bool:
        return self.territory_id is None

    @property
    def name(self) -> str:
        return self.territory.name if self.territory_id else str(_("Region-wide"))

    @property
    def key(self) -> str:
        """In addresses and file names: the province's slug, or ``regional``."""
        return self.territory.slug if self.territory_id else "regional"
