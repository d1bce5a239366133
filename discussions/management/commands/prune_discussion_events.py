from django.conf import settings
from django.core.management.base import BaseCommand

from discussions.live import prune_events


class Command(BaseCommand):
    help = (
        "Delete live events older than DISCUSSIONS_EVENTS_KEEP_DAYS (each discussion keeps its newest). "
        "A reader away longer is asked to reload the page. The task worker runs this daily too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.DISCUSSIONS_EVENTS_KEEP_DAYS)

    def handle(self, *args, days: int, **options):
        deleted = prune_events(keep_days=days)
        self.stdout.write(f"Deleted {deleted} live event(s) older than {days} days.")
