"""Keeping the index true.

A change records the keys of the objects it touched in ``IndexingBacklog``, in the same
transaction, and after the commit a task processes the backlog: it re-reads the
objects' public documents, writes them to the database documents (the fallback engine)
and then to the engine. An entry is deleted only once the engine has the change, so an
engine that is down loses nothing: the entry waits, with a growing delay, and is tried
again by the next task, by the worker's retry, or by ``manage.py search_check``.
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from . import documents as registry
from .engines import EngineUnavailable, database_engine, get_engine
from .models import IndexingBacklog, SearchDocument

logger = logging.getLogger(__name__)

#: Entries handled by one pass (with everything that depends on them).
PASS_SIZE = 1000
MAX_RETRY_SECONDS = 3600
#: While set, the engine failed recently: indexing writes the database documents only.
ENGINE_DOWN_KEY = "search:engine-down"
#: Set while a retry of the backlog is scheduled.
RETRY_SCHEDULED_KEY = "search:retry-scheduled"


def queue(keys: Iterable[str]) -> None:
    """Record that these objects' documents must be rewritten, then process after commit."""
    keys = sorted(set(keys))
    if not keys:
        return
    now = timezone.now()
    IndexingBacklog.objects.bulk_create(
        [IndexingBacklog(key=value, queued_at=now, retry_after=now) for value in keys],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["queued_at", "retry_after"],
    )
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(callback is _enqueue for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue)


def queue_changed(*objects) -> None:
    """Record that these objects changed (each of a model a source reads); their
    documents are rewritten after the commit."""
    queue(registry.key_for(instance) for instance in objects)


def _enqueue() -> None:
    try:
        process_backlog_task.enqueue()
    except Exception:  # the change is saved and its backlog entry stays: it is only later
        logger.exception("Could not queue the indexing task; search_check will catch up")


@dataclass
class Outcome:
    written: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)
    error: str = ""


def _dependents(keys: set[str]) -> set[str]:
    found: set[str] = set()
    by_prefix: dict[str, list[str]] = {}
    for value in keys:
        prefix, pk = registry.split_key(value)
        by_prefix.setdefault(prefix, []).append(pk)
    sources = registry.sources()
    for prefix, pks in by_prefix.items():
        if prefix in sources:
            found.update(sources[prefix].dependents(pks))
    page_ids = [int(pk) for pk in by_prefix.get("page", []) if pk.isdigit()]
    if page_ids:
        hanging = SearchDocument.objects.filter(Q(plan__in=page_ids) | Q(consultation__in=page_ids))
        found.update(hanging.values_list("source_key", flat=True))
    return found


def _expand(keys: set[str]) -> set[str]:
    """The keys, what depends on them, what depends on that (a forum's topics, then
    their replies), and whatever the index says hung from them (so the contributions of
    a deleted consultation leave the index with it)."""
    expanded, new = set(keys), set(keys)
    while new:
        new = _dependents(new) - expanded
        expanded |= new
    return expanded


def _stale(engine, keys: set[str], current: set[str]) -> set[str]:
    return set(engine.ids_for(keys)) - current


def sync(keys: Iterable[str], *, engine=None) -> Outcome:
    """Rewrite the documents of these objects (and their dependents) in the database
    and in the engine. Raises :class:`EngineUnavailable` after the database part."""
    keys = _expand(set(keys))
    found = registry.documents_for(keys)
    pairs = [(value, document) for value, documents in found.items() for document in documents]
    current = {document.id for _, document in pairs}
    database = database_engine()
    stale = _stale(database, keys, current)
    database.write(pairs, stale)
    engine = engine or get_engine()
    if engine.name != database.name:
        # What the database had is exact; what the engine finds covers a retry after the
        # database part already succeeded (its search sees writes within a second).
        engine_stale = stale | _stale(engine, keys, current)
        engine.write(pairs, engine_stale)
        stale = engine_stale
    return Outcome(written=len(pairs), removed=len(stale))


def _retry_delay(attempts: int) -> timedelta:
    seconds = settings.SEARCH_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, MAX_RETRY_SECONDS))


def engine_recently_down() -> str:
    """The engine's last error, while it is recent enough to not try again yet."""
    return cache.get(ENGINE_DOWN_KEY) or ""


def process_backlog(*, everything: bool = False) -> Outcome:
    """Handle the entries that are due (all of them with ``everything``)."""
    total = Outcome()
    done: set[int] = set()
    while True:
        now = timezone.now()
        due = IndexingBacklog.objects.exclude(pk__in=done).order_by("queued_at")
        if not everything:
            due = due.filter(retry_after__lte=now)
        entries = list(due[:PASS_SIZE])
        if not entries:
            return total
        done |= {entry.pk for entry in entries}
        engine = get_engine()
        recent_error = engine_recently_down() if engine.name != "database" and not everything else ""
        if recent_error:
            # The database documents are written now; the engine's part waits for the retry.
            outcome = sync([entry.key for entry in entries], engine=database_engine())
            _postpone(entries, recent_error)
            _schedule_retry()
            total.written += outcome.written
            continue
        try:
            outcome = sync([entry.key for entry in entries], engine=engine)
        except EngineUnavailable as error:
            cache.set(ENGINE_DOWN_KEY, str(error) or type(error).__name__, settings.SEARCH_RETRY_SECONDS)
            _postpone(entries, str(error))
            total.failed += [entry.key for entry in entries]
            total.error = str(error)
            _schedule_retry()
            continue
        _forget(entries)
        total.written += outcome.written
        total.removed += outcome.removed
        if not everything and engine.name != "database":
            # The engine answers again: what waited for it is due now, not at its next try.
            IndexingBacklog.objects.filter(attempts__gt=0, retry_after__gt=now).update(retry_after=now)


def _postpone(entries: list[IndexingBacklog], error: str) -> None:
    now = timezone.now()
    for entry in entries:
        entry.attempts += 1
        entry.retry_after = now + _retry_delay(entry.attempts)
        entry.last_error = error[:2000]
    IndexingBacklog.objects.bulk_update(entries, ["attempts", "retry_after", "last_error"])


def _forget(entries: list[IndexingBacklog]) -> None:
    """Delete the handled entries, unless the object changed again meanwhile."""
    by_moment: dict = {}
    for entry in entries:
        by_moment.setdefault(entry.queued_at, []).append(entry.pk)
    for queued_at, pks in by_moment.items():
        IndexingBacklog.objects.filter(pk__in=pks, queued_at=queued_at).delete()


def _schedule_retry() -> None:
    """With a worker, try again when the first entry is due — once, however many changes
    were postponed meanwhile; without one (the immediate backend), the next change or
    ``search_check`` does."""
    retry_task = process_backlog_task
    if not retry_task.get_backend().supports_defer:
        return
    first = IndexingBacklog.objects.order_by("retry_after").values_list("retry_after", flat=True).first()
    if first is None:
        return
    # The mark outlives the retry's moment by a minute in case the worker is late; the
    # retry removes it when it starts.
    wait = max(1, int((first - timezone.now()).total_seconds())) + 60
    if cache.add(RETRY_SCHEDULED_KEY, first.isoformat(), wait):
        retry_task.using(run_after=first).enqueue(retry=True)


def retry_started() -> None:
    cache.delete(RETRY_SCHEDULED_KEY)


# --- rebuilding and checking ------------------------------------------------------------
def all_documents(chunk: int = 500) -> Iterator[tuple[str, registry.Document]]:
    """Every public document, read from the models, a chunk of objects at a time."""
    batch: list[str] = []
    for value in registry.all_keys():
        batch.append(value)
        if len(batch) == chunk:
            yield from _pairs(batch)
            batch = []
    if batch:
        yield from _pairs(batch)


def _pairs(keys: list[str]) -> Iterator[tuple[str, registry.Document]]:
    for value, documents in registry.documents_for(keys).items():
        for document in documents:
            yield value, document


# --- the background task ----------------------------------------------------------------
@task()
def process_backlog_task(retry: bool = False) -> dict:
    """Indexing in the background, after the change that caused it is committed."""
    if retry:  # the scheduled retry has come: a later failure may schedule the next one
        retry_started()
    outcome = process_backlog()
    return {"written": outcome.written, "removed": outcome.removed, "failed": len(outcome.failed)}
