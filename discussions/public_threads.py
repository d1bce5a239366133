"""The thread list as an anonymous reader sees it, rendered once per state of the discussion.

Every anonymous reader of a discussion sees the same threads, so the rendered list (and
the figures around it: counts, the page) is kept in Django's cache, under a key made of
everything that HTML depends on:

- the discussion (content type and pk) and its last live event. Every change a reader
  can see writes one, in the change's transaction: a post, a held one published, an edit,
  a withdrawal, a moderator's removal or hiding, a response, reactions (also those an
  author's account deletion takes back), an author anonymised, an import, a closing
  (:mod:`discussions.events`, :func:`discussions.live.record_event`). A held post writes
  none, and an anonymous reader sees nothing of it;
- what changes without an event: whether the discussion is closed now (a window closes
  by the clock) and the host's section headings (a page's new revision), by digest;
- the reader's language; the ordering and filters, normalised (a made-up ``?orden=``
  shares the default's entry); the page number the paginator gave: a request for a page
  out of range is answered but not stored under its own number.

The key's event id is read before the contributions: what is stored under it is never
older than it. Only anonymous readers use the cache, and the list is rendered with no
user and no request: it cannot hold a CSRF token, a reader's controls or their held
contributions. Who may see the host is decided before (the page's own check), and the
entry is that of the discussion, whichever page shows it. Entries expire after
``DISCUSSIONS_THREADS_CACHE_SECONDS``: what changes with neither an event nor a key part
(a territory renamed in the admin) shows after that.
"""

import hashlib
import json
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .models import discussion_key
from .selectors import Discussion, Viewer, discussion_for, normalised_filters

#: Bumped when the template or the summary changes shape: old entries are then ignored.
KEY_VERSION = 1
THREADS_TEMPLATE = "discussions/includes/threads.html"


def _page_number(value) -> int:
    """The page asked for, as the paginator reads it: anything but a number is page 1."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


def _headings_digest(host) -> str:
    sections = json.dumps(host.discussion_sections, sort_keys=True, default=str)
    return hashlib.blake2b(sections.encode(), digest_size=8).hexdigest()


def cache_key(host, *, last_event: int, closed: bool, ordering: str, response_filter: str, section: str, page: int):
    content_type, object_pk = discussion_key(host)
    parts = (
        content_type.pk,
        object_pk,
        last_event,
        get_language(),
        ordering,
        response_filter,
        section,
        page,
        int(closed),
        _headings_digest(host),
    )
    return f"discussions:threads:v{KEY_VERSION}:" + ":".join(str(part) for part in parts)


def render_threads(host, discussion: Discussion, *, viewer: Viewer, closed: bool, **context) -> SafeString:
    """The ``<ol>`` of the page's threads (empty when there are none)."""
    if not discussion.threads:
        return mark_safe("")
    section_titles = {section["anchor"]: section["heading"] for section in host.discussion_sections}
    context = {
        "discussion": discussion,
        "viewer": viewer,
        "section_titles": section_titles,
        "closed": closed,
        **context,
    }
    return mark_safe(render_to_string(THREADS_TEMPLATE, context))  # noqa: S308 — a rendered template


def public_discussion(
    host, *, user, last_event: int, ordering: str = "", page_number=1, response_filter: str = "", section: str = ""
) -> tuple[Discussion, SafeString]:
    """The discussion and its rendered threads for an anonymous ``user``, from the cache
    when this state of the discussion was rendered before."""
    if user.is_authenticated:
        raise ValueError("The public thread list is for anonymous readers only.")
    closed = host.discussion_refusal(user) is not None
    filters = normalised_filters(host, ordering=ordering, response_filter=response_filter, section=section)
    key = partial(cache_key, host, last_event=last_event, closed=closed, **filters)
    cached = cache.get(key(page=_page_number(page_number)))
    if cached is not None:
        return Discussion.from_summary(cached["summary"]), mark_safe(cached["html"])  # noqa: S308 — stored below
    discussion = discussion_for(host, user=user, page_number=page_number, **filters)
    html = render_threads(host, discussion, viewer=Viewer.public(), closed=closed)
    cache.set(
        key(page=discussion.page.number),
        {"summary": discussion.summary(), "html": str(html)},
        settings.DISCUSSIONS_THREADS_CACHE_SECONDS,
    )
    return discussion, html
