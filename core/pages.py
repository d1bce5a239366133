"""Wagtail pages: who may read one (one rule for every path that shows or sends its
content), which of them a reader gets in their language, and what a draft lacks before
it can be published."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.text import capfirst
from wagtail.models import Locale, Page


@dataclass(frozen=True)
class _Visitor:
    """What Wagtail's view restrictions look at in a request: the user and the session."""

    user: object
    session: dict


def page_visible_to(page, user=None, session=None) -> bool:
    """Live, and every view restriction on it or an ancestor passed by this user.

    A password restriction counts as passed only with the session that entered the
    password: mail, search and other paths without one treat it as closed.
    """
    if page is None or not page.live:
        return False
    restrictions = page.get_view_restrictions()
    if not restrictions:
        return True
    visitor = _Visitor(user=user if user is not None else AnonymousUser(), session=session or {})
    return all(restriction.accept_request(visitor) for restriction in restrictions)


def unfinished_fields(page) -> list[str]:
    """The labels of the fields a page cannot be sent to review or published without."""
    try:
        page.full_clean()
    except ValidationError as error:
        return [_label(page, name) for name in error.message_dict if name != NON_FIELD_ERRORS]
    return []


def _label(page, name: str) -> str:
    try:
        return capfirst(str(page._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name


# --- pages in the reader's language -----------------------------------------------------------
# Spanish is the site's first language; English pages exist where editors translated them.
# A reader of /en/ gets each page's English translation where there is one, and otherwise the
# Spanish page under /en/, with the interface in English (the English home page routes what
# its tree lacks through the Spanish one: cocrea.models.HomePage.route).


def reading_language(request) -> str | None:
    """The language the public site is being read in for ``request`` (the active language
    of a path under /es/ or /en/), or None (the admin, the API, mail: no request)."""
    path = getattr(request, "path_info", "") if request is not None else ""
    if not path or translation.get_language_from_path(path) is None:
        return None
    language = translation.get_language()
    return language if language in dict(settings.LANGUAGES) else None


def original_of(page):
    """The page in the default language (a translation's original), or the page itself."""
    default = Locale.get_default()
    if page.locale_id == default.pk:
        return page
    return page.get_translation_or_none(default) or page


def _remembered(request, name: str) -> dict:
    """A dictionary kept on the request: what one page view asks many times, asked once."""
    return request.__dict__.setdefault(f"_cocrea_{name}", {})


def locale_id_for(language: str, request) -> int | None:
    """The primary key of ``language``'s Locale, asked once per request."""
    remembered = _remembered(request, "locales")
    if language not in remembered:
        remembered[language] = Locale.objects.filter(language_code=language).values_list("pk", flat=True).first()
    return remembered[language]


def _live_translation(page, language: str, request):
    """``page``'s live translation into ``language``, or None; asked once per request."""
    remembered = _remembered(request, "translations")
    key = (page.translation_key, language)
    if key not in remembered:
        remembered[key] = (
            Page.objects.live()
            .filter(translation_key=page.translation_key, locale__language_code=language)
            .exclude(pk=page.pk)
            .first()
        )
    return remembered[key]


def with_language(path: str, language: str) -> str:
    """``path`` under ``language``'s prefix: Wagtail put the page's own language first,
    "/es/foro/" becomes "/en/foro/". A path without a language prefix is left alone."""
    own_language, _, rest = path.lstrip("/").partition("/")
    if own_language in dict(settings.LANGUAGES) and own_language != language:
        return f"/{language}/{rest}"
    return path


class ReadersLanguageMixin:
    """For every page model, before ``Page``: a page linked while the site is read in
    another language leads to its version in that language — its translation, or until
    there is one, itself under that language's prefix (``/en/foro/``), which the English
    home page serves from the Spanish tree. Outside the public site (admin, API, mail,
    search documents: no such request) its URL is its own."""

    def get_url_parts(self, request=None):
        language = reading_language(request)
        if language is None or self.locale_id == locale_id_for(language, request):
            return super().get_url_parts(request)
        translated = _live_translation(self, language, request)
        if translated is not None:
            return translated.get_url_parts(request)
        parts = super().get_url_parts(request)
        if parts is None or parts[2] is None:
            return parts
        site_id, root_url, path = parts
        return site_id, root_url, with_language(path, language)


def in_language(pages, locale) -> list:
    """``pages`` (of several languages) with one per translation: the one in ``locale``
    where it exists, else the original. Keeps the order they came in."""
    chosen: dict = {}
    for page in pages:
        if page.translation_key not in chosen or page.locale_id == locale.pk:
            chosen[page.translation_key] = page
    return list(chosen.values())


def children_in_language(page, pages, *, descendants: bool = False) -> list:
    """Of ``pages`` (a queryset, filtered and ordered as the caller needs), the children of
    ``page`` and of its original (default language) — or all their ``descendants`` — one
    per translation: in ``page``'s language where it has one. An English plan lists its
    English consultations and the Spanish ones not translated yet."""
    original = original_of(page)
    below = [page] if original.pk == page.pk else [page, original]
    condition = Q()
    for parent in below:
        depth = {"depth__gt": parent.depth} if descendants else {"depth": parent.depth + 1}
        condition |= Q(path__startswith=parent.path, **depth)
    return in_language(pages.filter(condition), page.locale)
