"""How often a visitor may make the site send mail: password resets, confirmation links,
"you already have an account" notices.

Counted with django-ratelimit on the cache, per address written in the form and per
client address. Past the address's limit the answer stays the same (nobody learns who
is registered) but no mail leaves; past the client's limit the visitor is told to wait
(429).
"""

from django.conf import settings
from django_ratelimit.core import is_ratelimited

from .services import normalise_email


def client_over_limit(request, group: str) -> bool:
    return is_ratelimited(
        request, group=f"{group}:client", key="ip", rate=settings.ACCOUNTS_MAIL_PER_CLIENT, increment=True
    )


def address_over_limit(request, group: str, email: str) -> bool:
    email = normalise_email(email)
    return is_ratelimited(
        request,
        group=f"{group}:address",
        key=lambda group, request: email,
        rate=settings.ACCOUNTS_MAIL_PER_ADDRESS,
        increment=True,
    )
