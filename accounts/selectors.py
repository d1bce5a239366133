"""Reads about one participant: their contributions, and everything stored about them."""

from dataclasses import dataclass
from datetime import datetime

from discussions.models import Contribution, Flag, Follow, Reaction

from .models import Organisation


@dataclass(frozen=True)
class OwnContribution:
    contribution: Contribution
    url: str  # empty when the discussion it belongs to no longer exists
    title: str


def contributions_by(user) -> list[OwnContribution]:
    """``user``'s contributions, newest first, with where each one is read."""
    contributions = (
        Contribution.objects.filter(user=user).prefetch_related("content_object", "revisions").order_by("-submit_date")
    )
    own = []
    for contribution in contributions:
        target = contribution.content_object
        own.append(
            OwnContribution(
                contribution=contribution,
                url=contribution.get_absolute_url() if target is not None else "",
                title=str(getattr(target, "title", target or "")),
            )
        )
    return own


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _absolute(site_url: str, url: str) -> str:
    return f"{site_url.rstrip('/')}{url}" if url.startswith("/") else url


def participant_data(*, user, site_url: str = "") -> dict:
    """Everything the site stores about ``user``, for them to download.

    Only their own records: the contributions they reacted to, reported or follow
    appear by number and address, never with another person's text or name.
    """
    participant = getattr(user, "participant", None)
    contributions = contributions_by(user)
    urls = {own.contribution.pk: own.url for own in contributions}

    def contribution_link(contribution: Contribution) -> dict:
        target = contribution.content_object
        url = urls.get(contribution.pk) or (contribution.get_absolute_url() if target is not None else "")
        return {"id": contribution.pk, "url": _absolute(site_url, url)}

    return {
        "account": {
            "email": user.email,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "profile": _profile(participant),
        "organisations_requested": list(
            Organisation.objects.filter(requested_by=user).order_by("name").values_list("name", flat=True)
        ),
        "contributions": [
            {
                "id": own.contribution.pk,
                "url": _absolute(site_url, own.url),
                "discussion": own.title,
                "section": own.contribution.section_anchor,
                "text": own.contribution.comment,
                "submit_date": _when(own.contribution.submit_date),
                "edited_at": _when(own.contribution.edited_at),
                "withdrawn_at": _when(own.contribution.withdrawn_at),
                "status": own.contribution.status,
                "earlier_versions": [
                    {"text": revision.comment, "until": _when(revision.created_at)}
                    for revision in own.contribution.revisions.all()
                ],
                "response": {
                    "status": own.contribution.response_status,
                    "text": own.contribution.response_text,
                    "responded_at": _when(own.contribution.responded_at),
                }
                if own.contribution.response_status
                else None,
            }
            for own in contributions
        ],
        "reactions": [
            {
                "contribution": contribution_link(reaction.contribution),
                "kind": reaction.kind,
                "created_at": _when(reaction.created_at),
            }
            for reaction in Reaction.objects.filter(user=user).select_related("contribution").order_by("created_at")
        ],
        "flags": [
            {
                "contribution": contribution_link(flag.contribution),
                "reason": flag.reason,
                "created_at": _when(flag.created_at),
            }
            for flag in Flag.objects.filter(user=user).select_related("contribution").order_by("created_at")
        ],
        "follows": [_follow(follow, site_url) for follow in Follow.objects.filter(user=user).order_by("created_at")],
    }


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


def _follow(follow: Follow, site_url: str) -> dict:
    model = follow.content_type.model_class()
    target = model._default_manager.filter(pk=follow.object_pk).first() if model is not None else None
    url = target.get_url() if target is not None and hasattr(target, "get_url") else ""
    return {
        "discussion": str(getattr(target, "title", "")),
        "url": _absolute(site_url, url or ""),
        "thread": follow.thread_id,
        "created_at": _when(follow.created_at),
    }
