"""Registering to attend and, separately, to speak; the published list of speakers."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from core.models import Territory
from discussions.errors import NotAllowed, Refused
from hearings import registrations
from hearings.models import HearingPage, Registration, RegistrationKind, SpeakerStatus
from tests.accounts.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _register_url(hearing) -> str:
    return hearing.url + hearing.reverse_subpage("register")


def test_a_participant_registers_to_attend_and_to_speak_separately(client, hearing, participant):
    client.force_login(participant.user)
    chota = Territory.objects.get(slug="chota")

    attend = client.post(_register_url(hearing), {"kind": "attend", "name": "Rosa Huamán", "territory": chota.pk})
    speak = client.post(
        _register_url(hearing),
        {
            "kind": "speak",
            "name": "Rosa Huamán",
            "organisation": "Rondas de Chota",
            "territory": chota.pk,
            "topic": "Salud",
        },
    )

    assert (attend.status_code, speak.status_code) == (302, 302)
    kinds = dict(Registration.objects.values_list("kind", "status"))
    assert kinds == {"attend": SpeakerStatus.REQUESTED, "speak": SpeakerStatus.REQUESTED}
    page = BeautifulSoup(client.get(hearing.url).content, "html.parser")
    mine = page.select_one(".my-registrations").get_text(" ")
    assert "Usted está inscrito para asistir." in mine and "Por confirmar" in mine


def test_a_speaker_says_what_they_will_speak_about(hearing, participant):
    with pytest.raises(Refused):
        registrations.registration_save(hearing=hearing, user=participant.user, kind="speak", name="Rosa", topic=" ")


def test_registration_closes_and_places_run_out(hearing, participant, other):
    hearing.attendance_capacity = 1
    hearing.save_revision().publish()
    hearing = HearingPage.objects.get(pk=hearing.pk)
    registrations.registration_save(hearing=hearing, user=participant.user, kind="attend", name="Rosa")

    with pytest.raises(Refused) as full:
        registrations.registration_save(hearing=hearing, user=other.user, kind="attend", name="Otra")
    assert full.value.status == 409

    hearing.registration_closes_at = timezone.now() - timedelta(minutes=1)
    hearing.save_revision().publish()
    with pytest.raises(NotAllowed):
        registrations.registration_save(
            hearing=HearingPage.objects.get(pk=hearing.pk), user=other.user, kind="speak", name="Otra", topic="Agua"
        )


def test_registering_twice_corrects_the_registration(hearing, participant):
    registrations.registration_save(hearing=hearing, user=participant.user, kind="attend", name="Rosa")
    registrations.registration_save(hearing=hearing, user=participant.user, kind="attend", name="Rosa Huamán Q.")

    assert list(Registration.objects.values_list("name", flat=True)) == ["Rosa Huamán Q."]


def test_editors_confirm_speakers_and_the_published_list_shows_order_and_time(client, hearing, editor):
    speakers = []
    for name in ("Segunda oradora", "Primer orador", "No confirmado"):
        participant = ParticipantFactory(display_name=name)
        speakers.append(
            registrations.registration_save(
                hearing=hearing, user=participant.user, kind="speak", name=name, topic="Agua"
            )
        )
    client.force_login(editor)
    client.post(
        reverse("hearing_registrations:edit", args=[speakers[0].pk]),
        {"status": "confirmed", "speaking_order": "2", "speaking_minutes": "3"},
    )
    registrations.speaker_review(registration=speakers[1], editor=editor, status="confirmed", order=1, minutes=5)

    before = BeautifulSoup(client.get(hearing.url).content, "html.parser")
    hearing.speaker_list_published = True
    hearing.save_revision().publish()
    after = BeautifulSoup(client.get(hearing.url).content, "html.parser")

    assert "Primer orador" not in before.get_text()
    rows = [" ".join(row.get_text(" ").split()) for row in after.select("#inscripcion tbody tr")]
    assert rows == ["1 Primer orador — Agua 5 minutos", "2 Segunda oradora — Agua 3 minutos"]


def test_a_confirmed_speaker_needs_a_place_and_a_time(hearing, participant, editor):
    speaker = registrations.registration_save(hearing=hearing, user=participant.user, kind="speak", name="R", topic="T")

    with pytest.raises(Refused):
        registrations.speaker_review(registration=speaker, editor=editor, status="confirmed")


def test_only_organisers_confirm_speakers(hearing, participant, moderator):
    speaker = registrations.registration_save(hearing=hearing, user=participant.user, kind="speak", name="R", topic="T")

    with pytest.raises(NotAllowed):
        registrations.speaker_review(
            registration=speaker, editor=participant.user, status="confirmed", order=1, minutes=3
        )
    with pytest.raises(NotAllowed):
        registrations.speaker_review(registration=speaker, editor=moderator, status="confirmed", order=1, minutes=3)


def test_a_visitor_is_asked_to_log_in_to_register(client, hearing):
    response = client.get(_register_url(hearing), {"como": RegistrationKind.SPEAK})

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_registrations_go_with_a_deleted_account(hearing, participant):
    from accounts.services import participant_delete

    registrations.registration_save(hearing=hearing, user=participant.user, kind="attend", name="Rosa")
    participant_delete(user=participant.user)

    assert not Registration.objects.exists()


def test_registrations_are_in_the_participants_data(hearing, participant):
    from accounts.selectors import participant_data

    registrations.registration_save(hearing=hearing, user=participant.user, kind="attend", name="Rosa")

    data = participant_data(user=participant.user)["hearing_registrations"]
    assert [(row["hearing"], row["kind"], row["name"]) for row in data] == [(hearing.title, "attend", "Rosa")]
