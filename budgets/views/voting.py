"""The web ballot: prepared in the session (add and remove are plain forms, the server
keeps the running total), then cast with the DNI the first time, and changed until
voting closes. ``static/js/budget-ballot.js`` sends the same forms in the background
and puts the server's answer in place."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from discussions.errors import Refused

from .. import rules, selectors
from ..forms import BallotCastForm, BallotChoiceForm
from ..models import BudgetProcessPage, Proposal
from ..services import ballots as services
from .common import not_found_for, render, subpage_url


def _draft_key(process: BudgetProcessPage) -> str:
    return f"budgets:draft:{process.pk}"


def _draft(request, process: BudgetProcessPage, ballot) -> list[int]:
    """The ballot being prepared: in the session, or, on a first visit, the one cast —
    without the projects that left the ballot since they were chosen (hidden, merged,
    evaluated again): the voter is told how many, and could not remove them otherwise."""
    draft = request.session.get(_draft_key(process))
    if draft is None:
        draft = list(ballot.choices.values_list("proposal_id", flat=True)) if ballot is not None else []
    draft = [int(pk) for pk in draft]
    still = set(Proposal.objects.candidates().filter(process=process, pk__in=draft).values_list("pk", flat=True))
    gone = len([pk for pk in draft if pk not in still])
    if gone:
        draft = [pk for pk in draft if pk in still]
        request.session[_draft_key(process)] = draft
        messages.info(
            request,
            ngettext(
                "A project you had chosen is no longer on the ballot: it was taken off yours.",
                "%(count)d projects you had chosen are no longer on the ballot: they were taken off yours.",
                gone,
            )
            % {"count": gone},
        )
    return draft


def _territory(user):
    participant = getattr(user, "participant", None) if user.is_authenticated else None
    return participant.territory if participant is not None else None


def _ballot_context(request, page: BudgetProcessPage) -> dict:
    process = page.edition
    user = request.user
    refusal = rules.voting_refusal(process, user, session=request.session)
    not_found_for(refusal)
    cast = services.ballot_of(process, user)
    draft = _draft(request, process, cast) if refusal is None else []
    envelopes = (
        selectors.ballot_for(process, _territory(user), set(draft), with_votes=rules.counts_visible(process))
        if refusal is None
        else []
    )
    return {
        "refusal": refusal,
        "cast": cast,
        "envelopes": envelopes,
        "chosen_count": sum(len(envelope.chosen) for envelope in envelopes),
        "cast_form": BallotCastForm(first=cast is None) if refusal is None else None,
        "show_votes": rules.counts_visible(process),
    }


def ballot(page: BudgetProcessPage, request):
    return render(request, page, "budgets/ballot.html", _ballot_context(request, page))


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _fragments(request, page: BudgetProcessPage) -> dict:
    context = {"page": page, "process": page.edition, **_ballot_context(request, page)}
    return {
        "envelopes": {
            item.envelope.key: render_to_string(
                "budgets/includes/ballot_envelope.html", {**context, "item": item}, request=request
            )
            for item in context["envelopes"]
        },
        "summary": render_to_string("budgets/includes/ballot_summary.html", context, request=request),
    }


def ballot_choice(page: BudgetProcessPage, request):
    """Add a project to the ballot being prepared, or take it out."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    process = page.edition
    ballot_url = subpage_url(page, request, "ballot")
    if not request.user.is_authenticated:
        return redirect_to_login(ballot_url)
    form = BallotChoiceForm(request.POST)
    refusal = rules.voting_refusal(process, request.user, session=request.session)
    not_found_for(refusal)
    level, message, status = "success", "", 200
    proposal = None
    if refusal is None and form.is_valid():
        # Public proposals only: a hidden one is not named to anyone (its title stays out of
        # the answer), though a voter may still take it off a ballot made before.
        proposal = (
            Proposal.objects.public()
            .filter(process=process, pk=form.cleaned_data["proposal"])
            .select_related("territory", "merged_into", "process")
            .first()
        )
    if refusal is not None:
        level, message, status = "error", refusal.message, refusal.status
    elif proposal is None and form.cleaned_data["action"] == "remove":
        cast = services.ballot_of(process, request.user)
        request.session[_draft_key(process)] = services.draft_remove(
            _draft(request, process, cast), form.cleaned_data["proposal"]
        )
        message = _("The project is no longer on your ballot.")
    elif proposal is None:
        level, message, status = "error", _("This project is not on the ballot."), 400
    else:
        cast = services.ballot_of(process, request.user)
        draft = _draft(request, process, cast)
        try:
            if form.cleaned_data["action"] == "add":
                draft = services.draft_add(process, _territory(request.user), draft, proposal)
                message = _("«%(title)s» is on your ballot.") % {"title": proposal.title}
            else:
                draft = services.draft_remove(draft, proposal.pk)
                message = _("«%(title)s» is no longer on your ballot.") % {"title": proposal.title}
        except Refused as error:
            level, message, status = "error", error.message, error.status
        else:
            request.session[_draft_key(process)] = draft
    if _wants_json(request):
        return JsonResponse({"level": level, "message": str(message), **_fragments(request, page)}, status=status)
    (messages.success if level == "success" else messages.error)(request, message)
    anchor = f"#sobre-{proposal.envelope.key}" if proposal is not None and proposal.envelope else ""
    return redirect(ballot_url + anchor)


def ballot_cast(page: BudgetProcessPage, request):
    """Cast the ballot being prepared (or change the one cast)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    process = page.edition
    ballot_url = subpage_url(page, request, "ballot")
    if not request.user.is_authenticated:
        return redirect_to_login(ballot_url)
    context = _ballot_context(request, page)
    if context["refusal"] is not None:
        return render(request, page, "budgets/ballot.html", context, status=context["refusal"].status)
    cast = context["cast"]
    form = BallotCastForm(request.POST, first=cast is None)
    context["cast_form"] = form
    if not form.is_valid():
        return render(request, page, "budgets/ballot.html", context, status=400)
    data = form.cleaned_data
    try:
        ballot = services.ballot_cast(
            process=process,
            user=request.user,
            proposal_ids=_draft(request, process, cast),
            dni=data.get("dni", ""),
            birth_date=data.get("birth_date"),
            district=data.get("district", ""),
            session=request.session,
        )
    except Refused as error:
        context["cast_error"] = error
        return render(request, page, "budgets/ballot.html", context, status=error.status)
    request.session.pop(_draft_key(process), None)
    if getattr(ballot, "changed", False):
        messages.success(request, _("Your ballot is changed. You can change it again until voting closes."))
    else:
        messages.success(request, _("Your vote is recorded. Thank you! You can change it until voting closes."))
    return redirect(ballot_url)
