"""The editors' admin: all in Spanish for a Spanish user, drafts that say what they lack,
ASCII slugs, no autosave behind a review, and every export in Lima time."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
import wagtail
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real
from wagtail.models import PageLogEntry

from consultations.models import ConsultationPage
from core.roles import EDITORS
from tests.consultations.test_admin import _consultation_form

pytestmark = pytest.mark.django_db

WAGTAIL = wagtail.__path__[0]


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user("editora", "editora@example.org", "una-clave-larga-de-prueba")
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


def _wagtail_messages():
    """Every string the site's Wagtail apps may show (their English catalogues list them)."""
    installed = [Path(app.path) for app in apps.get_app_configs() if app.name.startswith("wagtail")]
    for path in sorted(path for app in installed for path in app.glob("locale/en/LC_MESSAGES/django*.po")):
        for message in read_po(path.open("rb")):
            if message.id:
                yield path, message


def _spanish(path) -> object:
    """The Spanish catalogue the admin reads ``path``'s strings from: Django's merged one,
    or for the JavaScript strings, the app's djangojs with this site's (as Django's
    JavaScriptCatalog view merges them)."""
    if path.stem == "djangojs":
        return trans_real.DjangoTranslation("es", domain="djangojs", localedirs=[str(path.parents[2])])._catalog
    return trans_real.translation("es")._catalog


def test_every_wagtail_admin_string_has_its_spanish():
    missing = []
    for path, message in _wagtail_messages():
        catalog = _spanish(path)
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        key = f"{message.context}\x04{msgid}" if message.context else msgid
        if key not in catalog and (key, 0) not in catalog:
            missing.append(f"{path.relative_to(WAGTAIL)}: {msgid!r}")
    assert not missing, f"{len(missing)} Wagtail strings without Spanish, e.g.:\n" + "\n".join(missing[:20])


def _draft(**overrides):
    moment = timezone.now()
    form = _consultation_form(
        "Transporte público rural", opens_at=moment, closes_at=moment + timedelta(days=9), sections=[("Objetivo", "")]
    )
    form.update(overrides)
    return form


def _add_url(plan):
    return reverse("wagtailadmin_pages:add", args=("consultations", "consultationpage", plan.pk))


def test_a_draft_without_a_required_field_says_at_once_what_it_lacks(client, plan, editor):
    client.force_login(editor)

    with translation.override("es"):
        response = client.post(
            _add_url(plan), _draft(summary="", lead_institution=""), HTTP_ACCEPT_LANGUAGE="es", follow=True
        )

    page = BeautifulSoup(response.content, "html.parser")
    warning = " ".join(item.get_text(" ", strip=True) for item in page.select(".messages li"))
    assert "Antes de enviarlo a revisión o publicarlo, complete" in warning
    assert "Resumen" in warning and "Institución responsable" in warning
    assert ConsultationPage.objects.filter(title="Transporte público rural", live=False).exists()


def test_sending_an_incomplete_page_to_review_is_refused_in_spanish(client, plan, editor):
    client.force_login(editor)

    response = client.post(_add_url(plan), {**_draft(summary=""), "action-submit": "1"}, HTTP_ACCEPT_LANGUAGE="es")

    page = BeautifulSoup(response.content, "html.parser")
    banner = " ".join(item.get_text(" ", strip=True) for item in page.select(".messages li"))
    assert "No se pudo crear la página porque hay errores de validación" in banner
    assert "could not" not in banner and "Go to the first error" not in banner


def test_a_new_page_gets_an_ascii_slug(plan):
    page = ConsultationPage(
        title="Transporte público rural en Celendín",
        slug="",
        summary="Resumen.",
        problem="<p>Problema.</p>",
        lead_institution="Gerencia",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=3),
        body=[("section", {"heading": "Objetivo", "anchor": "", "body": "<p>Texto</p>"})],
    )
    plan.add_child(instance=page)

    assert page.slug == "transporte-publico-rural-en-celendin"


def test_the_editor_has_no_autosave_that_would_leave_a_newer_draft_after_publishing(client, consultation, editor):
    client.force_login(editor)

    response = client.get(reverse("wagtailadmin_pages:edit", args=[consultation.pk]))

    assert response.status_code == 200
    assert response.context["autosave_enabled"] is False


def test_wagtails_own_reports_export_lima_time_and_formula_safe_text(admin_client, consultation):
    consultation.title = '=HYPERLINK("http://example.org")'
    consultation.save_revision().publish()
    entry = PageLogEntry.objects.filter(page=consultation).latest("timestamp")

    response = admin_client.get(reverse("wagtailadmin_reports:site_history"), {"export": "csv"})

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    # Columns: object id, name, type, action, user, date and time (Wagtail's list_export).
    row = next(row for row in csv.reader(io.StringIO(content)) if row[0] == str(consultation.pk))
    lima = timezone.localtime(entry.timestamp)
    assert row[5].startswith(lima.strftime("%Y-%m-%d %H:%M")), row[5]
    assert "+00:00" not in row[5]
    assert row[1].startswith("'=")
