"""Reads for the hearings' pages. Only live, public pages are ever listed."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from core.pages import children_in_language, in_language
from discussions import live
from discussions.models import Reaction, ReactionKind, Status
from discussions.selectors import Node, Viewer, node_for

from .models import (
    SETTLED_STATES,
    HearingIndexPage,
    HearingPage,
    HearingQuestion,
    HearingStatus,
    QuestionState,
    Registration,
    RegistrationKind,
    SpeakerStatus,
)

#: Past hearings stay on the home page this long (their written answers are still coming).
RECENT_DAYS = 120


# --- listings ----------------------------------------------------------------------------------
def public_hearings():
    return HearingPage.objects.live().public()


def _in_locale(pages, locale: Locale) -> list[HearingPage]:
    """Each hearing once: in ``locale`` where translated, else in the default language."""
    return in_language(pages.filter(locale__in={locale.pk, Locale.get_default().pk}), locale)


@dataclass
class HearingListing:
    live: list[HearingPage]
    upcoming: list[HearingPage]
    past: list[HearingPage]

    def __bool__(self) -> bool:
        return bool(self.live or self.upcoming or self.past)


def _pending_counts(hearings: list[HearingPage]) -> None:
    """Set ``pending_answers`` on each: questions still awaiting their answer (one query)."""
    originals = {page.pk: page.original.pk for page in hearings}
    counts = dict(
        HearingQuestion.objects.filter(
            hearing_id__in=set(originals.values()),
            state__in=[QuestionState.PENDING, QuestionState.ON_AIR],
            contribution__status=Status.PUBLISHED,
            contribution__withdrawn_at__isnull=True,
        )
        .values_list("hearing_id")
        .annotate(count=Count("pk"))
    )
    for page in hearings:
        page.pending_answers = counts.get(originals[page.pk], 0)


def hearings_listing(locale: Locale, *, index: Page | None = None, now: datetime | None = None, recent_days=None):
    """Hearings happening now, upcoming (soonest first) and past (latest first)."""
    now = now or timezone.now()
    pages = public_hearings()
    if recent_days is not None:
        pages = pages.filter(ends_at__gte=now - timedelta(days=recent_days))
    # Below ``index`` and below its original, until it is translated: an English home page
    # lists the Spanish hearings not translated yet.
    hearings = _in_locale(pages, locale) if index is None else children_in_language(index, pages, descendants=True)
    _pending_counts(hearings)
    by_status: dict[str, list[HearingPage]] = {status: [] for status in HearingStatus}
    for page in hearings:
        by_status[page.status_at(now)].append(page)
    return HearingListing(
        live=sorted(by_status[HearingStatus.LIVE], key=lambda page: page.starts_at),
        upcoming=sorted(by_status[HearingStatus.UPCOMING], key=lambda page: page.starts_at),
        past=sorted(by_status[HearingStatus.ENDED], key=lambda page: page.starts_at, reverse=True),
    )


def hearings_for_home(home: Page) -> HearingListing:
    return hearings_listing(home.locale, index=home, recent_days=RECENT_DAYS)


def hearing_index_of(home: Page) -> HearingIndexPage | None:
    """The hearings index under this home page, or its original's until it is translated."""
    indexes = children_in_language(home, HearingIndexPage.objects.live().public().order_by("path"))
    return indexes[0] if indexes else None


def hearings_for_feeds(locale: Locale, limit: int = 50) -> list[HearingPage]:
    """The most recently announced hearings first (announced: published)."""
    hearings = _in_locale(public_hearings().order_by("-first_published_at"), locale)
    return sorted(hearings, key=lambda page: page.first_published_at or page.starts_at, reverse=True)[:limit]


# --- one hearing's questions --------------------------------------------------------------------
@dataclass
class Queue:
    on_air: Node | None
    pending: list[Node]
    settled: list[Node]
    own_held: list[Node]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _visible(user) -> Q:
    shown = Q(contribution__status=Status.PUBLISHED, contribution__withdrawn_at__isnull=True)
    if user is not None and user.is_authenticated:
        shown |= Q(
            contribution__user_id=user.pk, contribution__status=Status.HELD, contribution__withdrawn_at__isnull=True
        )
    return shown


def queue_order(question: HearingQuestion) -> tuple:
    """The queue's order: most supported first, then the earliest asked."""
    return (-question.contribution.support_count, question.contribution.submit_date, question.contribution_id)


def question_queue(hearing: HearingPage, *, user) -> Queue:
    """The hearing's questions as ``user`` sees them, with a fixed number of queries."""
    hearing = hearing.original
    viewer = Viewer.of(user)
    closed = hearing.discussion_refusal(user) is not None
    questions = list(
        HearingQuestion.objects.filter(hearing=hearing)
        .filter(_visible(user))
        .select_related("contribution", "contribution__author_territory")
    )
    mine = {}
    if viewer.signed_in and questions:
        mine = dict(
            Reaction.objects.filter(
                user=user, kind=ReactionKind.SUPPORT, contribution_id__in=[q.contribution_id for q in questions]
            ).values_list("contribution_id", "kind")
        )
    nodes = []
    for question in questions:
        node = node_for(
            question.contribution, viewer=viewer, closed=closed, my_reaction=mine.get(question.contribution_id, "")
        )
        node.question = question
        nodes.append(node)
    public = [node for node in nodes if node.contribution.status == Status.PUBLISHED]
    on_air = next((node for node in public if node.question.state == QuestionState.ON_AIR), None)
    pending = sorted(
        (node for node in public if node.question.state == QuestionState.PENDING),
        key=lambda node: queue_order(node.question),
    )
    settled = sorted(
        (node for node in public if node.question.state in SETTLED_STATES),
        key=lambda node: (
            node.question.answered_at or node.question.written_answered_at or node.contribution.submit_date
        ),
        reverse=True,
    )
    counts = {state.value: 0 for state in QuestionState}
    for node in public:
        counts[node.question.state] += 1
    own_held = [node for node in nodes if node.contribution.status == Status.HELD]
    return Queue(on_air=on_air, pending=pending, settled=settled, own_held=own_held, counts=counts)


def pending_written_answers(hearing: HearingPage) -> int:
    return hearing.pending_answers


def held_questions(hearing: HearingPage) -> list[HearingQuestion]:
    """Questions awaiting a moderator's review (a pre-moderated hearing), oldest first."""
    return list(
        HearingQuestion.objects.filter(
            hearing=hearing.original, contribution__status=Status.HELD, contribution__withdrawn_at__isnull=True
        )
        .select_related("contribution", "contribution__author_territory")
        .order_by("contribution__submit_date")
    )


# --- registration -------------------------------------------------------------------------------
@dataclass
class Registrations:
    attending: int
    places_left: int | None  # None: no limit
    speakers: list[Registration]  # confirmed, in order: shown once the list is published
    mine: dict[str, Registration]  # the reader's own, by kind


def registrations_of(hearing: HearingPage, user) -> Registrations:
    original = hearing.original
    attending = Registration.objects.filter(hearing=original, kind=RegistrationKind.ATTEND).count()
    speakers = []
    if hearing.speaker_list_published:
        speakers = list(
            Registration.objects.filter(hearing=original, kind=RegistrationKind.SPEAK, status=SpeakerStatus.CONFIRMED)
            .select_related("territory")
            .order_by("speaking_order", "created_at")
        )
    mine = {}
    if user is not None and user.is_authenticated:
        mine = {
            registration.kind: registration for registration in Registration.objects.filter(hearing=original, user=user)
        }
    capacity = original.attendance_capacity
    places_left = None if capacity is None else max(capacity - attending, 0)
    return Registrations(attending=attending, places_left=places_left, speakers=speakers, mine=mine)


# --- live --------------------------------------------------------------------------------------
def live_settings(hearing: HearingPage) -> dict:
    """What a page that follows the hearing live needs: its socket, its last event, and
    the words its script shows, in the page's language."""
    original = hearing.original
    content_type = ContentType.objects.get_for_model(HearingPage)
    return {
        "url": live.websocket_path(original),
        "last_event": live.last_event_id(content_type.pk, original.pk),
        "heartbeat": settings.DISCUSSIONS_HEARTBEAT_SECONDS,
        "messages": {
            "reconnecting": _("Reconnecting…"),
            "reload": _("Much has changed while you were away: reload the page to see it all."),
            "closed": str(hearing.discussion_closing_message),
            "opened": _("Questions are open now: reload the page to ask yours."),
            "nothing_on_air": _("No question is being answered at this moment."),
            "on_air": _("Being answered now"),
            "readers_one": _("%(count)s person following"),
            "readers_other": _("%(count)s people following"),
        },
    }
