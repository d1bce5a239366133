"""Pages as a source of documents. Which page types are searchable, and what their
documents say, is registered by the apps that own them (``page_documents``); here is
what all pages share: only live pages without a view restriction on them or an
ancestor are found, and a page's change re-reads its descendants and whatever hangs
from them (a consultation's contributions carry its title, address and visibility).

A page and its translations (pages sharing a ``translation_key``) are one page to a
reader: each version is shown to the readers of its language, and the original (the
default locale's) to readers of a language it has no version in, so nobody finds it
twice. Filters and facets name such a page by its original's id (``original_ids``) and
label it in the reader's language (``page_titles``). Aliases — the same page shown in
another locale's tree — are not versions of their own and are not indexed.
"""

from collections.abc import Callable, Iterator
from html import unescape as unescape_entities

from django.conf import settings
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.translation import get_language
from wagtail.models import Locale, Page, PageViewRestriction

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


def _versions(pages: list[Page]) -> dict:
    """The public versions of these pages' translation groups, by translation key."""
    keys = {page.translation_key for page in pages}
    versions = Page.objects.filter(translation_key__in=keys, alias_of__isnull=True).select_related("locale")
    found: dict = {}
    for version in public_pages(list(versions.order_by("pk"))):
        found.setdefault(version.translation_key, []).append(version)
    return found


def original_ids(pages: list[Page]) -> dict[int, int]:
    """Each page's original: its version in the default locale, or itself."""
    default = Locale.get_default().pk
    keys = {page.translation_key for page in pages}
    originals = dict(
        Page.objects.filter(translation_key__in=keys, locale_id=default, alias_of__isnull=True).values_list(
            "translation_key", "pk"
        )
    )
    return {page.pk: originals.get(page.translation_key, page.pk) for page in pages}


def reader_languages(pages: list[Page]) -> dict[int, list[str]]:
    """The languages whose readers each page is shown to: its own, and for the version
    that stands in for the others (the original, while public), every language the page
    has no public version in."""
    languages = [code for code, _name in settings.LANGUAGES]
    default = Locale.get_default().pk
    readers = {}
    for versions in _versions(pages).values():
        present = {version.locale.language_code for version in versions}
        stand_in = next((version for version in versions if version.locale_id == default), versions[0])
        for version in versions:
            shown = {version.locale.language_code}
            if version.pk == stand_in.pk:
                shown |= set(languages) - present
            readers[version.pk] = sorted(shown)
    return readers


def page_titles(ids: list[str]) -> dict[str, str]:
    """Labels of pages named by their original's id: the title of the version in the
    active language, or the original's (one query for both)."""
    pks = [int(value) for value in ids if page_id_valid(value)]
    keys = Page.objects.filter(pk__in=pks).values("translation_key")
    rows = Page.objects.filter(
        Q(pk__in=pks)
        | Q(translation_key__in=keys, locale__language_code=get_language(), alias_of__isnull=True, live=True)
    ).values_list("pk", "translation_key", "title", "locale__language_code")
    translated = {key: title for _pk, key, title, language in rows if language == get_language()}
    return {str(pk): translated.get(key, title) for pk, key, title, _language in rows if pk in pks}


def translated_pages(ids: list[int], language: str) -> dict[int, Page]:
    """The live version in ``language`` of each page named by its original's id, where
    there is one."""
    keys = dict(Page.objects.filter(pk__in=ids).values_list("translation_key", "pk"))
    versions = Page.objects.filter(
        translation_key__in=keys, locale__language_code=language, alias_of__isnull=True, live=True
    )
    return {keys[version.translation_key]: version for version in public_pages(list(versions))}


def page_id_valid(value: str) -> bool:
    return value.isdigit() and len(value) < 19


@register
class PageSource(Source):
    prefix = "page"

    def documents(self, pks: list[str]) -> dict[str, list[Document]]:
        ids = [int(pk) for pk in pks if pk.isdigit()]
        pages = Page.objects.filter(pk__in=ids, alias_of__isnull=True).specific()
        pages = public_pages([page for page in pages if type(page) in _builders])
        readers = reader_languages(pages)
        found: dict[str, list[Document]] = {}
        by_model: dict[type, list[Page]] = {}
        for page in pages:
            by_model.setdefault(type(page), []).append(page)
        for model, group in by_model.items():
            for pk, documents in _builders[model](group).items():
                for document in documents:
                    document.readers = document.readers or readers.get(pk, [])
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
        # Versions of a page share out its readers: a new or withdrawn one changes the others.
        keys = Page.objects.filter(pk__in=ids).values("translation_key")
        page_ids += list(Page.objects.filter(translation_key__in=keys).values_list("pk", flat=True))
        found = [key(self.prefix, pk) for pk in dict.fromkeys(page_ids) if str(pk) not in pks]
        for source in sources().values():
            hanging = getattr(source, "keys_for_pages", None)
            if hanging is not None:
                found += hanging(page_ids + ids)
        return found

    def all_pks(self) -> Iterator[str]:
        models = searchable_page_models()
        if not models:
            return iter(())
        queryset = Page.objects.type(*models).filter(live=True, alias_of__isnull=True)
        queryset = queryset.values_list("pk", flat=True).order_by("pk")
        return (str(pk) for pk in queryset.iterator(chunk_size=2000))
