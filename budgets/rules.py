"""Who may do what in a participatory budget: one rule for each question, asked by every
page, form, admin screen, service and mail.

The phase decides what anyone can do (see ``BudgetProcessPage.phase_at``); the roles'
permissions (``core.roles``) decide what staff can do; who may take part at all is
``discussions.rules.participant_refusal`` (a confirmed, unsuspended participant).
"""

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.pages import page_visible_to
from core.roles import ANNUL_BALLOTS, ENTER_PAPER_BALLOTS, EVALUATE_PROPOSALS, MANAGE_BUDGETS, UPDATE_PROJECTS
from discussions.errors import NotAllowed, NotFound, Refused
from discussions.rules import participant_refusal

from .models import BudgetProcessPage, Phase, Proposal


def _has(user, permission: str) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.has_perm(permission))


def can_evaluate(user) -> bool:
    return _has(user, EVALUATE_PROPOSALS)


def can_manage(user) -> bool:
    return _has(user, MANAGE_BUDGETS)


def can_enter_paper_ballots(user) -> bool:
    return _has(user, ENTER_PAPER_BALLOTS)


def can_annul_ballots(user) -> bool:
    return _has(user, ANNUL_BALLOTS)


def can_update_projects(user) -> bool:
    return _has(user, UPDATE_PROJECTS)


def when(moment: datetime) -> str:
    """A moment as people read it: in Lima time, which is the site's time zone."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def not_found() -> NotFound:
    return NotFound(_("This page does not exist."))


def may_see(process: BudgetProcessPage, user, session=None) -> bool:
    return page_visible_to(process, user, session)


def may_see_proposal(proposal: Proposal, user, session=None) -> bool:
    return proposal.is_visible_to(user, session)


def proposal_refusal(process: BudgetProcessPage, user, moment: datetime | None = None, session=None) -> Refused | None:
    """Why ``user`` may not propose a project in ``process`` now, or None."""
    if not may_see(process, user, session):
        return not_found()
    phase = process.phase_at(moment)
    if phase == Phase.UPCOMING:
        return NotAllowed(_("Proposals open on %(date)s.") % {"date": when(process.proposals_open_at)})
    if phase != Phase.PROPOSALS:
        return NotAllowed(_("Proposals closed on %(date)s.") % {"date": when(process.evaluation_starts_at)})
    return participant_refusal(user)


def support_refusal(proposal: Proposal, user, moment: datetime | None = None, session=None) -> Refused | None:
    """Why ``user`` may not support (or stop supporting) ``proposal`` now, or None."""
    if not may_see_proposal(proposal, user, session):
        return not_found()
    process = proposal.process
    if process.phase_at(moment) != Phase.PROPOSALS:
        return NotAllowed(
            _("Proposals can be supported from %(start)s to %(end)s.")
            % {"start": when(process.proposals_open_at), "end": when(process.evaluation_starts_at)}
        )
    if proposal.is_merged:
        return NotAllowed(_("This proposal was merged into another one: support that one."))
    refusal = participant_refusal(user)
    if refusal is not None:
        return refusal
    if proposal.author_id is not None and proposal.author_id == user.pk:
        return NotAllowed(_("You cannot support your own proposal."))
    return None


def voting_refusal(process: BudgetProcessPage, user, moment: datetime | None = None, session=None) -> Refused | None:
    """Why ``user`` may not vote on the web in ``process`` now, or None."""
    if not may_see(process, user, session):
        return not_found()
    refusal = voting_phase_refusal(process, moment)
    if refusal is not None:
        return refusal
    refusal = participant_refusal(user)
    if refusal is not None:
        return refusal
    territory = user.participant.territory
    if not process.voter_envelopes(territory):
        if territory is None:
            return NotAllowed(_("Choose your province in your profile to vote for its projects."))
        return NotAllowed(_("This edition has no envelope for %(province)s.") % {"province": territory.name})
    return None


def voting_phase_refusal(process: BudgetProcessPage, moment: datetime | None = None) -> Refused | None:
    """Ballots, web and paper alike, are taken only while voting is open."""
    phase = process.phase_at(moment)
    if phase in (Phase.UPCOMING, Phase.PROPOSALS, Phase.EVALUATION):
        return NotAllowed(_("Voting opens on %(date)s.") % {"date": when(process.voting_opens_at)})
    if phase != Phase.VOTING:
        return NotAllowed(_("Voting closed on %(date)s.") % {"date": when(process.voting_closes_at)})
    return None


def counts_visible(process: BudgetProcessPage, moment: datetime | None = None) -> bool:
    """Vote counts are public once voting has closed, or during it if editors chose so."""
    phase = process.phase_at(moment)
    if phase in (Phase.RESULTS, Phase.FOLLOW_UP):
        return True
    return phase == Phase.VOTING and process.counts_visible_while_voting
