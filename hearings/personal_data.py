"""A participant's hearing registrations: on "download my data" (registered with
:mod:`accounts.personal_data`). Their questions are contributions, listed by
``discussions``; registrations go with the account when it is deleted."""

from accounts.personal_data import Section
from accounts.personal_data import register as register_section

from .models import Registration


def _registrations(user, absolute) -> list[dict]:
    registrations = Registration.objects.filter(user=user).select_related("hearing", "territory").order_by("created_at")
    return [
        {
            "hearing": registration.hearing.title,
            "url": absolute(registration.hearing.url or ""),
            "kind": registration.kind,
            "name": registration.name,
            "organisation": registration.organisation,
            "province": registration.territory.name if registration.territory else None,
            "topic": registration.topic,
            "status": registration.status if registration.is_speaker else None,
            "registered_at": registration.created_at.isoformat(),
        }
        for registration in registrations
    ]


def register() -> None:
    register_section(Section("hearing_registrations", _registrations))
