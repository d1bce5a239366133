"""The public search page, its JSON twin, and title suggestions for the search box."""

from dataclasses import asdict

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import query
from .engines import EngineUnavailable, database_engine, get_engine

API_MAX_PER_PAGE = 50
SUGGEST_MAX_LENGTH = 100


@require_GET
def search_page(request):
    results = query.search(request.GET)
    return TemplateResponse(request, "search/search_page.html", {"results": results})


def _per_page(value: str | None) -> int:
    try:
        return min(API_MAX_PER_PAGE, max(1, int(value or query.PER_PAGE)))
    except ValueError:
        return query.PER_PAGE


@require_GET
def search_api(request):
    results = query.search(request.GET, per_page=_per_page(request.GET.get("per_page")))
    hits = []
    for hit in results.hits:
        data = asdict(hit)
        data["url"] = request.build_absolute_uri(hit.url)
        del data["created_display"]
        hits.append(data)
    return JsonResponse(
        {
            "query": results.text,
            "total": results.total,
            "page": results.page,
            "pages": results.pages,
            "sort": results.sort,
            "filters": results.filters,
            "from": results.date_from.isoformat() if results.date_from else None,
            "to": results.date_to.isoformat() if results.date_to else None,
            "engine": results.engine,
            "fallback": results.fallback,
            "notices": results.notices,
            "suggestion": results.suggestion,
            "hits": hits,
            "facets": [
                {
                    "name": facet.name,
                    "title": facet.title,
                    "values": [
                        {"value": item.value, "label": item.label, "count": item.count, "selected": item.selected}
                        for item in facet.values
                    ],
                }
                for facet in results.facets
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def suggest_api(request):
    prefix = " ".join((request.GET.get("q") or "").split())[:SUGGEST_MAX_LENGTH]
    if len(prefix) < 2:
        return JsonResponse({"query": prefix, "suggestions": []})
    language = request.GET.get("lang", "")
    language = language if language in dict(settings.LANGUAGES) else ""
    try:
        found = get_engine().suggest(prefix, language=language)
    except EngineUnavailable:
        found = database_engine().suggest(prefix, language=language)
    suggestions = [{**item, "url": request.build_absolute_uri(item["url"])} for item in found]
    return JsonResponse({"query": prefix, "suggestions": suggestions, "label": _("Suggestions")})
