"""Signals other apps listen to."""

from django.dispatch import Signal

#: Sent inside the transaction of every change made through ``discussions.services``,
#: with ``contribution``, ``event`` ("created", "edited", "withdrawn", "hidden",
#: "removed", "responded", "response_edited", "anonymised", "reacted", "flagged") and
#: ``notify`` (False for imports: nobody is mailed).
contribution_changed = Signal()

#: Sent inside the transaction of a bulk import (``discussions.bulk``), with ``host`` and
#: ``contributions`` (all new, published, mailing nobody).
contributions_imported = Signal()
