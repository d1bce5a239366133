"""Compare what search holds with what the database says is public, and repair drift.

Three layers are checked, in order: the backlog of changes waiting for the engine (tried
again now), the database documents against the models, and the engine's index against
the database documents.
"""

from django.core.management.base import BaseCommand, CommandError

from search import indexing
from search.engines import EngineUnavailable, database_engine, get_engine
from search.models import IndexingBacklog


def _compare(expected: dict[str, str], stored: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    missing = sorted(doc_id for doc_id in expected if doc_id not in stored)
    changed = sorted(doc_id for doc_id in expected if doc_id in stored and stored[doc_id] != expected[doc_id])
    orphaned = sorted(doc_id for doc_id in stored if doc_id not in expected)
    return missing, changed, orphaned


class Command(BaseCommand):
    help = "Find and repair differences between the database and the search index."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report the differences; repair nothing.")

    def _report(self, layer: str, missing, changed, orphaned) -> None:
        if not (missing or changed or orphaned):
            self.stdout.write(f"{layer}: in step.")
            return
        self.stdout.write(
            self.style.WARNING(
                f"{layer}: {len(missing)} missing, {len(changed)} out of date, "
                f"{len(orphaned)} that should not be there."
            )
        )
        for label, ids in (("missing", missing), ("out of date", changed), ("should not be there", orphaned)):
            if ids:
                shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
                self.stdout.write(f"  {label}: {shown}")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        waiting = IndexingBacklog.objects.count()
        if waiting:
            first = IndexingBacklog.objects.order_by("queued_at").first()
            reason = first.last_error or "not tried yet"
            self.stdout.write(f"Backlog: {waiting} changes waiting since {first.queued_at:%Y-%m-%d %H:%M} ({reason}).")
            if not dry_run:
                outcome = indexing.process_backlog(everything=True)
                left = IndexingBacklog.objects.count()
                self.stdout.write(
                    f"Backlog: {outcome.written} written, {outcome.removed} removed, {left} still waiting."
                )
        else:
            self.stdout.write("Backlog: empty.")

        database = database_engine()
        expected = {}
        for source_key, document in indexing.all_documents():
            expected[document.id] = (source_key, document)
        missing, changed, orphaned = _compare(
            {doc_id: pair[1].fingerprint() for doc_id, pair in expected.items()}, database.fingerprints()
        )
        self._report("Database documents", missing, changed, orphaned)
        if not dry_run and (missing or changed or orphaned):
            database.write([expected[doc_id] for doc_id in missing + changed], orphaned)
            self.stdout.write("Database documents: repaired.")

        engine = get_engine()
        if engine.name == database.name:
            return
        try:
            stored = database.fingerprints()
            missing, changed, orphaned = _compare(stored, engine.fingerprints())
            self._report(f"Index ({engine.name})", missing, changed, orphaned)
            if not dry_run and (missing or changed or orphaned):
                engine.write(database.stored(missing + changed), orphaned)
                engine.refresh()
                self.stdout.write(f"Index ({engine.name}): repaired.")
        except EngineUnavailable as error:
            raise CommandError(f"{engine.name} is unavailable; the index was not checked: {error}") from error
