"""The goals of every benchmark run since a moment, and their results, in one table.

``make bench`` ends with it: ``python -m bench.summary --since <unix time>`` reads the
JSON files the benchmarks wrote under bench/results/ (or ``BENCH_RESULTS_DIR``) since
then and prints each goal beside its result.
"""

import argparse
import json
import time

from bench import harness


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--since", type=float, default=0, help="only results written after this Unix time")
    arguments.add_argument(
        "--within", type=float, metavar="SECONDS", help="the run's goal for its own length (QUICK=1: 300)"
    )
    options = arguments.parse_args()
    rows = []
    results = sorted(harness.results_dir().glob("*.json"), key=lambda path: path.stat().st_mtime)
    for path in results:
        if path.stat().st_mtime < options.since:
            continue
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for goal in report.get("goals", []):
            rows.append((report.get("benchmark", path.stem), goal))
    seconds = time.time() - options.since
    elapsed = f" in {seconds / 60:.1f} minutes" if options.since else ""
    if options.since and options.within:
        goal = harness.Goal("make bench's length (goal 8)", round(seconds), " s", at_most=options.within)
        rows.append(("make bench", goal.as_dict()))
    load = ", ".join(f"{value:.2f}" for value in harness.machine()["load_average_1_5_15"])
    print(f"\n=== summary: the goals of issue 19 and this run's results{elapsed} (load average now {load})")
    if not rows:
        print("No benchmark wrote goals.")
        return
    width = max(len(goal["name"]) for _, goal in rows)
    print(f"{'benchmark':<18}  {'goal':<{width}}  {'target':>10}  {'result':>12}  verdict")
    print("-" * (width + 58))
    for benchmark, goal in rows:
        result = "—" if goal["result"] is None else f"{goal['result']:g}{goal['unit']}"
        verdict = {True: "met", False: "MISSED", None: "not measured"}[goal["met"]]
        print(f"{benchmark:<18}  {goal['name']:<{width}}  {goal['target']:>10}  {result:>12}  {verdict}")


if __name__ == "__main__":
    main()
