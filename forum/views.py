"""The forum's public views, served through ``ForumPage``'s routes (``forum.page_urls``):
each takes the forum page, then the request."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from discussions.context import discussion_context
from discussions.errors import Refused
from discussions.rules import participant_refusal
from discussions.selectors import is_following

from . import ical, selectors, services
from .forms import ModerationForm, TopicFilterForm, TopicForm
from .models import ForumCategory, ForumPage, Topic


def _render(request, forum: ForumPage, template: str, context: dict, status: int = 200):
    context = {"page": forum, "self": forum, "forum": forum, **context}
    return TemplateResponse(request, template, context, status=status)


def topic_list(forum: ForumPage, request, category: ForumCategory | None = None):
    filters = TopicFilterForm(request.GET or None)
    listing = selectors.topic_list(
        forum,
        user=request.user,
        category=category,
        territory=filters.value("territory"),
        sector=filters.value("sector"),
        page_number=request.GET.get("pagina", 1),
    )
    context = {
        "listing": listing,
        "filters": filters,
        "categories": ForumCategory.objects.all(),
        "category": category,
        "following_category": category is not None and is_following(request.user, category),
        "next_meeting": selectors.next_meeting(forum),
        "can_start": participant_refusal(request.user) is None,
    }
    return _render(request, forum, "forum/forum_page.html", context)


def topic_new(forum: ForumPage, request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    refusal = participant_refusal(request.user)
    form = TopicForm(request.POST or None, initial={"category": request.GET.get("categoria")})
    status = 200
    if request.method == "POST" and refusal is None and form.is_valid():
        data = form.cleaned_data
        try:
            topic = services.topic_create(
                forum=forum,
                author=request.user,
                category=data["category"],
                title=data["title"],
                text=data["text"],
                territories=data["territories"],
                tags=data["tags"],
                session=request.session,
            )
        except Refused as error:
            refusal, status = error, error.status
        else:
            messages.success(request, _("Your topic is published."))
            return redirect(topic.get_url(request))
    elif request.method == "POST":
        status = refusal.status if refusal is not None else 400
    return _render(request, forum, "forum/topic_form.html", {"form": form, "refusal": refusal}, status=status)


def category_topics(forum: ForumPage, request, slug: str):
    category = ForumCategory.objects.filter(slug=slug).first()
    if category is None:
        raise Http404(_("This category does not exist."))
    return topic_list(forum, request, category=category)


def _topic(forum: ForumPage, pk: int, user) -> Topic:
    topic = get_object_or_404(Topic.objects.select_related("category"), forum=forum, pk=pk)
    if topic.hidden and not services.can_moderate(user):  # moderators see it, to show it again
        raise Http404(_("This topic is not available."))
    return topic


def topic_detail(forum: ForumPage, request, pk: int, slug: str):
    topic = _topic(forum, pk, request.user)
    if slug != topic.slug:
        return redirect(topic.get_url(request), permanent=True)
    context = {
        "topic": topic,
        "target": topic,
        "can_moderate": services.can_moderate(request.user),
        "categories": ForumCategory.objects.all(),
        **discussion_context(topic, request),
    }
    response = _render(request, forum, "forum/topic.html", context)
    services.topic_visited(topic=topic, user=request.user)
    return response


def topic_moderate(forum: ForumPage, request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    topic = _topic(forum, pk, request.user)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That moderation request was not understood."))
        return redirect(topic.get_url(request))
    try:
        services.topic_moderate(
            topic=topic,
            moderator=request.user,
            action=form.cleaned_data["action"],
            category=form.cleaned_data["category"],
            reason=form.cleaned_data["reason"],
        )
    except Refused as error:
        messages.error(request, error.message)
        return redirect(topic.get_url(request))
    messages.success(request, _("Done: the topic is updated."))
    return redirect(topic.get_url(request))


def category_follow(forum: ForumPage, request, slug: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    category = get_object_or_404(ForumCategory, slug=slug)
    category_url = forum.get_url(request) + forum.reverse_subpage("category", args=(slug,))
    if not request.user.is_authenticated:
        return redirect_to_login(category_url)
    following = request.POST.get("following") == "1"
    try:
        services.category_follow(
            user=request.user, forum=forum, category=category, following=following, session=request.session
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        if following:
            messages.success(request, _("You will receive an e-mail when a topic starts in this category."))
        else:
            messages.success(request, _("You no longer follow this category."))
    return redirect(category_url)


def about(forum: ForumPage, request):
    meetings = list(selectors.meetings_of(forum))
    context = {
        "membership": selectors.membership(forum),
        "members": forum.members.all(),
        "upcoming": [meeting for meeting in meetings if not meeting.is_past],
        "past": [meeting for meeting in reversed(meetings) if meeting.is_past],
    }
    return _render(request, forum, "forum/about.html", context)


def meetings_calendar(forum: ForumPage, request):
    body = ical.meetings_ical(forum, request)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="reuniones.ics"'
    return response
