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
from functools import cached_property
from urllib.parse import urlencode

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import get_language, get_language_info, ngettext
from django.utils.translation import gettext as _

from . import facets as registry
from . import parsing
from .engines import EngineUnavailable, database_engine, get_engine
from .engines.base import MAX_RESULT_WINDOW, SORTS, EngineQuery, EngineResults
from .sources import translated_pages

logger = logging.getLogger(__name__)

PER_PAGE = 20
#: Values shown per facet (the selected ones are always shown too).
FACET_LIMIT = 12


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
        encoded = self._encoded | {name: _encoded(name, value) for name, value in changes.items()}
        pairs = "&".join(part for part in encoded.values() if part)
        return f"?{pairs}"

    @cached_property
    def _encoded(self) -> dict[str, str]:
        """Each parameter of these results, encoded once: a page of results makes some
        hundred links that differ in one parameter each."""
        params = {"q": self.text, "sort": self.sort if self.sort != default_sort(self.query) else ""}
        params |= dict(self.filters)
        params["from"] = self.date_from.isoformat() if self.date_from else ""
        params["to"] = self.date_to.isoformat() if self.date_to else ""
        params["page"] = ""
        return {name: _encoded(name, value) for name, value in params.items()}

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


def _encoded(name: str, value) -> str:
    items = value if isinstance(value, list) else [value]
    return urlencode([(name, item) for item in items if item not in ("", None)])


def default_sort(query: parsing.ParsedQuery) -> str:
    return "newest" if query.is_empty else "relevance"


class _Labels:
    """Labels of facet values in the reader's language, asked of each facet once."""

    def __init__(self):
        self.known: dict[str, dict[str, str]] = {}

    def get(self, field_name: str, values: list[str]) -> dict[str, str]:
        facet = registry.get(field_name)
        known = self.known.setdefault(field_name, {})
        wanted = [value for value in dict.fromkeys(values) if value not in known]
        if facet is not None and wanted:
            known.update(facet.labels(wanted))
        return {value: known.get(value, value) for value in values}

    def one(self, field_name: str, value: str) -> str:
        return self.get(field_name, [value])[value] if value else ""

    def prefetch(self, wanted: dict[str, set[str]]) -> None:
        """Ask each labeller once for the values of every facet it labels (the plan and
        consultation facets share one: a single query)."""
        by_labeller: dict = {}
        for field_name, values in wanted.items():
            facet = registry.get(field_name)
            if facet is not None and values:
                by_labeller.setdefault(facet.labels, []).append((field_name, values))
        for labeller, fields in by_labeller.items():
            found = labeller(sorted(set().union(*(values for _, values in fields))))
            for field_name, values in fields:
                # A value its labeller does not know is shown as it is, and not asked again.
                self.known.setdefault(field_name, {}).update({value: found.get(value, value) for value in values})


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
    filters: dict[str, list[str]] = {}
    ignored = 0
    for facet in registry.registered():
        values = [value.strip() for value in get_list(facet.parameter) if value and value.strip()][:20]
        valid = facet.valid(list(dict.fromkeys(values)))
        ignored += len(values) - len(valid)
        if valid:
            filters[facet.parameter] = valid
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

    by_parameter = {facet.parameter: facet.field for facet in registry.registered()}
    request = EngineQuery(
        query=query,
        filters={by_parameter[parameter]: values for parameter, values in filters.items()},
        language=get_language() or "",
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
    labels = _Labels()
    labels.prefetch(_wanted_labels(found, results))
    results.hits = _hits(found, labels, request.language)
    results.facets = _facets(found, results, labels)
    if not found.total and not query.is_empty:
        results.suggestion = _suggestion(engine, request)
    return results


def _language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


#: Fields of a hit shown with their facet's label.
LABELLED_HIT_FIELDS = ("kind", "sector", "territories", "response_status", "plan")


def _wanted_labels(found: EngineResults, results: SearchResults) -> dict[str, set[str]]:
    """Every value the hits and the facets will show, by field."""
    wanted: dict[str, set[str]] = {}
    for hit in found.hits:
        for field_name in LABELLED_HIT_FIELDS:
            wanted.setdefault(field_name, set()).update(str(value) for value in _listed(hit.document.get(field_name)))
    for facet in registry.registered():
        wanted.setdefault(facet.field, set()).update(_shown_values(facet, found, results))
    return wanted


def _shown_values(facet: registry.Facet, found: EngineResults, results: SearchResults) -> list[str]:
    """The values a facet shows, in order: the selected ones, then the most frequent
    (or, for years, the latest) up to ``FACET_LIMIT``."""
    counts = found.facets.get(facet.field, {})
    selected = results.filters.get(facet.parameter, [])
    values = sorted(set(counts) | set(selected), key=lambda v: (-counts.get(v, 0), v))
    if facet.newest_first:
        values.sort(reverse=True)
    others = [value for value in values if value not in selected]
    shown = set(selected) | set(others[: max(0, FACET_LIMIT - len(selected))])
    return [value for value in values if value in shown]


def _hits(found: EngineResults, labels: _Labels, language: str) -> list[Hit]:
    sources = [hit.document for hit in found.hits]
    # A contribution lives on its page's original; the reader goes to their language's version.
    elsewhere = {source.get("consultation") for source in sources if source.get("language") != language}
    versions = translated_pages([pk for pk in elsewhere if pk], language) if language else {}
    hits = []
    for hit, source in zip(found.hits, sources, strict=True):
        created = source["created"]
        moment = date.fromisoformat(created[:10])
        title_html, url, consultation_title = hit.title_html, source["url"], source.get("consultation_title") or ""
        version = versions.get(source.get("consultation"))
        if version is not None:
            _, anchor, fragment = url.partition("#")
            title_html, url, consultation_title = escape(version.title), version.url + anchor + fragment, version.title
            source = {**source, "language": language}
        hits.append(
            Hit(
                kind=source["kind"],
                kind_label=labels.one("kind", source["kind"]),
                title_html=title_html,
                snippet_html=hit.snippet_html,
                url=url,
                created=created,
                created_display=date_format(moment, "DATE_FORMAT"),
                author=source.get("author") or "",
                sector=labels.one("sector", source.get("sector") or ""),
                organisation=source.get("organisation") or "",
                territories=list(labels.get("territories", source.get("territories") or []).values()),
                plan_title=labels.one("plan", str(source.get("plan") or "")) or source.get("plan_title") or "",
                consultation_title=consultation_title,
                section=source.get("section") or "",
                response_status=labels.one("response_status", source.get("response_status") or ""),
                context=source.get("context") or "",
                language=source.get("language", ""),
                language_name=_language_name(source.get("language", "")),
            )
        )
    return hits


def _listed(value) -> list:
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


def _facets(found: EngineResults, results: SearchResults, labels: _Labels) -> list[Facet]:
    shown_facets = []
    for facet in registry.registered():
        counts = found.facets.get(facet.field, {})
        selected = results.filters.get(facet.parameter, [])
        values = _shown_values(facet, found, results)
        named = labels.get(facet.field, values)
        items = []
        for value in values:
            toggled = [item for item in selected if item != value] if value in selected else [*selected, value]
            items.append(
                FacetValue(
                    value=value,
                    label=named[value],
                    count=counts.get(value, 0),
                    selected=value in selected,
                    url=results.url(**{facet.parameter: toggled}),
                )
            )
        shown = [item for item in items if item.selected] + [item for item in items if not item.selected]
        if shown:
            shown_facets.append(Facet(name=facet.parameter, title=str(facet.title), values=shown))
    return shown_facets


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
