"""Registration for a hearing: to attend, and separately to speak."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegistrationKind(models.TextChoices):
    ATTEND = "attend", _("To attend")
    SPEAK = "speak", _("To speak")


class SpeakerStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("speaker status", "Awaiting confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("speaker status", "Confirmed")
    DECLINED = "declined", pgettext_lazy("speaker status", "Not confirmed")


class Registration(models.Model):
    """A participant registered for a hearing. An attendee's registration is private (the
    page shows only how many); a speaker's name, organisation, province and topic are
    published once editors confirm them and publish the list."""

    hearing = models.ForeignKey(
        "hearings.HearingPage", verbose_name=_("hearing"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hearing_registrations")
    kind = models.CharField(_("registered"), max_length=10, choices=RegistrationKind.choices)
    name = models.CharField(_("name"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    territory = models.ForeignKey(
        "core.Territory", verbose_name=_("province"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SpeakerStatus.choices, default=SpeakerStatus.REQUESTED
    )
    speaking_order = models.PositiveSmallIntegerField(_("order"), null=True, blank=True)
    speaking_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        permissions = [("manage_registration", "Can see a hearing's registrations and confirm its speakers")]
        constraints = [models.UniqueConstraint(fields=["hearing", "user", "kind"], name="registration_once_per_kind")]
        ordering = ["speaking_order", "created_at"]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def is_speaker(self) -> bool:
        return self.kind == RegistrationKind.SPEAK
