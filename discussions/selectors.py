"""Reading a discussion: one page of threads, built with a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Contribution, Follow, Reaction, ResponseStatus, Status, contributions_of, discussion_key

ORDERINGS = {
    "oldest": ("submit_date", "pk"),
    "newest": ("-submit_date", "-pk"),
    "supported": ("-support_count", "submit_date", "pk"),
}
ORDERING_LABELS = {"oldest": _("Oldest first"), "newest": _("Newest first"), "supported": _("Most supported")}
DEFAULT_ORDERING = "oldest"


@dataclass(frozen=True)
class Viewer:
    """Who a discussion is rendered for.

    ``user`` is the real reader (``AnonymousUser`` for a public rendering); ``signed_in``
    says whether the reader's controls (react, report, follow) are shown. The live
    layer renders each change twice, for the public and for "a signed-in participant
    who is not the author": ``Viewer.participant()`` is that description, not a user.
    """

    user: object
    signed_in: bool

    @classmethod
    def of(cls, user) -> "Viewer":
        return cls(user=user, signed_in=bool(user is not None and user.is_authenticated))

    @classmethod
    def public(cls) -> "Viewer":
        return cls(user=AnonymousUser(), signed_in=False)

    @classmethod
    def participant(cls) -> "Viewer":
        return cls(user=AnonymousUser(), signed_in=True)


@dataclass
class Node:
    """A contribution as one reader sees it, with its replies."""

    contribution: Contribution
    children: list["Node"] = field(default_factory=list)
    my_reaction: str = ""
    mine: bool = False
    editable: bool = False
    can_react: bool = False
    followed: bool = False


#: What ends a reply list, the article it belongs to and that article's list item.
_CLOSE_REPLIES = "</ol></article></li>"


@dataclass(frozen=True)
class Row:
    """A contribution in the single pass that renders a list of threads (no template
    included once per contribution). A row with replies opens their list; the last row of
    a subtree closes, after its own article, the ``closing`` lists its ancestors opened."""

    node: Node
    listed: bool = True
    closing: int = 0
    #: Worked out once for the template, which asks for each several times: the
    #: contribution's number as text (not localised again per URL), whether its text is
    #: shown, and whether a response is shown with it.
    pk: str = field(init=False)
    visible: bool = field(init=False)
    responded: bool = field(init=False)

    def __post_init__(self):
        contribution = self.node.contribution
        object.__setattr__(self, "pk", str(contribution.pk))
        object.__setattr__(self, "visible", contribution.is_visible)
        object.__setattr__(self, "responded", bool(contribution.response_status) and contribution.is_visible)

    @property
    def closing_html(self) -> SafeString:
        return mark_safe(_CLOSE_REPLIES * self.closing)  # noqa: S308 — constant markup


def rows_of(nodes: list[Node], *, listed: bool = True) -> list[Row]:
    """``nodes`` and their replies in the order the page shows them. ``listed=False``: the
    first level is not in a list (a live fragment, its ``<article>`` alone)."""
    rows: list[Row] = []

    def walk(node: Node, closing: int, in_list: bool) -> None:
        if not node.children:
            rows.append(Row(node, listed=in_list, closing=closing))
            return
        rows.append(Row(node, listed=in_list))
        last = len(node.children) - 1
        for index, child in enumerate(node.children):
            walk(child, closing + 1 if index == last else 0, True)

    for node in nodes:
        walk(node, 0, listed)
    return rows


def node_for(
    contribution: Contribution,
    *,
    viewer: Viewer,
    closed: bool,
    my_reaction: str = "",
    followed: bool = False,
    moment: datetime | None = None,
) -> Node:
    mine = rules.is_author(viewer.user, contribution)
    return Node(
        contribution,
        my_reaction=my_reaction,
        mine=mine,
        editable=mine and rules.can_edit(contribution, viewer.user, moment),
        can_react=viewer.signed_in and not mine and not closed,
        followed=followed,
    )


@dataclass
class Discussion:
    threads: list[Node]
    page: Page
    ordering: str
    response_filter: str
    section: str
    section_counts: dict[str, int]
    total: int
    shown: int  # of ``total``, those in the threads the filters keep (all without a filter)
    following: bool
    followed_threads: set[int]
    response_counts: list[tuple[str, str, int]]
    awaiting_response: int

    def summary(self) -> dict:
        """Everything but the threads, as plain values (what the thread-list cache keeps
        beside the rendered threads): no reader's own state, no model instance."""
        return {
            "count": self.page.paginator.count,
            "number": self.page.number,
            "ordering": self.ordering,
            "response_filter": self.response_filter,
            "section": self.section,
            "section_counts": dict(self.section_counts),
            "total": self.total,
            "shown": self.shown,
            "response_counts": {value: count for value, _label, count in self.response_counts},
            "awaiting_response": self.awaiting_response,
        }

    @classmethod
    def from_summary(cls, summary: dict) -> "Discussion":
        """A public reader's discussion rebuilt from :meth:`summary`, without its threads
        (they come rendered) and without a query: the page is one of ``range(count)``."""
        paginator = Paginator(range(summary["count"]), settings.DISCUSSIONS_THREADS_PER_PAGE)
        counts = summary["response_counts"]
        return cls(
            threads=[],
            page=paginator.get_page(summary["number"]),
            ordering=summary["ordering"],
            response_filter=summary["response_filter"],
            section=summary["section"],
            section_counts=summary["section_counts"],
            total=summary["total"],
            shown=summary["shown"],
            following=False,
            followed_threads=set(),
            response_counts=[(status.value, status.label, counts.get(status.value, 0)) for status in ResponseStatus],
            awaiting_response=summary["awaiting_response"],
        )

    @property
    def response_filter_label(self) -> str:
        return next((str(label) for value, label, _ in self.response_counts if value == self.response_filter), "")

    @property
    def responded(self) -> int:
        return sum(count for _, _, count in self.response_counts)

    @property
    def response_shares(self) -> list[dict]:
        """Each response status with its share of the top-level contributions (percent,
        rounded), and those still awaiting one, for "what you said, what we did"."""
        whole = self.responded + self.awaiting_response
        rows = [*self.response_counts, ("", _("Awaiting a response"), self.awaiting_response)]
        return [
            {"value": value, "label": label, "count": count, "percent": round(100 * count / whole) if whole else 0}
            for value, label, count in rows
        ]


def shown_to(user) -> Q:
    """Contributions a reader sees: published ones, placeholders that still carry replies,
    and the reader's own while they wait for moderation."""
    condition = Q(status=Status.PUBLISHED) | Q(nested_count__gt=0)
    if user is not None and user.is_authenticated:
        condition |= Q(user_id=user.pk)
    return condition


def _ordering(value: str) -> str:
    return value if value in ORDERINGS else DEFAULT_ORDERING


def normalised_filters(target, *, ordering: str = "", response_filter: str = "", section: str = "") -> dict:
    """The ordering and filters as :func:`discussion_for` applies them: an unknown value
    is the default (so a made-up ``?orden=`` is the same page, and the same cache entry)."""
    return {
        "ordering": _ordering(ordering),
        "response_filter": response_filter if response_filter in ResponseStatus.values else "",
        "section": section if section in {s["anchor"] for s in target.discussion_sections} else "",
    }


def discussion_for(
    target, *, user, ordering: str = "", page_number=1, response_filter: str = "", section: str = ""
) -> Discussion:
    viewer = Viewer.of(user)
    closed = target.discussion_refusal(user) is not None
    moment = timezone.now()
    filters = normalised_filters(target, ordering=ordering, response_filter=response_filter, section=section)
    ordering, response_filter, section = filters["ordering"], filters["response_filter"], filters["section"]
    contributions = contributions_of(target)
    visible = contributions.filter(shown_to(user))
    top_level = visible.filter(level=0)
    if response_filter:
        top_level = top_level.filter(response_status=response_filter)
    if section:
        top_level = top_level.filter(section_anchor=section)
    paginator = Paginator(
        top_level.order_by(*ORDERINGS[ordering]).values_list("pk", flat=True), settings.DISCUSSIONS_THREADS_PER_PAGE
    )
    page = paginator.get_page(page_number)
    thread_ids = list(page.object_list)

    rows = list(
        visible.filter(thread_id__in=thread_ids).select_related("author_territory").order_by("thread_id", "order")
    )
    reactions = {}
    followed_threads: set[int] = set()
    following = False
    if user.is_authenticated and rows:
        reactions = dict(
            Reaction.objects.filter(user=user, contribution_id__in=[row.pk for row in rows]).values_list(
                "contribution_id", "kind"
            )
        )
    if user.is_authenticated:
        content_type, object_pk = discussion_key(target)
        for thread_id in Follow.objects.filter(user=user, content_type=content_type, object_pk=object_pk).values_list(
            "thread_id", flat=True
        ):
            if thread_id is None:
                following = True
            else:
                followed_threads.add(thread_id)

    nodes = {
        row.pk: node_for(
            row,
            viewer=viewer,
            closed=closed,
            my_reaction=reactions.get(row.pk, ""),
            followed=row.pk in followed_threads,
            moment=moment,
        )
        for row in rows
    }
    for row in rows:
        if row.level and row.parent_id in nodes:
            nodes[row.parent_id].children.append(nodes[row.pk])
    threads = [nodes[pk] for pk in thread_ids if pk in nodes]

    published = contributions.filter(status=Status.PUBLISHED, withdrawn_at__isnull=True)
    section_counts = dict(
        published.values_list("section_anchor").annotate(count=Count("pk")).values_list("section_anchor", "count")
    )
    counts = dict(
        published.filter(level=0)
        .values_list("response_status")
        .annotate(count=Count("pk"))
        .values_list("response_status", "count")
    )
    response_counts = [(status.value, status.label, counts.get(status.value, 0)) for status in ResponseStatus]
    total = sum(section_counts.values())
    filtered = bool(response_filter or section)
    return Discussion(
        threads=threads,
        page=page,
        ordering=ordering,
        response_filter=response_filter,
        section=section,
        section_counts=section_counts,
        total=total,
        shown=published.filter(thread_id__in=top_level.values("pk")).count() if filtered else total,
        following=following,
        followed_threads=followed_threads,
        response_counts=response_counts,
        awaiting_response=counts.get("", 0),
    )


def published_counts(model, object_pks) -> dict[str, int]:
    """Published contributions per discussion of ``model``, keyed by the target's pk as text."""
    content_type = ContentType.objects.get_for_model(model)
    rows = (
        Contribution.norel_objects.filter(
            content_type=content_type,
            object_pk__in=[str(pk) for pk in object_pks],
            status=Status.PUBLISHED,
            withdrawn_at__isnull=True,
        )
        .values_list("object_pk")
        .annotate(count=Count("pk"))
    )
    return dict(rows)


def is_following(user, target) -> bool:
    """Whether ``user`` follows all of ``target``'s discussion (not just one thread)."""
    if not user.is_authenticated:
        return False
    content_type, object_pk = discussion_key(target)
    return Follow.objects.filter(
        user=user, content_type=content_type, object_pk=object_pk, thread__isnull=True
    ).exists()
