"""How fast a consultation page with a large real discussion renders, against django-comments-xtd.

Imports Decide Madrid's largest thread (proposal 1419, 592 comments) into a fresh
consultation with the project's importer, then measures on the same data:

(a) ours: GET of the consultation page through the Django test client;
(b) baseline: django-comments-xtd's ``{% render_xtdcomment_tree for page %}``.

For each: median and minimum time per render over ``--repeat`` runs (after one warm-up),
SQL queries of one render, and how many contributions the HTML shows. Writes the figures
to ``bench/results/render_discussion-<timestamp>.json``. See bench/README.md.
"""

import argparse
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

BASELINE_TEMPLATE = "{% load comments_xtd %}{% render_xtdcomment_tree for page %}"
ANCHOR = re.compile(r'id="c(\d+)"')
logger = logging.getLogger("bench.render_discussion")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--repeat", type=int, default=20, help="renders measured per case (default: 20)")
    options = arguments.parse_args()
    if options.repeat < 1:
        arguments.error("--repeat must be at least 1")

    os.environ["DJANGO_SETTINGS_MODULE"] = "cocrea.settings.test"
    with tempfile.TemporaryDirectory(prefix="cocrea-bench-") as scratch:
        import django

        django.setup()
        logging.getLogger("wagtail").setLevel(logging.WARNING)  # one line per page created otherwise
        from django.db import connection
        from django.test.utils import setup_test_environment

        from tests import decide_madrid

        if not decide_madrid.available():
            sys.exit(f"Decide Madrid data not found at {decide_madrid.DATA_DIR} (set DECIDE_MADRID_DIR).")
        setup_test_environment()
        if connection.vendor == "sqlite":
            connection.settings_dict["TEST"]["NAME"] = str(Path(scratch) / "bench.sqlite3")
        # A throw-away database beside the configured one, as the test runner makes it:
        # whatever DATABASE_URL names is never written to.
        database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            report = run(options.repeat, database)
        finally:
            connection.creation.destroy_test_db(database, verbosity=0)
    print_report(report)
    harness.write_results("render_discussion", report)


def run(repeat: int, database: str) -> dict:
    from django.contrib.auth.models import AnonymousUser
    from django.template import RequestContext, Template
    from django.test import Client, RequestFactory
    from django.urls import set_urlconf

    from discussions.importing import import_contributions
    from discussions.models import contributions_of
    from tests import decide_madrid

    page = consultation_page()
    rows = decide_madrid.proposal_rows(decide_madrid.LARGEST_PROPOSAL)
    started = time.perf_counter()
    imported = import_contributions(consultation=page, source=decide_madrid.as_csv(rows), skip_invalid=True)
    import_seconds = time.perf_counter() - started
    pks = set(contributions_of(page).values_list("pk", flat=True))
    url = page.get_url()

    client = Client()

    def ours() -> str:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response.content.decode()

    template = Template(BASELINE_TEMPLATE)
    request = RequestFactory().get(url)
    request.user = AnonymousUser()
    baseline_urls = with_xtd_urls()

    def baseline() -> str:
        set_urlconf(baseline_urls)
        try:
            return template.render(RequestContext(request, {"page": page}))
        finally:
            set_urlconf(None)

    cases = {"ours": measure_or_fail(ours, repeat, pks), "baseline": measure(baseline, repeat, pks)}
    return {
        "benchmark": "render_discussion",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": {
            "source": "Decide Madrid, proposal 1419 (Madrid's comments, not Cajamarca's)",
            "rows": len(rows),
            "created": imported.created,
            "skipped_invalid": len(imported.invalid),
            "orphans_top_level": len(imported.orphans),
            "depth_capped": imported.depth_capped,
            "import_seconds": round(import_seconds, 3),
        },
        "url": url,
        "repeat": repeat,
        "cases": {
            "ours": {"what": f"GET {url} (test client, anonymous)", **cases["ours"]},
            "baseline": {"what": BASELINE_TEMPLATE, **cases["baseline"]},
        },
        "ratios_ours_over_baseline": {
            key: round(cases["ours"][key] / cases["baseline"][key], 3)
            if cases["ours"].get(key) and cases["baseline"].get(key)
            else None
            for key in ("median_ms", "queries", "ms_per_contribution_shown")
        },
        "machine": machine(database),
    }


def with_xtd_urls() -> ModuleType:
    """The site's URLs plus django-comments-xtd's own, which its tree template links to."""
    from django.urls import include, path

    from cocrea import urls

    module = ModuleType("bench_render_discussion_urls")
    module.urlpatterns = [path("comments/", include("django_comments_xtd.urls")), *urls.urlpatterns]
    return module


def consultation_page():
    from django.utils import timezone

    from consultations.models import ActionPlanPage, ConsultationPage, PlanIndexPage
    from demo.site import ensure_home_page

    home = ensure_home_page()
    index = home.add_child(instance=PlanIndexPage(title="Planes de acción", slug="planes"))
    plan = index.add_child(
        instance=ActionPlanPage(
            title="Plan de prueba de rendimiento",
            slug="plan-rendimiento",
            period_start=2025,
            period_end=2027,
            lead_agency="Gobierno Regional de Cajamarca",
        )
    )
    now = timezone.now()
    return plan.add_child(
        instance=ConsultationPage(
            title="Compromiso con una discusión grande",
            slug="discusion-grande",
            summary="Una consulta con 592 aportes reales (de Decide Madrid) para medir el render.",
            problem="<p>Medir cuánto cuesta mostrar una discusión grande.</p>",
            body=[
                ("section", {"heading": "Objetivo", "anchor": "objetivo", "body": "<p>Texto.</p>"}),
                ("section", {"heading": "Actividades", "anchor": "actividades", "body": "<p>Texto.</p>"}),
            ],
            lead_institution="Gerencia Regional de Planeamiento",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
        )
    )


def measure_or_fail(render, repeat: int, pks: set[int]) -> dict:
    """``measure``, or the error that stops the render, recorded as the case's result."""
    try:
        return measure(render, repeat, pks)
    except Exception as error:
        logger.exception("The render failed; the failure is recorded instead of figures.")
        return {"error": f"{type(error).__name__}: {error}"}


def measure(render, repeat: int, pks: set[int]) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    html = render()  # warm-up: template loading, caches
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        render()
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        render()
    shown = {int(pk) for pk in ANCHOR.findall(html)} & pks
    return {
        "median_ms": round(statistics.median(timings), 2),
        "min_ms": round(min(timings), 2),
        "queries": len(queries),
        "contributions_shown": len(shown),
        "contributions_total": len(pks),
        "html_bytes": len(html.encode()),
        "ms_per_contribution_shown": round(statistics.median(timings) / len(shown), 3) if shown else None,
    }


def machine(database: str) -> dict:
    import django
    import django_comments_xtd
    import wagtail
    from django.db import connection

    vendor_version = connection.Database.sqlite_version if connection.vendor == "sqlite" else None
    if connection.vendor == "postgresql":
        vendor_version = str(connection.pg_version)
    return {
        **harness.machine(),
        "database": {"vendor": connection.vendor, "version": vendor_version, "name": database},
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "django_comments_xtd": django_comments_xtd.get_version(),
    }


def print_report(report: dict) -> None:
    data, cases, ratios = report["data"], report["cases"], report["ratios_ours_over_baseline"]
    print(
        f"render_discussion: {data['created']} contributions ({data['rows']} rows of {data['source']}; "
        f"{data['skipped_invalid']} invalid skipped, {data['orphans_top_level']} orphans top-level, "
        f"{data['depth_capped']} depth-capped), imported in {data['import_seconds']:.2f} s"
    )
    machine = report["machine"]
    print(
        f"{machine['platform']}, {machine['processor']} × {machine['cpu_count']}, Python {machine['python']}, "
        f"{machine['database']['vendor']} {machine['database']['version']}; median of {report['repeat']} renders"
    )
    print()
    header = f"{'case':<32} {'median ms':>10} {'min ms':>9} {'queries':>8} {'shown':>9} {'ms/shown':>9} {'HTML kB':>8}"
    print(header)
    print("-" * len(header))
    for name, label in (("ours", "consultation page (GET)"), ("baseline", "xtd render_xtdcomment_tree")):
        case = cases[name]
        if "error" in case:
            print(f"{label:<32} FAILED: {case['error']}")
            continue
        shown = f"{case['contributions_shown']}/{case['contributions_total']}"
        print(
            f"{label:<32} {case['median_ms']:>10.2f} {case['min_ms']:>9.2f} {case['queries']:>8} "
            f"{shown:>9} {_number(case['ms_per_contribution_shown']):>9} {case['html_bytes'] / 1024:>8.1f}"
        )
    print(
        f"{'ratio ours / baseline':<32} {_ratio(ratios['median_ms']):>10} {'':>9} {_ratio(ratios['queries']):>8} "
        f"{'':>9} {_ratio(ratios['ms_per_contribution_shown']):>9}"
    )
    if "error" in cases["ours"]:
        print("\nNote: the consultation page did not render, so there is no ratio.")
    elif cases["ours"]["contributions_shown"] == 0:
        print("\nNote: the consultation page shows no contributions yet (the discussion templates have not landed).")
    elif cases["ours"]["contributions_shown"] < cases["baseline"]["contributions_shown"]:
        print(
            "\nNote: the page shows one page of threads; the baseline renders every contribution at once. "
            "Compare ms/shown (median time per contribution in the HTML) as well as the totals."
        )


def _ratio(value) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _number(value) -> str:
    return "—" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    main()
