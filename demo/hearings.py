"""Demonstration public hearings: one held ten days ago, with its minutes, its recording,
questions from every channel answered in the room, in writing, set aside, and one still
awaiting its written answer, and its commitments; and one in twelve days, open for
questions. Idempotent: a hearing found by its slug is left as it is."""

from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page

from core.models import Territory
from discussions import services as discussion_services
from hearings import registrations, services
from hearings.models import (
    HearingAgendaItem,
    HearingCommitment,
    HearingDocument,
    HearingIndexPage,
    HearingPage,
    HearingRadioStation,
    HearingTopic,
    RegistrationKind,
    SpeakerStatus,
)

from . import discussions as discussions_demo

PAST_SLUG = "audiencia-rendicion-cuentas-2026-i"
UPCOMING_SLUG = "audiencia-rendicion-cuentas-2026-ii"
TOPICS = ["Salud", "Educación", "Agua y saneamiento", "Carreteras y transporte", "Agricultura"]
RADIO = [
    ("Radio Cajamarca", "101.1 FM", "Cajamarca, San Marcos, Cajabamba"),
    ("Radio Marañón", "96.1 FM", "Jaén y San Ignacio"),
    ("Radio Chota", "1540 AM", "Chota, Cutervo, Hualgayoc"),
]
RULES = (
    "<p>La audiencia es pública y gratuita. Para asistir basta inscribirse; para hacer uso de la palabra, "
    "inscríbase como orador con el tema de su intervención hasta dos días antes. La comisión organizadora "
    "confirma a los oradores y publica el orden; cada orador dispone de tres minutos.</p>"
)

# (who: a demo participant or (channel, name given, province), topic, text, outcome, supporters)
# outcome: ("room", short answer, seconds in the recording) | ("writing", answer) | ("scope", reason) | ("pending",)
PAST_QUESTIONS = [
    (
        "rosa",
        "Salud",
        "¿Cuándo tendrá el hospital de Chota los especialistas que se anunciaron el año pasado?",
        ("room", "La Dirección Regional de Salud contrató dos especialistas; llegan en agosto.", 2710),
        ["mesa", "observatorio", "camara", "universidad"],
    ),
    (
        ("radio", "Juan Carlos, de Bambamarca", "hualgayoc"),
        "Carreteras y transporte",
        "La carretera Bambamarca–Chota está sin mantenimiento desde enero. ¿Quién responde?",
        ("room", "", 3335),
        ["rosa", "mesa"],
    ),
    (
        ("paper", "", "cutervo"),
        "Educación",
        "¿Por qué el colegio de Santo Domingo de la Capilla sigue sin techo después de las lluvias?",
        ("writing", "La obra de reposición está en expediente técnico; se licita en el tercer trimestre."),
        ["observatorio"],
    ),
    (
        ("whatsapp", "María E.", "jaen"),
        "Agua y saneamiento",
        "En el sector Fila Alta el agua llega dos horas al día. ¿Qué hará el Gobierno Regional?",
        ("pending",),
        ["rosa", "camara"],
    ),
    (
        ("phone", "Pedro Huamán", "san-miguel"),
        "Agricultura",
        "¿Habrá semillas certificadas para la campaña de papa en San Miguel?",
        ("writing", "La Dirección Regional Agraria distribuirá semillas desde setiembre en las agencias agrarias."),
        [],
    ),
    (
        ("social_media", "", "cajamarca"),
        "",
        "¿Por qué la municipalidad distrital no recoge la basura de mi barrio?",
        ("scope", "Es competencia de la municipalidad distrital; se trasladó la pregunta a su alcaldía."),
        [],
    ),
]
UPCOMING_QUESTIONS = [
    ("mesa", "Salud", "¿Cuántas postas de Jaén tendrán médico permanente este año?", ["rosa", "observatorio"]),
    ("observatorio", "", "¿Se publicará el avance de cada obra con su contratista y sus adendas?", ["mesa"]),
    ("rosa", "Educación", "¿Cuándo llegan las tabletas prometidas a las escuelas rurales de Chota?", []),
]
COMMITMENTS = [
    (
        "Publicar el avance físico y financiero de cada obra en datos abiertos.",
        "Gerencia de Infraestructura",
        60,
        "in_progress",
    ),
    ("Instalar una mesa itinerante de la Dirección de Salud en Chota.", "Dirección Regional de Salud", 30, "done"),
    ("Presentar el plan de mantenimiento de la carretera Bambamarca–Chota.", "Dirección de Transportes", -5, "pending"),
]


def seed(home: Page, staff) -> HearingIndexPage:
    index = HearingIndexPage.objects.child_of(home).first()
    if index is None:
        index = HearingIndexPage(
            title="Audiencias públicas",
            slug="audiencias",
            intro=(
                "<p>Las audiencias públicas de rendición de cuentas del Gobierno Regional (contenido de "
                "demostración): pregunte por la web, por teléfono o WhatsApp durante la transmisión radial, o en "
                "una tarjeta en la sala.</p>"
            ),
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    people = discussions_demo.demo_participants()
    if not HearingPage.objects.filter(slug=PAST_SLUG).exists():
        _seed_past(index, people, staff)
    if not HearingPage.objects.filter(slug=UPCOMING_SLUG).exists():
        _seed_upcoming(index, people)
    return index


def _report(title: str, body: str):
    document = get_document_model()(title=title)
    document.file.save(f"{title.lower().replace(' ', '-')[:40]}.txt", ContentFile(body.encode()), save=False)
    document.save()
    return document


def _hearing(index, *, slug, title, starts, questions_open, summary, place, broadcast="", premoderated=False):
    hearing = HearingPage(
        title=title,
        slug=slug,
        summary=summary,
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        place_name=place[0],
        address=place[1],
        map_url="https://www.openstreetmap.org/#map=17/-7.1570/-78.5170",
        broadcast_url=broadcast,
        registration_rules=RULES,
        registration_closes_at=starts - timedelta(days=2),
        attendance_capacity=300,
        questions_open_at=questions_open,
        premoderated=premoderated,
    )
    for order, (name, frequency, coverage) in enumerate(RADIO):
        hearing.radio_stations.add(
            HearingRadioStation(name=name, frequency=frequency, coverage=coverage, sort_order=order)
        )
    for order, topic in enumerate(TOPICS):
        hearing.topics.add(HearingTopic(title=topic, sort_order=order))
    agenda = [
        (0, "Instalación y reglas de la audiencia", "Secretaría técnica"),
        (15, "Informe de gestión del Gobernador Regional", "Gobernador Regional"),
        (75, "Intervenciones de los oradores inscritos", ""),
        (120, "Preguntas de la ciudadanía (sala, radio, WhatsApp y web)", ""),
        (225, "Compromisos y cierre", ""),
    ]
    for order, (minutes, item, presenter) in enumerate(agenda):
        at = timezone.localtime(starts + timedelta(minutes=minutes)).time()
        hearing.agenda_items.add(HearingAgendaItem(time=at, title=item, presenter=presenter, sort_order=order))
    report = _report(
        f"Informe de gestión ({title})",
        "Resumen del informe de gestión que se presenta en la audiencia (documento de demostración).\n",
    )
    hearing.report_documents.add(HearingDocument(document=report, published_on=(starts - timedelta(days=15)).date()))
    index.add_child(instance=hearing)
    hearing.save_revision().publish()
    return hearing


def _topic(hearing: HearingPage, title: str) -> str:
    return next((anchor for anchor, label in hearing.topic_titles.items() if label == title), "")


def _at_nine(day) -> datetime:
    """9:00 in Lima on ``day``: hearings start in the morning."""
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _seed_past(index, people, staff) -> None:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    starts = _at_nine(timezone.localdate() - timedelta(days=10))
    hearing = _hearing(
        index,
        slug=PAST_SLUG,
        title="Audiencia pública de rendición de cuentas 2026 – I",
        starts=starts,
        questions_open=starts - timedelta(days=20),
        summary="El Gobierno Regional rinde cuentas de la gestión del primer semestre: salud, educación, vías y agua.",
        place=("Coliseo Gran Cajamarca", "Jr. Amazonas s/n, Cajamarca"),
    )
    registration_open = starts - timedelta(days=30)
    for order, who in enumerate(["mesa", "observatorio"], start=1):
        participant = people[who]
        speaker = hearing.registrations.create(
            user=participant.user,
            kind=RegistrationKind.SPEAK,
            name=participant.display_name,
            organisation=participant.organisation_name,
            territory=participant.territory,
            topic="Vigilancia ciudadana de las obras" if who == "observatorio" else "Salud en las provincias del norte",
            created_at=registration_open,
        )
        registrations.speaker_review(
            registration=speaker, editor=staff, status=SpeakerStatus.CONFIRMED, order=order, minutes=3
        )
    hearing.registrations.create(
        user=people["rosa"].user, kind=RegistrationKind.ATTEND, name="Rosa Huamán", created_at=registration_open
    )

    asked = starts - timedelta(days=3)
    outcomes = []
    for who, topic, text, outcome, supporters in PAST_QUESTIONS:
        asked += timedelta(hours=7)
        if isinstance(who, tuple):
            channel, name, province = who
            question = services.question_enter(
                hearing=hearing,
                staff=staff,
                channel=channel,
                text=text,
                asker_name=name,
                territory=Territory.objects.get(slug=province),
                topic=_topic(hearing, topic),
                received_at=asked,
            )
        else:
            contribution = discussion_services.contribution_create(
                target=hearing,
                author=people[who].user,
                text=text,
                section_anchor=_topic(hearing, topic),
                submitted_at=asked,
                check_rules=False,
            )
            question = contribution.hearing_question
        for supporter in supporters:
            # The window is over: supports are recorded as they were given then.
            question.contribution.reactions.create(user=people[supporter].user, kind="support")
        question.contribution.support_count = len(supporters)
        question.contribution.save(update_fields=["support_count"])
        outcomes.append((question, outcome))

    for question, outcome in outcomes:
        if outcome[0] == "room":
            services.question_put_on_air(question=question, moderator=staff)
            services.question_answered_in_room(
                question=question, moderator=staff, answer=outcome[1], video_seconds=outcome[2]
            )
    services.hearing_close(hearing=hearing, moderator=staff)
    for question, outcome in outcomes:
        if outcome[0] == "writing":
            services.written_answer_record(question=question, user=staff, text=outcome[1])
        elif outcome[0] == "scope":
            services.question_out_of_scope(question=question, user=staff, reason=outcome[1])

    hearing.minutes = (
        "<p>La audiencia se realizó con 214 asistentes en el Coliseo Gran Cajamarca y se transmitió por tres "
        "radios. Se recibieron preguntas por la web, en tarjetas, por teléfono, WhatsApp y redes sociales.</p>"
        "<p>El Gobernador Regional presentó el informe de gestión; intervinieron dos oradores inscritos.</p>"
    )
    hearing.recording_url = "https://www.youtube.com/watch?v=demoGRC2026"
    for order, (text, office, days, status) in enumerate(COMMITMENTS):
        hearing.commitments.add(
            HearingCommitment(
                description=text,
                responsible=office,
                due_date=(now + timedelta(days=days)).date(),
                status=status,
                evidence_note="Se instaló la mesa en el hospital de Chota el lunes." if status == "done" else "",
                related_page=Page.objects.filter(slug="plan-gobierno-abierto-2025-2027").first(),
                updated_on=now.date(),
                sort_order=order,
            )
        )
    hearing.speaker_list_published = True
    hearing.save_revision().publish()


def _seed_upcoming(index, people) -> None:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    starts = _at_nine(timezone.localdate() + timedelta(days=12))
    hearing = _hearing(
        index,
        slug=UPCOMING_SLUG,
        title="Audiencia pública de rendición de cuentas 2026 – II",
        starts=starts,
        questions_open=now - timedelta(days=2),
        summary="Rendición de cuentas del segundo semestre, descentralizada en Jaén: salud, educación y obras.",
        place=("Auditorio de la Municipalidad Provincial de Jaén", "Jr. Simón Bolívar 1176, Jaén"),
        broadcast="https://www.youtube.com/watch?v=demoGRC2026b",
    )
    for who, topic, text, supporters in UPCOMING_QUESTIONS:
        question = services.question_ask(
            hearing=hearing, author=people[who].user, text=text, topic=_topic(hearing, topic)
        )
        for supporter in supporters:
            services.question_support(question=question, user=people[supporter].user)
    registrations.registration_save(
        hearing=hearing, user=people["camara"].user, kind=RegistrationKind.ATTEND, name="Cámara de Comercio (demo)"
    )
