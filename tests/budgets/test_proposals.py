"""Proposals through the services: proposing, supporting, evaluating, merging, hiding."""

from io import BytesIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.models import ModelLogEntry

from accounts.services import participant_delete
from budgets.models import Proposal, Support, Viability
from budgets.services import proposals as services
from core.models import Territory
from discussions import services as discussion_services
from discussions.errors import NotAllowed, Refused, TooManyPosts
from discussions.models import DiscussionEvent
from discussions.selectors import is_following
from tests.accounts.factories import OrganisationFactory, ParticipantFactory

from . import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def open_for_proposals(home_page):
    return factories.edition(home_page, phase="proposals", envelopes={"jaen": 1_000_000, None: 3_000_000})


def propose(process, participant, **fields):
    values = {
        "title": "Canal de riego revestido en Bellavista",
        "problem": "El canal de tierra pierde la mitad del agua.",
        "description": "Revestimiento de **3,2 km** de canal.",
        "territory": Territory.objects.get(slug="jaen"),
        "district": "Bellavista",
        "category": factories.category("agricultura-y-riego"),
        "beneficiaries": 620,
        "estimated_cost": 900_000,
        **fields,
    }
    return services.proposal_create(process=process, author=participant.user, **values)


def photo(name="canal.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- proposing ----------------------------------------------------------------------------
def test_a_participant_proposes_a_project_and_follows_its_discussion(open_for_proposals, author):
    proposal = propose(open_for_proposals, author)

    assert proposal.viability == Viability.PENDING and proposal.support_count == 0
    assert proposal.author_display_name == "Mesa de Concertación de Jaén"
    assert proposal.description_html == "<p>Revestimiento de <strong>3,2 km</strong> de canal.</p>"
    assert proposal.place == "Jaén · Bellavista"
    assert is_following(author.user, proposal)


def test_photos_and_documents_become_wagtail_images_and_documents(open_for_proposals, author):
    document = SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta de la asamblea", content_type="application/pdf")

    proposal = propose(open_for_proposals, author, images=[photo()], documents=[document])

    image = proposal.images.get().image
    assert (image.width, image.height) == (40, 30) and image.collection.name == "Presupuesto participativo"
    assert proposal.documents.get().document.title == "acta.pdf"


def test_an_organisations_representative_proposes_on_its_behalf(open_for_proposals):
    organisation = OrganisationFactory(name="Junta de Usuarios de Riego de Jaén")
    representative = ParticipantFactory(organisation=organisation)

    proposal = propose(open_for_proposals, representative, on_behalf_of_organisation=True)

    assert proposal.author_organisation == "Junta de Usuarios de Riego de Jaén"


def test_speaking_for_an_unverified_organisation_is_not_shown(open_for_proposals):
    representative = ParticipantFactory(organisation=OrganisationFactory(verified=False))

    assert propose(open_for_proposals, representative, on_behalf_of_organisation=True).author_organisation == ""


def test_a_region_wide_proposal_goes_to_the_region_wide_envelope(open_for_proposals, author):
    proposal = propose(open_for_proposals, author, territory=None, district="", estimated_cost=2_500_000)

    assert proposal.envelope.is_regional and proposal.place == "Region-wide"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "Give the proposal a title."),
        ({"problem": ""}, "Say which problem the project solves."),
        ({"beneficiaries": 0}, "Say how many people would benefit."),
        ({"estimated_cost": 0}, "Give the estimated cost in soles."),
        ({"estimated_cost": 1_000_001}, "more than the whole envelope of Jaén (S/ 1,000,000)"),
        ({"territory": "chota"}, "This edition has no envelope for Chota."),
        ({"title": "x" * 161}, "limited to 160 characters"),
    ],
)
def test_an_incomplete_or_impossible_proposal_is_refused(open_for_proposals, author, fields, message):
    if fields.get("territory") == "chota":
        fields["territory"] = Territory.objects.get(slug="chota")

    with pytest.raises(Refused) as refused:
        propose(open_for_proposals, author, **fields)

    assert message in str(refused.value.message)
    assert not Proposal.objects.exists()


def test_a_category_outside_the_edition_is_refused(open_for_proposals, author):
    open_for_proposals.categories.set([factories.category("salud")])

    with pytest.raises(Refused, match="one of this edition's categories"):
        propose(open_for_proposals, author, category=factories.category("agricultura-y-riego"))


@pytest.mark.parametrize("phase", ["upcoming", "evaluation", "voting"])
def test_proposals_are_taken_only_in_the_proposal_phase(home_page, author, phase):
    process = factories.edition(home_page, phase=phase, envelopes={"jaen": 1_000_000})

    with pytest.raises(NotAllowed, match=r"Proposals (open|closed) on"):
        propose(process, author)


def test_the_same_proposal_sent_twice_is_stored_once(open_for_proposals, author):
    first = propose(open_for_proposals, author)

    second = propose(open_for_proposals, author, title="canal de riego revestido en bellavista")

    assert second.pk == first.pk and second.resubmitted
    assert Proposal.objects.count() == 1


def test_a_participant_makes_a_limited_number_of_proposals_a_day(open_for_proposals, author, settings):
    settings.BUDGETS_PROPOSALS_PER_DAY = 2
    propose(open_for_proposals, author, title="Uno")
    propose(open_for_proposals, author, title="Dos")

    with pytest.raises(TooManyPosts):
        propose(open_for_proposals, author, title="Tres")


def test_a_proposal_is_a_discussion_host(open_for_proposals, author, voter):
    proposal = propose(open_for_proposals, author)

    contribution = discussion_services.contribution_create(
        target=proposal, author=voter.user, text="¿Incluye las tomas laterales?"
    )

    assert contribution.content_object == proposal
    assert contribution.get_absolute_url() == f"{proposal.url}#{contribution.anchor}"
    assert proposal.search_facets()["territories"] == ["jaen"]


# --- supports ----------------------------------------------------------------------------
def test_supporting_counts_once_and_can_be_taken_back(open_for_proposals, author, voter):
    proposal = propose(open_for_proposals, author)

    services.proposal_support(proposal=proposal, user=voter.user, supporting=True)
    services.proposal_support(proposal=proposal, user=voter.user, supporting=True)
    assert Proposal.objects.get(pk=proposal.pk).support_count == 1

    services.proposal_support(proposal=proposal, user=voter.user, supporting=False)
    assert Proposal.objects.get(pk=proposal.pk).support_count == 0


def test_an_author_cannot_support_their_own_proposal(open_for_proposals, author):
    proposal = propose(open_for_proposals, author)

    with pytest.raises(NotAllowed, match="your own proposal"):
        services.proposal_support(proposal=proposal, user=author.user, supporting=True)


def test_supports_close_with_the_proposal_phase(home_page, author, voter):
    process = factories.edition(home_page, phase="evaluation")
    proposal = factories.proposal(process, author.user, viability="pending")

    with pytest.raises(NotAllowed, match="can be supported from"):
        services.proposal_support(proposal=proposal, user=voter.user, supporting=True)


# --- evaluation ----------------------------------------------------------------------------
def test_the_technical_team_evaluates_and_the_author_is_told_by_mail(
    open_for_proposals, author, technician, django_capture_on_commit_callbacks
):
    proposal = propose(open_for_proposals, author)

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_evaluate(
            proposal=proposal,
            evaluator=technician,
            viability="viable",
            reason="Viable: el canal existe y la junta aporta la mano de obra.",
            evaluated_cost=950_000,
            cui="2561140",
        )

    proposal.refresh_from_db()
    assert (proposal.viability, proposal.evaluated_cost, proposal.cui) == ("viable", 950_000, "2561140")
    assert proposal.is_candidate and proposal.cost == 950_000
    assert ModelLogEntry.objects.get(action="budgets.evaluate").user == technician
    [message] = mail.outbox
    assert message.to == [author.user.email]
    assert "Viable: el canal existe" in message.body and proposal.title in message.subject


def test_a_proposal_found_not_viable_keeps_its_public_reason(open_for_proposals, author, technician):
    proposal = propose(open_for_proposals, author)

    services.proposal_evaluate(
        proposal=proposal, evaluator=technician, viability="not_viable", reason="Ya está en el programa nacional."
    )

    proposal.refresh_from_db()
    assert proposal.viability == "not_viable" and not proposal.is_candidate and not proposal.hidden
    assert proposal.evaluation_reason == "Ya está en el programa nacional."


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"viability": "viable", "reason": "Bien.", "evaluated_cost": None}, "needs its evaluated cost"),
        ({"viability": "viable", "reason": "Bien.", "evaluated_cost": 2_000_000}, "more than the whole envelope"),
        ({"viability": "not_viable", "reason": "   "}, "Give the reason"),
        ({"viability": "maybe", "reason": "?"}, "viable or not viable"),
        ({"viability": "viable", "reason": "Bien.", "evaluated_cost": 10, "cui": "12345"}, "exactly 7 digits"),
    ],
)
def test_an_evaluation_without_its_reason_or_cost_is_refused(open_for_proposals, author, technician, fields, message):
    proposal = propose(open_for_proposals, author)

    with pytest.raises(Refused) as refused:
        services.proposal_evaluate(proposal=proposal, evaluator=technician, **fields)

    assert message in str(refused.value.message)


def test_only_the_technical_team_evaluates(open_for_proposals, author, planner):
    proposal = propose(open_for_proposals, author)

    for user in (author.user, planner):
        with pytest.raises(NotAllowed):
            services.proposal_evaluate(proposal=proposal, evaluator=user, viability="not_viable", reason="No.")


def test_evaluations_cannot_change_once_voting_opens(voting, author, technician):
    proposal = factories.proposal(voting, author.user)

    with pytest.raises(NotAllowed, match="Voting has opened"):
        services.proposal_evaluate(proposal=proposal, evaluator=technician, viability="not_viable", reason="No.")


# --- merging and hiding ------------------------------------------------------------------------
def test_merging_keeps_both_proposals_and_counts_every_supporter_once(open_for_proposals, author, voter, planner):
    source = propose(open_for_proposals, author, title="Canal en Bellavista")
    target = propose(open_for_proposals, author, title="Revestir el canal de Bellavista")
    both, only_source = voter.user, ParticipantFactory().user
    for user in (both, only_source):
        services.proposal_support(proposal=source, user=user, supporting=True)
    services.proposal_support(proposal=target, user=both, supporting=True)

    services.proposal_merge(source=source, target=target, manager=planner, reason="Duplicada")

    source.refresh_from_db()
    target.refresh_from_db()
    assert source.merged_into == target and not source.hidden
    assert target.support_count == 2 and source.support_count == 2
    assert Support.objects.filter(proposal=target, via=source).count() == 1
    assert source.discussion_refusal(voter.user) is not None
    assert DiscussionEvent.objects.filter(kind="discussion.closed", object_pk=str(source.pk)).exists()
    assert ModelLogEntry.objects.filter(action="budgets.merge").count() == 2


def test_a_merge_is_refused_across_editions_or_twice(open_for_proposals, home_page, author, planner):
    first, second, third = (propose(open_for_proposals, author, title=t) for t in ("Uno", "Dos", "Tres"))
    elsewhere = factories.proposal(
        factories.edition(home_page, phase="proposals", slug="otra"), author.user, viability="pending"
    )

    with pytest.raises(Refused, match="same edition"):
        services.proposal_merge(source=first, target=elsewhere, manager=planner)
    services.proposal_merge(source=first, target=second, manager=planner)
    first.refresh_from_db()
    with pytest.raises(Refused, match="cannot be merged again"):
        services.proposal_merge(source=first, target=third, manager=planner)
    with pytest.raises(NotAllowed):
        services.proposal_merge(source=second, target=third, manager=author.user)


def test_a_hidden_proposal_keeps_its_reason_in_the_history(open_for_proposals, author, planner):
    proposal = propose(open_for_proposals, author)

    with pytest.raises(Refused, match="Say why"):
        services.proposal_hide(proposal=proposal, manager=planner, hidden=True)
    services.proposal_hide(proposal=proposal, manager=planner, hidden=True, reason="Publicidad de una empresa.")

    proposal.refresh_from_db()
    assert proposal.hidden and not proposal.is_visible_to(author.user)
    assert ModelLogEntry.objects.get(action="budgets.hide").data["reason"] == "Publicidad de una empresa."


def test_a_participant_who_leaves_leaves_their_proposals_anonymised(open_for_proposals, author):
    proposal = propose(open_for_proposals, author)

    participant_delete(user=author.user)

    proposal.refresh_from_db()
    assert proposal.author is None and proposal.author_display_name != "Mesa de Concertación de Jaén"
