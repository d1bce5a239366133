"""Wagtail admin screens for consultations: a flat listing filterable by plan, state and territory."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet

from core.models import Territory

from .models import ActionPlanPage, ConsultationPage, ConsultationState


class StateColumn(Column):
    def get_value(self, instance):
        return instance.get_state_display()


class ConsultationFilterSet(PageListingViewSet.filterset_class):
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), queryset=ActionPlanPage.objects.order_by("-period_start", "title"), method="filter_plan"
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=ConsultationState.choices, method="filter_state")
    territories = django_filters.ModelChoiceFilter(label=_("Territory"), queryset=Territory.objects.all())

    class Meta:
        model = ConsultationPage
        fields = ["plan", "state", "territories"]

    def filter_plan(self, queryset, name, value):
        return queryset.child_of(value) if value else queryset

    def filter_state(self, queryset, name, value):
        return queryset.filter(ConsultationState(value).at(timezone.now())) if value else queryset


class ConsultationListingViewSet(PageListingViewSet):
    model = ConsultationPage
    icon = "comment"
    menu_label = _("Consultations")
    menu_order = 150
    add_to_admin_menu = True
    filterset_class = ConsultationFilterSet
    columns = [
        *PageListingViewSet.columns,
        StateColumn("state", label=_("State")),
        Column("opens_at", label=_("Opens"), sort_key="opens_at"),
        Column("closes_at", label=_("Closes"), sort_key="closes_at"),
    ]


consultation_listing_viewset = ConsultationListingViewSet("consultation_listing")
