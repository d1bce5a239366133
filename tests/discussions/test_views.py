import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from discussions import services
from discussions.forms import ContributionForm
from discussions.models import Contribution
from tests.accounts.factories import ParticipantFactory
from tests.consultations.factories import ConsultationPageFactory

pytestmark = pytest.mark.django_db


def _form_data(target, **fields):
    data = {key: str(value) for key, value in ContributionForm(target).initial.items()}
    data.update({"comment": "Propongo audiencias públicas en cada provincia.", "section": "", "follow": "on"})
    data.update(fields)
    return data


def _post(client, target, **fields):
    return client.post(reverse("discussions:post"), _form_data(target, **fields))


def test_participant_posts_on_a_section_and_lands_on_the_permalink(client, consultation, participant):
    client.force_login(participant.user)
    response = _post(client, consultation, section="actividades")

    contribution = Contribution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{consultation.url}#c{contribution.pk}"
    assert contribution.section_anchor == "actividades"
    page = client.get(consultation.url)
    html = page.content.decode()
    assert f'id="c{contribution.pk}"' in html
    assert "Propongo audiencias públicas en cada provincia." in html
    assert "Rosa Huamán" in html


def test_page_shows_threads_counts_per_section_and_reply_links(client, consultation, contribute, participant, other):
    top = contribute(participant, section_anchor="objetivo")
    reply = contribute(other, parent=top, text="Coincido, y añadiría Jaén.")
    html = client.get(consultation.url).content.decode()
    assert html.index(f'id="c{top.pk}"') < html.index(f'id="c{reply.pk}"')
    assert '<ol class="replies">' in html
    assert "?seccion=objetivo#aportes" in html
    assert reverse("discussions:reply", args=[top.pk]) in html
    filtered = client.get(consultation.url, {"seccion": "actividades"}).content.decode()
    assert f'id="c{top.pk}"' not in filtered


def test_orderings_and_pagination_of_top_level_threads(client, consultation, plan):
    authors = ParticipantFactory.create_batch(3)
    first = None
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False) as traveller:
        for number in range(21):
            traveller.shift(timedelta(seconds=10))
            contribution = services.contribution_create(
                target=consultation, author=authors[number % 3].user, text=f"Aporte número {number}", check_rules=False
            )
            first = first or contribution
    popular = Contribution.objects.get(comment="Aporte número 20")
    services.reaction_set(contribution=popular, user=authors[0].user, kind="support")

    oldest = client.get(consultation.url).content.decode()
    assert "Aporte número 0<" in oldest and "Aporte número 20<" not in oldest
    assert "pagina=2" in oldest
    assert "Aporte número 20<" in client.get(consultation.url, {"pagina": 2}).content.decode()
    newest = client.get(consultation.url, {"orden": "newest"}).content.decode()
    assert newest.index("Aporte número 20<") < newest.index("Aporte número 19<")
    supported = client.get(consultation.url, {"orden": "supported"}).content.decode()
    assert supported.index("Aporte número 20<") < supported.index("Aporte número 0<")


@pytest.mark.parametrize("logged_in", [False, True])
def test_rendering_costs_the_same_queries_for_5_or_60_contributions(client, plan, logged_in, participant, other):
    def queries_for(size):
        page = ConsultationPageFactory(parent=plan)
        top = None
        for number in range(size):
            author = (participant, other)[number % 2]
            parent = top if number % 3 else None
            contribution = services.contribution_create(
                target=page, author=author.user, text=f"Texto {number}", parent=parent, check_rules=False
            )
            top = contribution if parent is None else top
        if logged_in:
            services.reaction_set(
                contribution=top,
                user=participant.user if top.user_id != participant.user.pk else other.user,
                kind="support",
            )
        client.get(page.url)  # fills the per-process caches (content types, site root paths)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page.url).status_code == 200
        return len(queries)

    if logged_in:
        client.force_login(participant.user)
    assert queries_for(5) == queries_for(60)


def test_script_in_a_contribution_is_shown_as_text(client, consultation, contribute, participant):
    contribute(participant, text='<script>alert("x")</script> **hola** <a href="javascript:x()">y</a>')
    html = client.get(consultation.url).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert" in html
    assert "<strong>hola</strong>" in html


def test_forged_form_is_refused_and_the_text_given_back(client, consultation, participant):
    client.force_login(participant.user)
    response = _post(client, consultation, security_hash="0" * 40, comment="Mi texto largo y pensado")
    assert response.status_code == 400
    assert "Mi texto largo y pensado" in response.content.decode()
    assert not Contribution.objects.exists()


def test_expired_form_is_refused(client, consultation, participant):
    client.force_login(participant.user)
    data = _form_data(consultation)
    with time_machine.travel(time.time() + 3 * 3600):
        response = client.post(reverse("discussions:post"), data)
    assert response.status_code == 400
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(("window", "status"), [((-10, -1), 403), ((2, 9), 403)])
def test_posting_to_closed_or_upcoming_consultation_is_forbidden(client, plan, participant, window, status):
    now = timezone.now()
    page = ConsultationPageFactory(
        parent=plan, opens_at=now + timedelta(days=window[0]), closes_at=now + timedelta(days=window[1])
    )
    client.force_login(participant.user)
    response = _post(client, page, comment="No debería guardarse")
    assert response.status_code == status
    assert "No debería guardarse" in response.content.decode()
    assert not Contribution.objects.exists()


def test_posting_to_unpublished_or_missing_consultation_is_not_found(client, consultation, participant):
    client.force_login(participant.user)
    data = _form_data(consultation)
    consultation.unpublish()
    assert client.post(reverse("discussions:post"), data).status_code == 404
    data["object_pk"] = "999999"
    assert client.post(reverse("discussions:post"), data).status_code in (400, 404)
    data["content_type"] = "auth.user"
    assert client.post(reverse("discussions:post"), data).status_code in (400, 404)
    assert not Contribution.objects.exists()


def test_anonymous_post_is_forbidden_with_a_login_link(client, consultation):
    response = _post(client, consultation)
    assert response.status_code == 403
    assert reverse("accounts:login") in response.content.decode()
    assert not Contribution.objects.exists()


def test_sixth_post_in_a_minute_gets_429(client, consultation, participant):
    client.force_login(participant.user)
    statuses = [_post(client, consultation, comment=f"Aporte {n}").status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]
    assert Contribution.objects.count() == 5


def test_a_form_sent_twice_makes_one_contribution_and_says_so(client, consultation, participant):
    client.force_login(participant.user)
    data = _form_data(consultation)  # the very same form, submitted twice (a double click)
    first = client.post(reverse("discussions:post"), data)
    second = client.post(reverse("discussions:post"), data, follow=True)
    contribution = Contribution.objects.get()
    assert first["Location"] == f"{consultation.url}#c{contribution.pk}"
    assert second.redirect_chain[0][0] == first["Location"]
    assert "Ya había enviado este aporte" in second.content.decode()


@pytest.mark.parametrize("comment", ["", "   ", "x" * 5001])
def test_empty_or_over_long_post_shows_the_form_again_with_the_text(client, consultation, participant, comment):
    client.force_login(participant.user)
    response = _post(client, consultation, comment=comment)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert comment.strip() in html
    assert not Contribution.objects.exists()


def test_reply_to_a_contribution_of_another_consultation_is_refused(
    client, plan, consultation, contribute, participant, other
):
    foreign = contribute(participant, target=ConsultationPageFactory(parent=plan))
    client.force_login(other.user)
    response = _post(client, consultation, parent=foreign.pk)
    assert response.status_code == 400
    assert Contribution.objects.count() == 1


def test_reply_form_page_and_reply_post(client, consultation, contribute, participant, other):
    top = contribute(participant)
    client.force_login(other.user)
    assert client.get(reverse("discussions:reply", args=[top.pk])).status_code == 200
    response = _post(client, consultation, parent=top.pk, comment="Respondo a Rosa")
    reply = Contribution.objects.get(comment="Respondo a Rosa")
    assert response["Location"].endswith(f"#c{reply.pk}")
    assert (reply.parent_id, reply.level) == (top.pk, 1)


def test_reactions_and_repeated_flags_never_fail(client, consultation, contribute, participant, other):
    contribution = contribute(participant)
    client.force_login(other.user)
    for _ in range(2):
        assert client.post(reverse("discussions:react", args=[contribution.pk]), {"kind": "support"}).status_code == 302
    contribution.refresh_from_db()
    assert contribution.support_count == 1
    assert client.post(reverse("discussions:react", args=[contribution.pk]), {"kind": "love"}).status_code == 400
    flag_url = reverse("discussions:flag", args=[contribution.pk])
    assert client.post(flag_url, {"reason": "spam"}).status_code == 302
    assert client.post(flag_url, {"reason": "spam"}).status_code == 409


def test_edit_and_withdraw_through_the_pages(client, consultation, contribute, participant, other):
    contribution = contribute(participant, text="Versión inicial")
    reply = contribute(other, parent=contribution)
    client.force_login(participant.user)
    edit_url = reverse("discussions:edit", args=[contribution.pk])
    assert client.get(edit_url).status_code == 200
    assert client.post(edit_url, {"comment": "Versión corregida"}).status_code == 302
    html = client.get(consultation.url).content.decode()
    assert "Versión corregida" in html and "contribution__edited" in html

    assert client.post(reverse("discussions:withdraw", args=[contribution.pk])).status_code == 302
    html = client.get(consultation.url).content.decode()
    assert "Versión corregida" not in html
    assert f'id="c{reply.pk}"' in html
    client.force_login(other.user)
    assert client.post(edit_url, {"comment": "Ajeno"}).status_code == 403


def test_closed_consultation_shows_what_was_said_and_what_was_done(client, plan, participant, admin_user):
    page = ConsultationPageFactory(parent=plan)
    accepted = services.contribution_create(target=page, author=participant.user, text="Aceptado", check_rules=False)
    services.contribution_create(target=page, author=participant.user, text="Sin respuesta", check_rules=False)
    services.response_record(contribution=accepted, status="accepted", text="Entra en el hito 1.", responder=admin_user)
    page.closes_at = timezone.now() - timedelta(minutes=1)
    page.opens_at = page.closes_at - timedelta(days=10)
    page.save_revision().publish()

    html = client.get(page.url).content.decode()
    assert 'id="respuestas-heading"' in html
    assert "Entra en el hito 1." in html
    assert 'id="aportar"' not in html
    filtered = client.get(page.url, {"respuesta": "accepted"}).content.decode()
    assert "Aceptado" in filtered and "Sin respuesta" not in filtered


def test_following_and_unfollowing_a_thread_from_the_page(client, consultation, contribute, participant, other):
    from discussions.models import Follow

    top = contribute(participant)
    client.force_login(other.user)
    follow_form = f'name="thread" value="{top.pk}"><input type="hidden" name="following" value="%s">'
    assert follow_form % "1" in client.get(consultation.url).content.decode()
    data = {"content_type": "consultations.consultationpage", "object_pk": consultation.pk, "thread": top.pk}
    response = client.post(reverse("discussions:follow"), {**data, "following": "1"})
    assert response["Location"].endswith(f"#c{top.pk}")
    assert Follow.objects.filter(user=other.user, thread=top).exists()
    assert follow_form % "0" in client.get(consultation.url).content.decode()
    client.post(reverse("discussions:follow"), {**data, "following": "0"})
    assert not Follow.objects.filter(user=other.user).exists()
    assert client.post(reverse("discussions:follow"), {**data, "thread": "999999", "following": "1"}).status_code == 404


def test_a_reply_from_the_reply_page_and_a_corrected_post_land_on_the_consultation(
    client, consultation, contribute, participant, other
):
    top = contribute(participant)
    client.force_login(other.user)
    reply_page = client.get(reverse("discussions:reply", args=[top.pk])).content.decode()
    assert f'name="next" value="{consultation.url}"' in reply_page

    invalid = _post(client, consultation, comment="", next=consultation.url)
    assert f'name="next" value="{consultation.url}"' in invalid.content.decode()
    response = _post(client, consultation, parent=top.pk, comment="Ahora sí", next=consultation.url)
    assert response["Location"].startswith(f"{consultation.url}#c")
    elsewhere = _post(client, consultation, comment="Otro", next="https://evil.example/")
    assert elsewhere["Location"].startswith(f"{consultation.url}#c")


def test_the_form_help_is_in_the_readers_language(consultation):
    from django.utils import translation

    with translation.override("en"):
        english = ContributionForm(consultation).fields["comment"].help_text
    with translation.override("es"):
        spanish = ContributionForm(consultation).fields["comment"].help_text
    assert english.startswith("Up to 5 000 characters")
    assert spanish.startswith("Hasta 5 000 caracteres")
