"""Admin screens: the moderation queue and the government's reasoned responses.

Each screen is opened by one permission (``core.roles``): moderators moderate, the
government's staff respond; nobody adds or deletes contributions here. They work like
Wagtail's own listings: the contribution's first words link to the screen that acts on
it, and each row carries its actions (approve, remove; respond). A contribution is
filtered by the kind of discussion it belongs to (every registered host) and by the
discussion itself (``?target=<app.model>.<pk>``).
"""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton

from accounts.services import participant_suspend
from core.permission_policies import ScreenPermissionViewSetMixin

from . import hosts, rules, services
from .errors import Refused
from .models import Contribution, ResponseStatus, Status

#: The response filter's value for "no response recorded yet".
PENDING = "pending"


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


def _filter_response(queryset, name, value):
    return queryset.filter(response_status="" if value == PENDING else value)


def _filter_shown(queryset, name, value):
    """Beyond the queue: contributions their authors withdrew, those removed, or all."""
    return {
        "withdrawn": queryset.filter(withdrawn_at__isnull=False),
        "removed": queryset.filter(status=Status.REMOVED),
    }.get(value, queryset)


def target_key(host) -> str:
    """The ``?target=`` value naming one discussion."""
    return f"{host._meta.label_lower}.{host.pk}"


class ContributionFilterSet(WagtailFilterSet):
    host = django_filters.ChoiceFilter(label=_("Discussion"), choices=hosts.host_choices, method=_filter_host)
    target = django_filters.CharFilter(widget=forms.HiddenInput, method=_filter_target)

    class Meta:
        model = Contribution
        fields = []


class ModerationFilterSet(ContributionFilterSet):
    shown = django_filters.ChoiceFilter(
        label=_("Show"),
        empty_label=_("Awaiting a decision (held or reported)"),
        choices=[
            ("withdrawn", _("Withdrawn by their authors")),
            ("removed", _("Removed by moderation")),
            ("all", _("Every contribution")),
        ],
        method=_filter_shown,
    )

    class Meta(ContributionFilterSet.Meta):
        fields = ["status"]


class ResponseFilterSet(ContributionFilterSet):
    response_status = django_filters.ChoiceFilter(
        label=_("Response"),
        choices=[(PENDING, _("Awaiting a response")), *ResponseStatus.choices],
        method=_filter_response,
    )

    class Meta(ContributionFilterSet.Meta):
        fields = ["author_sector", "channel"]


class ExcerptColumn(TitleColumn):
    """The contribution's first words, linking to the screen that acts on it."""

    def __init__(self, name, label=None, **kwargs):
        super().__init__(name, label=_("Contribution"), **kwargs)

    def get_value(self, instance):
        text = " ".join((instance.comment or "").split())
        return text if len(text) <= 140 else f"{text[:140]}…"


class HostColumn(Column):
    def get_value(self, instance):
        return instance.host_title


class ContributionIndexView(generic.IndexView):
    """A listing of contributions whose first column is the excerpt, with the row's actions."""

    #: What the empty listing says, with no search or filter, and with one.
    empty_message = ""
    nothing_matches_message = _("No contribution matches your search or filters.")

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        # Wagtail builds the first column here: a link, with the row's buttons beside it.
        return super()._get_title_column(field_name, column_class=ExcerptColumn, **kwargs)

    @property
    def no_results_message(self):
        return self.nothing_matches_message if self.is_searching or self.is_filtering else self.empty_message

    def _view_on_site(self, instance) -> list:
        url = instance.public_url if instance.is_visible else ""
        return [MenuItem(_("View on the site"), url=url, icon_name="link-external", priority=40)] if url else []

    def _inspect(self, instance) -> list:
        url = self.get_inspect_url(instance)
        return [MenuItem(_("Details and history"), url=url, icon_name="info-circle", priority=30)] if url else []


class SpreadsheetIndexView(ContributionIndexView):
    """Exports with labels, not codes (Lima time and formula-safe text are every admin
    export's: cocrea/admin_exports.py)."""

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for field in row:
            display = getattr(item, f"get_{field}_display", None)
            if display is not None:
                row[field] = display()
        return row


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
    page_title = _("Moderate")
    submit_button_label = _("Apply the decision")

    def get_initial(self):
        """``?decision=remove`` (the queue's "Remove…" action) chooses it already."""
        decision = self.request.GET.get("decision")
        return {**super().get_initial(), **({"decision": decision} if decision in {"approve", "remove"} else {})}

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


class ModerationIndexView(ContributionIndexView):
    page_title = _("Moderation queue")
    empty_message = _("Nothing awaits moderation: no contribution is held or reported.")

    def get_base_queryset(self):
        contributions = super().get_base_queryset().prefetch_related("content_object")
        if self.request.GET.get("shown"):  # withdrawn, removed or all: see ModerationFilterSet
            return contributions
        return contributions.filter(Q(status=Status.HELD) | Q(flag_count__gt=0))

    def get_list_more_buttons(self, instance):
        buttons = []
        awaiting = instance.status != Status.PUBLISHED or instance.flag_count
        if awaiting and self.user_has_permission("change"):
            buttons.append(
                ListingButton(
                    _("Approve"),
                    icon_name="check",
                    attrs={
                        "data-controller": "w-action",
                        "data-action": "w-action#post",
                        "data-w-action-url-value": reverse("moderation:approve", args=[instance.pk]),
                        "data-w-action-next-value": self.request.get_full_path(),
                        "aria-label": gettext("Approve the contribution of %(author)s")
                        % {"author": instance.author_display_name},
                    },
                    priority=10,
                )
            )
        if instance.status != Status.REMOVED and (edit_url := self.get_edit_url(instance)):
            buttons.append(ListingButton(_("Remove…"), url=f"{edit_url}?decision=remove", icon_name="bin", priority=20))
        return [*buttons, *self._inspect(instance), *self._view_on_site(instance)]


def approve_view(request, pk):
    """The queue's "Approve" button: one click, a POST, back to the queue."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not rules.can_moderate(request.user):
        raise PermissionDenied
    contribution = get_object_or_404(Contribution, pk=pk)
    services.moderation_approve(contribution=contribution, moderator=request.user)
    messages.success(request, _("Approved: the contribution is published."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("moderation:index")
    return redirect(back)


class ModerationViewSet(ScreenPermissionViewSetMixin, ModelViewSet):
    model = Contribution
    name = "moderation"
    url_prefix = "discussions/moderation"
    icon = "warning"
    menu_label = _("Moderation queue")
    add_to_admin_menu = False
    index_view_class = ModerationIndexView
    edit_view_class = ModerationEditView
    filterset_class = ModerationFilterSet
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
        "comment",
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

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("approve/<id:pk>/", approve_view, name="approve")]


# --- reasoned responses ------------------------------------------------------------------
class ResponseForm(WagtailAdminModelForm):
    """A status (one of the five, never blank) and its written reason."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields["response_status"]
        status.choices, status.required = ResponseStatus.choices, True
        status.error_messages["required"] = _("Choose a response status.")

    def clean(self):
        cleaned = super().clean()
        try:
            services.clean_text(cleaned.get("response_text", ""))
        except Refused:
            self.add_error("response_text", _("A response needs its reason, in writing."))
        return cleaned


class ResponseEditView(generic.EditView):
    page_title = _("Respond")
    submit_button_label = _("Record the response")

    def save_instance(self):
        data = self.form.cleaned_data
        return services.response_record(
            contribution=Contribution.objects.get(pk=self.object.pk),
            status=data["response_status"],
            text=data["response_text"],
            responder=self.request.user,
        )


class ResponseIndexView(SpreadsheetIndexView):
    page_title = _("Responses to contributions")
    empty_message = _("No contribution to respond to yet: responses are recorded on published contributions.")

    def get_base_queryset(self):
        published = Q(status=Status.PUBLISHED, withdrawn_at__isnull=True, level=0)
        return (
            super()
            .get_base_queryset()
            .filter(published)
            .select_related("author_territory")
            .prefetch_related("content_object")
        )

    def get_list_more_buttons(self, instance):
        buttons = []
        if edit_url := self.get_edit_url(instance):
            label = _("Edit the response") if instance.response_status else _("Respond")
            buttons.append(ListingButton(label, url=edit_url, icon_name="edit", priority=10))
        return [*buttons, *self._inspect(instance), *self._view_on_site(instance)]


class ResponseViewSet(ScreenPermissionViewSetMixin, ModelViewSet):
    model = Contribution
    name = "responses"
    url_prefix = "discussions/responses"
    icon = "doc-full"
    menu_label = _("Responses")
    index_view_class = ResponseIndexView
    edit_view_class = ResponseEditView
    filterset_class = ResponseFilterSet
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "comment",
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
            FieldPanel("response_status", widget=forms.RadioSelect),
            FieldPanel("response_text"),
        ],
        base_form_class=ResponseForm,
    )

    screen_permission = "respond_contribution"

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
