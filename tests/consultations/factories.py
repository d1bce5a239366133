from datetime import timedelta

import factory
import wagtail_factories
from django.utils import timezone

from consultations.models import ActionPlanPage, ConsultationPage, PlanIndexPage


class PlanIndexPageFactory(wagtail_factories.PageFactory):
    title = "Planes de acción"
    slug = "planes"

    class Meta:
        model = PlanIndexPage


class ActionPlanPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Plan de Acción de Gobierno Abierto {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    period_start = 2025
    period_end = 2027
    lead_agency = "Gobierno Regional de Cajamarca"

    class Meta:
        model = ActionPlanPage


def section(heading: str, anchor: str = "", text: str = "<p>Texto de la sección.</p>"):
    return ("section", {"heading": heading, "anchor": anchor, "body": text})


class ConsultationPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Compromiso {n}")
    slug = factory.Sequence(lambda n: f"compromiso-{n}")
    summary = "Un borrador de compromiso para comentar."
    problem = "<p>El problema que aborda.</p>"
    body = factory.LazyFunction(lambda: [section("Objetivo", "objetivo"), section("Actividades", "actividades")])
    lead_institution = "Gerencia Regional de Planeamiento"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))

    class Meta:
        model = ConsultationPage
