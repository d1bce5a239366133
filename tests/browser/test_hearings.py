"""A public hearing as the people in it see it: a participant asks on the web, staff type in
a question heard on the radio, a moderator puts one on air and records its answer while
the hall's projection and another reader follow without reloading; then the hearing
closes and a written answer is published. Every page is watched for Content-Security-
Policy violations (``open_page``)."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import browser_unavailable

try:
    from playwright.async_api import expect
except ImportError:
    browser_unavailable("Playwright is not installed (pip install 'playwright>=1.50,<2')")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WEB_QUESTION = "¿Cuándo llega el agua potable al sector Fila Alta de Jaén?"
RADIO_QUESTION = "¿Quién responde por la carretera Bambamarca–Chota, sin mantenimiento desde enero?"
ROOM_ANSWER = "La obra de agua se entrega en agosto; el expediente está en la web."
WRITTEN_ANSWER = "La Dirección de Transportes presentará el plan de mantenimiento en 30 días."
LIVE_TIMEOUT = 10_000


def _people(home_page) -> SimpleNamespace:
    from django.contrib.auth.models import Group

    from core.roles import GOVERNMENT, MODERATORS
    from tests.accounts.factories import ParticipantFactory, UserFactory
    from tests.hearings.factories import HearingIndexPageFactory, hearing_page

    now = timezone.now()
    index = HearingIndexPageFactory(parent=home_page)
    hearing = hearing_page(index, starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=3))
    staff = {}
    for name, group in (("moderadora", MODERATORS), ("gerencia", GOVERNMENT)):
        user = UserFactory(username=f"{name}@example.org")
        user.groups.add(Group.objects.get(name=group))
        staff[name] = SimpleNamespace(user=user)  # what open_page signs in
    return SimpleNamespace(
        hearing=hearing,
        url=hearing.url,
        projection=hearing.url + hearing.reverse_subpage("projection"),
        console=hearing.url + hearing.reverse_subpage("console"),
        entry=f"{reverse('hearing_questions:add')}?hearing={hearing.pk}",
        asker=ParticipantFactory(display_name="Rosa Huamán"),
        moderator=staff["moderadora"],
        government=staff["gerencia"],
    )


def _question_id(text: str) -> int:
    from hearings.models import HearingQuestion

    return HearingQuestion.objects.get(contribution__comment=text).pk


async def _connected(page) -> None:
    await expect(page.locator("[data-hearing-live]")).to_have_attribute("data-live-state", "connected")


async def test_a_question_from_the_web_and_one_from_the_radio_are_answered_live_and_in_writing(open_page, home_page):
    people = await database_sync_to_async(_people)(home_page)
    projection = await open_page(people.projection)
    reader = await open_page(people.url)
    await _connected(projection)
    await _connected(reader)

    # A participant asks on the web.
    asker = await open_page(people.url, as_participant=people.asker)
    form = asker.locator("form#preguntar")
    await form.locator("textarea[name=text]").fill(WEB_QUESTION)
    await form.locator("select[name=territory]").select_option(label="Jaén")
    await form.get_by_role("button", name="Enviar mi pregunta").click()
    await expect(asker).to_have_url(re.compile(r"#c\d+$"))
    await expect(reader.locator("[data-queue]")).to_contain_text(WEB_QUESTION, timeout=LIVE_TIMEOUT)

    # Staff type in a question heard on the radio, from the admin's form.
    staff = await open_page(people.entry, as_participant=people.government)
    await staff.locator("input[name=channel][value=radio]").check()
    await staff.locator("textarea[name=text]").fill(RADIO_QUESTION)
    await staff.locator("input[name=asker_name]").fill("Juan Carlos, de Bambamarca")
    await staff.locator("main button[type=submit]").first.click()
    await expect(staff.locator("input[name=channel][value=radio]")).to_be_checked()  # the next card is ready
    radio_item = reader.locator("[data-queue] article", has_text=RADIO_QUESTION)
    await expect(radio_item).to_contain_text("Juan Carlos, de Bambamarca", timeout=LIVE_TIMEOUT)
    await expect(radio_item).to_contain_text("recibida por radio")

    # The moderator puts the web question on air: the hall's screen and every reader show it.
    console = await open_page(people.console, as_participant=people.moderator)
    await _connected(console)
    queued = console.locator("[data-queue] > li", has_text=WEB_QUESTION)
    await queued.get_by_role("button", name="Poner al aire").click()
    await expect(projection.locator("[data-on-air]")).to_contain_text(WEB_QUESTION, timeout=LIVE_TIMEOUT)
    await expect(reader.locator("[data-on-air]")).to_contain_text(WEB_QUESTION, timeout=LIVE_TIMEOUT)
    await expect(reader.locator("[data-queue]")).not_to_contain_text(WEB_QUESTION)

    # ...and records its answer: it leaves the screen and joins the answered questions.
    on_air = console.locator("[data-on-air]")
    await on_air.locator("textarea[name=answer]").fill(ROOM_ANSWER)
    await on_air.locator("input[name=video_time]").fill("1:05:30")
    await on_air.get_by_role("button", name="Respondida").click()
    await expect(projection.locator("[data-on-air] [data-idle]")).to_be_visible(timeout=LIVE_TIMEOUT)
    answered = reader.locator("[data-settled] article", has_text=WEB_QUESTION)
    await expect(answered).to_contain_text(ROOM_ANSWER, timeout=LIVE_TIMEOUT)
    await expect(answered).to_contain_text("Respondida en la sala")

    # The hearing closes: the question form gives way, what is left awaits its written answer.
    await console.get_by_role("button", name="Cerrar la audiencia").click()
    await expect(console.locator(".messages")).to_contain_text("La audiencia está cerrada")
    await expect(asker.locator("#preguntar")).to_contain_text("Ya no se reciben preguntas", timeout=LIVE_TIMEOUT)
    await reader.reload()
    await _connected(reader)
    await expect(reader.locator("[data-pending-counter]")).to_contain_text("1 pregunta espera su respuesta escrita")

    # Staff publish the written answer; the reader sees it arrive.
    question_id = await database_sync_to_async(_question_id)(RADIO_QUESTION)
    answers = await open_page(reverse("hearing_answers:edit", args=[question_id]), as_participant=people.government)
    await answers.locator("input[name=decision][value=answer]").check()
    await answers.locator("textarea[name=written_answer]").fill(WRITTEN_ANSWER)
    await answers.locator("main button[type=submit]").first.click()
    await expect(answers.locator(".messages")).to_be_visible()
    written = reader.locator("[data-settled] article", has_text=RADIO_QUESTION)
    await expect(written).to_contain_text(WRITTEN_ANSWER, timeout=LIVE_TIMEOUT)
    await expect(written).to_contain_text("Respondida por escrito")


def _editor_and_pages(home_page) -> tuple:
    from django.contrib.auth.models import Group

    from core.roles import EDITORS
    from tests.accounts.factories import UserFactory
    from tests.hearings.factories import HearingIndexPageFactory, hearing_page

    index = HearingIndexPageFactory(parent=home_page)
    hearing = hearing_page(index, broadcast_url="https://www.youtube.com/watch?v=abcDEF12345")
    editor = UserFactory(username="editora@example.org")
    editor.groups.add(Group.objects.get(name=EDITORS))
    paths = [
        reverse("wagtailadmin_pages:edit", args=[hearing.pk]),
        reverse("wagtailadmin_pages:add", args=("hearings", "hearingpage", index.pk)),
    ]
    return SimpleNamespace(user=editor), paths, hearing.url


async def test_the_editor_and_the_video_run_under_the_security_policy(open_page, home_page):
    """The hearing's editing screens (tabs, inline panels, page chooser), and the player the
    reader asks for: no inline script, and only the player's host in a frame."""
    editor, paths, public_url = await database_sync_to_async(_editor_and_pages)(home_page)
    for path in paths:
        page = await open_page(path, as_participant=editor)
        await expect(page.locator("main, #main").first).to_be_visible()
        await page.wait_for_load_state("networkidle")
    # The document chooser, started without inline script, opens its chooser.
    await page.get_by_role("tab", name="Después de la audiencia").click()
    await page.locator("#id_minutes_document-chooser [data-chooser-action-choose]").last.click()
    await expect(page.get_by_role("dialog")).to_be_visible()

    reader = await open_page(public_url)
    assert await reader.locator("iframe").count() == 0
    await reader.get_by_role("button", name=re.compile("^Verlo aquí")).click()
    frame = reader.locator(".video iframe")
    await expect(frame).to_have_attribute("src", "https://www.youtube-nocookie.com/embed/abcDEF12345")
