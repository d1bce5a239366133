"""The query service: what the search page and the JSON API both call.

It reads the request's parameters forgivingly (unknown filter values are dropped and
said so, a page past the end shows the last one, bad dates are ignored with a notice),
asks the configured engine — or the database engine, with a visible notice, when the
engine is down — and returns hits with HTML-safe highlights, facet counts with labels,
and a "did you mean" when nothing matched.
"""

import logging
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.utils.formats import date_format
from django.utils.translation import get_language, get_language_info, ngettext
from django.utils.translation import gettext as _
from wagtail.models import Page

from consultations.models import OgpValue
from core.models import Sector, Territory
from discussions.models import Channel, ResponseStatus

from . import parsing
from .documents import KINDS
from .engines import EngineUnavailable, database_engine, get_engine
from .engines.base import MAX_RESULT_WINDOW, SORTS, EngineQuery, EngineResults

logger = logging.getLogger(__name__)

PER_PAGE = 20
#: Values shown per facet (the selected ones are always shown too).
FACET_LIMIT = 12
#: Request parameter → document field.
PARAMETERS = {
    "kind": "kind",
    "plan": "plan",
    "consultation": "consultation",
    "territory": "territories",
    "sector": "sector",
    "ogp": "ogp_values",
    "status": "response_status",
    "channel": "channel",
    "year": "year",
}
FIELDS = {field_name: parameter for parameter, field_name in PARAMETERS.items()}


def _facet_titles() -> dict[str, str]:
    return {
        "kind": _("Type"),
        "plan": _("Action plan"),
        "consultation": _("Consultation"),
        "territories": _("Province"),
        "sector": _("Sector"),
        "ogp_values": _("OGP value"),
        "response_status": _("Government response"),
        "channel": _("Channel"),
        "year": _("Year"),
    }


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    url: str = ""


@dataclass
class Facet:
    name: str  # the request parameter
    title: str
    values: list[FacetValue]


@dataclass
class Hit:
    kind: str
    kind_label: str
    title_html: str
    snippet_html: str
    url: str
    created: str  # ISO 8601
    created_display: str
    author: str
    sector: str
    organisation: str
    territories: list[str]
    plan_title: str
    consultation_title: str
    section: str
    response_status: str
    context: str
    language: str
    language_name: str


@dataclass
class SearchResults:
    text: str
    query: parsing.ParsedQuery
    filters: dict[str, list[str]]  # by request parameter
    date_from: date | None
    date_to: date | None
    sort: str
    page: int
    pages: int
    total: int
    hits: list[Hit]
    facets: list[Facet]
    engine: str
    per_page: int = PER_PAGE
    fallback: bool = False
    notices: list[str] = field(default_factory=list)
    suggestion: str = ""

    def url(self, **changes) -> str:
        """The query string of these results with some parameters changed."""
        params = {"q": self.text, "sort": self.sort if self.sort != default_sort(self.query) else ""}
        params |= dict(self.filters)
        params["from"] = self.date_from.isoformat() if self.date_from else ""
        params["to"] = self.date_to.isoformat() if self.date_to else ""
        params["page"] = ""
        params |= changes
        pairs = []
        for name, value in params.items():
            for item in value if isinstance(value, list) else [value]:
                if item not in ("", None):
                    pairs.append((name, item))
        return "?" + urlencode(pairs) if pairs else "?"

    @property
    def has_filters(self) -> bool:
        return bool(self.filters or self.date_from or self.date_to)

    @property
    def previous_url(self) -> str:
        return self.url(page=self.page - 1 if self.page > 2 else "")

    @property
    def next_url(self) -> str:
        return self.url(page=self.page + 1)

    @property
    def suggestion_url(self) -> str:
        return self.url(q=self.suggestion)

    @property
    def unfiltered_url(self) -> str:
        return "?" + urlencode({"q": self.text}) if self.text else "?"

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1


def default_sort(query: parsing.ParsedQuery) -> str:
    return "newest" if query.is_empty else "relevance"


def _labels() -> dict[str, dict[str, str]]:
    return {
        "kind": {code: str(label) for code, label in KINDS.items()},
        "sector": {code: str(label) for code, label in Sector.choices},
        "territories": dict(Territory.objects.values_list("slug", "name")),
        "ogp_values": {code: str(label) for code, label in OgpValue.Code.choices},
        "response_status": {code: str(label) for code, label in ResponseStatus.choices},
        "channel": {code: str(label) for code, label in Channel.choices},
    }


def _valid(field_name: str, value: str, labels: dict[str, dict[str, str]]) -> bool:
    if field_name in labels:
        return value in labels[field_name]
    if field_name in ("plan", "consultation"):
        return value.isdigit() and len(value) < 19
    if field_name == "year":
        return value.isdigit() and len(value) == 4
    return False


def _date(value: str | None, notices: list[str], label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        notices.append(
            _("The date “%(value)s” for “%(label)s” was not understood (use YYYY-MM-DD); it was ignored.")
            % {"value": value[:20], "label": label}
        )
        return None


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, int((value or "").strip()[:9]))
    except ValueError:
        return default


def search(params, *, per_page: int = PER_PAGE) -> SearchResults:
    """Search with the request's parameters (a ``QueryDict`` or a dict of lists)."""
    get_list = params.getlist if hasattr(params, "getlist") else (lambda name: list(params.get(name, [])))
    get_one = params.get if hasattr(params, "getlist") else (lambda name: (params.get(name) or [None])[0])
    notices: list[str] = []
    query = parsing.parse(get_one("q"))
    if query.truncated:
        notices.append(
            _("Your search was shortened to its first %(count)d characters.") % {"count": parsing.MAX_QUERY_LENGTH}
        )
    if query.is_empty and query.raw:
        notices.append(_("Your search has no words to look for (only signs or symbols), so everything is shown."))
    labels = _labels()
    filters: dict[str, list[str]] = {}
    ignored = 0
    for parameter, field_name in PARAMETERS.items():
        values = [value.strip() for value in get_list(parameter) if value and value.strip()][:20]
        valid = [value for value in dict.fromkeys(values) if _valid(field_name, value, labels)]
        ignored += len(values) - len(valid)
        if valid:
            filters[parameter] = valid
    if ignored:
        notices.append(
            ngettext(
                "One filter value was not recognised and was ignored.",
                "%(count)d filter values were not recognised and were ignored.",
                ignored,
            )
            % {"count": ignored}
        )
    date_from = _date(get_one("from"), notices, _("From"))
    date_to = _date(get_one("to"), notices, _("To"))
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    sort = get_one("sort") if get_one("sort") in SORTS else default_sort(query)
    page = _int(get_one("page"), 1)
    last_reachable = max(1, MAX_RESULT_WINDOW // per_page)

    request = EngineQuery(
        query=query,
        filters={PARAMETERS[parameter]: values for parameter, values in filters.items()},
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        offset=(min(page, last_reachable) - 1) * per_page,
        limit=per_page,
    )
    engine, fallback = get_engine(), False
    try:
        found = engine.search(request)
    except EngineUnavailable:
        engine, fallback = database_engine(), True
        notices.append(
            _("The search service is not responding: these results come from a simpler search of the same content.")
        )
        found = engine.search(request)

    pages = max(1, -(-found.total // per_page))
    pages = min(pages, last_reachable)
    if page > pages:
        if found.total:
            notices.append(
                ngettext(
                    "There is only one page of results; it is shown.",
                    "There are only %(pages)d pages of results; the last one is shown.",
                    pages,
                )
                % {"pages": pages}
            )
        page = pages
        request.offset = (page - 1) * per_page
        found = engine.search(request) if found.total else found

    results = SearchResults(
        text=query.raw,
        query=query,
        filters=filters,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=page,
        pages=pages,
        total=found.total,
        hits=[],
        facets=[],
        engine=engine.name,
        per_page=per_page,
        fallback=fallback,
        notices=notices,
    )
    results.hits = _hits(found, labels)
    results.facets = _facets(found, results, labels)
    if not found.total and not query.is_empty:
        results.suggestion = _suggestion(engine, request)
    return results


def _language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def _hits(found: EngineResults, labels: dict[str, dict[str, str]]) -> list[Hit]:
    hits = []
    for hit in found.hits:
        source = hit.document
        created = source["created"]
        moment = date.fromisoformat(created[:10])
        hits.append(
            Hit(
                kind=source["kind"],
                kind_label=labels["kind"].get(source["kind"], source["kind"]),
                title_html=hit.title_html,
                snippet_html=hit.snippet_html,
                url=source["url"],
                created=created,
                created_display=date_format(moment, "DATE_FORMAT"),
                author=source.get("author") or "",
                sector=labels["sector"].get(source.get("sector") or "", ""),
                organisation=source.get("organisation") or "",
                territories=[labels["territories"].get(slug, slug) for slug in source.get("territories") or []],
                plan_title=source.get("plan_title") or "",
                consultation_title=source.get("consultation_title") or "",
                section=source.get("section") or "",
                response_status=labels["response_status"].get(source.get("response_status") or "", ""),
                context=source.get("context") or "",
                language=source.get("language", ""),
                language_name=_language_name(source.get("language", "")),
            )
        )
    return hits


def _facets(found: EngineResults, results: SearchResults, labels: dict[str, dict[str, str]]) -> list[Facet]:
    page_ids = {value for name in ("plan", "consultation") for value in found.facets.get(name, {})}
    page_ids |= {value for name in ("plan", "consultation") for value in results.filters.get(name, [])}
    language = get_language()
    titles = {}
    for pk, title, code in Page.objects.filter(pk__in=[int(pk) for pk in page_ids]).values_list(
        "pk", "title", "locale__language_code"
    ):
        titles[pk] = title if code == language else f"{title} ({_language_name(code)})"
    facet_titles = _facet_titles()
    facets = []
    for field_name, title in facet_titles.items():
        parameter = FIELDS[field_name]
        counts = found.facets.get(field_name, {})
        selected = results.filters.get(parameter, [])
        values = []
        for value in sorted(set(counts) | set(selected), key=lambda v: (-counts.get(v, 0), v)):
            if field_name in ("plan", "consultation"):
                label = titles.get(int(value), value)
            elif field_name == "year":
                label = value
            else:
                label = labels[field_name].get(value, value)
            toggled = [item for item in selected if item != value] if value in selected else [*selected, value]
            values.append(
                FacetValue(
                    value=value,
                    label=label,
                    count=counts.get(value, 0),
                    selected=value in selected,
                    url=results.url(**{parameter: toggled}),
                )
            )
        if field_name == "year":
            values.sort(key=lambda item: item.value, reverse=True)
        shown = [item for item in values if item.selected]
        shown += [item for item in values if not item.selected][: max(0, FACET_LIMIT - len(shown))]
        if shown:
            facets.append(Facet(name=parameter, title=title, values=shown))
    return facets


def _suggestion(engine, request: EngineQuery) -> str:
    try:
        corrections = engine.corrections(request.query)
        if not corrections:
            return ""
        proposal = request.query.replaced(corrections)
        trial = EngineQuery(
            query=parsing.parse(proposal),
            filters=request.filters,
            date_from=request.date_from,
            date_to=request.date_to,
            limit=1,
        )
        return proposal if engine.search(trial).total else ""
    except EngineUnavailable:
        return ""
