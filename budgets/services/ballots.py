"""Ballots: the web ballot (a draft, then cast, then changed until voting closes), paper
ballots staff enter, and annulling one.

One person, one ballot, across channels: a ballot carries the keyed hash of its voter's
DNI (:mod:`budgets.dni`), and the database refuses a second valid ballot with the same
hash, or from the same account, in an edition. Two copies of one submission sent at
once (a double tap on a slow connection) store one ballot: writes for one voter take
their turn (a PostgreSQL advisory lock), and the constraint catches anything else.
"""

import zlib
from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.log_actions import log

from core.models import Gender, Sector
from discussions.errors import NotAllowed, Refused, TooManyPosts

from .. import rules
from ..dni import dni_hash
from ..models import (
    AgeBand,
    Ballot,
    BallotChoice,
    BallotKind,
    BudgetEnvelope,
    BudgetProcessPage,
    Channel,
    Phase,
    Proposal,
    Viability,
)
from ..money import soles

DNI_ATTEMPTS_WINDOW = 3600


# --- what a ballot may hold ----------------------------------------------------------------
def _quoted(proposals: Iterable[Proposal]) -> str:
    return ", ".join(f"«{proposal.title}» ({soles(proposal.cost)})" for proposal in proposals)


def _not_on_ballot(proposal: Proposal, envelopes: list[BudgetEnvelope]) -> Refused | None:
    if proposal.hidden:  # named to nobody
        return Refused(_("This project is not on the ballot."))
    if proposal.merged_into_id is not None:
        return Refused(
            _("«%(title)s» was merged into «%(other)s»: choose that one.")
            % {"title": proposal.title, "other": proposal.merged_into.title}
        )
    if proposal.viability == Viability.NOT_VIABLE:
        return Refused(_("«%(title)s» was evaluated not viable: it is not on the ballot.") % {"title": proposal.title})
    if not proposal.is_candidate:
        return Refused(_("«%(title)s» has not been found viable: it is not on the ballot.") % {"title": proposal.title})
    if proposal.territory_id not in {envelope.territory_id for envelope in envelopes}:
        names = ", ".join(envelope.name for envelope in envelopes)
        return Refused(
            _("«%(title)s» is a project of %(place)s: you vote for the projects of %(yours)s.")
            % {"title": proposal.title, "place": proposal.place, "yours": names}
        )
    return None


def limit_refusal(process: BudgetProcessPage, envelope: BudgetEnvelope, chosen: list[Proposal]) -> Refused | None:
    """Why these choices do not fit in this envelope's ballot (and what to remove), or None."""
    if process.ballot_kind == BallotKind.APPROVAL:
        extra = len(chosen) - process.max_choices
        if extra > 0:
            return Refused(
                ngettext(
                    "In %(envelope)s you chose %(count)d projects; the limit is %(limit)d. Remove %(extra)d: "
                    "%(names)s.",
                    "In %(envelope)s you chose %(count)d projects; the limit is %(limit)d. Remove %(extra)d of them: "
                    "%(names)s.",
                    extra,
                )
                % {
                    "envelope": envelope.name,
                    "count": len(chosen),
                    "limit": process.max_choices,
                    "extra": extra,
                    "names": _quoted(chosen),
                }
            )
        return None
    total = sum(proposal.cost for proposal in chosen)
    over = total - envelope.amount
    if over <= 0:
        return None
    enough = sorted((proposal for proposal in chosen if proposal.cost >= over), key=lambda proposal: proposal.cost)
    if enough:
        remedy = _("Remove one that costs at least %(over)s: %(names)s.") % {
            "over": soles(over),
            "names": _quoted(enough),
        }
    else:
        remedy = _("Remove projects that add up to at least %(over)s.") % {"over": soles(over)}
    return Refused(
        _("In %(envelope)s your projects cost %(total)s, %(over)s more than the envelope of %(amount)s.")
        % {"envelope": envelope.name, "total": soles(total), "over": soles(over), "amount": soles(envelope.amount)}
        + " "
        + remedy
    )


def check_choices(process: BudgetProcessPage, territory, proposal_ids: Iterable[int]) -> list[Proposal]:
    """The proposals a voter of ``territory`` chose, if they make a valid ballot; Refused
    (saying what is wrong and what to remove) otherwise."""
    ids = list(dict.fromkeys(int(pk) for pk in proposal_ids))
    if not ids:
        raise Refused(_("Choose at least one project."))
    envelopes = process.voter_envelopes(territory)
    proposals = list(
        Proposal.objects.filter(process=process, pk__in=ids).select_related("territory", "merged_into", "process")
    )
    if len(proposals) != len(ids):
        raise Refused(_("One of the chosen projects is not in this edition."))
    for proposal in proposals:
        refusal = _not_on_ballot(proposal, envelopes)
        if refusal is not None:
            raise refusal
    for envelope in envelopes:
        chosen = [proposal for proposal in proposals if proposal.territory_id == envelope.territory_id]
        refusal = limit_refusal(process, envelope, chosen)
        if refusal is not None:
            raise refusal
    return proposals


# --- the web ballot's draft (kept in the session until it is cast) -------------------------
def draft_add(process: BudgetProcessPage, territory, draft: list[int], proposal: Proposal) -> list[int]:
    """``draft`` with ``proposal`` added, or Refused saying what to remove first."""
    envelopes = process.voter_envelopes(territory)
    refusal = _not_on_ballot(proposal, envelopes)
    if refusal is not None:
        raise refusal
    if proposal.pk in draft:
        return draft
    envelope = process.envelope_for(proposal.territory_id)
    chosen = [
        other
        for other in Proposal.objects.filter(process=process, pk__in=draft, territory_id=proposal.territory_id)
        if other.is_candidate
    ]
    if process.ballot_kind == BallotKind.APPROVAL and len(chosen) >= process.max_choices:
        raise Refused(
            _("You already chose %(limit)d projects in %(envelope)s, the limit: remove one to add «%(title)s».")
            % {"limit": process.max_choices, "envelope": envelope.name, "title": proposal.title}
        )
    if process.ballot_kind == BallotKind.KNAPSACK:
        left = envelope.amount - sum(other.cost for other in chosen)
        if proposal.cost > left:
            short = proposal.cost - left
            enough = sorted((other for other in chosen if other.cost >= short), key=lambda other: other.cost)
            message = _("«%(title)s» (%(cost)s) does not fit: %(left)s are left in %(envelope)s.") % {
                "title": proposal.title,
                "cost": soles(proposal.cost),
                "left": soles(left),
                "envelope": envelope.name,
            }
            if enough:
                message += " " + _("Remove first one that costs at least %(short)s: %(names)s.") % {
                    "short": soles(short),
                    "names": _quoted(enough),
                }
            else:
                message += " " + _("Remove first projects that add up to at least %(short)s.") % {"short": soles(short)}
            raise Refused(message)
    return [*draft, proposal.pk]


def draft_remove(draft: list[int], proposal_id: int) -> list[int]:
    return [pk for pk in draft if pk != proposal_id]


# --- who is voting ------------------------------------------------------------------------
def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _age_band(process: BudgetProcessPage, birth_date: date | None, moment: datetime) -> str:
    if birth_date is None:
        raise Refused(_("Give the date of birth: it shows the voter is old enough, and only the age band is kept."))
    age = age_on(birth_date, timezone.localdate(moment))
    if age < process.minimum_age:
        raise NotAllowed(
            _("You must be at least %(age)d years old to vote in this edition.") % {"age": process.minimum_age}
        )
    if age > 120:
        raise Refused(_("Check the date of birth."))
    return AgeBand.of(age)


def _take_turn(name: str) -> None:
    """One write at a time for this voter (PostgreSQL; SQLite serialises all writes)."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"budgets-ballot:{name}".encode()) - 2**31
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _already_voted() -> Refused:
    return Refused(
        _(
            "A ballot has already been cast with this DNI in this edition. Each person votes once, on the web or on "
            "paper."
        ),
        status=409,
    )


def _attempts_key(process: BudgetProcessPage, user) -> str:
    return f"budgets:dni-attempts:{process.pk}:{user.pk}"


def _check_attempts(process: BudgetProcessPage, user) -> None:
    if cache.get(_attempts_key(process, user), 0) >= settings.BUDGETS_DNI_ATTEMPTS_PER_HOUR:
        raise TooManyPosts(
            _("Too many attempts with a DNI that could not be used. Try again in an hour, or vote at a workshop.")
        )


def _count_attempt(process: BudgetProcessPage, user) -> None:
    key = _attempts_key(process, user)
    if not cache.add(key, 1, DNI_ATTEMPTS_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.add(key, 1, DNI_ATTEMPTS_WINDOW)


def _set_choices(ballot: Ballot, proposals: list[Proposal]) -> None:
    ballot.choices.all().delete()
    BallotChoice.objects.bulk_create([BallotChoice(ballot=ballot, proposal=proposal) for proposal in proposals])


def _create(ballot: Ballot, proposals: list[Proposal]) -> Ballot:
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError:
        raise _already_voted() from None
    _set_choices(ballot, proposals)
    return ballot


# --- casting ------------------------------------------------------------------------------
@transaction.atomic
def ballot_cast(
    *,
    process: BudgetProcessPage,
    user,
    proposal_ids: Iterable[int],
    dni: str = "",
    birth_date: date | None = None,
    district: str = "",
    moment: datetime | None = None,
    session=None,
) -> Ballot:
    """Cast a web ballot, or change it (until voting closes).

    The first ballot asks for the DNI (only its keyed hash is kept) and the date of
    birth (only the age band is kept). The returned ballot is marked ``changed`` when it
    replaced the choices of an earlier one.
    """
    moment = moment or timezone.now()
    refusal = rules.voting_refusal(process, user, moment, session)
    if refusal is not None:
        raise refusal
    participant = user.participant
    proposals = check_choices(process, participant.territory, proposal_ids)
    _take_turn(f"account:{process.pk}:{user.pk}")
    existing = Ballot.objects.valid().select_for_update().filter(process=process, user=user).first()
    if existing is not None:
        _set_choices(existing, proposals)
        existing.updated_at = moment
        existing.save(update_fields=["updated_at"])
        existing.changed = True
        return existing

    _check_attempts(process, user)
    try:
        hashed = dni_hash(process.pk, dni)
        age_band = _age_band(process, birth_date, moment)
        _take_turn(f"dni:{process.pk}:{hashed}")
        if Ballot.objects.valid().filter(process=process, dni_hash=hashed).exists():
            raise _already_voted()
    except Refused:
        _count_attempt(process, user)
        raise
    ballot = Ballot(
        process=process,
        dni_hash=hashed,
        user=user,
        channel=Channel.WEB,
        territory=participant.territory,
        district=" ".join((district or "").split())[:120],
        age_band=age_band,
        sector=participant.sector,
        gender=participant.gender if participant.gender_consent else "",
        created_at=moment,
        updated_at=moment,
    )
    return _create(ballot, proposals)


@transaction.atomic
def paper_ballot_enter(
    *,
    process: BudgetProcessPage,
    staff,
    dni: str,
    birth_date: date | None,
    territory,
    channel: str,
    proposal_ids: Iterable[int],
    district: str = "",
    place: str = "",
    form_number: str = "",
    sector: str = "",
    gender: str = "",
    moment: datetime | None = None,
) -> Ballot:
    """Staff enter a ballot filled in on paper (workshop, office, radio campaign).

    Audited: who entered it and when is kept with it and in the log. It is never edited
    afterwards; a mistake is annulled (with a reason) and the ballot entered again.
    """
    moment = moment or timezone.now()
    if not rules.can_enter_paper_ballots(staff):
        raise NotAllowed(_("Only the regional government's staff can enter paper ballots."))
    refusal = rules.voting_phase_refusal(process, moment)
    if refusal is not None:
        raise refusal
    if channel not in dict(Channel.paper()):
        raise Refused(_("Choose how the ballot was collected: workshop, office or radio campaign."))
    if territory is None or process.envelope_for(territory) is None:
        raise Refused(_("Choose the voter's province: one with an envelope in this edition."))
    if sector and sector not in Sector.values:
        raise Refused(_("Unknown sector."))
    if gender and gender not in Gender.values:
        raise Refused(_("Unknown gender."))
    proposals = check_choices(process, territory, proposal_ids)
    hashed = dni_hash(process.pk, dni)
    age_band = _age_band(process, birth_date, moment)
    _take_turn(f"dni:{process.pk}:{hashed}")
    if Ballot.objects.valid().filter(process=process, dni_hash=hashed).exists():
        raise _already_voted()
    ballot = Ballot(
        process=process,
        dni_hash=hashed,
        channel=channel,
        territory=territory,
        district=" ".join((district or "").split())[:120],
        age_band=age_band,
        sector=sector,
        gender=gender,
        place=" ".join((place or "").split())[:200],
        form_number=(form_number or "").strip()[:40],
        entered_by=staff,
        created_at=moment,
        updated_at=moment,
    )
    _create(ballot, proposals)
    log(
        instance=ballot,
        action="budgets.paper_ballot",
        user=staff,
        data={"channel": channel, "place": ballot.place, "form_number": ballot.form_number},
    )
    return ballot


@transaction.atomic
def ballot_annul(*, ballot: Ballot, staff, reason: str, moment: datetime | None = None) -> Ballot:
    """Annul a ballot (entered by mistake, or cast by someone not entitled), with the
    reason kept with it. Nothing is deleted; the person may then vote again."""
    if not rules.can_annul_ballots(staff):
        raise NotAllowed(_("Only authorised staff can annul a ballot."))
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if ballot.is_annulled:
        raise Refused(_("This ballot is already annulled."), status=409)
    if ballot.process.phase_at(moment) == Phase.FOLLOW_UP:
        raise NotAllowed(_("The results of this edition are final: its ballots can no longer be annulled."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise Refused(_("Give the reason for annulling the ballot: it is kept with it."))
    ballot.annulled_at, ballot.annulled_by, ballot.annul_reason = moment or timezone.now(), staff, reason
    ballot.save(update_fields=["annulled_at", "annulled_by", "annul_reason"])
    log(instance=ballot, action="budgets.annul", user=staff, data={"reason": reason})
    return ballot


def ballot_of(process: BudgetProcessPage, user) -> Ballot | None:
    """The valid ballot ``user`` cast on the web in this edition (while the link is kept)."""
    if not user.is_authenticated:
        return None
    return Ballot.objects.valid().filter(process=process, user=user).first()


def accounts_unlink(process: BudgetProcessPage) -> int:
    """Once voting has closed, forget which account cast which ballot: the link was kept
    only so that voters could change their ballot."""
    if process.phase_at() not in (Phase.RESULTS, Phase.FOLLOW_UP):
        return 0
    return Ballot.objects.filter(process=process, user__isnull=False).update(user=None)
