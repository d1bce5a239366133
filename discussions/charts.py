"""Bar charts as inline SVG, drawn on the server: no JavaScript, readable when printed.

Each chart is an image with a title and a description for assistive technology
(``role="img"``), and the page shows its numbers in a table right after it. Every label
goes through :func:`~django.utils.html.format_html`, so a territory or organisation
name is always text, never markup. Colours keep at least 3:1 contrast against white.
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

WIDTH = 640
ROW_HEIGHT = 28
BAR_HEIGHT = 18
LABEL_WIDTH = 210
VALUE_WIDTH = 56
LABEL_MAX_CHARS = 28


def _number(value: float) -> str:
    """A coordinate as SVG text (format_html escapes its arguments to text before formatting)."""
    return f"{value:.1f}"


def _shorten(label: str, limit: int = LABEL_MAX_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _svg(chart_id: str, title: str, description: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="{id}-title {id}-desc" '
        'style="max-width: 48rem; height: auto" font-family="{font}" font-size="14" fill="{text}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>'
        # A white ground of its own, so the contrast holds on a dark admin theme too.
        '<rect width="100%" height="100%" fill="#fff"/>{body}</svg>',
        width=WIDTH,
        height=height,
        id=chart_id,
        font=FONT,
        text=TEXT_COLOUR,
        title=title,
        description=description,
        body=body,
    )


def bar_chart(*, chart_id: str, title: str, description: str, items: Sequence[tuple[str, int | None]]) -> SafeString:
    """Horizontal bars, one per ``(label, value)``, labelled on the left, the value on the right.
    A value of None (a group too small to show) has no bar and says so."""
    largest = max((value for label, value in items if value is not None), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / largest
    rows = []
    for position, (label, count) in enumerate(items):
        value = count or 0
        shown = count if count is not None else _("fewer than 5")
        top = 4 + position * ROW_HEIGHT
        middle = top + BAR_HEIGHT / 2
        rows.append(
            format_html(
                "<g><title>{label}: {shown}</title>"
                '<text x="{label_x}" y="{middle}" text-anchor="end" dominant-baseline="central">{short}</text>'
                '<rect x="{bar_x}" y="{top}" width="{bar_width}" height="{bar_height}" fill="{colour}"/>'
                '<text x="{value_x}" y="{middle}" dominant-baseline="central">{shown}</text></g>',
                label=label,
                short=_shorten(label),
                shown=shown,
                label_x=LABEL_WIDTH - 8,
                bar_x=LABEL_WIDTH,
                top=top,
                middle=middle,
                bar_width=_number(value * scale),
                bar_height=BAR_HEIGHT,
                colour=BAR_COLOUR,
                value_x=_number(LABEL_WIDTH + value * scale + 6),
            )
        )
    height = 8 + len(items) * ROW_HEIGHT
    return _svg(chart_id, title, description, height, format_html_join("", "{}", ((row,) for row in rows)))


def column_chart(*, chart_id: str, title: str, description: str, items: Sequence[tuple[str, int]]) -> SafeString:
    """Vertical columns over time, one per ``(label, value)``; the first and last labels are shown below."""
    height, top, bottom, left, right = 240, 24, 200, 44, WIDTH - 16
    largest = max((value for label, value in items), default=0) or 1
    slot = (right - left) / max(len(items), 1)
    gap = min(4.0, slot * 0.2)
    scale = (bottom - top) / largest
    columns = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
        (
            (
                _number(left + position * slot + gap / 2),
                _number(bottom - value * scale),
                _number(slot - gap),
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
        '<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{axis}"/>'
        '<line x1="{left}" y1="{top}" x2="{right}" y2="{top}" stroke="{axis}" stroke-dasharray="2 4"/>'
        '<text x="{label_x}" y="{top}" text-anchor="end" dominant-baseline="central">{largest}</text>'
        '<text x="{label_x}" y="{bottom}" text-anchor="end" dominant-baseline="central">0</text>'
        '<text x="{left}" y="{below}">{first}</text>'
        '<text x="{right}" y="{below}" text-anchor="end">{last}</text>',
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        axis=AXIS_COLOUR,
        label_x=left - 6,
        largest=largest,
        below=bottom + 24,
        first=first_label,
        last=last_label,
    )
    return _svg(chart_id, title, description, height, columns + axes)


# --- the charts of the participation statistics ------------------------------------------
@dataclass(frozen=True)
class ChartSection:
    """One breakdown on the statistics page: a heading, its chart, and its table."""

    slug: str
    heading: str
    label_heading: str
    caption: str
    svg: SafeString
    rows: Sequence


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
