"""The admin's "Participation statistics" screen: the public page's charts and tables, for any plan or consultation.

Unlike the public page it also covers drafts and unpublished consultations, since
moderators report on consultations that are no longer online.
"""

from django import forms
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem

from . import hosts
from .charts import statistics_charts
from .statistics import participation_statistics


class ScopeForm(forms.Form):
    page = forms.ChoiceField(label=_("Plan or consultation"))

    def __init__(self, *args, scopes: list[hosts.StatisticsScope], **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list] = {}
        for scope in scopes:
            groups.setdefault(scope.group, []).append((scope.key, scope.label))
        self.fields["page"].choices = [("", _("Choose a plan or a consultation")), *groups.items()]


def participation_statistics_view(request):
    scopes = {scope.key: scope for scope in hosts.statistics_scopes()}
    form = ScopeForm(request.GET or None, scopes=list(scopes.values()))
    context = {"base_template": "wagtailadmin/base.html", "in_admin": True, "table_class": "listing", "form": form}
    if form.is_valid():
        scope = scopes[form.cleaned_data["page"]]
        chosen = scope.page
        statistics = participation_statistics(scope.targets())
        context |= {"chosen": chosen, "statistics": statistics, "sections": statistics_charts(statistics)}
        if chosen is not None and chosen.live:
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
