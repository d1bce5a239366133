"""What follows a change to a contribution, in the caller's transaction and after it.

Services call :func:`contribution_changed` inside their transaction. The live-update
event is recorded there (see :mod:`discussions.live`); mail is queued with
``transaction.on_commit`` so nothing is announced that was rolled back.
"""

from django.db import transaction

from . import live, signals
from .models import Contribution

#: Events that may concern people who follow the discussion or the thread.
NOTIFYING_EVENTS = {"created", "responded"}
#: Service events that show up as an update of the contribution for live readers.
UPDATING_EVENTS = {"edited", "withdrawn", "hidden", "removed", "responded", "response_edited", "anonymised"}


def contribution_changed(contribution: Contribution, event: str, *, notify: bool = True) -> None:
    pk = contribution.pk
    if event == "created" and not contribution.is_public:
        live.notify_moderators(contribution, "held")
    elif event == "created":
        live.record(contribution, "contribution.created")
    elif event == "flagged":
        live.notify_moderators(contribution, "flagged")
    elif event == "reacted":
        live.record(contribution, "reaction.changed")
    elif event in UPDATING_EVENTS:
        live.record(contribution, "contribution.updated")
    if event == "hidden":
        live.notify_moderators(contribution, "hidden")
    if notify and event in NOTIFYING_EVENTS and contribution.is_visible:
        transaction.on_commit(lambda: _enqueue_notification(pk, event))
    if event == "removed" and contribution.user_id:
        transaction.on_commit(lambda: _enqueue_removal_notice(pk))
    signals.contribution_changed.send(sender=Contribution, contribution=contribution, event=event)


def _enqueue_notification(pk: int, event: str) -> None:
    from .tasks import notify_followers

    notify_followers.enqueue(contribution_id=pk, event=event)


def _enqueue_removal_notice(pk: int) -> None:
    from .tasks import notify_removal

    notify_removal.enqueue(contribution_id=pk)
