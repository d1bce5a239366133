"""The simulated people: participants who read, post, reply, react and search over HTTP
through a small balancer in front of the two workers, and readers who follow the
discussions live over WebSockets as the page's script does (catch-up on connecting, a
heartbeat carrying the last event seen, reconnection with a growing jittered delay).

Everything they do is recorded — each request (kind, time, status, worker), each
contribution written and what became of it, what each reader received — for
``verification`` to account for.
"""

import asyncio
import html
import json
import random
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

from bench import harness
from bench.load import content
from bench.load.content import Consultation
from bench.load.verification import BUSY, DATABASE_DOWN, search_check_until_in_step

#: What a participant does next, by weight.
ACTIONS = {"page": 40, "page_2": 5, "post": 10, "reply": 10, "react": 15, "search": 15, "suggest": 5}
CONTRIBUTION_KINDS = ("post", "reply")
THINK_SECONDS = 15.0
REQUEST_TIMEOUT = 30
#: A person whose post failed tries again this many times, a little later each time.
POST_ATTEMPTS = 4
RETRY_SECONDS = 2.0
#: A heartbeat unanswered this long closes the connection, as the page's script does.
PONG_SECONDS = 10
CONNECT_CONCURRENCY = 50
#: After the last post, how long readers have to receive it before it counts as missed: a
#: reader the live layer lost gets it with its next heartbeat.
GRACE_SECONDS = 60
#: Part of the marker the page refusing a post for a missing service must show.
REFUSAL_MARK = "no se guardó"


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
    def __init__(self, bench, seconds: int, fault=None):
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
                            (reader.after,) = await asyncio.to_thread(content.latest_events, [reader.consultation])
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
            await asyncio.sleep(self.site.heartbeat_seconds)
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
        last_events = await asyncio.to_thread(content.latest_events, consultations)
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
        cpu = harness.CpuMeter(self.bench.process_roots()).start()
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
        # A process restarted meanwhile (a fault) is not measured: its time is partly lost.
        self.cpu = cpu.stop(self.bench.process_roots())
        # From now on, with the last requests finishing and the readers still listening: how
        # soon does search_check find no drift?
        checking = asyncio.create_task(asyncio.to_thread(search_check_until_in_step, self.now))
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
        self.load_seconds, self.readers_connected_in = load_seconds, readers_connected_in

    def missing(self, reader: Reader) -> set:
        """What this run accepted on the reader's discussion and the reader never had."""
        return set(self.accepted.get(reader.consultation.page_id, ())) - reader.received - reader.reloaded

    def sample(self, stop: threading.Event) -> None:
        while not stop.wait(2.0):
            self.samples.append({"at": round(self.now(), 1), **self.bench.resources()})
