"""A participatory budget from proposal to follow-up, in the browser: a participant
proposes a project, the technical team finds it viable, one voter votes with JavaScript
(the ballot updates in place) and another without it (plain forms), a clerk enters a
paper ballot in the admin, the results are published, and an update of the winning
project is posted in the admin and shown on its page. The phases follow each other by
moving the edition's dates, as the editors' calendar would. Every page is watched for
Content-Security-Policy violations (``open_page``)."""

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import _session_cookie, browser_unavailable

try:
    from playwright.async_api import expect
except ImportError:
    browser_unavailable("Playwright is not installed (pip install 'playwright>=1.50,<2')")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Reservorio para el caserío Huayrapongo"
UPDATE = "Se aprobó el expediente técnico; la obra se licita en marzo."


def _edition(home_page) -> SimpleNamespace:
    from django.contrib.auth.models import Group

    from core.models import Territory
    from core.roles import EDITORS, GOVERNMENT, TECHNICAL_TEAM
    from tests.accounts.factories import ParticipantFactory
    from tests.budgets import factories

    edition = factories.edition(home_page, phase="proposals", envelopes={"jaen": 1000, None: 1500}, max_choices=2)
    author = ParticipantFactory(display_name="Ronda campesina de Jaén")
    rival = factories.proposal(edition, author.user, title="Canal de riego de Pucará", cost=800, viability="pending")
    jaen = Territory.objects.get(slug="jaen")
    staff = {}
    for name, group in (("tecnica", TECHNICAL_TEAM), ("taller", GOVERNMENT), ("oficina", EDITORS)):
        participant = ParticipantFactory(display_name=name)
        participant.user.groups.add(Group.objects.get(name=group))
        staff[name] = participant
    return SimpleNamespace(
        edition=edition,
        rival=rival,
        author=ParticipantFactory(display_name="Rosa Huamán", territory=jaen),
        voters=[ParticipantFactory(display_name=name, territory=jaen) for name in ("Julio Cerna", "Ana Tocas")],
        technician=staff["tecnica"],
        clerk=staff["taller"],
        planner=staff["oficina"],
        url=lambda name: edition.url + edition.reverse_subpage(name),
    )


def _move_to(edition, phase: str) -> None:
    """Dates such that the edition is now in ``phase`` (the public pages read them)."""
    from budgets.models import BudgetProcessPage
    from tests.budgets.factories import DAY, PHASE_OFFSETS

    opens = timezone.now() - PHASE_OFFSETS[phase] * DAY
    BudgetProcessPage.objects.filter(pk=edition.pk).update(
        proposals_open_at=opens,
        evaluation_starts_at=opens + 30 * DAY,
        voting_opens_at=opens + 50 * DAY,
        voting_closes_at=opens + 80 * DAY,
        follow_up_starts_at=opens + 100 * DAY,
    )


def _evaluate(people) -> int:
    """The technical team's verdicts, through the service (the admin's evaluation screen is
    tested in tests/budgets/test_admin.py)."""
    from budgets.models import Proposal
    from budgets.services import proposals

    _move_to(people.edition, "evaluation")
    proposal = Proposal.objects.get(title=TITLE)
    for candidate, cost in ((proposal, 600), (people.rival, 800)):
        proposals.proposal_evaluate(
            proposal=candidate,
            evaluator=people.technician.user,
            viability="viable",
            reason="Viable: la fuente de agua tiene caudal suficiente.",
            evaluated_cost=cost,
        )
    _move_to(people.edition, "voting")
    return proposal.pk


def _count_and_follow(people) -> int:
    """Voting closes; the planning office counts (the admin's button is tested in
    tests/budgets/test_results.py) and starts the follow-up, through the services."""
    from budgets.models import BudgetProcessPage
    from budgets.services import followup, results

    _move_to(people.edition, "follow_up")
    edition = BudgetProcessPage.objects.get(pk=people.edition.pk)
    results.count_request(process=edition, user=people.planner.user)  # counted by the task after the commit
    (project,) = followup.followup_start(process=edition, manager=people.planner.user)
    return project.pk


async def test_a_project_goes_from_proposal_to_votes_on_every_channel_to_its_follow_up(
    open_page, browser, live_url, home_page
):
    people = await database_sync_to_async(_edition)(home_page)

    # A participant proposes a project.
    author = await open_page(people.url("new_proposal"), as_participant=people.author)
    form = author.locator("main form")
    await form.get_by_label("Título").fill(TITLE)
    await form.get_by_label("¿Qué problema resuelve?").fill("Las familias acarrean agua del río en época seca.")
    await form.get_by_label("Describa el proyecto").fill("Captación, un reservorio de 50 m³ y la red de tuberías.")
    await form.get_by_label("Provincia").select_option(label="Jaén")
    await form.get_by_label("¿Cuántas personas se beneficiarían?").fill("240")
    await form.get_by_label("Costo estimado (soles)").fill("650")
    await form.get_by_role("button", name="Publicar la propuesta").click()
    await expect(author.locator("h1")).to_have_text(TITLE)

    # The technical team finds it (and the other one) viable; voting opens.
    proposal_id = await database_sync_to_async(_evaluate)(people)

    # With JavaScript: "Add" changes the envelope and the summary in place, no reload.
    voter = await open_page(people.url("ballot"), as_participant=people.voters[0])
    await voter.evaluate("window.stillThisPage = true")
    envelope = voter.locator("[data-envelope=jaen]")
    await envelope.get_by_role("button", name=f"Agregar «{TITLE}»").click()
    await expect(envelope.get_by_role("button", name=f"Quitar «{TITLE}»")).to_be_visible()
    await expect(envelope.locator("[data-envelope-total]")).to_contain_text("1 de 2 proyectos elegidos")
    await expect(voter.locator("[data-ballot-summary]")).to_contain_text(TITLE)
    assert await voter.evaluate("window.stillThisPage === true")
    await voter.get_by_label("Número de DNI").fill("45678912")
    await voter.get_by_label("Fecha de nacimiento").fill("1988-04-02")
    await voter.get_by_role("button", name="Enviar mi cédula").click()
    await expect(voter.locator("p.message--success")).to_contain_text("Su cédula está registrada")

    # Without JavaScript: the same forms, answered with the whole page.
    context = await browser.new_context(base_url=live_url, locale="es-PE", java_script_enabled=False)
    try:
        session = await database_sync_to_async(_session_cookie)(people.voters[1].user)
        await context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_url}])
        plain = await context.new_page()
        await plain.goto(people.url("ballot"))
        await plain.locator("[data-envelope=jaen]").get_by_role("button", name=f"Agregar «{TITLE}»").click()
        await expect(plain.locator("[data-envelope=jaen] [data-envelope-total]")).to_contain_text("1 de 2")
        await plain.get_by_label("Número de DNI").fill("41234567")
        await plain.get_by_label("Fecha de nacimiento").fill("1975-11-20")
        await plain.get_by_role("button", name="Enviar mi cédula").click()
        await expect(plain.locator("p.message--success")).to_contain_text("Su cédula está registrada")
    finally:
        await context.close()

    # A clerk enters a paper ballot from a workshop, in the admin.
    clerk = await open_page(reverse("budget_ballots:add"), as_participant=people.clerk)
    await clerk.get_by_label("Provincia de la persona votante").select_option(label="Jaén")
    await clerk.get_by_role("button", name="Continuar").click()
    await clerk.locator("input[name=dni]").fill("40011122")
    await clerk.locator("input[name=birth_date]").fill(date(1969, 8, 30).isoformat())
    await clerk.locator("select[name=channel]").select_option("workshop")
    await clerk.get_by_label(re.compile(re.escape(TITLE))).check()
    await clerk.get_by_role("button", name="Registrar la cédula").click()
    await expect(clerk.locator(".messages")).to_contain_text("Cédula en papel registrada")

    # Voting closes: the count is published, and the winner is followed.
    project_id = await database_sync_to_async(_count_and_follow)(people)
    reader = await open_page(people.url("results"))
    row = reader.locator("main table tr", has_text=TITLE).first
    await expect(row).to_contain_text("3")  # two web ballots and the paper one
    await expect(reader.locator("main table tr", has_text="Canal de riego de Pucará").first).to_contain_text("0")

    # The planning office posts an update; the project's page shows it.
    update = await open_page(f"{reverse('budget_updates:add')}?project={project_id}", as_participant=people.planner)
    await update.locator("textarea[name=text]").fill(UPDATE)
    await update.locator("input[name=date]").fill((timezone.localdate() - timedelta(days=1)).isoformat())
    await update.locator("select[name=status]").select_option("expediente")
    await update.locator("input[name=progress]").fill("15")
    await update.get_by_role("button", name="Publicar la novedad").click()
    await expect(update.locator(".messages")).to_contain_text("Novedad publicada")
    project = await open_page(people.url("followup"))
    await project.get_by_role("link", name=TITLE).first.click()
    await expect(project.locator("main")).to_contain_text(UPDATE)
    await expect(project.locator("main")).to_contain_text("Expediente técnico")
    assert f"/{proposal_id}/" in await author.evaluate("location.pathname")
