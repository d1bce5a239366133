"""Site-wide models: the home page and the site's identity."""

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from budgets.selectors import editions_under
from consultations.selectors import consultations_for_home, plan_index_of
from core.pages import ReadersLanguageMixin, original_of
from forum.selectors import forums_under
from hearings.selectors import hearing_index_of, hearings_for_home


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """Who runs this site, shown in the header and footer."""

    organisation_name = models.CharField(_("organisation name"), max_length=200, default="Cocrea")
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_demo = models.BooleanField(
        _("demonstration site"),
        default=False,
        help_text=_("Shows a notice on every page that the content is for demonstration only."),
    )

    panels = [FieldPanel("organisation_name"), FieldPanel("contact_email"), FieldPanel("is_demo")]

    class Meta:
        verbose_name = _("site identity")


class HomePage(ReadersLanguageMixin, Page):
    """The front page of a site: who is consulting, and what is open now.

    Wagtail routes a request under /en/ through the English home page's tree. What that
    tree lacks (a page not translated yet) is routed through the Spanish home page's: the
    Spanish page is served under /en/, with the interface in English and a notice that its
    content is in Spanish. So every public address has its counterpart in each language.
    """

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    template = "cocrea/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        try:
            return super().route(request, path_components)
        except Http404:
            original = original_of(self)
            if original.pk == self.pk:
                raise
            return original.specific.route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["consultations"] = consultations_for_home(self.locale)
        context["plan_index"] = plan_index_of(self)
        context["forums"] = forums_under(self)
        context["budgets"] = editions_under(self)
        context["hearings"] = hearings_for_home(self)
        context["hearing_index"] = hearing_index_of(self)
        return context
