from django import template
from django.utils.translation import gettext as _

from ..models import Phase
from ..money import soles as format_soles
from ..rules import when

register = template.Library()


@register.filter
def soles(amount) -> str:
    """``S/ 1,234,567``."""
    return format_soles(amount)


def _what_now(process, info) -> str:
    """What anyone can do in this phase, and until when (Lima time)."""
    until = when(info.ends_at) if info.ends_at else ""
    messages = {
        Phase.UPCOMING: _("Proposals open on %(date)s.") % {"date": when(process.proposals_open_at)},
        Phase.PROPOSALS: _(
            "Propose projects for your province or the whole region, and support the ones you like, until %(date)s."
        )
        % {"date": until},
        Phase.EVALUATION: _("The technical team is evaluating the proposals until %(date)s; then voting opens.")
        % {"date": until},
        Phase.VOTING: _(
            "Vote for the projects of your province and of the whole region until %(date)s. "
            "You can change your ballot until then."
        )
        % {"date": until},
        Phase.RESULTS: _(
            "Voting closed on %(closed)s. See the results; the follow-up of the winning projects starts on %(date)s."
        )
        % {"closed": when(process.voting_closes_at), "date": until},
        Phase.FOLLOW_UP: _("Follow the winning projects: their status, progress and spending."),
    }
    return messages[info.phase]


@register.inclusion_tag("budgets/includes/phase.html", takes_context=True)
def budget_phase(context, page):
    """The current phase, what can be done now and until when: on every page of an edition."""
    process = page.edition
    info = process.phase_info()
    return {
        "page": page,
        "process": process,
        "info": info,
        "what_now": _what_now(process, info),
        "request": context.get("request"),
    }
