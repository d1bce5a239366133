"""Editions, proposals and ballots for the budgets' tests, built through the services
where the behaviour matters and directly where it is only the setting."""

from datetime import date, timedelta

from django.utils import timezone

from budgets.models import BudgetCategory, BudgetEnvelope, BudgetProcessPage, Proposal, Viability
from core.models import Territory

DAY = timedelta(days=1)
#: How far into each phase "now" is, for an edition built to be in that phase.
PHASE_OFFSETS = {
    "upcoming": -5,
    "proposals": 5,
    "evaluation": 35,
    "voting": 60,
    "results": 85,
    "follow_up": 110,
}


def edition(
    parent,
    *,
    phase: str = "voting",
    slug: str = "presupuesto-2027",
    title: str = "Presupuesto Participativo 2027",
    envelopes: dict | None = None,
    ballot_kind: str = "approval",
    max_choices: int = 3,
    counting_rule: str = "equal_shares",
    minimum_age: int = 16,
    counts_visible_while_voting: bool = False,
) -> BudgetProcessPage:
    """A published edition whose phase now is ``phase``. ``envelopes``: province slug
    (None: region-wide) → amount in soles."""
    envelopes = envelopes if envelopes is not None else {"jaen": 1000, "chota": 800, None: 1500}
    opens = timezone.now() - PHASE_OFFSETS[phase] * DAY
    page = BudgetProcessPage(
        title=title,
        slug=slug,
        total_amount=sum(envelopes.values()) + 1000,
        proposals_open_at=opens,
        evaluation_starts_at=opens + 30 * DAY,
        voting_opens_at=opens + 50 * DAY,
        voting_closes_at=opens + 80 * DAY,
        follow_up_starts_at=opens + 100 * DAY,
        ballot_kind=ballot_kind,
        max_choices=max_choices,
        counting_rule=counting_rule,
        minimum_age=minimum_age,
        counts_visible_while_voting=counts_visible_while_voting,
    )
    for province, amount in envelopes.items():
        territory = Territory.objects.get(slug=province) if province else None
        page.envelopes.add(BudgetEnvelope(territory=territory, amount=amount, population=10_000 if province else None))
    parent.add_child(instance=page)
    page.categories.set(BudgetCategory.objects.all())
    page.save_revision().publish()
    return page


def category(slug: str = "agua-y-saneamiento") -> BudgetCategory:
    return BudgetCategory.objects.get(slug=slug)


def proposal(
    process: BudgetProcessPage,
    author,
    *,
    title: str = "Agua potable para Cabracancha",
    province: str | None = "jaen",
    cost: int = 300,
    viability: str = Viability.VIABLE,
    evaluated_cost: int | None = None,
    **fields,
) -> Proposal:
    """A proposal stored as it is after the phases it went through (no phase checks)."""
    values = {
        "problem": "No hay agua potable.",
        "description": "Captación, reservorio y red.",
        "description_html": "<p>Captación, reservorio y red.</p>",
        "beneficiaries": 300,
        "category": category(),
        "author_display_name": author.participant.display_name if author else "Anónimo",
        **fields,
    }
    if viability == Viability.VIABLE and evaluated_cost is None:
        evaluated_cost = cost
    return Proposal.objects.create(
        process=process,
        author=author,
        title=title,
        territory=Territory.objects.get(slug=province) if province else None,
        estimated_cost=cost,
        viability=viability,
        evaluated_cost=evaluated_cost if viability == Viability.VIABLE else None,
        evaluation_reason="Viable."
        if viability == Viability.VIABLE
        else ("No viable." if viability == Viability.NOT_VIABLE else ""),
        **values,
    )


ADULT = date(1990, 5, 17)
