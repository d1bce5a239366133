"""Admin screens of the hearings: entering questions received by other channels (a form
made for a tablet at the venue: pick the channel, type, send, and the next one is ready),
the written answers, and the registrations.

Each screen is opened by one permission (``core.roles``); none deletes anything.
"""

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from core.models import Sector, Territory
from core.permission_policies import ScreenPermissionPolicy, ScreenPermissionViewSetMixin
from discussions.errors import Refused
from discussions.models import Channel, Status
from discussions.viewsets import SpreadsheetIndexView

from . import registrations, rules, services
from .models import HearingPage, HearingQuestion, QuestionState, Registration, SpeakerStatus


class RefusalsOnTheForm:
    """A service's refusal is shown on the form, with what was typed: nothing was stored."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except Refused as refusal:
            form.add_error(None, refusal.message)
            self.produced_error_code = "validation_error"
            self.produced_error_message = str(refusal.message)
            return self.form_invalid(form)


def _hearings():
    """The originals (translations share their questions), most recent first."""
    return HearingPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).order_by("-starts_at")


class ExcerptColumn(Column):
    def get_value(self, instance):
        text = instance.contribution.comment
        return text if len(text) <= 120 else f"{text[:120]}…"


class QuestionColumn(Column):
    """A column of the question's contribution (``contribution__<field>``, shown)."""

    def get_value(self, instance):
        field = self.name.removeprefix("contribution_")
        display = getattr(instance.contribution, f"get_{field}_display", None)
        return display() if display else getattr(instance.contribution, field)


class HearingColumn(Column):
    def get_value(self, instance):
        return instance.hearing.title


class DueColumn(Column):
    def get_value(self, instance):
        return instance.hearing.answers_due if instance.state == QuestionState.PENDING else ""


# --- entering questions received by other channels ------------------------------------------------
class EntryPermissionPolicy(ScreenPermissionPolicy):
    """Staff add questions and see the list; they neither change nor delete one (a
    moderator removes a wrong entry from the moderation queue, with a reason)."""

    NEVER = frozenset({"change", "copy", "delete"})


class EntryForm(WagtailAdminModelForm):
    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[(channel.value, channel.label) for channel in services.STAFF_CHANNELS],
        widget=forms.RadioSelect(attrs={"class": "hearing-entry__channels"}),
    )
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 5, "autofocus": True}))
    asker_name = forms.CharField(
        label=_("Name given by the person who asked"),
        required=False,
        max_length=120,
        help_text=_("As they gave it. Blank: “Anónimo”. Never an account: the question is the person's, not yours."),
    )
    territory = forms.ModelChoiceField(
        label=_("Province"), queryset=Territory.objects.all(), required=False, empty_label=_("Not stated")
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("Not stated")), *Sector.choices])

    class Meta:
        model = HearingQuestion
        fields = ["hearing"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hearing"].queryset = _hearings().live()
        self.fields["hearing"].empty_label = None
        hearing = self._hearing()
        choices = [("", _("General"))]
        if hearing is not None:
            choices += [(section["anchor"], section["heading"]) for section in hearing.discussion_sections]
        self.fields["topic"].choices = choices

    def _hearing(self):
        value = self.data.get("hearing") if self.is_bound else self.initial.get("hearing")
        if value in (None, ""):
            return self.fields["hearing"].queryset.first()
        return self.fields["hearing"].queryset.filter(pk=value).first() if str(value).isdigit() else None

    def clean_text(self):
        try:
            return services.clean_question(self.cleaned_data["text"])
        except Refused as refusal:
            raise ValidationError(refusal.message) from None


class EntryCreateView(RefusalsOnTheForm, generic.CreateView):
    success_message = _("Question number %(object)s entered. The next one:")

    def get_initial(self):
        initial = super().get_initial()
        for field in ("hearing", "channel"):
            if self.request.GET.get(field):
                initial[field] = self.request.GET[field]
        return initial

    def save_instance(self):
        data = self.form.cleaned_data
        return services.question_enter(
            hearing=data["hearing"],
            staff=self.request.user,
            channel=data["channel"],
            text=data["text"],
            asker_name=data["asker_name"],
            territory=data["territory"],
            topic=data["topic"],
            sector=data["sector"],
        )

    def get_success_message(self, instance):
        return self.success_message % {"object": instance.contribution_id}

    def get_success_buttons(self):
        return []

    def get_success_url(self):
        """The same form again, on the same hearing and channel: the next card is ready."""
        query = urlencode({"hearing": self.object.hearing_id, "channel": self.object.channel})
        return f"{reverse(self.add_url_name)}?{query}"


class EntryIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("contribution", "hearing")


class EntryFilterSet(WagtailFilterSet):
    hearing = django_filters.ModelChoiceFilter(label=_("Hearing"), queryset=_hearings())
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), field_name="contribution__channel", choices=Channel.choices
    )

    class Meta:
        model = HearingQuestion
        fields = ["hearing", "channel", "state"]


class EntryViewSet(ScreenPermissionViewSetMixin, ModelViewSet):
    model = HearingQuestion
    name = "hearing_questions"
    url_prefix = "hearings/questions"
    icon = "form"
    menu_label = _("Enter questions")
    add_view_class = EntryCreateView
    index_view_class = EntryIndexView
    filterset_class = EntryFilterSet
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        ExcerptColumn("text", label=_("Question")),
        QuestionColumn("contribution_author_display_name", label=_("Asked by")),
        QuestionColumn("contribution_channel", label=_("Channel")),
        HearingColumn("hearing", label=_("Hearing")),
        "state",
    ]
    ordering = ["-contribution__submit_date"]
    edit_handler = ObjectList(
        [
            FieldPanel("hearing"),
            FieldPanel("channel"),
            FieldPanel("text"),
            FieldPanel("asker_name"),
            FieldPanel("territory"),
            FieldPanel("topic"),
            FieldPanel("sector"),
        ],
        base_form_class=EntryForm,
    )
    screen_permission = "enter_question"

    @property
    def screen_policy(self):
        return EntryPermissionPolicy(self.model, self.screen_permission)


# --- written answers ----------------------------------------------------------------------------
DECISIONS = [
    ("answer", _("Publish the written answer")),
    ("out_of_scope", _("Out of scope: publish the reason")),
    ("assign", _("Only name who is responsible for it")),
]


class AnswerForm(WagtailAdminModelForm):
    question = forms.CharField(
        label=_("Question"), required=False, disabled=True, widget=forms.Textarea(attrs={"rows": 4})
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect, initial="answer")

    class Meta:
        model = HearingQuestion
        fields = ["written_answer", "responsible"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["question"] = self.instance.contribution.comment if self.instance.pk else ""
        staff = self.fields["responsible"].queryset.filter(is_active=True).order_by("first_name", "username")
        self.fields["responsible"].queryset = staff.filter(pk__in=[user.pk for user in staff if rules.can_answer(user)])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in ("answer", "out_of_scope") and not (cleaned.get("written_answer") or "").strip():
            self.add_error("written_answer", _("Write the answer, or the reason it is out of scope."))
        return cleaned


class AnswerEditView(RefusalsOnTheForm, generic.EditView):
    def save_instance(self):
        data, user = self.form.cleaned_data, self.request.user
        question = HearingQuestion.objects.select_related("contribution", "hearing").get(pk=self.object.pk)
        if data["responsible"] != question.responsible:
            services.question_assign(question=question, user=user, responsible=data["responsible"])
        if data["decision"] == "answer":
            services.written_answer_record(question=question, user=user, text=data["written_answer"])
        elif data["decision"] == "out_of_scope":
            services.question_out_of_scope(question=question, user=user, reason=data["written_answer"])
        return question


class AnswerIndexView(SpreadsheetIndexView):
    def get_base_queryset(self):
        over = [hearing.pk for hearing in _hearings() if hearing.is_over]
        return (
            super()
            .get_base_queryset()
            .filter(hearing_id__in=over, contribution__status=Status.PUBLISHED, contribution__withdrawn_at__isnull=True)
            .select_related("contribution", "hearing", "responsible")
        )


class AnswerFilterSet(WagtailFilterSet):
    hearing = django_filters.ModelChoiceFilter(label=_("Hearing"), queryset=_hearings())

    class Meta:
        model = HearingQuestion
        fields = ["hearing", "state", "responsible"]


class AnswerViewSet(ScreenPermissionViewSetMixin, ModelViewSet):
    model = HearingQuestion
    name = "hearing_answers"
    url_prefix = "hearings/answers"
    icon = "doc-full"
    menu_label = _("Written answers")
    index_view_class = AnswerIndexView
    edit_view_class = AnswerEditView
    filterset_class = AnswerFilterSet
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        ExcerptColumn("text", label=_("Question")),
        HearingColumn("hearing", label=_("Hearing")),
        QuestionColumn("contribution_channel", label=_("Channel")),
        "state",
        "responsible",
        DueColumn("due", label=_("Due")),
    ]
    list_export = [
        "contribution_id",
        "hearing",
        "asker",
        "channel",
        "text",
        "state",
        "written_answer",
        "written_answered_at",
    ]
    export_headings = {"contribution_id": "id"}
    export_filename = "respuestas-escritas"
    ordering = ["state", "contribution__submit_date"]
    edit_handler = ObjectList(
        [FieldPanel("question"), FieldPanel("decision"), FieldPanel("written_answer"), FieldPanel("responsible")],
        base_form_class=AnswerForm,
    )
    screen_permission = "answer_question"


# --- registrations ------------------------------------------------------------------------------
class RegistrationForm(WagtailAdminModelForm):
    class Meta:
        model = Registration
        fields = ["status", "speaking_order", "speaking_minutes"]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.is_speaker:
            raise ValidationError(_("Only speakers are confirmed; attendees need nothing more."))
        if cleaned.get("status") == SpeakerStatus.CONFIRMED and not (
            cleaned.get("speaking_order") and cleaned.get("speaking_minutes")
        ):
            raise ValidationError(_("A confirmed speaker needs a place in the list and a time."))
        return cleaned


class RegistrationEditView(RefusalsOnTheForm, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return registrations.speaker_review(
            registration=Registration.objects.get(pk=self.object.pk),
            editor=self.request.user,
            status=data["status"],
            order=data["speaking_order"],
            minutes=data["speaking_minutes"],
        )


class RegistrationIndexView(SpreadsheetIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("hearing", "territory")


class RegistrationFilterSet(WagtailFilterSet):
    hearing = django_filters.ModelChoiceFilter(label=_("Hearing"), queryset=_hearings())

    class Meta:
        model = Registration
        fields = ["hearing", "kind", "status"]


class RegistrationViewSet(ScreenPermissionViewSetMixin, ModelViewSet):
    model = Registration
    name = "hearing_registrations"
    url_prefix = "hearings/registrations"
    icon = "group"
    menu_label = _("Registrations")
    index_view_class = RegistrationIndexView
    edit_view_class = RegistrationEditView
    filterset_class = RegistrationFilterSet
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "name",
        "organisation",
        "territory",
        "kind",
        "topic",
        "status",
        "speaking_order",
        "speaking_minutes",
        DateColumn("created_at", label=_("Registered")),
    ]
    list_export = [
        "hearing",
        "kind",
        "name",
        "organisation",
        "territory",
        "topic",
        "status",
        "speaking_order",
        "speaking_minutes",
        "created_at",
    ]
    export_filename = "inscripciones"
    ordering = ["kind", "speaking_order", "created_at"]
    edit_handler = ObjectList(
        [FieldPanel("status"), FieldPanel("speaking_order"), FieldPanel("speaking_minutes")],
        base_form_class=RegistrationForm,
    )
    screen_permission = "manage_registration"


# --- the hearings themselves ----------------------------------------------------------------------
class StatusColumn(Column):
    def get_value(self, instance):
        return instance.get_status_display()


class HearingListingViewSet(PageListingViewSet):
    model = HearingPage
    icon = "calendar"
    menu_label = _("Hearings")
    columns = [
        *PageListingViewSet.columns,
        StatusColumn("status", label=_("Status")),
        Column("starts_at", label=_("Starts"), sort_key="starts_at"),
    ]


class HearingsViewSetGroup(ViewSetGroup):
    menu_label = _("Public hearings")
    menu_icon = "calendar"
    menu_order = 260
    items = (
        HearingListingViewSet("hearing_listing"),
        EntryViewSet,
        AnswerViewSet,
        RegistrationViewSet,
    )
