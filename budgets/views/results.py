"""Results, statistics and open data.

Counts are published only once voting has closed (unless editors chose to show vote
counts during it), from a count made after the close; the files likewise.
"""

from django.http import Http404, HttpResponse

from .. import exports, rules, selectors, statistics
from ..models import BudgetProcessPage, Phase
from .common import render, subpage_url


def results(page: BudgetProcessPage, request):
    process = page.edition
    run = selectors.published_run(process)
    context = {
        "run": run,
        "running": selectors.running_run(process) if run is None else None,
        "outcomes": selectors.outcomes(run) if run is not None else [],
        "closed": process.phase in (Phase.RESULTS, Phase.FOLLOW_UP),
        "can_manage": rules.can_manage(request.user),
    }
    if run is not None:
        context["files"] = _files(page, request, run)
    return render(request, page, "budgets/results.html", context)


def _files(page: BudgetProcessPage, request, run) -> dict:
    return {
        "pabulib": [
            (result.name, subpage_url(page, request, "pb", exports.pb_name(page.edition, result)))
            for result in run.envelopes.select_related("territory").order_by("territory__name")
        ],
        "results_csv": subpage_url(page, request, "results_csv"),
        "results_json": subpage_url(page, request, "results_json"),
        "ballots_csv": subpage_url(page, request, "ballots_csv"),
    }


def statistics_page(page: BudgetProcessPage, request):
    process = page.edition
    figures = statistics.participation(process)
    context = {
        "statistics": figures,
        "sections": statistics.charts(figures) if figures.voters else [],
        "turnout_svg": statistics.turnout_chart(figures) if figures.voters else None,
    }
    return render(request, page, "budgets/statistics.html", context)


def _published(page: BudgetProcessPage):
    run = selectors.published_run(page.edition)
    if run is None:
        raise Http404()
    return run


def _download(body: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def pb_file(page: BudgetProcessPage, request, name: str):
    process, run = page.edition, _published(page)
    for result in run.envelopes.select_related("territory"):
        if exports.pb_name(process, result) == name:
            return _download(exports.pb_file(process, run, result), "text/plain; charset=utf-8", name)
    raise Http404()


def results_csv(page: BudgetProcessPage, request):
    return _download(exports.results_csv(_published(page)), "text/csv; charset=utf-8", "resultados.csv")


def ballots_csv(page: BudgetProcessPage, request):
    return _download(exports.ballots_csv(page.edition, _published(page)), "text/csv; charset=utf-8", "papeletas.csv")


def results_json(page: BudgetProcessPage, request):
    run = _published(page)
    body = exports.results_json(
        page.edition, run, lambda name: request.build_absolute_uri(subpage_url(page, request, "pb", name))
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="resultados.json"'
    return response
