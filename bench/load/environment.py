"""The production-like setup of the load: a throw-away database, its Redis keys and search
indexes, the site's content, two ASGI workers and the task worker; their health, memory
and CPU. ``Bench`` is a context manager that leaves nothing behind."""

import asyncio
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

from bench import harness
from bench.load import content, scenario, verification


def add_arguments(arguments) -> None:
    arguments.add_argument("--participants", type=int, default=200, help="simulated participants (default: 200)")
    arguments.add_argument("--readers", type=int, default=500, help="live WebSocket readers (default: 500)")
    arguments.add_argument("--seconds", type=int, default=120, help="length of the load (default: 120)")
    arguments.add_argument(
        "--think", type=float, default=scenario.THINK_SECONDS, help="mean think time in seconds (default: 15)"
    )
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


class Bench:
    """The production-like setup: database, index, site content, workers. A context manager."""

    def __init__(self, options, *, benchmark: str = "load"):
        name = options.database or harness.database_name(benchmark)
        #: Names in Redis and OpenSearch: nothing is shared with tests or a development site.
        self.prefix = name.replace("_", "-")
        self.options = options
        self.database_url, self.redis_url, self.search_url = harness.real_services("This benchmark")
        harness.raise_file_limit(options.readers + options.participants + 1024)
        self.database = harness.BenchDatabase(self.database_url, name)
        self.workers: list[harness.Worker] = []
        self.tasks_worker: harness.Worker | None = None
        self._logs = None
        self.setup_figures: dict = {}

    # --- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> "Bench":
        self.database.create(migrated=True)
        self.environment = harness.production_environment(self.database, self.redis_url, self.search_url)
        os.environ.update(self.environment)
        try:
            started = time.perf_counter()
            self.site = content.prepare_site(self.database.name, self.options.participants, self.options.seed)
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
            harness.drop_search_indexes(self.prefix)
        self.database.drop()
        if self._logs:
            self._logs.cleanup()

    # --- running ---------------------------------------------------------------------------
    def run_load(self, seconds: int, fault=None) -> dict:
        """Run the load (with ``fault``, a coroutine function given the load, breaking
        something meanwhile), then look for everything it was told was accepted."""
        load = scenario.Load(self, seconds, fault)
        print(
            f"Load: {self.options.participants} participants, {self.options.readers} live readers, "
            f"{seconds} s{' with a fault' if fault else ''}…",
            flush=True,
        )
        asyncio.run(load.run())
        result = verification.account(load)
        print("Looking for every accepted contribution…", flush=True)
        result["found"], found = verification.verify(self, load)
        result["workers"] = self.worker_health()
        if load.fault_record:
            result["fault"] = verification.fault_figures(load, found, result["found"])
        result["problems"] = verification.problems(result)
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

    def process_roots(self) -> dict[str, int | None]:
        """The processes whose CPU is measured, each with its children: this load
        generator, the workers, the services (PostgreSQL's postmaster with its backends)."""
        return {
            "load generator": os.getpid(),
            **{f"worker {worker.name}": worker.pid for worker in [*self.workers, self.tasks_worker]},
            **self.service_pids(),
        }

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
