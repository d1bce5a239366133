"""What the benchmarks share: the services' addresses, a throw-away database, worker
processes, percentiles, the machine's description and the results file."""

import json
import math
import os
import platform
import resource
import signal
import socket
import subprocess
import sys
import time
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


class BenchDatabase:
    """A database of its own on the server ``server_url`` names, dropped at the end; the
    database the URL names is never written to."""

    def __init__(self, server_url: str, name: str):
        self.server_url, self.name = server_url, name
        self.url = urlsplit(server_url)._replace(path=f"/{name}").geturl()

    def _execute(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.server_url, autocommit=True) as server:
            for statement in statements:
                server.execute(statement)

    def create(self) -> "BenchDatabase":
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', f'CREATE DATABASE "{self.name}"')
        return self

    def drop(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


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
    ):
        self.name = name
        self.port = None if command else free_port()
        self.command = command or [*UVICORN, "--port", str(self.port)]
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


def tree_cpu_seconds(root_pid: int) -> float:
    """CPU time (user + system) used so far by a process and its living descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in _tree(root_pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / ticks


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
        **{package: version(package) for package in packages},
    }


def write_results(name: str, report: dict) -> Path:
    """bench/results/<name>-<UTC timestamp>.json (BENCH_RESULTS_DIR: elsewhere)."""
    directory = Path(os.environ.get("BENCH_RESULTS_DIR", RESULTS_DIR))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"\nWritten to {path}")
    return path
