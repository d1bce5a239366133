"""Judged relevance: a resident's query finds the proposal it is about.

All 80 Decide Madrid proposals and their 5,633 comments imported into one consultation
with ``manage.py import_contributions`` (``tests/search_relevance.py``); 40 queries
judged by hand against the proposal each should find (``judged_queries.csv``, with why).
Both engines must put the proposal in the first ten hits of the search API for nine
queries in ten, and OpenSearch must rank at least as well as the database engine.

The import takes minutes, so it is made once for the module, in a transaction rolled
back at the end; each test runs inside it.
"""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from discussions.importing import import_prefix
from discussions.models import Contribution
from search import indexing
from search.engines import database_engine
from tests import decide_madrid, search_relevance, site
from tests.conftest import analyze, restore_initial_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not decide_madrid.available(), reason="the Decide Madrid sample is missing"),
]

SUCCESS_AT_10 = 0.9
#: The apps whose tables the import and the indexing fill.
ANALYSED = ("discussions", "django_comments", "django_comments_xtd", "search")


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, tmp_path_factory):
    """Contribution id → its row's reference in the import file; the database engine's
    documents written."""
    from tests.consultations.factories import ActionPlanPageFactory, ConsultationPageFactory, PlanIndexPageFactory

    path = tmp_path_factory.mktemp("madrid") / "madrid.csv"
    path.write_text(search_relevance.import_csv().getvalue(), encoding="utf-8")
    with django_db_blocker.unblock():
        restore_initial_data()  # the transactional tests that ran before left it empty
    with django_db_blocker.unblock(), transaction.atomic():
        plan = ActionPlanPageFactory(parent=PlanIndexPageFactory(parent=site.home_page()))
        consultation = ConsultationPageFactory(parent=plan, title="Propuestas ciudadanas de Madrid")
        call_command("import_contributions", str(consultation.pk), str(path), "--skip-invalid", stdout=io.StringIO())
        analyze(*ANALYSED)
        with override_settings(SEARCH_ENGINE="database"):  # each test fills its engine from these
            indexing.process_backlog(everything=True)
        analyze(*ANALYSED)
        prefix = import_prefix(consultation)
        refs = {
            pk: ref.removeprefix(prefix)
            for pk, ref in Contribution.norel_objects.filter(import_ref__startswith=prefix).values_list(
                "pk", "import_ref"
            )
        }
        yield refs
        transaction.set_rollback(True)
    with django_db_blocker.unblock():
        # The rolled-back rows stay in the tables' pages until a vacuum; the statistics say
        # the tables are empty, so the next module's plans would walk them for each row.
        analyze(*ANALYSED, vacuum=True)


def _api_search(client, refs: dict[int, str]):
    def search(text: str) -> list[str | None]:
        response = client.get(reverse("search_api:results"), {"q": text, "per_page": search_relevance.DEPTH})
        assert response.status_code == 200
        found = []
        for hit in response.json()["hits"]:
            _, _, anchor = hit["url"].partition("#c")
            found.append(refs.get(int(anchor)) if anchor.isdigit() else None)
        return found

    return search


def _missed(relevance: search_relevance.Relevance) -> str:
    return ", ".join(f"{query!r}: {rank}" for query, rank in relevance.ranks.items() if not rank or rank > 10)


def test_residents_queries_find_their_proposal_in_the_first_ten_hits(engine, imported, client, settings):
    proposals = [ref for ref in imported.values() if ref.startswith(search_relevance.PROPOSAL_REF)]
    assert len(proposals) == 80 and len(imported) > 5600
    if engine.name != "database":
        engine.rebuild(database_engine().stored())
        engine.refresh()

    relevance = search_relevance.measure(_api_search(client, imported))

    assert relevance.success >= SUCCESS_AT_10, f"{engine.name}: missed {_missed(relevance)}"
    if engine.name != "database":
        settings.SEARCH_ENGINE = "database"  # the same documents
        database = search_relevance.measure(_api_search(client, imported))
        assert relevance.success >= database.success, f"missed {_missed(relevance)}; database: {_missed(database)}"
        assert relevance.mrr >= database.mrr
