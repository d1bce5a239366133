"""How fast a consultation page with a large real discussion renders: against the same kind
of page without contributions, and against stock django-comments-xtd rendering the same
threads.

Imports Decide Madrid's largest thread (proposal 1419: 589 contributions) into one
consultation and the twelve largest proposals (3,066) into another, beside a consultation
without contributions, then measures in one process, on the same data:

- each consultation page through the Django test client, for an anonymous reader (served
  from the thread-list cache the warm-up render filled, and again with the cache emptied
  before each render: the first reader after a change) and for a signed-in participant
  with the cache emptied before each render;
- the baseline: django-comments-xtd's own ``render_xtdcomment_tree`` with its own
  templates, model (``XtdComment``) and URLs, for exactly the contributions the page shows.

Prints issue 19's goals 1 and 2 beside the results and writes the figures to
``bench/results/render_discussion-<timestamp>.json``. Run it from the repository's root:
``python -m bench.render_discussion``. See bench/README.md.
"""

import argparse
import logging
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import harness
from tests import decide_madrid

ANCHOR = re.compile(r'id="c(\d+)"')
#: The 589-contribution discussion and the ~3,000 one: the largest proposal alone, then the
#: twelve largest together.
LARGE_PROPOSALS = 12
STOCK_TEMPLATE = "{% load comments_xtd %}{% render_xtdcomment_tree with comments=comments %}"
#: Issue 19, goal 2.
GOAL_PAGE_OVER_EMPTY = 1.2
GOAL_OURS_OVER_STOCK = 0.5
logger = logging.getLogger("bench.render_discussion")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--repeat", type=int, default=20, help="renders measured per case (default: 20)")
    arguments.add_argument("--quick", action="store_true", help="5 renders per case")
    options = arguments.parse_args()
    if options.quick:
        options.repeat = 5
    if options.repeat < 1:
        arguments.error("--repeat must be at least 1")
    if not decide_madrid.available():
        sys.exit(f"Decide Madrid data not found at {decide_madrid.DATA_DIR} (set DECIDE_MADRID_DIR).")

    harness.read_services_file()
    server = os.environ.get("DATABASE_URL", "")
    database = None
    with tempfile.TemporaryDirectory(prefix="cocrea-bench-render-") as scratch:
        if server.startswith(("postgres://", "postgresql://")):
            database = harness.BenchDatabase(server, harness.database_name("render")).create(migrated=True)
            os.environ["DATABASE_URL"] = database.url
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch) / 'render.sqlite3'}"
        # One process measures its own work: the local-memory cache (emptied before each
        # signed-in render) and the in-process channel layer, whatever REDIS_URL says.
        os.environ.pop("REDIS_URL", None)
        os.environ.update({"DJANGO_SETTINGS_MODULE": "cocrea.settings.test", "SEARCH_ENGINE": "database"})
        try:
            report = run(options.repeat)
        finally:
            if database:
                from django.db import connections

                connections.close_all()
                database.drop()
    print_report(report)
    goals = goals_of(report)
    harness.print_goals(goals, "goals 1 and 2: the consultation page")
    harness.write_results("render_discussion", report, goals)


# --- the site ------------------------------------------------------------------------------
@dataclass
class Discussion:
    label: str
    page: object
    rows: int
    created: int
    import_seconds: float


def run(repeat: int) -> dict:
    import django

    django.setup()
    # One line per page created, per sign-in otherwise.
    for name in ("wagtail", "axes"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.services import participant_create
    from core.models import Sector

    setup_test_environment()  # the test client's host, the template's rendering signals
    print("Migrating…", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    plan = harness.action_plan("Plan de prueba de rendimiento", "plan-rendimiento", 2025)
    largest = sorted(proposal_sizes().items(), key=lambda item: -item[1])[:LARGE_PROPOSALS]
    empty = Discussion("empty", consultation_page(plan, "sin-aportes", "Compromiso sin aportes"), 0, 0, 0.0)
    discussions = [
        empty,
        import_discussion(plan, "589", [decide_madrid.LARGEST_PROPOSAL]),
        import_discussion(plan, "3066", [int(proposal) for proposal, _ in largest]),
    ]
    harness.analyze()
    reader = participant_create(
        email="lectora@bench.example.org",
        password="not-used-the-session-is-forced",  # noqa: S106 - a throw-away database
        display_name="Lectora de prueba",
        sector=Sector.CITIZEN,
        territory="cajamarca",
        confirmed=True,
    ).user
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(reader)

    cases: dict[str, dict] = {}
    for discussion in discussions:
        url = discussion.page.get_url()
        print(f"Measuring the page with {discussion.created} contributions ({repeat} renders a case)…", flush=True)
        cases[f"page_{discussion.label}_anonymous"] = measure_or_fail(page_render(anonymous, url), repeat)
        if discussion.created:
            # The first anonymous reader after a change: the thread list rendered, not read.
            cases[f"page_{discussion.label}_anonymous_uncached"] = measure_or_fail(
                page_render(anonymous, url), repeat, empty_cache=True
            )
        cases[f"page_{discussion.label}_signed_in"] = measure_or_fail(
            page_render(signed_in, url), repeat, empty_cache=True
        )
        shown = cases[f"page_{discussion.label}_signed_in"].get("shown_pks", [])
        if shown:
            cases[f"stock_{discussion.label}"] = measure_or_fail(stock_render(discussion.page, shown, reader), repeat)
    for case in cases.values():
        case.pop("shown_pks", None)
    return {
        "benchmark": "render_discussion",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "repeat": repeat,
        "data": {
            discussion.label: {
                "source": "Decide Madrid (Madrid's comments, not Cajamarca's)",
                "rows": discussion.rows,
                "created": discussion.created,
                "import_seconds": discussion.import_seconds,
                "url": discussion.page.get_url(),
            }
            for discussion in discussions
        },
        "cases": cases,
        "ratios": ratios(cases),
        "machine": machine(),
    }


def proposal_sizes() -> dict[str, int]:
    import csv

    sizes: dict[str, int] = {}
    with decide_madrid.COMMENTS_CSV.open(encoding="utf-8", newline="") as source:
        for row in csv.DictReader(source):
            sizes[row["proposalId"]] = sizes.get(row["proposalId"], 0) + 1
    return sizes


def import_discussion(plan, label: str, proposals: list[int]) -> Discussion:
    from discussions.importing import import_contributions

    page = consultation_page(plan, f"discusion-{label}", f"Compromiso con {label} aportes")
    rows = [row for proposal in proposals for row in decide_madrid.proposal_rows(proposal)]
    # Each proposal's comment ids are unique across the file: the rows of several
    # proposals make one discussion with their threads side by side.
    started = time.perf_counter()
    imported = import_contributions(consultation=page, source=decide_madrid.as_csv(rows), skip_invalid=True)
    return Discussion(label, page, len(rows), imported.created, round(time.perf_counter() - started, 2))


def consultation_page(plan, slug: str, title: str):
    from django.utils import timezone

    from consultations.models import ConsultationPage

    now = timezone.now()
    return plan.add_child(
        instance=ConsultationPage(
            title=title,
            slug=slug,
            summary="Una consulta para medir cuánto cuesta mostrar su discusión.",
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


# --- what is rendered ----------------------------------------------------------------------
def page_render(client, url: str):
    def render() -> str:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response.content.decode()

    return render


def stock_render(page, shown: list[int], user):
    """django-comments-xtd as it ships, on the contributions ``shown``.

    The queryset is the one its ``{% render_xtdcomment_tree for object %}`` builds, on
    its own ``XtdComment`` model (every contribution is an ``XtdComment`` row: the
    project's model extends it), restricted to the contributions the page shows; then
    its tag renders its own templates, recursively, with django-comments' own
    ``get_absolute_url`` (a ``reverse`` per comment, no query) and xtd's URLs.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Prefetch
    from django.template import RequestContext, Template
    from django.test import RequestFactory
    from django.urls import set_urlconf
    from django_comments.models import CommentFlag
    from django_comments_xtd.models import DISLIKEDIT_FLAG, LIKEDIT_FLAG, XtdComment
    from django_comments_xtd.utils import get_current_site_id

    template = Template(STOCK_TEMPLATE)
    request = RequestFactory().get(page.get_url())
    request.user = user
    urls = stock_urlconf()
    content_type = ContentType.objects.get_for_model(page)

    def render() -> str:
        set_urlconf(urls)
        try:
            flags = CommentFlag.objects.filter(
                flag__in=[CommentFlag.SUGGEST_REMOVAL, LIKEDIT_FLAG, DISLIKEDIT_FLAG]
            ).prefetch_related("user")
            queryset = XtdComment.objects.prefetch_related(Prefetch("flags", queryset=flags)).filter(
                content_type=content_type,
                object_pk=page.pk,
                site__pk=get_current_site_id(request),
                is_public=True,
                pk__in=shown,
            )
            comments = XtdComment.tree_from_queryset(queryset, user=user)
            return template.render(RequestContext(request, {"comments": comments}))
        finally:
            set_urlconf(None)

    return render


def stock_urlconf():
    """The site's URLs plus django-comments-xtd's own, which its templates link to."""
    from types import ModuleType

    from django.urls import include, path

    from cocrea import urls

    module = ModuleType("bench_render_discussion_urls")
    module.urlpatterns = [path("comments/", include("django_comments_xtd.urls")), *urls.urlpatterns]
    return module


# --- measuring -----------------------------------------------------------------------------
def measure_or_fail(render, repeat: int, *, empty_cache: bool = False) -> dict:
    """``measure``, or the error that stops the render, recorded as the case's result."""
    try:
        return measure(render, repeat, empty_cache=empty_cache)
    except Exception as error:
        logger.exception("The render failed; the failure is recorded instead of figures.")
        return {"error": f"{type(error).__name__}: {error}"}


def measure(render, repeat: int, *, empty_cache: bool = False) -> dict:
    """The median (nearest rank) of the CPU time of ``repeat`` renders after one warm-up, the
    median and minimum of their wall-clock time, the queries of one render, the
    contributions its HTML shows. With ``empty_cache`` the cache is emptied before each
    render (outside the timing)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    html = render()  # warm-up: template loading, caches
    timings, cpu = [], []
    for _ in range(repeat):
        if empty_cache:
            cache.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        render()
        cpu.append((time.process_time() - started_cpu) * 1000)
        timings.append((time.perf_counter() - started) * 1000)
    if empty_cache:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        render()
    shown = sorted({int(pk) for pk in ANCHOR.findall(html)})
    figures = harness.percentiles(timings, (50,))
    return {
        "cpu_median_ms": harness.percentiles(cpu, (50,))["p50_ms"],
        "median_ms": figures["p50_ms"],
        "min_ms": figures["min_ms"],
        "queries": len(queries),
        "contributions_shown": len(shown),
        "html_bytes": len(html.encode()),
        "shown_pks": shown,
    }


def ratios(cases: dict) -> dict:
    """Page / empty page, and the time per contribution shown: ours (the signed-in page
    less the signed-in empty page: the discussion's part) and stock xtd's — all from the
    median CPU time of a render, which waiting for a busy machine's CPU does not change
    (the wall-clock times are in the table and the JSON)."""

    def median(name):
        return cases.get(name, {}).get("cpu_median_ms")

    result = {}
    for label in ("589", "3066"):
        page, empty = median(f"page_{label}_anonymous"), median("page_empty_anonymous")
        result[f"page_{label}_over_empty_anonymous"] = round(page / empty, 2) if page and empty else None
        signed, signed_empty = median(f"page_{label}_signed_in"), median("page_empty_signed_in")
        shown = cases.get(f"page_{label}_signed_in", {}).get("contributions_shown")
        stock = median(f"stock_{label}")
        if signed and signed_empty and shown and stock:
            ours_part = (signed - signed_empty) / shown
            ours_whole = signed / shown
            stock_each = stock / shown
            result[f"ms_per_shown_{label}"] = {
                "ours_discussion_part": round(ours_part, 3),
                "ours_whole_page": round(ours_whole, 3),
                "stock_xtd": round(stock_each, 3),
            }
            result[f"ours_over_stock_{label}"] = round(ours_part / stock_each, 2)
            result[f"ours_whole_page_over_stock_{label}"] = round(ours_whole / stock_each, 2)
        queries = [cases.get(f"page_{name}_signed_in", {}).get("queries") for name in ("589", "3066")]
        anonymous = [cases.get(f"page_{name}_anonymous", {}).get("queries") for name in ("589", "3066")]
        if None not in queries and None not in anonymous:
            result["queries_3066_minus_589"] = max(queries[1] - queries[0], anonymous[1] - anonymous[0])
    return result


def goals_of(report: dict) -> list[harness.Goal]:
    ratios_ = report["ratios"]
    return [
        harness.Goal(
            "ours / stock xtd per contribution shown, 589 (goal 1: report)",
            ratios_.get("ours_over_stock_589"),
            at_most=GOAL_OURS_OVER_STOCK,
            note="signed in, cache emptied; ours = page − empty page",
        ),
        harness.Goal(
            "ours / stock xtd per contribution shown, 3,066",
            ratios_.get("ours_over_stock_3066"),
            at_most=GOAL_OURS_OVER_STOCK,
            note="signed in, cache emptied",
        ),
        harness.Goal(
            "page with 589 / empty page, anonymous", ratios_.get("page_589_over_empty_anonymous"), at_most=1.2
        ),
        harness.Goal(
            "page with 3,066 / empty page, anonymous", ratios_.get("page_3066_over_empty_anonymous"), at_most=1.2
        ),
        harness.Goal(
            "queries, 3,066 less 589 contributions",
            ratios_.get("queries_3066_minus_589"),
            " queries",
            at_most=0,
            note="the larger of anonymous and signed in",
        ),
    ]


def machine() -> dict:
    import django
    import django_comments_xtd
    import wagtail
    from django.db import connection

    vendor_version = connection.Database.sqlite_version if connection.vendor == "sqlite" else None
    if connection.vendor == "postgresql":
        vendor_version = str(connection.pg_version)
    return {
        **harness.machine(),
        "database": {"vendor": connection.vendor, "version": vendor_version, "name": connection.settings_dict["NAME"]},
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "django_comments_xtd": django_comments_xtd.get_version(),
    }


# --- the report ----------------------------------------------------------------------------
CASE_LABELS = {
    "page_empty_anonymous": "empty consultation page, anonymous",
    "page_empty_signed_in": "empty consultation page, signed in",
    "page_589_anonymous": "page with 589, anonymous",
    "page_589_anonymous_uncached": "page with 589, anonymous, cache emptied",
    "page_589_signed_in": "page with 589, signed in",
    "stock_589": "stock xtd, the same contributions",
    "page_3066_anonymous": "page with 3,066, anonymous",
    "page_3066_anonymous_uncached": "page with 3,066, anon., cache emptied",
    "page_3066_signed_in": "page with 3,066, signed in",
    "stock_3066": "stock xtd, the same contributions",
}


def print_report(report: dict) -> None:
    data, cases, ratios_ = report["data"], report["cases"], report["ratios"]
    machine_ = report["machine"]
    print(
        "\nrender_discussion: "
        + "; ".join(
            f"{values['created']} contributions from {values['rows']} rows (imported in {values['import_seconds']} s)"
            for label, values in data.items()
            if label != "empty"
        )
        + " — Decide Madrid's comments"
    )
    print(
        f"{machine_['platform']}, {machine_['processor']} × {machine_['cpu_count']}, Python {machine_['python']}, "
        f"{machine_['database']['vendor']} {machine_['database']['version']}, load average "
        f"{machine_['load_average_1_5_15'][0]}; medians of {report['repeat']} renders (CPU time of this process, "
        "and wall-clock); signed-in renders start with an empty cache; ratios from the CPU times\n"
    )
    header = (
        f"{'case':<38} {'CPU ms':>8} {'wall ms':>9} {'min ms':>8} {'queries':>8} {'shown':>6} {'ms/shown':>9} "
        f"{'HTML kB':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, label in CASE_LABELS.items():
        case = cases.get(name)
        if case is None:
            continue
        if "error" in case:
            print(f"{label:<38} FAILED: {case['error']}")
            continue
        shown = case["contributions_shown"]
        per = f"{case['cpu_median_ms'] / shown:.2f}" if shown else "—"
        print(
            f"{label:<38} {case['cpu_median_ms']:>8.1f} {case['median_ms']:>9.1f} {case['min_ms']:>8.1f} "
            f"{case['queries']:>8} {shown:>6} {per:>9} {case['html_bytes'] / 1024:>8.1f}"
        )
    for label in ("589", "3066"):
        each = ratios_.get(f"ms_per_shown_{label}")
        if each:
            part, whole = ratios_[f"ours_over_stock_{label}"], ratios_[f"ours_whole_page_over_stock_{label}"]
            print(
                f"\n{label}: ms per contribution shown — ours {each['ours_discussion_part']:.2f} (page − empty page), "
                f"{each['ours_whole_page']:.2f} (whole page); stock xtd {each['stock_xtd']:.2f}: ours / stock "
                f"{part:.2f}× (whole page {whole:.2f}×)"
            )


if __name__ == "__main__":
    main()
