"""Who took part in a discussion: counts by territory, sector, gender and day.

Counted are the contributions the public can read (published, not withdrawn), replies
included, except the government's official replies: these figures describe the public's
participation, not the government's answers. A participant is a registered account, or,
for contributions gathered offline without an account, a distinct author name.

Gender comes from the participant's profile and only where they consented to its use for
statistics; everyone else, and every contribution without an account, is "not stated".
Days are calendar days in Lima. Each breakdown is one GROUP BY query.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.models import Gender, Sector

from .exports import published_of

STATISTICS_TIME_ZONE = ZoneInfo("America/Lima")
NOT_STATED = _("Not stated")


#: A group of fewer people than this is shown as "fewer than 5", not counted: with
#: consented gender or a small province, a count of one or two points at a person.
SMALLEST_GROUP = 5


@dataclass(frozen=True)
class GroupCount:
    key: str
    label: str
    contributions: int
    participants: int
    suppressed: bool = False


def suppress_small_groups(groups: list[GroupCount]) -> list[GroupCount]:
    """Hide the counts of groups of 1 to 4 people. If only one group is that small, the
    next smallest is hidden too, or the total minus the others would give it away."""
    small = {group.key for group in groups if 0 < group.participants < SMALLEST_GROUP}
    if len(small) == 1:
        larger = sorted((group for group in groups if group.participants >= SMALLEST_GROUP), key=_size)
        if larger:
            small.add(larger[0].key)
    return [replace(group, suppressed=True) if group.key in small else group for group in groups]


def _size(group: GroupCount) -> tuple[int, int]:
    return group.participants, group.contributions


@dataclass(frozen=True)
class DayCount:
    day: date
    contributions: int
    participants: int

    @property
    def key(self) -> str:
        return self.day.isoformat()

    @property
    def label(self) -> str:
        return date_format(self.day, "DATE_FORMAT")


@dataclass(frozen=True)
class ParticipationStatistics:
    contributions: int
    participants: int
    by_territory: list[GroupCount]
    by_sector: list[GroupCount]
    by_gender: list[GroupCount]
    by_day: list[DayCount]


def _counted(targets: Sequence):
    return published_of(targets).filter(withdrawn_at__isnull=True, is_official=False).order_by()


def _counts() -> dict:
    return {
        "contributions": Count("pk"),
        "accounts": Count("user", distinct=True),
        "offline_authors": Count("author_display_name", distinct=True, filter=Q(user__isnull=True)),
    }


def _participants(row: dict | None) -> int:
    return row["accounts"] + row["offline_authors"] if row else 0


@dataclass(frozen=True)
class Tally:
    """How a host counts its breakdowns: the aggregates of one group (``counts()``), which
    of them is the number of items, and how many people a group's row stands for. The
    discussions count contributions and participants; a hearing, questions and askers."""

    counts: Callable[[], dict]
    items: str
    people: Callable[[dict | None], int]
    #: The path from a counted row to its author's fields (``contribution__`` from a question).
    prefix: str = ""

    def by_choice(self, queryset, field: str, choices) -> list[GroupCount]:
        """Every choice in its own order, counted or not, then "not stated" if anyone is."""
        rows = {row[field]: row for row in queryset.values(field).annotate(**self.counts()).order_by()}
        groups = [
            GroupCount(code, str(label), rows[code][self.items] if code in rows else 0, self.people(rows.get(code)))
            for code, label in choices
        ]
        unstated = [row for code, row in rows.items() if code not in dict(choices)]
        if unstated:
            groups.append(
                GroupCount(
                    "",
                    str(NOT_STATED),
                    sum(row[self.items] for row in unstated),
                    sum(self.people(row) for row in unstated),
                )
            )
        return groups

    def by_territory(self, queryset) -> list[GroupCount]:
        """Territories with items, the most first; "not stated" last."""
        slug, name = f"{self.prefix}author_territory__slug", f"{self.prefix}author_territory__name"
        rows = queryset.values(slug, name).annotate(**self.counts()).order_by(f"-{self.items}", name)
        groups = [
            GroupCount(row[slug] or "", row[name] or str(NOT_STATED), row[self.items], self.people(row)) for row in rows
        ]
        return sorted(groups, key=lambda group: not group.key)

    def by_gender(self, queryset) -> list[GroupCount]:
        """The participant's gender, only where they consented to its use for statistics."""
        participant = f"{self.prefix}user__participant__"
        consented_gender = Case(
            When(**{f"{participant}gender_consent": True}, then=F(f"{participant}gender")),
            default=Value(""),
            output_field=CharField(),
        )
        return self.by_choice(queryset.annotate(gender=consented_gender), "gender", Gender.choices)


CONTRIBUTIONS = Tally(_counts, "contributions", _participants)


def _by_day(queryset) -> list[DayCount]:
    """Every day from the first contribution to the last, days without any included."""
    rows = (
        queryset.annotate(day=TruncDate("submit_date", tzinfo=STATISTICS_TIME_ZONE))
        .values("day")
        .annotate(**_counts())
        .order_by("day")
    )
    found = {row["day"]: row for row in rows}
    if not found:
        return []
    first, last = min(found), max(found)
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        row = found.get(day)
        days.append(DayCount(day, row["contributions"] if row else 0, _participants(row)))
    return days


def participation_statistics(targets: Sequence) -> ParticipationStatistics:
    """The participation in the discussions of ``targets`` (pages of one model)."""
    queryset = _counted(targets)
    totals = queryset.aggregate(**_counts())
    return ParticipationStatistics(
        contributions=totals["contributions"],
        participants=_participants(totals),
        by_territory=suppress_small_groups(CONTRIBUTIONS.by_territory(queryset)),
        by_sector=suppress_small_groups(CONTRIBUTIONS.by_choice(queryset, "author_sector", Sector.choices)),
        by_gender=suppress_small_groups(CONTRIBUTIONS.by_gender(queryset)),
        by_day=_by_day(queryset),
    )
