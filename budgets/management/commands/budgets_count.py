from django.core.management.base import BaseCommand, CommandError

from discussions.errors import Refused

from ...models import BudgetProcessPage, RunStatus
from ...money import soles
from ...selectors import outcomes
from ...services import results
from ._editions import find_edition


class Command(BaseCommand):
    help = (
        "Count an edition's ballots now, in this process (the admin's “Count the ballots” runs the same count "
        "in the background), and print the winners of each envelope with both rules."
    )

    def add_arguments(self, parser):
        parser.add_argument("edition", help="The edition's page: its slug or its id.")

    def handle(self, *args, edition, **options):
        process: BudgetProcessPage = find_edition(edition)
        try:
            run = results.count_request(process=process)
        except Refused as error:
            raise CommandError(str(error.message)) from None
        run = results.count_run(run)
        if run.status != RunStatus.DONE:
            raise CommandError(f"The count failed: {run.error}")
        self.stdout.write(f"{process.title}: {run.ballots_counted} ballots; official rule: {run.rule_label}.")
        for outcome in outcomes(run):
            for rule, winners, spent in (
                (outcome.rule, outcome.winners, outcome.spent),
                (outcome.other_rule, outcome.other_winners, outcome.other_spent),
            ):
                names = ", ".join(f"{project.proposal_id}" for project in winners) or "—"
                self.stdout.write(
                    f"  {outcome.result.name} [{rule}]: {names} ({soles(spent)} of {soles(outcome.result.amount)})"
                )
