"""What happens after a change to a contribution is committed.

Services call :func:`contribution_changed` inside their transaction; the work is
scheduled with ``transaction.on_commit`` so nothing is announced that was rolled back.
"""

from django.db import transaction

from .models import Contribution

#: Events that may concern people who follow the discussion or the thread.
NOTIFYING_EVENTS = {"created", "responded"}


def contribution_changed(contribution: Contribution, event: str, *, notify: bool = True) -> None:
    pk = contribution.pk
    if notify and event in NOTIFYING_EVENTS and contribution.is_visible:
        transaction.on_commit(lambda: _enqueue_notification(pk, event))
    if event == "removed" and contribution.user_id:
        transaction.on_commit(lambda: _enqueue_removal_notice(pk))


def _enqueue_notification(pk: int, event: str) -> None:
    from .tasks import notify_followers

    notify_followers.enqueue(contribution_id=pk, event=event)


def _enqueue_removal_notice(pk: int) -> None:
    from .tasks import notify_removal

    notify_removal.enqueue(contribution_id=pk)
