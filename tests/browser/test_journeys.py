"""Whole visits, as people make them: reading in two languages, registering and taking
part, the same with JavaScript switched off, and a consultation going through review.
"""

import re
import uuid
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from channels.db import database_sync_to_async
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from tests.browser.conftest import browser_unavailable
from tests.site import seed_demo

try:
    from playwright.async_api import expect
except ImportError:
    browser_unavailable("Playwright is not installed (pip install 'playwright>=1.50,<2')")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OPEN_SLUG = "presupuesto-participativo"  # translated into English in the demo
OTHERS_TEXT = "Pedimos que las actas de priorización se publiquen en datos abiertos."
CONFIRMATION_LINK = re.compile(r"https?://\S+/cuenta/confirmar/(?!nuevo-enlace)\S+/")


def _seed_demo() -> dict:
    from accounts.models import Participant
    from consultations.models import ConsultationPage
    from discussions import services

    seed_demo()
    opened = ConsultationPage.objects.live().get(slug=OPEN_SLUG, locale__language_code="es")
    other = Participant.objects.get(user__email="rosa@example.org")
    services.contribution_create(target=opened, author=other.user, text=OTHERS_TEXT, check_rules=False)
    with translation.override("es"):
        return {
            "es": opened.url,
            "en": opened.get_translation(_english()).url,
            "register": reverse("accounts:register"),
            "search": reverse("search:page"),
            "home": reverse("wagtail_serve", args=[""]),
        }


@pytest.fixture
def own_search_index(settings):
    """An OpenSearch index of this test's own: the shared test index holds documents of
    earlier tests whose pages no longer exist."""
    settings.SEARCH_INDEX_PREFIX = f"cocrea-test-{uuid.uuid4().hex[:12]}"
    yield
    if settings.SEARCH_ENGINE == "opensearch":
        from search.engines import get_engine

        get_engine().drop()


def _search_refreshed() -> None:
    from search.engines import get_engine

    get_engine().refresh()


def _english():
    from wagtail.models import Locale

    return Locale.objects.get(language_code="en")


@pytest.fixture
async def demo():
    return await database_sync_to_async(_seed_demo)()


async def test_visitor_reads_a_consultation_in_english_and_back_in_spanish(open_page, demo):
    page = await open_page(demo["es"])
    title = await page.locator("h1").inner_text()
    switcher = page.get_by_role("navigation", name="Idioma")

    await switcher.get_by_role("link", name="English").click()
    await expect(page).to_have_url(re.compile(re.escape(demo["en"]) + "$"))
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("heading", name="Contributions")).to_be_visible()

    await page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    await expect(page).to_have_url(re.compile(re.escape(demo["es"]) + "$"))
    await expect(page.locator("h1")).to_have_text(title)


async def _register_and_confirm(page, register_path: str, email: str) -> None:
    mail.outbox.clear()
    await page.goto(register_path)
    form = page.locator("main form.form")
    await form.locator("[name=email]").fill(email)
    await form.locator("[name=password1]").fill("una-clave-larga-2025")
    await form.locator("[name=password2]").fill("una-clave-larga-2025")
    await form.locator("[name=display_name]").fill("Juana Quispe")
    await form.locator("[name=sector]").select_option(index=1)
    await form.locator("[name=territory]").select_option(index=1)
    await form.locator("[name=accept_terms]").check()
    await form.get_by_role("button", name="Registrarse").click()

    messages = [message for message in mail.outbox if email in message.to]
    assert messages, "no confirmation e-mail was sent"
    link = CONFIRMATION_LINK.search(messages[-1].body)
    assert link, messages[-1].body
    await page.goto(link.group(0))
    await expect(page.get_by_role("link", name="Mi perfil")).to_be_visible()


async def _comment_reply_react(page, consultation_path: str, *, javascript: bool = True) -> None:
    await page.goto(consultation_path)
    await page.get_by_role("link", name="Comentar esta sección").first.click()
    form = page.locator("#aportar")
    assert await form.locator("[name=section]").input_value(), "the section is not chosen"
    text = "Sugiero incluir a las rondas campesinas en la priorización."
    await form.locator("textarea[name=comment]").fill(text)
    await form.get_by_role("button", name="Enviar aporte").click()
    await expect(page).to_have_url(re.compile(r"#c\d+$"))
    mine = page.locator("#aportes article.contribution").filter(has_text=text)
    await expect(mine).to_be_visible()
    await expect(mine.locator(".contribution__section")).to_be_visible()

    others = page.locator("#aportes article.contribution").filter(has_text=OTHERS_TEXT).first
    await others.get_by_role("link", name="Responder").click()
    if javascript:
        # The reply form opens in place, under the contribution.
        reply_form = others.locator(":scope > .inplace")
        await expect(reply_form.locator("textarea[name=comment]")).to_be_focused()
        assert "/responder/" not in page.url
    else:
        # Without JavaScript the link leads to the reply's own page.
        await expect(page).to_have_url(re.compile(r"/responder/$"))
        reply_form = page.locator("main form")
    reply = "De acuerdo, y con un resumen en lenguaje sencillo."
    await reply_form.locator("textarea[name=comment]").fill(reply)
    await reply_form.get_by_role("button", name="Enviar respuesta").click()
    await expect(page).to_have_url(re.compile(r"#c\d+$"))
    others = page.locator("#aportes article.contribution").filter(has_text=OTHERS_TEXT).first
    await expect(others.locator("ol.replies")).to_contain_text(reply)

    support = others.locator("form.reactions").first.get_by_role("button", name=re.compile("^Apoyo"))
    await support.click()
    others = page.locator("#aportes article.contribution").filter(has_text=OTHERS_TEXT).first
    support = others.locator("form.reactions").first.get_by_role("button", name=re.compile("^Apoyo"))
    await expect(support).to_have_attribute("aria-pressed", "true")
    await expect(support.locator("[data-count=support]")).to_have_text("1")


async def test_new_participant_registers_confirms_and_takes_part(open_page, demo):
    page = await open_page(demo["es"])
    await _register_and_confirm(page, demo["register"], "juana@example.org")
    await _comment_reply_react(page, demo["es"])


async def test_taking_part_works_without_javascript(browser, live_url, demo):
    context = await browser.new_context(base_url=live_url, locale="es-PE", java_script_enabled=False)
    context.set_default_timeout(5000)
    try:
        page = await context.new_page()
        await _register_and_confirm(page, demo["register"], "sinjs@example.org")
        await _comment_reply_react(page, demo["es"], javascript=False)
    finally:
        await context.close()


ADMIN_TITLE = "Compromiso redactado en el admin"
ADMIN_SLUG = "compromiso-redactado-en-el-admin"


async def test_visitor_searches_filters_and_lands_on_the_contribution(open_page, own_search_index, demo):
    await database_sync_to_async(_search_refreshed)()  # OpenSearch shows writes within a second
    page = await open_page(demo["home"])
    box = page.get_by_role("combobox", name="Buscar en consultas y aportes")
    await box.press_sequentially("presupuesto parti")  # titles are suggested as one types
    await expect(page.locator("#site-search-suggestions option").first).to_have_attribute(
        "value", re.compile("presupuesto participativo")
    )
    await box.fill("actas priorizacion")  # no accents, as people type
    await box.press("Enter")
    await expect(page).to_have_url(re.compile(re.escape(demo["search"]) + r"\?q=actas"))
    hit = page.locator(".hit", has_text="datos abiertos").first
    await expect(hit.locator("mark").first).to_have_text(re.compile("actas|priorización", re.IGNORECASE))

    await (
        page.get_by_role("complementary", name="Filtrar los resultados")
        .get_by_role("link", name=re.compile("^Aporte"))
        .click()
    )
    await expect(page.locator(".facet__selected")).to_contain_text("Aporte")
    await expect(page.locator(".hit__kind").first).to_have_text(re.compile("^Aporte"))

    await page.locator(".hit", has_text="datos abiertos").first.get_by_role("link").first.click()
    await expect(page).to_have_url(re.compile(r"#c\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    await expect(page.locator(f"#{anchor}")).to_contain_text(OTHERS_TEXT)

    await page.goto(f"{demo['search']}?q=prioriazcion+actsa")  # two typos
    await expect(page.locator(".search-results")).to_contain_text("resultado")


def _forum_people() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.models import Participant
    from core.roles import MODERATORS
    from forum.models import ForumPage

    moderator = get_user_model().objects.create_user("moderadora", "moderadora@example.org", "clave-de-prueba-larga")
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    return {
        "forum": ForumPage.objects.get(slug="foro").url,
        "civil_society": Participant.objects.select_related("user").get(user__email="observatorio@example.org"),
        "government": Participant.objects.select_related("user").get(user__email="planeamiento@example.org"),
        "moderator": SimpleNamespace(user=moderator),
    }


async def test_forum_topic_gets_an_official_reply_live_is_pinned_and_found(open_page, own_search_index, demo):
    people = await database_sync_to_async(_forum_people)()
    title = "Actas de las sesiones en quechua"
    starter = await open_page(f"{people['forum']}nuevo/", as_participant=people["civil_society"])
    await starter.get_by_label("Título").fill(title)
    await starter.get_by_label("Categoría").select_option(label="Propuestas de la sociedad civil")
    await starter.get_by_label("Texto").fill("Pedimos que las actas también se publiquen en quechua.")
    await starter.get_by_role("button", name="Publicar el tema").click()  # lands on the new topic
    await expect(starter.locator("h1")).to_have_text(title)
    topic_url = starter.url

    reader = await open_page(topic_url)  # anyone may read
    official = await open_page(topic_url, as_participant=people["government"])
    answer = "La Gerencia traducirá las actas desde la próxima sesión."
    await official.locator("#aportar textarea[name=comment]").fill(answer)
    await official.locator("#aportar").get_by_role("button", name="Enviar aporte").click()
    await expect(reader.locator("#aportes")).to_contain_text(answer)  # arrived live, no reload

    moderator = await open_page(topic_url, as_participant=people["moderator"])
    await moderator.get_by_text("Moderar este tema").click()
    await moderator.get_by_role("button", name="Fijar arriba").click()
    await expect(moderator.locator(".messages")).to_contain_text("Hecho")
    await reader.goto(people["forum"])
    await expect(reader.locator(".topic-row").first).to_contain_text(title)
    await expect(reader.locator(".topic-row").first).to_contain_text("Fijado")

    await database_sync_to_async(_search_refreshed)()
    await reader.goto(f"{demo['search']}?q=traducira+actas")
    hit = reader.locator(".hit", has_text="traducirá").first
    await expect(hit.locator(".hit__kind")).to_have_text(re.compile("^Mensaje del foro"))
    await hit.get_by_role("link").first.click()
    await expect(reader).to_have_url(re.compile(re.escape(urlsplit(topic_url).path) + r"#c\d+$"))


def _editorial_team(plan) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core.roles import EDITORS, REVIEWERS

    people = {}
    for username, group in (("editora", EDITORS), ("revisor", REVIEWERS)):
        user = get_user_model().objects.create_user(username, f"{username}@example.org", "clave-de-prueba-larga")
        user.groups.add(Group.objects.get(name=group))
        people[username] = SimpleNamespace(user=user)  # what open_page signs in
    people["add_url"] = reverse("wagtailadmin_pages:add", args=("consultations", "consultationpage", plan.pk))
    people["public_url"] = f"{plan.url}{ADMIN_SLUG}/"  # the page it will be, once the editor saves it
    people["home"] = plan.get_parent().get_parent().url
    return people


def _draft_id() -> int:
    from consultations.models import ConsultationPage

    return ConsultationPage.objects.get(slug=ADMIN_SLUG).pk


async def _fill_rich_text(page, contentpath: str, field_name: str, text: str) -> None:
    editor = page.locator(f"[data-contentpath='{contentpath}'] [contenteditable=true]").first
    await editor.click()
    await expect(editor).to_be_focused()  # a new block's editor starts up after it is shown
    await page.keyboard.type(text)
    # Draftail copies its content into the form's field a moment after typing stops;
    # a form sent sooner saves the field empty.
    await expect(page.locator(f"input[name='{field_name}']")).to_have_value(re.compile(re.escape(text)))


async def _fill_date(page, name: str, value: str) -> None:
    # Typed without focusing the field: focus opens Wagtail's date picker, which
    # does not always close on Escape and then covers the buttons below it.
    await page.locator(f"input[name={name}]").evaluate(
        """(input, value) => {
            input.value = value;
            input.dispatchEvent(new Event("input", {bubbles: true}));
            input.dispatchEvent(new Event("change", {bubbles: true}));
        }""",
        value,
    )
    await expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(0)


async def test_a_consultation_is_drafted_reviewed_and_published_in_the_admin(open_page, plan):
    team = await database_sync_to_async(_editorial_team)(plan)
    now = timezone.localtime()

    editor = await open_page(team["add_url"], as_participant=team["editora"])
    await editor.locator("#id_title").fill(ADMIN_TITLE)
    await editor.locator("#id_summary").fill("Resumen del compromiso.")
    await _fill_rich_text(editor, "problem", "problem", "El problema que atiende.")
    await editor.locator(
        "[data-contentpath=body] button[title], [data-contentpath=body] .c-sf-add-button"
    ).first.click()
    await editor.locator("input[name='body-0-value-heading']").fill("Objetivo")
    await _fill_rich_text(editor, "body", "body-0-value-body", "Texto de la sección.")
    await _fill_date(editor, "opens_at", (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"))
    await _fill_date(editor, "closes_at", (now + timedelta(days=7)).strftime("%Y-%m-%d %H:%M"))
    await editor.locator("#id_lead_institution").fill("Gerencia Regional")
    await editor.get_by_role("button", name="Más acciones").click()
    await editor.get_by_role("button", name="Enviar a Revisión").click()
    await expect(editor.locator(".messages")).to_contain_text(ADMIN_TITLE)

    visitor = await open_page(team["public_url"])
    assert (await visitor.request.get(team["public_url"])).status == 404
    await visitor.goto(team["home"])
    await expect(visitor.locator("main")).not_to_contain_text(ADMIN_TITLE)

    page_id = await database_sync_to_async(_draft_id)()
    reviewer = await open_page(reverse("wagtailadmin_pages:edit", args=(page_id,)), as_participant=team["revisor"])
    approve = reviewer.locator("button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])")
    if not await approve.is_visible():
        await reviewer.get_by_role("button", name="Más acciones").click()
    await approve.click()
    await expect(reviewer.locator(".messages")).to_contain_text(ADMIN_TITLE)

    await visitor.goto(team["home"])
    await expect(visitor.locator("main .card__title a", has_text=ADMIN_TITLE)).to_have_attribute(
        "href", team["public_url"]
    )
    assert (await visitor.request.get(team["public_url"])).status == 200
