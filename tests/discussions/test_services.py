from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone, translation

from core.links import absolute_url
from discussions import services
from discussions.errors import NotAllowed, NotFound, Refused, TooManyPosts
from discussions.models import Contribution, Status
from tests.accounts.factories import ParticipantFactory
from tests.consultations.factories import ConsultationPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Refusal messages are matched in English, the language of the message ids."""
    with translation.override("en"):
        yield


def test_contribution_on_a_section_keeps_a_snapshot_of_its_author(contribute, participant):
    contribution = contribute(participant, section_anchor="actividades")
    participant.display_name, participant.sector = "Otro nombre", "academia"
    participant.save()

    contribution.refresh_from_db()
    assert contribution.section_anchor == "actividades"
    assert (contribution.author_display_name, contribution.author_sector) == ("Rosa Huamán", "civil_society")
    assert contribution.author_territory.slug == "cajamarca"
    assert contribution.status == Status.PUBLISHED and contribution.level == 0


def test_unknown_section_is_refused(contribute, participant):
    with pytest.raises(NotFound):
        contribute(participant, section_anchor="no-existe")
    assert not Contribution.objects.exists()


def test_replies_nest_to_the_limit_and_deeper_ones_join_the_deepest_level(contribute, participant, other):
    top = contribute(participant, section_anchor="objetivo")
    chain = [top]
    for number in range(5):
        chain.append(contribute(other, text=f"Respondo {number}.", parent=chain[-1]))

    assert [c.level for c in chain] == [0, 1, 2, 3, 3, 3]
    assert {c.thread_id for c in chain} == {top.pk}
    assert chain[4].parent_id == chain[2].pk
    assert all(c.section_anchor == "objetivo" for c in chain)


@override_settings(COMMENTS_XTD_MAX_THREAD_LEVEL=1)
def test_thread_depth_is_configurable(contribute, participant, other):
    top = contribute(participant)
    reply = contribute(other, parent=top)
    deeper = contribute(participant, parent=reply)
    assert (reply.level, deeper.level, deeper.parent_id) == (1, 1, top.pk)


def test_reply_to_a_contribution_of_another_consultation_is_refused(contribute, participant, plan):
    elsewhere = ConsultationPageFactory(parent=plan)
    foreign = contribute(participant, target=elsewhere)
    with pytest.raises(Refused, match="same discussion"):
        contribute(participant, parent=foreign)
    assert Contribution.objects.count() == 1


@pytest.mark.parametrize(
    ("window", "error"),
    [
        ({"opens_at": timedelta(days=-10), "closes_at": timedelta(days=-1)}, "closed"),
        ({"opens_at": timedelta(days=2), "closes_at": timedelta(days=9)}, "not open"),
    ],
)
def test_closed_and_upcoming_consultations_take_no_contribution(plan, participant, window, error):
    now = timezone.now()
    page = ConsultationPageFactory(parent=plan, **{key: now + delta for key, delta in window.items()})
    with pytest.raises(NotAllowed, match=error):
        services.contribution_create(target=page, author=participant.user, text="Hola")
    assert not Contribution.objects.exists()


def test_unpublished_consultation_takes_no_contribution(consultation, participant):
    consultation.unpublish()
    with pytest.raises(NotFound):
        services.contribution_create(target=consultation, author=participant.user, text="Hola")


@pytest.mark.parametrize(
    ("change", "message"),
    [({"email_confirmed_at": None}, "Confirm your e-mail"), ({"suspended_at": timezone.now()}, "suspended")],
)
def test_unconfirmed_or_suspended_participants_cannot_write(contribute, change, message):
    participant = ParticipantFactory(**change)
    with pytest.raises(NotAllowed, match=message):
        contribute(participant)


def test_anonymous_visitors_cannot_write(consultation):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed, match="Log in"):
        services.contribution_create(target=consultation, author=AnonymousUser(), text="Hola")


@pytest.mark.parametrize(("text", "message"), [("   ", "Write something"), ("x" * 5001, "5000 characters")])
def test_empty_and_over_long_text_is_refused(contribute, participant, text, message):
    with pytest.raises(Refused, match=message):
        contribute(participant, text=text)


def test_more_than_five_posts_a_minute_is_refused(contribute, participant):
    for number in range(5):
        contribute(participant, text=f"Propuesta número {number}.")
    with pytest.raises(TooManyPosts):
        contribute(participant, text="Una más.")
    assert Contribution.objects.count() == 5


def test_the_same_post_sent_twice_is_stored_once(contribute, participant, other):
    first = contribute(participant, text="Publicar el presupuesto por provincia.")
    again = contribute(participant, text="  Publicar el presupuesto por provincia.  ")  # a double click
    assert again.pk == first.pk and again.resubmitted
    reply = contribute(other, text="De acuerdo.", parent=first)
    assert contribute(other, text="De acuerdo.", parent=first).pk == reply.pk
    # The same words are a new contribution elsewhere in the thread, from someone else, or later.
    assert contribute(other, text="Publicar el presupuesto por provincia.").pk != first.pk
    assert contribute(participant, text="De acuerdo.", parent=first).pk != reply.pk
    Contribution.objects.filter(pk=first.pk).update(submit_date=timezone.now() - services.RESUBMISSION_WINDOW)
    assert contribute(participant, text="Publicar el presupuesto por provincia.").pk != first.pk
    assert Contribution.objects.count() == 5


def test_a_repeated_post_is_not_refused_by_the_rate_limit(contribute, participant):
    for number in range(5):
        contribute(participant, text=f"Propuesta número {number}.")
    assert contribute(participant, text="Propuesta número 4.").resubmitted  # a retry, not a sixth post


def test_markup_is_a_sanitised_markdown_subset(contribute, participant):
    contribution = contribute(
        participant,
        text='Hola *equipo*\n\n- uno\n- [enlace](https://proetica.org.pe)\n\n<script>alert("x")</script>'
        " <img src=x onerror=alert(1)> [mal](javascript:alert(1))",
    )
    html = contribution.body_html
    assert "<em>equipo</em>" in html and "<li>uno</li>" in html
    assert '<a href="https://proetica.org.pe" rel="nofollow ugc">enlace</a>' in html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_authors_edit_for_fifteen_minutes_and_earlier_text_is_kept(contribute, participant, other):
    contribution = contribute(participant, text="Primera versión")
    with pytest.raises(NotAllowed):
        services.contribution_edit(contribution=contribution, editor=other.user, text="Ajeno")

    services.contribution_edit(contribution=contribution, editor=participant.user, text="Segunda versión")
    contribution.refresh_from_db()
    assert contribution.comment == "Segunda versión" and contribution.edited_at
    assert list(contribution.revisions.values_list("comment", flat=True)) == ["Primera versión"]

    with time_machine.travel(timezone.now() + timedelta(minutes=16)), pytest.raises(NotAllowed, match="15 minutes"):
        services.contribution_edit(contribution=contribution, editor=participant.user, text="Tarde")


def test_withdrawal_replaces_the_text_and_keeps_the_replies(contribute, participant, other):
    top = contribute(participant, text="Texto que retiraré")
    reply = contribute(other, parent=top)
    services.contribution_withdraw(contribution=top, author=participant.user)

    top.refresh_from_db()
    assert top.is_withdrawn and top.comment == "" and top.body_html == "" and not top.is_visible
    assert Contribution.objects.get(pk=reply.pk).is_visible


def test_one_reaction_per_participant_changeable_and_repeatable(contribute, participant, other):
    contribution = contribute(participant)
    for kind in ("support", "support", "disagree"):
        services.reaction_set(contribution=contribution, user=other.user, kind=kind)
    contribution.refresh_from_db()
    assert (contribution.support_count, contribution.disagree_count) == (0, 1)

    services.reaction_set(contribution=contribution, user=other.user, kind=None)
    contribution.refresh_from_db()
    assert (contribution.support_count, contribution.disagree_count) == (0, 0)
    with pytest.raises(NotAllowed):
        services.reaction_set(contribution=contribution, user=participant.user, kind="support")


def test_enough_distinct_flags_hide_a_contribution_and_a_moderator_restores_it(contribute, participant, admin_user):
    contribution = contribute(participant)
    reporters = ParticipantFactory.create_batch(3)
    services.flag_create(contribution=contribution, user=reporters[0].user, reason="spam")
    with pytest.raises(Refused, match="already reported") as repeated:
        services.flag_create(contribution=contribution, user=reporters[0].user, reason="abusive")
    assert repeated.value.status == 409
    services.flag_create(contribution=contribution, user=reporters[1].user, reason="off_topic")
    assert Contribution.objects.get(pk=contribution.pk).status == Status.PUBLISHED
    services.flag_create(contribution=contribution, user=reporters[2].user, reason="abusive")
    contribution.refresh_from_db()
    assert contribution.status == Status.HELD and not contribution.is_public

    services.moderation_approve(contribution=contribution, moderator=admin_user)
    contribution.refresh_from_db()
    assert contribution.status == Status.PUBLISHED and contribution.flag_count == 0


def test_removal_needs_a_reason_that_reaches_the_author(
    contribute, participant, admin_user, django_capture_on_commit_callbacks
):
    contribution = contribute(participant)
    with pytest.raises(Refused):
        services.moderation_remove(contribution=contribution, moderator=admin_user, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_remove(contribution=contribution, moderator=admin_user, reason="Contiene insultos.")
    contribution.refresh_from_db()
    assert contribution.status == Status.REMOVED and contribution.is_removed
    assert [m.to for m in mail.outbox] == [[participant.user.email]]
    assert "Contiene insultos." in mail.outbox[0].body


def test_premoderated_consultation_holds_every_contribution(consultation, contribute, participant, admin_user):
    consultation.premoderated = True
    consultation.save()
    contribution = contribute(participant)
    assert contribution.status == Status.HELD and not contribution.is_public
    services.moderation_approve(contribution=contribution, moderator=admin_user)
    assert Contribution.objects.get(pk=contribution.pk).is_visible


def test_only_government_accounts_post_official_replies(contribute, participant, official):
    top = contribute(participant)
    with pytest.raises(NotAllowed):
        contribute(participant, parent=top, official=True)
    reply = contribute(official, parent=top, official=True, text="Respuesta oficial.")
    assert reply.is_official


def test_followers_get_mail_on_replies_and_official_responses(
    contribute, participant, other, official, consultation, django_capture_on_commit_callbacks
):
    top = contribute(participant, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        contribute(other, parent=top, text="Estoy de acuerdo con Rosa.")
        contribute(official, parent=top, official=True, text="El Gobierno Regional lo incluirá.")

    assert [m.to for m in mail.outbox] == [[participant.user.email], [participant.user.email]]
    assert "Estoy de acuerdo con Rosa." in mail.outbox[0].body
    assert absolute_url(consultation.url) in mail.outbox[0].body
    assert "Official reply" in mail.outbox[1].subject or "Respuesta oficial" in mail.outbox[1].subject

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.response_record(
            contribution=top, status="accepted", text="Se incorpora al hito 2.", responder=official.user
        )
    assert [m.to for m in mail.outbox] == [[participant.user.email]]
    assert "Se incorpora al hito 2." in mail.outbox[0].body


def test_following_the_whole_consultation_reports_every_new_thread(
    contribute, participant, other, consultation, django_capture_on_commit_callbacks
):
    services.follow_set(user=participant.user, target=consultation, following=True)
    with django_capture_on_commit_callbacks(execute=True):
        contribute(other)
    assert [m.to for m in mail.outbox] == [[participant.user.email]]


def test_a_reasoned_response_is_for_top_level_contributions_and_needs_its_reason(
    contribute, participant, other, admin_user
):
    top = contribute(participant)
    reply = contribute(other, parent=top)
    with pytest.raises(Refused):
        services.response_record(contribution=reply, status="accepted", text="Sí", responder=admin_user)
    with pytest.raises(Refused):
        services.response_record(contribution=top, status="accepted", text="", responder=admin_user)
    with pytest.raises(Refused):
        services.response_record(contribution=top, status="maybe", text="Porque sí", responder=admin_user)
    services.response_record(contribution=top, status="partially_accepted", text="En parte.", responder=admin_user)
    assert Contribution.objects.get(pk=top.pk).get_response_status_display()


def test_an_organisation_is_shown_beside_a_contribution_only_once_verified(contribute):
    from tests.accounts.factories import OrganisationFactory

    verified = ParticipantFactory(organisation=OrganisationFactory(name="Red de Vigilancia Ciudadana"))
    requested = ParticipantFactory(organisation=OrganisationFactory(name="Organización sin verificar", verified=False))
    assert contribute(verified).author_organisation == "Red de Vigilancia Ciudadana"
    assert contribute(requested).author_organisation == ""
