"""Indexing in the background, after the change that caused it is committed."""

from django_tasks import task

from . import indexing


@task()
def process_backlog(retry: bool = False) -> dict:
    if retry:  # the scheduled retry has come: a later failure may schedule the next one
        indexing.retry_started()
    outcome = indexing.process_backlog()
    return {"written": outcome.written, "removed": outcome.removed, "failed": len(outcome.failed)}
