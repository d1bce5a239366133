"""The participatory budget's models, by part: the edition, proposals, ballots, results
and follow-up."""

from .ballots import AgeBand, Ballot, BallotChoice, Channel
from .followup import ProjectStatus, ProjectUpdate, ProjectUpdatePhoto, TrackedProject
from .process import BallotKind, BudgetCategory, BudgetEnvelope, BudgetProcessPage, CountingRule, Phase, PhaseInfo
from .proposals import Proposal, ProposalDocument, ProposalImage, Support, Viability
from .results import EnvelopeResult, ProjectResult, ResultRun, RunStatus

__all__ = [
    "AgeBand",
    "Ballot",
    "BallotChoice",
    "BallotKind",
    "BudgetCategory",
    "BudgetEnvelope",
    "BudgetProcessPage",
    "Channel",
    "CountingRule",
    "EnvelopeResult",
    "Phase",
    "PhaseInfo",
    "ProjectResult",
    "ProjectStatus",
    "ProjectUpdate",
    "ProjectUpdatePhoto",
    "Proposal",
    "ProposalDocument",
    "ProposalImage",
    "ResultRun",
    "RunStatus",
    "Support",
    "TrackedProject",
    "Viability",
]
