"""Who may run a hearing, enter its questions, answer them and manage its registrations:
the roles' permissions (``core.roles``), asked by every view, service, socket and screen.

Who may *ask* and *support* is the discussions' rule (``discussions.rules``): a
confirmed, unsuspended participant, while the hearing's question window is open.
"""

from core.roles import (
    ANSWER_HEARING_QUESTIONS,
    ENTER_HEARING_QUESTIONS,
    MANAGE_HEARING_REGISTRATIONS,
    MODERATE_HEARINGS,
)


def _has(user, permission: str) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_perm(permission))


def can_moderate(user) -> bool:
    """Change the live state: on air, answered in the room, back to the queue; close the hearing."""
    return _has(user, MODERATE_HEARINGS)


def can_enter_questions(user) -> bool:
    return _has(user, ENTER_HEARING_QUESTIONS)


def can_answer(user) -> bool:
    return _has(user, ANSWER_HEARING_QUESTIONS)


def can_manage_registrations(user) -> bool:
    return _has(user, MANAGE_HEARING_REGISTRATIONS)
