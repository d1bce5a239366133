"""Signed, expiring links that confirm a participant's e-mail address.

The token carries the user's id and the address it was sent to, signed with the
project's secret and timestamped, so a link is worthless once it expires
(``ACCOUNTS_CONFIRMATION_DAYS``), once it is altered, or for another address.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing

SALT = "cocrea.accounts.email-confirmation"


class InvalidConfirmation(Exception):
    """The link was altered, truncated or made for another site."""


class ExpiredConfirmation(InvalidConfirmation):
    """The link is genuine but older than ``ACCOUNTS_CONFIRMATION_DAYS``."""


def confirmation_max_age() -> timedelta:
    return timedelta(days=settings.ACCOUNTS_CONFIRMATION_DAYS)


def confirmation_token(*, user_id: int, email: str) -> str:
    return signing.dumps({"user": user_id, "email": email.lower()}, salt=SALT, compress=True)


def confirmation_read(token: str) -> tuple[int, str]:
    """The ``(user id, e-mail)`` a token was made for, if it is genuine and recent."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=confirmation_max_age())
    except signing.SignatureExpired as error:
        raise ExpiredConfirmation from error
    except signing.BadSignature as error:
        raise InvalidConfirmation from error
    try:
        return int(payload["user"]), str(payload["email"])
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidConfirmation from error
