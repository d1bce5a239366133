import pytest
from django.contrib.auth import get_user_model

from consultations.models import ConsultationPage
from discussions import rules
from discussions.models import Contribution, contributions_of
from tests.site import seed_demo

pytestmark = pytest.mark.django_db


def test_demo_has_a_live_discussion_and_a_closed_one_with_responses(client):
    seed_demo()
    seed_demo()  # idempotent
    open_page = ConsultationPage.objects.get(slug="presupuesto-participativo", locale__language_code="es")
    closed_page = ConsultationPage.objects.get(slug="datos-abiertos-obras")

    opened = contributions_of(open_page)
    assert opened.filter(level=0).count() == 3 and opened.filter(is_official=True).count() == 1
    assert opened.filter(section_anchor="actividades").exists()
    assert not contributions_of(closed_page).filter(response_status="").exists()

    html = client.get(open_page.url).content.decode()
    assert "Rosa Huamán" in html and "badge--official" in html
    english = ConsultationPage.objects.get(translation_key=open_page.translation_key, locale__language_code="en")
    assert "Rosa Huamán" in client.get(english.url).content.decode()
    closed_html = client.get(closed_page.url).content.decode()
    assert "Se incorpora al hito 2" in closed_html
    assert Contribution.objects.filter(user_email__endswith="@example.org").exists()
    admin = get_user_model().objects.get(username="admin")
    assert rules.participant_refusal(admin) is None and rules.can_reply_officially(admin)
    for language in ("es", "en"):  # the English card counts the shared, original discussion
        assert "<dd>6</dd>" in client.get(f"/{language}/").content.decode()
