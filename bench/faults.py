"""The mixed load of ``python -m bench.load`` while the services fail, one fault per run.

1. ``opensearch``: the OpenSearch node is killed (SIGKILL) and started again 30 s later;
2. ``redis``: Redis is stopped for 20 s (its data is lost: it keeps none on disk);
3. ``postgresql``: PostgreSQL is restarted (a fast shutdown, then a start);
4. ``worker``: ASGI worker A is killed (SIGKILL) and started again.

For each run: posts are accepted and kept, or refused with a 503 page that says so and
gives the text back; live readers reconnect and catch up; ``search_check`` finds no drift
within 60 s of the service coming back; both ASGI workers answer ``/readyz`` "ok" and the
task worker is still running. The table gives, per fault, the requests refused, the
contributions accepted while it lasted and found afterwards, and the time to recover.
See bench/README.md.
"""

import argparse
import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bench import harness
from bench.load import environment
from bench.load.environment import Bench
from bench.load.report import print_run
from bench.load.scenario import Load

FAULTS = ("opensearch", "redis", "postgresql", "worker")
#: The load runs this long before the fault, and this long after the service is back.
BEFORE_SECONDS = 15
AFTER_SECONDS = 10
OPENSEARCH_DOWN_SECONDS = 30
REDIS_DOWN_SECONDS = 20
#: search_check must find no drift within this many seconds of the service coming back.
SEARCH_RECOVERY_LIMIT = 60


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    environment.add_arguments(arguments)
    arguments.add_argument("--fault", choices=FAULTS, action="append", help="only this fault (repeatable)")
    options = environment.normalise(arguments, arguments.parse_args())
    faults = options.fault or list(FAULTS)
    runs = {}
    with Bench(options, benchmark="faults") as bench:
        for name in faults:
            print(f"\n=== fault: {name} ===", flush=True)
            run = bench.run_load(BEFORE_SECONDS + AFTER_SECONDS, fault=FAULT_RUNNERS[name](bench))
            recovery = run["fault"]["recovery_s"]["search_no_drift"]
            if recovery is None or recovery > SEARCH_RECOVERY_LIMIT:
                run["problems"].append(f"search_check found drift {recovery} s after the service came back")
                run["ok"] = False
            print_run(run)
            runs[name] = run
            bench.wait_until_ready()
        report = {
            "benchmark": "faults",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "setup": bench.setup_figures,
            "runs": runs,
            "machine": bench.machine(),
        }
    print_report(report)
    harness.write_results("faults", report)
    if not all(run["ok"] for run in runs.values()):
        sys.exit(1)


# --- the faults ----------------------------------------------------------------------------
def services_script(*arguments: str, env: dict | None = None) -> None:
    """Run a script of services/; what it starts lives in a session of its own, so that
    interrupting this run (Ctrl+C) does not stop the services too."""
    subprocess.run(  # noqa: S603 — our own scripts
        [str(harness.ROOT / "services" / arguments[0]), *arguments[1:]],
        check=True,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )


def opensearch_fault(bench: Bench):
    data_dir = harness.services_dir() / "opensearch"
    port = str(urlsplit(bench.search_url).port or 9200)

    async def run(current: Load) -> dict:
        await asyncio.sleep(BEFORE_SECONDS)
        started = current.now()
        pid = int((data_dir / "opensearch.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(OPENSEARCH_DOWN_SECONDS)
        restarting = current.now()
        await asyncio.to_thread(services_script, "opensearch/start.sh", str(data_dir), env={"OPENSEARCH_PORT": port})
        return record(
            "opensearch",
            "OpenSearch killed (SIGKILL), started again after 30 s",
            started,
            current,
            restart_took_s=round(current.now() - restarting, 1),
        )

    return run


def redis_fault(bench: Bench):
    async def run(current: Load) -> dict:
        await asyncio.sleep(BEFORE_SECONDS)
        started = current.now()
        await asyncio.to_thread(services_script, "redis.sh", "stop")
        await asyncio.sleep(REDIS_DOWN_SECONDS)
        await asyncio.to_thread(services_script, "redis.sh", "start")
        return record("redis", "Redis stopped for 20 s (its data is lost)", started, current)

    return run


def postgresql_fault(bench: Bench):
    async def run(current: Load) -> dict:
        await asyncio.sleep(BEFORE_SECONDS)
        started = current.now()
        await asyncio.to_thread(services_script, "postgres.sh", "restart")
        return record("postgresql", "PostgreSQL restarted (fast shutdown, then start)", started, current)

    return run


def worker_fault(bench: Bench):
    async def run(current: Load) -> dict:
        await asyncio.sleep(BEFORE_SECONDS)
        worker = bench.workers[0]
        started = current.now()
        worker.kill()
        worker.start()
        await asyncio.to_thread(worker.wait_until_healthy)
        return record("worker", f"ASGI worker {worker.name} killed (SIGKILL) and started again", started, current)

    return run


def record(name: str, description: str, started: float, current: Load, **extra) -> dict:
    return {
        "name": name,
        "description": description,
        "started_at": round(started, 1),
        "back_at": round(current.now(), 1),
        "observe_after": AFTER_SECONDS,
        **extra,
    }


FAULT_RUNNERS = {
    "opensearch": opensearch_fault,
    "redis": redis_fault,
    "postgresql": postgresql_fault,
    "worker": worker_fault,
}


# --- the report ----------------------------------------------------------------------------
def print_report(report: dict) -> None:
    machine = report["machine"]
    print(
        f"\nfaults: {machine['platform']}, {machine['processor']} × {machine['cpu_count']}, "
        f"PostgreSQL {machine['postgresql']}, Redis {machine['redis']}, OpenSearch {machine['opensearch']}\n"
    )
    header = (
        f"{'fault':<12}{'out s':>7}{'failed':>8}{'busy':>6}{'accepted':>10}{'found':>7}{'lost':>6}"
        f"{'live miss':>10}{'req ok +s':>10}{'readers +s':>11}{'search +s':>10}  result"
    )
    print(header)
    print("-" * len(header))
    for name, run in report["runs"].items():
        fault, found = run["fault"], run["found"]
        during, recovery = fault["contributions_during"], fault["recovery_s"]
        failed = sum(fault["requests_failed"].values())
        print(
            f"{name:<12}{fault['outage_s']:>7.1f}{failed:>8}{fault['requests_busy']:>6}"
            f"{during['accepted']:>10}{during['found_afterwards']:>7}"
            f"{found['lost']:>6}{run['live']['missing']:>10}{_seconds(recovery['requests'])}"
            f"{_seconds(recovery['readers_reconnected'], 11)}{_seconds(recovery['search_no_drift'])}  "
            f"{'ok' if run['ok'] else 'FAILED'}"
        )
    print(
        "\nfailed: requests that failed (503 for the database, 500, timeouts, lost connections) while the fault "
        "lasted and 10 s after;\nbusy: requests refused in that time because the queue was full (the load, not the "
        "fault); accepted/found: contributions written\nwhile it lasted; lost: over the whole run; +s: seconds after "
        "the service was back until the last failed request, the last reader\nreconnected, and search_check found no "
        "drift (checked from the end of the load, 10 s after the service came back)."
    )


def _seconds(value, width: int = 10) -> str:
    return f"{'—':>{width}}" if value is None else f"{value:>{width}.1f}"


if __name__ == "__main__":
    main()
