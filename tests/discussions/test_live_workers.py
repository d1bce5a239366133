"""The live layer across two real worker processes sharing Redis and PostgreSQL.

Two uvicorn processes (A and B) serve the site from the test database: a reader on A
sees what is posted through B, the readers' count is shared, a reader who was away
catches up from the database through either worker, and a reader of a quiet discussion
still receives what comes after a while.
"""

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.urls import reverse
from websockets.sync.client import connect

from discussions import live
from discussions.forms import ContributionForm

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30
EVENT_TIMEOUT = 5
#: Longer than the 5 s a worker's channel layer blocks in one read from Redis.
IDLE_SECONDS = 6
UVICORN = [sys.executable, "-m", "uvicorn", "cocrea.asgi:application", "--host", "127.0.0.1", "--lifespan", "off"]


class Worker:
    """One uvicorn process serving ``cocrea.asgi:application`` on a port of its own."""

    def __init__(self, name: str, environment: dict, log_dir: Path):
        self.name = name
        self.port = _free_port()
        self.log_path = log_dir / f"worker-{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [*UVICORN, "--port", str(self.port)],
            cwd=ROOT,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ws_url(self, path: str) -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def wait_until_healthy(self, deadline: float) -> None:
        url = f"{self.origin}{reverse('healthz')}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"worker {self.name} exited with {self.process.returncode}\n{self.output()}")
            try:
                if requests.get(url, timeout=1).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still starting
                pass
            time.sleep(0.1)
        raise AssertionError(f"worker {self.name} did not answer {url} in {START_TIMEOUT} s\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def output(self) -> str:
        self._log.flush()
        text = self.log_path.read_text(errors="replace").strip()
        return f"--- worker {self.name} (port {self.port}) output ---\n{text or '(nothing)'}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _test_database_url() -> str:
    """The database pytest-django created, as a DATABASE_URL for the workers."""
    database = connection.settings_dict
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    return (
        f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/"
        f"{quote(database['NAME'], safe='')}"
    )


@pytest.fixture
def workers(request, consultation, tmp_path):
    """Workers A and B on the test database; always terminated, even if one fails to start."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cocrea.settings.test",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }
    started = []
    for name in "AB":
        worker = Worker(name, environment, tmp_path)
        request.addfinalizer(worker.stop)
        started.append(worker)
    deadline = time.monotonic() + START_TIMEOUT
    for worker in started:
        worker.wait_until_healthy(deadline)
    return started


@contextmanager
def _worker_output_on_failure(workers):
    try:
        yield
    except Exception as error:
        output = "\n".join(worker.output() for worker in workers)
        summary = str(error) if isinstance(error, AssertionError) else f"{type(error).__name__}: {error}"
        raise AssertionError(f"{summary}\n{output}") from error


def _signed_in_session(user, worker: Worker, page_url: str) -> requests.Session:
    """An HTTP session logged in as ``user``, holding the CSRF cookie the page sets."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    session = requests.Session()
    session.trust_env = False  # loopback only, never through a proxy from the environment
    session.cookies.set(settings.SESSION_COOKIE_NAME, store.session_key)
    response = session.get(f"{worker.origin}{page_url}", timeout=10)
    assert response.status_code == 200, response.text[:500]
    assert settings.CSRF_COOKIE_NAME in session.cookies
    return session


def _post_contribution(session: requests.Session, worker: Worker, form_fields: dict, text: str) -> int:
    data = {
        **form_fields,
        "comment": text,
        "section": "",
        "follow": "on",
        "csrfmiddlewaretoken": session.cookies[settings.CSRF_COOKIE_NAME],
    }
    response = session.post(f"{worker.origin}{reverse('discussions:post')}", data, allow_redirects=False, timeout=10)
    assert response.status_code == 302, f"{response.status_code}: {response.text[:500]}"
    return int(response.headers["Location"].rsplit("#c", 1)[1])


def _receive(client, kind: str, *, contribution: int | None = None) -> dict:
    """The next frame of ``kind`` (about ``contribution``) within EVENT_TIMEOUT seconds."""
    deadline = time.monotonic() + EVENT_TIMEOUT
    while True:
        message = json.loads(client.recv(timeout=max(deadline - time.monotonic(), 0.01)))
        if message["type"] == kind and (contribution is None or message.get("contribution") == contribution):
            return message


def _open(worker: Worker, path: str):
    return connect(worker.ws_url(path), origin=worker.origin, proxy=None)


def _path(consultation) -> str:
    return live.websocket_path(consultation)


def _form_fields(consultation) -> dict:
    return {name: str(value) for name, value in ContributionForm(consultation).initial.items()}


def test_a_reader_on_one_worker_follows_posts_through_another_and_catches_up(workers, consultation, participant):
    worker_a, worker_b = workers
    path, form_fields = _path(consultation), _form_fields(consultation)
    poster = _signed_in_session(participant.user, worker_b, consultation.get_url())

    with _worker_output_on_failure(workers):
        with _open(worker_a, path) as reader:
            hello = json.loads(reader.recv(timeout=EVENT_TIMEOUT))
            assert hello["type"] == "hello" and hello["readers"] >= 1
            with _open(worker_b, path) as other_reader:
                # Counted in Redis, shared by both workers. Relative: another database on the
                # same Redis may have readers on a page with the same key for a while.
                assert json.loads(other_reader.recv(timeout=EVENT_TIMEOUT)) == {
                    "type": "hello",
                    "readers": hello["readers"] + 1,
                }

            posted = _post_contribution(poster, worker_b, form_fields, "Publicado por el proceso B")
            created = _receive(reader, "contribution.created", contribution=posted)
            assert "Publicado por el proceso B" in created["html"]
            last_seen = created["id"]

        missed = [
            _post_contribution(poster, worker_b, form_fields, f"Mientras el lector no estaba {number}")
            for number in range(2)
        ]

        with _open(worker_a, path) as reader:
            assert json.loads(reader.recv(timeout=EVENT_TIMEOUT))["type"] == "hello"
            reader.send(json.dumps({"type": "catch_up", "after": last_seen}))
            received = [json.loads(reader.recv(timeout=EVENT_TIMEOUT)) for _ in range(3)]

        assert [(m["type"], m.get("contribution")) for m in received] == [
            ("contribution.created", missed[0]),
            ("contribution.created", missed[1]),
            ("caught_up", None),
        ]
        assert last_seen < received[0]["id"] < received[1]["id"]
        assert "Mientras el lector no estaba 1" in received[1]["html"]


def test_a_reader_idle_longer_than_the_layers_blocking_read_still_receives(workers, consultation, participant):
    worker_a, worker_b = workers
    poster = _signed_in_session(participant.user, worker_b, consultation.get_url())

    with _worker_output_on_failure(workers), _open(worker_a, _path(consultation)) as reader:
        assert json.loads(reader.recv(timeout=EVENT_TIMEOUT))["type"] == "hello"
        time.sleep(IDLE_SECONDS)  # a quiet discussion: nothing happens for a while
        posted = _post_contribution(poster, worker_b, _form_fields(consultation), "Después de un rato de calma")
        assert "Después de un rato de calma" in _receive(reader, "contribution.created", contribution=posted)["html"]
