"""Reads about one participant: everything stored about them, for them to download."""

from datetime import datetime

from . import personal_data
from .models import Organisation


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _absolute(site_url: str, url: str) -> str:
    return f"{site_url.rstrip('/')}{url}" if url.startswith("/") else url


def participant_data(*, user, site_url: str = "") -> dict:
    """Everything the site stores about ``user``, for them to download.

    Only their own records: what other apps keep (their contributions, reactions,
    reports, follows…) comes from the sections those apps register, which name other
    people's records by number and address only.
    """
    participant = getattr(user, "participant", None)
    data = {
        "account": {
            "email": user.email,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "profile": _profile(participant),
        "organisations_requested": list(
            Organisation.objects.filter(requested_by=user).order_by("name").values_list("name", flat=True)
        ),
    }
    for section in personal_data.sections():
        data[section.key] = section.data(user, lambda url: _absolute(site_url, url))
    return data


def _profile(participant) -> dict | None:
    if participant is None:
        return None
    return {
        "display_name": participant.display_name,
        "sector": participant.sector,
        "organisation": participant.organisation_name,
        "territory": participant.territory.name if participant.territory_id else None,
        "gender_consent": participant.gender_consent,
        "gender": participant.gender,
        "terms_accepted_at": _when(participant.terms_accepted_at),
        "email_confirmed_at": _when(participant.email_confirmed_at),
        "suspended_at": _when(participant.suspended_at),
        "suspension_reason": participant.suspension_reason,
        "created_at": _when(participant.created_at),
    }
