"""Signals other apps listen to."""

from django.dispatch import Signal

#: Sent inside ``accounts.services.participant_delete``'s transaction, before the user
#: is deleted, with ``user`` and ``former_name`` (the name their writing now carries):
#: apps that keep something the participant wrote anonymise it here.
participant_deleting = Signal()
