"""What the budgets' commands share: finding an edition by slug or id."""

from django.core.management.base import CommandError

from ...models import BudgetProcessPage


def find_edition(value: str) -> BudgetProcessPage:
    editions = BudgetProcessPage.objects.all()
    found = editions.filter(pk=value).first() if value.isdigit() else editions.filter(slug=value).first()
    if found is None:
        raise CommandError(f"No participatory-budget edition has the slug or id {value!r}.")
    return found.edition
