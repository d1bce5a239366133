"""What follows a change in the forum: indexing, mail, a topic's counters.

A reply to a topic is a contribution: its topic's count and activity follow it. A
participant who deletes their account leaves their topics, anonymised.
"""

from django.db import transaction

from accounts.signals import participant_deleting
from discussions.signals import contribution_changed, contributions_imported
from search import indexing

from . import services, signals, tasks
from .models import Topic

#: Events that change which replies are public, or when the last one came.
COUNTED_EVENTS = {"created", "withdrawn", "hidden", "removed", "anonymised"}


def reply_changed(sender, contribution, event, **kwargs):
    if event in COUNTED_EVENTS:
        services.reply_changed(contribution)


def replies_imported(sender, host, contributions, **kwargs):
    if contributions:
        services.reply_changed(contributions[-1])


def author_leaving(sender, user, former_name, **kwargs):
    services.topics_anonymise(user=user, former_name=former_name)


def topic_changed(sender, topic, action, **kwargs):
    indexing.queue_changed(topic)
    if action == "created":
        pk = topic.pk
        transaction.on_commit(lambda: tasks.notify_category_followers.enqueue(topic_id=pk))


def register_signal_handlers() -> None:
    contribution_changed.connect(reply_changed, dispatch_uid="forum-reply-changed")
    contributions_imported.connect(replies_imported, dispatch_uid="forum-replies-imported")
    participant_deleting.connect(author_leaving, dispatch_uid="forum-author-leaving")
    signals.topic_changed.connect(topic_changed, sender=Topic, dispatch_uid="forum-topic-changed")
