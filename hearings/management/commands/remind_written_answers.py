from django.core.management.base import BaseCommand

from hearings.tasks import send_reminders


class Command(BaseCommand):
    help = (
        "Mail the staff who owe written answers to a hearing's questions (once a day per person; "
        "run daily from cron when no task worker runs)."
    )

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"{sent} reminder(s) sent.")
