import pytest
from django.core.management import call_command
from wagtail.search.backends import get_search_backend

from consultations.models import ConsultationPage
from tests.consultations.factories import ConsultationPageFactory

pytestmark = [pytest.mark.opensearch, pytest.mark.django_db]


def test_wagtail_admin_search_runs_on_the_real_opensearch(plan):
    ConsultationPageFactory(parent=plan, title="Audiencias públicas descentralizadas", slug="audiencias")
    call_command("update_index", stdout=None, verbosity=0)

    backend = get_search_backend()
    results = backend.search("audiencias", ConsultationPage)

    assert type(backend).__module__.endswith("opensearch2")
    assert [page.slug for page in results] == ["audiencias"]
