"""Mixed load on the production-like setup, then every accepted contribution looked for.

Two uvicorn workers and the task worker (``manage.py db_worker``) serve a throw-away
PostgreSQL database with the real Redis and OpenSearch and ``cocrea.settings.production``.
``--participants`` simulated people read consultation pages, post contributions and
replies, react, search and use the search box's suggestions, each waiting a random
think time between actions, while ``--readers`` WebSocket readers follow the
discussions live. At the end every contribution that got a success response is looked
for in the database, on the consultation's pages and in the search index, and every
reader's live feed is compared with them: lost must be 0.

Run it from the repository's root: ``python -m bench.load``. ``python -m bench.faults``
runs the same load while it breaks the services. See bench/README.md.
"""

import argparse
import sys
from datetime import UTC, datetime

from bench import harness
from bench.load.environment import Bench, add_arguments, normalise
from bench.load.report import print_report


def main() -> None:
    arguments = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    add_arguments(arguments)
    options = arguments.parse_args()
    options = normalise(arguments, options)
    with Bench(options) as bench:
        run = bench.run_load(options.seconds)
        report = {
            "benchmark": "load",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "quick": options.quick,
            "setup": bench.setup_figures,
            "run": run,
            "machine": bench.machine(),
        }
    print_report(report)
    goals = goals_of(run)
    harness.print_goals(goals, "goals: nothing lost, every process measured")
    harness.write_results("load", report, goals)
    if not run["ok"]:
        sys.exit(1)


def goals_of(run: dict) -> list[harness.Goal]:
    """What every run must hold (the run fails otherwise), and goal 8's CPU for every process."""
    unmeasured = [name for name, seconds in run["cpu_seconds"].items() if seconds is None or seconds < 0]
    return [
        harness.Goal("accepted contributions lost", run["found"]["lost"], "", at_most=0),
        harness.Goal("contributions stored twice", run["found"]["duplicates"], "", at_most=0),
        harness.Goal("live deliveries missing", run["live"]["missing"], "", at_most=0),
        harness.Goal(
            "processes whose CPU was not measured", len(unmeasured), "", at_most=0, note=", ".join(unmeasured)
        ),
    ]


if __name__ == "__main__":
    main()
