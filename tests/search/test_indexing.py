"""What reaches the index, and what never does: every change a participant or an editor
makes is reflected after the commit; drafts, private pages, held or removed
contributions and e-mail addresses are never found."""

import json

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import PageViewRestriction

from discussions import services
from search import indexing, query
from search.models import IndexingBacklog, SearchDocument
from tests.accounts.factories import ParticipantFactory
from tests.consultations.factories import ConsultationPageFactory
from tests.search.conftest import index_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(consultation):
    """The consultation as editors publish it: through a revision."""
    consultation.save_revision().publish()
    return consultation


@pytest.fixture
def author(db):
    return ParticipantFactory(display_name="Rosa Huamán", user__email="rosa.privada@example.org")


def _contribute(target, author, text="Propongo audiencias públicas en cada provincia.", **kwargs):
    return services.contribution_create(target=target, author=author.user, text=text, **kwargs)


def test_publishing_and_contributing_make_both_findable_with_the_exact_anchor(engine, published, author):
    contribution = _contribute(published, author)
    index_now()

    results = query.search({"q": ["audiencias provincia"]})
    urls = {hit.url for hit in results.hits}
    assert f"{published.url}#c{contribution.pk}" in urls
    assert any(hit.kind == "consultation" for hit in query.search({"q": ["talleres descentralizados"]}).hits)
    assert not IndexingBacklog.objects.exists()


def test_a_draft_is_never_indexed(engine, plan):
    draft = ConsultationPageFactory(parent=plan, title="Borrador secreto de compromiso", live=False)
    draft.save_revision()
    indexing.queue([f"page:{draft.pk}"])  # whatever asks, a draft yields nothing
    index_now()
    assert query.search({"q": ["borrador secreto"]}).total == 0
    assert not SearchDocument.objects.filter(doc_id=f"consultation-{draft.pk}").exists()


def test_unpublishing_removes_the_page_and_its_contributions(engine, published, author):
    _contribute(published, author)
    index_now()
    assert query.search({"q": ["audiencias"]}).total == 2

    published.unpublish()
    index_now()
    assert query.search({"q": ["audiencias"]}).total == 0
    assert query.search({"q": ["talleres"]}).total == 0


def test_a_page_behind_a_view_restriction_is_not_found(engine, published, author):
    _contribute(published, author)
    index_now()
    PageViewRestriction.objects.create(page=published, restriction_type=PageViewRestriction.LOGIN)
    index_now()
    assert query.search({"q": ["audiencias"]}).total == 0


def test_held_contributions_wait_for_approval_and_removed_ones_leave(engine, published, author, django_user_model):
    published.premoderated = True
    published.save_revision().publish()
    moderator = django_user_model.objects.create_superuser("moderadora", "m@example.org", "x")
    contribution = _contribute(published, author, text="Una propuesta sobre semáforos inteligentes.")
    index_now()
    assert query.search({"q": ["semáforos"]}).total == 0

    services.moderation_approve(contribution=contribution, moderator=moderator)
    index_now()
    assert query.search({"q": ["semáforos"]}).total == 1

    services.moderation_remove(contribution=contribution, moderator=moderator, reason="Fuera de tema")
    index_now()
    assert query.search({"q": ["semáforos"]}).total == 0


def test_edits_replace_the_text_and_a_withdrawal_removes_it(engine, published, author):
    contribution = _contribute(published, author, text="Texto con una errata: semafros.")
    index_now()
    services.contribution_edit(contribution=contribution, editor=author.user, text="Texto corregido: ciclovías.")
    index_now()
    assert query.search({"q": ["ciclovías"]}).total == 1
    assert query.search({"q": ["errata"]}).total == 0

    services.contribution_withdraw(contribution=contribution, author=author.user)
    index_now()
    assert query.search({"q": ["ciclovías"]}).total == 0


def test_a_response_is_found_as_the_governments_answer_to_its_contribution(engine, published, author):
    contribution = _contribute(published, author)
    responder = get_user_model().objects.create_superuser("planeamiento", "p@example.org", "x")
    services.response_record(
        contribution=contribution,
        status="accepted",
        text="Se incluirán audiencias en las trece provincias.",
        responder=responder,
    )
    index_now()

    results = query.search({"q": ["trece provincias"], "kind": ["response"]})
    assert results.total == 1
    hit = results.hits[0]
    assert hit.url.endswith(f"#c{contribution.pk}")
    assert hit.response_status == "Aceptado" or hit.response_status == "Accepted"
    assert "Rosa Huamán" in hit.context
    assert query.search({"q": [""], "status": ["accepted"], "kind": ["contribution"]}).total == 1


def test_no_email_address_reaches_the_index(engine, published, author):
    _contribute(published, author)
    index_now()
    stored = json.dumps(list(SearchDocument.objects.values()), default=str)
    assert "rosa.privada@example.org" not in stored
    assert "@" not in stored
    results = query.search({"q": ["rosa"]})
    assert results.total == 1
    assert "rosa.privada" not in json.dumps([hit.__dict__ for hit in results.hits], default=str)


def test_deleting_a_consultation_takes_its_contributions_out(engine, published, author):
    _contribute(published, author)
    index_now()
    published.delete()
    index_now()
    assert query.search({"q": ["audiencias"]}).total == 0
    assert not SearchDocument.objects.exists() or not SearchDocument.objects.filter(kind="contribution").exists()


def test_moving_a_consultation_updates_its_contributions_addresses(engine, published, author, plan):
    from tests.consultations.factories import ActionPlanPageFactory

    contribution = _contribute(published, author)
    index_now()
    other_plan = ActionPlanPageFactory(parent=plan.get_parent())
    published.move(other_plan, pos="last-child")
    published.refresh_from_db()
    index_now()
    hit = next(hit for hit in query.search({"q": ["audiencias"], "kind": ["contribution"]}).hits)
    assert hit.url == f"{published.url}#c{contribution.pk}"
    assert hit.plan_title == other_plan.title
