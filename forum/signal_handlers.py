"""A reply to a topic is a contribution: keep the topic's count and activity in step.
A participant who deletes their account leaves their topics, anonymised."""

from accounts.signals import participant_deleting
from discussions.signals import contribution_changed

from . import services

#: Events that change which replies are public, or when the last one came.
COUNTED_EVENTS = {"created", "withdrawn", "hidden", "removed", "anonymised"}


def reply_changed(sender, contribution, event, **kwargs):
    if event in COUNTED_EVENTS:
        services.reply_changed(contribution)


def author_leaving(sender, user, former_name, **kwargs):
    services.topics_anonymise(user=user, former_name=former_name)


def register_signal_handlers() -> None:
    contribution_changed.connect(reply_changed, dispatch_uid="forum-reply-changed")
    participant_deleting.connect(author_leaving, dispatch_uid="forum-author-leaving")
