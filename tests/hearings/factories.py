from datetime import timedelta

import wagtail_factories
from django.utils import timezone

from hearings.models import HearingIndexPage, HearingPage, HearingRadioStation, HearingTopic

TOPICS = ("Salud", "Educación", "Carreteras")


class HearingIndexPageFactory(wagtail_factories.PageFactory):
    title = "Audiencias públicas"
    slug = "audiencias"

    class Meta:
        model = HearingIndexPage


def hearing_page(index, *, topics=TOPICS, radio=(("Radio Cajamarca", "101.1 FM"),), **fields) -> HearingPage:
    """A published hearing whose questions are open now; it starts in an hour."""
    now = timezone.now()
    number = HearingPage.objects.count() + 1
    values = {
        "title": f"Audiencia pública de rendición de cuentas {number}",
        "slug": f"audiencia-{number}",
        "summary": "El Gobierno Regional rinde cuentas de su gestión.",
        "starts_at": now + timedelta(hours=1),
        "ends_at": now + timedelta(hours=5),
        "place_name": "Coliseo Gran Cajamarca",
        "address": "Jr. Amazonas s/n, Cajamarca",
        "questions_open_at": now - timedelta(days=1),
        **fields,
    }
    hearing = HearingPage(**values)
    for order, title in enumerate(topics):
        hearing.topics.add(HearingTopic(title=title, sort_order=order))
    for order, (name, frequency) in enumerate(radio):
        hearing.radio_stations.add(HearingRadioStation(name=name, frequency=frequency, sort_order=order))
    index.add_child(instance=hearing)
    hearing.save_revision().publish()
    return HearingPage.objects.get(pk=hearing.pk)
