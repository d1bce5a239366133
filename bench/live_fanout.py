"""How fast a new contribution reaches many live readers spread over two worker processes.

Starts two uvicorn workers on a throw-away PostgreSQL database and the real Redis,
connects ``--clients`` WebSocket readers to one consultation (half to each worker),
posts one contribution a second through HTTP for ``--seconds``, alternating workers,
and records when each reader receives each ``contribution.created``. Reports delivery,
latency from the POST's response and from its sending, the raw Redis pub/sub round trip
and the workers' memory, for channels-redis' ``core`` layer, its ``pubsub`` layer or
both. Writes the figures to ``bench/results/live_fanout-<timestamp>.json``. See
bench/README.md.
"""

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import harness

PARTICIPANTS = 4
#: High enough that the per-participant rate limit never refuses a benchmark post.
POSTS_PER_MINUTE = 100_000
#: Readers opening their connection at the same time.
CONNECT_CONCURRENCY = 50
#: After the last post, how long readers have to receive it before it counts as missed.
GRACE_SECONDS = 10
REDIS_ROUND_TRIPS = 1000
#: Misses listed in the JSON (all are counted).
MISSES_KEPT = 1000
#: Discussions are quiet most of the time: readers wait this long for the first post, longer
#: than the 5 s channels-redis' core layer blocks in one read from Redis.
QUIET_SECONDS = 6
LAYERS = ("core", "pubsub")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--clients", type=int, default=1000, help="WebSocket readers (default: 1000)")
    arguments.add_argument("--seconds", type=int, default=60, help="posts, one a second (default: 60)")
    arguments.add_argument("--layer", choices=[*LAYERS, "both"], default="both", help="channel layer (default: both)")
    arguments.add_argument("--quick", action="store_true", help="200 clients for 15 s")
    arguments.add_argument("--logs", metavar="DIR", help="keep the workers' whole output in DIR")
    arguments.add_argument(
        "--no-deflate",
        action="store_true",
        help="workers refuse permessage-deflate (uvicorn --ws-per-message-deflate false)",
    )
    arguments.add_argument(
        "--profile",
        metavar="DIR",
        help="record worker A with py-spy while the posts are sent (needs py-spy on PATH); flame graphs in DIR",
    )
    options = arguments.parse_args()
    if options.quick:
        options.clients, options.seconds = 200, 15
    if options.clients < 2 or options.seconds < 1:
        arguments.error("--clients must be at least 2 and --seconds at least 1")
    layers = LAYERS if options.layer == "both" else (options.layer,)

    harness.read_services_file()
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not redis_url:
        sys.exit(
            "live_fanout needs the real services: DATABASE_URL=postgres://… and REDIS_URL "
            "(run `make services-up`, then `source services/load-env.sh`)."
        )
    if options.profile and not shutil.which("py-spy"):
        arguments.error("--profile needs py-spy on PATH (pip install py-spy)")
    harness.raise_file_limit(options.clients + 512)

    database = harness.BenchDatabase(database_url, harness.database_name("live")).create(migrated=True)
    try:
        # Production's settings, as the site runs: a post's follow-up work (mail, indexing)
        # is queued for the task worker, not done in the request. None runs here: the
        # queue only grows for the length of the run.
        os.environ.update(
            {
                **harness.production_environment(database, redis_url, os.environ.get("SEARCH_URL", "")),
                "DISCUSSIONS_POSTS_PER_MINUTE": str(POSTS_PER_MINUTE),
                # Pages created here stay out of OpenSearch.
                "SEARCH_ENGINE": "database",
            }
        )
        site = prepare_site(database.name)
        runs = {layer: run_layer(layer, options, site) for layer in layers}
        report = {
            "benchmark": "live_fanout",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "clients": options.clients,
            "posts": options.seconds,
            "workers": 2,
            "grace_seconds": GRACE_SECONDS,
            "permessage_deflate": not options.no_deflate,
            "runs": runs,
            "better": better_layer(runs),
            "machine": machine(redis_url),
        }
    finally:
        from django.db import connections

        connections.close_all()
        database.drop()
    print_report(report)
    goals = goals_of(report)
    harness.print_goals(goals, "goal 7: live updates")
    harness.write_results("live_fanout", report, goals)


#: Issue 19, goal 7 — with 1,000 readers on 2 workers.
GOAL_P99_FROM_RESPONSE_MS = 250
GOAL_P99_AFTER_FIRST_READER_MS = 150


def goals_of(report: dict) -> list[harness.Goal]:
    goals = []
    clients = report["clients"]
    note = "" if clients >= 1000 else f"{clients} readers; the goal is for 1,000"
    for layer, run in report["runs"].items():
        goals += [
            harness.Goal(
                f"[{layer}] delivered", round(100 * (run["delivered_ratio"] or 0), 2), " %", at_least=100, note=note
            ),
            harness.Goal(
                f"[{layer}] p99 from the POST's response",
                run["latency_from_response"].get("p99_ms"),
                " ms",
                at_most=GOAL_P99_FROM_RESPONSE_MS,
                note=note,
            ),
            harness.Goal(
                f"[{layer}] p99 from a post's first reader to its last",
                run["after_first_reader"].get("p99_ms"),
                " ms",
                at_most=GOAL_P99_AFTER_FIRST_READER_MS,
                note=note,
            ),
        ]
    return goals


# --- setup ---------------------------------------------------------------------------------
@dataclass
class Site:
    page_url: str
    ws_path: str
    form_fields: dict
    session_keys: list[str]


def prepare_site(database: str) -> Site:
    """Migrate the bench database; make a plan, an open consultation and signed-in participants."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.services import participant_create
    from consultations.models import ConsultationPage
    from core.models import Sector
    from discussions import live
    from discussions.forms import ContributionForm

    print(f"Migrating {database}…", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    plan = harness.action_plan("Plan de prueba en vivo", "plan-en-vivo", 2025)
    now = timezone.now()
    page = plan.add_child(
        instance=ConsultationPage(
            title="Compromiso con muchos lectores",
            slug="muchos-lectores",
            summary="Una consulta abierta que leen muchas personas a la vez.",
            problem="<p>Medir cuánto tarda un aporte en llegar a cada lector.</p>",
            body=[("section", {"heading": "Objetivo", "anchor": "objetivo", "body": "<p>Texto.</p>"})],
            lead_institution="Gerencia Regional de Planeamiento",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
        )
    )
    session_keys = []
    for number in range(PARTICIPANTS):
        participant = participant_create(
            email=f"lector{number}@bench.example.org",
            password=secrets.token_urlsafe(16),
            display_name=f"Participante de prueba {number}",
            sector=Sector.CITIZEN,
            territory="cajamarca",
            confirmed=True,
        )
        session_keys.append(harness.signed_in_session(participant.user))
    return Site(
        page_url=page.get_url(),
        ws_path=live.websocket_path(page),
        form_fields={name: str(value) for name, value in ContributionForm(page).initial.items()},
        session_keys=session_keys,
    )


def run_layer(layer: str, options, site: Site) -> dict:
    print(f"\n[{layer}] starting 2 workers, {options.clients} readers, {options.seconds} posts…", flush=True)
    if options.logs:
        Path(options.logs).mkdir(parents=True, exist_ok=True)
    kept = contextlib.nullcontext(options.logs) if options.logs else None
    with kept or tempfile.TemporaryDirectory(prefix="cocrea-live-fanout-") as logs:
        workers = []
        try:
            for name in "AB":
                workers.append(
                    harness.Worker(
                        name,
                        Path(logs),
                        env={"CHANNEL_LAYER": layer},
                        log_name=f"worker-{name}-{layer}.log",
                        uvicorn_options=("--ws-per-message-deflate", "false") if options.no_deflate else (),
                    )
                )
            deadline = time.monotonic() + harness.WORKER_START_TIMEOUT
            for worker in workers:
                worker.wait_until_healthy(deadline)
            profiler = Profiler(workers[0], options.profile, layer) if options.profile else None
            result = asyncio.run(fan_out(workers, options, site, profiler))
            if profiler:
                result["profile"] = profiler.stop()
            result["rss_mib"] = {worker.name: worker.rss_mib() for worker in workers}
            errors = {worker.name: worker.output() for worker in workers if worker.output() != "(no output)"}
            if errors:
                result["worker_output"] = errors
            return result
        finally:
            for worker in workers:
                worker.stop()


# --- the run -------------------------------------------------------------------------------
@dataclass
class Reader:
    number: int
    worker: harness.Worker
    connected: bool = False
    hello_readers: int | None = None  # None as well when the readers' count was unavailable
    received: dict[int, float] = field(default_factory=dict)
    failure: str = ""


@dataclass
class Post:
    number: int
    worker: str
    sent: float = 0.0
    responded: float = 0.0
    status: int = 0
    contribution: int | None = None
    error: str = ""


class Profiler:
    """py-spy recording one worker while the posts are sent: where its time goes, per reader."""

    def __init__(self, worker: harness.Worker, directory: str, layer: str):
        self.worker, self.layer = worker, layer
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None

    def start(self, seconds: int) -> None:
        stem = self.directory / f"worker-{self.worker.name}-{self.layer}"
        self.outputs = [stem.with_suffix(".svg"), stem.with_suffix(".speedscope.json")]
        self.process = subprocess.Popen(  # noqa: S603 — py-spy from PATH, our own arguments
            [
                *("py-spy", "record", "--pid", str(self.worker.pid), "--rate", "200"),
                *("--duration", str(seconds), "--format", "raw", "--output", str(stem.with_suffix(".txt"))),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def stop(self) -> dict:
        try:
            _, errors = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, errors = self.process.communicate()
        raw = self.directory / f"worker-{self.worker.name}-{self.layer}.txt"
        return {"worker": self.worker.name, "raw": str(raw), "py_spy": errors.decode(errors="replace")[-500:]}


async def fan_out(workers: list[harness.Worker], options, site: Site, profiler: Profiler | None = None) -> dict:
    readers = [Reader(number, workers[number % 2]) for number in range(options.clients)]
    connected = asyncio.Semaphore(CONNECT_CONCURRENCY)
    settled = asyncio.Event()
    settled_count = 0
    stop = asyncio.Event()

    def reader_settled() -> None:  # it received its hello, or failed to connect
        nonlocal settled_count
        settled_count += 1
        if settled_count == len(readers):
            settled.set()

    started = time.perf_counter()
    tasks = [asyncio.create_task(read(reader, site, connected, reader_settled, stop)) for reader in readers]
    await settled.wait()  # each reader's own open_timeout bounds this
    connect_seconds = time.perf_counter() - started
    connected_count = sum(1 for reader in readers if reader.connected)
    print(f"  {connected_count} of {len(readers)} readers connected in {connect_seconds:.1f} s", flush=True)

    redis_floor = await redis_round_trips(os.environ["REDIS_URL"], REDIS_ROUND_TRIPS)
    sessions = [await asyncio.to_thread(http_session, key, workers[0], site) for key in site.session_keys]
    await asyncio.sleep(max(0.0, started + connect_seconds + QUIET_SECONDS - time.perf_counter()))
    posts: list[Post] = []
    post_tasks = []
    first = time.perf_counter() + 0.5
    if profiler:
        profiler.start(options.seconds + 2)
    # The readers' process is measured too: its receiving (and inflating) 1,000 frames a post
    # is part of every latency it reports.
    cpu = harness.CpuMeter(
        {**{f"worker {worker.name}": worker.pid for worker in workers}, "readers": os.getpid()}
    ).start()
    for number in range(options.seconds):
        await asyncio.sleep(max(0.0, first + number - time.perf_counter()))
        worker = workers[number % 2]
        post = Post(number, worker.name)
        posts.append(post)
        session = sessions[number % len(sessions)]
        post_tasks.append(asyncio.create_task(asyncio.to_thread(send_post, post, session, worker, site)))
    await asyncio.gather(*post_tasks)
    expected = {post.contribution for post in posts if post.contribution}
    deadline = time.perf_counter() + GRACE_SECONDS
    while time.perf_counter() < deadline and any(
        not reader.failure and not expected <= reader.received.keys() for reader in readers
    ):
        await asyncio.sleep(0.1)
    workers_cpu = cpu.stop()
    stop.set()
    await asyncio.gather(*tasks)
    return {**summarise(readers, posts, connect_seconds, redis_floor), "cpu_while_posting": workers_cpu}


async def read(reader: Reader, site: Site, connected, reader_settled, stop) -> None:
    from websockets.asyncio.client import connect

    worker = reader.worker
    try:
        async with connected:
            websocket = await connect(
                f"ws://127.0.0.1:{worker.port}{site.ws_path}",
                origin=worker.origin,
                proxy=None,
                ping_interval=None,  # the server's own pings keep the connection checked
                open_timeout=60,
                max_queue=None,
            )
            hello = json.loads(await websocket.recv())
        reader.connected, reader.hello_readers = True, hello.get("readers")
    except Exception as error:  # a reader that cannot connect is reported as missing every post
        reader.failure = f"connect: {type(error).__name__}: {error}"
        return
    finally:
        reader_settled()
    receiving = asyncio.create_task(receive(reader, websocket))
    await asyncio.wait([receiving, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED)
    receiving.cancel()
    await websocket.close()


async def receive(reader: Reader, websocket) -> None:
    from websockets.exceptions import ConnectionClosed

    try:
        async for frame in websocket:
            moment = time.perf_counter()
            message = json.loads(frame)
            if message.get("type") == "contribution.created":
                reader.received.setdefault(message["contribution"], moment)
    except ConnectionClosed as closed:
        reader.failure = f"closed by the server: {closed}"
        return
    reader.failure = "closed by the server"


def http_session(session_key: str, worker: harness.Worker, site: Site):
    """A signed-in HTTP session and its CSRF token; the page must render for it.

    Production's cookies are Secure, which a client on plain HTTP never sends back: the
    session and CSRF cookies go in the Cookie header, with a CSRF secret of our own (an
    unmasked secret is a valid token), as bench/load does."""
    import requests
    from django.conf import settings

    token = secrets.token_hex(16)
    session = requests.Session()
    session.trust_env = False  # loopback only, never through a proxy from the environment
    session.headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={token}"
    session.csrf_token = token
    response = session.get(f"{worker.origin}{site.page_url}", timeout=30)
    if response.status_code != 200:
        raise RuntimeError(f"GET {site.page_url} answered {response.status_code}")
    return session


def send_post(post: Post, session, worker: harness.Worker, site: Site) -> None:
    from django.urls import reverse

    data = {
        **site.form_fields,
        "comment": f"Aporte en vivo número {post.number}: que cada lector lo reciba a tiempo.",
        "section": "",
        "csrfmiddlewaretoken": session.csrf_token,
    }
    post.sent = time.perf_counter()
    try:
        response = session.post(
            f"{worker.origin}{reverse('discussions:post')}", data, allow_redirects=False, timeout=30
        )
    except Exception as error:  # a failed post is reported with the results
        post.responded, post.error = time.perf_counter(), f"{type(error).__name__}: {error}"
        return
    post.responded, post.status = time.perf_counter(), response.status_code
    location = response.headers.get("Location", "")
    if response.status_code == 302 and "#c" in location:
        post.contribution = int(location.rsplit("#c", 1)[1])
    else:
        post.error = f"{response.status_code}: {response.text[:200]}"


async def redis_round_trips(url: str, count: int) -> dict:
    """PUBLISH → receipt on a subscribed connection, the floor under any channel layer."""
    import redis.asyncio as redis

    client = redis.Redis.from_url(url)
    pubsub = client.pubsub()
    channel = f"cocrea-bench-live-{secrets.token_hex(4)}"
    await pubsub.subscribe(channel)
    await pubsub.get_message(timeout=1)  # the subscription's confirmation
    timings = []
    try:
        for number in range(count):
            started = time.perf_counter()
            await client.publish(channel, str(number))
            message = None
            while message is None:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        await pubsub.unsubscribe(channel)
        await pubsub.aclose()
        await client.aclose()
    return {"round_trips": count, **harness.percentiles(timings, (50, 99))}


# --- results -------------------------------------------------------------------------------
def summarise(readers: list[Reader], posts: list[Post], connect_seconds: float, redis_floor: dict) -> dict:
    published = [post for post in posts if post.contribution]
    from_response, from_sent, misses = [], [], []
    by_path: dict[str, list[float]] = {"same_worker": [], "other_worker": []}
    for reader in readers:
        for post in published:
            moment = reader.received.get(post.contribution)
            if moment is None:
                misses.append(
                    {
                        "reader": reader.number,
                        "worker": reader.worker.name,
                        "contribution": post.contribution,
                        "posted_through": post.worker,
                        "reader_failure": reader.failure,
                    }
                )
                continue
            from_response.append((moment - post.responded) * 1000)
            from_sent.append((moment - post.sent) * 1000)
            path = "same_worker" if reader.worker.name == post.worker else "other_worker"
            by_path[path].append((moment - post.sent) * 1000)
    spread = []  # how long after its first reader each reader got the post: the fan-out itself
    for post in published:
        moments = [reader.received[post.contribution] for reader in readers if post.contribution in reader.received]
        spread += [(moment - min(moments)) * 1000 for moment in moments]
    expected = len(readers) * len(published)
    return {
        "delivered": len(from_response),
        "expected": expected,
        "delivered_ratio": round(len(from_response) / expected, 6) if expected else None,
        "posts_failed": [
            {"number": post.number, "worker": post.worker, "error": post.error}
            for post in posts
            if not post.contribution
        ],
        "readers_connected": sum(1 for reader in readers if reader.connected),
        "readers_counted": max((reader.hello_readers or 0) for reader in readers),
        "hellos_without_count": sum(1 for reader in readers if reader.connected and reader.hello_readers is None),
        "connect_seconds": round(connect_seconds, 2),
        "latency_from_response": {
            **harness.percentiles(from_response),
            "arrived_before_response": sum(1 for value in from_response if value < 0),
        },
        "latency_from_sent": harness.percentiles(from_sent),
        "latency_from_sent_by_path": {path: harness.percentiles(values) for path, values in by_path.items()},
        "after_first_reader": harness.percentiles(spread),
        "post_round_trip": harness.percentiles([(post.responded - post.sent) * 1000 for post in published]),
        "redis_pubsub_round_trip": redis_floor,
        "misses_count": len(misses),
        "misses": misses[:MISSES_KEPT],
        "reader_failures": sorted({reader.failure for reader in readers if reader.failure}),
    }


def better_layer(runs: dict) -> dict | None:
    """Complete delivery first, then the slowest readers' latency from the POST being sent.

    The POST's own work (the fragments, the notifications) is in that latency for both
    layers alike, so the verdict is called clear only when the fan-out after the first
    reader agrees with it and both differ by more than 10 %.
    """
    if len(runs) < 2:
        return None

    def rank(layer):
        run = runs[layer]
        return (-(run["delivered_ratio"] or 0), run["latency_from_sent"].get("p99_ms", 1e9))

    best, other = sorted(runs, key=rank)
    if rank(best)[0] != rank(other)[0]:
        reason = f"{best} delivered {runs[best]['delivered_ratio']:.2%}, {other} {runs[other]['delivered_ratio']:.2%}"
        return {"layer": best, "clear": True, "reason": reason}
    sent = [runs[layer]["latency_from_sent"]["p99_ms"] for layer in (best, other)]
    fan_out = [runs[layer]["after_first_reader"]["p99_ms"] for layer in (best, other)]
    clear = sent[1] - sent[0] > 0.1 * sent[1] and fan_out[1] - fan_out[0] > 0.1 * fan_out[1]
    reason = (
        f"p99 from sending {sent[0]:.1f} ms against {sent[1]:.1f} ms; "
        f"p99 after the first reader {fan_out[0]:.1f} ms against {fan_out[1]:.1f} ms"
    )
    if not clear:
        reason += " — not a clear difference on this run"
    return {"layer": best, "clear": clear, "reason": reason}


def machine(redis_url: str) -> dict:
    import redis
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres_version = cursor.fetchone()[0]
    return {
        **harness.machine("channels", "channels-redis", "uvicorn", "websockets", "django"),
        "postgresql": postgres_version,
        "redis": redis.Redis.from_url(redis_url).info("server")["redis_version"],
    }


def print_report(report: dict) -> None:
    runs, layers = report["runs"], list(report["runs"])
    machine_ = report["machine"]
    print(
        f"\nlive_fanout: {report['clients']} readers over 2 workers, {report['posts']} posts (one a second, "
        f"alternating workers)\n{machine_['platform']}, {machine_['processor']} × {machine_['cpu_count']}, "
        f"Python {machine_['python']}, PostgreSQL {machine_['postgresql']}, Redis {machine_['redis']}, "
        f"channels-redis {machine_['channels-redis']}; readers, workers and services share these CPUs\n"
    )
    rows = [
        ("delivered", lambda run: f"{run['delivered']}/{run['expected']} ({(run['delivered_ratio'] or 0):.2%})"),
        ("readers connected / counted", lambda run: f"{run['readers_connected']} / {run['readers_counted']}"),
        ("  hellos without a readers' count", lambda run: str(run["hellos_without_count"])),
        ("connecting all readers (s)", lambda run: f"{run['connect_seconds']:.1f}"),
    ]
    rows += _figure_rows("latency from POST response", "latency_from_response", ("p50", "p95", "p99", "max"))
    rows.append(
        ("  arrived before the response", lambda run: str(run["latency_from_response"]["arrived_before_response"]))
    )
    rows += _figure_rows("latency from POST sent", "latency_from_sent", ("p50", "p95", "p99", "max"))
    for path in ("same_worker", "other_worker"):
        label = f"  readers on the {path.replace('_', ' ')} p50 / p99 (ms)"
        rows.append((label, lambda run, p=path: _ms(run["latency_from_sent_by_path"][p], "p50", "p99")))
    rows += _figure_rows("after the post's first reader", "after_first_reader", ("p50", "p99", "max"))
    rows += [
        ("POST round trip p50 / max (ms)", lambda run: _ms(run["post_round_trip"], "p50", "max")),
        ("Redis PUBLISH→receive p50 / p99 (ms)", lambda run: _ms(run["redis_pubsub_round_trip"], "p50", "p99")),
        ("worker RSS A / B at the end (MiB)", lambda run: f"{run['rss_mib']['A']} / {run['rss_mib']['B']}"),
        ("workers' CPU while posting A / B (s)", lambda run: _cpu(run["cpu_while_posting"])),
        ("  per delivery, posts included (µs)", lambda run: _cpu_per_delivery(run)),
        ("  the readers' process (s)", lambda run: f"{run['cpu_while_posting']['by_process']['readers']:.1f}"),
        ("  machine busy / available (s)", lambda run: _machine_cpu(run["cpu_while_posting"])),
    ]
    print(f"{'':<46}" + "".join(f"{layer:>22}" for layer in layers))
    print("-" * (46 + 22 * len(layers)))
    for label, value in rows:
        print(f"{label:<46}" + "".join(f"{value(runs[layer]):>22}" for layer in layers))
    for layer in layers:
        run = runs[layer]
        if run["misses"]:
            shown = ", ".join(
                f"reader {miss['reader']}@{miss['worker']} missed c{miss['contribution']}"
                for miss in run["misses"][:20]
            )
            more = f" … and {run['misses_count'] - 20} more" if run["misses_count"] > 20 else ""
            print(f"\n[{layer}] MISSES: {shown}{more}")
        for failure in run["reader_failures"][:5]:
            print(f"[{layer}] reader failure: {failure}")
        for post in run["posts_failed"][:5]:
            print(f"[{layer}] post {post['number']} through {post['worker']} failed: {post['error']}")
        for name, output in run.get("worker_output", {}).items():
            print(f"[{layer}] worker {name} said:\n{output[-1500:]}")
    if report["better"]:
        print(f"\nBetter here: {report['better']['layer']} — {report['better']['reason']}")


def _cpu(cpu: dict) -> str:
    workers = [value for name, value in cpu["by_process"].items() if name.startswith("worker")]
    return " / ".join("—" if value is None else f"{value:.1f}" for value in workers)


def _cpu_per_delivery(run: dict) -> str:
    used = sum(value or 0 for name, value in run["cpu_while_posting"]["by_process"].items() if name != "readers")
    return f"{used / run['delivered'] * 1e6:.0f}" if run["delivered"] else "—"


def _machine_cpu(cpu: dict) -> str:
    return f"{cpu['machine_busy']:.0f} / {cpu['available']:.0f}"


def _figure_rows(label: str, key: str, figures: tuple[str, ...]) -> list:
    return [(f"{label} {figure} (ms)", lambda run, f=figure: _ms(run[key], f)) for figure in figures]


def _ms(figures: dict, *names: str) -> str:
    return " / ".join("—" if figures.get(f"{name}_ms") is None else f"{figures[f'{name}_ms']:.1f}" for name in names)


if __name__ == "__main__":
    main()
