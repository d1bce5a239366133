"""Reads for the forum's pages."""

from dataclasses import dataclass

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from core.models import Sector
from core.pages import children_in_language

from .models import ForumMeetingPage, ForumPage, Topic, TopicVisit

TOPICS_PER_PAGE = 20


@dataclass
class TopicList:
    page: PaginatorPage
    category: object
    territory: str
    sector: str


def topic_list(
    forum: ForumPage, *, user, category=None, territory: str = "", sector: str = "", page_number=1
) -> TopicList:
    """Visible topics, pinned first, then by latest activity; for a signed-in reader each
    carries ``seen_at`` (None: never read) and ``is_new``."""
    topics = (
        Topic.objects.visible()
        .filter(forum=forum)
        .select_related("category", "author_territory")
        .prefetch_related("territories")
    )
    if category is not None:
        topics = topics.filter(category=category)
    if territory:
        topics = topics.filter(territories__slug=territory).distinct()
    if sector:
        topics = topics.filter(author_sector=sector)
    if user.is_authenticated:
        seen = TopicVisit.objects.filter(user=user, topic=OuterRef("pk")).values("seen_at")[:1]
        topics = topics.annotate(seen_at=Subquery(seen))
    page = Paginator(topics.order_by("-pinned", "-last_activity_at", "-pk"), TOPICS_PER_PAGE).get_page(page_number)
    if user.is_authenticated:
        for topic in page.object_list:
            topic.is_new = topic.seen_at is None or topic.last_activity_at > topic.seen_at
    return TopicList(page=page, category=category, territory=territory, sector=sector)


def meetings_of(forum: ForumPage):
    return ForumMeetingPage.objects.child_of(forum).live().public().order_by("starts_at")


def next_meeting(forum: ForumPage) -> ForumMeetingPage | None:
    return meetings_of(forum).filter(starts_at__gte=timezone.now()).first()


@dataclass
class Membership:
    by_sector: list[tuple[str, int]]
    government: int
    others: int

    @property
    def total(self) -> int:
        return self.government + self.others


def membership(forum: ForumPage) -> Membership:
    counts = dict(forum.members.values_list("sector").annotate(count=Count("id")))
    labels = dict(Sector.choices)
    by_sector = [(str(labels[code]), counts[code]) for code in Sector.values if counts.get(code)]
    government = counts.get(Sector.GOVERNMENT, 0)
    return Membership(by_sector=by_sector, government=government, others=sum(counts.values()) - government)


def forums_under(page) -> list[ForumPage]:
    """The public forums below ``page`` (a home page) — its original's where it has none
    translated yet — each with its next meeting."""
    forums = children_in_language(page, ForumPage.objects.live().public().order_by("path"), descendants=True)
    for forum in forums:
        forum.next_meeting = next_meeting(forum)
    return forums
