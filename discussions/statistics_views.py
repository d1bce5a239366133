"""The admin's "Participation statistics" screen: the public page's charts and tables, for any plan or consultation.

Unlike the public page it also covers drafts and unpublished consultations, since
moderators report on consultations that are no longer online.
"""

from django import forms
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.models import Page

from consultations.models import ActionPlanPage, ConsultationPage

from .charts import statistics_charts
from .statistics import participation_statistics


def _scope_choices() -> list:
    """Each plan as a group: the whole plan first, then its consultations, in tree order."""
    consultations: dict[str, list] = {}
    for consultation in ConsultationPage.objects.order_by("path").only("pk", "title", "path"):
        consultations.setdefault(consultation.path[: -Page.steplen], []).append((consultation.pk, consultation.title))
    return [
        (plan.title, [(plan.pk, _("Whole plan: %(title)s") % {"title": plan.title}), *consultations.get(plan.path, [])])
        for plan in ActionPlanPage.objects.order_by("path").only("pk", "title", "path")
    ]


class ScopeForm(forms.Form):
    page = forms.TypedChoiceField(label=_("Plan or consultation"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].choices = [("", _("Choose a plan or a consultation")), *_scope_choices()]


def _targets(chosen: Page) -> list:
    if isinstance(chosen, ActionPlanPage):
        return list(ConsultationPage.objects.child_of(chosen).order_by("path"))
    return [chosen]


def participation_statistics_view(request):
    form = ScopeForm(request.GET or None)
    context = {"base_template": "wagtailadmin/base.html", "in_admin": True, "table_class": "listing", "form": form}
    if form.is_valid():
        chosen = Page.objects.get(pk=form.cleaned_data["page"]).specific
        statistics = participation_statistics(_targets(chosen))
        context |= {"chosen": chosen, "statistics": statistics, "sections": statistics_charts(statistics)}
        if chosen.live:
            page_url = chosen.get_url(request)
            context["public_url"] = page_url + chosen.reverse_subpage("statistics")
            context["downloads"] = [
                (_("Contributions (CSV)"), page_url + chosen.reverse_subpage("contributions_csv")),
                (_("Contributions (JSON)"), page_url + chosen.reverse_subpage("contributions_json")),
            ]
    return render(request, "discussions/statistics.html", context)


# --- registration (see wagtail_hooks.py) ---------------------------------------------------
def statistics_admin_urls() -> list:
    return [path("participation-statistics/", participation_statistics_view, name="discussions_statistics")]


def statistics_menu_item() -> MenuItem:
    """Shown to everyone who may use the admin: the figures are public anyway."""
    return MenuItem(_("Participation statistics"), reverse("discussions_statistics"), icon_name="table", order=320)
