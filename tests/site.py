"""The site's skeleton for tests: a home page at the default site's root, in Spanish and
English, and the demonstration content through its management command (tests never
import the demo builders)."""

import io

from django.core.management import call_command
from wagtail.models import Locale, Page, Site

from cocrea.models import HomePage


def home_page() -> HomePage:
    """The default site's home page (Spanish), made once per database."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    home = HomePage(title="Gobierno Regional de Cajamarca", slug="inicio", locale=Locale.get_default())
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    else:
        welcome, site.root_page = site.root_page, home
        site.save()
        welcome.delete()  # Wagtail's "Welcome to your new Wagtail site!" page
    return home


def english_home(home: HomePage) -> HomePage:
    """The home page's English translation, published."""
    english = Locale.objects.get(language_code="en")
    existing = home.get_translation_or_none(english)
    if existing is not None:
        return existing.specific
    translated = home.copy_for_translation(english)
    translated.title, translated.slug = "Regional Government of Cajamarca", "home"
    translated.save_revision().publish()
    translated.refresh_from_db()  # publishing recomputed its url_path from the new slug
    return translated


def seed_demo() -> str:
    """``manage.py seed_demo``, as an operator runs it, then ``search_reindex``: the search
    engine outlives each test's database (an OpenSearch index is not rolled back), so without a
    new index a crawl of the demo would follow hits to pages earlier tests made. What
    ``seed_demo`` printed."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("search_reindex", stdout=io.StringIO())
    return out.getvalue()
