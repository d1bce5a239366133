"""Plain HTML form posts for every action: the page works without JavaScript.

Each view finds the contribution or the discussion through :func:`_host_for` /
:func:`_contribution_for`, which answer a plain 404 naming nothing when the reader may
not see it (a draft, a private page, a hidden topic), then hands the work to a service.
A refusal is shown with its reason and the right status (403, 404, 429…), and the
participant's text is given back to them.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import hosts, rules, services
from .errors import NotAllowed, Refused
from .forms import ContributionForm, EditForm, FlagForm, ReactionForm
from .models import Contribution, contributions_of


def _not_found() -> Http404:
    return Http404(_("This discussion does not exist."))


def _host_for(request, label: str, object_pk: str):
    """The discussion a posted form names, if this reader may see it."""
    host = hosts.find(label, object_pk)
    if not rules.may_see(request.user, host, request.session):
        raise _not_found()
    return host


def _contribution_for(request, pk) -> tuple[Contribution, object]:
    """A contribution and its discussion, if this reader may see the discussion."""
    contribution = Contribution.norel_objects.filter(pk=pk).first()
    host = contribution.content_object if contribution is not None else None
    if not rules.may_see(request.user, host, request.session):
        raise _not_found()
    return contribution, host


def _refused(request, refusal: Refused, *, host=None, text: str = ""):
    """The refusal page. ``host`` only ever comes from the two functions above: a page
    the reader may not see is a 404 before anything names it."""
    return render(
        request,
        "discussions/refused.html",
        {
            "message": refusal.message,
            "target": host,
            "target_url": host.get_url(request) if host is not None else "",
            "text": text,
            "login_needed": not request.user.is_authenticated,
        },
        status=refusal.status,
    )


def _own_forms_refusal(host) -> NotAllowed:
    """A host whose contributions come through its own forms (see ``DiscussionHost``)."""
    return NotAllowed(_("This page takes contributions through its own form."))


def _safe_next(request, host) -> str:
    """The page the participant posted from (a translation, perhaps), or the discussion's page."""
    wanted = request.POST.get("next", "")
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(wanted, allowed_hosts=None):
        return wanted.split("#")[0]
    return host.get_url(request)


def _back_to(request, contribution: Contribution, host) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{_safe_next(request, host)}#{contribution.anchor}")


@require_POST
def post(request):
    host = _host_for(request, request.POST.get("content_type", ""), request.POST.get("object_pk", ""))
    text = request.POST.get("comment", "")
    if host.discussion_own_forms:
        return _refused(request, _own_forms_refusal(host), host=host, text=text)
    form = ContributionForm(host, data=request.POST, allow_official=rules.can_reply_officially(request.user))
    if form.security_errors():
        return _refused(
            request,
            Refused(_("This form has expired or was altered. Your text is below: copy it and send it again.")),
            host=host,
            text=text,
        )
    parent = None
    parent_pk = request.POST.get("parent", "")
    if parent_pk:
        parent = contributions_of(host).filter(pk=parent_pk).first() if parent_pk.isdigit() else None
        if parent is None:
            return _refused(request, Refused(_("The contribution you reply to does not exist.")), host=host, text=text)
    if not form.is_valid():
        return render(
            request,
            "discussions/contribution_form.html",
            {
                "form": form,
                "target": host,
                "target_url": host.get_url(request),
                "parent": parent,
                "next": _safe_next(request, host),
            },
            status=400,
        )
    data = form.cleaned_data
    try:
        contribution = services.contribution_create(
            target=host,
            author=request.user,
            text=data["comment"],
            section_anchor=data["section"],
            parent=parent,
            official=data.get("official", False),
            follow=data["follow"],
            ip_address=request.META.get("REMOTE_ADDR"),
            session=request.session,
        )
    except Refused as refusal:
        return _refused(request, refusal, host=host, text=text)
    if getattr(contribution, "resubmitted", False):
        messages.info(request, _("You had already sent this contribution: it is here, once."))
    elif contribution.is_public:
        messages.success(request, _("Your contribution is published. Thank you for taking part."))
    else:
        messages.info(request, _("Thank you. Your contribution will appear once a moderator has reviewed it."))
    return _back_to(request, contribution, host)


@require_http_methods(["GET", "HEAD"])
def reply(request, pk):
    """The reply form on its own page, for readers without JavaScript."""
    parent, host = _contribution_for(request, pk)
    if not parent.is_visible or host.discussion_own_forms:
        raise Http404(_("This contribution is not available."))
    refusal = rules.write_refusal(request.user, host, request.session)
    form = ContributionForm(
        host, initial={"parent": parent.pk}, allow_official=rules.can_reply_officially(request.user)
    )
    return render(
        request,
        "discussions/contribution_form.html",
        {
            "form": form,
            "target": host,
            "target_url": host.get_url(request),
            "parent": parent,
            "refusal": refusal,
            "next": host.get_url(request),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk):
    contribution, host = _contribution_for(request, pk)
    if host.discussion_own_forms:
        return _refused(request, _own_forms_refusal(host), host=host, text=request.POST.get("comment", ""))
    if request.method == "POST":
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                services.contribution_edit(
                    contribution=contribution,
                    editor=request.user,
                    text=form.cleaned_data["comment"],
                    session=request.session,
                )
            except Refused as refusal:
                return _refused(request, refusal, host=host, text=request.POST.get("comment", ""))
            messages.success(request, _("Your contribution was updated."))
            return _back_to(request, contribution, host)
    else:
        if not rules.can_edit(contribution, request.user):
            return _refused(request, NotAllowed(_("This contribution can no longer be edited.")), host=host)
        form = EditForm(initial={"comment": contribution.comment})
    return render(
        request,
        "discussions/edit.html",
        {
            "form": form,
            "contribution": contribution,
            "target": host,
            "target_url": host.get_url(request),
            "deadline": rules.edit_deadline(contribution),
        },
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, pk):
    contribution, host = _contribution_for(request, pk)
    if request.method == "POST":
        try:
            services.contribution_withdraw(contribution=contribution, author=request.user, session=request.session)
        except Refused as refusal:
            return _refused(request, refusal, host=host)
        messages.success(request, _("Your contribution was withdrawn. Replies to it stay in the thread."))
        return _back_to(request, contribution, host)
    if not rules.is_author(request.user, contribution):
        return _refused(request, NotAllowed(_("Only its author can withdraw a contribution.")), host=host)
    return render(
        request,
        "discussions/withdraw.html",
        {"contribution": contribution, "target": host, "target_url": host.get_url(request)},
    )


@require_POST
def react(request, pk):
    contribution, host = _contribution_for(request, pk)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return _refused(request, Refused(_("Unknown reaction.")), host=host)
    kind = form.cleaned_data["kind"]
    try:
        services.reaction_set(
            contribution=contribution,
            user=request.user,
            kind=None if kind == "none" else kind,
            session=request.session,
        )
    except Refused as refusal:
        return _refused(request, refusal, host=host)
    return _back_to(request, contribution, host)


@require_http_methods(["GET", "HEAD", "POST"])
def flag(request, pk):
    contribution, host = _contribution_for(request, pk)
    if not contribution.is_visible:
        raise Http404(_("This contribution is not available."))
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_create(
                contribution=contribution,
                user=request.user,
                reason=form.cleaned_data["reason"],
                session=request.session,
            )
        except Refused as refusal:
            return _refused(request, refusal, host=host)
        messages.success(request, _("Thank you. Moderators will review this contribution."))
        return _back_to(request, contribution, host)
    return render(
        request,
        "discussions/flag.html",
        {"form": form, "contribution": contribution, "target": host, "target_url": host.get_url(request)},
        status=400 if form.is_bound else 200,
    )


@require_POST
def follow(request):
    host = _host_for(request, request.POST.get("content_type", ""), request.POST.get("object_pk", ""))
    thread = request.POST.get("thread") or None
    if thread is not None:
        thread_root = contributions_of(host).filter(pk=thread if thread.isdigit() else 0, level=0).first()
        if thread_root is None:
            raise Http404(_("This thread does not exist."))
        thread = thread_root.pk
    following = request.POST.get("following") == "1"
    try:
        services.follow_set(user=request.user, target=host, thread=thread, following=following, session=request.session)
    except Refused as refusal:
        return _refused(request, refusal, host=host)
    if following:
        messages.success(request, _("You will receive an e-mail about new contributions."))
    else:
        messages.success(request, _("You no longer follow it."))
    anchor = f"#c{thread}" if thread else "#aportes"
    return HttpResponseRedirect(host.get_url(request) + anchor)
