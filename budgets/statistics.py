"""Who voted: valid ballots by province, district, sector, channel, age band and
(consented) gender, and turnout per province against its population.

Counted from the ballots alone (each is one voter), never from their choices. Groups of
fewer than 5 voters are shown as "fewer than 5" (``discussions.statistics``), and a
district is named (with its province) only when five voters or more gave it.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Gender, Sector, fold
from discussions.charts import ChartSection, bar_chart
from discussions.statistics import SMALLEST_GROUP, GroupCount, suppress_small_groups

from .models import AgeBand, Ballot, BudgetProcessPage, Channel

OTHER_DISTRICTS = gettext_lazy("Other districts (fewer than 5 voters each)")

NOT_STATED = gettext_lazy("Not stated")


@dataclass(frozen=True)
class Turnout:
    province: str
    voters: int | None  # None: fewer than 5
    population: int | None

    @property
    def share(self) -> str:
        if self.voters is None or not self.population:
            return ""
        return f"{100 * self.voters / self.population:.2f} %"


@dataclass(frozen=True)
class VotingStatistics:
    voters: int
    by_province: list[GroupCount]
    by_district: list[GroupCount]
    by_sector: list[GroupCount]
    by_channel: list[GroupCount]
    by_age: list[GroupCount]
    by_gender: list[GroupCount]
    turnout: list[Turnout]


def _group(key: str, label: str, count: int) -> GroupCount:
    return GroupCount(key, label, count, count)


def _by_choice(ballots, field: str, choices) -> list[GroupCount]:
    rows = dict(ballots.values_list(field).annotate(count=Count("pk")).order_by())
    groups = [_group(code, str(label), rows.get(code, 0)) for code, label in choices]
    unstated = sum(count for code, count in rows.items() if code not in dict(choices))
    if unstated:
        groups.append(_group("", str(NOT_STATED), unstated))
    return suppress_small_groups(groups)


def _by_province(ballots) -> list[GroupCount]:
    rows = ballots.values("territory__slug", "territory__name").annotate(count=Count("pk")).order_by("-count")
    return suppress_small_groups(
        [_group(row["territory__slug"] or "", row["territory__name"] or str(NOT_STATED), row["count"]) for row in rows]
    )


def _by_district(ballots) -> list[GroupCount]:
    """Districts as voters gave them, the same name in any case or accents counted once."""
    rows = ballots.exclude(district="").values("territory__name", "district").annotate(count=Count("pk")).order_by()
    merged: dict[tuple[str, str], list] = {}
    for row in rows:
        province = row["territory__name"] or ""
        key = (province, fold(row["district"]))
        entry = merged.setdefault(key, [row["district"], 0])
        entry[1] += row["count"]
    # A district is the voter's own words: only one that at least SMALLEST_GROUP voters
    # gave is shown by name. The rest are one row, so no single voter publishes a label
    # (an insult, a name) nor is recognised by a district only they wrote.
    groups, others = [], 0
    for (province, folded), (name, count) in merged.items():
        if count >= SMALLEST_GROUP:
            groups.append(_group(f"{fold(province)}/{folded}", f"{name} ({province})" if province else name, count))
        else:
            others += count
    if others:
        groups.append(_group("otros", str(OTHER_DISTRICTS), others))
    unstated = ballots.filter(district="").count()
    if unstated:
        groups.append(_group("", str(NOT_STATED), unstated))
    groups.sort(key=lambda group: (not group.key, -group.contributions, group.label))
    return suppress_small_groups(groups)


def participation(process: BudgetProcessPage) -> VotingStatistics:
    ballots = Ballot.objects.valid().filter(process=process).order_by()
    by_province = _by_province(ballots)
    counts = {group.key: (None if group.suppressed else group.contributions) for group in by_province}
    turnout = [
        Turnout(envelope.name, counts.get(envelope.territory.slug, 0), envelope.population)
        for envelope in process.envelope_list
        if envelope.territory_id is not None
    ]
    return VotingStatistics(
        voters=ballots.count(),
        by_province=by_province,
        by_district=_by_district(ballots),
        by_sector=_by_choice(ballots, "sector", Sector.choices),
        by_channel=_by_choice(ballots, "channel", Channel.choices),
        by_age=_by_choice(ballots, "age_band", AgeBand.choices),
        by_gender=_by_choice(ballots, "gender", Gender.choices),
        turnout=turnout,
    )


def _section(slug: str, heading: str, label_heading: str, caption: str, rows: list[GroupCount]) -> ChartSection:
    summary = "; ".join(f"{row.label}: {_('fewer than 5') if row.suppressed else row.contributions}" for row in rows)
    svg = bar_chart(
        chart_id=f"chart-{slug}",
        title=heading,
        description=summary,
        items=[(row.label, None if row.suppressed else row.contributions) for row in rows],
    )
    return ChartSection(slug, heading, label_heading, caption, svg, rows, count_heading=_("Voters"), people_heading="")


def charts(statistics: VotingStatistics) -> list[ChartSection]:
    return [
        _section(
            "province",
            _("By province"),
            _("Province"),
            _("Voters by the province they voted in"),
            statistics.by_province,
        ),
        _section(
            "district",
            _("By district"),
            _("District"),
            _("Voters by the district they gave (optional)"),
            statistics.by_district,
        ),
        _section("sector", _("By sector"), _("Sector"), _("Voters by sector"), statistics.by_sector),
        _section(
            "channel", _("By channel"), _("Channel"), _("Ballots cast on the web and on paper"), statistics.by_channel
        ),
        _section("age", _("By age"), _("Age"), _("Voters by age band"), statistics.by_age),
        _section(
            "gender",
            _("By gender"),
            _("Gender"),
            _("Voters by gender, counted only for those who consented to it"),
            statistics.by_gender,
        ),
    ]


def turnout_chart(statistics: VotingStatistics):
    """Turnout per province, in voters per 10,000 inhabitants (a bar chart takes whole numbers)."""
    items = [
        (row.province, None if row.voters is None else round(10_000 * row.voters / row.population))
        for row in statistics.turnout
        if row.population
    ]
    return bar_chart(
        chart_id="chart-turnout",
        title=_("Voters per 10,000 inhabitants, by province"),
        description="; ".join(f"{row.province}: {row.share or _('not available')}" for row in statistics.turnout),
        items=items,
    )
