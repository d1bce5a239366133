"""What a reader sees: the government's responses as a closed consultation's headline, a
filtered discussion that counts what it shows, charts that keep their text readable, an
author's organisation once, machine-readable times, robots.txt."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from discussions import services
from discussions.charts import bar_chart, column_chart
from tests.consultations.factories import ConsultationPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(plan, participant, other, admin_user):
    page = ConsultationPageFactory(parent=plan, title="Obras en datos abiertos")
    accepted = services.contribution_create(
        target=page, author=participant.user, text="Publicar contratos", check_rules=False
    )
    services.contribution_create(
        target=page, author=other.user, text="Y las adendas", parent=accepted, check_rules=False
    )
    refused = services.contribution_create(target=page, author=other.user, text="Un hospital", check_rules=False)
    services.contribution_create(target=page, author=participant.user, text="Sin respuesta aún", check_rules=False)
    services.response_record(contribution=accepted, status="accepted", text="Hito 2.", responder=admin_user)
    services.response_record(contribution=refused, status="out_of_scope", text="Es una obra.", responder=admin_user)
    page.closes_at = timezone.now() - timedelta(minutes=1)
    page.opens_at = page.closes_at - timedelta(days=10)
    page.save_revision().publish()
    return page


def _soup(client, url, **query) -> BeautifulSoup:
    response = client.get(url, query, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_a_closed_consultation_leads_with_what_was_said_and_what_was_done(client, closed):
    page = _soup(client, closed.url)

    summary = page.select_one(".response-summary")
    discussion = page.select_one("#aportes")
    assert summary is not None and summary.sourceline < discussion.sourceline  # the headline, before the comments
    legend = {item.a.get_text(strip=True): item for item in summary.select(".shares-legend li") if item.a}
    assert set(legend) == {"Aceptado", "Fuera de alcance"}
    assert legend["Aceptado"].a["href"].endswith("respuesta=accepted#aportes")
    assert "1 aporte (33 %)" in legend["Aceptado"].get_text(" ", strip=True)
    assert len(summary.select(".shares .shares__part")) == 3  # accepted, out of scope, awaiting
    answered = page.find(id=f"c{closed.discussion_page.pk}") or page
    assert answered.select_one(".contribution--responded .response") is not None


def test_a_discussion_filtered_by_response_counts_what_it_shows(client, closed):
    page = _soup(client, closed.url, respuesta="accepted")

    assert (
        page.select_one("#aportes-heading .count").get_text(strip=True) == "(2)"
    )  # the thread: a contribution and its reply
    note = page.select_one("#aportes .filter-note").get_text(" ", strip=True)
    assert "Se muestran 2 de 4 aportes" in note and "Aceptado" in note
    unfiltered = _soup(client, closed.url)
    assert unfiltered.select_one("#aportes-heading .count").get_text(strip=True) == "(4)"


def test_charts_keep_their_text_at_its_size_on_a_phone():
    bars = BeautifulSoup(
        bar_chart(chart_id="c", title="T", description="D", items=[("Cajamarca", 8), ("Jaén", 2)]), "html.parser"
    )
    columns = BeautifulSoup(
        column_chart(chart_id="d", title="T", description="D", items=[("1 nov", 3), ("2 nov", 1)]), "html.parser"
    )

    for svg in (bars.svg, columns.svg):
        assert not svg.has_attr("viewbox")  # no scaling: the font size is in CSS pixels
        assert svg["font-size"] == "14"
    widths = [rect["width"] for rect in bars.select("g rect")]
    assert widths == ["100.00%", "25.00%"]
    label, value = bars.select("g")[0].select("text")
    assert float(label["y"]) < float(bars.select("g rect")[0]["y"])  # the label above its bar
    assert value["x"] == "100%" and value["text-anchor"] == "end"


def test_an_author_whose_name_is_their_organisations_shows_it_once(client, consultation, participant):
    contribution = services.contribution_create(
        target=consultation, author=participant.user, text="Un aporte", check_rules=False
    )
    contribution.author_display_name = contribution.author_organisation = "Observatorio Ciudadano"
    contribution.save()

    article = _soup(client, consultation.url).select_one(f"#c{contribution.pk}")

    assert article.select_one(".contribution__author").get_text(strip=True) == "Observatorio Ciudadano"
    assert "Observatorio Ciudadano" not in article.select_one(".contribution__meta").get_text()


def test_times_are_given_to_the_second_as_html_allows():
    moment = datetime(2026, 11, 30, 20, 48, 16, 123456, tzinfo=ZoneInfo("UTC"))

    rendered = Template("{% load core_tags %}{{ moment|datetime_attr }}").render(Context({"moment": moment}))

    assert rendered == "2026-11-30T15:48:16-05:00"


def test_robots_keep_out_of_accounts_actions_and_search_and_find_the_sitemap(client, settings):
    lines = client.get(reverse("robots_txt")).content.decode().splitlines()

    assert "User-agent: *" in lines
    for language in ("es", "en"):  # the paths are the subject here: what robots.txt names
        assert f"Disallow: /{language}/cuenta/" in lines
        assert f"Disallow: /{language}/aportes/" in lines
    assert f"Sitemap: {settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{reverse('sitemap')}" in lines
