"""Signals of the forum."""

from django.dispatch import Signal

#: Sent in the transaction of every change to a topic made through ``forum.services``,
#: with ``topic`` and ``action`` ("created", "pin", "lock", "hide", "move", "replies",
#: "anonymised"…).
topic_changed = Signal()
