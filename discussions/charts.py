"""Bar charts as inline SVG, drawn on the server: no JavaScript, readable when printed.

Each chart is an image with a title and a description for assistive technology
(``role="img"``), and the page shows its numbers in a table right after it. Every label
goes through :func:`~django.utils.html.format_html`, so a territory or organisation
name is always text, never markup. Colours keep at least 3:1 contrast against white.

The charts have no ``viewBox``: lengths across are percentages of the width they are
given and text is in CSS pixels, so a chart re-flows from a 360 px phone to a wide
screen with its labels at their size (a scaled drawing shrank them to 5 px on a phone).
Bar charts put each label above its bar, the value at the end of the label's line.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

BAR_COLOUR = "#1f5f8b"  # 6.8:1 against white
TEXT_COLOUR = "#1b1f24"  # 16.6:1
AXIS_COLOUR = "#4a5360"  # 7.8:1
FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif"
FONT_SIZE = 14

ROW_HEIGHT = 46  # a label's line, its bar, and the space before the next label
LABEL_BASELINE = 16
BAR_TOP = 22
BAR_HEIGHT = 14
LABEL_MAX_CHARS = 30
COLUMN_CHART_HEIGHT = 220
COLUMNS_TOP, COLUMNS_BOTTOM = 26, 190


def _number(value: float) -> str:
    """A length as SVG text (format_html escapes its arguments to text before formatting)."""
    return f"{value:.1f}"


def _percent(value: float) -> str:
    return f"{value:.2f}%"


def _shorten(label: str, limit: int = LABEL_MAX_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _svg(chart_id: str, title: str, description: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%" height="{height}" '
        'role="img" aria-labelledby="{id}-title {id}-desc" '
        'font-family="{font}" font-size="{font_size}" fill="{text}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>'
        # A white ground of its own, so the contrast holds on a dark admin theme too.
        '<rect width="100%" height="100%" fill="#fff"/>{body}</svg>',
        height=height,
        id=chart_id,
        font=FONT,
        font_size=FONT_SIZE,
        text=TEXT_COLOUR,
        title=title,
        description=description,
        body=body,
    )


def bar_chart(*, chart_id: str, title: str, description: str, items: Sequence[tuple[str, int | None]]) -> SafeString:
    """Horizontal bars, one per ``(label, value)``: the label above its bar, the value at
    the end of the label's line. A value of None (a group too small to show) has no bar
    and says so."""
    largest = max((value for label, value in items if value is not None), default=0) or 1
    rows = []
    for position, (label, count) in enumerate(items):
        value = count or 0
        shown = count if count is not None else _("fewer than 5")
        top = position * ROW_HEIGHT
        rows.append(
            format_html(
                "<g><title>{label}: {shown}</title>"
                '<text x="0" y="{baseline}">{short}</text>'
                '<text x="100%" y="{baseline}" text-anchor="end">{shown}</text>'
                '<rect x="0" y="{bar_top}" width="{bar_width}" height="{bar_height}" fill="{colour}"/></g>',
                label=label,
                short=_shorten(label),
                shown=shown,
                baseline=top + LABEL_BASELINE,
                bar_top=top + BAR_TOP,
                bar_width=_percent(100 * value / largest),
                bar_height=BAR_HEIGHT,
                colour=BAR_COLOUR,
            )
        )
    height = max(len(items), 1) * ROW_HEIGHT
    return _svg(chart_id, title, description, height, format_html_join("", "{}", ((row,) for row in rows)))


def column_chart(*, chart_id: str, title: str, description: str, items: Sequence[tuple[str, int]]) -> SafeString:
    """Vertical columns over time, one per ``(label, value)``; the largest value is written
    above them, the first and last labels below."""
    top, bottom = COLUMNS_TOP, COLUMNS_BOTTOM
    largest = max((value for label, value in items), default=0) or 1
    slot = 100 / max(len(items), 1)
    gap = min(0.6, slot * 0.2)
    scale = (bottom - top) / largest
    columns = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
        (
            (
                _percent(position * slot + gap / 2),
                _number(bottom - value * scale),
                _percent(slot - gap),
                _number(value * scale),
                BAR_COLOUR,
                label,
                value,
            )
            for position, (label, value) in enumerate(items)
        ),
    )
    first_label = items[0][0] if items else ""
    last_label = items[-1][0] if len(items) > 1 else ""
    axes = format_html(
        '<line x1="0" y1="{bottom}" x2="100%" y2="{bottom}" stroke="{axis}"/>'
        '<line x1="0" y1="{top}" x2="100%" y2="{top}" stroke="{axis}" stroke-dasharray="2 4"/>'
        '<text x="0" y="{above}">{largest}</text>'
        '<text x="0" y="{below}">{first}</text>'
        '<text x="100%" y="{below}" text-anchor="end">{last}</text>',
        top=top,
        bottom=bottom,
        axis=AXIS_COLOUR,
        above=top - 8,
        largest=largest,
        below=bottom + 22,
        first=first_label,
        last=last_label,
    )
    return _svg(chart_id, title, description, COLUMN_CHART_HEIGHT, columns + axes)


# --- the charts of the participation statistics ------------------------------------------
@dataclass(frozen=True)
class ChartSection:
    """One breakdown on the statistics page: a heading, its chart, and its table.

    The table's columns are each row's ``contributions`` and ``participants``, headed
    "Contributions" and "Participants" unless ``count_heading`` and ``people_heading``
    say otherwise; an empty ``people_heading`` leaves the second column out (another
    app's rows may count one thing only, voters for instance).
    """

    slug: str
    heading: str
    label_heading: str
    caption: str
    svg: SafeString
    rows: Sequence
    count_heading: str | None = None
    people_heading: str | None = None


def _summary(rows) -> str:
    return "; ".join(f"{row.label}: {_('fewer than 5') if row.suppressed else row.contributions}" for row in rows)


def group_section(slug: str, heading: str, label_heading: str, caption: str, rows, *, chart_title: str) -> ChartSection:
    """A breakdown by group (:class:`~discussions.statistics.GroupCount` rows): bars, then the table."""
    svg = bar_chart(
        chart_id=f"chart-{slug}",
        title=chart_title,
        description=_summary(rows),
        items=[(row.label, None if row.suppressed else row.contributions) for row in rows],
    )
    return ChartSection(slug, heading, label_heading, caption, svg, rows)


def _day_section(days) -> ChartSection:
    active = [day for day in days if day.contributions]
    if days:
        busiest = max(days, key=lambda day: day.contributions)
        description = _(
            "From %(first)s to %(last)s, %(total)d contributions; the busiest day was %(busiest)s, with %(most)d."
        ) % {
            "first": days[0].label,
            "last": days[-1].label,
            "total": sum(day.contributions for day in days),
            "busiest": busiest.label,
            "most": busiest.contributions,
        }
    else:
        description = ""
    svg = column_chart(
        chart_id="chart-day",
        title=_("Contributions by day (Lima time)"),
        description=description,
        items=[(day.label, day.contributions) for day in days],
    )
    caption = _("Contributions and participants by day, Lima time. Days without contributions are left out.")
    return ChartSection("day", _("By day"), _("Day"), caption, svg, active)


def statistics_charts(statistics) -> list[ChartSection]:
    """The sections of the statistics page for a :class:`~discussions.statistics.ParticipationStatistics`."""
    return [
        group_section(
            "territory",
            _("By territory"),
            _("Territory"),
            _("Contributions and participants by the territory authors gave"),
            statistics.by_territory,
            chart_title=_("Contributions by territory"),
        ),
        group_section(
            "sector",
            _("By sector"),
            _("Sector"),
            _("Contributions and participants by sector"),
            statistics.by_sector,
            chart_title=_("Contributions by sector"),
        ),
        group_section(
            "gender",
            _("By gender"),
            _("Gender"),
            _("Contributions and participants by gender, counted only for participants who consented to it"),
            statistics.by_gender,
            chart_title=_("Contributions by gender"),
        ),
        _day_section(statistics.by_day),
    ]
