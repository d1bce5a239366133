"""Rebuild everything search finds: the database documents, then a fresh engine index
that replaces the old one behind its alias in one step, so searches never see a
half-built index."""

import time

from django.core.management.base import BaseCommand, CommandError

from search import indexing
from search.engines import EngineUnavailable, database_engine, get_engine


class Command(BaseCommand):
    help = "Rebuild the search index from the database and switch to it without downtime."

    def handle(self, *args, **options):
        started = time.perf_counter()
        database = database_engine()
        count = database.rebuild(indexing.all_documents())
        self.stdout.write(f"Database documents: {count} written.")
        engine = get_engine()
        if engine.name != database.name:
            try:
                written = engine.rebuild(database.stored())
            except EngineUnavailable as error:
                raise CommandError(f"{engine.name} is unavailable, the old index is still in use: {error}") from error
            self.stdout.write(f"{engine.name}: {written} documents in a new index, now behind {engine.alias}.")
        outcome = indexing.process_backlog(everything=True)
        if outcome.written or outcome.removed:
            self.stdout.write(f"Changes made meanwhile: {outcome.written} written, {outcome.removed} removed.")
        self.stdout.write(self.style.SUCCESS(f"Reindexed in {time.perf_counter() - started:.1f} s."))
