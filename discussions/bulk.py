"""Many contributions at once (an import from a workshop's spreadsheet): the same threads
as posting them one by one would make, in a handful of queries per hundred rows.

Posting one contribution runs django-comments-xtd's threading (half a dozen queries for
a reply), records a live event and queues its indexing. Here the threads are laid out in
Python — each reply's level (capped at ``COMMENTS_XTD_MAX_THREAD_LEVEL`` as a post
would be), its place in the thread (``order``), every ancestor's ``nested_count`` —
the three tables of the model are written with one multi-row INSERT per table and
chunk, threads that already had contributions are renumbered in one UPDATE batch, and
what follows is recorded once: one live event telling open pages to reload, one signal
that queues every new document for indexing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django_comments.models import Comment
from django_comments_xtd.models import XtdComment

from core.markup import render_markdown

from . import live, signals
from .models import Channel, Contribution, Status, contributions_of, discussion_key

CHUNK = 500


@dataclass
class Entry:
    """One contribution to create. ``parent`` is an existing contribution, the
    ``import_ref`` of an entry earlier in the list, or None for a new thread."""

    import_ref: str
    text: str
    author_name: str
    submitted_at: datetime
    parent: "Contribution | str | None" = None
    author_sector: str = ""
    author_territory_id: int | None = None
    channel: str = Channel.WORKSHOP
    section_anchor: str = ""


@dataclass
class _Node:
    """A contribution's place in its thread, old or new."""

    pk: int
    parent_pk: int  # its own pk for a thread's first contribution, as xtd stores it
    level: int
    order: int
    nested_count: int
    new: bool


@transaction.atomic
def contributions_create(*, host, entries: Sequence[Entry]) -> dict[str, Contribution]:
    """Create ``entries`` (parents before their replies) in ``host``'s discussion, without
    the rules of a web post: imports name their authors themselves. Returns each new
    contribution by its ``import_ref``."""
    if not entries:
        return {}
    content_type, object_pk = discussion_key(host)
    created: dict[str, Contribution] = {}
    comments = [
        Comment(
            content_type=content_type,
            object_pk=object_pk,
            site_id=settings.SITE_ID,
            user_name=entry.author_name[:50],
            comment=entry.text,
            submit_date=entry.submitted_at,
            is_public=True,
        )
        for entry in entries
    ]
    Comment.objects.bulk_create(comments, batch_size=CHUNK)
    threads = _ThreadLayout(host)
    for entry, comment in zip(entries, comments, strict=True):
        parent = created.get(entry.parent) if isinstance(entry.parent, str) else entry.parent
        node = threads.add(comment.pk, parent.pk if parent is not None else None)
        contribution = Contribution(
            pk=comment.pk,
            comment_ptr_id=comment.pk,
            xtdcomment_ptr_id=comment.pk,
            content_type=content_type,
            object_pk=object_pk,
            site_id=settings.SITE_ID,
            user_name=comment.user_name,
            comment=entry.text,
            submit_date=entry.submitted_at,
            is_public=True,
            thread_id=threads.thread_of(comment.pk),
            parent_id=node.parent_pk,
            level=node.level,
            section_anchor=entry.section_anchor if node.level == 0 else threads.section_of(node, created),
            body_html=render_markdown(entry.text),
            status=Status.PUBLISHED,
            channel=entry.channel,
            author_display_name=entry.author_name,
            author_sector=entry.author_sector,
            author_territory_id=entry.author_territory_id,
            import_ref=entry.import_ref,
        )
        created[entry.import_ref] = contribution
    threads.number()
    new = list(created.values())
    for contribution in new:
        node = threads.nodes[contribution.pk]
        contribution.order, contribution.nested_count = node.order, node.nested_count
    _insert(XtdComment, new)
    _insert(Contribution, new)
    threads.renumber_existing()
    live.record_event(content_type.pk, object_pk, "discussion.reloaded")
    signals.contributions_imported.send(sender=Contribution, host=host, contributions=new)
    return created


def _insert(model, objects: list[Contribution]) -> None:
    """One multi-row INSERT per chunk into ``model``'s own table of a multi-table model
    (what ``bulk_create`` does for a single table; it refuses inherited models)."""
    fields = model._meta.local_concrete_fields
    for start in range(0, len(objects), CHUNK):
        model._base_manager._insert(objects[start : start + CHUNK], fields=fields, raw=True)


class _ThreadLayout:
    """The threads of a discussion as xtd numbers them: ``order`` is the depth-first place
    in the thread (older siblings first), ``nested_count`` the number of descendants."""

    def __init__(self, host):
        self.max_level = settings.COMMENTS_XTD_MAX_THREAD_LEVEL
        self.nodes: dict[int, _Node] = {}
        self.children: dict[int, list[int]] = {}
        self.threads: dict[int, int] = {}  # pk → thread id
        self.sections: dict[int, str] = {}
        self._host = host
        self._loaded_threads: set[int] = set()

    def _load_thread(self, thread_id: int) -> None:
        """The contributions already in a thread a new reply joins."""
        if thread_id in self._loaded_threads:
            return
        self._loaded_threads.add(thread_id)
        rows = (
            contributions_of(self._host)
            .filter(thread_id=thread_id)
            .order_by("order")
            .values_list("pk", "parent_id", "level", "order", "nested_count", "section_anchor")
        )
        for pk, parent_pk, level, order, nested_count, section in rows:
            self.nodes[pk] = _Node(pk, parent_pk, level, order, nested_count, new=False)
            self.threads[pk] = thread_id
            self.sections[pk] = section
            if parent_pk != pk:
                self.children.setdefault(parent_pk, []).append(pk)

    def add(self, pk: int, parent_pk: int | None) -> _Node:
        if parent_pk is None:
            node = _Node(pk, pk, 0, 1, 0, new=True)
            self.threads[pk] = pk
        else:
            if parent_pk not in self.nodes:
                self._load_thread(XtdComment.norel_objects.get(pk=parent_pk).thread_id)
            parent = self.nodes[parent_pk]
            while parent.level >= self.max_level and parent.parent_pk != parent.pk:
                parent = self.nodes[parent.parent_pk]  # deeper replies join the deepest level
            node = _Node(pk, parent.pk, parent.level + 1, 0, 0, new=True)
            self.threads[pk] = self.threads[parent.pk]
            self.children.setdefault(parent.pk, []).append(pk)
        self.nodes[pk] = node
        return node

    def thread_of(self, pk: int) -> int:
        return self.threads[pk]

    def section_of(self, node: _Node, created: dict) -> str:
        """A reply concerns what its thread's first contribution concerns."""
        root = self.threads[node.pk]
        if root in self.sections:
            return self.sections[root]
        return next((c.section_anchor for c in created.values() if c.pk == root), "")

    def number(self) -> None:
        """Depth-first order and descendant counts of every thread touched."""
        for root in {self.threads[pk] for pk, node in self.nodes.items() if node.new}:
            position = 0
            stack = [root]
            visit: list[int] = []
            while stack:
                pk = stack.pop()
                position += 1
                self.nodes[pk].order = position
                visit.append(pk)
                stack.extend(reversed(self.children.get(pk, [])))
            for pk in reversed(visit):
                self.nodes[pk].nested_count = sum(
                    1 + self.nodes[child].nested_count for child in self.children.get(pk, [])
                )

    def renumber_existing(self) -> None:
        changed = [
            XtdComment(comment_ptr_id=node.pk, order=node.order, nested_count=node.nested_count)
            for node in self.nodes.values()
            if not node.new
        ]
        if changed:
            XtdComment.norel_objects.bulk_update(changed, ["order", "nested_count"], batch_size=CHUNK)
