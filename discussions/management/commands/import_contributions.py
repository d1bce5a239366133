from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from discussions import hosts
from discussions.importing import COLUMNS, CannotImport, ImportResult, import_contributions
from discussions.models import Channel


class Command(BaseCommand):
    help = (
        "Import contributions gathered offline (workshops, paper forms, radio) from a UTF-8 CSV file "
        f"into a consultation's discussion. Columns: {', '.join(COLUMNS)}. "
        "Importing the same file again only adds the rows not imported yet."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "consultation",
            help="The discussion: a page's id or slug, or app_label.model.id (consultations.consultationpage.12).",
        )
        parser.add_argument("csv_file", type=Path)
        parser.add_argument(
            "--channel",
            choices=Channel.values,
            default=Channel.WORKSHOP,
            help="Channel of rows whose own 'channel' cell is blank (default: %(default)s).",
        )
        parser.add_argument("--section", default="", help="Anchor of the section every top-level row concerns.")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the valid rows and report the others.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report, then save nothing.")

    def handle(self, *args, **options):
        consultation = _find_consultation(options["consultation"])
        try:
            with options["csv_file"].open(encoding="utf-8-sig", newline="") as source:
                result = import_contributions(
                    consultation=consultation,
                    source=source,
                    default_channel=options["channel"],
                    section_anchor=options["section"],
                    skip_invalid=options["skip_invalid"],
                    dry_run=options["dry_run"],
                )
        except OSError as error:
            raise CommandError(f"Cannot read {options['csv_file']}: {error.strerror}") from None
        except CannotImport as error:
            raise CommandError(str(error)) from None
        if result.rejected:
            raise CommandError(
                "\n".join(
                    [
                        f"Nothing was imported: {len(result.invalid)} problem(s) in {options['csv_file']}.",
                        *map(str, result.invalid),
                        "Correct the file, or import the valid rows only with --skip-invalid.",
                    ]
                )
            )
        self._report(result, consultation, verbosity=options["verbosity"])

    def _report(self, result: ImportResult, consultation, *, verbosity: int) -> None:
        if result.ignored_columns:
            self.stdout.write(f"Ignored column(s): {', '.join(result.ignored_columns)}")
        if verbosity >= 1:
            for problem in result.orphans:
                self.stdout.write(str(problem))
            for problem in result.invalid:
                self.stdout.write(self.style.WARNING(f"skipped, {problem}"))
        lines = [
            f"Created:                        {result.created}",
            f"Already present (skipped):      {result.already_present}",
            f"Orphans imported as top-level:  {len(result.orphans)}",
            f"Replies attached at max depth:  {result.depth_capped}",
            f"Invalid rows skipped:           {len(result.invalid)}",
        ]
        self.stdout.write("\n".join(lines))
        if result.dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported into “{consultation.title}” (id {consultation.pk})."))


def _find_consultation(value: str):
    """The discussion host ``value`` names: ``app_label.model.id``, or an id or a slug
    that one host page has."""
    label, _, pk = value.rpartition(".")
    if label:
        host = hosts.find(label, pk)
        if host is None:
            raise CommandError(f"No discussion is “{value}”.")
        return host
    matches = []
    for model in hosts.models():
        fields = {field.name for field in model._meta.get_fields()}
        lookup = Q(slug=value) if "slug" in fields else Q(pk__in=[])
        if value.isdigit():
            lookup |= Q(pk=int(value))
        matches += list(model._default_manager.filter(lookup).order_by("pk"))
    if not matches:
        raise CommandError(f"No discussion has the id or slug “{value}”.")
    if len(matches) > 1:
        listing = "\n".join(f"  {host._meta.label_lower}.{host.pk}: {host.title}" for host in matches)
        raise CommandError(f"Several discussions match “{value}”; name one as app_label.model.id:\n{listing}")
    return matches[0]
