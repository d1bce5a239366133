"""Recount from the open data and compare.

``budgets_verify <edition>`` writes each envelope's Pabulib file exactly as the site
publishes it, reads it back with pabutools' own parser, counts it again with both rules,
and compares with the published results. ``budgets_verify --file a.pb --file b.pb``
recounts downloaded files with the rule each names and compares with their ``selected``
column: what anyone outside can do. Exits with an error if anything differs.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ... import counting, exports, pabulib, selectors
from ...money import soles
from ._editions import find_edition

RULES_BY_PABULIB_NAME = {name: rule for rule, name in counting.PABULIB_RULES.items()}


class Command(BaseCommand):
    help = "Recount an edition (or Pabulib files) from its open data with pabutools, and compare with the results."

    def add_arguments(self, parser):
        parser.add_argument("edition", nargs="?", help="The edition's page: its slug or its id.")
        parser.add_argument("--file", action="append", default=[], help="A .pb file to recount (repeatable).")
        parser.add_argument(
            "--linear",
            action="store_true",
            help="Complete Equal Shares one sol at a time (Pabulib's add1 literally; slow on small editions).",
        )

    def handle(self, *args, edition=None, file=(), linear=False, **options):
        if not edition and not file:
            raise CommandError("Name an edition, or give --file.")
        differences = 0
        if edition:
            differences += self._edition(find_edition(edition), linear)
        for path in file:
            differences += self._file(Path(path), linear)
        if differences:
            raise CommandError(f"{differences} result(s) differ from the recount.")
        self.stdout.write(self.style.SUCCESS("The recount matches the results."))

    def _recount(self, text: str, linear: bool) -> tuple[dict[str, set[str]], dict, set[str]]:
        envelope, meta, selected = pabulib.read(text)
        recount = {
            counting.GREEDY: counting.greedy(envelope).selected,
            counting.EQUAL_SHARES: counting.equal_shares(envelope, linear=linear).selected,
        }
        return recount, meta, selected

    def _edition(self, process, linear: bool) -> int:
        run = selectors.published_run(process)
        if run is None:
            raise CommandError(f"{process.title} has no published results to verify.")
        differences = 0
        for outcome in selectors.outcomes(run):
            text = exports.pb_file(process, run, outcome.result)
            recount, _meta, _selected = self._recount(text, linear)
            for rule in (counting.GREEDY, counting.EQUAL_SHARES):
                published = {str(project.proposal_id) for project in outcome.projects if project.selected(rule)}
                same = published == recount[rule]
                differences += not same
                self._report(f"{outcome.result.name} [{rule}]", published, recount[rule], same)
        return differences

    def _file(self, path: Path, linear: bool) -> int:
        recount, meta, selected = self._recount(path.read_text(encoding="utf-8"), linear)
        rule = RULES_BY_PABULIB_NAME.get(meta.get("rule", ""))
        if rule is None:
            raise CommandError(f"{path}: unknown rule {meta.get('rule')!r}.")
        same = selected == recount[rule]
        self._report(f"{path.name} [{rule}, budget {soles(int(float(meta['budget'])))}]", selected, recount[rule], same)
        return int(not same)

    def _report(self, label: str, published: set[str], recount: set[str], same: bool) -> None:
        ids = ", ".join(sorted(recount, key=int)) or "—"
        if same:
            self.stdout.write(f"  ok  {label}: {ids}")
        else:
            self.stdout.write(
                self.style.ERROR(f"  DIFFERS  {label}: published {sorted(published)}, recount {sorted(recount)}")
            )
