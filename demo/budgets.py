"""Two demonstration editions of the participatory budget, clearly marked as examples.

- **2027**, in its voting phase: proposals in several provinces and region-wide, the
  technical team's evaluations (some not viable, with their reason), supports, and
  ballots cast on the web and entered from paper at workshops.
- **2026**, in follow-up: counted with both rules, its winners tracked, with updates.

Idempotent: an edition found by its slug is left as it is. Every write goes through the
services, at a moment inside the phase it belongs to, as it would have happened.
"""

import random
from datetime import date, datetime, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.models import Participant
from accounts.services import participant_create
from budgets.models import BudgetCategory, BudgetEnvelope, BudgetProcessPage, Proposal
from budgets.services import ballots, followup, proposals, results
from cocrea.models import HomePage
from core.models import Territory
from core.roles import EDITORS, TECHNICAL_TEAM

from .discussions import demo_participants
from .site import ensure_translation

CURRENT_SLUG = "presupuesto-participativo-2027"
PAST_SLUG = "presupuesto-participativo-2026"
DEMO_DNI_BASE = 70_000_000  # fictional DNIs of demonstration voters

# Envelopes in soles, and demonstration population figures (not official statistics).
ENVELOPES = {
    "cajamarca": (2_600_000, 400_000),
    "jaen": (2_200_000, 200_000),
    "chota": (1_800_000, 160_000),
    "cutervo": (1_500_000, 140_000),
    "san-ignacio": (1_500_000, 150_000),
    "celendin": (1_200_000, 95_000),
    "cajabamba": (1_100_000, 80_000),
    "hualgayoc": (1_100_000, 90_000),
    "santa-cruz": (900_000, 45_000),
    "san-marcos": (900_000, 55_000),
    "san-miguel": (900_000, 55_000),
    "san-pablo": (700_000, 23_000),
    "contumaza": (700_000, 30_000),
}
REGIONAL = 4_000_000

STAFF = {
    "tecnico": ("tecnico@example.org", "Equipo Técnico de Inversiones (demo)", TECHNICAL_TEAM),
    "presupuesto": ("presupuesto@example.org", "Oficina de Presupuesto Participativo (demo)", EDITORS),
}

# (province or None, category, author, title, problem, description, beneficiaries, cost,
#  evaluation: (viable?, reason, evaluated cost, CUI) or None)
PROPOSALS_2027 = [
    (
        "chota",
        "agua-y-saneamiento",
        "rosa",
        "Agua potable para el caserío de Cabracancha",
        "Las familias de Cabracancha acarrean agua de un manantial a 40 minutos; en época seca se enferman los niños.",
        "Captación del manantial, reservorio de 30 m³ y red de distribución con **piletas domiciliarias** "
        "para 85 familias.",
        410,
        380_000,
        (
            True,
            "Viable: el manantial tiene caudal suficiente todo el año y existe terreno para el reservorio.",
            395_000,
            "2567812",
        ),
    ),
    (
        "chota",
        "vias-y-transporte",
        "rosa",
        "Mejoramiento del camino vecinal Lajas–Chadín",
        "El camino se corta en cada temporada de lluvias y los productores no pueden sacar sus cosechas.",
        "Afirmado de 6 km, cunetas y tres alcantarillas en los puntos donde se corta el camino.",
        2300,
        1_100_000,
        (
            True,
            "Viable con ajuste de costo: se incluyen dos alcantarillas más por el estudio hidrológico.",
            1_250_000,
            "",
        ),
    ),
    (
        "chota",
        "educacion",
        "observatorio",
        "Aulas para la escuela de Huambos",
        "Dos grados comparten aula y el techo tiene filtraciones.",
        "Construcción de dos aulas con techo aligerado y servicios higiénicos.",
        160,
        520_000,
        (
            False,
            "No viable por el presupuesto participativo: la obra ya está en el programa del Ministerio de "
            "Educación para 2027.",
            None,
            "",
        ),
    ),
    (
        "jaen",
        "agricultura-y-riego",
        "mesa",
        "Canal de riego revestido en Bellavista",
        "El canal de tierra pierde la mitad del agua antes de llegar a las parcelas de café y cacao.",
        "Revestimiento de 3,2 km de canal y cuatro tomas laterales, con la asociación de regantes.",
        620,
        950_000,
        (
            True,
            "Viable: el canal existe y la junta de usuarios aporta la mano de obra no calificada.",
            900_000,
            "2561140",
        ),
    ),
    (
        "jaen",
        "salud",
        "mesa",
        "Equipamiento del centro de salud de Las Pirias",
        "El centro de salud no tiene ecógrafo y las gestantes viajan dos horas para un control.",
        "Ecógrafo, equipo de laboratorio básico y capacitación del personal.",
        5400,
        300_000,
        (True, "Viable: la DIRESA confirma el personal para operar el equipo.", 320_000, ""),
    ),
    (
        "jaen",
        "ambiente",
        "camara",
        "Reforestación de la cabecera de cuenca del Amojú",
        "La deforestación seca las quebradas que abastecen a la ciudad.",
        "Reforestación de 80 hectáreas con especies nativas y vigilancia comunal durante tres años.",
        12000,
        600_000,
        (True, "Viable: los terrenos son comunales y hay acta de la comunidad.", 640_000, ""),
    ),
    (
        "cajamarca",
        "seguridad-ciudadana",
        "observatorio",
        "Alumbrado público en el barrio San Martín",
        "Las calles del barrio están a oscuras y se han multiplicado los robos.",
        "Instalación de 60 luminarias LED con paneles solares.",
        3000,
        450_000,
        (True, "Viable.", 470_000, ""),
    ),
    (
        "cajamarca",
        "cultura-y-deporte",
        "universidad",
        "Losa deportiva multiuso en Baños del Inca",
        "Los jóvenes no tienen un espacio seguro para hacer deporte.",
        "Losa multiuso con cerco, graderías e iluminación.",
        4200,
        700_000,
        None,
    ),
    (
        "san-ignacio",
        "agricultura-y-riego",
        "camara",
        "Centro de acopio de café en Tabaconas",
        "Los productores venden el café en cereza a intermediarios, por debajo del precio justo.",
        "Centro de acopio con secadores solares y balanza, gestionado por la cooperativa.",
        900,
        800_000,
        (True, "Viable: se cuenta con el terreno donado por la municipalidad distrital.", 820_000, ""),
    ),
    (
        None,
        "salud",
        "gobierno",
        "Telemedicina para los puestos de salud rurales de la región",
        "Los puestos de salud alejados no tienen médico especialista y las referencias tardan días.",
        "Conectividad satelital y equipos de telemedicina en 40 puestos de salud de las 13 provincias.",
        90000,
        2_400_000,
        (True, "Viable: articulado con el plan regional de salud digital.", 2_500_000, "2570001"),
    ),
    (
        None,
        "vias-y-transporte",
        "universidad",
        "Carretera Cajamarca–Celendín de doble vía",
        "La carretera es angosta y peligrosa.",
        "Ampliación a doble vía de 100 km.",
        200000,
        3_900_000,
        (
            False,
            "No viable: el costo real supera varias veces el presupuesto participativo; corresponde al "
            "programa nacional de carreteras.",
            None,
            "",
        ),
    ),
    (
        None,
        "educacion",
        "observatorio",
        "Becas de conectividad para estudiantes rurales",
        "Muchos estudiantes de secundaria no pueden hacer tareas por falta de internet.",
        "Paquetes de datos y tabletas en préstamo para 2.000 estudiantes de zonas rurales.",
        2000,
        900_000,
        (True, "Viable como proyecto de inversión en equipamiento educativo.", 950_000, ""),
    ),
]

# The 2026 edition, already followed up: (province, category, title, cost, votes-weight, status, progress)
PROPOSALS_2026 = [
    ("cutervo", "agua-y-saneamiento", "Saneamiento básico en Santo Tomás", 420_000, 5, "en_ejecucion", 55),
    ("cutervo", "vias-y-transporte", "Puente peatonal sobre el río Callayuc", 350_000, 4, "concluido", 100),
    ("cutervo", "educacion", "Biblioteca comunal de Sócota", 180_000, 2, "expediente", 10),
    ("cutervo", "salud", "Ambulancia rural para Cutervo", 300_000, 3, "perfil", 0),
    ("celendin", "agricultura-y-riego", "Reservorio de riego en Sucre", 500_000, 4, "paralizado", 35),
    ("celendin", "cultura-y-deporte", "Recuperación del mirador de Celendín", 200_000, 2, "perfil", 0),
    ("celendin", "ambiente", "Vivero forestal comunal", 150_000, 3, "en_ejecucion", 70),
]


def _staff_users() -> dict:
    users = {}
    for key, (email, name, group) in STAFF.items():
        participant = Participant.objects.filter(user__email=email).first()
        if participant is None:
            participant = participant_create(
                email=email,
                password=get_random_string(24),
                display_name=name,
                sector="government",
                territory="cajamarca",
                confirmed=True,
            )
        participant.user.groups.add(Group.objects.get_or_create(name=group)[0])
        users[key] = type(participant.user).objects.get(pk=participant.user.pk)  # fresh permissions
    return users


def _edition(
    home: HomePage, slug: str, title: str, intro: str, *, opens: datetime, kind: str, envelopes: dict | None = None
) -> BudgetProcessPage:
    day = timedelta(days=1)
    envelopes = {**ENVELOPES, **(envelopes or {})}
    page = BudgetProcessPage(
        title=title,
        slug=slug,
        intro=intro,
        total_amount=sum(amount for amount, _population in envelopes.values()) + REGIONAL,
        proposals_open_at=opens,
        evaluation_starts_at=opens + 30 * day,
        voting_opens_at=opens + 55 * day,
        voting_closes_at=opens + 80 * day,
        follow_up_starts_at=opens + 100 * day,
        ballot_kind=kind,
        max_choices=3,
        counting_rule="equal_shares",
        minimum_age=16,
        population_source="Cifras de demostración, no oficiales",
    )
    territories = {territory.slug: territory for territory in Territory.objects.all()}
    for slug_, (amount, population) in envelopes.items():
        page.envelopes.add(BudgetEnvelope(territory=territories[slug_], amount=amount, population=population))
    page.envelopes.add(BudgetEnvelope(territory=None, amount=REGIONAL))
    home.add_child(instance=page)
    page.categories.set(BudgetCategory.objects.all())
    page.save_revision().publish()
    return page


def seed(home: HomePage) -> None:
    people = demo_participants()
    staff = _staff_users()
    government = type(people["gobierno"].user).objects.get(pk=people["gobierno"].user.pk)
    if not BudgetProcessPage.objects.filter(slug=CURRENT_SLUG).exists():
        _seed_current(home, people, staff, government)
    if not BudgetProcessPage.objects.filter(slug=PAST_SLUG).exists():
        _seed_past(home, people, staff, government)


def _seed_current(home, people, staff, government) -> None:
    opens = timezone.now() - timedelta(days=60)
    process = _edition(
        home,
        CURRENT_SLUG,
        "Presupuesto Participativo 2027",
        "<p>Proponga, apoye y vote los proyectos de su provincia y de toda la región: "
        "<b>S/ 24 millones</b> para obras que la ciudadanía elige. Contenido de demostración.</p>",
        opens=opens,
        kind="knapsack",
    )
    ensure_translation(process, "en", {"title": "Participatory Budget 2027", "slug": "participatory-budget-2027"})
    categories = {category.slug: category for category in BudgetCategory.objects.all()}
    territories = {territory.slug: territory for territory in Territory.objects.all()}
    created = []
    for position, (province, category, author, title, problem, description, people_count, cost, verdict) in enumerate(
        PROPOSALS_2027
    ):
        proposal = proposals.proposal_create(
            process=process,
            author=people[author].user,
            title=title,
            problem=problem,
            description=description,
            territory=territories[province] if province else None,
            category=categories[category],
            beneficiaries=people_count,
            estimated_cost=cost,
            moment=opens + timedelta(days=2 + position, hours=3),
        )
        created.append((proposal, verdict))
    supporters = [person.user for person in people.values()]
    for proposal, _verdict in created[:8]:
        for user in supporters:
            if user.pk != proposal.author_id:
                proposals.proposal_support(
                    proposal=proposal, user=user, supporting=True, moment=opens + timedelta(days=20)
                )
    for proposal, verdict in created:
        if verdict is not None:
            viable, reason, evaluated_cost, cui = verdict
            proposals.proposal_evaluate(
                proposal=proposal,
                evaluator=staff["tecnico"],
                viability="viable" if viable else "not_viable",
                reason=reason,
                evaluated_cost=evaluated_cost,
                cui=cui,
                moment=opens + timedelta(days=40),
                notify=False,
            )
    _cast_demo_ballots(process, people, government, count=48, seed=2027)


def _cast_demo_ballots(process: BudgetProcessPage, people, government, *, count: int, seed: int, moment=None) -> None:
    """Web ballots from the demo participants with a province envelope, and paper ballots
    entered at workshops with fictional DNIs."""
    rng = random.Random(seed)  # noqa: S311 - demonstration data
    moment = moment or timezone.now()
    for offset, person in enumerate(people.values()):
        options = list(Proposal.objects.candidates().filter(process=process, territory=person.territory))
        regional = list(Proposal.objects.candidates().filter(process=process, territory__isnull=True))
        choice = _fitting(process, rng, options) + _fitting(process, rng, regional)
        if choice:
            ballots.ballot_cast(
                process=process,
                user=person.user,
                proposal_ids=[proposal.pk for proposal in choice],
                dni=str(DEMO_DNI_BASE + seed * 1000 + offset),
                birth_date=date(1970 + offset * 5, 3, 14),
                moment=moment,
            )
    provinces = list(
        Territory.objects.filter(
            pk__in=Proposal.objects.candidates().filter(process=process).values("territory_id")
        ).order_by("name")
    )
    places = {"chota": "Taller de Chota", "jaen": "Taller de Jaén", "cutervo": "Municipalidad de Cutervo"}
    for number in range(count):
        territory = provinces[number % len(provinces)]
        options = list(Proposal.objects.candidates().filter(process=process, territory=territory))
        regional = list(Proposal.objects.candidates().filter(process=process, territory__isnull=True))
        choice = _fitting(process, rng, options) + _fitting(process, rng, regional)
        if not choice:
            continue
        ballots.paper_ballot_enter(
            process=process,
            staff=government,
            dni=str(DEMO_DNI_BASE + seed * 1000 + 100 + number),
            birth_date=date(1950 + rng.randint(0, 55), rng.randint(1, 12), rng.randint(1, 28)),
            territory=territory,
            channel=rng.choice(["workshop", "workshop", "office", "radio"]),
            proposal_ids=[proposal.pk for proposal in choice],
            district=rng.choice(["", "Centro", "Huambos", "Bellavista", "Tabaconas", "Santo Tomás", "Sucre"]),
            place=places.get(territory.slug, f"Taller de {territory.name}"),
            form_number=f"{seed}-{number + 1:04d}",
            sector=rng.choice(["citizen", "citizen", "civil_society", "private_sector"]),
            gender=rng.choice(["", "female", "male"]),
            moment=moment,
        )


def _fitting(process: BudgetProcessPage, rng: random.Random, options: list) -> list:
    """A random choice a voter could make in one envelope."""
    rng.shuffle(options)
    if not options:
        return []
    envelope = process.envelope_for(options[0].territory_id)
    chosen, spent = [], 0
    for proposal in options[: rng.randint(1, len(options))]:
        if process.ballot_kind == "approval" and len(chosen) >= process.max_choices:
            break
        if process.ballot_kind == "knapsack" and spent + proposal.cost > envelope.amount:
            continue
        chosen.append(proposal)
        spent += proposal.cost
    return chosen


def _seed_past(home, people, staff, government) -> None:
    opens = timezone.now() - timedelta(days=400)
    process = _edition(
        home,
        PAST_SLUG,
        "Presupuesto Participativo 2026",
        "<p>La edición anterior: sus resultados y el avance de los proyectos ganadores. Contenido de demostración.</p>",
        opens=opens,
        kind="approval",
        # Smaller envelopes than the projects proposed: the count has to choose.
        envelopes={"cutervo": (900_000, 140_000), "celendin": (600_000, 95_000)},
    )
    categories = {category.slug: category for category in BudgetCategory.objects.all()}
    territories = {territory.slug: territory for territory in Territory.objects.all()}
    weights = {}
    for position, (province, category, title, cost, weight, _status, _progress) in enumerate(PROPOSALS_2026):
        proposal = proposals.proposal_create(
            process=process,
            author=people["mesa" if position % 2 else "observatorio"].user,
            title=title,
            problem="Necesidad priorizada en el taller provincial de 2025.",
            description="Proyecto priorizado por las organizaciones de la provincia (demostración).",
            territory=territories[province],
            category=categories[category],
            beneficiaries=500 + 100 * position,
            estimated_cost=cost,
            moment=opens + timedelta(days=1, hours=position),
        )
        proposals.proposal_evaluate(
            proposal=proposal,
            evaluator=staff["tecnico"],
            viability="viable",
            reason="Viable.",
            evaluated_cost=cost,
            moment=opens + timedelta(days=40),
            notify=False,
        )
        weights[proposal.pk] = weight
    rng = random.Random(2026)  # noqa: S311 - demonstration data
    voting = opens + timedelta(days=60)
    for number in range(60):
        territory = territories["cutervo" if number % 2 else "celendin"]
        options = list(Proposal.objects.filter(process=process, territory=territory))
        chosen = {proposal.pk for proposal in rng.choices(options, weights=[weights[p.pk] for p in options], k=3)}
        ballots.paper_ballot_enter(
            process=process,
            staff=government,
            dni=str(DEMO_DNI_BASE + 500_000 + number),
            birth_date=date(1960 + rng.randint(0, 45), 6, 1),
            territory=territory,
            channel="workshop",
            proposal_ids=sorted(chosen),
            place=f"Taller de {territory.name}",
            form_number=f"2026-{number + 1:04d}",
            moment=voting,
        )
    run = results.count_request(process=process)
    results.count_run(run)
    followup.followup_start(process=process, manager=staff["presupuesto"])
    by_title = {row[2]: row for row in PROPOSALS_2026}
    for project in process.tracked_projects.all():
        _province, _category, _title, cost, _weight, status, progress = by_title[project.title]
        if progress:
            followup.project_update_post(
                project=project,
                author=staff["tecnico"],
                text="Avance verificado en la visita de obra (demostración).",
                status=status,
                progress=progress,
                budget_executed=cost * progress // 100,
                day=timezone.localdate() - timedelta(days=20),
            )
