"""The record of a change to a contribution, made in the service's transaction.

Services call :func:`contribution_changed` inside their transaction: it writes the live
event (see :mod:`discussions.live`; broadcast after the commit) and sends
:data:`discussions.signals.contribution_changed`, whose receivers (each app's
``signal_handlers.py``) queue indexing and mail, after the commit, so nothing rolled
back is ever announced.
"""

from . import live, signals
from .models import Contribution

#: Service events that show up as an update of the contribution for live readers.
UPDATING_EVENTS = {"edited", "withdrawn", "hidden", "removed", "responded", "response_edited", "anonymised"}


def contribution_changed(contribution: Contribution, event: str, *, notify: bool = True) -> None:
    """``event``: "created", "edited", "withdrawn", "hidden", "removed", "responded",
    "response_edited", "anonymised", "reacted" or "flagged". ``notify=False`` (imports)
    mails nobody."""
    if event == "created":
        live.record(contribution, "contribution.created")
    elif event == "reacted":
        live.record(contribution, "reaction.changed")
    elif event in UPDATING_EVENTS:
        live.record(contribution, "contribution.updated")
    signals.contribution_changed.send(sender=Contribution, contribution=contribution, event=event, notify=notify)
