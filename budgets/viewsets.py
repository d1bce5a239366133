"""Admin screens of the participatory budget, each opened by the permissions of
``core.roles`` (granted by this app's migration):

- *Proposals*: the technical team evaluates (the edit form is the evaluation); the
  planning office merges duplicates and hides proposals (from the inspect screen).
- *Paper ballots*: staff enter ballots collected on paper; a ballot is never edited,
  only annulled with a reason. No screen shows what a ballot chose.
- *Counts*: each count and its progress.
- *Tracked projects* and their *updates*.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.images.fields import WagtailImageField

from core.models import Gender, Sector, Territory
from core.permission_policies import ActionPermissionViewSetMixin
from core.roles import ANNUL_BALLOTS, ENTER_PAPER_BALLOTS, EVALUATE_PROPOSALS, MANAGE_BUDGETS, UPDATE_PROJECTS
from discussions.errors import Refused

from . import rules
from .dni import dni_hash
from .forms import MultipleFileField
from .models import (
    Ballot,
    BudgetProcessPage,
    Channel,
    Phase,
    ProjectStatus,
    ProjectUpdate,
    Proposal,
    ResultRun,
    TrackedProject,
    Viability,
)
from .money import soles
from .services import ballots as ballot_services
from .services import followup as followup_services
from .services import proposals as proposal_services


class ServiceFormMixin:
    """Create and edit views that save through a service: its refusal becomes the
    form's error instead of a crash."""

    def form_valid(self, form):
        self.form = form
        try:
            self.object = self.save_instance()
        except Refused as error:
            form.add_error(None, str(error.message))
            self.produced_error_code = "validation_error"
            self.produced_error_message = str(error.message)
            return self.form_invalid(form)
        return self.save_action()


# --- proposals ---------------------------------------------------------------------------
class ProposalFilterSet(WagtailFilterSet):
    process = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Edition"), queryset=BudgetProcessPage.objects.filter(locale__language_code="es")
    )
    territory = django_filters.ModelChoiceFilter(label=gettext_lazy("Province"), queryset=Territory.objects.all())
    viability = django_filters.ChoiceFilter(label=gettext_lazy("Viability"), choices=Viability.choices)

    class Meta:
        model = Proposal
        fields = ["process", "territory", "viability", "category", "hidden"]


class EvaluationForm(forms.ModelForm):
    viability = forms.ChoiceField(
        label=gettext_lazy("Viability"),
        choices=[(Viability.VIABLE, Viability.VIABLE.label), (Viability.NOT_VIABLE, Viability.NOT_VIABLE.label)],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Proposal
        fields = ["viability", "evaluation_reason", "evaluated_cost", "cui"]
        widgets = {"evaluation_reason": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluation_reason"].required = True
        self.fields["evaluation_reason"].help_text = _("Published with the proposal, and mailed to its author.")


class EvaluationView(ServiceFormMixin, generic.EditView):
    page_title = gettext_lazy("Technical evaluation")
    submit_button_label = gettext_lazy("Record the evaluation")
    success_message = gettext_lazy("Evaluation of “%(object)s” recorded; its author is told by e-mail.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("for_user", None)
        return kwargs

    def save_instance(self):
        data = self.form.cleaned_data
        proposal = Proposal.objects.get(pk=self.object.pk)
        return proposal_services.proposal_evaluate(
            proposal=proposal,
            evaluator=self.request.user,
            viability=data["viability"],
            reason=data["evaluation_reason"],
            evaluated_cost=data["evaluated_cost"],
            cui=data["cui"],
        )


class ProposalInspectView(generic.InspectView):
    @cached_property
    def header_buttons(self):
        if not rules.can_manage(self.request.user):
            return []
        return [
            HeaderButton(
                _("Merge into another"),
                url=reverse("budget_proposals:merge", args=[self.object.pk]),
                icon_name="resubmit",
            ),
            HeaderButton(
                _("Show again") if self.object.hidden else _("Hide"),
                url=reverse("budget_proposals:hide", args=[self.object.pk]),
                icon_name="view" if self.object.hidden else "no-view",
            ),
        ]

    def get_description_display_value(self):
        return self.object.description

    def get_public_url_display_value(self):
        return self.object.full_url


class CostColumn(Column):
    def get_value(self, instance):
        return soles(instance.cost)


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(label=gettext_lazy("Merge into"), queryset=Proposal.objects.none())
    reason = forms.CharField(label=gettext_lazy("Why (kept in the history)"), required=False, widget=forms.Textarea)

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            Proposal.objects.public().filter(process=proposal.process, merged_into__isnull=True).exclude(pk=proposal.pk)
        )


class HideForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (kept in the history)"), required=False, widget=forms.Textarea)


def merge_proposal(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    if not rules.can_manage(request.user):
        raise PermissionDenied
    form = MergeForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            proposal_services.proposal_merge(
                source=proposal,
                target=form.cleaned_data["target"],
                manager=request.user,
                reason=form.cleaned_data["reason"],
            )
        except Refused as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("“%(title)s” is merged; both histories are kept.") % {"title": proposal.title})
            return redirect("budget_proposals:inspect", proposal.pk)
    return TemplateResponse(
        request,
        "budgets/admin/form.html",
        {
            "form": form,
            "page_title": _("Merge a duplicate proposal"),
            "header_title": proposal.title,
            "object": proposal,
        },
    )


def hide_proposal(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    if not rules.can_manage(request.user):
        raise PermissionDenied
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal_services.proposal_hide(
                proposal=proposal, manager=request.user, hidden=not proposal.hidden, reason=form.cleaned_data["reason"]
            )
        except Refused as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Done: “%(title)s” is updated.") % {"title": proposal.title})
            return redirect("budget_proposals:inspect", proposal.pk)
    title = _("Show the proposal again") if proposal.hidden else _("Hide the proposal from the public")
    return TemplateResponse(
        request, "budgets/admin/form.html", {"form": form, "page_title": title, "header_title": proposal.title}
    )


class ProposalViewSet(ActionPermissionViewSetMixin, ModelViewSet):
    model = Proposal
    name = "budget_proposals"
    url_prefix = "budgets/proposals"
    icon = "doc-full"
    menu_label = gettext_lazy("Proposals")
    add_to_admin_menu = False
    edit_view_class = EvaluationView
    inspect_view_class = ProposalInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = ProposalFilterSet
    list_display = [
        "title",
        Column("place", label=gettext_lazy("Place")),
        "category",
        CostColumn("cost", label=gettext_lazy("Cost")),
        "viability",
        "support_count",
        DateColumn("created_at", label=gettext_lazy("Proposed")),
    ]
    search_fields = ["title", "problem", "description", "district"]
    ordering = ["viability", "-created_at"]
    inspect_view_fields = [
        "title",
        "place",
        "category",
        "author_display_name",
        "author_organisation",
        "problem",
        "description",
        "beneficiaries",
        "beneficiaries_description",
        "estimated_cost",
        "support_count",
        "viability",
        "evaluation_reason",
        "evaluated_cost",
        "cui",
        "evaluated_at",
        "merged_into",
        "hidden",
        "hidden_reason",
        "public_url",
    ]
    action_permissions = {
        "view": (EVALUATE_PROPOSALS, MANAGE_BUDGETS),
        "change": (EVALUATE_PROPOSALS,),
    }

    def get_form_class(self, for_update=False):
        return EvaluationForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("merge/<id:pk>/", merge_proposal, name="merge"),
            path("hide/<id:pk>/", hide_proposal, name="hide"),
        ]


# --- paper ballots -------------------------------------------------------------------------
def _voting_processes():
    return BudgetProcessPage.objects.filter(locale__language_code="es").order_by("-voting_opens_at")


class PaperBallotForm(forms.ModelForm):
    """A ballot collected on paper. The DNI is hashed as soon as it is read and never
    stored; the date of birth gives the age band only."""

    dni = forms.CharField(
        label=gettext_lazy("Voter's DNI"), max_length=12, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    birth_date = forms.DateField(label=gettext_lazy("Voter's date of birth"))
    proposals = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Projects marked on the ballot"),
        queryset=Proposal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Ballot
        fields = ["process", "territory", "district", "channel", "place", "form_number", "sector", "gender"]

    def __init__(self, *args, for_user=None, process=None, territory=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = _voting_processes()
        self.fields["process"].widget = forms.HiddenInput()
        self.fields["territory"].widget = forms.HiddenInput()
        self.fields["channel"].choices = Channel.paper()
        self.fields["sector"].choices = [("", _("Not stated")), *Sector.choices]
        self.fields["gender"].choices = [("", _("Not stated")), *Gender.choices]
        self.fields["gender"].help_text = _("Only if the voter ticked that it may be used for statistics.")
        if process is not None and territory is not None:
            envelopes = process.voter_envelopes(territory)
            condition = Q(territory_id__in=[e.territory_id for e in envelopes if e.territory_id is not None])
            if any(envelope.territory_id is None for envelope in envelopes):
                condition |= Q(territory__isnull=True)
            self.fields["proposals"].queryset = (
                Proposal.objects.candidates()
                .filter(condition, process=process)
                .select_related("territory")
                .order_by("territory__name", "title")
            )
            self.fields["proposals"].label_from_instance = lambda proposal: (
                f"{proposal.place} — {proposal.title} ({soles(proposal.cost)})"
            )
            self.initial.update({"process": process.pk, "territory": territory.pk})


class PaperBallotCreateView(ServiceFormMixin, generic.CreateView):
    template_name = "budgets/admin/paper_ballot_create.html"
    page_title = gettext_lazy("Enter a paper ballot")
    submit_button_label = gettext_lazy("Record the ballot")
    success_message = gettext_lazy("Paper ballot recorded.")

    @cached_property
    def chosen(self):
        """The edition and province the ballot is for (step 1, in the address)."""
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        process = (
            _voting_processes().filter(pk=source.get("process") or 0).first()
            if str(source.get("process", "")).isdigit()
            else None
        )
        territory = (
            Territory.objects.filter(pk=source.get("territory") or 0).first()
            if str(source.get("territory", "")).isdigit()
            else None
        )
        if process is None or territory is None or process.envelope_for(territory) is None:
            return None
        return process, territory

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.chosen:
            kwargs["process"], kwargs["territory"] = self.chosen
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chosen"] = self.chosen
        context["processes"] = [p for p in _voting_processes() if p.phase == Phase.VOTING]
        context["territories"] = Territory.objects.all()
        return context

    def get_success_url(self):
        process, territory = self.chosen
        return f"{reverse('budget_ballots:add')}?process={process.pk}&territory={territory.pk}"

    def get_success_buttons(self):
        return []

    def save_instance(self):
        data = self.form.cleaned_data
        process, territory = self.chosen
        return ballot_services.paper_ballot_enter(
            process=process,
            staff=self.request.user,
            dni=data["dni"],
            birth_date=data["birth_date"],
            territory=territory,
            channel=data["channel"],
            proposal_ids=[proposal.pk for proposal in data["proposals"]],
            district=data["district"],
            place=data["place"],
            form_number=data["form_number"],
            sector=data["sector"],
            gender=data["gender"],
        )


class BallotFilterSet(WagtailFilterSet):
    process = django_filters.ModelChoiceFilter(label=gettext_lazy("Edition"), queryset=_voting_processes())
    territory = django_filters.ModelChoiceFilter(label=gettext_lazy("Province"), queryset=Territory.objects.all())
    annulled = django_filters.BooleanFilter(
        label=gettext_lazy("Annulled"), field_name="annulled_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Ballot
        fields = ["process", "channel", "territory"]


class StatusColumn(Column):
    def get_value(self, instance):
        return _("Annulled") if instance.is_annulled else _("Valid")


class AnnulForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (kept with the ballot)"), widget=forms.Textarea)


class AnnulByDniForm(AnnulForm):
    process = forms.ModelChoiceField(label=gettext_lazy("Edition"), queryset=BudgetProcessPage.objects.none())
    dni = forms.CharField(
        label=gettext_lazy("Voter's DNI"), max_length=12, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    field_order = ["process", "dni", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = _voting_processes()


def _annul(request, ballot: Ballot, reason: str, form) -> bool:
    try:
        ballot_services.ballot_annul(ballot=ballot, staff=request.user, reason=reason)
    except Refused as error:
        form.add_error(None, str(error.message))
        return False
    messages.success(request, _("The ballot is annulled; the voter may vote again."))
    return True


def annul_ballot(request, pk):
    """Annul a paper ballot from its row in the listing."""
    if not rules.can_annul_ballots(request.user):
        raise PermissionDenied
    ballot = get_object_or_404(Ballot.objects.exclude(channel=Channel.WEB), pk=pk)
    form = AnnulForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _annul(request, ballot, form.cleaned_data["reason"], form):
        return redirect("budget_ballots:index")
    title = _("Annul the paper ballot %(form)s") % {"form": ballot.form_number or ""}
    return TemplateResponse(
        request, "budgets/admin/form.html", {"form": form, "page_title": title, "header_title": title}
    )


def annul_by_dni(request):
    """Annul the valid ballot (web or paper) of a DNI: the only way staff find a web ballot."""
    if not rules.can_annul_ballots(request.user):
        raise PermissionDenied
    form = AnnulByDniForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hashed = dni_hash(data["process"].pk, data["dni"])
        except Refused as error:
            form.add_error("dni", str(error.message))
        else:
            ballot = Ballot.objects.valid().filter(process=data["process"], dni_hash=hashed).first()
            if ballot is None:
                form.add_error("dni", _("No valid ballot of this DNI in this edition."))
            elif _annul(request, ballot, data["reason"], form):
                return redirect("budget_ballots:index")
    title = _("Annul a ballot by the voter's DNI")
    return TemplateResponse(
        request, "budgets/admin/form.html", {"form": form, "page_title": title, "header_title": title}
    )


class BallotIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().exclude(channel=Channel.WEB).select_related("territory", "entered_by")

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if rules.can_annul_ballots(self.request.user):
            buttons.append(
                HeaderButton(_("Annul by DNI"), url=reverse("budget_ballots:annul_by_dni"), icon_name="cross")
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if not instance.is_annulled and rules.can_annul_ballots(self.request.user):
            buttons.append(
                MenuItem(
                    _("Annul"), url=reverse("budget_ballots:annul", args=[instance.pk]), icon_name="cross", priority=40
                )
            )
        return buttons


class BallotInspectView(generic.InspectView):
    """Who entered it, when, from which form; never what it chose."""


class PaperBallotViewSet(ActionPermissionViewSetMixin, ModelViewSet):
    model = Ballot
    name = "budget_ballots"
    url_prefix = "budgets/ballots"
    icon = "form"
    menu_label = gettext_lazy("Paper ballots")
    add_to_admin_menu = False
    add_view_class = PaperBallotCreateView
    index_view_class = BallotIndexView
    inspect_view_class = BallotInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = BallotFilterSet
    list_display = [
        Column("form_number", label=gettext_lazy("Form number")),
        "channel",
        "territory",
        "place",
        "entered_by",
        DateColumn("created_at", label=gettext_lazy("Entered")),
        StatusColumn("status", label=gettext_lazy("Status")),
    ]
    search_fields = ["form_number", "place", "district"]
    ordering = ["-created_at"]
    inspect_view_fields = [
        "process",
        "channel",
        "territory",
        "district",
        "place",
        "form_number",
        "age_band",
        "entered_by",
        "created_at",
        "annulled_at",
        "annulled_by",
        "annul_reason",
    ]
    action_permissions = {
        "view": (ENTER_PAPER_BALLOTS, ANNUL_BALLOTS),
        "add": (ENTER_PAPER_BALLOTS,),
    }

    def get_form_class(self, for_update=False):
        return PaperBallotForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("annul/<id:pk>/", annul_ballot, name="annul"),
            path("annul/", annul_by_dni, name="annul_by_dni"),
        ]


# --- counts --------------------------------------------------------------------------------
class ProgressColumn(Column):
    def get_value(self, instance):
        return f"{instance.progress} %"


class ResultRunViewSet(ActionPermissionViewSetMixin, ModelViewSet):
    model = ResultRun
    name = "budget_counts"
    url_prefix = "budgets/counts"
    icon = "table"
    menu_label = gettext_lazy("Counts")
    add_to_admin_menu = False
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "__str__",
        "status",
        ProgressColumn("progress", label=gettext_lazy("Progress")),
        "step",
        "ballots_counted",
        "requested_by",
        DateColumn("finished_at", label=gettext_lazy("Finished")),
    ]
    list_filter = ["process", "status"]
    ordering = ["-requested_at"]
    inspect_view_fields = [
        "process",
        "status",
        "progress",
        "step",
        "rule",
        "final",
        "ballots_counted",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "error",
    ]
    action_permissions = {"view": (MANAGE_BUDGETS,)}
    form_fields = ["process"]


# --- follow-up -----------------------------------------------------------------------------
class TrackedProjectViewSet(ActionPermissionViewSetMixin, ModelViewSet):
    model = TrackedProject
    name = "budget_projects"
    url_prefix = "budgets/projects"
    icon = "site"
    menu_label = gettext_lazy("Tracked projects")
    add_to_admin_menu = False
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["title", "territory", "status", "progress", "budget", "budget_executed", DateColumn("updated_at")]
    list_filter = ["process", "status", "territory"]
    search_fields = ["title"]
    action_permissions = {"view": (MANAGE_BUDGETS, UPDATE_PROJECTS)}
    form_fields = ["title"]


class ProjectUpdateForm(forms.ModelForm):
    photos = MultipleFileField(label=gettext_lazy("Photos"), item_field=WagtailImageField(), max_files=4)

    class Meta:
        model = ProjectUpdate
        fields = ["project", "date", "text", "status", "progress", "budget_executed"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = TrackedProject.objects.select_related("territory").order_by("title")
        self.fields["status"].choices = ProjectStatus.choices


class ProjectUpdateCreateView(ServiceFormMixin, generic.CreateView):
    page_title = gettext_lazy("Post a project update")
    submit_button_label = gettext_lazy("Publish the update")
    success_message = gettext_lazy("Update published; the project's followers are told by e-mail.")

    def get_initial(self):
        initial = super().get_initial()
        project = self.request.GET.get("project", "")
        if project.isdigit():
            found = TrackedProject.objects.filter(pk=project).first()
            if found is not None:
                initial |= {
                    "project": found.pk,
                    "status": found.status,
                    "progress": found.progress,
                    "budget_executed": found.budget_executed,
                }
        return initial

    def get_success_buttons(self):
        return []

    def save_instance(self):
        data = self.form.cleaned_data
        return followup_services.project_update_post(
            project=data["project"],
            author=self.request.user,
            text=data["text"],
            status=data["status"],
            progress=data["progress"],
            budget_executed=data["budget_executed"],
            day=data["date"],
            photos=data["photos"],
        )


class ProjectUpdateViewSet(ActionPermissionViewSetMixin, ModelViewSet):
    model = ProjectUpdate
    name = "budget_updates"
    url_prefix = "budgets/updates"
    icon = "date"
    menu_label = gettext_lazy("Project updates")
    add_to_admin_menu = False
    add_view_class = ProjectUpdateCreateView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["project", "date", "status", "progress", "budget_executed", "author"]
    list_filter = ["status"]
    ordering = ["-date", "-pk"]
    action_permissions = {"view": (MANAGE_BUDGETS, UPDATE_PROJECTS), "add": (UPDATE_PROJECTS,)}

    def get_form_class(self, for_update=False):
        return ProjectUpdateForm


class BudgetsViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Participatory budget")
    menu_icon = "tasks"
    menu_order = 160
    items = (ProposalViewSet, PaperBallotViewSet, ResultRunViewSet, TrackedProjectViewSet, ProjectUpdateViewSet)
