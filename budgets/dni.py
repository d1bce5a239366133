"""The DNI (Peru's national identity number) as the site keeps it: never.

What is stored is ``HMAC-SHA256(BUDGETS_DNI_KEY, "<edition>:<DNI>")``: the same person
gives the same value on every channel of one edition, so a second ballot is refused, but
the value cannot be turned back into the DNI without the key (which lives only in the
server's environment), and it differs between editions, so editions cannot be linked.
A plain hash would not do: there are only 10⁸ DNIs, and anyone could hash them all.
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from discussions.errors import Refused

DNI_PATTERN = re.compile(r"^[0-9]{8}$")


def clean_dni(value: str) -> str:
    """The DNI's 8 digits (spaces, dots and dashes people type are dropped), or Refused."""
    digits = re.sub(r"[\s.\-]", "", value or "")
    if not DNI_PATTERN.match(digits):
        raise Refused(_("A DNI has exactly 8 digits, for example 45678912."))
    return digits


def dni_hash(process_id: int, dni: str) -> str:
    key = settings.BUDGETS_DNI_KEY
    if not key:
        raise ImproperlyConfigured("BUDGETS_DNI_KEY is not set.")
    message = f"{process_id}:{clean_dni(dni)}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
