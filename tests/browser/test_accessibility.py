"""WCAG 2.1 AA as axe-core checks it, on every public page type, in Spanish and English.

A serious or critical violation fails the test; the minor and moderate ones are printed
(run with ``-s`` to read them). test_keyboard.py covers what axe-core cannot.
"""

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils import translation

from tests.browser.axe import audit, blocking, require_axe
from tests.browser.conftest import browser_unavailable

try:
    from playwright.async_api import expect
except ImportError:
    browser_unavailable("Playwright is not installed (pip install 'playwright>=1.50,<2')")

# Read-only: the demo site is seeded once for the module (shared_demo), nothing is rolled back.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("shared_demo")]

LANGUAGES = ("es", "en")
OPEN_SLUG = "presupuesto-participativo"  # translated into English in the demo
CLOSED_SLUG = "datos-abiertos-obras"  # closed, with government responses; Spanish only


def _demo_urls() -> dict:
    from consultations.models import ConsultationPage

    urls = {}
    for language in LANGUAGES:
        opened = ConsultationPage.objects.live().get(slug=OPEN_SLUG, locale__language_code=language)
        plan = opened.get_parent()
        urls[language] = {
            "home": f"/{language}/",
            "plan index": plan.get_parent().url,
            "plan": plan.url,
            "consultation (open)": opened.url,
            "statistics": f"{opened.url}statistics/",
        }
        with translation.override(language):
            urls[language] |= {
                "login": reverse("accounts:login"),
                "registration": reverse("accounts:register"),
                "profile": reverse("accounts:profile"),
                "search": f"{reverse('search:page')}?q=presupuesto",
                "search, nothing found": f"{reverse('search:page')}?q=presupeustoo+xqzw",
            }
    from forum.models import ForumMeetingPage, ForumPage, Topic

    forum = ForumPage.objects.get(slug="foro")
    urls["es"] |= {  # the demo forum is in Spanish only
        "forum": forum.url,
        "forum topic": Topic.objects.filter(forum=forum, reply_count__gt=0).first().url,
        "forum about": f"{forum.url}acerca/",
        "forum meeting": ForumMeetingPage.objects.child_of(forum).first().url,
    }
    closed = ConsultationPage.objects.live().get(slug=CLOSED_SLUG)
    urls["es"]["consultation (closed)"] = closed.url
    urls["es"]["statistics (closed)"] = f"{closed.url}statistics/"
    from hearings.models import HearingIndexPage, HearingPage

    past, upcoming = HearingPage.objects.live().order_by("starts_at")
    urls["es"] |= {  # the demo hearings are in Spanish only
        "hearings": HearingIndexPage.objects.live().get().url,
        "hearing (held)": past.url,
        "hearing (upcoming)": upcoming.url,
        "hearing statistics": f"{past.url}statistics/",
        "hearing projection": f"{upcoming.url}proyeccion/",
        "hearing text only": f"{past.url}texto/",
    }
    return urls


def _demo_participant():
    from accounts.models import Participant

    return Participant.objects.select_related("user").get(user__email="rosa@example.org")


@pytest.fixture
async def demo_urls():
    require_axe()
    return await database_sync_to_async(_demo_urls)()


@pytest.fixture
async def demo_participant(demo_urls):
    return await database_sync_to_async(_demo_participant)()


async def _assert_accessible(page, label: str) -> None:
    violations = await audit(page)
    print(f"axe {label}: {len(violations)} WCAG 2.1 A/AA violation(s)")
    for violation in violations:
        print(f"axe {label}: {violation}")
    serious = blocking(violations)
    assert not serious, f"{label}: " + "; ".join(map(str, serious))


ANONYMOUS_PAGES = [
    "home",
    "plan index",
    "plan",
    "consultation (open)",
    "consultation (closed)",
    "statistics",
    "statistics (closed)",
    "login",
    "registration",
    "search",
    "search, nothing found",
    "forum",
    "forum topic",
    "forum about",
    "forum meeting",
    "hearings",
    "hearing (held)",
    "hearing (upcoming)",
    "hearing statistics",
    "hearing projection",
    "hearing text only",
]
PARTICIPANT_PAGES = ["consultation (open)", "profile", "hearing (upcoming)"]


@pytest.mark.parametrize("page_type", ANONYMOUS_PAGES)
async def test_public_page_has_no_serious_accessibility_violation(open_page, demo_urls, page_type):
    for language in LANGUAGES:
        path = demo_urls[language].get(page_type)
        if path is None:  # the closed consultation has no English translation in the demo
            continue
        page = await open_page(path)
        await _assert_accessible(page, f"{language} {page_type} (anonymous)")


@pytest.mark.parametrize("page_type", PARTICIPANT_PAGES)
async def test_page_for_a_participant_has_no_serious_accessibility_violation(
    open_page, demo_urls, demo_participant, page_type
):
    for language in LANGUAGES:
        path = demo_urls[language].get(page_type)
        if path is None:  # the demo hearings have no English translation
            continue
        page = await open_page(path, as_participant=demo_participant)
        if page_type == "consultation (open)":
            await expect(page.locator("textarea[name=comment]")).to_be_visible()
        await _assert_accessible(page, f"{language} {page_type} (participant)")
