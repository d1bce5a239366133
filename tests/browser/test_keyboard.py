"""The keyboard journey, what axe-core cannot check: a participant reaches the comment form
with Tab, sees where the focus is, sends with Enter, and hears about a mistake."""

import pytest

from tests.browser.conftest import browser_unavailable

try:
    from playwright.async_api import expect
except ImportError:
    browser_unavailable("Playwright is not installed (pip install 'playwright>=1.50,<2')")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MAX_TABS_TO_FORM = 60


@pytest.fixture
def consultation_path(consultation) -> str:
    return consultation.url


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
