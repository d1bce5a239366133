"""The live layer as two people see it: one takes part, the other reads the same consultation.

Each person has their own browser context (own session). Everything is posted through
the page's ordinary forms; what arrives on the other page must land in the right place
without that page reloading.
"""

import re

import pytest
from channels.db import database_sync_to_async

from discussions import services
from tests.browser.conftest import browser_unavailable

try:
    from playwright.async_api import Page, expect
    from playwright.async_api import TimeoutError as PlaywrightTimeoutError
except ImportError:
    browser_unavailable("Playwright is not installed (pip install 'playwright>=1.50,<2')")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAME_DOCUMENT = "window.cocreaSameDocument"
#: Longer than a Redis channel layer's blocking read (channels_redis waits 5 s per BZPOPMIN).
QUIET_SECONDS = 8
#: A server restart (reconnect with backoff, then catch-up) takes longer than one message.
RECONNECT_TIMEOUT = 15_000


@pytest.fixture
def consultation_path(consultation) -> str:
    return consultation.url


async def connected(page: Page, readers: int | None = None) -> None:
    """Wait until the page's socket has joined the discussion (it then shows who is reading),
    and mark the document so that a reload would show."""
    counter = page.locator("[data-readers]")
    await expect(counter).to_be_visible()
    if readers is not None:
        await expect(counter).to_have_text(
            f"{readers} persona leyendo" if readers == 1 else f"{readers} personas leyendo"
        )
    await page.evaluate(f"{SAME_DOCUMENT} = true")


async def not_reloaded(page: Page) -> bool:
    return await page.evaluate(f"{SAME_DOCUMENT} === true")


async def send(page: Page, text: str, button: str, within=None) -> int:
    """Write ``text`` in the page's form (or the form ``within``) and send it; the new
    contribution's id, from where it lands."""
    form = within or page
    await form.locator("textarea[name=comment]").fill(text)
    await form.get_by_role("button", name=button).click()
    await expect(page).to_have_url(re.compile(r"#c\d+$"))
    return int(page.url.rsplit("#c", 1)[1])


async def contribute(page: Page, text: str) -> int:
    contribution_id = await send(page, text, "Enviar aporte")
    await expect(page.locator(f"#c{contribution_id}")).to_contain_text(text)
    return contribution_id


async def test_a_new_contribution_reaches_another_reader_without_reloading(
    open_page, consultation_path, participant, other
):
    author = await open_page(consultation_path, as_participant=participant)
    await connected(author, readers=1)
    reader = await open_page(consultation_path, as_participant=other)
    await connected(reader, readers=2)
    visitor = await open_page(consultation_path)
    await connected(visitor, readers=3)

    text = "Propongo publicar el presupuesto por provincia."
    contribution_id = await contribute(author, text)

    article = reader.locator(f"#aportes ol.threads > li > article#c{contribution_id}")
    await expect(article).to_contain_text(text)
    await expect(article).to_contain_text("Rosa Huamán")
    await expect(article).to_have_class(re.compile(r"\bcontribution--new\b"))
    await expect(article.get_by_role("button", name=re.compile(r"^Apoyo"))).to_be_visible()
    await expect(reader.locator("[data-live-announcer]")).to_have_text("Llegó un nuevo aporte.")
    await expect(reader.locator(".empty-state")).to_have_count(0)
    assert await not_reloaded(reader)

    # Someone not logged in sees it too, with the counts but without the buttons to react.
    seen = visitor.locator(f"#aportes ol.threads > li > article#c{contribution_id}")
    await expect(seen).to_contain_text(text)
    await expect(seen.locator(":scope > footer [data-count=support]")).to_have_text("0")
    await expect(seen.get_by_role("button")).to_have_count(0)
    assert await not_reloaded(visitor)


@pytest.fixture
def threads(consultation, other):
    """Two threads by the reader: the reply goes to the first one."""
    return [
        services.contribution_create(target=consultation, author=other.user, text=text).pk
        for text in ("Falta el cronograma de actividades.", "¿Quién vigila el cumplimiento?")
    ]


async def test_a_reply_appears_under_its_parent_for_another_reader(
    open_page, consultation_path, threads, participant, other
):
    first, second = threads
    author = await open_page(consultation_path, as_participant=participant)
    reader = await open_page(consultation_path, as_participant=other)
    await connected(reader)

    await author.locator(f"#c{first} > footer").get_by_role("link", name="Responder").click()
    in_place = author.locator(f"#c{first} > .inplace")  # the reply form opens under its parent
    await expect(in_place.locator("textarea[name=comment]")).to_be_focused()
    text = "El cronograma está en el anexo 2."
    reply_id = await send(author, text, "Enviar respuesta", within=in_place)

    reply = reader.locator(f"#c{first} > ol.replies > li > article#c{reply_id}")
    await expect(reply).to_contain_text(text)
    await expect(reader.locator(f"#c{second} ol.replies")).to_have_count(0)
    await expect(reader.locator("ol.threads > li > article")).to_have_count(2)
    assert await not_reloaded(reader)

    # The author is taken back to the consultation, to their reply in its thread.
    await expect(author).to_have_url(re.compile(rf"{re.escape(consultation_path)}#c{reply_id}$"))
    await expect(author.locator(f"#c{first} > ol.replies #c{reply_id}")).to_contain_text(text)


async def test_reactions_on_a_contribution_that_arrived_live_update_the_authors_count(
    open_page, consultation_path, participant, other
):
    supporter = await open_page(consultation_path, as_participant=participant)
    await connected(supporter)
    author = await open_page(consultation_path, as_participant=other)
    contribution_id = await contribute(author, "Pido audiencias públicas en cada provincia.")
    await connected(author)

    # The supporter's copy came over the socket: its reaction form must post like any other.
    arrived = supporter.locator(f"#c{contribution_id}")
    await expect(arrived).to_contain_text("Pido audiencias públicas")
    await arrived.locator(":scope > footer").get_by_role("button", name=re.compile(r"^Apoyo")).click()
    await expect(supporter.locator(f"#c{contribution_id} > footer [data-count=support]")).to_have_text("1")

    await expect(author.locator(f"#c{contribution_id} > footer [data-count=support]")).to_have_text("1")
    await expect(author.locator(f"#c{contribution_id} > footer [data-count=disagree]")).to_have_text("0")
    assert await not_reloaded(author)


async def test_a_reader_who_is_typing_is_offered_new_contributions_instead_of_having_them_inserted(
    open_page, consultation_path, participant, other
):
    author = await open_page(consultation_path, as_participant=participant)
    reader = await open_page(consultation_path, as_participant=other)
    await connected(reader)
    draft = "Estoy escribiendo mi aporte sobre el objetivo"
    await reader.locator("#aportar textarea[name=comment]").fill(draft)
    pending = reader.locator("[data-live-pending]")

    first = await contribute(author, "Primer aporte mientras el otro escribe.")
    await expect(pending).to_have_text("1 nuevo aporte: mostrarlo")
    second = await contribute(author, "Segundo aporte mientras el otro escribe.")
    await expect(pending).to_have_text("2 nuevos aportes: mostrarlos")
    await expect(reader.locator(f"#c{first}, #c{second}")).to_have_count(0)

    await pending.click()
    await expect(reader.locator("ol.threads > li > article.contribution")).to_contain_text(
        ["Primer aporte mientras el otro escribe.", "Segundo aporte mientras el otro escribe."]
    )
    await expect(reader.locator("[data-live-announcer]")).to_have_text("Se muestran 2 nuevos aportes.")
    await expect(reader.locator("#aportar textarea[name=comment]")).to_have_value(draft)
    assert await not_reloaded(reader)
    await expect(pending).to_be_hidden()


async def test_a_contribution_withdrawn_while_waiting_behind_the_button_is_shown_withdrawn(
    open_page, consultation_path, participant, other
):
    author = await open_page(consultation_path, as_participant=participant)
    reader = await open_page(consultation_path, as_participant=other)
    await connected(reader)
    await reader.locator("#aportar textarea[name=comment]").fill("Un borrador")
    pending = reader.locator("[data-live-pending]")

    text = "Un aporte que su autora retirará enseguida."
    withdrawn = await contribute(author, text)
    await expect(pending).to_have_text("1 nuevo aporte: mostrarlo")
    await author.locator(f"#c{withdrawn} > footer").get_by_role("link", name="Retirar").click()
    await author.get_by_role("button", name="Retirarlo").click()
    await expect(author.locator(f"#c{withdrawn}")).to_contain_text("El autor retiró este aporte.")
    # Events arrive in order: once this one is announced, the withdrawal has reached the reader.
    later = await contribute(author, "Otro aporte, después de retirar el primero.")
    await expect(pending).to_have_text("2 nuevos aportes: mostrarlos")

    await pending.click()
    await expect(reader.locator(f"#c{withdrawn}")).to_contain_text("El autor retiró este aporte.")
    await expect(reader.locator(f"#c{withdrawn}")).not_to_contain_text(text)
    await expect(reader.locator(f"#c{later}")).to_contain_text("después de retirar el primero")


async def test_an_event_that_arrived_before_a_lost_one_is_not_counted_twice(
    open_page, consultation_path, participant, other, monkeypatch
):
    """The live layer loses one event: the next one names it as its predecessor, the page
    asks to catch up and receives both — and handles the one it already had only once."""
    from discussions import live

    author = await open_page(consultation_path, as_participant=participant)
    reader = await open_page(consultation_path, as_participant=other)
    await connected(reader)
    await reader.locator("#aportar textarea[name=comment]").fill("Un borrador")
    pending = reader.locator("[data-live-pending]")
    real_broadcast = live.broadcast
    lose_next = {"on": True}

    def lossy(group, message):
        if lose_next["on"] and message.get("type") == "contribution.created":
            lose_next["on"] = False
            return False  # Redis restarted, say: nobody heard it
        return real_broadcast(group, message)

    monkeypatch.setattr(live, "broadcast", lossy)

    lost = await contribute(author, "Un aporte que la capa en vivo pierde.")
    arrived = await contribute(author, "El aporte siguiente, que sí llega.")

    await expect(pending).to_have_text("2 nuevos aportes: mostrarlos")
    await pending.click()
    for contribution_id in (lost, arrived):
        await expect(reader.locator(f"#c{contribution_id}")).to_have_count(1)
    await expect(reader.locator("[data-live-announcer]")).to_have_text("Se muestran 2 nuevos aportes.")
    assert await not_reloaded(reader)


async def test_after_the_server_restarts_a_reader_catches_up_and_keeps_receiving(
    open_page, consultation_path, asgi_server, consultation, participant, other
):
    author = await open_page(consultation_path, as_participant=participant)
    reader = await open_page(consultation_path, as_participant=other)
    await connected(reader)
    status = reader.locator("[data-live-status]")

    missed_text = "Aporte enviado mientras este servidor se reiniciaba."
    async with asgi_server.stopped():
        await expect(status).to_be_visible()
        await expect(status).to_have_text("Reconectando…")
        # Sent meanwhile through another worker: the broadcast reaches no open socket.
        missed = await database_sync_to_async(services.contribution_create)(
            target=consultation, author=participant.user, text=missed_text
        )

    await expect(reader.locator(f"ol.threads > li > article#c{missed.pk}")).to_contain_text(
        missed_text, timeout=RECONNECT_TIMEOUT
    )
    await expect(status).to_be_hidden()
    await expect(reader.locator("[data-readers]")).to_be_visible()

    after = await contribute(author, "Aporte enviado después de la reconexión.")
    await expect(reader.locator(f"#c{after}")).to_contain_text("después de la reconexión")
    await expect(reader.locator(f"#c{missed.pk}")).to_have_count(1)
    assert await not_reloaded(reader)


@pytest.mark.redis
async def test_a_quiet_reader_stays_connected_and_still_receives(open_page, consultation_path, participant, other):
    reader = await open_page(consultation_path, as_participant=other)
    await connected(reader)
    reconnecting = "() => !document.querySelector('[data-live-status]').hidden"
    with pytest.raises(PlaywrightTimeoutError):
        await reader.wait_for_function(reconnecting, timeout=QUIET_SECONDS * 1000)

    author = await open_page(consultation_path, as_participant=participant)
    contribution_id = await contribute(author, "Aporte tras un rato de silencio.")
    await expect(reader.locator(f"#c{contribution_id}")).to_contain_text("tras un rato de silencio")
    assert await not_reloaded(reader)
