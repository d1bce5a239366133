"""Signals other apps listen to (search indexes contributions through this one)."""

from django.dispatch import Signal

#: Sent inside the transaction of every change made through ``discussions.services``,
#: with ``contribution`` and ``event`` ("created", "edited", "withdrawn", "hidden",
#: "removed", "responded", "response_edited", "anonymised", "reacted", "flagged").
contribution_changed = Signal()
