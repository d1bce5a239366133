"""Public hearings: the pages, their questions and the registrations."""

from .pages import (
    CommitmentStatus,
    HearingAgendaItem,
    HearingCommitment,
    HearingDocument,
    HearingIndexPage,
    HearingPage,
    HearingRadioStation,
    HearingStatus,
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
