"""Counting a large participatory-budget edition through the background task, with its
progress, the time of each counting rule and the task worker's peak memory.

Builds, on a throw-away PostgreSQL database, an edition whose voting has closed: an
envelope for each of Cajamarca's 13 provinces, ``--projects`` viable projects in each
(40), and ``--ballots`` ballots (100,000), each for its province's envelope, choosing up
to 5 projects with a popularity that varies from project to project. Then it asks for a
count as the admin does (``services.results.count_request``): the ``count_ballots`` task
is queued after the commit and run by a real task worker (``manage.py db_worker``), whose
progress this process reads from the database as the admin page does.

Reports the time from the request to the published result, what the task spent reading
the ballots, on each rule (greedy and the Method of Equal Shares, summed over the
envelopes, and the slowest envelope) and storing the results, the progress seen along the
way, and the task worker's peak memory (``VmHWM``) against its size before the count.
Writes ``bench/results/budgets-<timestamp>.json``. ``--quick``: 13 × 10 projects,
5,000 ballots. See bench/README.md.
"""

import argparse
import hashlib
import io
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench import harness

PROVINCES = 13
MAX_CHOICES = 5
POLL_SECONDS = 0.2
COUNT_TIMEOUT = 3600
#: This benchmark's own targets (issue 16 names the sizes, not the times).
GOAL_COUNT_SECONDS = 600
GOAL_QUICK_SECONDS = 60
GOAL_PEAK_MIB = 1024


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--projects", type=int, default=40, help="projects per envelope (default: 40)")
    arguments.add_argument("--ballots", type=int, default=100_000, help="ballots in all (default: 100,000)")
    arguments.add_argument("--seed", type=int, default=2027, help="random seed of the ballots (default: 2027)")
    arguments.add_argument("--quick", action="store_true", help="10 projects per envelope, 5,000 ballots")
    arguments.add_argument(
        "--no-verify", dest="verify", action="store_false", help="skip the recount from the .pb files"
    )
    options = arguments.parse_args()
    if options.quick:
        options.projects, options.ballots = 10, 5_000

    harness.read_services_file()
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        sys.exit("bench.budgets needs PostgreSQL: DATABASE_URL=postgres://… (or `make services-up`).")
    started = time.monotonic()
    database = harness.BenchDatabase(server, harness.database_name("budgets")).create(migrated=True)
    environment = {
        **harness.production_environment(database, "", ""),
        # Only the database and the task worker are measured: no Redis, no search engine.
        "REDIS_URL": "",
        "SEARCH_ENGINE": "database",
    }
    os.environ.update(environment)
    worker = None
    with tempfile.TemporaryDirectory(prefix="cocrea-bench-budgets-") as logs:
        try:
            # The worker starts while the edition is built (the template is migrated).
            worker = harness.Worker(
                "tasks",
                Path(logs),
                command=[sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay"],
            )
            import django

            django.setup()
            edition, built = build(options)
            wait_until_ready(worker)
            report = count(edition, worker)
            if report["status"] == "done" and options.verify:
                report["verify"] = verify(edition)
        finally:
            if worker is not None:
                worker.stop()
            from django.db import connections

            connections.close_all()
            database.drop()
    report = {
        "benchmark": "budgets",
        "quick": options.quick,
        "edition": {**built, "envelopes": PROVINCES, "projects_per_envelope": options.projects},
        **report,
        "wall_seconds": round(time.monotonic() - started, 1),
        "machine": harness.machine("pabutools", "Django"),
    }
    print_report(report)
    goals = goals_of(report)
    harness.print_goals(goals, "participatory budget: counting a large edition")
    harness.write_results("budgets", report, goals)
    if report["status"] != "done":
        sys.exit(f"The count ended {report['status']}: {report['error']}")


# --- the edition ---------------------------------------------------------------------------
def build(options) -> tuple[object, dict]:
    from django.core.management import call_command
    from django.utils import timezone

    from budgets.models import (
        AgeBand,
        Ballot,
        BallotChoice,
        BudgetCategory,
        BudgetEnvelope,
        BudgetProcessPage,
        Channel,
        Proposal,
        Viability,
    )
    from core.models import Territory
    from demo.site import ensure_home_page

    call_command("migrate", verbosity=0, interactive=False)
    generator = random.Random(options.seed)  # noqa: S311 - reproducible test data, not secrets
    began = time.monotonic()
    provinces = list(Territory.objects.order_by("name")[:PROVINCES])
    now = timezone.now()
    opens = now - timedelta(days=90)
    page = BudgetProcessPage(
        title="Presupuesto Participativo (prueba de rendimiento)",
        slug="presupuesto-rendimiento",
        total_amount=PROVINCES * 3_000_000,
        proposals_open_at=opens,
        evaluation_starts_at=opens + timedelta(days=30),
        voting_opens_at=opens + timedelta(days=50),
        voting_closes_at=now - timedelta(days=1),
        follow_up_starts_at=now + timedelta(days=30),
        max_choices=MAX_CHOICES,
    )
    amounts = {province.pk: generator.randrange(1_000_000, 3_000_000, 50_000) for province in provinces}
    for province in provinces:
        page.envelopes.add(BudgetEnvelope(territory=province, amount=amounts[province.pk]))
    ensure_home_page().add_child(instance=page)
    page.save_revision().publish()
    categories = list(BudgetCategory.objects.all())

    proposals = []
    for province in provinces:
        for number in range(options.projects):
            cost = generator.randrange(40_000, amounts[province.pk] // 3, 1_000)
            proposals.append(
                Proposal(
                    process=page,
                    territory=province,
                    category=categories[number % len(categories)],
                    title=f"Proyecto {number + 1} de {province.name}",
                    problem="Problema de prueba.",
                    description="Proyecto de prueba de rendimiento.",
                    beneficiaries=generator.randrange(100, 20_000),
                    estimated_cost=cost,
                    evaluated_cost=cost,
                    viability=Viability.VIABLE,
                    evaluation_reason="Viable.",
                    author_display_name="Participante de prueba",
                )
            )
    proposals = Proposal.objects.bulk_create(proposals, batch_size=1000)
    by_province: dict[int, list[int]] = {}
    for proposal in proposals:
        by_province.setdefault(proposal.territory_id, []).append(proposal.pk)
    # Some projects draw many voters, most few: each project's weight, per province.
    weights = {pk: generator.paretovariate(1.2) for pk in (proposal.pk for proposal in proposals)}
    population = [generator.uniform(0.3, 3.0) for _ in provinces]
    cast = 0
    choices_stored = 0
    while cast < options.ballots:
        batch = min(5_000, options.ballots - cast)
        ballots, picks = [], []
        for number in range(cast, cast + batch):
            province = generator.choices(provinces, weights=population)[0]
            ballots.append(
                Ballot(
                    process=page,
                    dni_hash=hashlib.sha256(f"bench-{number}".encode()).hexdigest(),
                    channel=Channel.WEB if number % 3 else Channel.WORKSHOP,
                    territory=province,
                    age_band=AgeBand.ADULT,
                    created_at=now - timedelta(days=2),
                    updated_at=now - timedelta(days=2),
                )
            )
            candidates = by_province[province.pk]
            wanted = generator.randint(1, MAX_CHOICES)
            picks.append(_weighted_sample(generator, candidates, [weights[pk] for pk in candidates], wanted))
        ballots = Ballot.objects.bulk_create(ballots, batch_size=5_000)
        rows = [
            BallotChoice(ballot=ballot, proposal_id=pk)
            for ballot, chosen in zip(ballots, picks, strict=True)
            for pk in chosen
        ]
        BallotChoice.objects.bulk_create(rows, batch_size=10_000)
        cast += batch
        choices_stored += len(rows)
        print(f"\rBallots stored: {cast:,}/{options.ballots:,}", end="", flush=True)
    print()
    harness.analyze()
    return page, {
        "ballots": cast,
        "choices": choices_stored,
        "projects": len(proposals),
        "build_seconds": round(time.monotonic() - began, 1),
    }


def _weighted_sample(generator: random.Random, items: list[int], weights: list[float], count: int) -> set[int]:
    chosen: set[int] = set()
    while len(chosen) < min(count, len(items)):
        chosen.add(generator.choices(items, weights=weights)[0])
    return chosen


# --- the count -----------------------------------------------------------------------------
def wait_until_ready(worker: harness.Worker) -> None:
    """Until the worker has run a task that does nothing (rewriting the documents of an
    edition that does not exist): the count then waits only for its turn."""
    from django_tasks import TaskResultStatus

    from budgets.tasks import reindex_edition

    result = reindex_edition.enqueue(process_id=0)
    deadline = time.monotonic() + harness.WORKER_START_TIMEOUT * 2
    while time.monotonic() < deadline:
        if not worker.alive():
            raise RuntimeError(f"the task worker exited:\n{worker.output()}")
        result.refresh()
        if result.status == TaskResultStatus.SUCCESSFUL:
            return
        if result.status == TaskResultStatus.FAILED:
            raise RuntimeError(f"the task worker's first task failed:\n{worker.output()}")
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"the task worker ran nothing in time:\n{worker.output()}")


def count(edition, worker: harness.Worker) -> dict:
    from budgets.models import EnvelopeResult, ResultRun, RunStatus
    from budgets.services import results

    idle_mib = worker.rss_mib()
    requested = time.monotonic()
    run = results.count_request(process=edition)
    progress, last = [], None
    deadline = requested + COUNT_TIMEOUT
    while time.monotonic() < deadline:
        state = ResultRun.objects.filter(pk=run.pk).values("status", "progress", "step").get()
        seen = (state["status"], state["progress"], state["step"])
        if seen != last:
            progress.append({"seconds": round(time.monotonic() - requested, 2), **state})
            print(f"\r{state['status']:<8} {state['progress']:>3} %  {state['step'][:50]:<50}", end="", flush=True)
            last = seen
        if state["status"] in (RunStatus.DONE, RunStatus.FAILED):
            break
        if not worker.alive():
            raise RuntimeError(f"the task worker exited:\n{worker.output()}")
        time.sleep(POLL_SECONDS)
    print()
    elapsed = time.monotonic() - requested
    run.refresh_from_db()
    envelopes = list(EnvelopeResult.objects.filter(run=run).select_related("territory"))
    greedy = [envelope.greedy_seconds for envelope in envelopes]
    equal_shares = [envelope.equal_shares_seconds for envelope in envelopes]
    task_seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.started_at else None
    return {
        "status": run.status,
        "error": run.error,
        "ballots_counted": run.ballots_counted,
        "request_to_result_seconds": round(elapsed, 2),
        "queue_wait_seconds": round((run.started_at - run.requested_at).total_seconds(), 2) if run.started_at else None,
        "task_seconds": round(task_seconds, 2) if task_seconds is not None else None,
        "greedy_seconds": round(sum(greedy), 2),
        "equal_shares_seconds": round(sum(equal_shares), 2),
        "slowest_envelope_greedy_seconds": round(max(greedy, default=0), 2),
        "slowest_envelope_equal_shares_seconds": round(max(equal_shares, default=0), 2),
        "reading_and_storing_seconds": round(task_seconds - sum(greedy) - sum(equal_shares), 2)
        if task_seconds is not None
        else None,
        "envelopes": [
            {
                "province": envelope.name,
                "amount": envelope.amount,
                "voters": envelope.voters,
                "greedy_seconds": round(envelope.greedy_seconds, 3),
                "equal_shares_seconds": round(envelope.equal_shares_seconds, 3),
            }
            for envelope in envelopes
        ],
        "progress": progress,
        "progress_updates_seen": len(progress),
        "worker_rss_before_mib": idle_mib,
        "worker_peak_mib": peak_mib(worker.pid),
    }


def verify(edition) -> dict:
    """``budgets_verify``: each envelope's published Pabulib file read back by pabutools'
    parser and counted again with both rules, compared with the published result."""
    from django.core.management import CommandError, call_command

    output = io.StringIO()
    began = time.monotonic()
    try:
        call_command("budgets_verify", edition.slug, stdout=output)
        agrees = True
    except CommandError as error:
        output.write(f"{error}\n")
        agrees = False
    lines = output.getvalue().splitlines()
    return {
        "agrees": agrees,
        "results_compared": sum(1 for line in lines if line.lstrip().startswith(("ok ", "DIFFERS "))),
        "seconds": round(time.monotonic() - began, 2),
        "output": lines,
    }


def peak_mib(pid: int) -> float | None:
    """The process's peak resident memory (``VmHWM``)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def print_report(report: dict) -> None:
    edition = report["edition"]
    print(
        f"\nEdition: {edition['envelopes']} envelopes × {edition['projects_per_envelope']} projects, "
        f"{edition['ballots']:,} ballots ({edition['choices']:,} choices), built in {edition['build_seconds']} s"
    )
    print(f"Count {report['status']}: {report['ballots_counted']:,} ballots counted")
    print(f"  request → published result   {report['request_to_result_seconds']:>8} s")
    print(f"  waiting for the task worker  {report['queue_wait_seconds']:>8} s")
    print(f"  the task                     {report['task_seconds']:>8} s")
    print(f"    greedy, 13 envelopes       {report['greedy_seconds']:>8} s")
    print(f"    equal shares, 13 envelopes {report['equal_shares_seconds']:>8} s")
    print(f"    reading ballots, storing   {report['reading_and_storing_seconds']:>8} s")
    print(
        f"  slowest envelope: greedy {report['slowest_envelope_greedy_seconds']} s, "
        f"equal shares {report['slowest_envelope_equal_shares_seconds']} s"
    )
    print(f"  progress updates seen: {report['progress_updates_seen']}")
    print(f"Task worker: {report['worker_rss_before_mib']} MiB before the count, peak {report['worker_peak_mib']} MiB")
    if "verify" in report:
        verify = report["verify"]
        verdict = "agrees" if verify["agrees"] else "DIFFERS"
        print(f"Recount from the published .pb files (budgets_verify): {verdict}, {verify['seconds']} s")
    print(f"Load average: {', '.join(str(value) for value in report['machine']['load_average_1_5_15'])}")


def goals_of(report: dict) -> list[harness.Goal]:
    if report["quick"]:
        length = harness.Goal("the whole quick run", report["wall_seconds"], " s", at_most=GOAL_QUICK_SECONDS)
    else:
        length = harness.Goal(
            "request → published result", report["request_to_result_seconds"], " s", at_most=GOAL_COUNT_SECONDS
        )
    return [
        length,
        harness.Goal("task worker's peak memory", report["worker_peak_mib"], " MiB", at_most=GOAL_PEAK_MIB),
        harness.Goal("progress updates seen while counting", report["progress_updates_seen"], "", at_least=3),
        harness.Goal(
            "results differing from the .pb recount",
            None if "verify" not in report else int(not report["verify"]["agrees"]),
            "",
            at_most=0,
        ),
    ]


if __name__ == "__main__":
    main()
