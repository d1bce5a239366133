"""What follows a change to a contribution, and a participant leaving.

Each receiver runs in the service's transaction; what leaves the process (mail,
broadcasts, indexing) is queued for after the commit.
"""

from django.db import transaction

from accounts.signals import participant_deleting
from search import indexing

from . import live, services, signals, tasks
from .models import Contribution

#: Events that may concern people who follow the discussion or the thread.
NOTIFYING_EVENTS = {"created", "responded"}
#: Events that change nothing search stores.
UNINDEXED_EVENTS = {"reacted", "flagged"}


def queue_indexing(sender, contribution, event, **kwargs):
    if event not in UNINDEXED_EVENTS:
        indexing.queue_changed(contribution)


def tell_moderators(sender, contribution, event, **kwargs):
    if event == "created" and not contribution.is_public:
        live.notify_moderators(contribution, "held")
    elif event in ("flagged", "hidden"):
        live.notify_moderators(contribution, event)


def queue_mail(sender, contribution, event, notify=True, **kwargs):
    pk = contribution.pk
    if notify and event in NOTIFYING_EVENTS and contribution.is_visible:
        transaction.on_commit(lambda: tasks.notify_followers.enqueue(contribution_id=pk, event=event))
    if event == "removed" and contribution.user_id:
        transaction.on_commit(lambda: tasks.notify_removal.enqueue(contribution_id=pk))


def queue_imported_indexing(sender, host, contributions, **kwargs):
    indexing.queue_changed(*contributions)


def author_leaving(sender, user, former_name, **kwargs):
    services.author_anonymise(user=user, former_name=former_name)


def register_signal_handlers() -> None:
    for receiver in (queue_indexing, tell_moderators, queue_mail):
        signals.contribution_changed.connect(
            receiver, sender=Contribution, dispatch_uid=f"discussions-{receiver.__name__}"
        )
    signals.contributions_imported.connect(
        queue_imported_indexing, sender=Contribution, dispatch_uid="discussions-imported-indexing"
    )
    participant_deleting.connect(author_leaving, dispatch_uid="discussions-author-leaving")
