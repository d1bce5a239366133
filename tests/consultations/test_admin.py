"""The editors' path through the Wagtail admin: draft, "Revisión" workflow, publish, listing."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from consultations.models import ConsultationPage
from core.models import Territory
from core.roles import EDITORS, REVIEWERS, WORKFLOW
from tests.parsed import soup, text, texts

from .factories import ConsultationPageFactory

pytestmark = pytest.mark.django_db


def _user(username: str, group: str):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "clave-de-prueba-larga")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor():
    return _user("editora", EDITORS)


@pytest.fixture
def reviewer():
    return _user("revisor", REVIEWERS)


def _consultation_form(title: str, *, opens_at, closes_at, sections, action: str | None = None) -> dict:
    data = nested_form_data(
        {
            "title": title,
            "slug": "compromiso-desde-el-admin",
            "summary": "Resumen del compromiso.",
            "problem": rich_text("<p>Problema.</p>"),
            "body": streamfield(
                [
                    ("section", {"heading": heading, "anchor": anchor, "body": rich_text("<p>Texto</p>")})
                    for heading, anchor in sections
                ]
            ),
            "opens_at": timezone.localtime(opens_at).strftime("%Y-%m-%d %H:%M"),
            "closes_at": timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M"),
            "lead_institution": "Gerencia Regional",
            "supporting_actors": "",
            "milestones": inline_formset([]),
        }
    )
    if action:
        data[action] = "1"
    return data


def _add_consultation(client, plan, title: str, **form):
    add_url = reverse("wagtailadmin_pages:add", args=("consultations", "consultationpage", plan.pk))
    return client.post(add_url, _consultation_form(title, **form))


def test_workflow_revision_is_required_and_the_public_never_sees_the_draft(client, home_page, plan, editor, reviewer):
    now = timezone.now()
    client.force_login(editor)

    response = _add_consultation(
        client,
        plan,
        "Compromiso de la editora",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
        sections=[("Objetivo", "")],
        action="action-submit",
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = ConsultationPage.objects.get(slug="compromiso-desde-el-admin")
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))
    assert state.workflow.name == WORKFLOW
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not page.live

    # Editors cannot publish by themselves.
    assert not page.permissions_for_user(editor).can_publish()

    # The public sees nothing while it waits for review.
    client.logout()
    assert client.get(page.url).status_code == 404
    # Nowhere in either document, not only among its cards or items: a draft's title must not leak.
    assert "Compromiso de la editora" not in client.get(home_page.url).content.decode()
    assert "Compromiso de la editora" not in client.get(reverse("consultations:feed-rss")).content.decode()

    # The reviewer approves; the page is published and appears on the home page.
    client.force_login(reviewer)
    task_state = state.current_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)), {"comment": "Bien"}
    )
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    client.logout()
    assert "Compromiso de la editora" in texts(soup(client.get(home_page.url)), "main .card__title a")
    feed = soup(client.get(reverse("consultations:feed-rss")))
    assert "Compromiso de la editora" in texts(feed, "item > title")


def test_admin_refuses_closing_before_opening(client, plan, editor):
    now = timezone.now()
    client.force_login(editor)

    response = _add_consultation(
        client, plan, "Fechas al revés", opens_at=now + timedelta(days=5), closes_at=now, sections=[("Uno", "")]
    )

    errors = soup(response).select_one("[data-contentpath=closes_at] [data-field-errors]")
    assert response.status_code == 200
    assert text(errors) == "La consulta debe cerrar después de abrir."
    assert not ConsultationPage.objects.filter(slug="compromiso-desde-el-admin").exists()


def test_admin_refuses_two_sections_with_the_same_anchor(client, plan, editor):
    now = timezone.now()
    client.force_login(editor)

    response = _add_consultation(
        client,
        plan,
        "Anclas repetidas",
        opens_at=now,
        closes_at=now + timedelta(days=5),
        sections=[("Uno", "metas"), ("Dos", "metas")],
    )

    # The StreamField widget shows each block's errors next to the field they concern.
    (body_error,) = response.context["form"].errors.as_data()["body"]
    anchor_error = body_error.block_errors[1].block_errors["anchor"]
    assert response.status_code == 200
    assert anchor_error.messages == ["El ancla “metas” la usan las secciones “Uno” y “Dos”."]
    assert 0 not in body_error.block_errors
    assert not ConsultationPage.objects.filter(slug="compromiso-desde-el-admin").exists()


def test_admin_refuses_a_commitment_without_sections(client, plan, editor):
    now = timezone.now()
    client.force_login(editor)

    response = _add_consultation(
        client, plan, "Sin secciones", opens_at=now, closes_at=now + timedelta(days=5), sections=[]
    )

    (body_error,) = response.context["form"].errors.as_data()["body"]
    assert response.status_code == 200
    assert body_error.non_block_errors.as_data()[0].messages == ["Un compromiso necesita al menos una sección."]
    assert not ConsultationPage.objects.filter(slug="compromiso-desde-el-admin").exists()


def test_scheduled_publishing_makes_a_page_public_at_go_live_time(client, plan):
    page = ConsultationPageFactory.build(slug="programado", title="Compromiso programado")
    plan.add_child(instance=page)
    page.unpublish()
    page.go_live_at = timezone.now() + timedelta(hours=2)
    page.save_revision().publish()  # with a future go_live_at this only schedules it
    page.refresh_from_db()
    assert not page.live
    assert client.get(page.url).status_code == 404

    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        call_command("publish_scheduled", verbosity=0)
    page.refresh_from_db()

    assert page.live
    assert client.get(page.url).status_code == 200


def test_admin_listing_filters_by_state_plan_and_territory(client, plan, admin_user):
    now = timezone.now()
    jaen = Territory.objects.get(slug="jaen")
    ConsultationPageFactory(parent=plan, title="Abierta en Jaén", territories=[jaen])
    ConsultationPageFactory(
        parent=plan, title="Próxima sin territorio", opens_at=now + timedelta(days=3), closes_at=now + timedelta(days=9)
    )
    client.force_login(admin_user)
    url = reverse("consultation_listing:index")

    def listed(**query) -> set[str]:
        return set(texts(soup(client.get(url, query)), "table tbody td.title [id^=page_][id$=_title]"))

    assert listed(state="open") == {"Abierta en Jaén"}
    assert listed(state="upcoming") == {"Próxima sin territorio"}
    assert listed(territories=jaen.pk) == {"Abierta en Jaén"}
    assert listed(plan=plan.pk) == {"Abierta en Jaén", "Próxima sin territorio"}


def test_admin_listing_ignores_an_unknown_state(client, plan, admin_user):
    ConsultationPageFactory(parent=plan, title="Abierta en Jaén")
    client.force_login(admin_user)

    response = client.get(reverse("consultation_listing:index"), {"state": "borrado", "plan": "no-es-un-id"})

    assert response.status_code == 200


def test_revisions_can_be_compared(client, plan, admin_user):
    page = ConsultationPageFactory(parent=plan, title="Primera versión")
    first = page.save_revision()
    page.title = "Segunda versión"
    second = page.save_revision()
    client.force_login(admin_user)

    response = client.get(reverse("wagtailadmin_pages:revisions_compare", args=(page.pk, first.pk, second.pk)))

    rows = soup(response).select("tbody tr")
    changes = {text(row.select_one("td.title")): row.select_one("td.comparison") for row in rows}
    assert response.status_code == 200
    assert texts(changes["Título:"], ".deletion") == ["Primera"]
    assert texts(changes["Título:"], ".addition") == ["Segunda"]


def test_preview_renders_the_draft_for_editors(client, plan, admin_user):
    page = ConsultationPageFactory(parent=plan)
    client.force_login(admin_user)

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=(page.pk,)))

    assert response.status_code == 200
    assert text(soup(response).select_one("main h1")) == page.title


def test_root_page_has_the_revision_workflow():
    assert Page.get_first_root_node().get_workflow().name == WORKFLOW
