"""Ballots through the service, the one write path: one person, one ballot, on every
channel; the limits of each envelope; the DNI never stored."""

import threading
from datetime import date

import pytest
from django.db import connection, connections
from django.utils import timezone
from wagtail.models import ModelLogEntry

from budgets.dni import dni_hash
from budgets.models import Ballot, BallotChoice
from budgets.services import ballots
from core.models import Territory
from discussions.errors import NotAllowed, Refused, TooManyPosts

from . import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
DNI = "45678912"


def cast(process, participant, *chosen, dni=DNI, birth_date=factories.ADULT, **kwargs):
    return ballots.ballot_cast(
        process=process,
        user=participant.user,
        proposal_ids=[proposal.pk for proposal in chosen],
        dni=dni,
        birth_date=birth_date,
        **kwargs,
    )


def enter(process, clerk, *chosen, dni=DNI, province="jaen", **kwargs):
    kwargs.setdefault("birth_date", factories.ADULT)
    kwargs.setdefault("channel", "workshop")
    return ballots.paper_ballot_enter(
        process=process,
        staff=clerk,
        dni=dni,
        territory=Territory.objects.get(slug=province),
        proposal_ids=[proposal.pk for proposal in chosen],
        **kwargs,
    )


def chosen_titles(ballot) -> set[str]:
    return set(BallotChoice.objects.filter(ballot=ballot).values_list("proposal__title", flat=True))


# --- casting and changing -------------------------------------------------------------------
def test_a_web_ballot_keeps_the_choices_a_hash_of_the_dni_and_the_age_band_only(voting, candidates, voter):
    ballot = cast(voting, voter, candidates["reservorio"], candidates["telemedicina"], district="Bellavista")

    ballot.refresh_from_db()
    assert chosen_titles(ballot) == {"Reservorio de Bellavista", "Telemedicina regional"}
    assert ballot.channel == "web" and ballot.territory.slug == "jaen" and ballot.district == "Bellavista"
    assert ballot.dni_hash == dni_hash(voting.pk, DNI) and DNI not in ballot.dni_hash
    assert ballot.age_band == "30-44"
    assert ballot.sector == voter.sector and ballot.gender == ""


def test_the_dni_is_stored_nowhere_in_the_database(voting, candidates, voter, clerk):
    cast(voting, voter, candidates["reservorio"], dni="45678912")
    enter(voting, clerk, candidates["canal"], dni="33445566")

    with connection.cursor() as cursor:
        for model in (Ballot, BallotChoice, ModelLogEntry):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608 - a table name of ours
            rows = " ".join(str(row) for row in cursor.fetchall())
            assert "45678912" not in rows and "33445566" not in rows


def test_the_same_dni_hashes_differently_in_another_edition(voting, home_page):
    other = factories.edition(home_page, slug="presupuesto-2028", title="Presupuesto Participativo 2028")

    assert dni_hash(voting.pk, DNI) != dni_hash(other.pk, DNI)


def test_a_voter_changes_their_ballot_until_voting_closes_without_giving_the_dni_again(voting, candidates, voter):
    first = cast(voting, voter, candidates["reservorio"])

    changed = ballots.ballot_cast(process=voting, user=voter.user, proposal_ids=[candidates["canal"].pk])

    assert changed.pk == first.pk and changed.changed
    assert chosen_titles(changed) == {"Canal de riego"}
    assert Ballot.objects.count() == 1


def test_a_second_ballot_with_the_same_dni_is_refused_from_another_account(voting, candidates, voter, author):
    cast(voting, voter, candidates["reservorio"])

    with pytest.raises(Refused) as refused:
        cast(voting, author, candidates["canal"])

    assert refused.value.status == 409
    assert "already been cast with this DNI" in str(refused.value.message)
    assert Ballot.objects.count() == 1


def test_a_paper_ballot_and_a_web_ballot_of_the_same_person_are_one_ballot(voting, candidates, voter, clerk):
    enter(voting, clerk, candidates["canal"])

    with pytest.raises(Refused):
        cast(voting, voter, candidates["reservorio"])
    with pytest.raises(Refused):
        enter(voting, clerk, candidates["posta"], form_number="0002")

    assert Ballot.objects.valid().count() == 1


def test_an_invalid_dni_is_refused(voting, candidates, voter):
    for wrong in ("1234567", "123456789", "4567891A", ""):
        with pytest.raises(Refused) as refused:
            cast(voting, voter, candidates["reservorio"], dni=wrong)
        assert "exactly 8 digits" in str(refused.value.message)

    assert not Ballot.objects.exists()


def test_a_dni_typed_with_spaces_or_dots_is_the_same_dni(voting, candidates, voter, clerk):
    cast(voting, voter, candidates["reservorio"], dni="45.678.912")

    with pytest.raises(Refused):
        enter(voting, clerk, candidates["canal"], dni="4567 8912")


def test_a_voter_below_the_minimum_age_is_refused(voting, candidates, voter):
    today = timezone.localdate()
    fifteen = date(today.year - 15, today.month, min(today.day, 28))

    with pytest.raises(NotAllowed, match="at least 16 years old"):
        cast(voting, voter, candidates["reservorio"], birth_date=fifteen)


def test_too_many_unusable_dnis_pause_the_voting_form(voting, candidates, voter, settings):
    settings.BUDGETS_DNI_ATTEMPTS_PER_HOUR = 3
    for wrong in ("1", "2", "3"):
        with pytest.raises(Refused):
            cast(voting, voter, candidates["reservorio"], dni=wrong)

    with pytest.raises(TooManyPosts):
        cast(voting, voter, candidates["reservorio"], dni="45678912")


# --- what a ballot may hold -------------------------------------------------------------------
def test_an_approval_ballot_over_the_limit_is_refused_saying_what_to_remove(home_page, author, voter):
    process = factories.edition(home_page, envelopes={"jaen": 5000}, max_choices=2)
    projects = [factories.proposal(process, author.user, title=f"Proyecto {n}", cost=100 + n) for n in range(3)]

    with pytest.raises(Refused) as refused:
        cast(process, voter, *projects)

    message = str(refused.value.message)
    assert "you chose 3 projects; the limit is 2. Remove 1" in message
    assert "«Proyecto 0»" in message and "«Proyecto 2»" in message


def test_a_knapsack_ballot_over_the_envelope_is_refused_naming_what_would_make_it_fit(home_page, author, voter):
    process = factories.edition(home_page, envelopes={"jaen": 1000}, ballot_kind="knapsack")
    big = factories.proposal(process, author.user, title="Canal", cost=600)
    medium = factories.proposal(process, author.user, title="Posta", cost=350)
    small = factories.proposal(process, author.user, title="Losa", cost=100)

    with pytest.raises(Refused) as refused:
        cast(process, voter, big, medium, small)

    message = str(refused.value.message)
    assert "cost S/ 1,050, S/ 50 more than the envelope of S/ 1,000" in message
    assert "Remove one that costs at least S/ 50: «Losa» (S/ 100), «Posta» (S/ 350), «Canal» (S/ 600)." in message


def test_a_knapsack_ballot_that_fits_is_cast(home_page, author, voter):
    process = factories.edition(home_page, envelopes={"jaen": 1000}, ballot_kind="knapsack")
    projects = [factories.proposal(process, author.user, title=t, cost=c) for t, c in (("A", 600), ("B", 400))]

    assert chosen_titles(cast(process, voter, *projects)) == {"A", "B"}


def test_a_project_found_not_viable_is_refused(voting, candidates, voter):
    with pytest.raises(Refused, match="evaluated not viable"):
        cast(voting, voter, candidates["carretera"])


def test_a_project_not_evaluated_yet_is_refused(voting, author, voter):
    pending = factories.proposal(voting, author.user, title="Losa deportiva", viability="pending")

    with pytest.raises(Refused, match="has not been found viable"):
        cast(voting, voter, pending)


def test_a_project_of_another_province_is_refused(voting, candidates, voter):
    with pytest.raises(Refused) as refused:
        cast(voting, voter, candidates["chota"])

    assert "is a project of Chota" in str(refused.value.message)
    assert "you vote for the projects of Jaén, Region-wide" in str(refused.value.message)


def test_a_project_of_another_edition_is_refused(voting, candidates, voter, home_page, author):
    other = factories.edition(home_page, slug="presupuesto-2028", title="Presupuesto Participativo 2028")
    foreign = factories.proposal(other, author.user, title="De otra edición")

    with pytest.raises(Refused, match="not in this edition"):
        cast(voting, voter, candidates["reservorio"], foreign)


def test_an_empty_ballot_is_refused(voting, voter):
    with pytest.raises(Refused, match="at least one project"):
        cast(voting, voter)


@pytest.mark.parametrize("phase", ["proposals", "evaluation", "results", "follow_up"])
def test_ballots_are_refused_outside_the_voting_phase(home_page, author, voter, clerk, phase):
    process = factories.edition(home_page, phase=phase)
    project = factories.proposal(process, author.user)

    with pytest.raises(NotAllowed, match=r"Voting (opens|closed) on"):
        cast(process, voter, project)
    with pytest.raises(NotAllowed, match=r"Voting (opens|closed) on"):
        enter(process, clerk, project)


def test_an_unconfirmed_participant_cannot_vote_on_the_web(voting, candidates, voter):
    voter.email_confirmed_at = None
    voter.save()

    with pytest.raises(NotAllowed, match="Confirm your e-mail"):
        cast(voting, voter, candidates["reservorio"])


def test_a_participant_of_a_province_without_envelope_votes_the_region_wide_envelope_only(voting, candidates, voter):
    voter.territory = Territory.objects.get(slug="san-pablo")
    voter.save()

    ballot = cast(voting, voter, candidates["becas"])

    assert chosen_titles(ballot) == {"Becas de conectividad"}
    with pytest.raises(Refused, match="is a project of Jaén"):
        cast(voting, voter, candidates["canal"], dni="11223344")


# --- the draft -------------------------------------------------------------------------------
def test_adding_a_project_that_does_not_fit_says_what_to_remove_first(home_page, author):
    process = factories.edition(home_page, envelopes={"jaen": 1000}, ballot_kind="knapsack")
    canal = factories.proposal(process, author.user, title="Canal", cost=700)
    posta = factories.proposal(process, author.user, title="Posta", cost=400)
    jaen = Territory.objects.get(slug="jaen")

    draft = ballots.draft_add(process, jaen, [], canal)
    with pytest.raises(Refused) as refused:
        ballots.draft_add(process, jaen, draft, posta)

    assert str(refused.value.message) == (
        "«Posta» (S/ 400) does not fit: S/ 300 are left in Jaén. Remove first one that costs at least S/ 100: "
        "«Canal» (S/ 700)."
    )


def test_adding_past_the_approval_limit_asks_to_remove_one(home_page, author):
    process = factories.edition(home_page, envelopes={"jaen": 5000}, max_choices=1)
    first, second = (factories.proposal(process, author.user, title=t) for t in ("Uno", "Dos"))
    jaen = Territory.objects.get(slug="jaen")

    with pytest.raises(Refused, match="You already chose 1 projects in Jaén, the limit: remove one to add «Dos»"):
        ballots.draft_add(process, jaen, ballots.draft_add(process, jaen, [], first), second)


# --- paper ballots ------------------------------------------------------------------------------
def test_a_paper_ballot_records_who_entered_it_where_and_when(voting, candidates, clerk):
    ballot = enter(
        voting,
        clerk,
        candidates["canal"],
        candidates["becas"],
        channel="radio",
        place="Radio Marañón",
        form_number="J-0017",
        sector="citizen",
        gender="female",
    )

    assert ballot.entered_by == clerk and ballot.channel == "radio" and ballot.user is None
    assert (ballot.place, ballot.form_number, ballot.gender) == ("Radio Marañón", "J-0017", "female")
    entry = ModelLogEntry.objects.get(action="budgets.paper_ballot")
    assert entry.user == clerk and entry.object_id == str(ballot.pk)
    assert "canal" not in str(entry.data).lower()  # the log says where the ballot came from, not what it chose


def test_only_authorised_staff_enter_paper_ballots(voting, candidates, voter, technician):
    for user in (voter.user, technician):
        with pytest.raises(NotAllowed):
            enter(voting, user, candidates["canal"])


def test_a_paper_ballot_takes_the_paper_channels_only(voting, candidates, clerk):
    with pytest.raises(Refused, match="workshop, office or radio"):
        enter(voting, clerk, candidates["canal"], channel="web")


def test_annulling_a_ballot_keeps_it_with_its_reason_and_lets_the_person_vote_again(
    voting, candidates, clerk, planner, voter
):
    paper = enter(voting, clerk, candidates["canal"], form_number="J-0001")

    ballots.ballot_annul(ballot=paper, staff=planner, reason="Se digitó con el DNI equivocado.")
    again = cast(voting, voter, candidates["reservorio"])

    paper.refresh_from_db()
    assert (
        paper.is_annulled and paper.annulled_by == planner and paper.annul_reason == "Se digitó con el DNI equivocado."
    )
    assert chosen_titles(paper) == {"Canal de riego"}  # nothing deleted
    assert list(Ballot.objects.valid()) == [again]
    assert ModelLogEntry.objects.filter(action="budgets.annul", user=planner).exists()


def test_annulling_needs_a_reason_and_the_permission(voting, candidates, clerk, planner):
    paper = enter(voting, clerk, candidates["canal"])

    with pytest.raises(NotAllowed):
        ballots.ballot_annul(ballot=paper, staff=clerk, reason="Error")
    with pytest.raises(Refused, match="Give the reason"):
        ballots.ballot_annul(ballot=paper, staff=planner, reason="  ")
    ballots.ballot_annul(ballot=paper, staff=planner, reason="Duplicado")
    with pytest.raises(Refused, match="already annulled"):
        ballots.ballot_annul(ballot=paper, staff=planner, reason="Otra vez")


# --- concurrency -----------------------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_submissions_of_the_same_ballot_store_one(home_page, author, voter):
    process = factories.edition(home_page)
    project = factories.proposal(process, author.user, title="Canal de riego")
    start = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            start.wait()
            outcomes.append(cast(process, voter, project))
        except Exception as error:  # collected for the assertion below
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(outcome, Ballot) for outcome in outcomes), outcomes
    assert Ballot.objects.filter(process=process).count() == 1
    assert BallotChoice.objects.filter(ballot__process=process).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_dni_from_two_accounts_at_once_stores_one_ballot(home_page, author, voter):
    process = factories.edition(home_page)
    project = factories.proposal(process, author.user, title="Canal de riego")
    start = threading.Barrier(2)
    outcomes = []

    def submit(participant):
        try:
            start.wait()
            outcomes.append(cast(process, participant, project))
        except Refused as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(participant,)) for participant in (voter, author)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Ballot", "Refused"]
    assert Ballot.objects.filter(process=process).count() == 1
