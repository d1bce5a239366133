"""A demonstration forum: categories, a few topics with replies from civil society and
the government, a past meeting with its minutes and an upcoming one. Idempotent."""

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Page

from core.models import Territory
from discussions import services as discussion_services
from forum import services
from forum.models import ForumCategory, ForumMeetingPage, ForumMember, ForumPage, MeetingAttendance, Topic

from . import discussions as discussions_demo

CATEGORIES = [
    ("plan-de-accion", "Plan de acción", "El plan de acción de gobierno abierto: compromisos, avances y evaluación."),
    (
        "presupuesto-participativo",
        "Presupuesto participativo",
        "Fases, acuerdos y seguimiento del presupuesto participativo.",
    ),
    (
        "audiencias-publicas",
        "Audiencias públicas",
        "Preparación y acuerdos de las audiencias públicas de rendición de cuentas.",
    ),
    (
        "propuestas-sociedad-civil",
        "Propuestas de la sociedad civil",
        "Propuestas que las organizaciones traen al foro.",
    ),
]
MEMBERS = [
    ("Gerencia Regional de Planeamiento (demo)", "Gobierno Regional de Cajamarca", "government", "titular"),
    ("Oficina de Integridad (demo)", "Gobierno Regional de Cajamarca", "government", "titular"),
    ("Observatorio Ciudadano de Integridad (demo)", "", "civil_society", "titular"),
    ("Mesa de Concertación Provincial (demo)", "", "civil_society", "titular"),
    ("Universidad Regional (demo)", "", "academia", "titular"),
    ("Cámara de Comercio (demo)", "", "private_sector", "alterno"),
]
RULES = (
    "<p>El foro se reúne al menos cada seis meses. Sus reuniones son públicas y sus actas se publican "
    "en esta página en un plazo de quince días.</p><ul><li>La mitad de sus miembros, como mínimo, no "
    "pertenece al gobierno.</li><li>Las decisiones se toman por consenso; si no lo hay, se deja constancia "
    "de cada posición en el acta.</li><li>Cualquier persona registrada puede abrir temas y responder.</li></ul>"
)
# (category, starter, title, text, provinces, [(who, reply)])
TOPICS = [
    (
        "audiencias-publicas",
        "observatorio",
        "Fechas de las audiencias públicas en las provincias",
        "Proponemos publicar con un mes de anticipación el calendario de audiencias en las 13 provincias, "
        "con la información presupuestal en formato abierto una semana antes.",
        ["jaen", "chota", "cutervo"],
        [
            (
                "gobierno",
                "El calendario se publicará el 15 de cada mes anterior; la información estará en datos abiertos.",
            ),
            (
                "mesa",
                "Pedimos que en Jaén y San Ignacio haya también una sesión en la tarde, "
                "para quienes trabajan en el campo.",
            ),
        ],
    ),
    (
        "presupuesto-participativo",
        "mesa",
        "¿Cómo se eligen los agentes participantes?",
        "En varias provincias los agentes participantes son siempre los mismos. ¿Podemos acordar reglas de "
        "rotación y una cuota para organizaciones de mujeres y de jóvenes?",
        ["cajamarca", "celendin"],
        [("universidad", "Podemos aportar un análisis de la participación de los últimos cinco años.")],
    ),
    (
        "plan-de-accion",
        "camara",
        "Indicadores del compromiso de datos abiertos de obras",
        "Sugerimos medir el porcentaje de obras con expediente técnico publicado y el tiempo de respuesta "
        "a las solicitudes de información.",
        [],
        [],
    ),
]


def seed(home: Page) -> ForumPage:
    forum = ForumPage.objects.child_of(home).first()
    if forum is None:
        forum = ForumPage(
            title="Foro multiactor de gobierno abierto",
            slug="foro",
            intro=(
                "<p>Espacio permanente de diálogo entre el Gobierno Regional y la sociedad civil "
                "(contenido de demostración).</p>"
            ),
            rules=RULES,
        )
        for order, (name, organisation, sector, role) in enumerate(MEMBERS):
            forum.members.add(
                ForumMember(name=name, organisation=organisation, sector=sector, role=role, sort_order=order)
            )
        home.add_child(instance=forum)
        forum.save_revision().publish()
    for order, (slug, name, description) in enumerate(CATEGORIES):
        ForumCategory.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "sort_order": order}
        )
    _seed_meetings(forum)
    if not Topic.objects.filter(forum=forum).exists():
        _seed_topics(forum)
    return forum


def _seed_meetings(forum: ForumPage) -> None:
    if ForumMeetingPage.objects.child_of(forum).exists():
        return
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    past = ForumMeetingPage(
        title="Primera sesión ordinaria del foro",
        slug="primera-sesion-ordinaria",
        starts_at=now - timedelta(days=60, hours=2),
        ends_at=now - timedelta(days=60),
        place="Auditorio del Gobierno Regional, Cajamarca",
        agenda=(
            "<ol><li>Instalación del foro</li><li>Aprobación del reglamento</li>"
            "<li>Cronograma del plan de acción</li></ol>"
        ),
        minutes="<p>Se instaló el foro con la asistencia de 24 personas. Se aprobó el reglamento por consenso.</p>",
        decisions=(
            "<ul><li>Reuniones ordinarias cada seis meses.</li>"
            "<li>Consulta pública de los compromisos durante 30 días.</li></ul>"
        ),
    )
    forum.add_child(instance=past)
    for sector, count in (("government", 8), ("civil_society", 10), ("academia", 4), ("private_sector", 2)):
        past.attendance.add(MeetingAttendance(sector=sector, count=count))
    past.save_revision().publish()
    upcoming = ForumMeetingPage(
        title="Segunda sesión ordinaria del foro",
        slug="segunda-sesion-ordinaria",
        starts_at=now + timedelta(days=20),
        ends_at=now + timedelta(days=20, hours=3),
        place="Municipalidad Provincial de Jaén",
        online_url="https://example.org/reunion-foro",
        agenda="<ol><li>Avance de los compromisos</li><li>Resultados de la consulta pública</li></ol>",
    )
    forum.add_child(instance=upcoming)
    upcoming.save_revision().publish()


def _seed_topics(forum: ForumPage) -> None:
    people = discussions_demo.demo_participants()
    categories = {category.slug: category for category in ForumCategory.objects.all()}
    for category, starter, title, text, provinces, replies in TOPICS:
        topic = services.topic_create(
            forum=forum,
            author=people[starter].user,
            category=categories[category],
            title=title,
            text=text,
            territories=Territory.objects.filter(slug__in=provinces),
        )
        for who, reply in replies:
            discussion_services.contribution_create(
                target=topic, author=people[who].user, text=reply, official=who == "gobierno", check_rules=False
            )
    first = Topic.objects.filter(forum=forum).order_by("pk").first()
    if first is not None:
        first.pinned = True
        first.save(update_fields=["pinned"])
