"""Demonstration plan and six draft commitments, from the regional government's priorities.

Idempotent: pages are found by slug and left as they are when they exist.
"""

from datetime import date, datetime, timedelta

from django.utils import timezone

from cocrea.models import HomePage
from consultations.models import (
    ActionPlanPage,
    ConsultationMilestone,
    ConsultationPage,
    OgpValue,
    PlanIndexPage,
    PlanMilestone,
)
from core.models import Territory

from .site import ensure_translation

PLAN_SLUG = "plan-gobierno-abierto-2025-2027"
ALL = "all"

CONSULTATIONS = [
    {
        "slug": "presupuesto-participativo",
        "title": "Plataforma «Cajamarca Democrática y Participativa» para el presupuesto participativo",
        "summary": (
            "Una plataforma digital y presencial para que la ciudadanía de las 13 provincias proponga, "
            "priorice y vigile los proyectos del presupuesto participativo regional."
        ),
        "problem": (
            "<p>El presupuesto participativo se concentra en talleres presenciales en la capital regional: "
            "las provincias alejadas participan poco y el seguimiento de los acuerdos es difícil.</p>"
        ),
        "sections": [
            ("Objetivo", "<p>Abrir todas las fases del presupuesto participativo a las 13 provincias.</p>"),
            (
                "Actividades",
                "<ul><li>Registro de agentes participantes en línea y en las municipalidades.</li>"
                "<li>Priorización de proyectos por provincia, con voto en línea y en mesas.</li>"
                "<li>Tablero público de avance físico y financiero de cada proyecto.</li></ul>",
            ),
            ("Resultados esperados", "<p>Más participación de las provincias y acuerdos verificables.</p>"),
        ],
        "values": ["civic_participation", "technology_and_innovation"],
        "territories": ALL,
        "lead": "Gerencia Regional de Planeamiento, Presupuesto y Acondicionamiento Territorial",
        "actors": "Mesa de Concertación para la Lucha contra la Pobreza\nMunicipalidades provinciales",
        "window": (-10, 20),
    },
    {
        "slug": "audiencias-publicas",
        "title": "Audiencias públicas de rendición de cuentas por múltiples canales y medios",
        "summary": (
            "Audiencias públicas descentralizadas, transmitidas por radio, televisión e internet, con "
            "preguntas recibidas por todos los canales y respondidas en público."
        ),
        "problem": "<p>Las audiencias se realizan en un solo lugar y muchas preguntas quedan sin respuesta.</p>",
        "sections": [
            ("Objetivo", "<p>Que cualquier persona pueda preguntar y recibir respuesta en una audiencia.</p>"),
            (
                "Canales",
                "<ul><li>Radios locales en quechua y castellano.</li><li>Transmisión en vivo.</li>"
                "<li>Mesas de recepción de preguntas en cada provincia.</li></ul>",
            ),
            ("Seguimiento", "<p>Un informe público con cada pregunta y su respuesta a los 30 días.</p>"),
        ],
        "values": ["public_accountability", "civic_participation"],
        "territories": ["cajamarca", "jaen", "chota", "cutervo", "celendin"],
        "lead": "Secretaría General del Gobierno Regional",
        "actors": "Proética, capítulo peruano de Transparencia Internacional\nRadios comunitarias",
        "window": (-20, 5),
    },
    {
        "slug": "integridad-inversion-publica",
        "title": "Integridad y transparencia en la inversión pública",
        "summary": (
            "Publicar cada etapa de los proyectos de inversión —expediente, contratación, ejecución y "
            "liquidación— y un canal de alertas ciudadanas sobre irregularidades."
        ),
        "problem": "<p>La información de las obras está dispersa y las alertas ciudadanas no tienen curso.</p>",
        "sections": [
            ("Objetivo", "<p>Reducir los riesgos de corrupción en la inversión pública regional.</p>"),
            ("Alertas ciudadanas", "<p>Un canal confidencial con plazos de respuesta publicados.</p>"),
            ("Control social", "<p>Veedurías ciudadanas capacitadas en cada provincia.</p>"),
        ],
        "values": ["public_accountability", "access_to_information"],
        "territories": ALL,
        "lead": "Oficina Regional de Integridad Institucional",
        "actors": "Proética\nContraloría General de la República (órgano de control institucional)",
        "window": (-3, 30),
    },
    {
        "slug": "planificacion-territorial",
        "title": "Participación ciudadana en la planificación territorial e institucional",
        "summary": (
            "Incorporar a la sociedad civil en la elaboración del Plan de Desarrollo Regional Concertado y "
            "de los planes institucionales, con consultas abiertas en cada etapa."
        ),
        "problem": "<p>Los planes se elaboran con poca participación fuera de la administración.</p>",
        "sections": [
            ("Objetivo", "<p>Planes regionales elaborados con participación efectiva.</p>"),
            ("Mecanismos", "<p>Consultas por etapa, talleres provinciales y devolución pública.</p>"),
        ],
        "values": ["civic_participation"],
        "territories": ["san-ignacio", "san-marcos", "san-miguel", "san-pablo", "santa-cruz"],
        "lead": "Gerencia Regional de Planeamiento, Presupuesto y Acondicionamiento Territorial",
        "actors": "Universidad Nacional de Cajamarca\nColegios profesionales",
        "window": (14, 45),
    },
    {
        "slug": "datos-abiertos-obras",
        "title": "Datos abiertos de obras públicas",
        "summary": "Publicar en formatos abiertos los datos de todas las obras públicas regionales.",
        "problem": "<p>Los datos de obras se publican en documentos escaneados que no se pueden reutilizar.</p>",
        "sections": [
            ("Objetivo", "<p>Datos de obras reutilizables por periodistas, academia y ciudadanía.</p>"),
            ("Conjuntos de datos", "<p>Proyectos, contratos, avances y pagos, actualizados cada mes.</p>"),
        ],
        "values": ["access_to_information", "technology_and_innovation"],
        "territories": ALL,
        "lead": "Oficina de Tecnologías de la Información",
        "actors": "Universidad Nacional de Cajamarca",
        "window": (-40, -10),
    },
    {
        "slug": "acceso-informacion-publica",
        "title": "Acceso a la información pública",
        "summary": (
            "Responder las solicitudes de acceso a la información dentro del plazo legal y publicar las "
            "respuestas, con seguimiento en línea de cada solicitud."
        ),
        "problem": "<p>Muchas solicitudes se responden fuera de plazo y no se sabe en qué estado están.</p>",
        "sections": [
            ("Objetivo", "<p>Cumplir el plazo legal en todas las solicitudes de información.</p>"),
            ("Seguimiento en línea", "<p>Cada solicitud con un código y su estado público.</p>"),
            ("Transparencia activa", "<p>Publicar lo que más se pide, antes de que se pida.</p>"),
        ],
        "values": ["access_to_information"],
        "territories": ALL,
        "lead": "Oficina de Transparencia y Acceso a la Información",
        "actors": "Defensoría del Pueblo (oficina defensorial de Cajamarca)",
        "window": (-5, 25),
    },
]


PARTICIPATORY_BUDGET_EN = {
    "title": "“Cajamarca Democrática y Participativa”: a platform for the participatory budget",
    "summary": (
        "A digital and face-to-face platform for people in all 13 provinces to propose, prioritise and "
        "monitor the projects of the regional participatory budget."
    ),
}


def _end_of_day_in_lima(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(hour=23, minute=59, second=0, microsecond=0)


def _body(sections):
    return [("section", {"heading": heading, "anchor": "", "body": text}) for heading, text in sections]


def _publish(page):
    page.save_revision().publish()
    return page


def seed(home: HomePage) -> ActionPlanPage:
    index = PlanIndexPage.objects.child_of(home).first()
    if index is None:
        index = PlanIndexPage(title="Planes de acción", slug="planes")
        home.add_child(instance=index)
        _publish(index)

    plan = ActionPlanPage.objects.child_of(index).filter(slug=PLAN_SLUG).first()
    if plan is None:
        today = date.today()
        plan = ActionPlanPage(
            title="Plan de Acción de Gobierno Abierto de Cajamarca 2025–2027",
            slug=PLAN_SLUG,
            period_start=2025,
            period_end=2027,
            stage=ActionPlanPage.Stage.IN_CONSULTATION,
            introduction=(
                "<p><b>Contenido de demostración.</b> El Gobierno Regional co-crea su plan de acción con la "
                "sociedad civil: estos borradores de compromisos están abiertos a comentarios.</p>"
            ),
            lead_agency="Gobierno Regional de Cajamarca — Gerencia Regional de Planeamiento",
            contact_name="Equipo de Gobierno Abierto",
            contact_email="gobiernoabierto@example.org",
        )
        plan.timeline = [
            PlanMilestone(date=today - timedelta(days=45), kind="announcement", title="Convocatoria pública"),
            PlanMilestone(
                date=today - timedelta(days=20),
                end_date=today + timedelta(days=45),
                kind="consultation",
                title="Consulta pública de los borradores",
            ),
            PlanMilestone(date=today + timedelta(days=50), kind="forum_meeting", title="Sesión del foro multiactor"),
            PlanMilestone(date=today + timedelta(days=75), kind="adoption", title="Aprobación del plan"),
        ]
        index.add_child(instance=plan)
        _publish(plan)

    territories = list(Territory.objects.all())
    values = {value.code: value for value in OgpValue.objects.all()}
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for spec in CONSULTATIONS:
        if ConsultationPage.objects.child_of(plan).filter(slug=spec["slug"]).exists():
            continue
        opens_in, closes_in = spec["window"]
        page = ConsultationPage(
            title=spec["title"],
            slug=spec["slug"],
            summary=spec["summary"],
            problem=spec["problem"],
            body=_body(spec["sections"]),
            lead_institution=spec["lead"],
            supporting_actors=spec["actors"],
            opens_at=now + timedelta(days=opens_in),
            closes_at=_end_of_day_in_lima(now + timedelta(days=closes_in)),
        )
        page.milestones = [
            ConsultationMilestone(title="Diseño", due_date=date.today() + timedelta(days=120)),
            ConsultationMilestone(title="Implementación", due_date=date.today() + timedelta(days=365)),
        ]
        chosen = (
            territories if spec["territories"] == ALL else [t for t in territories if t.slug in spec["territories"]]
        )
        page.territories = chosen
        page.ogp_values = [values[code] for code in spec["values"]]
        plan.add_child(instance=page)
        _publish(page)

    _translate_first_consultation(plan)
    return plan


def _translate_first_consultation(plan: ActionPlanPage) -> None:
    """An English version of one commitment, to show translation at work."""
    page = ConsultationPage.objects.child_of(plan).filter(slug="presupuesto-participativo").first()
    if page is not None:
        ensure_translation(page, "en", PARTICIPATORY_BUDGET_EN)
