"""What a page costs on a slow connection and a small phone.

Budgets: at most 150 KB transferred (HTML, CSS, JS, fonts, whatever the page loads) and
at most 3 CSS and JS requests, for a consultation with 100 contributions too; no
sideways scrolling at 360 CSS pixels. The figures are printed (run with ``-s``).
"""

import re
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import translation

from tests.browser.conftest import browser_unavailable

try:
    from playwright.async_api import Response
except ImportError:
    browser_unavailable("Playwright is not installed (pip install 'playwright>=1.50,<2')")

# Read-only: the demo site is seeded once for the module (shared_demo), nothing is rolled back.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("shared_demo")]

BUDGET_BYTES = 150 * 1024
MAX_CSS_JS_REQUESTS = 3
SMALL_PHONE = {"width": 360, "height": 740}
OPEN_SLUG = "presupuesto-participativo"
CONTRIBUTIONS = 100
REPLY_EVERY = 4  # one contribution in four answers the one before it


def _add_a_long_discussion() -> dict[str, str]:
    from accounts.models import Participant
    from consultations.models import ConsultationPage
    from discussions import services

    consultation = ConsultationPage.objects.live().get(slug=OPEN_SLUG, locale__language_code="es")
    authors = [participant.user for participant in Participant.objects.select_related("user")]
    previous = None
    for number in range(CONTRIBUTIONS):
        parent = previous if previous is not None and number % REPLY_EVERY == 0 else None
        previous = services.contribution_create(
            target=consultation,
            author=authors[number % len(authors)],
            text=f"Aporte {number}: propongo que el presupuesto por provincia se publique cada trimestre, "
            "con el avance de cada obra y la fuente de su financiamiento.",
            parent=parent,
            check_rules=False,
        )
    with translation.override("es"):
        registration, home = reverse("accounts:register"), reverse("wagtail_serve", args=[""])
    return {
        "home": home,
        f"consultation ({CONTRIBUTIONS} contributions)": consultation.url,
        "registration": registration,
    }


@pytest.fixture(scope="module")
def demo_paths(shared_demo) -> dict[str, str]:
    """The demo, with a consultation of 100 more contributions: added once for the module."""
    return _add_a_long_discussion()


@dataclass
class Load:
    """The responses of one page load, with the bytes each took on the wire."""

    responses: list[tuple[Response, int]] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(size for _, size in self.responses)

    def of_type(self, *resource_types: str) -> list[Response]:
        return [response for response, _ in self.responses if response.request.resource_type in resource_types]

    def describe(self) -> str:
        return ", ".join(f"{response.url.split('/', 3)[-1] or '/'} {size} B" for response, size in self.responses)


async def _transferred(response: Response) -> int:
    """Body bytes as sent: compressed length where the response is compressed."""
    sizes = await response.request.sizes()
    if sizes["responseBodySize"] > 0:
        return sizes["responseBodySize"]
    headers = await response.all_headers()
    if headers.get("content-encoding") and headers.get("content-length"):
        return int(headers["content-length"])
    return len(await response.body())


async def _load(browser, live_url, path: str) -> tuple[Load, object, object]:
    context = await browser.new_context(base_url=live_url, locale="es-PE", viewport=SMALL_PHONE)
    context.set_default_timeout(10_000)
    page = await context.new_page()
    pending = []
    page.on("response", lambda response: pending.append(response))
    await page.goto(path, wait_until="networkidle")
    load = Load([(response, await _transferred(response)) for response in pending])
    return load, page, context


async def test_pages_stay_within_the_weight_budget(browser, live_url, demo_paths):
    over = []
    for label, path in demo_paths.items():
        load, page, context = await _load(browser, live_url, path)
        try:
            css_js = load.of_type("stylesheet", "script")
            print(
                f"weight {label}: {load.total_bytes} B transferred in {len(load.responses)} responses, "
                f"{len(css_js)} CSS/JS — {load.describe()}"
            )
            if load.total_bytes > BUDGET_BYTES:
                over.append(f"{label}: {load.total_bytes} B > {BUDGET_BYTES} B")
            if len(css_js) > MAX_CSS_JS_REQUESTS:
                over.append(f"{label}: {len(css_js)} CSS/JS requests > {MAX_CSS_JS_REQUESTS}")
            if label.startswith("consultation"):
                articles = await page.locator("#aportes article.contribution").count()
                print(f"weight {label}: {articles} contributions rendered on the first page")
        finally:
            await context.close()
    assert not over, "; ".join(over)


async def test_html_is_compressed_and_static_files_carry_cache_headers(browser, live_url, demo_paths):
    load, _, context = await _load(browser, live_url, demo_paths["home"])
    try:
        document = load.of_type("document")[0]
        assert (await document.all_headers()).get("content-encoding") in {"gzip", "br"}
        for response in load.of_type("stylesheet", "script"):
            cache_control = (await response.all_headers()).get("cache-control", "")
            print(f"cache {response.url.split('/', 3)[-1]}: Cache-Control: {cache_control!r}")
            # The test settings serve unhashed names from the finders (no collectstatic), so
            # whitenoise gives them a short max-age; the year-long, immutable one needs the
            # manifest storage of production and cannot be seen here.
            assert re.search(r"max-age=\d+", cache_control), f"{response.url}: no max-age"
    finally:
        await context.close()


async def test_no_sideways_scrolling_on_a_small_phone(browser, live_url, demo_paths):
    too_wide = []
    for label, path in demo_paths.items():
        _, page, context = await _load(browser, live_url, path)
        try:
            width = await page.evaluate("document.documentElement.scrollWidth")
            print(f"width {label}: scrollWidth {width} px at {SMALL_PHONE['width']} px")
            if width > SMALL_PHONE["width"]:
                too_wide.append(f"{label}: {width} px")
        finally:
            await context.close()
    assert not too_wide, "wider than the screen: " + ", ".join(too_wide)
