"""A participant's contributions, reactions, reports and follows: on their profile page
and in "download my data" (registered with :mod:`accounts.personal_data`)."""

from dataclasses import dataclass
from datetime import datetime

from accounts.personal_data import Section
from accounts.personal_data import register as register_section

from . import hosts
from .models import Contribution, Flag, Follow, Reaction


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
        host = contribution.content_object
        own.append(
            OwnContribution(
                contribution=contribution,
                url=host.contribution_url(contribution) if host is not None else "",
                title=str(getattr(host, "title", host or "")),
            )
        )
    return own


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _contributions(user, absolute) -> list[dict]:
    return [
        {
            "id": own.contribution.pk,
            "url": absolute(own.url),
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
        for own in contributions_by(user)
    ]


def _link(contribution: Contribution, absolute) -> dict:
    """Another person's contribution: by number and address only."""
    host = contribution.content_object
    return {"id": contribution.pk, "url": absolute(host.contribution_url(contribution)) if host is not None else ""}


def _reactions(user, absolute) -> list[dict]:
    reactions = Reaction.objects.filter(user=user).select_related("contribution").order_by("created_at")
    return [
        {
            "contribution": _link(reaction.contribution, absolute),
            "kind": reaction.kind,
            "created_at": _when(reaction.created_at),
        }
        for reaction in reactions
    ]


def _flags(user, absolute) -> list[dict]:
    flags = Flag.objects.filter(user=user).select_related("contribution").order_by("created_at")
    return [
        {
            "contribution": _link(flag.contribution, absolute),
            "reason": flag.reason,
            "created_at": _when(flag.created_at),
        }
        for flag in flags
    ]


def _follows(user, absolute) -> list[dict]:
    found = []
    for follow in Follow.objects.filter(user=user).select_related("content_type").order_by("created_at"):
        # A discussion, or what else an app lets people follow (a forum category).
        followed = hosts.host_of(
            follow.content_type_id, follow.object_pk
        ) or follow.content_type.get_object_for_this_type(pk=follow.object_pk)
        found.append(
            {
                "discussion": str(getattr(followed, "title", followed)),
                "url": absolute(followed.get_url() if isinstance(followed, hosts.DiscussionHost) else ""),
                "thread": follow.thread_id,
                "created_at": _when(follow.created_at),
            }
        )
    return found


def register() -> None:
    register_section(
        Section(
            "contributions",
            _contributions,
            profile_template="discussions/includes/own_contributions.html",
            profile_context=lambda user: {"contributions": contributions_by(user)},
        )
    )
    register_section(Section("reactions", _reactions))
    register_section(Section("flags", _flags))
    register_section(Section("follows", _follows))
