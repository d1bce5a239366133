"""How fast a hearing's live queue reaches its readers, against a discussion's fan-out
measured in the same run, on the same two workers.

Starts two uvicorn workers on a throw-away PostgreSQL database and the real Redis, then:

1. the discussion fan-out (``bench/live_fanout.py``'s run): ``--clients`` readers of a
   consultation, one contribution posted a second for ``--seconds``;
2. the hearing: ``--clients`` readers of one hearing's live page, while a moderator,
   through the console's form posts, puts a question on air, then records its answer,
   one action a second for ``--seconds`` (each action is one event for every reader), and
   participants ask a new question every two seconds (the queue changes under them).

Reports, for each: deliveries (every reader, every event) and the latency from the
action's POST being sent to each reader's receipt (p50, p95, p99), and the hearing's
figures as ratios of the discussion's. Writes ``bench/results/hearings-<timestamp>.json``.
See bench/README.md.
"""

import argparse
import asyncio
import json
import os
import re
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import harness, live_fanout

PARTICIPANTS = 4
CONNECT_CONCURRENCY = 50
GRACE_SECONDS = 10
ASK_EVERY_SECONDS = 2
STATE = re.compile(r'data-state="(\w+)"')
#: A question's states in the order a moderator moves it: a reader who sees a later state
#: has seen the change (readers get each question as it is *now*, so two quick changes may
#: reach them as one).
STATE_RANK = {"pending": 0, "on_air": 1, "answered_room": 2}


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--clients", type=int, default=500, help="WebSocket readers of each (default: 500)")
    arguments.add_argument("--seconds", type=int, default=30, help="actions, one a second (default: 30)")
    arguments.add_argument("--quick", action="store_true", help="100 readers for 10 s")
    arguments.add_argument(
        "--layer", choices=live_fanout.LAYERS, default="pubsub", help="channel layer (default: pubsub)"
    )
    arguments.add_argument("--logs", metavar="DIR", help="keep the workers' whole output in DIR")
    options = arguments.parse_args()
    if options.quick:
        options.clients, options.seconds = 100, 10
    if options.clients < 2 or options.seconds < 2:
        arguments.error("--clients and --seconds must be at least 2")

    harness.read_services_file()
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not redis_url:
        sys.exit(
            "bench.hearings needs the real services: DATABASE_URL=postgres://… and REDIS_URL "
            "(run `make services-up`, then `source services/load-env.sh`)."
        )
    harness.raise_file_limit(options.clients + 512)
    database = harness.BenchDatabase(database_url, harness.database_name("hearings")).create(migrated=True)
    try:
        # Production's settings, as the site runs (live_fanout's), on the layer asked for.
        os.environ.update(
            {
                **harness.production_environment(database, redis_url, os.environ.get("SEARCH_URL", "")),
                "DISCUSSIONS_POSTS_PER_MINUTE": str(live_fanout.POSTS_PER_MINUTE),
                "HEARINGS_QUESTIONS_PER_HOUR": str(live_fanout.POSTS_PER_MINUTE),
                # Pages created here stay out of OpenSearch.
                "SEARCH_ENGINE": "database",
                "CHANNEL_LAYER": options.layer,
            }
        )
        site = prepare_site(options.seconds)
        runs = run(options, site)
        report = {
            "benchmark": "hearings",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "clients": options.clients,
            "seconds": options.seconds,
            "layer": options.layer,
            "workers": 2,
            "grace_seconds": GRACE_SECONDS,
            **runs,
            "ratios": ratios(runs["discussion"], runs["hearing"]),
            "machine": live_fanout.machine(redis_url),
        }
    finally:
        from django.db import connections

        connections.close_all()
        database.drop()
    print_report(report)
    harness.write_results("hearings", report)
    if report["hearing"]["delivered_ratio"] != 1 or report["discussion"]["delivered_ratio"] != 1:
        sys.exit("Some readers missed events: see the report.")


# --- setup ---------------------------------------------------------------------------------
@dataclass
class Site:
    discussion: live_fanout.Site
    hearing_url: str
    hearing_ws_path: str
    question_ids: list[int]
    moderator_session: str
    participant_sessions: list[str]


def prepare_site(actions: int) -> Site:
    """Migrate; make a consultation and a hearing that is happening now, with a question
    for every two actions, participants, and a moderator."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.services import participant_create
    from consultations.models import ConsultationPage
    from core.roles import MODERATORS
    from demo.site import ensure_home_page
    from discussions import live
    from discussions.forms import ContributionForm
    from hearings import services
    from hearings.models import HearingIndexPage, HearingPage, HearingTopic

    print("Migrating…", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    now = timezone.now()
    plan = harness.action_plan("Plan de prueba de audiencias", "plan-audiencias", 2025)
    consultation = plan.add_child(
        instance=ConsultationPage(
            title="Compromiso leído a la vez",
            slug="leido-a-la-vez",
            summary="Una consulta abierta que leen muchas personas a la vez.",
            problem="<p>La referencia: cuánto tarda un aporte en llegar a cada lector.</p>",
            body=[("section", {"heading": "Objetivo", "anchor": "objetivo", "body": "<p>Texto.</p>"})],
            lead_institution="Gerencia Regional de Planeamiento",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
        )
    )
    index = ensure_home_page().add_child(instance=HearingIndexPage(title="Audiencias públicas", slug="audiencias"))
    hearing = HearingPage(
        title="Audiencia con muchos oyentes",
        slug="muchos-oyentes",
        summary="Una audiencia que siguen muchas personas a la vez.",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=4),
        questions_open_at=now - timedelta(days=1),
    )
    hearing.topics.add(HearingTopic(title="Salud"))
    index.add_child(instance=hearing)
    hearing.save_revision().publish()

    people = [
        participant_create(
            email=f"oyente{number}@bench.example.org",
            password=secrets.token_urlsafe(16),
            display_name=f"Participante de prueba {number}",
            sector="citizen",
            territory="cajamarca",
            confirmed=True,
        )
        for number in range(PARTICIPANTS)
    ]
    questions = [
        services.question_ask(
            hearing=hearing,
            author=people[number % PARTICIPANTS].user,
            text=f"Pregunta preparada número {number}: ¿cuándo se publica el avance de la obra {number}?",
        )
        for number in range((actions + 1) // 2)
    ]
    moderator = get_user_model().objects.create_user("moderadora-bench", "moderadora@bench.example.org", "x")
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    sessions = [harness.signed_in_session(person.user) for person in people]
    return Site(
        discussion=live_fanout.Site(
            page_url=consultation.get_url(),
            ws_path=live.websocket_path(consultation),
            form_fields={name: str(value) for name, value in ContributionForm(consultation).initial.items()},
            session_keys=sessions,
        ),
        hearing_url=hearing.get_url(),
        hearing_ws_path=live.websocket_path(hearing) + "?lang=es",
        question_ids=[question.contribution_id for question in questions],
        moderator_session=harness.signed_in_session(moderator),
        participant_sessions=sessions,
    )


def run(options, site: Site) -> dict:
    with tempfile.TemporaryDirectory(prefix="cocrea-bench-hearings-") as temporary:
        logs = Path(options.logs or temporary)
        logs.mkdir(parents=True, exist_ok=True)
        workers = [harness.Worker(name, logs, log_name=f"worker-{name}.log") for name in "AB"]
        try:
            deadline = time.monotonic() + harness.WORKER_START_TIMEOUT
            for worker in workers:
                worker.wait_until_healthy(deadline)
            print(f"\n[discussion] {options.clients} readers, {options.seconds} posts…", flush=True)
            discussion = asyncio.run(live_fanout.fan_out(workers, options, site.discussion))
            print(f"[hearing] {options.clients} readers, {options.seconds} moderator actions…", flush=True)
            hearing = asyncio.run(hearing_run(workers, options, site))
            hearing["rss_mib"] = {worker.name: worker.rss_mib() for worker in workers}
            output = {worker.name: worker.output() for worker in workers if worker.output() != "(no output)"}
            return {"discussion": discussion, "hearing": hearing, "worker_output": output}
        finally:
            for worker in workers:
                worker.stop()


# --- the hearing's run -----------------------------------------------------------------------
@dataclass
class HearingReader:
    number: int
    worker: harness.Worker
    connected: bool = False
    received: dict[tuple[int, str], float] = field(default_factory=dict)  # (question, state) → when
    created: int = 0
    failure: str = ""


@dataclass
class Action:
    number: int
    worker: str
    question: int
    state: str  # what readers must see it become
    sent: float = 0.0
    responded: float = 0.0
    status: int = 0
    error: str = ""


async def hearing_run(workers, options, site: Site) -> dict:
    readers = [HearingReader(number, workers[number % 2]) for number in range(options.clients)]
    gate, stop = asyncio.Semaphore(CONNECT_CONCURRENCY), asyncio.Event()
    started = time.perf_counter()
    tasks = [asyncio.create_task(listen(reader, site, gate, stop)) for reader in readers]
    while sum(1 for reader in readers if reader.connected or reader.failure) < len(readers):
        await asyncio.sleep(0.05)
    connect_seconds = time.perf_counter() - started
    print(f"  {sum(r.connected for r in readers)} of {len(readers)} readers connected in {connect_seconds:.1f} s")
    moderator = [await asyncio.to_thread(session_for, site.moderator_session, worker, site) for worker in workers]
    askers = [await asyncio.to_thread(session_for, key, workers[0], site) for key in site.participant_sessions]
    await asyncio.sleep(live_fanout.QUIET_SECONDS)

    actions, pending, first = [], [], time.perf_counter() + 0.5
    on_air: dict[int, asyncio.Task] = {}
    for number in range(options.seconds):
        await asyncio.sleep(max(0.0, first + number - time.perf_counter()))
        worker = workers[number % 2]
        question = site.question_ids[number // 2]
        action = Action(number, worker.name, question, "on_air" if number % 2 == 0 else "answered_room")
        actions.append(action)
        # The console offers "answered" once the question is on air: that click waits for it.
        before = on_air.get(question) if action.state == "answered_room" else None
        task = asyncio.create_task(after(before, act, action, moderator[number % 2], worker, site))
        on_air.setdefault(question, task)
        pending.append(task)
        if number % ASK_EVERY_SECONDS == 1:
            pending.append(
                asyncio.create_task(asyncio.to_thread(ask, number, askers[number % len(askers)], workers[0], site))
            )
    await asyncio.gather(*pending)
    expected = {(action.question, action.state) for action in actions if not action.error}
    deadline = time.perf_counter() + GRACE_SECONDS
    while time.perf_counter() < deadline and any(
        not reader.failure and not expected <= reader.received.keys() for reader in readers
    ):
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.gather(*tasks)
    return summarise(readers, actions, connect_seconds)


async def after(previous: asyncio.Task | None, function, *args) -> None:
    if previous is not None:
        await previous
    await asyncio.to_thread(function, *args)


async def listen(reader: HearingReader, site: Site, gate, stop) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    worker = reader.worker
    try:
        async with gate:
            websocket = await connect(
                f"ws://127.0.0.1:{worker.port}{site.hearing_ws_path}",
                origin=worker.origin,
                proxy=None,
                ping_interval=None,
                open_timeout=60,
                max_queue=None,
            )
            json.loads(await websocket.recv())  # hello
        reader.connected = True
    except Exception as error:  # a reader that cannot connect is reported as missing every event
        reader.failure = f"connect: {type(error).__name__}: {error}"
        return

    async def receive():
        try:
            async for frame in websocket:
                moment = time.perf_counter()
                message = json.loads(frame)
                if message.get("type") == "contribution.updated":
                    state = STATE.search(message.get("html", ""))
                    rank = STATE_RANK.get(state.group(1), 0) if state else 0
                    for seen, seen_rank in STATE_RANK.items():
                        if 0 < seen_rank <= rank:
                            reader.received.setdefault((message["contribution"], seen), moment)
                elif message.get("type") == "contribution.created":
                    reader.created += 1
        except ConnectionClosed as closed:
            reader.failure = f"closed by the server: {closed}"

    receiving = asyncio.create_task(receive())
    await asyncio.wait([receiving, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED)
    receiving.cancel()
    await websocket.close()


def session_for(session_key: str, worker: harness.Worker, site: Site):
    """A signed-in session with the CSRF cookie the hearing's page sets."""
    import requests
    from django.conf import settings

    session = requests.Session()
    session.trust_env = False
    session.cookies.set(settings.SESSION_COOKIE_NAME, session_key)
    response = session.get(f"{worker.origin}{site.hearing_url}", timeout=30)
    if response.status_code != 200 or settings.CSRF_COOKIE_NAME not in session.cookies:
        raise RuntimeError(f"GET {site.hearing_url} answered {response.status_code} without a CSRF cookie")
    # Production marks both cookies Secure, which a cookie jar keeps off plain HTTP: send
    # them ourselves on loopback, as live_fanout does.
    session.csrf_token = session.cookies[settings.CSRF_COOKIE_NAME]
    session.cookies.clear()
    session.headers["Cookie"] = (
        f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={session.csrf_token}"
    )
    return session


def _post(session, url: str, data: dict):

    data = {**data, "csrfmiddlewaretoken": session.csrf_token}
    return session.post(url, data, headers={"Accept": "application/json"}, allow_redirects=False, timeout=30)


def act(action: Action, session, worker: harness.Worker, site: Site) -> None:
    """The moderator's click: on air, or answered in the room."""
    route = "al-aire" if action.state == "on_air" else "respondida"
    url = f"{worker.origin}{site.hearing_url}moderar/{action.question}/{route}/"
    action.sent = time.perf_counter()
    try:
        response = _post(session, url, {"answer": "Respondida en la sala durante la medición."})
    except Exception as error:  # reported with the results
        action.responded, action.error = time.perf_counter(), f"{type(error).__name__}: {error}"
        return
    action.responded, action.status = time.perf_counter(), response.status_code
    if response.status_code != 200:
        action.error = f"{response.status_code}: {response.text[:200]}"


def ask(number: int, session, worker: harness.Worker, site: Site) -> None:
    _post(
        session,
        f"{worker.origin}{site.hearing_url}preguntar/",
        {"text": f"Pregunta en vivo {number}: ¿y mi provincia?"},
    )


def summarise(readers: list[HearingReader], actions: list[Action], connect_seconds: float) -> dict:
    done = [action for action in actions if not action.error]
    from_sent, misses, spread = [], 0, []
    for action in done:
        moments = []
        for reader in readers:
            moment = reader.received.get((action.question, action.state))
            if moment is None:
                misses += 1
                continue
            moments.append(moment)
            from_sent.append((moment - action.sent) * 1000)
        spread += [(moment - min(moments)) * 1000 for moment in moments] if moments else []
    expected = len(readers) * len(done)
    return {
        "delivered": len(from_sent),
        "expected": expected,
        "delivered_ratio": round(len(from_sent) / expected, 6) if expected else None,
        "actions_failed": [{"number": a.number, "worker": a.worker, "error": a.error} for a in actions if a.error],
        "readers_connected": sum(1 for reader in readers if reader.connected),
        "connect_seconds": round(connect_seconds, 2),
        "latency_from_sent": harness.percentiles(from_sent),
        "after_first_reader": harness.percentiles(spread),
        "action_round_trip": harness.percentiles([(a.responded - a.sent) * 1000 for a in done]),
        "new_questions_seen_per_reader": round(sum(r.created for r in readers) / max(len(readers), 1), 1),
        "misses_count": misses,
        "reader_failures": sorted({reader.failure for reader in readers if reader.failure})[:10],
    }


def ratios(discussion: dict, hearing: dict) -> dict:
    """The hearing's figures over the discussion's: 1.0 is "as fast as a discussion"."""

    def ratio(key, figure):
        base, mine = discussion[key].get(figure), hearing[key].get(figure)
        return round(mine / base, 2) if base and mine is not None else None

    return {
        "delivered": round((hearing["delivered_ratio"] or 0) / (discussion["delivered_ratio"] or 1), 4),
        "p50_from_sent": ratio("latency_from_sent", "p50_ms"),
        "p99_from_sent": ratio("latency_from_sent", "p99_ms"),
        "p99_after_first_reader": ratio("after_first_reader", "p99_ms"),
    }


def print_report(report: dict) -> None:
    machine = report["machine"]
    discussion, hearing = report["discussion"], report["hearing"]
    print(
        f"\nhearings: {report['clients']} readers over 2 workers ({report['layer']} layer), "
        f"{report['seconds']} events a second each\n{machine['platform']}, {machine['processor']} × "
        f"{machine['cpu_count']}, PostgreSQL {machine['postgresql']}, Redis {machine['redis']}\n"
    )
    rows = [
        ("delivered", lambda run: f"{run['delivered']}/{run['expected']} ({(run['delivered_ratio'] or 0):.2%})"),
        ("readers connected", lambda run: str(run["readers_connected"])),
        ("latency from the action's POST p50 (ms)", lambda run: _ms(run["latency_from_sent"], "p50")),
        ("  p95 (ms)", lambda run: _ms(run["latency_from_sent"], "p95")),
        ("  p99 (ms)", lambda run: _ms(run["latency_from_sent"], "p99")),
        ("after the first reader p99 (ms)", lambda run: _ms(run["after_first_reader"], "p99")),
    ]
    print(f"{'':<42}{'discussion (posts)':>22}{'hearing (moderator)':>22}")
    print("-" * 86)
    for label, value in rows:
        print(f"{label:<42}{value(discussion):>22}{value(hearing):>22}")
    print(
        f"{'POST round trip p50 (ms)':<42}{_ms(discussion['post_round_trip'], 'p50'):>22}"
        f"{_ms(hearing['action_round_trip'], 'p50'):>22}"
    )
    print(f"\nhearing / discussion: {report['ratios']}")
    for action in hearing["actions_failed"][:5]:
        print(f"[hearing] action {action['number']} through {action['worker']} failed: {action['error']}")
    for name, output in report.get("worker_output", {}).items():
        print(f"worker {name} said:\n{output[-1500:]}")


def _ms(figures: dict, name: str) -> str:
    value = figures.get(f"{name}_ms")
    return "—" if value is None else f"{value:.1f}"


if __name__ == "__main__":
    main()
