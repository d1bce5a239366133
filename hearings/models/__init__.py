"""Public hearings: the pages, their questions and the registrations."""

from .pages import HearingIndexPage, HearingPage, HearingStatus
from .parts import (
    CommitmentStatus,
    HearingAgendaItem,
    HearingCommitment,
    HearingDocument,
    HearingRadioStation,
    HearingTopic,
)
from .questions import SETTLED_STATES, AnswerReminder, HearingClosure, HearingQuestion, QuestionState
from .registrations import Registration, RegistrationKind, SpeakerStatus

__all__ = [
    "SETTLED_STATES",
    "AnswerReminder",
    "CommitmentStatus",
    "HearingAgendaItem",
    "HearingClosure",
    "HearingCommitment",
    "HearingDocument",
    "HearingIndexPage",
    "HearingPage",
    "HearingQuestion",
    "HearingRadioStation",
    "HearingStatus",
    "HearingTopic",
    "QuestionState",
    "Registration",
    "RegistrationKind",
    "SpeakerStatus",
]
