"""django-tasks' ``db_worker``, made to outlive the database going away.

The upstream worker stops with an error when it cannot read its queue, so a PostgreSQL
restart would leave the site without a task worker (no indexing, no notification mail)
until someone notices. This one waits and tries again, with a growing delay up to
``MAX_DELAY`` seconds, and logs each outage once. It also schedules the daily pruning of
old live events and the daily reminders of hearings' written answers.
"""

import logging
import time

from django.db import InterfaceError, OperationalError, close_old_connections
from django_tasks_db.management.commands import db_worker as upstream

from discussions.tasks import schedule_pruning
from hearings.tasks import schedule_reminders

logger = logging.getLogger(__name__)

MAX_DELAY = 30.0


class ResilientWorker(upstream.Worker):
    def run(self) -> None:
        delay = 1.0
        while self.running:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                logger.warning("Task worker: the database does not answer (%s); trying again in %.0f s", error, delay)
                close_old_connections()
                time.sleep(delay)
                delay = min(delay * 2, MAX_DELAY)
        return None


class Command(upstream.Command):
    help = upstream.Command.help + " Waits for the database when it does not answer."

    def handle(self, *args, **options):
        schedule_pruning()  # old live events go once a day, while a worker runs
        schedule_reminders()  # reminders of a hearing's written answers, every morning
        # Upstream's handle() makes its worker from the module's ``Worker``: this one, here.
        original = upstream.Worker
        upstream.Worker = ResilientWorker
        try:
            super().handle(*args, **options)
        finally:
            upstream.Worker = original
