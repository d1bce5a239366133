"""Mixed load on the production-like setup, then every accepted contribution looked for.

Two uvicorn workers and the task worker (``manage.py db_worker``) serve a throw-away
PostgreSQL database with the real Redis and OpenSearch and ``cocrea.settings.production``.
``--participants`` simulated people read consultation pages, post contributions and
replies, react, search and use the search box's suggestions, each waiting a random
think time between actions, while ``--readers`` WebSocket readers follow the
discussions live. At the end every contribution that got a success response is looked
for in the database, on the consultation's pages and in the search index, and every
reader's live feed is compared with them: lost must be 0.

``bench/faults.py`` runs the same load while it breaks the services. See bench/README.md.
"""

import argparse
import asyncio
import contextlib
import csv
import html
import io
import json
import os
import random
import re
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness
from tests import decide_madrid

BENCH_DATABASE = "cocrea_bench_load"
#: Decide Madrid proposals whose comments make the consultations' discussions (1,400 in all).
PROPOSALS = (15711, 965, 20389, 1085)
#: What a participant does next, by weight.
ACTIONS = {"page": 40, "page_2": 5, "post": 10, "reply": 10, "react": 15, "search": 15, "suggest": 5}
CONTRIBUTION_KINDS = ("post", "reply")
THINK_SECONDS = 15.0
REQUEST_TIMEOUT = 30
#: A person whose post failed tries again this many times, a little later each time.
POST_ATTEMPTS = 4
RETRY_SECONDS = 2.0
#: Readers send a heartbeat, with the last event they saw, as the page's script does.
PING_SECONDS = 30
PONG_SECONDS = 10
CONNECT_CONCURRENCY = 50
#: After the last post, how long readers have to receive it before it counts as missed: a
#: reader the live layer lost gets it with its next heartbeat.
GRACE_SECONDS = 60
#: How long the index may take to receive the last contributions before they count as missing.
INDEX_WAIT_SECONDS = 90
#: Part of the marker the page refusing a post for a missing service must show.
REFUSAL_MARK = "no se guardó"
SUCCESS = {200, 301, 302, 304}
#: The two 503s, told apart by their Retry-After (cocrea/unavailable.py).
BUSY, DATABASE_DOWN = "503 busy", "503 database"


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(arguments)
    options = arguments.parse_args()
    options = normalise(arguments, options)
    with Bench(options) as bench:
        run = bench.run_load(options.seconds)
        report = {
            "benchmark": "load",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "quick": options.quick,
            "setup": bench.setup_figures,
            "run": run,
            "machine": bench.machine(),
        }
    print_report(report)
    harness.write_results("load", report)
    if not run["ok"]:
        sys.exit(1)


def add_arguments(arguments) -> None:
    arguments.add_argument("--participants", type=int, default=200, help="simulated participants (default: 200)")
    arguments.add_argument("--readers", type=int, default=500, help="live WebSocket readers (default: 500)")
    arguments.add_argument("--seconds", type=int, default=120, help="length of the load (default: 120)")
    arguments.add_argument("--think", type=float, default=THINK_SECONDS, help="mean think time in seconds (15)")
    arguments.add_argument("--quick", action="store_true", help="the same load for 30 s")
    arguments.add_argument("--seed", type=int, default=2026, help="random seed (default: 2026)")
    arguments.add_argument("--logs", metavar="DIR", help="keep the workers' whole output in DIR")
    arguments.add_argument(
        "--database", default=None, help="the throw-away database's name; also names its Redis keys and indexes"
    )


def normalise(arguments, options):
    if options.quick:
        options.seconds = 30
    if options.participants < 1 or options.readers < 0 or options.seconds < 5:
        arguments.error("at least one participant and 5 seconds are needed")
    return options


# --- the site ------------------------------------------------------------------------------
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


class Bench:
    """The production-like setup: database, index, site content, workers. A context manager."""

    def __init__(self, options, *, name: str = BENCH_DATABASE):
        name = options.database or name
        #: Names in Redis and OpenSearch: nothing is shared with tests or a development site.
        self.prefix = name.replace("_", "-")
        self.options = options
        harness.read_services_file()
        self.database_url = os.environ.get("DATABASE_URL", "")
        self.redis_url = os.environ.get("REDIS_URL", "")
        self.search_url = os.environ.get("SEARCH_URL", "")
        if (
            not self.database_url.startswith(("postgres://", "postgresql://"))
            or not self.redis_url
            or not self.search_url
        ):
            sys.exit(
                "This benchmark needs the real services: DATABASE_URL=postgres://…, REDIS_URL and SEARCH_URL "
                "(run `make services-up`; their addresses are then read from var/services.env)."
            )
        harness.raise_file_limit(options.readers + options.participants + 1024)
        self.database = harness.BenchDatabase(self.database_url, name)
        self.workers: list[harness.Worker] = []
        self.tasks_worker: harness.Worker | None = None
        self._logs = None
        self.setup_figures: dict = {}

    # --- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> "Bench":
        self.database.create()
        self.environment = {
            "DJANGO_SETTINGS_MODULE": "cocrea.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback: no TLS redirect, no HSTS.
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": self.database.url,
            "REDIS_URL": self.redis_url,
            "REDIS_PREFIX": self.prefix,
            "SEARCH_ENGINE": "opensearch",
            "SEARCH_URL": self.search_url,
            "SEARCH_INDEX_PREFIX": self.prefix,
            "TASKS_BACKEND": "database",
            "LOG_LEVEL": "WARNING",
        }
        os.environ.update(self.environment)
        try:
            started = time.perf_counter()
            self.site = prepare_site(self.database.name, self.options.participants, self.options.seed)
            self._texts, self._text_round = iter(self.site.texts), 0
            self.setup_figures["seconds"] = round(time.perf_counter() - started, 1)
            self.setup_figures["contributions_imported"] = sum(len(c.imported) for c in self.site.consultations)
            self.setup_figures["consultations"] = len(self.site.consultations)
            self._start_workers()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start_workers(self) -> None:
        if self.options.logs:
            log_dir = Path(self.options.logs)
            log_dir.mkdir(parents=True, exist_ok=True)
        else:
            self._logs = tempfile.TemporaryDirectory(prefix="cocrea-load-")
            log_dir = Path(self._logs.name)
        print("Starting 2 ASGI workers and the task worker…", flush=True)
        for name in "AB":
            self.workers.append(harness.Worker(name, log_dir))
        self.tasks_worker = harness.Worker(
            "tasks",
            log_dir,
            command=[sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        )
        for worker in self.workers:
            worker.wait_until_healthy()
        time.sleep(1)
        if not self.tasks_worker.alive():
            raise RuntimeError(f"the task worker exited:\n{self.tasks_worker.output()}")

    def __exit__(self, *exc) -> None:
        for worker in [*self.workers, *([self.tasks_worker] if self.tasks_worker else [])]:
            worker.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
            from search.engines import get_engine

            get_engine().client.indices.delete(index=f"{self.prefix}-*", ignore_unavailable=True)
        self.database.drop()
        if self._logs:
            self._logs.cleanup()

    # --- running ---------------------------------------------------------------------------
    def run_load(self, seconds: int, fault=None) -> dict:
        """Run the load (with ``fault``, a coroutine function given the load, breaking
        something meanwhile), then look for everything it was told was accepted."""
        load = Load(self, seconds, fault)
        print(
            f"Load: {self.options.participants} participants, {self.options.readers} live readers, "
            f"{seconds} s{' with a fault' if fault else ''}…",
            flush=True,
        )
        result = asyncio.run(load.run())
        print("Looking for every accepted contribution…", flush=True)
        result["found"], found = verify(self, load)
        result["workers"] = self.worker_health()
        if load.fault_record:
            result["fault"] = fault_figures(load, found, result["found"])
        result["problems"] = problems(result)
        result["ok"] = not result["problems"]
        return result

    def next_text(self) -> str:
        """A real comment's text, each used once over all the runs of this setup."""
        try:
            return next(self._texts)
        except StopIteration:  # a long run: the texts again, each marked so it stays new
            self._text_round += 1
            self._texts = iter(f"{text} ({self._text_round + 1})" for text in self.site.texts)
            return next(self._texts)

    def wait_until_ready(self, timeout: float = 120) -> None:
        """Until both ASGI workers say "ok" on /readyz (every service answers again)."""
        deadline = time.monotonic() + timeout
        while not self.worker_health()["ok"]:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the site is not ready again: {self.worker_health()}")
            time.sleep(1)

    def worker_health(self) -> dict:
        import requests

        health = {}
        for worker in self.workers:
            try:
                answer = requests.get(f"{worker.origin}/readyz", timeout=10).json()
                health[worker.name] = answer["status"]
            except (requests.RequestException, ValueError) as error:
                health[worker.name] = f"no answer: {error}"
        health["tasks"] = "running" if self.tasks_worker.alive() else f"exited ({self.tasks_worker.output()[-300:]})"
        health["ok"] = all(value in ("ok", "running") for value in health.values())
        return health

    def resources(self) -> dict:
        """Each worker's resident memory, PostgreSQL's (proportional, all processes), Redis's
        and OpenSearch's heap in use."""
        import redis
        import requests

        figures = {f"worker_{worker.name}_rss_mib": worker.rss_mib() for worker in self.workers}
        figures["tasks_worker_rss_mib"] = self.tasks_worker.rss_mib()
        postmaster = self.service_pids()["postgresql"]
        figures["postgresql_pss_mib"] = harness.tree_pss_mib(postmaster) if postmaster else None
        try:
            client = redis.Redis.from_url(self.redis_url, socket_timeout=1, socket_connect_timeout=1)
            figures["redis_used_mib"] = round(client.info("memory")["used_memory"] / 2**20, 1)
        except redis.RedisError:
            figures["redis_used_mib"] = None
        try:
            nodes = requests.get(f"{self.search_url}/_nodes/stats/jvm", timeout=1).json()["nodes"]
            figures["opensearch_heap_used_mib"] = round(
                sum(node["jvm"]["mem"]["heap_used_in_bytes"] for node in nodes.values()) / 2**20, 1
            )
        except (requests.RequestException, ValueError, KeyError):
            figures["opensearch_heap_used_mib"] = None
        return figures

    def service_pids(self) -> dict[str, int | None]:
        services = harness.services_dir()
        return {
            "postgresql": harness.pid_from_file(services / "postgres" / "data" / "postmaster.pid"),
            "opensearch": harness.pid_from_file(services / "opensearch" / "opensearch.pid"),
            "redis": harness.pid_from_file(services / "redis" / "redis.pid"),
        }

    def cpu_seconds(self) -> dict[str, tuple[int | None, float]]:
        """(process id, CPU used so far) of each part: this load generator, the workers, the
        services with their child processes."""
        used = {"load generator": (os.getpid(), time.process_time())}
        for worker in [*self.workers, self.tasks_worker]:
            used[f"worker {worker.name}"] = (worker.pid, harness.tree_cpu_seconds(worker.pid))
        for name, pid in self.service_pids().items():
            used[name] = (pid, harness.tree_cpu_seconds(pid) if pid else 0.0)
        return used

    def machine(self) -> dict:
        import redis
        import requests
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0]
        opensearch = requests.get(self.search_url, timeout=5).json()["version"]["number"]
        return {
            **harness.machine(
                "django", "wagtail", "channels", "channels-redis", "uvicorn", "psycopg", "opensearch-py", "aiohttp"
            ),
            "postgresql": postgres,
            "redis": redis.Redis.from_url(self.redis_url).info("server")["redis_version"],
            "opensearch": opensearch,
        }


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
    from core.models import Territory
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

    territories = list(Territory.objects.values_list("slug", flat=True))
    sectors = ["citizen", "civil_society", "academia", "private_sector", "citizen"]
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


# --- the load ------------------------------------------------------------------------------
@dataclass
class Record:
    kind: str
    at: float  # seconds since the start of the load
    ms: float
    status: int | str
    worker: str


@dataclass
class Intent:
    """Someone writing one contribution, and what became of it, retries included."""

    kind: str
    consultation: Consultation
    participant: int
    text: str
    at: float
    attempts: int = 0
    contribution: int | None = None
    statuses: list = field(default_factory=list)
    refusals_explained: int = 0  # 503 pages that said the text was not saved and gave it back
    refusals_unexplained: int = 0


@dataclass
class Reader:
    number: int
    consultation: Consultation
    after: int
    received: set = field(default_factory=set)
    reloaded: set = field(default_factory=set)  # seen on the page reloaded when told to
    connected: bool = False
    connects: int = 0
    reloads: int = 0
    gaps: int = 0  # times a lost event was noticed and caught up
    answered: bool = True  # the last heartbeat was answered
    down_since: float | None = None
    outages: list = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    last_connected_at: float = 0.0


class Load:
    def __init__(self, bench: Bench, seconds: int, fault=None):
        self.bench, self.site, self.options = bench, bench.site, bench.options
        self.seconds, self.fault = seconds, fault
        self.workers = bench.workers
        self.records: list[Record] = []
        self.intents: list[Intent] = []
        self.readers: list[Reader] = []
        self.balancer_retries = 0
        #: Contributions accepted in this run, by consultation (several runs share a site).
        self.accepted: dict[int, list[int]] = {}
        self._down_until = {worker.name: 0.0 for worker in self.workers}
        self._turn = 0
        self.stopping = False
        self.samples: list[dict] = []
        self.fault_record: dict | None = None

    def now(self) -> float:
        return time.monotonic() - self.t0

    # --- the balancer in front of the workers ----------------------------------------------
    def choose(self) -> harness.Worker:
        """Round robin over the workers that did not refuse a connection in the last second,
        as a proxy with passive health checks does."""
        moment = time.monotonic()
        for _ in range(len(self.workers)):
            self._turn += 1
            worker = self.workers[self._turn % len(self.workers)]
            if self._down_until[worker.name] <= moment:
                return worker
        return self.workers[self._turn % len(self.workers)]

    async def request(self, kind: str, method: str, path: str, headers: dict, data=None) -> tuple:
        import aiohttp

        for _ in range(len(self.workers)):
            worker = self.choose()
            started = time.monotonic()
            try:
                async with self.http.request(
                    method, worker.origin + path, data=data, headers=headers, allow_redirects=False
                ) as response:
                    body = await response.text(errors="replace")
                    status, location = response.status, response.headers.get("Location", "")
                    if status == 503:  # which refusal: the queue was full, or the database is down
                        status = BUSY if response.headers.get("Retry-After") == "5" else DATABASE_DOWN
            except aiohttp.ClientConnectorError:
                # Nothing reached the worker: the proxy sends the request to the other one.
                self._down_until[worker.name] = time.monotonic() + 1
                self.balancer_retries += 1
                continue
            except TimeoutError:
                status, body, location = "timeout", "", ""
            except aiohttp.ClientError as error:
                status, body, location = f"connection: {type(error).__name__}", "", ""
            self.records.append(
                Record(kind, started - self.t0, (time.monotonic() - started) * 1000, status, worker.name)
            )
            return status, body, location
        self.records.append(Record(kind, self.now(), 0.0, "no worker answers", "-"))
        return "no worker answers", "", ""

    # --- participants ----------------------------------------------------------------------
    def next_text(self) -> str:
        return self.bench.next_text()

    async def participant(self, number: int) -> None:
        rng = random.Random(self.options.seed * 100_000 + number)  # noqa: S311
        token = secrets.token_hex(16)  # an unmasked CSRF secret, sent as cookie and field
        headers = {
            "Cookie": f"{self.site.session_cookie}={self.site.sessions[number]}; {self.site.csrf_cookie}={token}",
            "Accept-Language": "es",
        }
        names, weights = list(ACTIONS), list(ACTIONS.values())
        await asyncio.sleep(rng.uniform(0, self.options.think))  # people arrive over time
        while not self.stopping:
            action = rng.choices(names, weights)[0]
            consultation = rng.choice(self.site.consultations)
            if action in CONTRIBUTION_KINDS:
                await self.contribute(action, number, consultation, rng, headers, token)
            elif action == "react":
                pk = rng.choice(consultation.imported)
                data = {"kind": rng.choice(["support", "disagree"]), "csrfmiddlewaretoken": token}
                await self.request("react", "POST", self.site.react_path.format(pk=pk), headers, data)
            elif action == "search":
                query = quote(rng.choice(self.site.words))
                await self.request("search", "GET", f"{self.site.search_path}?q={query}", headers)
            elif action == "suggest":
                prefix = quote(rng.choice(self.site.prefixes))
                await self.request("suggest", "GET", f"/api/search/suggest/?q={prefix}&lang=es", headers)
            else:
                path = consultation.url + ("?pagina=2" if action == "page_2" else "")
                await self.request("page", "GET", path, headers)
            await asyncio.sleep(min(rng.expovariate(1 / self.options.think), 4 * self.options.think))

    async def contribute(self, kind, number, consultation, rng, headers, token) -> None:
        intent = Intent(kind, consultation, number, self.next_text(), self.now())
        self.intents.append(intent)
        data = {
            **consultation.form,
            "comment": intent.text,
            "section": rng.choice(["", "", *consultation.sections]),
            "csrfmiddlewaretoken": token,
        }
        if kind == "reply":
            data["parent"] = str(rng.choice(consultation.imported + consultation.accepted))
        for attempt in range(POST_ATTEMPTS):
            intent.attempts = attempt + 1
            status, body, location = await self.request(kind, "POST", self.site.post_path, headers, data)
            intent.statuses.append(status)
            if status == 302 and "#c" in location:
                intent.contribution = int(location.rsplit("#c", 1)[1])
                consultation.accepted.append(intent.contribution)  # what later replies answer
                self.accepted.setdefault(consultation.page_id, []).append(intent.contribution)
                return
            if status in (BUSY, DATABASE_DOWN):
                page = html.unescape(body)
                if REFUSAL_MARK in page and intent.text[:60] in page:
                    intent.refusals_explained += 1
                else:
                    intent.refusals_unexplained += 1
            elif isinstance(status, int) and 400 <= status < 500:
                return  # refused by the rules, with the reason: trying again would not help
            # A refusal for a missing service, a timeout or a lost connection: the person
            # waits a little and sends the same text again.
            await asyncio.sleep(RETRY_SECONDS * (attempt + 1))

    # --- live readers ----------------------------------------------------------------------
    async def read(self, reader: Reader, opening: asyncio.Semaphore, opened: asyncio.Event) -> None:
        from websockets.asyncio.client import connect

        rng = random.Random(reader.number)  # noqa: S311
        attempt = 0
        while True:
            worker = self.workers[(reader.number + attempt) % len(self.workers)]
            pinger = None
            try:
                async with opening:
                    websocket = await connect(
                        f"ws://127.0.0.1:{worker.port}{reader.consultation.ws_path}",
                        origin=worker.origin,
                        proxy=None,
                        ping_interval=None,
                        open_timeout=30,
                        max_queue=None,
                    )
                async with websocket:
                    json.loads(await websocket.recv())  # hello
                    await websocket.send(json.dumps({"type": "catch_up", "after": reader.after}))
                    reader.connected, reader.connects = True, reader.connects + 1
                    reader.last_connected_at = self.now()
                    if reader.down_since is not None:
                        reader.outages.append(self.now() - reader.down_since)
                        reader.down_since = None
                    opened.set()
                    attempt = 0
                    pinger = asyncio.create_task(self.ping(websocket, reader))
                    catching_up = True
                    async for frame in websocket:
                        message = json.loads(frame)
                        # As the page's script: an event whose predecessor never came means
                        # the live layer lost something; catch up from the last one surely seen.
                        previous, event = message.get("previous"), message.get("id")
                        if isinstance(previous, int) and previous > reader.after:
                            if not catching_up:
                                catching_up = True
                                reader.gaps += 1
                                await websocket.send(json.dumps({"type": "catch_up", "after": reader.after}))
                        elif isinstance(event, int):
                            reader.after = max(reader.after, event)
                        if message.get("type") == "caught_up":
                            catching_up = False
                        elif message.get("type") == "pong":
                            reader.answered = True
                        if message.get("type") == "contribution.created":
                            reader.received.add(message["contribution"])
                        elif message.get("type") == "reload":
                            # Too much to catch up on: the page's script asks the person to
                            # reload, and the reloaded page shows everything (the pages are
                            # checked apart). Its feed starts again from the last event.
                            reader.reloads += 1
                            reader.reloaded |= set(self.accepted.get(reader.consultation.page_id, ()))
                            (reader.after,) = await asyncio.to_thread(latest_events, [reader.consultation])
                            catching_up = False
                    reader.failures["closed by the server"] += 1
            except asyncio.CancelledError:
                raise
            except Exception as error:
                code = getattr(getattr(error, "rcvd", None), "code", None)
                reader.failures[f"{type(error).__name__}{f' {code}' if code else ''}"] += 1
            finally:
                if pinger:
                    pinger.cancel()
            reader.connected = False
            if reader.down_since is None:
                reader.down_since = self.now()
            attempt += 1
            # As the page's script does: a growing, jittered delay before connecting again.
            await asyncio.sleep(min(5.0, 0.5 * 2 ** min(attempt, 4)) * rng.uniform(0.5, 1.5))

    async def ping(self, websocket, reader: Reader) -> None:
        """As the page's script: a heartbeat, and a connection that does not answer it in
        PONG_SECONDS is closed, so that the reader connects again and catches up."""
        while True:
            await asyncio.sleep(PING_SECONDS)
            reader.answered = False
            await websocket.send(json.dumps({"type": "ping", "after": reader.after}))
            await asyncio.sleep(PONG_SECONDS)
            if not reader.answered:
                reader.failures["no answer to the heartbeat"] += 1
                await websocket.close()
                return

    # --- the run ---------------------------------------------------------------------------
    async def run(self) -> dict:
        import aiohttp

        self.t0 = time.monotonic()
        self.http = aiohttp.ClientSession(
            # Idle connections are dropped before uvicorn closes them (after 5 s), so a request
            # never goes out on a connection the server is closing.
            connector=aiohttp.TCPConnector(limit=0, limit_per_host=0, keepalive_timeout=3),
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
        )
        sampling = threading.Event()
        sampler = threading.Thread(target=self.sample, args=(sampling,), daemon=True)
        sampler.start()
        opening = asyncio.Semaphore(CONNECT_CONCURRENCY)
        consultations = self.site.consultations
        # Readers open the page now: their live feed starts from the discussion's last event.
        last_events = await asyncio.to_thread(latest_events, consultations)
        self.readers = [
            Reader(number, consultations[number % len(consultations)], last_events[number % len(consultations)])
            for number in range(self.options.readers)
        ]
        reader_tasks = [asyncio.create_task(self.read(reader, opening, asyncio.Event())) for reader in self.readers]
        connect_deadline = time.monotonic() + 120
        while time.monotonic() < connect_deadline and any(reader.connects == 0 for reader in self.readers):
            await asyncio.sleep(0.2)
        readers_connected_in = self.now()
        print(
            f"  {sum(r.connected for r in self.readers)} readers connected in {readers_connected_in:.1f} s", flush=True
        )

        self.t0 = time.monotonic()  # the load's own clock starts now
        self.records.clear()
        cpu_before = self.bench.cpu_seconds()
        participants = [asyncio.create_task(self.participant(n)) for n in range(self.options.participants)]
        fault_task = asyncio.create_task(self.fault(self)) if self.fault else None
        # The load runs its length, and with a fault until the service has been back for
        # the fault's observation time.
        end = self.seconds
        while True:
            if fault_task and fault_task.done():
                self.fault_record = fault_task.result()
                end = max(end, self.fault_record["back_at"] + self.fault_record["observe_after"])
                fault_task = None
            if fault_task is None and self.now() >= end:
                break
            await asyncio.sleep(0.5)
        self.stopping = True
        load_seconds = self.now()
        cpu_after = self.bench.cpu_seconds()
        # A process restarted meanwhile (a fault) is not measured: its time is partly lost.
        self.cpu = {
            name: round(cpu_after[name][1] - before, 1) if cpu_after[name][0] == pid else None
            for name, (pid, before) in cpu_before.items()
        }
        # From now on, with the last requests finishing and the readers still listening: how
        # soon does search_check find no drift?
        checking = asyncio.create_task(asyncio.to_thread(search_check_until_in_step, self))
        await asyncio.gather(*participants)
        print(f"  load stopped after {load_seconds:.0f} s; waiting for live readers to have everything…", flush=True)

        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and any(self.missing(reader) for reader in self.readers):
            await asyncio.sleep(0.2)
        self.search_check = await checking
        for task in reader_tasks:
            task.cancel()
        await asyncio.gather(*reader_tasks, return_exceptions=True)
        await self.http.close()
        sampling.set()
        sampler.join()
        return self.summary(load_seconds, readers_connected_in)

    def missing(self, reader: Reader) -> set:
        """What this run accepted on the reader's discussion and the reader never had."""
        return set(self.accepted.get(reader.consultation.page_id, ())) - reader.received - reader.reloaded

    def sample(self, stop: threading.Event) -> None:
        while not stop.wait(2.0):
            self.samples.append({"at": round(self.now(), 1), **self.bench.resources()})

    # --- figures ---------------------------------------------------------------------------
    def summary(self, load_seconds: float, readers_connected_in: float) -> dict:
        by_kind: dict[str, list[Record]] = {}
        for record in self.records:
            by_kind.setdefault(record.kind, []).append(record)
        kinds = {}
        for kind, records in sorted(by_kind.items()):
            ok = [record.ms for record in records if record.status in SUCCESS]
            kinds[kind] = {
                "requests": len(records),
                "per_second": round(len(records) / load_seconds, 2),
                "ok": len(ok),
                **harness.percentiles(ok, (50, 95, 99)),
                "errors": dict(Counter(str(r.status) for r in records if r.status not in SUCCESS)),
            }
        errors = Counter(str(record.status) for record in self.records if record.status not in SUCCESS)
        accepted = [intent for intent in self.intents if intent.contribution]
        unanswered = [intent for intent in self.intents if not intent.contribution]
        deliveries = sum(len(self.accepted.get(reader.consultation.page_id, ())) for reader in self.readers)
        missing = sum(len(self.missing(reader)) for reader in self.readers)
        outages = [outage * 1000 for reader in self.readers for outage in reader.outages]
        peaks: dict[str, float] = {}
        for sample in self.samples:
            for name, value in sample.items():
                if name != "at" and value is not None:
                    peaks[name] = max(peaks.get(name, 0), value)
        return {
            "seconds": round(load_seconds, 1),
            "participants": self.options.participants,
            "readers": self.options.readers,
            "think_seconds": self.options.think,
            "requests": len(self.records),
            "requests_per_second": round(len(self.records) / load_seconds, 2),
            "by_kind": kinds,
            "errors": dict(errors),
            "balancer_retries": self.balancer_retries,
            "contributions": {
                "written": len(self.intents),
                "accepted": len(accepted),
                "accepted_after_retry": sum(1 for intent in accepted if intent.attempts > 1),
                "not_accepted": len(unanswered),
                "refused_by_rules": dict(
                    Counter(str(intent.statuses[-1]) for intent in unanswered if isinstance(intent.statuses[-1], int))
                ),
                "refusals_explained": sum(intent.refusals_explained for intent in self.intents),
                "refusals_unexplained": sum(intent.refusals_unexplained for intent in self.intents),
            },
            "live": {
                "readers_connected_in_s": round(readers_connected_in, 1),
                "connected_at_end": sum(1 for reader in self.readers if reader.connected),
                "expected": deliveries,
                "delivered": deliveries - missing,
                "missing": missing,
                "reconnections": sum(max(0, reader.connects - 1) for reader in self.readers),
                "reconnect": harness.percentiles(outages, (50, 99)),
                "gaps_caught_up": sum(reader.gaps for reader in self.readers),
                "reloads": sum(reader.reloads for reader in self.readers),
                "seen_after_reload": sum(len(reader.reloaded - reader.received) for reader in self.readers),
                "failures": dict(sum((reader.failures for reader in self.readers), Counter())),
            },
            "cpu_seconds": self.cpu,
            "cpu_available_seconds": round(load_seconds * (os.cpu_count() or 1), 1),
            "resources_peak": peaks,
            "resources_end": self.samples[-1] if self.samples else {},
        }


# --- looking for every accepted contribution ----------------------------------------------
def verify(bench: Bench, load: Load) -> tuple[dict, set[int]]:
    """In the database, on the pages, in the index; with duplicates and the index's delay.
    Returns the figures and the accepted contributions found everywhere."""
    import requests
    from django.db import connections
    from django.db.models import Count

    from discussions.models import Contribution
    from search.engines import get_engine
    from search.models import IndexingBacklog

    connections.close_all()  # the database may have restarted since this process last used it
    check, in_step_at = load.search_check
    accepted = {intent.contribution: intent for intent in load.intents if intent.contribution}
    stored = set(
        Contribution.objects.filter(pk__in=accepted, is_public=True, is_removed=False).values_list("pk", flat=True)
    )
    duplicates = (
        Contribution.objects.filter(user_id__in=bench.site.user_ids)
        .values("user_id", "object_pk", "comment")
        .annotate(copies=Count("id"))
        .filter(copies__gt=1)
        .count()
    )
    # Sent, never confirmed to the person (a timeout, a lost connection), yet stored: kept.
    unconfirmed = [intent for intent in load.intents if not intent.contribution]
    stored_unconfirmed = sum(
        1
        for intent in unconfirmed
        if Contribution.objects.filter(
            user_id=bench.site.user_ids[intent.participant], comment=intent.text.strip()
        ).exists()
    )

    on_pages: set[int] = set()
    session = requests.Session()
    session.trust_env = False
    for consultation in bench.site.consultations:
        number, seen_before = 1, None
        while True:
            page = session.get(f"{bench.workers[0].origin}{consultation.url}?pagina={number}", timeout=60)
            shown = {int(pk) for pk in re.findall(r'id="c(\d+)"', page.text)}
            if page.status_code != 200 or shown == seen_before:
                break
            on_pages |= shown
            seen_before, number = shown, number + 1

    started = time.monotonic()
    engine = get_engine()
    wanted = {f"contribution-{pk}" for pk in accepted}
    indexed: set[str] = set()
    while time.monotonic() - started < INDEX_WAIT_SECONDS:
        with contextlib.suppress(Exception):
            engine.refresh()
            indexed = set(engine.ids_for([f"contribution:{pk}" for pk in accepted])) & wanted
        if indexed == wanted and not IndexingBacklog.objects.exists():
            break
        time.sleep(1)
    index_seconds = time.monotonic() - started
    in_index = {int(doc_id.split("-")[1]) for doc_id in indexed}
    found = stored & on_pages & in_index
    lost = sorted(set(accepted) - found)
    figures = {
        "accepted": len(accepted),
        "in_database": len(stored),
        "on_pages": len(set(accepted) & on_pages),
        "in_index": len(in_index),
        "index_caught_up_s": round(index_seconds, 1),
        "lost": len(lost),
        "lost_ids": lost[:50],
        "duplicates": duplicates,
        "unconfirmed_but_stored": stored_unconfirmed,
        "search_check": check,
        "search_in_step_at": in_step_at,
    }
    return figures, found


def search_check_until_in_step(load: Load, timeout: float = 120) -> tuple[dict, float | None]:
    """Run the drift check until it finds none (or ``timeout``); when, on the load's clock."""
    deadline = time.monotonic() + timeout
    while True:
        check = search_check()
        if check["in_step"]:
            return check, round(load.now(), 1)
        if time.monotonic() > deadline:
            return check, None
        time.sleep(1)


def search_check() -> dict:
    """``manage.py search_check --dry-run``: is there drift between database and index?"""
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()  # this thread's connection may predate a database restart
    output = io.StringIO()
    try:
        call_command("search_check", "--dry-run", stdout=output)
    except Exception as error:
        return {"in_step": False, "output": f"{type(error).__name__}: {error}"}
    text = output.getvalue()
    in_step = "Backlog: empty." in text and text.count("in step") >= 2
    return {"in_step": in_step, "output": text.strip()}


def problems(run: dict) -> list[str]:
    """Why a run fails, if it does."""
    found, live, contributions = run["found"], run["live"], run["contributions"]
    checks = [
        (found["lost"], f"{found['lost']} accepted contributions lost"),
        (found["duplicates"], f"{found['duplicates']} contributions stored twice"),
        (live["missing"], f"{live['missing']} live deliveries missing"),
        (contributions["refusals_unexplained"], f"{contributions['refusals_unexplained']} 503s without the text"),
        (not found["search_check"]["in_step"], "search_check found drift"),
        (not run["workers"]["ok"], f"workers not ready: {run['workers']}"),
    ]
    return [message for failed, message in checks if failed]


def fault_figures(load: Load, found: set[int], found_figures: dict) -> dict:
    """What the fault cost: refusals while it lasted, the contributions written meanwhile and
    whether they are all there, and how long each part took to recover."""
    fault = load.fault_record
    start, back = fault["started_at"], fault["back_at"]
    observed = [
        record for record in load.records if start <= record.at + record.ms / 1000 <= back + fault["observe_after"]
    ]
    # The fault's failures: a full queue (503 busy) is the load, not the fault.
    failures = [
        record
        for record in load.records
        if record.at + record.ms / 1000 >= start and record.status not in (*SUCCESS, BUSY)
    ]
    during = [intent for intent in load.intents if start <= intent.at <= back]
    accepted = [intent.contribution for intent in during if intent.contribution]
    reconnected = [reader.last_connected_at for reader in load.readers if reader.last_connected_at > start]
    in_step_at = found_figures["search_in_step_at"]
    return {
        **fault,
        "outage_s": round(back - start, 1),
        "requests_observed": len(observed),
        "requests_failed": dict(Counter(str(r.status) for r in observed if r.status not in (*SUCCESS, BUSY))),
        "requests_busy": sum(1 for record in observed if record.status == BUSY),
        "contributions_during": {
            "written": len(during),
            "accepted": len(accepted),
            "found_afterwards": sum(1 for pk in accepted if pk in found),
            "refused_with_the_text_given_back": sum(intent.refusals_explained for intent in during),
            "never_accepted": sum(1 for intent in during if not intent.contribution),
        },
        "recovery_s": {
            # After the service was back: the last failed request, the last reader to
            # reconnect (negative: it reconnected before, to the other worker), no drift.
            "requests": round(max(0.0, max((r.at + r.ms / 1000 for r in failures), default=back) - back), 1),
            "readers_reconnected": round(max(reconnected) - back, 1) if reconnected else None,
            "readers_disconnected": len(reconnected),
            "search_no_drift": round(in_step_at - back, 1) if in_step_at is not None else None,
        },
    }


# --- the report ----------------------------------------------------------------------------
def print_report(report: dict) -> None:
    run, machine = report["run"], report["machine"]
    print(
        f"\nload: {run['participants']} participants (think time {run['think_seconds']} s), "
        f"{run['readers']} live readers, {run['seconds']:.0f} s; 2 ASGI workers + task worker\n"
        f"{machine['platform']}, {machine['processor']} × {machine['cpu_count']}, {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, PostgreSQL {machine['postgresql']}, Redis {machine['redis']}, "
        f"OpenSearch {machine['opensearch']}; load generator, workers and services share these CPUs\n"
    )
    print_run(run)


def print_run(run: dict) -> None:
    header = f"{'request':<10}{'count':>8}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  errors"
    print(header)
    print("-" * (len(header) + 20))
    for kind, figures in run["by_kind"].items():
        errors = ", ".join(f"{status}: {count}" for status, count in figures["errors"].items()) or "—"
        print(
            f"{kind:<10}{figures['requests']:>8}{figures['per_second']:>8.1f}{_ms(figures, 'p50')}"
            f"{_ms(figures, 'p95')}{_ms(figures, 'p99')}  {errors}"
        )
    print(f"{'all':<10}{run['requests']:>8}{run['requests_per_second']:>8.1f}")
    if run["balancer_retries"]:
        print(f"(requests the balancer sent to the other worker after a refused connection: {run['balancer_retries']})")
    contributions, found, live = run["contributions"], run["found"], run["live"]
    print(
        f"\ncontributions written {contributions['written']}, accepted {contributions['accepted']} "
        f"({contributions['accepted_after_retry']} after trying again), not accepted {contributions['not_accepted']}; "
        f"503 pages that said so and gave the text back {contributions['refusals_explained']}, "
        f"that did not {contributions['refusals_unexplained']}"
    )
    print(
        f"found: in the database {found['in_database']}, on the pages {found['on_pages']}, "
        f"in the index {found['in_index']} (caught up {found['index_caught_up_s']} s after the load) "
        f"— LOST {found['lost']}, duplicates {found['duplicates']}, "
        f"stored though unconfirmed {found['unconfirmed_but_stored']}"
    )
    print(f"search_check: {'no drift' if found['search_check']['in_step'] else 'DRIFT'}")
    reconnect = live["reconnect"]
    waited = (
        f" (p50 {reconnect.get('p50_ms', 0) / 1000:.1f} s, max {reconnect.get('max_ms', 0) / 1000:.1f} s)"
        if live["reconnections"]
        else ""
    )
    print(
        f"live: {live['delivered']}/{live['expected']} deliveries (missing {live['missing']}), "
        f"{live['reconnections']} reconnections{waited}, {live['gaps_caught_up']} gaps caught up, "
        f"{live['reloads']} told to reload "
        f"({live['seen_after_reload']} contributions seen on the reloaded page); "
        f"readers connected in {live['readers_connected_in_s']} s"
    )
    cpu = run["cpu_seconds"]
    print(
        f"CPU seconds during the load ({run['cpu_available_seconds']:.0f} available): "
        + ", ".join(
            f"{name} {'— (restarted)' if value is None else f'{value:.0f}'}"
            for name, value in sorted(cpu.items(), key=lambda item: -(item[1] or 0))
        )
    )
    peak = run["resources_peak"]
    print(
        "memory peak (MiB): "
        + ", ".join(f"{name.removesuffix('_mib').replace('_', ' ')} {value}" for name, value in peak.items())
    )
    workers = run["workers"]
    print("workers after the run: " + ", ".join(f"{name} {state}" for name, state in workers.items() if name != "ok"))
    print("RESULT: " + ("lost = 0, nothing missing" if run["ok"] else "FAILED: " + "; ".join(run["problems"])))


def _ms(figures: dict, name: str) -> str:
    value = figures.get(f"{name}_ms")
    return f"{'—':>9}" if value is None else f"{value:>9.1f}"


if __name__ == "__main__":
    main()
