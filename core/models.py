"""The shared vocabulary: stakeholder sectors, genders, and the territories (provinces)."""

import json
import unicodedata
from pathlib import Path

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

DEFAULT_TERRITORIES_FILE = Path(__file__).parent / "data" / "territories-cajamarca.json"


class Sector(models.TextChoices):
    """The stakeholder groups OGP asks members to hear, by stable code."""

    GOVERNMENT = "government", _("Government")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    ACADEMIA = "academia", _("Academia")
    CITIZEN = "citizen", _("Citizen")
    INTERNATIONAL = "international", _("International cooperation")


class Gender(models.TextChoices):
    """Asked only with consent, and only for disaggregated participation statistics."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NON_BINARY = "non_binary", _("Non-binary")
    OTHER = "other", _("Other")


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Jaén", "JAEN" and "jaen" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def organisation_besides(name: str, organisation: str) -> str:
    """The organisation to show beside an author's name: none when the name is the
    organisation's own (an account that speaks for it), so it is not said twice."""
    return "" if fold(organisation) == fold(name) else organisation


class TerritoryQuerySet(models.QuerySet):
    def lookup(self, value: str) -> "Territory":
        """The territory whose slug or name is ``value`` (case and accents ignored)."""
        wanted = fold(value)
        for territory in self:
            if wanted in (fold(territory.slug), fold(territory.name)):
                return territory
        raise Territory.DoesNotExist(f"No territory has the slug or name {value!r}.")


class Territory(models.Model):
    """A place contributions and consultations refer to (a province, for Cajamarca).

    Territories are data, loaded from a JSON file (:func:`load_territories`), so
    another OGP member can load its own list.
    """

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    code = models.CharField(
        _("official code"), max_length=20, blank=True, help_text=_("For Peru, the INEI ubigeo code.")
    )
    region = models.CharField(_("region"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=40, default="province")

    objects = TerritoryQuerySet.as_manager()

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("code"), FieldPanel("region"), FieldPanel("kind")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("territory")
        verbose_name_plural = _("territories")

    def __str__(self) -> str:
        return self.name


def load_territories(path: Path = DEFAULT_TERRITORIES_FILE, *, territory_model=Territory) -> tuple[int, int]:
    """Create or update the territories listed in a JSON file; returns (created, updated)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created = updated = 0
    for item in data["territories"]:
        _territory, was_created = territory_model.objects.update_or_create(
            slug=item.get("slug") or slugify(item["name"]),
            defaults={
                "name": item["name"],
                "code": item.get("code", ""),
                "region": item.get("region", data.get("region", "")),
                "kind": item.get("kind", data.get("kind", "province")),
            },
        )
        created += was_created
        updated += not was_created
    return created, updated
