"""Proposals: projects participants put forward, supported, discussed and evaluated.

A proposal is a *discussion host* (see :mod:`discussions.hosts`): its comments are
contributions, with threads, reactions, moderation, mail and live updates. Once the
technical team finds it viable, it is a *candidate* on the ballot of its envelope (its
province's, or the region-wide one when it has no province).
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import Sector
from core.pages import page_visible_to
from discussions import hosts
from discussions.errors import NotAllowed

from .process import BudgetCategory, BudgetProcessPage, Phase


class Viability(models.TextChoices):
    PENDING = "pending", _("Awaiting technical evaluation")
    VIABLE = "viable", pgettext_lazy("proposal", "Viable")
    NOT_VIABLE = "not_viable", pgettext_lazy("proposal", "Not viable")


#: Phases in which a proposal's discussion takes comments.
DISCUSSION_PHASES = (Phase.PROPOSALS, Phase.EVALUATION, Phase.VOTING)


class ProposalQuerySet(models.QuerySet):
    def public(self):
        """Shown to everyone: not hidden by moderators (merged ones stay, pointing to their target)."""
        return self.filter(hidden=False)

    def candidates(self):
        """What can be voted for: public, viable, evaluated with a cost, not merged into another."""
        return self.public().filter(viability=Viability.VIABLE, merged_into__isnull=True, evaluated_cost__isnull=False)


@hosts.register
class Proposal(hosts.DiscussionHost, models.Model):
    """A project a participant (or an organisation's representative) proposes."""

    process = models.ForeignKey(BudgetProcessPage, on_delete=models.CASCADE, related_name="proposals")
    territory = models.ForeignKey(
        "core.Territory",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: a region-wide project."),
    )
    district = models.CharField(_("district"), max_length=120, blank=True)
    category = models.ForeignKey(BudgetCategory, verbose_name=_("category"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=160)
    problem = models.TextField(_("problem it solves"), max_length=2000)
    description = models.TextField(_("description"), max_length=6000)
    description_html = models.TextField(blank=True)
    beneficiaries = models.PositiveIntegerField(_("people who benefit"))
    beneficiaries_description = models.CharField(_("who they are"), max_length=255, blank=True)
    estimated_cost = models.PositiveBigIntegerField(_("estimated cost (soles)"))

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="budget_proposals"
    )
    author_display_name = models.CharField(_("author"), max_length=120)
    author_sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    author_organisation = models.CharField(
        _("on behalf of"), max_length=200, blank=True, help_text=_("A verified organisation the author represents.")
    )
    author_territory = models.ForeignKey(
        "core.Territory", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    support_count = models.PositiveIntegerField(_("supports"), default=0)

    viability = models.CharField(
        _("viability"), max_length=12, choices=Viability.choices, default=Viability.PENDING, db_index=True
    )
    evaluation_reason = models.TextField(_("reason (public)"), blank=True)
    evaluated_cost = models.PositiveBigIntegerField(_("evaluated cost (soles)"), null=True, blank=True)
    cui = models.CharField(
        _("Invierte.pe CUI"), max_length=7, blank=True, help_text=_("The unique investment code, 7 digits.")
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("budget proposal")
        verbose_name_plural = _("budget proposals")
        permissions = [("evaluate_proposal", "Can record the technical evaluation of a budget proposal")]
        indexes = [models.Index(fields=["process", "hidden", "viability"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(viability="viable") | Q(evaluated_cost__isnull=False),
                name="proposal_viable_has_evaluated_cost",
                violation_error_message=_("A viable proposal needs its evaluated cost."),
            )
        ]

    def __str__(self):
        return self.title

    # --- what it is -------------------------------------------------------------------
    @property
    def envelope(self):
        return self.process.envelope_for(self.territory)

    @property
    def place(self) -> str:
        province = self.territory.name if self.territory_id else str(_("Region-wide"))
        return f"{province} · {self.district}" if self.district else province

    @property
    def cost(self) -> int:
        """What the ballot counts: the evaluated cost once there is one."""
        return self.evaluated_cost if self.evaluated_cost is not None else self.estimated_cost

    @property
    def is_candidate(self) -> bool:
        return (
            not self.hidden
            and self.viability == Viability.VIABLE
            and self.merged_into_id is None
            and self.evaluated_cost is not None
        )

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    # --- where it is read -------------------------------------------------------------
    def get_url(self, request=None) -> str:
        base = self.process.get_url(request)
        return f"{base}{self.process.reverse_subpage('proposal', args=(self.pk,))}" if base else ""

    @property
    def url(self) -> str:
        return self.get_url()

    @property
    def full_url(self) -> str:
        base = self.process.full_url
        return f"{base}{self.process.reverse_subpage('proposal', args=(self.pk,))}" if base else ""

    # --- the discussion-host protocol (see discussions.hosts) ------------------------------
    def is_visible_to(self, user, session=None) -> bool:
        """Not hidden, in an edition this user may read."""
        return not self.hidden and page_visible_to(self.process, user, session)

    def discussion_refusal(self, user, moment: datetime | None = None):
        if self.merged_into_id is not None:
            return NotAllowed(_("This proposal was merged into another one: continue the conversation there."))
        if self.process.phase_at(moment) not in DISCUSSION_PHASES:
            return NotAllowed(_("Comments on proposals closed with the voting."))
        return None

    @property
    def discussion_closing_message(self) -> str:
        return _("Comments on this proposal have just closed.")

    @property
    def discussion_window(self) -> tuple[datetime | None, datetime | None]:
        return self.process.proposals_open_at, self.process.voting_closes_at

    @property
    def discussion_follow_text(self) -> dict:
        return {"start": _("Follow this proposal (e-mail on comments)"), "stop": _("Stop following this proposal")}

    def search_facets(self) -> dict | None:
        if not self.is_visible_to(None):
            return None
        return {
            "title": self.title,
            "url": self.url,
            "language": self.process.locale.language_code,
            "territories": [self.territory.slug] if self.territory_id else [],
            "responder": self.process.title,
            "facets": self.search_facet_values(),
        }

    def search_facet_values(self) -> dict[str, list[str]]:
        """What the proposal and the comments on it are filtered by in search (the
        province is the documents' own ``territories``)."""
        return {
            "budget_category": [self.category.slug],
            "budget_phase": [self.process.phase],
            "viability": [self.viability],
        }

    def contribution_url(self, contribution, request=None) -> str:
        return f"{self.get_url(request)}#{contribution.anchor}"


class ProposalImage(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.image.title


class ProposalDocument(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.document.title


class Support(models.Model):
    """A participant's *apoyo* for a proposal during the proposal phase.

    Supports of a proposal merged into another are copied to the other (``via``), so
    its count includes everyone who supported either, once.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    via = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="support_one_per_participant")]

    def __str__(self):
        return f"support #{self.proposal_id}"
