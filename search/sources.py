"""Pages as a source of documents. Which page types are searchable, and what their
documents say, is registered by the apps that own them (``page_documents``); here is
what all pages share: only live pages without a view restriction on them or an
ancestor are found, and a page's change re-reads its descendants and whatever hangs
from them (a consultation's contributions carry its title, address and visibility)."""

from collections.abc import Callable, Iterator
from html import unescape as unescape_entities

from django.utils.html import strip_tags
from wagtail.models import Page, PageViewRestriction

from .documents import Document, Source, key, register, sources

PageBuilder = Callable[[list[Page]], dict[int, list[Document]]]
_builders: dict[type, PageBuilder] = {}


def page_documents(*models: type) -> Callable[[PageBuilder], PageBuilder]:
    """Decorator: ``builder(pages)`` returns the documents of these public pages."""

    def decorate(builder: PageBuilder) -> PageBuilder:
        for model in models:
            _builders[model] = builder
        return builder

    return decorate


def searchable_page_models() -> list[type]:
    return list(_builders)


def plain_text(html: str) -> str:
    """Text of a rich-text or sanitised HTML fragment, one space between blocks."""
    spaced = html.replace("</p>", "</p> ").replace("<br>", " ").replace("</li>", "</li> ")
    return " ".join(unescape_entities(strip_tags(spaced)).split())


def public_pages(pages: list[Page]) -> list[Page]:
    """The pages anyone may read: live, and not behind a view restriction."""
    live = [page for page in pages if page.live]
    if not live:
        return []
    restricted = list(PageViewRestriction.objects.values_list("page__path", flat=True))
    return [page for page in live if not any(page.path.startswith(path) for path in restricted)]


@register
class PageSource(Source):
    prefix = "page"

    def documents(self, pks: list[str]) -> dict[str, list[Document]]:
        ids = [int(pk) for pk in pks if pk.isdigit()]
        pages = [page for page in Page.objects.filter(pk__in=ids).specific() if type(page) in _builders]
        found: dict[str, list[Document]] = {}
        by_model: dict[type, list[Page]] = {}
        for page in public_pages(pages):
            by_model.setdefault(type(page), []).append(page)
        for model, group in by_model.items():
            for pk, documents in _builders[model](group).items():
                found[str(pk)] = documents
        return found

    def dependents(self, pks: list[str]) -> list[str]:
        ids = [int(pk) for pk in pks if pk.isdigit()]
        paths = list(Page.objects.filter(pk__in=ids).values_list("path", flat=True))
        if not paths:
            return []
        descendants = Page.objects.none()
        for path in paths:
            descendants |= Page.objects.filter(path__startswith=path)
        page_ids = list(descendants.values_list("pk", flat=True))
        found = [key(self.prefix, pk) for pk in page_ids if str(pk) not in pks]
        for source in sources().values():
            hanging = getattr(source, "keys_for_pages", None)
            if hanging is not None:
                found += hanging(page_ids + ids)
        return found

    def all_pks(self) -> Iterator[str]:
        models = searchable_page_models()
        if not models:
            return iter(())
        queryset = Page.objects.type(*models).filter(live=True).values_list("pk", flat=True).order_by("pk")
        return (str(pk) for pk in queryset.iterator(chunk_size=2000))
