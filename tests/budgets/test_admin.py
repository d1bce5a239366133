"""The technical team's evaluation screen in the admin: it records through the service,
shows a refusal as the form's error, and is closed to staff without the permission."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from budgets.models import Viability

from . import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def pending(home_page, author):
    edition = factories.edition(home_page, phase="evaluation")
    return factories.proposal(edition, author.user, title="Puente de Choros", viability="pending")


def test_the_technical_team_evaluates_a_proposal_from_the_admin(
    client, pending, technician, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("budget_proposals:edit", args=[pending.pk])
    client.force_login(technician)

    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"viability": "viable", "evaluation_reason": "Caudal suficiente.", "evaluated_cost": "450", "cui": ""}
        )

    pending.refresh_from_db()
    assert response.status_code == 302
    assert (pending.viability, pending.evaluated_cost, pending.evaluated_by) == (Viability.VIABLE, 450, technician)
    assert [message.to for message in mailoutbox] == [[pending.author.email]]


def test_a_refused_evaluation_comes_back_as_the_forms_error(client, pending, technician):
    client.force_login(technician)

    response = client.post(
        reverse("budget_proposals:edit", args=[pending.pk]),
        {"viability": "viable", "evaluation_reason": "Sin costo.", "evaluated_cost": "", "cui": ""},
    )

    pending.refresh_from_db()
    page = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200 and pending.viability == Viability.PENDING
    # The admin speaks the staff member's language: Spanish, the site's first.
    assert "Una propuesta viable necesita su costo evaluado." in " ".join(page.get_text().split())


def test_staff_without_the_permission_cannot_evaluate(client, pending, clerk):
    client.force_login(clerk)

    response = client.post(
        reverse("budget_proposals:edit", args=[pending.pk]),
        {"viability": "not_viable", "evaluation_reason": "No.", "evaluated_cost": "", "cui": ""},
    )

    pending.refresh_from_db()
    assert response.status_code in (302, 403) and pending.viability == Viability.PENDING
