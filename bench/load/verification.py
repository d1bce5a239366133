"""The accounting of a load run: nothing lost, nothing twice, nothing missed live.

Every contribution whose post was answered with the redirect to its anchor must be in the
database (public), on its consultation's pages and in the search index; no participant's
text may be stored twice in one discussion; every reader must have received every
contribution accepted on its discussion; ``search_check`` must find no drift; the workers
must be ready. ``problems`` says why a run fails, if it does.
"""

import contextlib
import io
import re
import time
from collections import Counter

from bench import harness

#: How long the index may take to receive the last contributions before they count as missing.
INDEX_WAIT_SECONDS = 90
SUCCESS = {200, 301, 302, 304}
#: The two 503s, told apart by their Retry-After (cocrea/unavailable.py).
BUSY, DATABASE_DOWN = "503 busy", "503 database"


def account(load) -> dict:
    """The run's figures: requests by kind, the contributions' fate as the load generator
    saw it, the live deliveries (every reader must have every contribution accepted on its
    discussion), CPU and memory."""
    load_seconds, readers_connected_in = load.load_seconds, load.readers_connected_in
    by_kind: dict[str, list] = {}
    for record in load.records:
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
    errors = Counter(str(record.status) for record in load.records if record.status not in SUCCESS)
    accepted = [intent for intent in load.intents if intent.contribution]
    unanswered = [intent for intent in load.intents if not intent.contribution]
    deliveries = sum(len(load.accepted.get(reader.consultation.page_id, ())) for reader in load.readers)
    missing = sum(len(load.missing(reader)) for reader in load.readers)
    outages = [outage * 1000 for reader in load.readers for outage in reader.outages]
    peaks: dict[str, float] = {}
    for sample in load.samples:
        for name, value in sample.items():
            if name != "at" and value is not None:
                peaks[name] = max(peaks.get(name, 0), value)
    return {
        "seconds": round(load_seconds, 1),
        "participants": load.options.participants,
        "readers": load.options.readers,
        "think_seconds": load.options.think,
        "requests": len(load.records),
        "requests_per_second": round(len(load.records) / load_seconds, 2),
        "by_kind": kinds,
        "errors": dict(errors),
        "balancer_retries": load.balancer_retries,
        "contributions": {
            "written": len(load.intents),
            "accepted": len(accepted),
            "accepted_after_retry": sum(1 for intent in accepted if intent.attempts > 1),
            "not_accepted": len(unanswered),
            "refused_by_rules": dict(
                Counter(str(intent.statuses[-1]) for intent in unanswered if isinstance(intent.statuses[-1], int))
            ),
            "refusals_explained": sum(intent.refusals_explained for intent in load.intents),
            "refusals_unexplained": sum(intent.refusals_unexplained for intent in load.intents),
        },
        "live": {
            "readers_connected_in_s": round(readers_connected_in, 1),
            "connected_at_end": sum(1 for reader in load.readers if reader.connected),
            "expected": deliveries,
            "delivered": deliveries - missing,
            "missing": missing,
            "reconnections": sum(max(0, reader.connects - 1) for reader in load.readers),
            "reconnect": harness.percentiles(outages, (50, 99)),
            "gaps_caught_up": sum(reader.gaps for reader in load.readers),
            "reloads": sum(reader.reloads for reader in load.readers),
            "seen_after_reload": sum(len(reader.reloaded - reader.received) for reader in load.readers),
            "failures": dict(sum((reader.failures for reader in load.readers), Counter())),
        },
        "cpu_seconds": load.cpu["by_process"],
        "cpu_machine_busy_seconds": load.cpu["machine_busy"],
        "cpu_available_seconds": load.cpu["available"],
        "resources_peak": peaks,
        "resources_end": load.samples[-1] if load.samples else {},
    }


def verify(bench, load) -> tuple[dict, set[int]]:
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


def search_check_until_in_step(clock, timeout: float = 120) -> tuple[dict, float | None]:
    """Run the drift check until it finds none (or ``timeout``); when, on ``clock`` (the load's)."""
    deadline = time.monotonic() + timeout
    while True:
        check = search_check()
        if check["in_step"]:
            return check, round(clock(), 1)
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


def fault_figures(load, found: set[int], found_figures: dict) -> dict:
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
