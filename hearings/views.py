"""A hearing's public views, served through ``HearingPage``'s routes (``hearings.page_urls``):
each takes the hearing page, then the request.

Wagtail serves routes only for live pages, after its view-restriction checks: a draft or a
restricted hearing has none of these. Every write is a plain form post handled by a
service; a refusal answers with its reason and status, and gives the text back.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from discussions import rules as discussion_rules
from discussions import services as discussion_services
from discussions.errors import Refused

from . import exports, registrations, rules, selectors, services
from .forms import QuestionForm, ReasonForm, RegistrationForm, RoomAnswerForm, SupportForm
from .models import HearingPage, HearingQuestion, Registration, RegistrationKind
from .statistics import hearing_statistics, statistics_sections


def _render(request, page: HearingPage, template: str, context: dict, status: int = 200) -> TemplateResponse:
    response = TemplateResponse(request, template, {**page.get_context(request), **context}, status=status)
    sources = page.video_frame_sources()
    if sources:
        # Only this hearing's pages let its video's host in, and only into a frame.
        response._csp_update = {"frame-src": sources}
    return response


def _page_url(page: HearingPage, request, route: str = "", *args) -> str:
    url = page.get_url(request)
    return url + page.reverse_subpage(route, args=args) if route else url


def _question(page: HearingPage, pk: int) -> HearingQuestion:
    question = (
        HearingQuestion.objects.filter(hearing=page.original, contribution_id=pk)
        .select_related("contribution", "hearing")
        .first()
    )
    if question is None:
        raise Http404(_("This question does not exist."))
    return question


def _question_form(page: HearingPage, request, data=None) -> QuestionForm | None:
    """The form to ask, for a participant who may ask now; None otherwise."""
    if discussion_rules.write_refusal(request.user, page.original, request.session) is not None:
        return None
    participant = getattr(request.user, "participant", None)
    return QuestionForm(page, data, initial={"territory": participant.territory_id if participant else None})


def hearing_context(page: HearingPage, request) -> dict:
    user = request.user
    original = page.original
    return {
        "hearing": page,
        "queue": selectors.question_queue(page, user=user),
        "question_form": _question_form(page, request),
        "ask_refusal": original.discussion_refusal(user),
        "participant_refusal": discussion_rules.participant_refusal(user),
        "registrations": selectors.registrations_of(page, user),
        "registration_refusal": registrations.registration_refusal(original, user),
        "pending_answers": selectors.pending_written_answers(page),
        "can_moderate": rules.can_moderate(user),
        "live": selectors.live_settings(page),
    }


def hearing_detail(page: HearingPage, request):
    return _render(request, page, page.get_template(request), hearing_context(page, request))


# --- asking and supporting ----------------------------------------------------------------------
def ask(page: HearingPage, request):
    if request.method != "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(_page_url(page, request, "ask"))
        form = _question_form(page, request)
        return _render(
            request,
            page,
            "hearings/ask.html",
            {"form": form, "refusal": page.original.discussion_refusal(request.user)},
        )
    form = QuestionForm(page, request.POST)
    text = request.POST.get("text", "")
    refusal, status, existing = None, 400, None
    if form.is_valid():
        data = form.cleaned_data
        try:
            question = services.question_ask(
                hearing=page,
                author=request.user,
                text=data["text"],
                topic=data["topic"],
                territory=data["territory"],
                session=request.session,
                ip_address=request.META.get("REMOTE_ADDR"),
            )
        except services.DuplicateQuestion as error:
            refusal, status, existing = error, error.status, error.existing
        except Refused as error:
            refusal, status = error, error.status
        else:
            if question.contribution.is_public:
                messages.success(request, _("Your question is in the list. Thank you for taking part."))
            else:
                messages.info(request, _("Thank you. Your question will appear once a moderator has reviewed it."))
            return HttpResponseRedirect(f"{page.get_url(request)}#{question.contribution.anchor}")
    context = {"form": form, "refusal": refusal, "existing": existing, "text": text}
    return _render(request, page, "hearings/ask.html", context, status=status)


def support(page: HearingPage, request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    question = _question(page, pk)
    form = SupportForm(request.POST)
    supporting = form.cleaned_data["supporting"] if form.is_valid() else True
    try:
        services.question_support(question=question, user=request.user, supporting=supporting, session=request.session)
    except Refused as error:
        return _render(request, page, "hearings/refused.html", {"message": error.message}, status=error.status)
    return HttpResponseRedirect(f"{page.get_url(request)}#{question.contribution.anchor}")


# --- the views that follow it live: projection and text only -------------------------------------
def projection(page: HearingPage, request):
    """For the hall's screen: the question being answered, in large type; no controls."""
    queue = selectors.question_queue(page, user=None)
    context = {"queue": queue, "live": selectors.live_settings(page), "page_url": page.get_full_url(request)}
    return _render(request, page, "hearings/projection.html", context)


def text_only(page: HearingPage, request):
    """For slow connections: text, a few kilobytes, updating itself."""
    context = {"queue": selectors.question_queue(page, user=None), "live": selectors.live_settings(page)}
    return _render(request, page, "hearings/text.html", context)


# --- the moderators' console -----------------------------------------------------------------------
def _check_moderator(request) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not rules.can_moderate(request.user):
        raise PermissionDenied


def console(page: HearingPage, request):
    _check_moderator(request)
    context = {
        "queue": selectors.question_queue(page, user=None),
        "held": selectors.held_questions(page),
        "live": selectors.live_settings(page),
        "answer_form": RoomAnswerForm(),
        "reason_form": ReasonForm(),
        "closed": page.original.closed_at is not None,
    }
    return _render(request, page, "hearings/console.html", context)


def _console_reply(request, page: HearingPage, *, error: Refused | None = None, done: str = ""):
    """The console's scripts ask for JSON (the page updates itself live); without them, back to it."""
    if "application/json" in request.headers.get("Accept", ""):
        if error is not None:
            return JsonResponse({"ok": False, "message": str(error.message)}, status=error.status)
        return JsonResponse({"ok": True, "message": done})
    if error is not None:
        messages.error(request, error.message)
    elif done:
        messages.success(request, done)
    return HttpResponseRedirect(_page_url(page, request, "console"))


def console_action(page: HearingPage, request, pk: int, action: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _check_moderator(request)
    question = _question(page, pk)
    user = request.user
    try:
        if action == "al-aire":
            services.question_put_on_air(question=question, moderator=user)
            done = _("On air now.")
        elif action == "a-la-cola":
            services.question_back_to_queue(question=question, moderator=user)
            done = _("Back in the queue.")
        elif action == "respondida":
            form = RoomAnswerForm(request.POST)
            if not form.is_valid():
                raise Refused(" ".join(message for errors in form.errors.values() for message in errors))
            services.question_answered_in_room(
                question=question,
                moderator=user,
                answer=form.cleaned_data["answer"],
                video_seconds=form.cleaned_data["video_time"],
            )
            done = _("Recorded as answered in the room.")
        elif action == "fuera-de-tema":
            services.question_out_of_scope(question=question, user=user, reason=request.POST.get("reason", ""))
            done = _("Set aside as out of scope.")
        elif action == "aprobar":
            discussion_services.moderation_approve(contribution=question.contribution, moderator=user)
            done = _("Approved: the question is in the queue.")
        elif action == "retirar":
            discussion_services.moderation_remove(
                contribution=question.contribution, moderator=user, reason=request.POST.get("reason", "")
            )
            done = _("Removed.")
        else:
            raise Http404(_("Unknown action."))
    except Refused as error:
        return _console_reply(request, page, error=error)
    return _console_reply(request, page, done=done)


def close(page: HearingPage, request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _check_moderator(request)
    try:
        services.hearing_close(hearing=page, moderator=request.user)
    except Refused as error:
        return _console_reply(request, page, error=error)
    return _console_reply(request, page, done=_("The hearing is closed. Pending questions go to the written answers."))


# --- registration --------------------------------------------------------------------------------
def register(page: HearingPage, request):
    kind = request.POST.get("kind") or request.GET.get("como") or RegistrationKind.ATTEND
    if kind not in RegistrationKind.values:
        kind = RegistrationKind.ATTEND
    if not request.user.is_authenticated:
        return redirect_to_login(f"{_page_url(page, request, 'register')}?como={kind}")
    refusal = registrations.registration_refusal(page.original, request.user)
    existing = Registration.objects.filter(hearing=page.original, user=request.user, kind=kind).first()
    participant = getattr(request.user, "participant", None)
    initial = {
        "kind": kind,
        "name": existing.name if existing else getattr(participant, "display_name", ""),
        "organisation": existing.organisation if existing else getattr(participant, "organisation_name", ""),
        "territory": existing.territory_id if existing else getattr(participant, "territory_id", None),
        "topic": existing.topic if existing else "",
    }
    form = RegistrationForm(request.POST or None, initial=initial, kind=kind)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registrations.registration_save(
                hearing=page,
                user=request.user,
                kind=data["kind"],
                name=data["name"],
                organisation=data["organisation"],
                territory=data["territory"],
                topic=data.get("topic", ""),
                session=request.session,
            )
        except Refused as error:
            refusal, status = error, error.status
        else:
            if data["kind"] == RegistrationKind.SPEAK:
                messages.success(request, _("Your request to speak is registered. The organisers will confirm it."))
            else:
                messages.success(request, _("You are registered to attend."))
            return HttpResponseRedirect(f"{page.get_url(request)}#inscripcion")
    elif request.method == "POST":
        status = 400
    context = {"form": form, "kind": kind, "refusal": refusal, "existing": existing}
    return _render(request, page, "hearings/register.html", context, status=status)


def registration_cancel(page: HearingPage, request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    registration = Registration.objects.filter(hearing=page.original, pk=pk).first()
    if registration is None or not request.user.is_authenticated or registration.user_id != request.user.pk:
        raise Http404(_("This registration does not exist."))
    registrations.registration_cancel(registration=registration, user=request.user)
    messages.success(request, _("Your registration is cancelled."))
    return HttpResponseRedirect(f"{page.get_url(request)}#inscripcion")


# --- statistics and open data -----------------------------------------------------------------------
def statistics(page: HearingPage, request):
    figures = hearing_statistics(page.original)
    url = page.get_url(request)
    context = {
        "statistics": figures,
        "sections": statistics_sections(figures),
        "downloads": [
            (_("Questions and answers (CSV)"), url + page.reverse_subpage("contributions_csv")),
            (_("Questions and answers (JSON)"), url + page.reverse_subpage("contributions_json")),
        ],
    }
    return _render(request, page, "hearings/statistics.html", context)


def questions_csv(page: HearingPage, request):
    return exports.questions_csv(page, request)


def questions_json(page: HearingPage, request):
    return exports.questions_json(page, request)
