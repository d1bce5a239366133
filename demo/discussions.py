"""Demonstration participants and contributions, clearly marked as examples.

Idempotent: participants are found by e-mail and a consultation that already has
contributions is left alone. The organisations are fictional stand-ins for the kinds of
partners the regional government works with.
"""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.models import Participant
from accounts.services import participant_create
from consultations.models import ActionPlanPage, ConsultationPage
from core.models import Territory
from core.roles import GOVERNMENT
from discussions import services
from discussions.models import contributions_of

PEOPLE = {
    "observatorio": (
        "observatorio@example.org",
        "Observatorio Ciudadano de Integridad (demo)",
        "civil_society",
        "cajamarca",
        "Observatorio Ciudadano de Integridad (demo)",
    ),
    "mesa": (
        "mesa@example.org",
        "Mesa de Concertación Provincial de Jaén (demo)",
        "civil_society",
        "jaen",
        "Mesa de Concertación Provincial (demo)",
    ),
    "rosa": ("rosa@example.org", "Rosa Huamán", "citizen", "chota", ""),
    "universidad": (
        "investigacion@example.org",
        "Grupo de investigación en gestión pública (demo)",
        "academia",
        "cajamarca",
        "Universidad regional (demo)",
    ),
    "camara": (
        "camara@example.org",
        "Cámara de Comercio (demo)",
        "private_sector",
        "san-ignacio",
        "Cámara de Comercio (demo)",
    ),
    "gobierno": (
        "planeamiento@example.org",
        "Gerencia Regional de Planeamiento",
        "government",
        "cajamarca",
        "Gobierno Regional de Cajamarca",
    ),
}

# (who, section, text, replies: [(who, text, official)], reactions: [(who, kind)])
OPEN_DISCUSSION = [
    (
        "mesa",
        "actividades",
        "Proponemos que las mesas de priorización se instalen también en los distritos de frontera de "
        "**San Ignacio** y **Jaén**, con traducción cuando haga falta. Muchas comunidades no tienen internet estable.",
        [
            (
                "rosa",
                "En Chota pasa lo mismo: el registro en línea no basta, se necesita registro en la municipalidad.",
                False,
            ),
            (
                "gobierno",
                "Gracias. Evaluamos instalar mesas itinerantes en las 13 provincias; "
                "el costo se presentará en la sesión del foro.",
                True,
            ),
        ],
        [("rosa", "support"), ("observatorio", "support"), ("camara", "support")],
    ),
    (
        "observatorio",
        "resultados-esperados",
        "El tablero de avance debe publicar los datos en formato abierto (CSV) y con la fecha de cada "
        "actualización. Sin fechas no se puede vigilar.\n\n- avance físico\n- avance financiero\n- contratista",
        [("universidad", "Coincidimos. Podemos ayudar con el diseño de los indicadores.", False)],
        [("universidad", "support"), ("mesa", "support")],
    ),
    (
        "camara",
        "",
        "Sugerimos incluir a las asociaciones de productores en la priorización: "
        "conocen las necesidades de vías rurales.",
        [],
        [("rosa", "disagree")],
    ),
]

CLOSED_DISCUSSION = [
    (
        "observatorio",
        "Publicar todos los contratos de obras con su adenda, no solo el contrato inicial.",
        "accepted",
        "Se incorpora al hito 2: se publicarán contratos y adendas en el portal de datos abiertos.",
    ),
    (
        "mesa",
        "Que el portal funcione bien en celulares con poca señal.",
        "partially_accepted",
        "El portal tendrá una versión ligera; la descarga de planos seguirá requiriendo conexión estable.",
    ),
    (
        "rosa",
        "Pedimos que se construya un hospital en Chota.",
        "out_of_scope",
        "Es una obra, no un compromiso de gobierno abierto; se trasladó al presupuesto participativo.",
    ),
]


def demo_participants() -> dict[str, Participant]:
    people = {}
    for key, (email, name, sector, territory, organisation) in PEOPLE.items():
        participant = Participant.objects.filter(user__email=email).first()
        if participant is None:
            participant = participant_create(
                email=email,
                password=get_random_string(24),
                display_name=name,
                sector=sector,
                territory=territory,
                organisation_name=organisation,
                confirmed=True,
                verify_new_organisation=True,
            )
        people[key] = participant
    government, _ = Group.objects.get_or_create(name=GOVERNMENT)
    people["gobierno"].user.groups.add(government)
    return people


def ensure_staff_participant(user) -> Participant:
    """Let the demo administrator take part too, as the government's open-government team."""
    participant = Participant.objects.filter(user=user).first()
    if participant is None:
        participant = Participant.objects.create(
            user=user,
            display_name="Equipo de Gobierno Abierto (demo)",
            sector="government",
            territory=Territory.objects.get(slug="cajamarca"),
            terms_accepted_at=timezone.now(),
            email_confirmed_at=timezone.now(),
        )
    user.groups.add(Group.objects.get_or_create(name=GOVERNMENT)[0])
    return participant


def seed(plan: ActionPlanPage) -> None:
    people = demo_participants()
    pages = {page.slug: page for page in ConsultationPage.objects.child_of(plan).specific()}
    open_page, closed_page = pages.get("presupuesto-participativo"), pages.get("datos-abiertos-obras")
    if open_page is not None and not contributions_of(open_page).exists():
        _seed_open(open_page, people)
    if closed_page is not None and not contributions_of(closed_page).exists():
        _seed_closed(closed_page, people)


def _seed_open(page: ConsultationPage, people) -> None:
    anchors = {section["anchor"] for section in page.sections}
    moment = page.opens_at + timedelta(hours=3)
    for who, section, text, replies, reactions in OPEN_DISCUSSION:
        moment += timedelta(hours=7)
        top = services.contribution_create(
            target=page,
            author=people[who].user,
            text=text,
            section_anchor=section if section in anchors else "",
            submitted_at=moment,
            check_rules=False,
        )
        for reply_author, reply_text, official in replies:
            moment += timedelta(hours=2)
            services.contribution_create(
                target=page,
                author=people[reply_author].user,
                text=reply_text,
                parent=top,
                official=official,
                submitted_at=moment,
                check_rules=False,
            )
        for reactor, kind in reactions:
            services.reaction_set(contribution=top, user=people[reactor].user, kind=kind)


def _seed_closed(page: ConsultationPage, people) -> None:
    moment = page.opens_at + timedelta(days=1)
    for who, text, status, reason in CLOSED_DISCUSSION:
        moment += timedelta(hours=9)
        contribution = services.contribution_create(
            target=page, author=people[who].user, text=text, submitted_at=moment, check_rules=False
        )
        services.response_record(
            contribution=contribution, status=status, text=reason, responder=people["gobierno"].user
        )
