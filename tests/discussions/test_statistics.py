"""Participation statistics: the counts, their charts, the public page and the admin screen."""

import re
from datetime import date, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.models import Gender, Sector, Territory
from discussions import services
from discussions.charts import bar_chart
from discussions.models import Contribution, Status
from discussions.statistics import NOT_STATED, participation_statistics
from tests.accounts.factories import ParticipantFactory
from tests.consultations.factories import ConsultationPageFactory

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")
MALICIOUS = "<script>alert('x')</script>"


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=LIMA)


@pytest.fixture
def consultation(plan):
    return ConsultationPageFactory(parent=plan, title="Compromiso de agua", slug="agua")


@pytest.fixture
def people():
    jaen = Territory.objects.get(slug="jaen")
    return {
        "rosa": ParticipantFactory(gender_consent=True, gender=Gender.FEMALE),
        "juan": ParticipantFactory(territory=jaen, sector=Sector.ACADEMIA),
        "ana": ParticipantFactory(territory=jaen, gender_consent=True),
        "official": ParticipantFactory(sector=Sector.GOVERNMENT),
    }


@pytest.fixture
def counted(consultation, people):
    """Five contributions that count, over four Lima days, and three that do not."""

    def write(person, day, hour, minute=0, **kwargs):
        return services.contribution_create(
            target=consultation,
            author=people[person].user if person else None,
            text="Un aporte.",
            submitted_at=_at(day, hour, minute),
            check_rules=False,
            **kwargs,
        )

    # 23:30 in Lima on the 10th is already the 11th in UTC: it counts for the 10th.
    first = write("rosa", 10, 23, 30)
    write("rosa", 11, 8, parent=first)
    write("juan", 11, 9)
    write("ana", 13, 10)
    write(None, 13, 11, author_name="Taller de Chota")
    # Not counted: an official reply, a withdrawn contribution and a held one.
    moderator = get_user_model().objects.create_superuser("admin-stats", "admin-stats@example.org", "clave-123-larga")
    Contribution.objects.filter(pk=write("official", 12, 9, parent=first).pk).update(is_official=True)
    services.contribution_withdraw(contribution=write("juan", 12, 10), author=people["juan"].user)
    Contribution.objects.filter(pk=write("ana", 12, 11).pk).update(status=Status.HELD, is_public=False)
    return moderator


def _by_key(groups) -> dict:
    return {group.key: (group.contributions, group.participants) for group in groups}


def test_totals_count_published_contributions_and_distinct_participants(consultation, counted):
    statistics = participation_statistics([consultation])

    assert (statistics.contributions, statistics.participants) == (5, 4)


def test_counts_by_territory_and_sector(consultation, counted):
    statistics = participation_statistics([consultation])

    assert _by_key(statistics.by_territory) == {"cajamarca": (2, 1), "jaen": (2, 2), "": (1, 1)}
    assert [group.label for group in statistics.by_territory] == ["Cajamarca", "Jaén", str(NOT_STATED)]
    by_sector = _by_key(statistics.by_sector)
    assert by_sector["civil_society"] == (3, 2)
    assert by_sector["academia"] == (1, 1)
    assert by_sector["government"] == (0, 0)
    assert by_sector[""] == (1, 1)


def test_gender_is_counted_only_for_participants_who_consented(consultation, counted):
    by_gender = _by_key(participation_statistics([consultation]).by_gender)

    assert by_gender[Gender.FEMALE] == (2, 1)
    assert by_gender[Gender.MALE] == (0, 0)
    # Juan did not consent, Ana consented without stating one, the workshop has no account.
    assert by_gender[""] == (3, 3)


def test_days_are_lima_days_and_quiet_days_are_kept(consultation, counted):
    days = participation_statistics([consultation]).by_day

    assert [(day.day, day.contributions) for day in days] == [
        (date(2025, 3, 10), 1),
        (date(2025, 3, 11), 2),
        (date(2025, 3, 12), 0),
        (date(2025, 3, 13), 2),
    ]


def test_statistics_take_a_fixed_number_of_queries(consultation, counted, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        participation_statistics([consultation])


def test_chart_labels_are_escaped():
    svg = bar_chart(chart_id="chart-test", title="Título", description=MALICIOUS, items=[(MALICIOUS, 3)])

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'role="img"' in svg
    assert '<title id="chart-test-title">Título</title>' in svg


def test_public_statistics_page_shows_charts_and_tables(client, consultation, counted):
    html = client.get(consultation.url + "statistics/").content.decode()

    assert html.count('role="img"') == 4
    assert html.count("<table") == 4
    assert "<caption>" in html
    assert _row(html, "Jaén") == ["menos de 5", "menos de 5"]  # 2 people: not counted apart
    levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1
    assert all(level <= previous + 1 for previous, level in pairwise(levels))
    assert 'href="' + consultation.url + 'contributions.csv"' in html


def test_plan_statistics_add_up_its_consultations(client, plan, consultation, counted, people):
    other = ConsultationPageFactory(parent=plan)
    services.contribution_create(target=other, author=people["juan"].user, text="Otro.", check_rules=False)

    assert participation_statistics([consultation, other]).contributions == 6
    html = client.get(plan.url + "statistics/").content.decode()
    assert "<dd>6</dd>" in html


def test_malicious_territory_name_is_escaped_on_the_page(client, consultation):
    territory = Territory.objects.create(name=MALICIOUS, slug="malicioso")
    person = ParticipantFactory(territory=territory)
    services.contribution_create(target=consultation, author=person.user, text="Hola.", check_rules=False)

    html = client.get(consultation.url + "statistics/").content.decode()

    assert MALICIOUS not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_admin_statistics_screen_renders_for_a_superuser(client, plan, consultation, counted):
    client.force_login(counted)
    url = reverse("discussions_statistics")

    chooser = client.get(url)
    assert chooser.status_code == 200
    html = client.get(url, {"page": f"plan-{plan.pk}"}).content.decode()
    assert re.search(r'<h1 class="w-header__title"[^>]*>.*Estadísticas de participación', html, re.DOTALL)
    assert html.count('role="img"') == 4
    assert _row(html, "Jaén") == ["menos de 5", "menos de 5"]


def test_admin_statistics_screen_is_in_the_menu(client, counted):
    client.force_login(counted)

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert reverse("discussions_statistics") in html


def test_groups_of_fewer_than_five_people_are_not_counted_apart():
    from discussions.statistics import GroupCount, suppress_small_groups

    groups = [
        GroupCount("female", "Femenino", 12, 9),
        GroupCount("male", "Masculino", 20, 11),
        GroupCount("non_binary", "No binario", 2, 1),
        GroupCount("", "No indicado", 30, 20),
    ]

    shown = {group.key: group.suppressed for group in suppress_small_groups(groups)}

    # one small group alone could be worked out from the total: the next smallest goes too
    assert shown == {"female": True, "male": False, "non_binary": True, "": False}
    assert suppress_small_groups([GroupCount("a", "A", 0, 0), GroupCount("b", "B", 9, 6)])[0].suppressed is False


def _row(html: str, label: str) -> list[str]:
    """The cells of the first table row headed ``label``."""
    heading = BeautifulSoup(html, "html.parser").find("th", scope="row", string=label)
    return [cell.get_text(strip=True) for cell in heading.find_next_siblings("td")]
