"""Every public page of the demo, in Spanish and in English, as a phone shows it: found
by following links from each home page; none is a 404, none scrolls sideways at 360 px,
each has a meta description (but a page's alternative views, which say ``noindex``), and
the language switch on each leads to a page (their validity as HTML5 is checked on the
same pages by ``tests/cocrea/test_public_pages.py``). The first consultation shows on the home page without
scrolling, and a reply or a report opens in place."""

from collections import deque
from urllib.parse import urlsplit

import pytest
from channels.db import database_sync_to_async

from tests.browser.conftest import browser_unavailable
from tests.site import seed_demo

try:
    from playwright.async_api import expect
except ImportError:
    browser_unavailable("Playwright is not installed (pip install 'playwright>=1.50,<2')")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}
LANGUAGES = ("es", "en")
FILES = (".csv", ".json", ".rss", ".atom", ".ics", ".xml", ".txt", ".pb")
MAX_PAGES = 150  # per language; the demo has some 45


@pytest.fixture
async def demo():
    await database_sync_to_async(seed_demo)()


async def _crawl(context, language: str) -> dict[str, dict]:
    page = await context.new_page()
    found, queue = {}, deque([f"/{language}/"])
    while queue and len(found) < MAX_PAGES:
        path = queue.popleft()
        if path in found:
            continue
        response = await page.goto(path, wait_until="load")
        found[path] = {
            "status": response.status,
            "html": await response.text(),
            "scroll_width": await page.evaluate("document.documentElement.scrollWidth"),
            "description": await page.evaluate("document.querySelector('meta[name=description]')?.content"),
            "noindex": await page.evaluate("/noindex/.test(document.querySelector('meta[name=robots]')?.content)"),
            "switch": await page.locator(".language-switcher a").evaluate_all("links => links.map(a => a.href)"),
        }
        hrefs = await page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        for href in hrefs:
            target = urlsplit(href)
            if not target.netloc and target.path.startswith(f"/{language}/") and not target.path.endswith(FILES):
                queue.append(target.path)
    await page.close()
    return found


async def test_every_public_page_in_both_languages_reads_well_on_a_phone(browser, live_url, demo):
    context = await browser.new_context(base_url=live_url, locale="es-PE", viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        pages = {language: await _crawl(context, language) for language in LANGUAGES}
        problems = []
        for language, found in pages.items():
            assert len(found) > 30, f"only {len(found)} pages found in {language}"
            for path, seen in found.items():
                if seen["status"] != 200:
                    problems.append(f"{path}: {seen['status']}")
                if seen["scroll_width"] > PHONE["width"]:
                    problems.append(f"{path}: {seen['scroll_width']} px wide at {PHONE['width']} px")
                if not seen["noindex"] and not (seen["description"] or "").strip():
                    problems.append(f"{path}: no meta description")
        targets = {url for found in pages.values() for seen in found.values() for url in seen["switch"]}
        for url in sorted(targets):
            status = (await context.request.get(url)).status
            if status != 200:
                problems.append(f"language switch to {url}: {status}")
        assert not problems, "\n".join(problems)
        print(f"crawl: {sum(len(found) for found in pages.values())} pages, {len(targets)} language switches checked")
    finally:
        await context.close()


async def test_the_first_consultation_shows_on_a_phone_without_scrolling(browser, live_url, demo):
    context = await browser.new_context(base_url=live_url, locale="es-PE", viewport=PHONE)
    try:
        page = await context.new_page()
        await page.goto("/es/")
        header = await page.locator(".site-header").bounding_box()
        first_card = await page.locator(".card__title").first.bounding_box()
        bottom = header["y"] + header["height"]
        print(f"header at 360 px ends at {bottom:.0f} px; the first consultation's title at {first_card['y']:.0f} px")
        assert first_card["y"] + first_card["height"] <= PHONE["height"]
        await page.get_by_role("link", name="Buscar").first.click()  # opens the search box in place
        await expect(page.locator("#site-search-q")).to_be_focused()
    finally:
        await context.close()


async def test_a_report_opens_in_place_and_is_sent_from_there(open_page, consultation, participant, other):
    from discussions import services

    contribution = await database_sync_to_async(services.contribution_create)(
        target=consultation, author=other.user, text="Un aporte que alguien reporta.", check_rules=False
    )
    page = await open_page(consultation.url, as_participant=participant)
    article = page.locator(f"#c{contribution.pk}")

    await article.get_by_role("link", name="Reportar").click()

    in_place = article.locator(":scope > .inplace")
    await expect(in_place.locator("input[name=reason]").first).to_be_focused()
    assert "/reportar/" not in page.url
    await in_place.locator("input[name=reason]").first.check()
    await in_place.get_by_role("button", name="Enviar reporte").click()
    await expect(page.locator(".messages")).to_be_visible()
    await contribution.arefresh_from_db()
    assert contribution.flag_count == 1
