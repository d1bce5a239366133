"""What the benchmarks share: the services' addresses, a throw-away database, worker
processes, CPU and memory of process trees, percentiles, goals, the machine's description
and the results file.

Every benchmark is a module run from the repository's root, ``python -m bench.<name>``,
so ``bench`` and the project's apps are importable without touching ``sys.path``.
"""

import hashlib
import json
import math
import os
import platform
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "bench" / "results"
WORKER_START_TIMEOUT = 60
UVICORN = [
    *(sys.executable, "-m", "uvicorn", "cocrea.asgi:application"),
    *("--host", "127.0.0.1", "--lifespan", "off", "--no-access-log", "--log-level", "warning"),
]


# --- services ------------------------------------------------------------------------------
def read_services_file() -> None:
    """var/services.env, as services/load-env.sh reads it: the environment wins."""
    services = ROOT / "var" / "services.env"
    if not services.exists():
        return
    for line in services.read_text().splitlines():
        name, _, value = line.partition("=")
        if name.strip() and not name.startswith("#") and not os.environ.get(name.strip()):
            os.environ[name.strip()] = value.strip()


def real_services(benchmark: str) -> tuple[str, str, str]:
    """DATABASE_URL (a PostgreSQL server), REDIS_URL and SEARCH_URL, from the environment or
    var/services.env; the benchmark stops with a message if one is missing."""
    read_services_file()
    database, redis, search = (os.environ.get(name, "") for name in ("DATABASE_URL", "REDIS_URL", "SEARCH_URL"))
    if not database.startswith(("postgres://", "postgresql://")) or not redis or not search:
        sys.exit(
            f"{benchmark} needs the real services: DATABASE_URL=postgres://…, REDIS_URL and SEARCH_URL "
            "(run `make services-up`; their addresses are then read from var/services.env)."
        )
    return database, redis, search


def production_environment(database: "BenchDatabase", redis_url: str, search_url: str) -> dict[str, str]:
    """``cocrea.settings.production`` on loopback, on a throw-away database; the Redis keys
    and search indexes are named after the database, so nothing is shared with tests, a
    development site or another benchmark."""
    prefix = database.name.replace("_", "-")
    return {
        "DJANGO_SETTINGS_MODULE": "cocrea.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(40),
        # Required in production since participatory budgets (a throw-away key: no real DNI).
        "BUDGETS_DNI_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no TLS redirect, no HSTS.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database.url,
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": prefix,
        "SEARCH_ENGINE": "opensearch",
        "SEARCH_URL": search_url,
        "SEARCH_INDEX_PREFIX": prefix,
        "TASKS_BACKEND": "database",
        "LOG_LEVEL": "WARNING",
    }


def drop_search_indexes(prefix: str) -> None:
    """Delete the OpenSearch indexes named ``<prefix>-*`` (Django must be set up)."""
    from search.engines import get_engine

    get_engine().client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def services_dir() -> Path:
    """Where services/up.sh keeps the services' data (as services/common.sh says)."""
    default = Path(os.environ.get("TMPDIR", "/tmp")) / "cocrea-services"  # noqa: S108 - as common.sh
    return Path(os.environ.get("COCREA_SERVICES_DIR", default))


def raise_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        if wanted < needed:
            sys.exit(f"Only {wanted} open files are allowed (hard limit); {needed} are needed.")


def database_name(benchmark: str) -> str:
    """``cocrea_bench_<benchmark>``, with ``_<BENCH_NAME>`` after it when that is set: two
    people benchmarking on one server (or a test run beside a benchmark) never share a
    database, Redis keys or search indexes, which are named after the database."""
    suffix = os.environ.get("BENCH_NAME", "").strip().replace("-", "_")
    return f"cocrea_bench_{benchmark}" + (f"_{suffix}" if suffix else "")


class BenchDatabase:
    """A database of its own on the server ``server_url`` names, dropped at the end; the
    database the URL names is never written to, nor needs to exist (the statements go
    through the server's ``postgres`` database).

    ``create(migrated=True)`` copies a template database that holds every migration
    (PostgreSQL's ``CREATE DATABASE … TEMPLATE``, a file copy taking a second or two)
    instead of migrating an empty one (some 15 s a benchmark). The template is made the
    first time, named after the migrations and requirements.lock it was made from, and
    kept for the next runs; a new one replaces it when they change. The benchmark still
    runs ``migrate``, which then finds nothing or little to do."""

    def __init__(self, server_url: str, name: str):
        self.server_url, self.name = server_url, name
        self.url = urlsplit(server_url)._replace(path=f"/{name}").geturl()
        self._maintenance_url = urlsplit(server_url)._replace(path="/postgres").geturl()

    def _execute(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self._maintenance_url, autocommit=True) as server:
            for statement in statements:
                server.execute(statement)

    def _databases(self, pattern: str) -> list[str]:
        import psycopg

        with psycopg.connect(self._maintenance_url, autocommit=True) as server:
            rows = server.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [pattern]).fetchall()
        return [name for (name,) in rows]

    def create(self, *, migrated: bool = False) -> "BenchDatabase":
        template = f' TEMPLATE "{self._template()}"' if migrated else ""
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', f'CREATE DATABASE "{self.name}"{template}')
        return self

    def drop(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _template(self) -> str:
        prefix = database_name("template")
        name = f"{prefix}_{_migrations_key()}"
        if self._databases(name.replace("_", "\\_")):
            return name
        for old in self._databases(prefix.replace("_", "\\_") + "\\_%"):
            self._execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
        print(f"Making the migrated template database {name} (once; later runs copy it)…", flush=True)
        template = BenchDatabase(self.server_url, f"{name}_making").create()
        environment = {
            **os.environ,
            **production_environment(template, "", ""),
            "REDIS_URL": "",
            "SEARCH_ENGINE": "database",
            "TASKS_BACKEND": "immediate",
        }
        try:
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=environment, check=True
            )
        except BaseException:
            template.drop()
            raise
        self._execute(f'ALTER DATABASE "{template.name}" RENAME TO "{name}"')
        return name


def _migrations_key() -> str:
    """A digest of every migration of the project and of the pinned requirements (the
    libraries' migrations come with their versions)."""
    digest = hashlib.sha256()
    for path in [*sorted(ROOT.glob("*/migrations/*.py")), ROOT / "requirements.lock"]:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


# --- processes -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Worker:
    """A process of the site: a uvicorn worker on its own port, or the task worker.

    ``start`` may be called again after the process died (or was killed), on the same port.
    """

    def __init__(
        self,
        name: str,
        log_dir: Path,
        *,
        env: dict | None = None,
        command: list[str] | None = None,
        log_name: str | None = None,
        uvicorn_options: tuple[str, ...] = (),
    ):
        self.name = name
        self.port = None if command else free_port()
        self.command = command or [*UVICORN, *uvicorn_options, "--port", str(self.port)]
        self.env = {**os.environ, **(env or {})}
        self.log_path = log_dir / (log_name or f"worker-{name}.log")
        self._log = self.log_path.open("ab")
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            self.command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_until_healthy(self, deadline: float | None = None) -> None:
        import requests

        deadline = deadline or time.monotonic() + WORKER_START_TIMEOUT
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"worker {self.name} exited with {self.process.returncode}:\n{self.output()}")
            if self.port is None:
                return
            try:
                if requests.get(f"{self.origin}/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"worker {self.name} did not start in time:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL: no goodbye to its connections, no cleanup."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def rss_mib(self) -> float | None:
        return rss_mib(self.pid) if self.alive() else None

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:].strip() or "(no output)"


def rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _tree(root_pid: int) -> list[int]:
    """The process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [root_pid]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, ()))
    return found


def tree_pss_mib(root_pid: int) -> float | None:
    """Proportional memory of a process and its children (shared pages counted once in
    total): PostgreSQL's postmaster and its backends, for example."""
    total = 0
    for pid in _tree(root_pid):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1) if total else None


def _cpu_ticks(pid: int) -> int | None:
    """utime + stime + cutime + cstime of one process, in clock ticks: its own CPU and that
    of the children it has reaped (a PostgreSQL backend that ended, for example)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(value) for value in fields[11:15])
    except (OSError, IndexError, ValueError):
        return None


def tree_cpu_seconds(root_pid: int) -> float:
    """CPU time (user + system) used so far by a process and all its descendants, living
    or ended: each living process' own time plus what its reaped children used.

    Reading only the living processes (as this did before) loses the time of every child
    that ends between two readings — PostgreSQL's backends come and go — and could give a
    negative difference. A child's time moves into its parent's ``cutime`` when the parent
    reaps it, so this sum only grows."""
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(_cpu_ticks(pid) or 0 for pid in _tree(root_pid)) / ticks


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far (every process, every core), from
    /proc/stat: what the benchmark's processes used is to be read against it, since other
    work shares the machine."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU used by named process trees between ``start`` and ``stop``.

    A tree whose root process changed meanwhile (a service restarted by a fault) is
    reported as None: part of its time is lost with the old process."""

    def __init__(self, roots: dict[str, int | None]):
        self.roots = roots
        self._before: dict[str, tuple[int | None, float]] = {}
        self.seconds: dict[str, float | None] = {}

    def _read(self, pid: int | None) -> float:
        if pid is None:
            return 0.0
        return time.process_time() if pid == os.getpid() else tree_cpu_seconds(pid)

    def start(self) -> "CpuMeter":
        self._before = {name: (pid, self._read(pid)) for name, pid in self.roots.items()}
        self._machine_before = machine_cpu_seconds()
        self._started = time.monotonic()
        return self

    def stop(self, roots_now: dict[str, int | None] | None = None) -> dict:
        roots_now = roots_now or self.roots
        for name, (pid, before) in self._before.items():
            same = pid is not None and roots_now.get(name) == pid and Path(f"/proc/{pid}").exists()
            self.seconds[name] = round(self._read(pid) - before, 1) if same else None
        elapsed = time.monotonic() - self._started
        return {
            "by_process": self.seconds,
            "machine_busy": round(machine_cpu_seconds() - self._machine_before, 1),
            "available": round(elapsed * (os.cpu_count() or 1), 1),
        }


def pid_from_file(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


# --- site content (Django must be set up) ------------------------------------------------
def action_plan(title: str, slug: str, first_year: int):
    """A published two-year action plan under the home page's plan index."""
    from consultations.models import ActionPlanPage, PlanIndexPage
    from demo.site import ensure_home_page

    index = ensure_home_page().add_child(instance=PlanIndexPage(title="Planes de acción", slug="planes"))
    return index.add_child(
        instance=ActionPlanPage(
            title=title,
            slug=slug,
            period_start=first_year,
            period_end=first_year + 2,
            lead_agency="Gobierno Regional de Cajamarca",
        )
    )


def analyze() -> None:
    """Tell PostgreSQL's planner the tables' new sizes after a bulk write, as autovacuum
    would soon after. Without it, tables last analysed empty (a template copied, a test
    run's TRUNCATE) are planned as holding one row: nested loops over every contribution."""
    from django.db import connection

    if connection.vendor == "postgresql":
        # The database's own tables only: a bare ANALYZE also takes the server's shared
        # catalogs (pg_authid, pg_database), and waits for as long as any session of any
        # other database holds them (a shared server: minutes).
        with connection.cursor() as cursor:
            tables = ", ".join(connection.ops.quote_name(name) for name in connection.introspection.table_names(cursor))
            cursor.execute(f"ANALYZE {tables}")


def signed_in_session(user) -> str:
    """The key of a database session signed in as ``user``, as logging in would make."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


# --- figures -------------------------------------------------------------------------------
def percentiles(values_ms: list[float], wanted=(50, 95, 99)) -> dict:
    """Nearest-rank percentiles, the minimum and the maximum, in milliseconds."""
    if not values_ms:
        return {}
    ordered = sorted(values_ms)
    figures = {f"p{p}_ms": round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 2) for p in wanted}
    return {**figures, "max_ms": round(ordered[-1], 2), "min_ms": round(ordered[0], 2)}


@dataclass
class Goal:
    """One target of issue 19 and what this run measured, side by side.

    ``at_most`` or ``at_least`` is the limit; ``result`` is None when the run could not
    measure it (the reason in ``note``)."""

    name: str
    result: float | None
    unit: str = "×"
    at_most: float | None = None
    at_least: float | None = None
    note: str = ""

    @property
    def target(self) -> str:
        return f"≤ {self.at_most:g}{self.unit}" if self.at_most is not None else f"≥ {self.at_least:g}{self.unit}"

    @property
    def met(self) -> bool | None:
        if self.result is None:
            return None
        return self.result <= self.at_most if self.at_most is not None else self.result >= self.at_least

    def as_dict(self) -> dict:
        return {**asdict(self), "target": self.target, "met": self.met}


def print_goals(goals: list[Goal], title: str = "goals") -> None:
    """The goals and the results of this run, one line each."""
    width = max([len(goal.name) for goal in goals] + [len(title)])
    print(f"\n{title:<{width}}  {'goal':>10}  {'result':>10}  verdict")
    print("-" * (width + 36))
    for goal in goals:
        result = "—" if goal.result is None else f"{goal.result:g}{goal.unit}"
        verdict = {True: "met", False: "MISSED", None: "not measured"}[goal.met]
        note = f"  ({goal.note})" if goal.note else ""
        print(f"{goal.name:<{width}}  {goal.target:>10}  {result:>10}  {verdict}{note}")


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine(*packages: str) -> dict:
    """The machine and the versions of ``packages`` (distribution names)."""
    from importlib.metadata import version

    memory = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        memory = round(int(meminfo.read_text().split("MemTotal:")[1].split()[0]) / 2**20, 1)
    return {
        "platform": platform.platform(),
        "processor": cpu_model(),
        "cpu_count": os.cpu_count(),
        "memory_gib": memory,
        "python": platform.python_version(),
        # Other work may share the machine: its load when the figures were taken.
        "load_average_1_5_15": [round(value, 2) for value in os.getloadavg()],
        **{package: version(package) for package in packages},
    }


def results_dir() -> Path:
    return Path(os.environ.get("BENCH_RESULTS_DIR", RESULTS_DIR))


def write_results(name: str, report: dict, goals: list[Goal] = ()) -> Path:
    """bench/results/<name>-<UTC timestamp>.json (BENCH_RESULTS_DIR: elsewhere), with the
    goals and their results under ``goals`` (``make bench``'s summary reads them)."""
    if goals:
        report = {**report, "goals": [goal.as_dict() for goal in goals]}
    directory = results_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"\nWritten to {path}")
    return path
