"""What the participatory budget keeps about a participant, for "download my data".

Their proposals and supports; that they voted, not what: a ballot's choices are not
given even to its voter, or anyone could be made to prove how they voted.
"""

from accounts.personal_data import Section
from accounts.personal_data import register as register_section

from .models import Ballot, Proposal, Support


def _data(user, absolute) -> dict:
    proposals = Proposal.objects.filter(author=user).select_related("process").order_by("created_at")
    supports = Support.objects.filter(user=user).select_related("proposal").order_by("created_at")
    ballots = Ballot.objects.valid().filter(user=user).select_related("process").order_by("created_at")
    return {
        "proposals": [
            {
                "title": proposal.title,
                "url": absolute(proposal.url),
                "created_at": proposal.created_at.isoformat(),
                "viability": proposal.viability,
            }
            for proposal in proposals
        ],
        "supports": [
            {"proposal": support.proposal.title, "url": absolute(support.proposal.url)} for support in supports
        ],
        "ballots": [
            {
                "edition": ballot.process.title,
                "cast_at": ballot.created_at.isoformat(),
                "last_changed": ballot.updated_at.isoformat(),
                "choices": "not given: ballots are secret",
            }
            for ballot in ballots
        ],
    }


def register() -> None:
    register_section(Section(key="participatory_budget", data=_data))
