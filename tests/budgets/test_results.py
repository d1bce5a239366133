"""Counting an edition's ballots, publishing the results, and recounting from the open data."""

import contextlib
import csv
import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from pabulib.checker import Checker
from pabutools.election.pabulib import parse_pabulib_from_string

from budgets import exports, selectors
from budgets.models import Ballot, ProjectResult, ResultRun, RunStatus
from budgets.services import ballots, results
from core.models import Territory
from discussions.errors import NotAllowed, Refused
from tests.accounts.factories import ParticipantFactory

from . import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

# (province, chosen projects, how many voters); the projects are the ``candidates`` fixture's.
VOTES = [
    ("jaen", ["reservorio", "canal", "telemedicina"], 6),
    ("jaen", ["posta", "becas"], 4),
    ("jaen", ["canal"], 2),
    ("chota", ["chota", "becas"], 5),
    ("chota", ["sorochuco"], 2),
]


@pytest.fixture
def voted(voting, candidates, clerk):
    """Ballots on the web and on paper; then voting closes."""
    number = 0
    for province, chosen, count in VOTES:
        for _ in range(count):
            number += 1
            ids = [candidates[name].pk for name in chosen]
            if number % 2:
                participant = ParticipantFactory(territory=Territory.objects.get(slug=province))
                ballots.ballot_cast(
                    process=voting,
                    user=participant.user,
                    proposal_ids=ids,
                    dni=f"{40000000 + number}",
                    birth_date=factories.ADULT,
                )
            else:
                ballots.paper_ballot_enter(
                    process=voting,
                    staff=clerk,
                    dni=f"{40000000 + number}",
                    birth_date=factories.ADULT,
                    territory=Territory.objects.get(slug=province),
                    channel="workshop",
                    proposal_ids=ids,
                    form_number=f"F-{number}",
                )
    return voting


def after_voting(process):
    return time_machine.travel(process.voting_closes_at + timedelta(hours=1), tick=False)


@pytest.fixture
def counted(voted, planner):
    with after_voting(voted):
        return results.count_run(results.count_request(process=voted, user=planner))


def winners(run, name: str, rule: str) -> set[str]:
    outcome = next(outcome for outcome in selectors.outcomes(run) if outcome.result.name == name)
    return {project.proposal.title for project in outcome.projects if project.selected(rule)}


def test_ballots_are_not_counted_before_voting_closes(voted, planner):
    with pytest.raises(NotAllowed, match="once voting closes"):
        results.count_request(process=voted, user=planner)


def test_only_the_planning_office_counts(voted, technician):
    with after_voting(voted), pytest.raises(NotAllowed):
        results.count_request(process=voted, user=technician)


def test_a_count_runs_each_envelope_with_both_rules(counted, candidates):
    assert counted.status == RunStatus.DONE and counted.progress == 100
    assert counted.ballots_counted == 19 and counted.final
    jaen = next(outcome for outcome in selectors.outcomes(counted) if outcome.result.name == "Jaén")
    votes = {project.proposal.title: project.votes for project in jaen.projects}
    assert votes == {"Canal de riego": 8, "Reservorio de Bellavista": 6, "Equipos para la posta": 4}
    assert jaen.result.voters == 12
    # Greedy funds the two most voted (750 of 1,000); equal shares gives the four voters
    # of the posta their share.
    assert winners(counted, "Jaén", "greedy") == {"Canal de riego", "Reservorio de Bellavista"}
    assert winners(counted, "Jaén", "equal_shares") == {"Canal de riego", "Equipos para la posta"}
    assert jaen.spent == 650 and jaen.left == 350 and jaen.other_spent == 750
    assert winners(counted, "Chota", "greedy") == winners(counted, "Chota", "equal_shares") == {"Agua para Cabracancha"}
    assert winners(counted, "Region-wide", "greedy") == {"Becas de conectividad"}


def test_a_count_forgets_which_account_cast_which_ballot(counted):
    assert Ballot.objects.filter(process=counted.process, user__isnull=False).count() == 0
    assert Ballot.objects.filter(process=counted.process).count() == 19


def test_a_second_count_cannot_start_while_one_is_under_way(voted, planner):
    with after_voting(voted):
        results.count_request(process=voted, user=planner)
        with pytest.raises(Refused, match="already under way"):
            results.count_request(process=voted, user=planner)


def test_the_count_runs_in_the_background_after_the_request(voted, planner, django_capture_on_commit_callbacks):
    with after_voting(voted), django_capture_on_commit_callbacks(execute=True):
        run = results.count_request(process=voted, user=planner)

    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.finished_at is not None


def test_results_are_published_only_after_voting_closes(voted, counted):
    assert selectors.published_run(voted) is None  # outside the time travel: voting is open
    with after_voting(voted):
        assert selectors.published_run(voted) == counted


# --- open data ---------------------------------------------------------------------------
def _check(text: str) -> dict:
    with contextlib.redirect_stdout(io.StringIO()):
        return Checker().process_files([text])


def test_each_envelope_exports_a_pabulib_file_the_checker_accepts(counted):
    for outcome in selectors.outcomes(counted):
        text = exports.pb_file(counted.process, counted, outcome.result)

        result = _check(text)
        assert result["metadata"] == {"processed": 1, "valid": 1, "invalid": 0}, result
        instance, profile = parse_pabulib_from_string(text)
        assert int(instance.budget_limit) == outcome.result.amount
        assert profile.num_ballots() == outcome.result.voters


def test_the_pabulib_file_names_ballots_by_a_random_number_and_nothing_else(counted):
    jaen = next(outcome for outcome in selectors.outcomes(counted) if outcome.result.name == "Jaén").result
    text = exports.pb_file(counted.process, counted, jaen)

    votes = text.split("VOTES\n", 1)[1].splitlines()
    assert votes[0] == "voter_id;vote;voting_method"
    numbers = {line.split(";")[0] for line in votes[1:]}
    assert numbers == set(Ballot.objects.filter(territory__slug="jaen").values_list("public_id", flat=True))
    for ballot in Ballot.objects.all():
        assert ballot.dni_hash not in text and str(ballot.pk) not in numbers


def test_the_results_csv_is_safe_to_open_in_a_spreadsheet(counted, candidates):
    candidates["canal"].title = '=HYPERLINK("http://example.org")'
    candidates["canal"].save()

    rows = list(csv.DictReader(io.StringIO(exports.results_csv(counted))))

    row = next(row for row in rows if row["project_id"] == str(candidates["canal"].pk))
    assert row["title"].startswith("'=HYPERLINK")
    assert (row["votes"], row["selected_greedy"], row["selected_equal_shares"]) == ("8", "1", "1")


def test_the_ballots_csv_lists_each_ballot_per_envelope(counted):
    rows = list(csv.DictReader(io.StringIO(exports.ballots_csv(counted.process, counted))))

    assert {row["envelope"] for row in rows} == {"Jaén", "Chota", "Region-wide"}
    assert {row["voting_method"] for row in rows} == {"internet", "paper"}
    assert set(rows[0]) == {"ballot", "envelope", "voting_method", "projects"}


def test_the_results_json_has_both_rules_and_links_to_the_files(counted):
    data = json.loads(exports.results_json(counted.process, counted, lambda name: f"https://example.org/{name}"))

    assert data["official_rule"] == "equal_shares" and data["ballots_counted"] == 19
    jaen = next(envelope for envelope in data["envelopes"] if envelope["key"] == "jaen")
    assert jaen["pabulib"] == "https://example.org/pabulib-jaen.pb"
    assert {project["title"] for project in jaen["projects"] if project["selected"]["greedy"]} == {
        "Canal de riego",
        "Reservorio de Bellavista",
    }


def test_the_verify_command_recounts_the_published_files_and_agrees(counted):
    out = io.StringIO()
    with after_voting(counted.process):
        call_command("budgets_verify", counted.process.slug, stdout=out)

    assert "The recount matches the results." in out.getvalue()
    assert out.getvalue().count("  ok  ") == 6  # three envelopes, two rules


def test_the_verify_command_finds_a_tampered_result(counted):
    tampered = ProjectResult.objects.filter(envelope__run=counted, equal_shares_selected=False).first()
    tampered.equal_shares_selected = True
    tampered.save()

    with after_voting(counted.process), pytest.raises(CommandError, match="differ from the recount"):
        call_command("budgets_verify", counted.process.slug, stdout=io.StringIO())


def test_the_verify_command_recounts_a_downloaded_file(counted, tmp_path):
    jaen = next(outcome for outcome in selectors.outcomes(counted) if outcome.result.name == "Jaén").result
    good = tmp_path / "pabulib-jaen.pb"
    good.write_text(exports.pb_file(counted.process, counted, jaen), encoding="utf-8")
    bad = tmp_path / "altered.pb"
    canal = str(ProjectResult.objects.get(envelope=jaen, votes=8).proposal_id)
    row = f"\n{canal};350;8;Canal de riego;agua-y-saneamiento;"
    bad.write_text(good.read_text(encoding="utf-8").replace(row + "1", row + "0"), encoding="utf-8")

    call_command("budgets_verify", file=[str(good)], stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("budgets_verify", file=[str(bad)], stdout=io.StringIO())


def test_the_count_command_counts_and_prints_both_rules(voted):
    out = io.StringIO()
    with after_voting(voted):
        call_command("budgets_count", voted.slug, stdout=out)

    assert ResultRun.objects.get(process=voted).status == RunStatus.DONE
    assert "Jaén [equal_shares]" in out.getvalue() and "Jaén [greedy]" in out.getvalue()


# --- the pages -----------------------------------------------------------------------------
def test_the_open_data_files_are_served_only_once_results_are_published(client, counted):
    process = counted.process
    files = [
        process.url + process.reverse_subpage(name, args=args)
        for name, args in (("pb", ("pabulib-jaen.pb",)), ("results_csv", ()), ("results_json", ()), ("ballots_csv", ()))
    ]

    assert {client.get(url).status_code for url in files} == {404}
    with after_voting(process):
        responses = [client.get(url) for url in files]
    assert [response.status_code for response in responses] == [200, 200, 200, 200]
    assert responses[0]["Content-Disposition"] == 'attachment; filename="pabulib-jaen.pb"'
    assert responses[0].content.decode().startswith("META\nkey;value\n")


def test_the_admin_counts_from_the_editions_page(admin_client, admin_user, voted, django_capture_on_commit_callbacks):
    url = reverse("budgets_count", args=[voted.pk])
    with after_voting(voted):
        admin_client.force_login(admin_user)  # a session of that day
        assert admin_client.get(url).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url)

    run = ResultRun.objects.get(process=voted)
    assert response.url == reverse("budget_counts:inspect", args=[run.pk])
    assert run.status == RunStatus.DONE and run.requested_by.username == "admin"


def test_the_admin_refuses_to_count_while_voting_is_open(admin_client, voted):
    response = admin_client.post(reverse("budgets_count", args=[voted.pk]), follow=True)

    assert not ResultRun.objects.exists()
    assert response.status_code == 200


def test_an_annulled_ballot_is_left_out_of_the_next_count(counted, planner):
    ballot = Ballot.objects.filter(territory__slug="chota").first()
    process = counted.process
    ballots.ballot_annul(ballot=ballot, staff=planner, reason="Votó dos veces con DNI ajeno.")
    with after_voting(process):
        again = results.count_run(results.count_request(process=process, user=planner))

    assert again.ballots_counted == counted.ballots_counted - 1
