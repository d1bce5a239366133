"""WCAG 2.1 AA as axe-core checks it, on every public page type, in Spanish and English.

A serious or critical violation fails the test; the minor and moderate ones are printed
(run with ``-s`` to read them). The keyboard journey covers what axe-core cannot: that a
participant reaches the comment form with Tab, sees where the focus is, sends with Enter,
and hears about a mistake.
"""

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils import translation

from tests.browser.axe import audit, blocking, require_axe
from tests.browser.conftest import browser_unavailable
from tests.site import seed_demo

try:
    from playwright.async_api import expect
except ImportError:
    browser_unavailable("Playwright is not installed (pip install 'playwright>=1.50,<2')")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ("es", "en")
OPEN_SLUG = "presupuesto-participativo"  # translated into English in the demo
CLOSED_SLUG = "datos-abiertos-obras"  # closed, with government responses; Spanish only
MAX_TABS_TO_FORM = 60


def _seed_demo() -> dict:
    from consultations.models import ConsultationPage

    seed_demo()
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
    return urls


def _demo_participant():
    from accounts.models import Participant

    return Participant.objects.select_related("user").get(user__email="rosa@example.org")


@pytest.fixture
async def demo_urls():
    require_axe()
    return await database_sync_to_async(_seed_demo)()


@pytest.fixture
async def demo_participant(demo_urls):
    return await database_sync_to_async(_demo_participant)()


@pytest.fixture
def consultation_path(consultation) -> str:
    return consultation.url


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
]
PARTICIPANT_PAGES = ["consultation (open)", "profile"]


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
        page = await open_page(demo_urls[language][page_type], as_participant=demo_participant)
        if page_type == "consultation (open)":
            await expect(page.locator("textarea[name=comment]")).to_be_visible()
        await _assert_accessible(page, f"{language} {page_type} (participant)")


async def _focus_shows(page) -> bool:
    """Whether the focused element draws an outline or a focus ring (box-shadow)."""
    return await page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
            return outline || style.boxShadow !== 'none';
        }"""
    )


async def test_participant_comments_with_the_keyboard_alone(open_page, consultation_path, participant):
    page = await open_page(consultation_path, as_participant=participant)
    textarea = page.locator("textarea[name=comment]")
    for presses in range(1, MAX_TABS_TO_FORM + 1):
        await page.keyboard.press("Tab")
        assert await _focus_shows(page), f"Tab {presses}: the focused element shows no outline"
        if await textarea.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail(f"the comment field is not reached in {MAX_TABS_TO_FORM} presses of Tab")
    print(f"Tab presses to the comment field: {presses}")

    text = "Propongo que el presupuesto se publique también en quechua."
    await page.keyboard.type(text)
    button = page.get_by_role("button", name="Enviar aporte")
    while not await button.evaluate("element => element === document.activeElement"):
        await page.keyboard.press("Tab")
    assert await _focus_shows(page), "the focused send button shows no outline"
    await page.keyboard.press("Enter")
    await expect(page.locator("#aportes article.contribution").filter(has_text=text)).to_be_visible()


async def test_an_empty_contribution_is_announced(open_page, consultation_path, participant):
    page = await open_page(consultation_path, as_participant=participant)
    await page.get_by_role("button", name="Enviar aporte").click()

    textarea = page.locator("textarea[name=comment]")
    await expect(page.locator("#aportar [role=alert]")).to_be_visible()
    await expect(textarea).to_have_attribute("aria-invalid", "true")
    described_by = (await textarea.get_attribute("aria-describedby")).split()
    error = page.locator("#aportar .error")
    await expect(error).to_have_text("Este campo es requerido.")
    assert await error.get_attribute("id") in described_by
