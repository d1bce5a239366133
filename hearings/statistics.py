"""Who asked at a hearing: questions and askers by channel, province, sector and gender,
and where the answers stand.

Counted are the questions the public can read. An asker is a registered account, or, for
a question entered by staff, the name the asker gave — except "Anónimo", where each
question counts as one asker: anonymous callers are different people as far as anyone
knows, and counting them as one would hide how many asked by radio or phone. Gender is
the participant's, only where they consented to its use for statistics; questions
entered by staff have none. Groups of fewer than 5 askers are shown as "fewer than 5"
(``discussions.statistics.suppress_small_groups``).
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from wagtail.models import Locale

from core.models import Sector
from discussions.charts import ChartSection, group_section
from discussions.hosts import StatisticsScope
from discussions.models import Channel, Status
from discussions.statistics import GroupCount, Tally, suppress_small_groups

from .models import HearingPage, HearingQuestion, QuestionState


@dataclass(frozen=True)
class HearingStatistics:
    questions: int
    askers: int
    by_channel: list[GroupCount]
    by_territory: list[GroupCount]
    by_sector: list[GroupCount]
    by_gender: list[GroupCount]
    by_state: list[tuple[str, str, int]]  # (state, label, questions): no people, nothing to hide


def _questions(hearing: HearingPage):
    return HearingQuestion.objects.filter(
        hearing=hearing.original, contribution__status=Status.PUBLISHED, contribution__withdrawn_at__isnull=True
    ).order_by()


def _counts() -> dict:
    return {
        "questions": Count("pk"),
        "accounts": Count("contribution__user", distinct=True),
        "named": Count(
            "contribution__author_display_name",
            distinct=True,
            filter=Q(contribution__user__isnull=True, anonymous=False),
        ),
        "anonymous": Count("pk", filter=Q(contribution__user__isnull=True, anonymous=True)),
    }


def _askers(row: dict | None) -> int:
    return row["accounts"] + row["named"] + row["anonymous"] if row else 0


QUESTIONS = Tally(_counts, "questions", _askers, prefix="contribution__")


def hearing_statistics(hearing: HearingPage) -> HearingStatistics:
    queryset = _questions(hearing)
    totals = queryset.aggregate(**_counts())
    states = dict(queryset.values_list("state").annotate(count=Count("pk")))
    return HearingStatistics(
        questions=totals["questions"],
        askers=_askers(totals),
        by_channel=suppress_small_groups(
            [
                group
                for group in QUESTIONS.by_choice(queryset, "contribution__channel", Channel.choices)
                if group.contributions
            ]
        ),
        by_territory=suppress_small_groups(QUESTIONS.by_territory(queryset)),
        by_sector=suppress_small_groups(QUESTIONS.by_choice(queryset, "contribution__author_sector", Sector.choices)),
        by_gender=suppress_small_groups(QUESTIONS.by_gender(queryset)),
        by_state=[(state.value, str(state.label), states.get(state.value, 0)) for state in QuestionState],
    )


def statistics_sections(statistics: HearingStatistics) -> list[ChartSection]:
    """The charts and tables of the statistics page, each breakdown in its own section."""
    return [
        group_section(
            "channel",
            _("By channel"),
            _("Channel"),
            _("Questions and askers by the channel the question came by"),
            statistics.by_channel,
            chart_title=_("Questions by channel"),
        ),
        group_section(
            "territory",
            _("By province"),
            _("Province"),
            _("Questions and askers by the province askers gave"),
            statistics.by_territory,
            chart_title=_("Questions by province"),
        ),
        group_section(
            "sector",
            _("By sector"),
            _("Sector"),
            _("Questions and askers by sector"),
            statistics.by_sector,
            chart_title=_("Questions by sector"),
        ),
        group_section(
            "gender",
            _("By gender"),
            _("Gender"),
            _("Questions and askers by gender, counted only for participants who consented to it"),
            statistics.by_gender,
            chart_title=_("Questions by gender"),
        ),
    ]


def statistics_scopes() -> list[StatisticsScope]:
    """Each hearing (its original: translations share its questions) on the admin's
    participation statistics screen."""
    group = _("Public hearings")
    hearings = HearingPage.objects.filter(locale=Locale.get_default()).order_by("-starts_at")
    return [
        StatisticsScope(
            key=f"hearing-{hearing.pk}",
            label=hearing.title,
            group=group,
            targets=lambda hearing=hearing: [hearing],
            page=hearing,
        )
        for hearing in hearings
    ]
