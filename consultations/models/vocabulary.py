"""What plans and consultations share: the rich-text features, and the OGP values."""

from django.db import models
from django.utils.translation import gettext_lazy as _

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
