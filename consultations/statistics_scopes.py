"""The admin's participation statistics cover a whole plan or one consultation."""

from django.utils.translation import gettext as _
from wagtail.models import Page

from discussions.hosts import StatisticsScope

from .models import ActionPlanPage, ConsultationPage


def statistics_scopes() -> list[StatisticsScope]:
    """Each plan as a group, drafts and closed ones included: the whole plan, then its
    consultations, in tree order."""
    consultations: dict[str, list[ConsultationPage]] = {}
    for consultation in ConsultationPage.objects.order_by("path"):
        consultations.setdefault(consultation.path[: -Page.steplen], []).append(consultation)
    scopes = []
    for plan in ActionPlanPage.objects.order_by("path"):
        children = consultations.get(plan.path, [])
        scopes.append(
            StatisticsScope(
                key=f"plan-{plan.pk}",
                label=_("Whole plan: %(title)s") % {"title": plan.title},
                group=plan.title,
                targets=lambda children=children: children,
                page=plan,
            )
        )
        scopes += [
            StatisticsScope(
                key=f"consultation-{consultation.pk}",
                label=consultation.title,
                group=plan.title,
                targets=lambda consultation=consultation: [consultation],
                page=consultation,
            )
            for consultation in children
        ]
    return scopes
