"""Admin screens: the moderation queue and the government's reasoned responses.

Each screen is opened by one permission (``core.roles``): moderators moderate, the
government's staff respond; nobody adds or deletes contributions here. A contribution
is filtered by the kind of discussion it belongs to (every registered host) and by
the discussion itself (``?target=<app.model>.<pk>``).
"""

import django_filters
from django import forms
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.services import participant_suspend
from core.permission_policies import ScreenPermissionViewSetMixin
from core.spreadsheets import formula_safe

from . import hosts, rules, services
from .errors import Refused
from .models import Contribution, ResponseStatus, Status


def _filter_host(queryset, name, value):
    """Contributions of one kind of discussion (consultations, forum topics…)."""
    model = hosts.model_for(value)
    if model is None:
        return queryset
    content_type = {model: pk for pk, model in hosts.content_types().items()}[model]
    return queryset.filter(content_type_id=content_type)


def _filter_target(queryset, name, value):
    """Contributions of one discussion: ``consultations.consultationpage.12``."""
    label, _, pk = (value or "").rpartition(".")
    host = hosts.find(label, pk)
    if host is None:
        return queryset.none()
    content_type = {model: ct for ct, model in hosts.content_types().items()}[type(host)]
    return queryset.filter(content_type_id=content_type, object_pk=str(host.pk))


def _filterset(base_fields):
    class ContributionFilterSet(WagtailFilterSet):
        host = django_filters.ChoiceFilter(label=_("Discussion"), choices=hosts.host_choices, method=_filter_host)
        target = django_filters.CharFilter(widget=forms.HiddenInput, method=_filter_target)

        class Meta:
            model = Contribution
            fields = base_fields

    return ContributionFilterSet


class ExcerptColumn(Column):
    def get_value(self, instance):
        text = instance.comment or ""
        return text if len(text) <= 140 else f"{text[:140]}…"


class HostColumn(Column):
    def get_value(self, instance):
        return instance.host_title


class SpreadsheetIndexView(generic.IndexView):
    """Exports in Lima time and with labels, not codes; text a spreadsheet would run as
    a formula is written as text."""

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for field in row:
            display = getattr(item, f"get_{field}_display", None)
            if display is not None:
                row[field] = display()
            elif hasattr(row[field], "tzinfo") and row[field] is not None and row[field].tzinfo is not None:
                row[field] = timezone.localtime(row[field]).replace(tzinfo=None)
        return row

    def write_csv_row(self, writer, row_dict):
        return super().write_csv_row(writer, {field: formula_safe(value) for field, value in row_dict.items()})


# --- moderation ----------------------------------------------------------------------------
class ModerationForm(WagtailAdminModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: publish it and dismiss the flags")), ("remove", _("Remove it"))],
        widget=forms.RadioSelect,
    )
    suspend_author = forms.BooleanField(label=_("Also suspend its author"), required=False)

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if not rules.can_suspend(for_user):
            del self.fields["suspend_author"]

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
        if data.get("suspend_author") and participant is not None:
            try:
                participant_suspend(participant=participant, moderator=user, reason=data["removal_reason"])
            except (PermissionDenied, ValidationError) as error:
                raise Refused(" ".join(getattr(error, "messages", [str(error)]))) from None
        return contribution


class ModerationIndexView(generic.IndexView):
    def get_base_queryset(self):
        awaiting = Q(status=Status.HELD) | Q(flag_count__gt=0)
        return super().get_base_queryset().filter(awaiting).prefetch_related("content_object")


class ModerationViewSet(ScreenPermissionViewSetMixin, ModelViewSet):
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
        "host_title",
        "public_url",
        "flag_reasons",
        "status",
        "submit_date",
        "withdrawn_at",
        "revision_history",
    ]
    copy_view_enabled = False
    list_display = [
        ExcerptColumn("comment", label=_("Contribution")),
        "author_display_name",
        HostColumn("host", label=_("Discussion")),
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

    screen_permission = "moderate_contribution"

    @property
    def filterset_class(self):
        return _filterset(["status"])


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


class ResponseIndexView(SpreadsheetIndexView):
    def get_base_queryset(self):
        published = Q(status=Status.PUBLISHED, withdrawn_at__isnull=True, level=0)
        return (
            super()
            .get_base_queryset()
            .filter(published)
            .select_related("author_territory")
            .prefetch_related("content_object")
        )


class ResponseViewSet(ScreenPermissionViewSetMixin, ModelViewSet):
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
        HostColumn("host", label=_("Discussion")),
        "response_status",
        DateColumn("submit_date", label=_("Sent")),
    ]
    search_fields = ["comment", "author_display_name", "response_text"]
    ordering = ["submit_date"]
    list_export = [
        "pk",
        "host_title",
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
    export_headings = {"pk": "id", "host_title": _("Discussion"), "public_url": "URL"}
    export_filename = "aportes-y-respuestas"
    edit_handler = ObjectList(
        [
            FieldPanel("comment", read_only=True),
            FieldPanel("response_status", widget=forms.RadioSelect(choices=ResponseStatus.choices)),
            FieldPanel("response_text"),
        ],
        base_form_class=ResponseForm,
    )

    screen_permission = "respond_contribution"

    @property
    def filterset_class(self):
        return _filterset(["response_status", "author_sector", "channel"])

    def get_permissions_to_register(self):
        """The group editor also offers the official reply, which has no screen."""
        return Permission.objects.filter(
            content_type__app_label="discussions",
            codename__in=["respond_contribution", "reply_officially"],
        )


class DiscussionsViewSetGroup(ViewSetGroup):
    menu_label = _("Contributions")
    menu_icon = "comment"
    menu_order = 250
    items = (ModerationViewSet, ResponseViewSet)
