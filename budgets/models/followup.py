"""Follow-up (*seguimiento*): each winning project, its state, and dated updates."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.pages import page_visible_to

from .process import BudgetProcessPage
from .proposals import Proposal


class ProjectStatus(models.TextChoices):
    """The stages of a public investment project in Peru (Invierte.pe)."""

    PROFILE = "perfil", pgettext_lazy("project status", "Profile")
    TECHNICAL_FILE = "expediente", pgettext_lazy("project status", "Technical file")
    IN_PROGRESS = "en_ejecucion", pgettext_lazy("project status", "In execution")
    COMPLETED = "concluido", pgettext_lazy("project status", "Completed")
    HALTED = "paralizado", pgettext_lazy("project status", "Halted")


class TrackedProject(models.Model):
    """A winning proposal being carried out; its figures are those of its latest update."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="tracked_project")
    process = models.ForeignKey(BudgetProcessPage, on_delete=models.CASCADE, related_name="tracked_projects")
    territory = models.ForeignKey("core.Territory", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=160)
    budget = models.PositiveBigIntegerField(_("budget (soles)"))
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PROFILE)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    budget_executed = models.PositiveBigIntegerField(_("budget executed (soles)"), default=0)
    cui = models.CharField(_("Invierte.pe CUI"), max_length=7, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(_("last update"), default=timezone.now)

    class Meta:
        ordering = ["territory__name", "title"]
        verbose_name = _("tracked project")
        verbose_name_plural = _("tracked projects")
        permissions = [("update_project", "Can post updates on a tracked budget project")]

    def __str__(self):
        return self.title

    @property
    def place(self) -> str:
        return self.proposal.place

    @property
    def executed_share(self) -> int:
        """Budget executed, as a whole percentage of the budget."""
        return round(100 * self.budget_executed / self.budget) if self.budget else 0

    def get_url(self, request=None) -> str:
        base = self.process.get_url(request)
        return f"{base}{self.process.reverse_subpage('project', args=(self.pk,))}" if base else ""

    @property
    def url(self) -> str:
        return self.get_url()

    @property
    def full_url(self) -> str:
        base = self.process.full_url
        return f"{base}{self.process.reverse_subpage('project', args=(self.pk,))}" if base else ""

    def is_visible_to(self, user, session=None) -> bool:
        return not self.proposal.hidden and page_visible_to(self.process, user, session)


class ProjectUpdate(models.Model):
    """What happened to a project on a date: its status, progress and spending then."""

    project = models.ForeignKey(TrackedProject, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    text = models.TextField(_("what happened"), max_length=4000)
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), validators=[MaxValueValidator(100)])
    budget_executed = models.PositiveBigIntegerField(_("budget executed (soles)"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")

    def __str__(self):
        return f"{self.project.title} · {self.date:%Y-%m-%d}"


class ProjectUpdatePhoto(models.Model):
    update = models.ForeignKey(ProjectUpdate, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.caption or self.image.title
