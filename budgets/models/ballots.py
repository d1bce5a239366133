"""Ballots: one per voter per edition, whatever the channel (web, workshop, office, radio).

A voter is known by a keyed hash of their DNI (see :mod:`budgets.dni`), never by the DNI
itself. What a ballot chose is never shown next to who cast it: no page, export or admin
screen puts the two together. The account that cast a web ballot is kept only while the
voter may still change it; counting after the vote closes cuts that link.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Gender, Sector

from .process import BudgetProcessPage
from .proposals import Proposal


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    WORKSHOP = "workshop", _("Workshop")
    OFFICE = "office", _("Municipal or regional office")
    RADIO = "radio", _("Radio campaign")

    @classmethod
    def paper(cls) -> list[tuple[str, str]]:
        """The channels of ballots staff enter from paper."""
        return [(value, label) for value, label in cls.choices if value != cls.WEB]


class AgeBand(models.TextChoices):
    """Ages are kept as bands only: enough for statistics, too coarse to point at anyone."""

    UNDER_18 = "14-17", _("14 to 17")
    YOUNG = "18-29", _("18 to 29")
    ADULT = "30-44", _("30 to 44")
    MIDDLE = "45-64", _("45 to 64")
    SENIOR = "65+", _("65 and over")

    @classmethod
    def of(cls, age: int) -> "AgeBand":
        for band, upper in ((cls.UNDER_18, 17), (cls.YOUNG, 29), (cls.ADULT, 44), (cls.MIDDLE, 64)):
            if age <= upper:
                return band
        return cls.SENIOR


def new_public_id() -> str:
    """The ballot's name in open data: random, so it says nothing of when or who."""
    return secrets.token_hex(8)


class BallotQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(annulled_at__isnull=True)


class Ballot(models.Model):
    process = models.ForeignKey(BudgetProcessPage, on_delete=models.CASCADE, related_name="ballots")
    public_id = models.CharField(_("ballot number"), max_length=16, unique=True, default=new_public_id)
    dni_hash = models.CharField(_("DNI (keyed hash)"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.WEB)
    territory = models.ForeignKey(
        "core.Territory", verbose_name=_("province"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.CharField(_("district"), max_length=120, blank=True)
    age_band = models.CharField(_("age"), max_length=8, choices=AgeBand.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    gender = models.CharField(
        _("gender"), max_length=20, choices=Gender.choices, blank=True, help_text=_("Only if the voter consented.")
    )
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("The workshop or office."))
    form_number = models.CharField(_("form number"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("cast at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    annulled_at = models.DateTimeField(_("annulled at"), null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    annul_reason = models.TextField(_("reason for annulling"), blank=True)

    objects = BallotQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        permissions = [
            ("enter_paper_ballot", "Can enter a paper ballot"),
            ("annul_ballot", "Can annul a ballot"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "dni_hash"],
                condition=Q(annulled_at__isnull=True),
                name="ballot_one_per_dni",
            ),
            models.UniqueConstraint(
                fields=["process", "user"],
                condition=Q(annulled_at__isnull=True, user__isnull=False),
                name="ballot_one_per_account",
            ),
        ]

    def __str__(self):
        return _("Ballot %(number)s") % {"number": self.public_id}

    @property
    def is_paper(self) -> bool:
        return self.channel != Channel.WEB

    @property
    def is_annulled(self) -> bool:
        return self.annulled_at is not None


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "proposal"], name="ballot_choice_once")]

    def __str__(self):
        return f"{self.ballot_id}: {self.proposal_id}"
