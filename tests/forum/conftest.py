import pytest
from django.contrib.auth.models import Group

from core.roles import MODERATORS
from forum.models import ForumCategory, ForumPage
from tests.accounts.factories import ParticipantFactory
from tests.search.conftest import engine  # noqa: F401 - each search engine in turn


@pytest.fixture
def forum(home_page):
    forum = ForumPage(title="Foro multiactor", slug="foro", rules="<p>Se reúne cada seis meses.</p>")
    home_page.add_child(instance=forum)
    forum.save_revision().publish()
    return forum


@pytest.fixture
def categories(db):
    return {
        slug: ForumCategory.objects.create(slug=slug, name=name, sort_order=order)
        for order, (slug, name) in enumerate(
            [("audiencias-publicas", "Audiencias públicas"), ("presupuesto-participativo", "Presupuesto participativo")]
        )
    }


@pytest.fixture
def starter(db):
    return ParticipantFactory(display_name="Observatorio Ciudadano")


@pytest.fixture
def moderator(db):
    participant = ParticipantFactory(display_name="Moderadora")
    participant.user.groups.add(Group.objects.get(name=MODERATORS))
    return participant
