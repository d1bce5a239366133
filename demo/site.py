"""Demo content for the site itself: identity, home page in both languages, admin user.

Every step is idempotent: running ``seed_demo`` again finds what exists and leaves it.
"""

import os
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from wagtail.models import Locale, Page, Site

from cocrea.models import HomePage, SiteIdentity

ORGANISATION = "Gobierno Regional de Cajamarca"
HOME_ES = {
    "title": "Gobierno Regional de Cajamarca",
    "intro": (
        "<p>Bienvenida y bienvenido al espacio de co-creación del <b>Plan de Acción de Gobierno "
        "Abierto</b> de la región Cajamarca. Lea los borradores de compromisos, comente cada "
        "sección y conozca la respuesta razonada del Gobierno Regional a cada aporte.</p>"
    ),
}
HOME_EN = {
    "title": "Regional Government of Cajamarca",
    "slug": "home",
    "intro": (
        "<p>Welcome to the co-creation space of the Cajamarca region's <b>Open Government "
        "Action Plan</b>. Read the draft commitments, comment on each section and see the "
        "Regional Government's reasoned response to every contribution.</p>"
    ),
}
ADMIN_USERNAME = "admin"


@dataclass
class AdminLogin:
    username: str
    password: str | None  # None when the account already existed: its password is not known


def ensure_home_page() -> HomePage:
    """Make a HomePage the root of the default site, replacing Wagtail's welcome page."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site and isinstance(site.root_page.specific, HomePage):
        home = site.root_page.specific
    else:
        root = Page.get_first_root_node()
        home = HomePage(title=HOME_ES["title"], slug="inicio", intro=HOME_ES["intro"], locale=Locale.get_default())
        root.add_child(instance=home)
        home.save_revision().publish()
        old_root = site.root_page if site else None
        if site:
            site.root_page = home
            site.save()
        else:
            site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
        if (
            old_root is not None
            and old_root.pk != home.pk
            and old_root.depth == 2
            and not old_root.get_children().exists()
        ):
            old_root.delete()
    return home


def ensure_translation(page: Page, language_code: str, fields: dict[str, str]) -> Page:
    """Publish a translation of ``page`` with ``fields`` set, unless one exists already.

    Untranslated parents become aliases of the originals until an editor translates them.
    """
    locale = Locale.objects.get(language_code=language_code)
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translated = page.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    return translated


def ensure_admin() -> AdminLogin:
    User = get_user_model()
    if User.objects.filter(username=ADMIN_USERNAME).exists():
        return AdminLogin(ADMIN_USERNAME, None)
    password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
    User.objects.create_superuser(ADMIN_USERNAME, "admin@example.org", password, first_name="Admin")
    return AdminLogin(ADMIN_USERNAME, password)


def ensure_identity() -> None:
    site = Site.objects.get(is_default_site=True)
    identity = SiteIdentity.for_site(site)
    identity.organisation_name = ORGANISATION
    identity.contact_email = identity.contact_email or "gobiernoabierto@example.org"
    identity.is_demo = True
    identity.save()
