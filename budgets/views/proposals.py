"""The edition's page, its proposals, proposing and supporting."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from discussions.context import discussion_context
from discussions.errors import Refused

from .. import rules, selectors
from ..forms import ProposalFilterForm, ProposalForm
from ..models import BudgetProcessPage, Phase
from ..services import proposals as services
from .common import not_found_for, render, subpage_url


def overview(page: BudgetProcessPage, request):
    process = page.edition
    context = {
        "timeline": process.timeline(),
        "figures": selectors.phase_counts(process),
        "envelopes": process.envelope_list,
        "can_propose": rules.proposal_refusal(process, request.user) is None,
    }
    if process.phase in (Phase.PROPOSALS, Phase.EVALUATION):
        context["latest"] = selectors.proposal_list(process, ordering="apoyos").page.object_list[:6]
    return render(request, page, "budgets/process_page.html", context)


def proposal_list(page: BudgetProcessPage, request):
    process = page.edition
    filters = ProposalFilterForm(request.GET or None, process=process)
    listing = selectors.proposal_list(
        process,
        territory=filters.value("provincia"),
        category=filters.value("categoria"),
        viability=filters.value("viabilidad"),
        ordering=filters.value("orden"),
        page_number=request.GET.get("pagina", 1),
    )
    context = {
        "listing": listing,
        "filters": filters,
        "supported": selectors.supported_ids(request.user, listing.page.object_list),
        "proposal_refusal": rules.proposal_refusal(process, request.user),
    }
    return render(request, page, "budgets/proposal_list.html", context)


def proposal_new(page: BudgetProcessPage, request):
    process = page.edition
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    refusal = rules.proposal_refusal(process, request.user, session=request.session)
    not_found_for(refusal)
    participant = getattr(request.user, "participant", None)
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        process=process,
        organisation=participant.organisation if participant else None,
    )
    status = 200
    if request.method == "POST" and refusal is None and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_create(
                process=process,
                author=request.user,
                title=data["title"],
                problem=data["problem"],
                description=data["description"],
                territory=data["envelope"].territory,
                district=data["district"],
                category=data["category"],
                beneficiaries=data["beneficiaries"],
                beneficiaries_description=data["beneficiaries_description"],
                estimated_cost=data["estimated_cost"],
                on_behalf_of_organisation=data.get("on_behalf_of_organisation", False),
                images=data["images"],
                documents=data["documents"],
                session=request.session,
            )
        except Refused as error:
            refusal, status = error, error.status
        else:
            if getattr(proposal, "resubmitted", False):
                messages.info(request, _("You sent this proposal a moment ago: here it is."))
            else:
                messages.success(request, _("Your proposal is published. Share it to gather support."))
            return redirect(subpage_url(page, request, "proposal", proposal.pk))
    elif request.method == "POST":
        status = refusal.status if refusal is not None else 400
    return render(request, page, "budgets/proposal_form.html", {"form": form, "refusal": refusal}, status=status)


def proposal_detail(page: BudgetProcessPage, request, pk: int):
    process = page.edition
    try:
        proposal = services.proposal_or_404(process, pk, request.user, request.session)
    except Refused:
        raise Http404() from None
    user = request.user
    context = {
        "proposal": proposal,
        "target": proposal,
        "images": list(proposal.images.select_related("image")),
        "documents": list(proposal.documents.select_related("document")),
        "merged_from": list(proposal.merged_from.public()),
        "supported": bool(selectors.supported_ids(user, [proposal])),
        "support_refusal": rules.support_refusal(proposal, user),
        "can_evaluate": rules.can_evaluate(user),
        "can_manage": rules.can_manage(user),
        **discussion_context(proposal, request),
    }
    return render(request, page, "budgets/proposal.html", context)


def proposal_support(page: BudgetProcessPage, request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    process = page.edition
    try:
        proposal = services.proposal_or_404(process, pk, request.user, request.session)
    except Refused:
        raise Http404() from None
    url = subpage_url(page, request, "proposal", proposal.pk)
    if not request.user.is_authenticated:
        return redirect_to_login(url)
    supporting = request.POST.get("supporting") == "1"
    try:
        services.proposal_support(proposal=proposal, user=request.user, supporting=supporting, session=request.session)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Thank you for your support.") if supporting else _("You no longer support this proposal.")
        )
    return redirect(url)
