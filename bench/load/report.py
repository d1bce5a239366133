"""The load's tables: requests by kind, the contributions' fate, live deliveries, CPU and
memory, and the verdict."""


def print_report(report: dict) -> None:
    run, machine = report["run"], report["machine"]
    print(
        f"\nload: {run['participants']} participants (think time {run['think_seconds']} s), "
        f"{run['readers']} live readers, {run['seconds']:.0f} s; 2 ASGI workers + task worker\n"
        f"{machine['platform']}, {machine['processor']} × {machine['cpu_count']}, {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, PostgreSQL {machine['postgresql']}, Redis {machine['redis']}, "
        f"OpenSearch {machine['opensearch']}; load generator, workers and services share these CPUs\n"
    )
    print_run(run)


def print_run(run: dict) -> None:
    header = f"{'request':<10}{'count':>8}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  errors"
    print(header)
    print("-" * (len(header) + 20))
    for kind, figures in run["by_kind"].items():
        errors = ", ".join(f"{status}: {count}" for status, count in figures["errors"].items()) or "—"
        print(
            f"{kind:<10}{figures['requests']:>8}{figures['per_second']:>8.1f}{_ms(figures, 'p50')}"
            f"{_ms(figures, 'p95')}{_ms(figures, 'p99')}  {errors}"
        )
    print(f"{'all':<10}{run['requests']:>8}{run['requests_per_second']:>8.1f}")
    if run["balancer_retries"]:
        print(f"(requests the balancer sent to the other worker after a refused connection: {run['balancer_retries']})")
    contributions, found, live = run["contributions"], run["found"], run["live"]
    print(
        f"\ncontributions written {contributions['written']}, accepted {contributions['accepted']} "
        f"({contributions['accepted_after_retry']} after trying again), not accepted {contributions['not_accepted']}; "
        f"503 pages that said so and gave the text back {contributions['refusals_explained']}, "
        f"that did not {contributions['refusals_unexplained']}"
    )
    print(
        f"found: in the database {found['in_database']}, on the pages {found['on_pages']}, "
        f"in the index {found['in_index']} (caught up {found['index_caught_up_s']} s after the load) "
        f"— LOST {found['lost']}, duplicates {found['duplicates']}, "
        f"stored though unconfirmed {found['unconfirmed_but_stored']}"
    )
    print(f"search_check: {'no drift' if found['search_check']['in_step'] else 'DRIFT'}")
    reconnect = live["reconnect"]
    waited = (
        f" (p50 {reconnect.get('p50_ms', 0) / 1000:.1f} s, max {reconnect.get('max_ms', 0) / 1000:.1f} s)"
        if live["reconnections"]
        else ""
    )
    print(
        f"live: {live['delivered']}/{live['expected']} deliveries (missing {live['missing']}), "
        f"{live['reconnections']} reconnections{waited}, {live['gaps_caught_up']} gaps caught up, "
        f"{live['reloads']} told to reload "
        f"({live['seen_after_reload']} contributions seen on the reloaded page); "
        f"readers connected in {live['readers_connected_in_s']} s"
    )
    cpu = run["cpu_seconds"]
    print(
        f"CPU seconds during the load ({run['cpu_available_seconds']:.0f} available, "
        f"{run['cpu_machine_busy_seconds']:.0f} used by the whole machine): "
        + ", ".join(
            f"{name} {'— (restarted)' if value is None else f'{value:.1f}'}"
            for name, value in sorted(cpu.items(), key=lambda item: -(item[1] or 0))
        )
        + " (each with its child processes; PostgreSQL's includes every database of the server)"
    )
    peak = run["resources_peak"]
    print(
        "memory peak (MiB): "
        + ", ".join(f"{name.removesuffix('_mib').replace('_', ' ')} {value}" for name, value in peak.items())
    )
    workers = run["workers"]
    print("workers after the run: " + ", ".join(f"{name} {state}" for name, state in workers.items() if name != "ok"))
    print("RESULT: " + ("lost = 0, nothing missing" if run["ok"] else "FAILED: " + "; ".join(run["problems"])))


def _ms(figures: dict, name: str) -> str:
    value = figures.get(f"{name}_ms")
    return f"{'—':>9}" if value is None else f"{value:>9.1f}"
