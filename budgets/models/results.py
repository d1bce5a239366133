"""Counts of the ballots: each run computes every envelope with both rules, so the
results page can show what the other rule would have chosen."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .process import BudgetProcessPage, CountingRule
from .proposals import Proposal


class RunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("count", "Queued")
    RUNNING = "running", pgettext_lazy("count", "Counting")
    DONE = "done", pgettext_lazy("count", "Done")
    FAILED = "failed", pgettext_lazy("count", "Failed")


class ResultRun(models.Model):
    """One count of an edition's ballots, in the background, with its progress."""

    process = models.ForeignKey(BudgetProcessPage, on_delete=models.CASCADE, related_name="result_runs")
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    rule = models.CharField(_("official rule"), max_length=16, choices=CountingRule.choices)
    final = models.BooleanField(
        _("after voting closed"), default=False, help_text=_("Only a count made after voting closed is published.")
    )
    ballots_counted = models.PositiveIntegerField(_("ballots counted"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("count")
        verbose_name_plural = _("counts")

    def __str__(self):
        return _("Count of %(process)s, %(moment)s") % {
            "process": self.process.title,
            "moment": timezone.localtime(self.requested_at).strftime("%Y-%m-%d %H:%M"),
        }

    @property
    def rule_label(self) -> str:
        return CountingRule(self.rule).short_label

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class EnvelopeResult(models.Model):
    run = models.ForeignKey(ResultRun, on_delete=models.CASCADE, related_name="envelopes")
    territory = models.ForeignKey("core.Territory", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField(_("envelope (soles)"))
    voters = models.PositiveIntegerField(_("voters"), default=0)
    greedy_spent = models.PositiveBigIntegerField(default=0)
    equal_shares_spent = models.PositiveBigIntegerField(default=0)
    greedy_seconds = models.FloatField(default=0)
    equal_shares_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["territory__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "territory"], name="envelope_result_once")]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.territory.name if self.territory_id else str(_("Region-wide"))

    @property
    def key(self) -> str:
        return self.territory.slug if self.territory_id else "regional"

    def spent(self, rule: str) -> int:
        return self.greedy_spent if rule == CountingRule.GREEDY else self.equal_shares_spent

    def left(self, rule: str) -> int:
        return self.amount - self.spent(rule)


class ProjectResult(models.Model):
    envelope = models.ForeignKey(EnvelopeResult, on_delete=models.CASCADE, related_name="projects")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    cost = models.PositiveBigIntegerField(_("cost (soles)"))
    votes = models.PositiveIntegerField(_("votes"), default=0)
    greedy_selected = models.BooleanField(default=False)
    equal_shares_selected = models.BooleanField(default=False)

    class Meta:
        ordering = ["-votes", "cost", "proposal_id"]

    def __str__(self):
        return f"{self.proposal_id}: {self.votes}"

    def selected(self, rule: str) -> bool:
        return self.greedy_selected if rule == CountingRule.GREEDY else self.equal_shares_selected
