from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from wagtail.test.utils import WagtailPageTestCase

from cocrea.models import HomePage
from consultations.models import ActionPlanPage, ConsultationPage, ConsultationState, PlanIndexPage, PlanMilestone
from tests.parsed import soup, text

from .factories import ConsultationPageFactory, section

pytestmark = pytest.mark.django_db

OPENS = datetime(2026, 3, 1, 13, 0, tzinfo=UTC)
CLOSES = datetime(2026, 3, 31, 23, 0, tzinfo=UTC)


class PageTreeTests(WagtailPageTestCase):
    def test_plan_index_lives_under_the_home_page(self):
        self.assertCanCreateAt(HomePage, PlanIndexPage)
        self.assertAllowedParentPageTypes(PlanIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(PlanIndexPage, {ActionPlanPage})

    def test_a_consultation_can_only_be_created_inside_a_plan(self):
        self.assertAllowedParentPageTypes(ConsultationPage, {ActionPlanPage})
        self.assertCanNotCreateAt(PlanIndexPage, ConsultationPage)
        self.assertCanNotCreateAt(HomePage, ConsultationPage)
        self.assertAllowedSubpageTypes(ConsultationPage, {})


@pytest.mark.parametrize(
    ("moment", "state"),
    [
        (OPENS - timedelta(seconds=1), "upcoming"),
        (OPENS, "open"),
        (CLOSES - timedelta(seconds=1), "open"),
        (CLOSES, "closed"),
        (CLOSES + timedelta(days=400), "closed"),
    ],
)
def test_state_follows_the_consultation_window(plan, moment, state):
    page = ConsultationPageFactory(parent=plan, opens_at=OPENS, closes_at=CLOSES)

    with time_machine.travel(moment, tick=False):
        assert page.state == state


def test_closing_before_opening_is_refused(plan):
    with pytest.raises(ValidationError) as error:
        ConsultationPageFactory(parent=plan, opens_at=CLOSES, closes_at=OPENS)

    assert "La consulta debe cerrar después de abrir." in str(error.value)


def test_blank_anchors_are_made_from_headings_and_kept_through_edits(plan):
    page = ConsultationPageFactory(parent=plan, body=[section("Objetivo general"), section("Actividades")])
    assert [s["anchor"] for s in page.sections] == ["objetivo-general", "actividades"]

    # The editor renames and re-orders the sections: the anchors travel with them.
    page.body = [
        ("section", {**page.body[1].value, "heading": "Actividades principales"}),
        ("section", {**page.body[0].value, "heading": "Objetivo"}),
    ]
    page.save_revision().publish()
    page = ConsultationPage.objects.get(pk=page.pk)

    assert [(s["heading"], s["anchor"]) for s in page.sections] == [
        ("Actividades principales", "actividades"),
        ("Objetivo", "objetivo-general"),
    ]


def test_same_heading_twice_gets_distinct_anchors(plan):
    page = ConsultationPageFactory(parent=plan, body=[section("Metas"), section("Metas")])

    assert [s["anchor"] for s in page.sections] == ["metas", "metas-2"]


def test_anchor_collision_is_refused_with_a_clear_message(plan):
    with pytest.raises(ValidationError) as error:
        ConsultationPageFactory(parent=plan, body=[section("Uno", "metas"), section("Dos", "metas")])

    assert "El ancla “metas” la usan las secciones “Uno” y “Dos”." in str(error.value)


def test_a_commitment_without_sections_is_refused(plan):
    with pytest.raises(ValidationError):
        ConsultationPageFactory(parent=plan, body=[])


def test_plan_period_must_be_in_order(plan):
    plan.period_end = 2020
    with pytest.raises(ValidationError):
        plan.full_clean()


def test_dates_are_stored_in_utc_and_shown_in_lima(client, plan):
    page = ConsultationPageFactory(parent=plan, slug="horario", opens_at=OPENS, closes_at=CLOSES)

    with time_machine.travel(OPENS + timedelta(days=1), tick=False):
        status = text(soup(client.get(page.url)).select_one("main .consultation-status"))

    assert ConsultationPage.objects.get(slug="horario").closes_at == CLOSES  # 23:00 UTC
    assert "31 de marzo de 2026 a las 18:00" in status  # 18:00 in Lima


def test_a_milestone_cannot_end_before_it_starts(plan):
    milestone = PlanMilestone(page=plan, date=date(2026, 5, 10), end_date=date(2026, 5, 1), title="Consulta")

    with pytest.raises(ValidationError) as error:
        milestone.full_clean()

    assert "La fecha de fin no puede ser anterior a la fecha de inicio." in str(error.value)


def test_plan_stage_and_consultation_state_agree_in_gender_in_spanish():
    assert str(ActionPlanPage.Stage.CLOSED.label) == "Cerrado"  # el plan
    assert str(ConsultationState.CLOSED.label) == "Cerrada"  # la consulta
