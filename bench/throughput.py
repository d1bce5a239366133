"""How many consultation pages two workers serve a second, against the home page.

Two uvicorn workers run ``cocrea.settings.production`` on a throw-away PostgreSQL database
with the real Redis and OpenSearch; the consultation holds Decide Madrid's largest thread
(589 contributions). ``--concurrency`` anonymous clients (8) request one page after
another, round-robin over the workers, for ``--seconds`` per round; the home page and the
consultation page take turns, ``--rounds`` times each, so both see the same machine. The
result is requests per second of each and their ratio, the figure issue 19's goal 3 is
about. Run it from the repository's root: ``python -m bench.throughput``. See
bench/README.md.
"""

import argparse
import asyncio
import contextlib
import os
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import harness
from tests import decide_madrid

#: consultation page / home page, requests per second at concurrency 8 on two workers, as
#: measured on main at 4223451 (bench/README.md, "throughput"). Issue 19's goal 3 is three
#: times this ratio.
BASELINE_RATIO = 0.34
GOAL_FACTOR = 3
WARM_UP_REQUESTS = 4
REQUEST_TIMEOUT = 60


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--concurrency", type=int, default=8, help="clients at once (default: 8)")
    arguments.add_argument("--seconds", type=float, default=15, help="length of one round (default: 15)")
    arguments.add_argument("--rounds", type=int, default=2, help="rounds of each page, taking turns (default: 2)")
    arguments.add_argument("--quick", action="store_true", help="one round of 10 s each")
    arguments.add_argument("--logs", metavar="DIR", help="keep the workers' whole output in DIR")
    options = arguments.parse_args()
    if options.quick:
        options.seconds, options.rounds = 10, 1
    if options.concurrency < 1 or options.seconds <= 0 or options.rounds < 1:
        arguments.error("--concurrency, --seconds and --rounds must be positive")

    database_url, redis_url, search_url = harness.real_services("throughput")
    harness.raise_file_limit(options.concurrency + 1024)
    database = harness.BenchDatabase(database_url, harness.database_name("throughput")).create(migrated=True)
    os.environ.update(harness.production_environment(database, redis_url, search_url))
    workers: list[harness.Worker] = []
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(database.drop)
        cleanup.callback(close_connections)
        pages = prepare_site()
        cleanup.callback(harness.drop_search_indexes, database.name.replace("_", "-"))
        logs = Path(options.logs) if options.logs else Path(cleanup.enter_context(tempfile.TemporaryDirectory()))
        logs.mkdir(parents=True, exist_ok=True)
        print("Starting 2 ASGI workers…", flush=True)
        for name in "AB":
            workers.append(harness.Worker(name, logs))
            cleanup.callback(workers[-1].stop)
        for worker in workers:
            worker.wait_until_healthy()
        rounds = asyncio.run(measure(workers, pages, options))
        report = {
            "benchmark": "throughput",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "concurrency": options.concurrency,
            "workers": 2,
            "seconds_per_round": options.seconds,
            "rounds": options.rounds,
            "pages": pages,
            "results": summarise(rounds),
            "by_round": rounds,
            "baseline_ratio": BASELINE_RATIO,
            "machine": machine(redis_url, search_url),
        }
    print_report(report)
    goals = goals_of(report)
    harness.print_goals(goals, "goal 3: throughput")
    harness.write_results("throughput", report, goals)


def close_connections() -> None:
    from django.db import connections

    connections.close_all()


def prepare_site() -> dict[str, str]:
    """Migrate; a plan with one open consultation holding proposal 1419's comments."""
    import django

    os.environ["TASKS_BACKEND"] = "immediate"  # the setup's indexing runs here, at once
    django.setup()
    os.environ["TASKS_BACKEND"] = "database"
    from django.core.management import call_command
    from django.utils import timezone

    from consultations.models import ConsultationPage
    from demo.site import ensure_home_page
    from discussions.importing import import_contributions

    print("Migrating…", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    plan = harness.action_plan("Plan de prueba de rendimiento", "plan-rendimiento", 2025)
    now = timezone.now()
    page = plan.add_child(
        instance=ConsultationPage(
            title="Compromiso con una discusión grande",
            slug="discusion-grande",
            summary="Una consulta con 589 aportes reales (de Decide Madrid).",
            problem="<p>Medir cuántas veces por segundo se sirve esta página.</p>",
            body=[("section", {"heading": "Objetivo", "anchor": "objetivo", "body": "<p>Texto.</p>"})],
            lead_institution="Gerencia Regional de Planeamiento",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
        )
    )
    rows = decide_madrid.proposal_rows(decide_madrid.LARGEST_PROPOSAL)
    imported = import_contributions(consultation=page, source=decide_madrid.as_csv(rows), skip_invalid=True)
    print(f"Imported {imported.created} contributions.", flush=True)
    harness.analyze()
    return {"home": ensure_home_page().get_url(), "consultation": page.get_url()}


async def measure(workers: list[harness.Worker], pages: dict[str, str], options) -> list[dict]:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=3)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    headers = {"Accept-Language": "es"}
    rounds = []
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, headers=headers) as http:
        for path in pages.values():  # warm-up: templates, caches, connections
            for worker in workers:
                for _ in range(WARM_UP_REQUESTS):
                    async with http.get(worker.origin + path) as response:
                        await response.read()
                        if response.status != 200:
                            raise RuntimeError(f"GET {path} answered {response.status}")
        for number in range(options.rounds):
            for name, path in pages.items():
                print(f"  round {number + 1}: {name} page, {options.seconds:g} s…", flush=True)
                rounds.append({"page": name, **await one_round(http, workers, path, options)})
    return rounds


async def one_round(http, workers: list[harness.Worker], path: str, options) -> dict:
    """``concurrency`` clients, each requesting the page again as soon as it has the last
    one, round-robin over the workers, for ``seconds``."""
    import aiohttp

    statuses: Counter = Counter()
    timings: list[float] = []
    turn = 0
    cpu = harness.CpuMeter({f"worker {worker.name}": worker.pid for worker in workers}).start()
    started = time.monotonic()
    deadline = started + options.seconds

    async def client() -> None:
        nonlocal turn
        while time.monotonic() < deadline:
            turn += 1
            worker = workers[turn % len(workers)]
            sent = time.monotonic()
            try:
                async with http.get(worker.origin + path) as response:
                    await response.read()
                    status = response.status
            except TimeoutError:
                status = "timeout"
            except aiohttp.ClientError as error:
                status = f"connection: {type(error).__name__}"
            statuses[status] += 1
            if status == 200:
                timings.append((time.monotonic() - sent) * 1000)

    await asyncio.gather(*(client() for _ in range(options.concurrency)))
    elapsed = time.monotonic() - started  # the last requests end after the deadline
    return {
        "seconds": round(elapsed, 2),
        "ok": statuses[200],
        "per_second": round(statuses[200] / elapsed, 2),
        "statuses": {str(status): count for status, count in statuses.items()},
        "latency": harness.percentiles(timings, (50, 95)),
        "cpu": cpu.stop(),
    }


def summarise(rounds: list[dict]) -> dict:
    pages = {}
    for name in ("home", "consultation"):
        mine = [one for one in rounds if one["page"] == name]
        seconds = sum(one["seconds"] for one in mine)
        ok = sum(one["ok"] for one in mine)
        failures = Counter()
        for one in mine:
            failures.update({status: count for status, count in one["statuses"].items() if status != "200"})
        worker_cpu = sum(value or 0 for one in mine for value in one["cpu"]["by_process"].values())
        pages[name] = {
            "requests_ok": ok,
            "per_second": round(ok / seconds, 2),
            # The workers' CPU per answered request: what a page costs, however busy the machine.
            "worker_cpu_ms_per_request": round(worker_cpu * 1000 / ok, 1) if ok else None,
            "failures": dict(failures),
            "p50_ms_by_round": [one["latency"].get("p50_ms") for one in mine],
            "p95_ms_by_round": [one["latency"].get("p95_ms") for one in mine],
        }
    home, consultation = pages["home"]["per_second"], pages["consultation"]["per_second"]
    home_cpu, consultation_cpu = (pages[name]["worker_cpu_ms_per_request"] for name in ("home", "consultation"))
    return {
        **pages,
        "ratio_consultation_over_home": round(consultation / home, 3) if home else None,
        "cpu_ratio_home_over_consultation": round(home_cpu / consultation_cpu, 3) if consultation_cpu else None,
    }


def goals_of(report: dict) -> list[harness.Goal]:
    ratio = report["results"]["ratio_consultation_over_home"]
    return [
        harness.Goal(
            "consultation page / home page, requests per second",
            ratio,
            at_least=round(GOAL_FACTOR * BASELINE_RATIO, 3),
            note=f"{GOAL_FACTOR} × {BASELINE_RATIO} measured at 4223451; {ratio / BASELINE_RATIO:.1f}× that now"
            if ratio
            else "",
        )
    ]


def machine(redis_url: str, search_url: str) -> dict:
    import redis
    import requests
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        **harness.machine("django", "wagtail", "uvicorn", "psycopg"),
        "postgresql": postgres,
        "redis": redis.Redis.from_url(redis_url).info("server")["redis_version"],
        "opensearch": requests.get(search_url, timeout=5).json()["version"]["number"],
    }


def print_report(report: dict) -> None:
    machine_ = report["machine"]
    results = report["results"]
    print(
        f"\nthroughput: {report['concurrency']} clients at once, 2 uvicorn workers (production settings), "
        f"{report['rounds']} round(s) of {report['seconds_per_round']:g} s per page, taking turns\n"
        f"{machine_['platform']}, {machine_['processor']} × {machine_['cpu_count']}, Python {machine_['python']}, "
        f"PostgreSQL {machine_['postgresql']}; load average {machine_['load_average_1_5_15'][0]}; "
        "the clients, workers and services share these CPUs\n"
    )
    header = f"{'page':<38}{'requests':>10}{'per s':>8}{'p50 ms':>16}{'p95 ms':>16}{'CPU ms':>8}  failures"
    print(header)
    print("-" * (len(header) + 10))
    for name, label in (("home", "home page"), ("consultation", "consultation page (589 contributions)")):
        page = results[name]
        failures = ", ".join(f"{status}: {count}" for status, count in page["failures"].items()) or "—"
        p50 = " / ".join(f"{value:.0f}" for value in page["p50_ms_by_round"] if value is not None)
        p95 = " / ".join(f"{value:.0f}" for value in page["p95_ms_by_round"] if value is not None)
        cpu = page["worker_cpu_ms_per_request"]
        print(
            f"{label:<38}{page['requests_ok']:>10}{page['per_second']:>8.1f}{p50:>16}{p95:>16}"
            f"{'—' if cpu is None else f'{cpu:.0f}':>8}  {failures}"
        )
    ratio = results["ratio_consultation_over_home"]
    print(f"\nconsultation / home: {ratio}× (at 4223451: {report['baseline_ratio']}×)")
    print(
        "CPU ms: the workers' CPU per answered request; home / consultation by CPU: "
        f"{results['cpu_ratio_home_over_consultation']}× (the ratio the machine's other work does not move)"
    )


if __name__ == "__main__":
    main()
