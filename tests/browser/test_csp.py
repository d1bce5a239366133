"""The Content-Security-Policy holds in a real browser: no inline script, no other origin,
on the admin screens editors and moderators use (the public pages are watched by every
browser test through ``open_page``)."""

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.browser.conftest import browser_unavailable

try:
    from playwright.async_api import expect
except ImportError:
    browser_unavailable("Playwright is not installed (pip install 'playwright>=1.50,<2')")

# Read-only: the demo site is seeded once for the module (shared_demo), nothing is rolled back.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("shared_demo")]


def _admin_paths() -> tuple[object, list[str]]:
    from accounts.models import Participant
    from consultations.models import ConsultationPage

    admin = get_user_model().objects.get(username="admin")
    # open_page signs in a participant; the demo's admin takes part as one
    admin_participant = Participant.objects.select_related("user").get(user=admin)
    consultation = ConsultationPage.objects.live().get(slug="presupuesto-participativo", locale__language_code="es")
    paths = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_pages:edit", args=[consultation.pk]),
        reverse("moderation:index"),
        reverse("responses:index"),
        reverse("discussions_statistics"),
        reverse("wagtailadmin_explore", args=[consultation.get_parent().pk]),
    ]
    return admin_participant, paths


async def test_the_admin_screens_run_under_the_policy(open_page):
    participant, paths = await database_sync_to_async(_admin_paths)()
    for path in paths:
        page = await open_page(path, as_participant=participant)
        await expect(page.locator("main, #main").first).to_be_visible()
        await page.wait_for_load_state("networkidle")
