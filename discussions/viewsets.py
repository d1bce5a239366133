"""Admin screens: the moderation queue and the government's reasoned responses."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from consultations.models import ConsultationPage

from . import services
from .errors import Refused
from .models import Contribution, ResponseStatus, Status


def _filter_consultation(queryset, name, value):
    """Contributions point at their page by content type and a text id."""
    return queryset.filter(object_pk=str(value.pk)) if value else queryset


def _consultation_filterset(base_fields):
    class ContributionFilterSet(WagtailFilterSet):
        consultation = django_filters.ModelChoiceFilter(
            label=_("Consultation"),
            queryset=ConsultationPage.objects.order_by("title"),
            method=_filter_consultation,
        )

        class Meta:
            model = Contribution
            fields = base_fields

    return ContributionFilterSet


class ExcerptColumn(Column):
    def get_value(self, instance):
        text = instance.comment or ""
        return text if len(text) <= 140 else f"{text[:140]}…"


class ConsultationColumn(Column):
    def get_value(self, instance):
        return getattr(instance.content_object, "title", "")


# --- moderation ----------------------------------------------------------------------------
class ModerationForm(WagtailAdminModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: publish it and dismiss the flags")), ("remove", _("Remove it"))],
        widget=forms.RadioSelect,
    )
    suspend_author = forms.BooleanField(label=_("Also suspend its author"), required=False)

    def clean(self):
        cleaned = super().clean()
        needs_reason = cleaned.get("decision") == "remove" or cleaned.get("suspend_author")
        if needs_reason and not (cleaned.get("removal_reason") or "").strip():
            self.add_error("removal_reason", _("Give the reason: the author will read it."))
        return cleaned


class ModerationEditView(generic.EditView):
    def save_instance(self):
        data, contribution = self.form.cleaned_data, Contribution.objects.get(pk=self.object.pk)
        user = self.request.user
        if data["decision"] == "approve":
            services.moderation_approve(contribution=contribution, moderator=user)
        else:
            services.moderation_remove(contribution=contribution, moderator=user, reason=data["removal_reason"])
        participant = getattr(contribution.user, "participant", None)
        if data["suspend_author"] and participant is not None:
            services.participant_suspend(participant=participant, moderator=user, reason=data["removal_reason"])
        return contribution


class ModerationIndexView(generic.IndexView):
    def get_base_queryset(self):
        awaiting = Q(status=Status.HELD) | Q(flag_count__gt=0)
        return super().get_base_queryset().filter(awaiting).prefetch_related("content_object")


class ModerationViewSet(ModelViewSet):
    model = Contribution
    name = "moderation"
    url_prefix = "discussions/moderation"
    icon = "warning"
    menu_label = _("Moderation queue")
    add_to_admin_menu = False
    index_view_class = ModerationIndexView
    edit_view_class = ModerationEditView
    inspect_view_enabled = True
    inspect_view_fields = [
        "comment",
        "author_display_name",
        "author_sector",
        "author_organisation",
        "consultation_title",
        "public_url",
        "flag_reasons",
        "status",
        "submit_date",
    ]
    copy_view_enabled = False
    list_display = [
        ExcerptColumn("comment", label=_("Contribution")),
        "author_display_name",
        ConsultationColumn("consultation", label=_("Consultation")),
        "status",
        "flag_count",
        DateColumn("submit_date", label=_("Sent")),
    ]
    search_fields = ["comment", "author_display_name"]
    ordering = ["-flag_count", "submit_date"]
    edit_handler = ObjectList(
        [
            FieldPanel("comment", read_only=True),
            FieldPanel("decision"),
            FieldPanel("removal_reason"),
            FieldPanel("suspend_author"),
        ],
        base_form_class=ModerationForm,
    )

    @property
    def filterset_class(self):
        return _consultation_filterset(["status"])

    def get_permissions_to_register(self):
        # The same model's permissions are registered once, by ResponseViewSet.
        return []


# --- reasoned responses ------------------------------------------------------------------
class ResponseForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("response_status"):
            self.add_error("response_status", _("Choose a response status."))
        try:
            services.clean_text(cleaned.get("response_text", ""))
        except Refused:
            self.add_error("response_text", _("A response needs its reason, in writing."))
        return cleaned


class ResponseEditView(generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.response_record(
            contribution=Contribution.objects.get(pk=self.object.pk),
            status=data["response_status"],
            text=data["response_text"],
            responder=self.request.user,
        )


class ResponseIndexView(generic.IndexView):
    def get_base_queryset(self):
        published = Q(status=Status.PUBLISHED, withdrawn_at__isnull=True, level=0)
        return (
            super()
            .get_base_queryset()
            .filter(published)
            .select_related("author_territory")
            .prefetch_related("content_object")
        )


class ResponseViewSet(ModelViewSet):
    model = Contribution
    name = "responses"
    url_prefix = "discussions/responses"
    icon = "doc-full"
    menu_label = _("Responses")
    index_view_class = ResponseIndexView
    edit_view_class = ResponseEditView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        ExcerptColumn("comment", label=_("Contribution")),
        "author_display_name",
        ConsultationColumn("consultation", label=_("Consultation")),
        "response_status",
        DateColumn("submit_date", label=_("Sent")),
    ]
    search_fields = ["comment", "author_display_name", "response_text"]
    ordering = ["submit_date"]
    list_export = [
        "pk",
        "consultation_title",
        "section_anchor",
        "submit_date",
        "author_display_name",
        "author_sector",
        "author_organisation",
        "author_territory",
        "channel",
        "support_count",
        "disagree_count",
        "comment",
        "response_status",
        "response_text",
        "responded_at",
        "public_url",
    ]
    export_headings = {"pk": "id", "consultation_title": _("Consultation"), "public_url": "URL"}
    export_filename = "aportes-y-respuestas"
    edit_handler = ObjectList(
        [
            FieldPanel("comment", read_only=True),
            FieldPanel("response_status", widget=forms.RadioSelect(choices=ResponseStatus.choices)),
            FieldPanel("response_text"),
        ],
        base_form_class=ResponseForm,
    )

    @property
    def filterset_class(self):
        return _consultation_filterset(["response_status", "author_sector", "channel"])


class DiscussionsViewSetGroup(ViewSetGroup):
    menu_label = _("Contributions")
    menu_icon = "comment"
    menu_order = 250
    items = (ModerationViewSet, ResponseViewSet)
