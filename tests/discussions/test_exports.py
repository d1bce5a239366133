"""Open data: the contributions of a consultation or a plan as CSV and JSON."""

import csv
import io
import json
import re

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.db import connection
from django.template.loader import render_to_string
from django.test import AsyncClient
from django.test.utils import CaptureQueriesContext

from discussions import services
from discussions.exports import COLUMNS
from discussions.models import Contribution, ResponseStatus, Status
from tests.accounts.factories import ParticipantFactory
from tests.consultations.factories import ConsultationPageFactory

pytestmark = pytest.mark.django_db

IP_ADDRESS = "203.0.113.77"


@pytest.fixture
def consultation(plan):
    return ConsultationPageFactory(parent=plan, title="Compromiso de transparencia", slug="transparencia")


@pytest.fixture
def author():
    return ParticipantFactory(display_name="Rosa Chávez", organisation=None)


@pytest.fixture
def discussion(consultation, author):
    """A contribution with a reply and a response, a withdrawn one, a held one and a removed one."""
    other = ParticipantFactory(display_name="Juan Pérez")
    moderator = get_user_model().objects.create_superuser("moderadora", "moderadora@example.org", "clave-larga-123")

    def write(participant, text, **kwargs):
        return services.contribution_create(
            target=consultation, author=participant.user, text=text, ip_address=IP_ADDRESS, **kwargs
        )

    top = write(author, "Propongo **más** talleres en Jaén.", section_anchor="objetivo")
    reply = write(other, "De acuerdo, también en Chota.", parent=top)
    services.response_record(
        contribution=top, status=ResponseStatus.ACCEPTED, text="Se incluyen dos talleres.", responder=moderator
    )
    withdrawn = write(other, "Lo retiro.")
    services.contribution_withdraw(contribution=withdrawn, author=other.user)
    held = write(author, "Texto en revisión.")
    Contribution.objects.filter(pk=held.pk).update(status=Status.HELD, is_public=False)
    removed = write(other, "Texto ofensivo.")
    services.moderation_remove(contribution=removed, moderator=moderator, reason="Ofensivo.")
    return {"top": top, "reply": reply, "withdrawn": withdrawn, "held": held, "removed": removed, "other": other}


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig"))))


def test_consultation_csv_has_published_contributions_with_responses(client, consultation, discussion, author):
    response = client.get(consultation.url + "contributions.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="transparencia-contributions.csv"'
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    by_id = {int(row["id"]): row for row in rows}
    top, reply, withdrawn = discussion["top"], discussion["reply"], discussion["withdrawn"]
    assert set(by_id) == {top.pk, reply.pk, withdrawn.pk}

    row = by_id[top.pk]
    assert row["url"] == f"{consultation.full_url}#c{top.pk}"
    assert row["url"].startswith("http")
    assert row["consultation"] == "Compromiso de transparencia"
    assert row["consultation_url"] == consultation.full_url
    assert (row["section"], row["parent_id"], row["thread_id"], row["level"]) == ("objetivo", "", str(top.pk), "0")
    assert row["created_at"].endswith("-05:00")
    assert (row["author"], row["sector"], row["territory"]) == ("Rosa Chávez", "civil_society", "cajamarca")
    assert (row["channel"], row["official"], row["edited"], row["withdrawn"]) == ("web", "false", "false", "false")
    assert row["text"] == "Propongo **más** talleres en Jaén."
    assert (row["response_status"], row["response_text"]) == ("accepted", "Se incluyen dos talleres.")
    assert row["responded_at"].endswith("-05:00")

    assert (by_id[reply.pk]["parent_id"], by_id[reply.pk]["thread_id"]) == (str(top.pk), str(top.pk))
    assert by_id[reply.pk]["level"] == "1"
    assert (by_id[withdrawn.pk]["withdrawn"], by_id[withdrawn.pk]["text"]) == ("true", "")


def test_exports_never_contain_emails_ip_addresses_or_user_ids(client, consultation, discussion, author):
    for name in ("contributions.csv", "contributions.json"):
        body = _body(client.get(consultation.url + name)).decode("utf-8-sig")

        assert author.user.email not in body
        assert discussion["other"].user.email not in body
        assert IP_ADDRESS not in body
        assert "moderadora" not in body
        assert "user" not in body.split("\n")[0].lower()


def test_consultation_json_describes_the_consultation_and_its_contributions(client, consultation, discussion):
    response = client.get(consultation.url + "contributions.json")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(_body(response))
    assert data["consultation"]["title"] == "Compromiso de transparencia"
    assert data["consultation"]["url"] == consultation.full_url
    assert data["generated_at"]
    by_id = {row["id"]: row for row in data["contributions"]}
    top, reply, withdrawn = discussion["top"], discussion["reply"], discussion["withdrawn"]
    assert set(by_id) == {top.pk, reply.pk, withdrawn.pk}
    assert list(by_id[top.pk]) == list(COLUMNS)
    assert by_id[top.pk]["parent_id"] is None
    assert by_id[top.pk]["official"] is False
    assert by_id[top.pk]["response_status"] == "accepted"
    assert by_id[reply.pk]["parent_id"] == top.pk
    assert by_id[withdrawn.pk]["withdrawn"] is True
    assert by_id[withdrawn.pk]["text"] == ""


def test_asgi_server_gets_the_csv_as_an_asynchronous_stream(consultation, discussion):
    # Driven from this synchronous test, the request's database work runs in this thread,
    # inside the test's transaction.
    url = consultation.url + "contributions.csv"

    async def download():
        response = await AsyncClient().get(url)
        return response.is_async, b"".join([chunk async for chunk in response.streaming_content])

    is_async, body = async_to_sync(download)()

    assert is_async
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {int(row["id"]) for row in rows} == {discussion[name].pk for name in ("top", "reply", "withdrawn")}


def test_csv_keeps_spreadsheets_from_reading_text_as_a_formula(client, consultation, author):
    services.contribution_create(target=consultation, author=author.user, text='=HYPERLINK("http://x.example")')

    (row,) = _csv_rows(client.get(consultation.url + "contributions.csv"))

    assert row["text"] == '\'=HYPERLINK("http://x.example")'


def test_export_queries_do_not_grow_with_the_number_of_contributions(client, consultation, author):
    def queries_for_export() -> int:
        with CaptureQueriesContext(connection) as queries:
            rows = _csv_rows(client.get(consultation.url + "contributions.csv"))
        return len(queries), len(rows)

    def add(count: int):
        for number in range(count):
            services.contribution_create(
                target=consultation, author=author.user, text=f"Aporte {number}", check_rules=False
            )

    add(3)
    queries_for_export()  # warm Wagtail's and the content types' caches
    few, rows = queries_for_export()
    assert rows == 3
    add(27)
    many, rows = queries_for_export()
    assert rows == 30
    assert many == few


def test_plan_export_covers_each_published_consultation(client, plan, author):
    first = ConsultationPageFactory(parent=plan, title="Primer compromiso")
    second = ConsultationPageFactory(parent=plan, title="Segundo compromiso")
    gone = ConsultationPageFactory(parent=plan, title="Compromiso retirado")
    for page in (second, first, gone):
        services.contribution_create(target=page, author=author.user, text=f"Sobre {page.title}", check_rules=False)
    gone.unpublish()

    rows = _csv_rows(client.get(plan.url + "contributions.csv"))
    data = json.loads(_body(client.get(plan.url + "contributions.json")))

    assert [row["consultation"] for row in rows] == ["Primer compromiso", "Segundo compromiso"]
    assert [row["consultation"] for row in data["contributions"]] == ["Primer compromiso", "Segundo compromiso"]
    assert data["plan"]["title"] == plan.title
    assert [item["title"] for item in data["plan"]["consultations"]] == ["Primer compromiso", "Segundo compromiso"]


def test_a_draft_consultation_has_no_open_data(client, plan, author):
    draft = ConsultationPageFactory(parent=plan, slug="borrador")
    services.contribution_create(target=draft, author=author.user, text="Antes de retirarlo.", check_rules=False)
    draft.unpublish()

    for name in ("contributions.csv", "contributions.json", "statistics/"):
        assert client.get(draft.url + name).status_code == 404


def test_open_data_links_lead_to_the_statistics_and_the_files(client, rf, consultation, discussion):
    html = render_to_string(
        "discussions/includes/open_data_links.html", {"page": consultation, "request": rf.get(consultation.url)}
    )

    links = re.findall(r'href="([^"]+)"', html)
    assert links == [consultation.url + name for name in ("statistics/", "contributions.csv", "contributions.json")]
    assert all(client.get(link).status_code == 200 for link in links)
