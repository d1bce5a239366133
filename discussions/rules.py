"""Who may do what in a discussion: one rule for each question, asked by every view,
service, socket, export and mail.

- :func:`is_author`: false for anonymous readers and for contributions without an
  account (imported, or whose author deleted the account) — ``None`` is nobody's.
- :func:`may_see`: the host is visible to the user (see ``DiscussionHost.is_visible_to``).
- :func:`participant_refusal`: why an account may not write (not signed in, not
  confirmed, suspended).
- :func:`can_moderate`, :func:`can_respond`, :func:`can_reply_officially`,
  :func:`can_suspend`: the roles' permissions (``core.roles``).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import MODERATE_CONTRIBUTIONS, REPLY_OFFICIALLY, RESPOND_TO_CONTRIBUTIONS, SUSPEND_PARTICIPANTS

from .errors import NotAllowed, NotFound, Refused


def is_author(user, contribution) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and contribution.user_id is not None
        and contribution.user_id == user.pk
    )


def may_see(user, host, session=None) -> bool:
    return host is not None and host.is_visible_to(user, session)


def not_found() -> NotFound:
    """The refusal for a discussion the user may not see: it names nothing."""
    return NotFound(_("This discussion does not exist."))


def participant_refusal(user) -> Refused | None:
    """Why ``user`` may not write in discussions, or None if they may."""
    if user is None or not user.is_authenticated:
        return NotAllowed(_("Log in or register to take part."))
    participant = getattr(user, "participant", None)
    if participant is None:
        return NotAllowed(_("Complete your participant profile to take part."))
    if not participant.is_confirmed:
        return NotAllowed(_("Confirm your e-mail address to take part: we sent you a link."))
    if participant.is_suspended:
        return NotAllowed(_("Your participation is suspended: %(reason)s") % {"reason": participant.suspension_reason})
    return None


def write_refusal(user, host, session=None) -> Refused | None:
    """Why ``user`` may not write in ``host``'s discussion now, or None."""
    if not may_see(user, host, session):
        return not_found()
    return host.discussion_refusal(user) or participant_refusal(user)


def _has(user, permission: str) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_perm(permission))


def can_moderate(user) -> bool:
    return _has(user, MODERATE_CONTRIBUTIONS)


def can_respond(user) -> bool:
    return _has(user, RESPOND_TO_CONTRIBUTIONS)


def can_reply_officially(user) -> bool:
    return _has(user, REPLY_OFFICIALLY)


def can_suspend(user) -> bool:
    return _has(user, SUSPEND_PARTICIPANTS)


def edit_deadline(contribution) -> datetime:
    return contribution.submit_date + timedelta(minutes=settings.DISCUSSIONS_EDIT_MINUTES)


def can_edit(contribution, user, moment: datetime | None = None) -> bool:
    """The author, still allowed to write, within the edit window of a visible contribution."""
    return (
        is_author(user, contribution)
        and participant_refusal(user) is None
        and contribution.is_visible
        and (moment or timezone.now()) < edit_deadline(contribution)
    )
