"""The edition's pages as people read them, in Spanish and English, with and without
JavaScript."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import Locale

from budgets.models import Ballot, BudgetProcessPage, TrackedProject
from budgets.services import ballots
from core.models import Territory
from tests.site import english_home

from . import factories

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "budgets" / "templates"


def url(process, name: str, *args) -> str:
    return process.url + process.reverse_subpage(name, args=args)


def page(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def text(element) -> str:
    return " ".join(element.get_text(" ").split())


@pytest.fixture
def signed_in(client, voter):
    client.force_login(voter.user)
    return client


# --- the edition's page ------------------------------------------------------------------
def test_every_page_says_the_phase_what_can_be_done_and_until_when(client, voting):
    for name in ("overview", "proposals", "ballot", "results", "followup", "statistics"):
        soup = page(client.get(url(voting, name)))

        phase = soup.select_one(".budget-phase__now")
        assert "Fase: Votación" in text(phase), name
        assert "Vote por los proyectos de su provincia y de toda la región hasta el" in text(phase)
        assert "Las horas son de Lima." in text(phase)


def test_the_overview_lists_envelopes_phases_and_the_action_of_the_moment(client, voting, candidates):
    soup = page(client.get(voting.url))

    rows = [text(row) for row in soup.select(".table tbody tr")]
    assert rows == ["Chota S/ 500", "Jaén S/ 1,000", "Regional S/ 1,300"]
    assert text(soup.select_one('[aria-current="step"] .budget-timeline__name')) == "Votación"
    assert soup.select_one(".budget-actions a.button")["href"] == url(voting, "ballot")


def test_the_english_page_shows_the_same_edition_in_english(client, voting, candidates):
    english_home(voting.get_parent().specific)
    translated = voting.copy_for_translation(Locale.objects.get(language_code="en"))
    translated.title, translated.slug = "Participatory Budget 2027", "participatory-budget-2027"
    translated.save_revision().publish()
    translated = BudgetProcessPage.objects.get(pk=translated.pk)

    soup = page(client.get(url(translated, "proposals") + "?viabilidad=viable"))

    assert "Phase: Voting" in text(soup.select_one(".budget-phase__now"))
    titles = {text(link) for link in soup.select(".card__title a")}
    assert "Canal de riego" in titles and "Carretera de doble vía" not in titles
    assert all(link["href"].startswith(translated.url) for link in soup.select(".card__title a"))


def test_the_proposal_list_filters_by_province_and_evaluation(client, voting, candidates):
    soup = page(client.get(url(voting, "proposals") + "?provincia=chota"))
    assert {text(link) for link in soup.select(".card__title a")} == {"Agua para Cabracancha", "Losa de Sorochuco"}

    soup = page(client.get(url(voting, "proposals") + "?viabilidad=not_viable"))
    assert [text(link) for link in soup.select(".card__title a")] == ["Carretera de doble vía"]


def test_a_proposal_found_not_viable_shows_its_reason(client, voting, candidates):
    soup = page(client.get(url(voting, "proposal", candidates["carretera"].pk)))

    evaluation = soup.select_one(".evaluation")
    assert "No viable" in text(evaluation.select_one("h2"))
    assert "No viable." in text(evaluation)


def test_a_hidden_proposal_is_a_plain_404(client, voting, candidates):
    candidates["canal"].hidden, candidates["canal"].hidden_reason = True, "Duplicada"
    candidates["canal"].save()

    response = client.get(url(voting, "proposal", candidates["canal"].pk))

    assert response.status_code == 404
    assert b"Duplicada" not in response.content


def test_an_id_too_large_for_the_database_is_a_404(client, voting):
    assert client.get(voting.url + "propuestas/" + "9" * 20 + "/").status_code == 404


# --- proposing and supporting ---------------------------------------------------------------
@pytest.fixture
def proposing(home_page):
    return factories.edition(home_page, phase="proposals", slug="propuestas-2027", envelopes={"jaen": 1_000_000})


def test_proposing_needs_an_account(client, proposing):
    response = client.get(url(proposing, "new_proposal"))

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_participant_proposes_through_the_form(signed_in, proposing):
    response = signed_in.post(
        url(proposing, "new_proposal"),
        {
            "title": "Reservorio para Bellavista",
            "problem": "No hay agua en verano.",
            "description": "Un reservorio de 30 m³.",
            "envelope": "jaen",
            "district": "Bellavista",
            "category": factories.category().pk,
            "beneficiaries": "300",
            "estimated_cost": "250000",
        },
        follow=True,
    )

    soup = page(response)
    assert text(soup.select_one("h1")) == "Reservorio para Bellavista"
    assert "Su propuesta está publicada." in text(soup.select_one(".messages"))
    assert "Pendiente de evaluación técnica" in text(soup.select_one(".evaluation"))


def test_a_refused_proposal_keeps_what_was_written(signed_in, proposing):
    response = signed_in.post(
        url(proposing, "new_proposal"),
        {
            "title": "Carretera",
            "problem": "Mala vía.",
            "description": "Asfaltar.",
            "envelope": "jaen",
            "category": factories.category().pk,
            "beneficiaries": "300",
            "estimated_cost": "5000000",
        },
    )

    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert "supera toda la bolsa de Jaén (S/ 1,000,000)" in text(soup.select_one('[role="alert"]'))
    assert soup.select_one("#id_title")["value"] == "Carretera"


def test_supporting_from_the_proposal_page(client, proposing, author, voter):
    proposal = factories.proposal(proposing, author.user, viability="pending")
    client.force_login(voter.user)

    response = client.post(url(proposing, "support", proposal.pk), {"supporting": "1"}, follow=True)

    soup = page(response)
    assert text(soup.select_one("[data-support-count]")) == "1"
    assert text(soup.select_one(".support button")) == "Retirar mi apoyo"


# --- the ballot, without JavaScript ---------------------------------------------------------
def test_an_anonymous_visitor_is_asked_to_log_in_to_vote(client, voting, candidates):
    soup = page(client.get(url(voting, "ballot")))

    assert "Inicie sesión o regístrese para participar." in text(soup.select_one(".notice"))
    assert not soup.select("[data-ballot]")


def test_a_voter_sees_their_provinces_candidates_and_the_region_wide_ones(signed_in, voting, candidates):
    soup = page(signed_in.get(url(voting, "ballot")))

    envelopes = {section["data-envelope"]: section for section in soup.select("[data-envelope]")}
    assert list(envelopes) == ["jaen", "regional"]
    titles = {text(link) for link in envelopes["jaen"].select(".ballot-project__title")}
    assert titles == {"Canal de riego", "Equipos para la posta", "Reservorio de Bellavista"}
    assert "0 de 3 proyectos elegidos" in text(envelopes["jaen"].select_one("[data-envelope-total]"))
    assert soup.select_one("#id_dni") is not None and soup.select_one("#id_birth_date") is not None
    assert "HMAC-SHA256" in text(soup.select_one(".privacy-note"))


def choose(client, process, proposal, action="add", **headers):
    return client.post(url(process, "ballot_choice"), {"proposal": proposal.pk, "action": action}, **headers)


def test_adding_and_removing_are_plain_forms_and_the_server_keeps_the_total(signed_in, home_page, author):
    process = factories.edition(home_page, envelopes={"jaen": 1000}, ballot_kind="knapsack", slug="mochila")
    canal = factories.proposal(process, author.user, title="Canal", cost=600)
    posta = factories.proposal(process, author.user, title="Posta", cost=300)

    response = choose(signed_in, process, canal)
    assert response.status_code == 302 and response.url == url(process, "ballot") + "#sobre-jaen"
    choose(signed_in, process, posta)
    soup = page(signed_in.get(url(process, "ballot")))
    assert text(soup.select_one("[data-envelope-total]")) == "Elegido: S/ 900 · Queda: S/ 100"
    assert soup.select_one("progress.ballot-envelope__meter")["value"] == "90"

    choose(signed_in, process, canal, action="remove")
    soup = page(signed_in.get(url(process, "ballot")))
    assert text(soup.select_one("[data-envelope-total]")) == "Elegido: S/ 300 · Queda: S/ 700"


def test_adding_what_does_not_fit_says_what_to_remove(signed_in, home_page, author):
    process = factories.edition(home_page, envelopes={"jaen": 1000}, ballot_kind="knapsack", slug="mochila")
    canal = factories.proposal(process, author.user, title="Canal", cost=700)
    posta = factories.proposal(process, author.user, title="Posta", cost=400)
    choose(signed_in, process, canal)

    soup = page(signed_in.get(choose(signed_in, process, posta).url))

    assert "«Posta» (S/ 400) no cabe: quedan S/ 300 en Jaén." in text(soup.select_one(".message--error"))
    assert "Quite primero uno que cueste al menos S/ 100: «Canal» (S/ 700)." in text(soup.select_one(".message--error"))


def test_with_javascript_the_server_answers_with_the_parts_to_replace(signed_in, voting, candidates):
    response = choose(signed_in, voting, candidates["canal"], HTTP_ACCEPT="application/json")

    data = response.json()
    assert response.status_code == 200 and data["level"] == "success"
    assert data["message"] == "«Canal de riego» está en su cédula."
    fragment = BeautifulSoup(data["envelopes"]["jaen"], "html.parser")
    assert "1 de 3 proyectos elegidos" in text(fragment.select_one("[data-envelope-total]"))
    assert "Canal de riego" in text(BeautifulSoup(data["summary"], "html.parser"))


def test_with_javascript_a_refusal_comes_back_with_its_status(signed_in, voting, candidates):
    response = choose(signed_in, voting, candidates["chota"], HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert "es un proyecto de Chota" in response.json()["message"]


def test_casting_the_ballot_asks_for_the_dni_once(signed_in, voting, candidates, voter):
    choose(signed_in, voting, candidates["canal"])
    choose(signed_in, voting, candidates["becas"])

    response = signed_in.post(url(voting, "ballot_cast"), {"dni": "4567891", "birth_date": "1990-05-17"})
    assert response.status_code == 400
    assert "exactamente 8 dígitos" in text(BeautifulSoup(response.content, "html.parser").select_one('[role="alert"]'))

    soup = page(
        signed_in.post(url(voting, "ballot_cast"), {"dni": "45678912", "birth_date": "1990-05-17"}, follow=True)
    )
    assert "Su voto está registrado." in text(soup.select_one(".messages"))
    assert "Su cédula está registrada" in text(soup.select_one("p.message--success"))
    assert soup.select_one("#id_dni") is None  # changes need no DNI

    choose(signed_in, voting, candidates["becas"], action="remove")
    soup = page(signed_in.post(url(voting, "ballot_cast"), {}, follow=True))
    assert "Su cédula cambió." in text(soup.select_one(".messages"))
    ballot = Ballot.objects.get()
    assert set(ballot.choices.values_list("proposal__title", flat=True)) == {"Canal de riego"}


def test_vote_counts_stay_hidden_while_voting_unless_editors_show_them(signed_in, home_page, author, voter, clerk):
    hidden = factories.edition(home_page, slug="oculto")
    shown = factories.edition(home_page, slug="visible", counts_visible_while_voting=True)
    for process in (hidden, shown):
        factories.proposal(process, author.user, title="Canal de riego")

    assert (
        not page(signed_in.get(url(hidden, "ballot")))
        .select(".ballot-project__meta")[0]
        .find(string=lambda s: "voto" in s)
    )
    assert "0 votos" in text(page(signed_in.get(url(shown, "ballot"))).select_one(".ballot-project__meta"))


# --- results, follow-up and statistics ------------------------------------------------------------
def test_results_wait_for_the_close_of_voting(client, voting):
    soup = page(client.get(url(voting, "results")))

    assert "Los resultados se publicarán cuando cierre la votación" in text(soup.select_one(".notice"))


def test_the_statistics_page_shows_who_voted_with_small_groups_hidden(client, voting, candidates, clerk):
    for number in range(6):
        ballots.paper_ballot_enter(
            process=voting,
            staff=clerk,
            dni=f"{50000000 + number}",
            birth_date=factories.ADULT,
            territory=Territory.objects.get(slug="jaen" if number < 5 else "chota"),
            channel="workshop",
            proposal_ids=[candidates["becas"].pk],
        )

    soup = page(client.get(url(voting, "statistics")))

    assert text(soup.select_one(".facts dd")) == "6"
    province_rows = {text(row.th): text(row.td) for row in soup.select("#stats-province-heading ~ table tbody tr")}
    assert province_rows == {"Jaén": "menos de 5", "Chota": "menos de 5"}  # one small group hides the next smallest
    channel_rows = {text(row.th): text(row.td) for row in soup.select("#stats-channel-heading ~ table tbody tr")}
    assert channel_rows["Taller"] == "6" and channel_rows["Web"] == "0"
    assert soup.select_one("svg#chart-turnout, #chart-turnout-title") is not None


def test_the_follow_up_page_of_a_province_lists_its_projects(client, home_page, author, planner):
    process = factories.edition(home_page, phase="follow_up", slug="seguimiento-2026")
    proposal = factories.proposal(process, author.user, title="Canal de riego")
    TrackedProject.objects.create(
        proposal=proposal,
        process=process,
        territory=proposal.territory,
        title=proposal.title,
        budget=350,
        status="en_ejecucion",
        progress=40,
        budget_executed=140,
    )

    soup = page(client.get(url(process, "followup_province", "jaen")))

    assert text(soup.select_one("h1")) == "Proyectos en Jaén"
    [row] = soup.select(".table tbody tr")
    assert "Canal de riego" in text(row) and "En ejecución" in text(row) and "40 %" in text(row)
    assert client.get(url(process, "followup_province", "lima")).status_code == 404
    assert client.get(url(process, "followup_province", "chota")).status_code == 200


# --- the front end's rules -------------------------------------------------------------------------
def test_no_template_carries_inline_script_or_event_handlers():
    for template in TEMPLATES.rglob("*.html"):
        soup = BeautifulSoup(template.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            assert script.get("src"), f"inline script in {template.name}"
        for element in soup.find_all(True):
            assert not [name for name in element.attrs if name.startswith("on")], f"event handler in {template.name}"


def test_ballot_pages_after_voting_closes_say_so(signed_in, voting, candidates):
    with time_machine.travel(voting.voting_closes_at + timedelta(hours=1), tick=False):
        signed_in.force_login(candidates["canal"].author)
        soup = page(signed_in.get(url(voting, "ballot")))

    assert "La votación se cerró el" in text(soup.select_one(".notice"))


def test_the_english_home_page_lists_an_edition_not_yet_translated_under_its_english_address(client, home_page, voting):
    english_home(home_page)
    english_path = "/en/" + voting.url.split("/", 2)[2]  # the same page under /en/

    home = BeautifulSoup(client.get("/en/").content, "html.parser")  # the English home page's address

    card = home.select_one(f".home-budgets a[href='{english_path}']")
    assert card is not None and card.get_text(strip=True) == voting.title
    assert client.get(english_path).status_code == 200


@pytest.mark.parametrize("action", ["add", "remove"])
def test_the_ballot_never_names_a_hidden_proposal(signed_in, voting, candidates, action):
    """Counting ids upwards through the ballot's form must not read hidden proposals' titles."""
    hidden = candidates["posta"]
    hidden.hidden = True
    hidden.save(update_fields=["hidden"])

    response = choose(signed_in, voting, hidden, action=action, HTTP_ACCEPT="application/json")

    assert hidden.title not in response.content.decode()
    assert hidden.title not in response.json()["message"]


def test_a_proposal_hidden_after_it_was_chosen_can_still_be_taken_off(signed_in, voting, candidates):
    posta = candidates["posta"]
    choose(signed_in, voting, posta)
    posta.hidden = True
    posta.save(update_fields=["hidden"])

    response = choose(signed_in, voting, posta, action="remove", HTTP_ACCEPT="application/json")

    assert response.json()["level"] == "success"
    assert posta.pk not in signed_in.session[f"budgets:draft:{voting.pk}"]


def test_a_project_that_left_the_ballot_after_it_was_chosen_leaves_the_draft_and_the_voter_is_told(
    signed_in, voting, candidates
):
    canal, posta = candidates["canal"], candidates["posta"]
    choose(signed_in, voting, canal)
    choose(signed_in, voting, posta)
    posta.hidden = True
    posta.save(update_fields=["hidden"])

    soup = page(signed_in.get(url(voting, "ballot")))

    assert signed_in.session[f"budgets:draft:{voting.pk}"] == [canal.pk]
    notice = text(soup.select_one(".message--info"))
    assert "ya no está en la cédula" in notice and posta.title not in notice


def test_a_district_only_a_few_voters_wrote_is_never_published_by_name(client, voting, candidates, clerk):
    """A voter's free text becomes a public label only when five voters or more gave it."""
    districts = ["Bellavista"] * 5 + ["Insulto al alcalde Pérez"]
    for number, district in enumerate(districts):
        ballots.paper_ballot_enter(
            process=voting,
            staff=clerk,
            dni=f"{51000000 + number}",
            birth_date=factories.ADULT,
            territory=Territory.objects.get(slug="jaen"),
            district=district,
            channel="workshop",
            proposal_ids=[candidates["becas"].pk],
        )

    soup = page(client.get(url(voting, "statistics")))

    rows = [text(row.th) for row in soup.select("#stats-district-heading ~ table tbody tr")]
    assert "Bellavista (Jaén)" in rows
    assert "Insulto al alcalde Pérez" not in soup.get_text()
    assert "Otros distritos (menos de 5 votantes cada uno)" in rows
