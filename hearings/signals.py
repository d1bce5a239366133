"""Signals of the hearings app."""

from django.dispatch import Signal

#: Sent in the transaction of every change to a question made through
#: ``hearings.services``, with ``question`` and ``action`` ("entered", "on_air",
#: "back_to_queue", "answered_room", "answered_writing", "out_of_scope", "assigned").
question_changed = Signal()
