"""Plain HTML form posts for every action: the page works without JavaScript.

Each view hands the work to a service. A refusal is shown with its reason and the
right status (403, 404, 429…), and the participant's text is given back to them.
"""

from django.apps import apps
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .errors import NotAllowed, Refused
from .forms import ContributionForm, EditForm, FlagForm, ReactionForm
from .models import Contribution


def _target_from(data):
    """The discussion a posted form names; only models that take part in discussions."""
    missing = Http404(_("This discussion does not exist."))
    try:
        model = apps.get_model(data.get("content_type", ""))
    except (LookupError, ValueError):
        raise missing from None
    object_pk = data.get("object_pk", "")
    if not hasattr(model, "discussion_refusal") or not object_pk.isdigit():
        raise missing
    target = model._default_manager.filter(pk=object_pk).first()
    if target is None:
        raise missing
    return target


def _refused(request, refusal: Refused, *, target=None, text: str = ""):
    return render(
        request,
        "discussions/refused.html",
        {"message": refusal.message, "target": target, "text": text, "login_needed": not request.user.is_authenticated},
        status=refusal.status,
    )


def _safe_next(request, target) -> str:
    """The page the participant posted from (a translation, perhaps), or the discussion's page."""
    wanted = request.POST.get("next", "")
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(wanted, allowed_hosts=None):
        return wanted
    return target.get_url(request)


def _back_to(contribution: Contribution, request=None) -> HttpResponseRedirect:
    page_url = _safe_next(request, contribution.content_object) if request else contribution.content_object.get_url()
    return HttpResponseRedirect(f"{page_url}#{contribution.anchor}")


def _contribution(pk) -> Contribution:
    return get_object_or_404(Contribution.norel_objects.select_related("content_type"), pk=pk)


@require_POST
def post(request):
    target = _target_from(request.POST)
    form = ContributionForm(target, data=request.POST, allow_official=services.is_government(request.user))
    text = request.POST.get("comment", "")
    if form.security_errors():
        return _refused(
            request,
            Refused(_("This form has expired or was altered. Your text is below: copy it and send it again.")),
            target=target,
            text=text,
        )
    parent = None
    parent_pk = request.POST.get("parent", "")
    if parent_pk:
        parent = Contribution.norel_objects.filter(pk=parent_pk).first() if parent_pk.isdigit() else None
        if parent is None:
            return _refused(
                request, Refused(_("The contribution you reply to does not exist.")), target=target, text=text
            )
    if not form.is_valid():
        return render(
            request,
            "discussions/contribution_form.html",
            {"form": form, "target": target, "parent": parent, "next": _safe_next(request, target)},
            status=400,
        )
    data = form.cleaned_data
    try:
        contribution = services.contribution_create(
            target=target,
            author=request.user,
            text=data["comment"],
            section_anchor=data["section"],
            parent=parent,
            official=data.get("official", False),
            follow=data["follow"],
            ip_address=request.META.get("REMOTE_ADDR"),
        )
    except Refused as refusal:
        return _refused(request, refusal, target=target, text=text)
    if getattr(contribution, "resubmitted", False):
        messages.info(request, _("You had already sent this contribution: it is here, once."))
    elif contribution.is_public:
        messages.success(request, _("Your contribution is published. Thank you for taking part."))
    else:
        messages.info(request, _("Thank you. Your contribution will appear once a moderator has reviewed it."))
    return _back_to(contribution, request)


@require_http_methods(["GET", "HEAD"])
def reply(request, pk):
    """The reply form on its own page, for readers without JavaScript."""
    parent = _contribution(pk)
    target = parent.content_object
    if not parent.is_visible or target is None:
        raise Http404(_("This contribution is not available."))
    refusal = target.discussion_refusal(timezone.now()) or services.participant_refusal(request.user)
    form = ContributionForm(target, initial={"parent": parent.pk}, allow_official=services.is_government(request.user))
    return render(
        request,
        "discussions/contribution_form.html",
        {"form": form, "target": target, "parent": parent, "refusal": refusal, "next": target.get_url(request)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk):
    contribution = _contribution(pk)
    if request.method == "POST":
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                services.contribution_edit(
                    contribution=contribution, editor=request.user, text=form.cleaned_data["comment"]
                )
            except Refused as refusal:
                return _refused(
                    request, refusal, target=contribution.content_object, text=request.POST.get("comment", "")
                )
            messages.success(request, _("Your contribution was updated."))
            return _back_to(contribution)
    else:
        if not services.can_edit(contribution, request.user):
            return _refused(
                request, NotAllowed(_("This contribution can no longer be edited.")), target=contribution.content_object
            )
        form = EditForm(initial={"comment": contribution.comment})
    return render(
        request,
        "discussions/edit.html",
        {
            "form": form,
            "contribution": contribution,
            "target": contribution.content_object,
            "deadline": services.edit_deadline(contribution),
        },
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, pk):
    contribution = _contribution(pk)
    if request.method == "POST":
        try:
            services.contribution_withdraw(contribution=contribution, author=request.user)
        except Refused as refusal:
            return _refused(request, refusal, target=contribution.content_object)
        messages.success(request, _("Your contribution was withdrawn. Replies to it stay in the thread."))
        return _back_to(contribution)
    if contribution.user_id != request.user.pk:
        return _refused(
            request, NotAllowed(_("Only its author can withdraw a contribution.")), target=contribution.content_object
        )
    return render(
        request, "discussions/withdraw.html", {"contribution": contribution, "target": contribution.content_object}
    )


@require_POST
def react(request, pk):
    contribution = _contribution(pk)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return _refused(request, Refused(_("Unknown reaction.")), target=contribution.content_object)
    kind = form.cleaned_data["kind"]
    try:
        services.reaction_set(contribution=contribution, user=request.user, kind=None if kind == "none" else kind)
    except Refused as refusal:
        return _refused(request, refusal, target=contribution.content_object)
    return _back_to(contribution)


@require_http_methods(["GET", "HEAD", "POST"])
def flag(request, pk):
    contribution = _contribution(pk)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_create(contribution=contribution, user=request.user, reason=form.cleaned_data["reason"])
        except Refused as refusal:
            return _refused(request, refusal, target=contribution.content_object)
        messages.success(request, _("Thank you. Moderators will review this contribution."))
        return _back_to(contribution)
    if request.method == "GET" and not contribution.is_visible:
        raise Http404(_("This contribution is not available."))
    return render(
        request,
        "discussions/flag.html",
        {"form": form, "contribution": contribution, "target": contribution.content_object},
        status=400 if form.is_bound else 200,
    )


@require_POST
def follow(request):
    target = _target_from(request.POST)
    refusal = services.participant_refusal(request.user)
    if refusal and not request.user.is_authenticated:
        return _refused(request, refusal, target=target)
    thread = request.POST.get("thread") or None
    if thread is not None:
        thread_root = services.contributions_of(target).filter(pk=thread if thread.isdigit() else 0, level=0).first()
        if thread_root is None:
            raise Http404(_("This thread does not exist."))
        thread = thread_root.pk
    following = request.POST.get("following") == "1"
    services.follow_set(user=request.user, target=target, thread=thread, following=following)
    if following:
        messages.success(request, _("You will receive an e-mail about new contributions."))
    else:
        messages.success(request, _("You no longer follow it."))
    anchor = f"#c{thread}" if thread else "#aportes"
    return HttpResponseRedirect(target.get_url() + anchor)
