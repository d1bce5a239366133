"""Every public page of the demonstration site, in Spanish and in English: found by
following links from each home page, as a reader would. Each answers, has its counterpart
in the other language (the language switch never leads to a 404), describes itself for
search engines and shared links, and is valid HTML5 (the W3C's Nu Html Checker)."""

from collections import deque
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.conftest import restore_initial_data
from tests.html5 import html_errors, require_validator
from tests.site import seed_demo

LANGUAGES = [code for code, _name in settings.LANGUAGES]
FILES = (".csv", ".json", ".rss", ".atom", ".ics", ".xml", ".txt", ".pb")
MAX_PAGES = 150  # per language; the demo has some 45


def _is_page(path: str, language: str) -> bool:
    return path.startswith(f"/{language}/") and not path.endswith(FILES)


@dataclass
class Page:
    html: str
    soup: BeautifulSoup


def crawl(client: Client, language: str) -> dict[str, Page]:
    """Every page reachable from ``/<language>/`` by its links (query strings aside: the
    orderings, filters and pages of one page are that page)."""
    pages, queue = {}, deque([f"/{language}/"])
    with translation.override(language):
        login_path = reverse("accounts:login")
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft()
        if path in pages:
            continue
        response = client.get(path)
        if response.status_code == 302 and urlsplit(response["Location"]).path == login_path:
            continue  # a form for signed-in participants (registering, proposing): the login asks first
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        html = response.content.decode()
        pages[path] = Page(html, BeautifulSoup(html, "html.parser"))
        for link in pages[path].soup.select("a[href]"):
            target = urlsplit(link["href"])
            if target.netloc or not _is_page(target.path, language):
                continue
            if target.path not in pages:
                queue.append(target.path)
    return pages


@dataclass
class Site:
    pages: dict[str, dict[str, Page]]  # language → path → page
    switches: list[tuple[str, str, int]]  # (page, where its language link leads, status)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The demo, seeded and read once for the module, and rolled back after it."""
    with django_db_blocker.unblock():
        restore_initial_data()  # the transactional tests that ran before left it empty
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        client = Client()
        pages = {language: crawl(client, language) for language in LANGUAGES}
        switches = [
            (path, link["href"], client.get(link["href"]).status_code)
            for by_path in pages.values()
            for path, page in by_path.items()
            for link in page.soup.select(".language-switcher a[href]")
        ]
        yield Site(pages, switches)
        transaction.set_rollback(True)


def test_every_page_reaches_the_forum_plans_and_consultations_in_both_languages(site):
    for language, pages in site.pages.items():
        found = " ".join(pages)
        assert "/foro/tema/" in found, f"no forum topic reachable in {language}"
        assert "/statistics/" in found, f"no statistics reachable in {language}"
        assert len(pages) > 30, f"only {len(pages)} pages in {language}"


def _indexed(page: Page) -> bool:
    """Not one of a page's alternative views (a hearing's projection and text-only views),
    which say ``noindex`` and name the page itself as canonical."""
    robots = page.soup.select_one("meta[name=robots]")
    return robots is None or "noindex" not in robots.get("content", "")


def test_the_language_switch_leads_to_a_page_on_every_page(site):
    assert len(site.switches) >= sum(1 for pages in site.pages.values() for page in pages.values() if _indexed(page))
    broken = [f"{path} → {target}: {status}" for path, target, status in site.switches if status != 200]
    assert not broken, "\n".join(broken)


def test_the_english_site_stays_in_english(site):
    for path, page in site.pages["en"].items():
        assert page.soup.html["lang"] == "en", path
        # Search hits carry the address of the document they found (search's own rule).
        for link in page.soup.select("main a[href^='/es/']:not(.hits a)"):
            pytest.fail(f"{path} links to the Spanish site: {link['href']}")


def test_a_page_not_translated_yet_says_its_text_is_in_spanish(site):
    forum = site.pages["en"]["/en/foro/"].soup
    notice = forum.select_one("main .notice--language")
    assert notice is not None and "Spanish" in notice.get_text()
    assert forum.select_one("h1").get_text(strip=True)  # the Spanish forum, in the English interface
    assert site.pages["es"]["/es/foro/"].soup.select_one("main .notice--language") is None


def test_every_page_describes_itself_for_search_engines_and_shared_links(site):
    for pages in site.pages.values():
        for path, page in pages.items():
            if not _indexed(page):
                canonical = page.soup.select_one("link[rel=canonical]")
                assert canonical is not None and canonical["href"].startswith(("http://", "https://")), path
                continue
            soup = page.soup
            description = soup.select_one("meta[name=description]")
            assert description is not None and len(description["content"].strip()) > 20, path
            for prop in ("og:title", "og:description", "og:image", "og:url"):
                tag = soup.select_one(f"meta[property='{prop}']")
                assert tag is not None and tag["content"].strip(), f"{path}: {prop}"
            assert soup.select_one("meta[property='og:image']")["content"].startswith(("http://", "https://")), path
            assert soup.select_one("link[rel=alternate][type='application/rss+xml']") is not None, path


def test_every_page_is_valid_html5(site):
    require_validator()
    documents = {path: page.html for pages in site.pages.values() for path, page in pages.items()}
    errors = html_errors(documents)
    assert not errors, "\n".join(errors[:40])
