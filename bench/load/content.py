"""The load's site: a plan with four open consultations holding real comments (Decide
Madrid's), indexed, and the participants signed in; what the simulated people need to
know of it (addresses, form fields, texts to write, words to search)."""

import csv
import html
import os
import random
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from bench import harness
from tests import decide_madrid

#: Decide Madrid proposals whose comments make the consultations' discussions (1,400 in all).
PROPOSALS = (15711, 965, 20389, 1085)


@dataclass
class Consultation:
    page_id: int
    title: str
    url: str
    ws_path: str
    form: dict
    sections: list[str]
    imported: list[int]
    accepted: list[int] = field(default_factory=list)


@dataclass
class Site:
    consultations: list[Consultation]
    sessions: list[str]
    user_ids: list[int]
    post_path: str
    react_path: str  # with {pk}
    search_path: str
    words: list[str]
    prefixes: list[str]
    texts: list[str]
    session_cookie: str
    csrf_cookie: str
    #: The page's heartbeat (the readers send theirs as often as its script does).
    heartbeat_seconds: int


def prepare_site(database: str, participants: int, seed: int) -> Site:
    """Migrate, make a plan with four open consultations holding real comments, index them,
    and sign in the participants."""
    import django

    # Setup work runs here, at once; the workers use the task worker.
    os.environ["TASKS_BACKEND"] = "immediate"
    django.setup()
    os.environ["TASKS_BACKEND"] = "database"
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings
    from django.urls import reverse
    from django.utils import timezone, translation

    from accounts.services import participant_create
    from consultations.models import ConsultationPage
    from core.models import Sector, Territory
    from discussions import live
    from discussions.forms import ContributionForm
    from discussions.importing import import_contributions
    from discussions.models import Contribution

    print(f"Migrating {database}…", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    proposals = read_proposals()
    plan = harness.action_plan("Plan de acción de gobierno abierto 2026–2028", "plan-2026", 2026)
    now = timezone.now()
    consultations = []
    print("Importing Decide Madrid comments into four consultations…", flush=True)
    for number, proposal_id in enumerate(PROPOSALS):
        proposal = proposals[str(proposal_id)]
        sections = [
            ("diagnostico", "Diagnóstico", proposal["summary"]),
            ("propuesta", "Propuesta", proposal["text"][:3000] or proposal["summary"]),
            ("metas", "Metas y plazos", "Metas verificables en cada provincia."),
        ]
        page = plan.add_child(
            instance=ConsultationPage(
                title=proposal["title"][:200],
                slug=f"compromiso-{number + 1}",
                summary=proposal["summary"][:400],
                problem=f"<p>{html.escape(proposal['summary'])}</p>",
                body=[
                    ("section", {"heading": heading, "anchor": anchor, "body": f"<p>{html.escape(text)}</p>"})
                    for anchor, heading, text in sections
                ],
                lead_institution="Gerencia Regional de Planeamiento",
                opens_at=now - timedelta(days=10),
                closes_at=now + timedelta(days=20),
            )
        )
        rows = [row for row in decide_madrid.proposal_rows(proposal_id) if row["text"].strip()]
        import_contributions(consultation=page, source=decide_madrid.as_csv(rows), skip_invalid=True)
        imported = list(
            Contribution.objects.filter(object_pk=str(page.pk), is_public=True).values_list("pk", flat=True)
        )
        consultations.append(
            Consultation(
                page_id=page.pk,
                title=page.title,
                url=page.get_url(),
                ws_path=live.websocket_path(page),
                form={name: str(value) for name, value in ContributionForm(page).initial.items()},
                sections=[anchor for anchor, _heading, _text in sections],
                imported=imported,
            )
        )
    call_command("search_reindex", verbosity=0)
    harness.analyze()

    territories = list(Territory.objects.values_list("slug", flat=True))
    # Participants of every sector but the government's, which answers them.
    sectors = [sector for sector in Sector if sector != Sector.GOVERNMENT]
    sessions, user_ids = [], []
    # The participants sign in with sessions made here, never with their password: a fast
    # hasher only saves the setup 200 deliberately slow hashes.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for number in range(participants):
            participant = participant_create(
                email=f"participante{number}@bench.example.org",
                password=secrets.token_hex(32),
                display_name=f"Participante {number}",
                sector=sectors[number % len(sectors)],
                territory=territories[number % len(territories)],
                confirmed=True,
            )
            sessions.append(harness.signed_in_session(participant.user))
            user_ids.append(participant.user.pk)

    texts = comment_texts(settings.DISCUSSIONS_MAX_LENGTH, seed)
    with translation.override("es"):
        post_path = reverse("discussions:post")
        react_path = reverse("discussions:react", args=[0]).replace("/0/", "/{pk}/")
        search_path = reverse("search:page")
    return Site(
        consultations=consultations,
        sessions=sessions,
        user_ids=user_ids,
        post_path=post_path,
        react_path=react_path,
        search_path=search_path,
        words=search_words(texts),
        prefixes=sorted({word[:4].lower() for c in consultations for word in c.title.split() if len(word) >= 5}),
        texts=texts,
        session_cookie=settings.SESSION_COOKIE_NAME,
        csrf_cookie=settings.CSRF_COOKIE_NAME,
        heartbeat_seconds=settings.DISCUSSIONS_HEARTBEAT_SECONDS,
    )


def latest_events(consultations: list[Consultation]) -> list[int]:
    """Each discussion's last event id, as its page gives it to the live script."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import close_old_connections

    from consultations.models import ConsultationPage
    from discussions import live

    close_old_connections()
    content_type = ContentType.objects.get_for_model(ConsultationPage)
    return [live.last_event_id(content_type.pk, consultation.page_id) for consultation in consultations]


def read_proposals() -> dict[str, dict]:
    with (decide_madrid.DATA_DIR / "proposals.csv").open(encoding="utf-8", newline="") as source:
        return {row["id"]: row for row in csv.DictReader(source)}


def comment_texts(max_length: int, seed: int) -> list[str]:
    """Every real comment's text, shuffled: what the participants write, each text once."""
    with decide_madrid.COMMENTS_CSV.open(encoding="utf-8", newline="") as source:
        texts = [row["text"].strip() for row in csv.DictReader(source)]
    texts = [text for text in dict.fromkeys(texts) if 2 <= len(text) <= max_length]
    random.Random(seed).shuffle(texts)  # noqa: S311 - a reproducible order, not security
    return texts


def search_words(texts: list[str]) -> list[str]:
    """Words people search for: the real comments' words of six letters or more, as often as
    they are written."""
    words = [word.lower() for text in texts[:3000] for word in re.findall(r"\w{6,}", text) if not word.isdigit()]
    return words
