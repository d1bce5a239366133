"""Participants: who they are for the consultation (sector, organisation, territory)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from core.models import Gender, Sector


class OrganisationQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verified=True)


class Organisation(index.Indexed, models.Model):
    """A body participants speak for. Participants may request one; an operator verifies it."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    territory = models.ForeignKey(
        "core.Territory", verbose_name=_("territory"), null=True, blank=True, on_delete=models.SET_NULL
    )
    website = models.URLField(_("website"), blank=True)
    verified = models.BooleanField(
        _("verified"), default=False, help_text=_("Verified organisations are offered to every participant.")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("sector"),
        FieldPanel("territory"),
        FieldPanel("website"),
        FieldPanel("verified"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("verified")]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Participant(models.Model):
    """The profile of a registered person: what is shown beside their contributions.

    E-mail and password stay on Django's user; everything public about a participant is
    here. ``gender`` is kept only while ``gender_consent`` is given.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participant")
    display_name = models.CharField(_("display name"), max_length=80)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    territory = models.ForeignKey(
        "core.Territory", verbose_name=_("territory"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    gender_consent = models.BooleanField(_("consent to use my gender for statistics"), default=False)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    terms_accepted_at = models.DateTimeField(_("terms and privacy notice accepted at"), null=True, blank=True)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspension_reason = models.TextField(_("suspension reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        permissions = [("suspend_participant", "Can suspend a participant")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gender="") | models.Q(gender_consent=True),
                name="participant_gender_only_with_consent",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def organisation_name(self) -> str:
        return self.organisation.name if self.organisation_id else ""
