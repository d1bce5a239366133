"""Signals of the participatory budget."""

from django.dispatch import Signal

#: Sent in the transaction of every change to a proposal made through
#: ``budgets.services``, with ``proposal`` and ``action`` ("created", "supported",
#: "evaluated", "merged", "hidden", "shown", "anonymised").
proposal_changed = Signal()

#: Sent in the transaction of a change to a tracked project, with ``project`` and
#: ``action`` ("created", "updated").
project_changed = Signal()

#: Sent in the transaction that requests a count, with ``run`` (a ``ResultRun``): the
#: count starts in the background after the commit.
count_requested = Signal()
