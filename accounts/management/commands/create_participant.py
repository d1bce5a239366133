"""Create confirmed participants: one from the options, or many from a CSV file, all or none."""

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import participant_create

CSV_COLUMNS = ("email", "password", "display_name", "sector", "territory", "organisation")
REQUIRED_OPTIONS = ("email", "password", "display_name", "sector", "territory")


def _create(*, email: str, password: str, display_name: str, sector: str, territory: str, organisation: str):
    return participant_create(
        email=email,
        password=password,
        display_name=display_name,
        sector=sector.strip(),
        territory=territory.strip(),
        organisation_name=organisation,
        confirmed=True,
        verify_new_organisation=True,
    )


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Create a confirmed participant (terms accepted now; an organisation that does not exist is created "
        "verified), or many from a CSV file with the columns " + ",".join(CSV_COLUMNS) + ". A CSV file is "
        "created in one transaction: if any row is invalid, every invalid row is reported and nothing is created."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email")
        parser.add_argument("--password")
        parser.add_argument("--display-name")
        parser.add_argument("--sector", help="A sector code, e.g. civil_society.")
        parser.add_argument("--territory", help="A territory's name or slug, e.g. Jaén.")
        parser.add_argument("--organisation", default="", help="Matched case-insensitively; created if missing.")
        parser.add_argument("--from-csv", type=Path, metavar="FILE", help="UTF-8 CSV with a header row.")

    def handle(self, *args, **options):
        if options["from_csv"]:
            given = [name for name in (*REQUIRED_OPTIONS, "organisation") if options[name]]
            if given:
                raise CommandError(
                    "--from-csv cannot be combined with " + ", ".join(f"--{name.replace('_', '-')}" for name in given)
                )
            count = self._from_csv(options["from_csv"])
            self.stdout.write(self.style.SUCCESS(f"Created {count} confirmed participants from {options['from_csv']}."))
            return
        missing = [f"--{name.replace('_', '-')}" for name in REQUIRED_OPTIONS if not options[name]]
        if missing:
            raise CommandError(f"Missing {', '.join(missing)} (or give --from-csv FILE).")
        try:
            participant = _create(
                email=options["email"],
                password=options["password"],
                display_name=options["display_name"],
                sector=options["sector"],
                territory=options["territory"],
                organisation=options["organisation"],
            )
        except ValidationError as error:
            raise CommandError(_messages(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the confirmed participant {participant.display_name} <{participant.user.email}>."
            )
        )

    def _from_csv(self, path: Path) -> int:
        try:
            handle = path.open(newline="", encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        with handle:
            reader = csv.DictReader(handle)
            missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(
                    f"{path} lacks the column(s) {', '.join(missing)}. Expected a header row: {','.join(CSV_COLUMNS)}"
                )
            errors: list[str] = []
            created = 0
            try:
                with transaction.atomic():
                    for row in reader:
                        values = {column: (row.get(column) or "") for column in CSV_COLUMNS}
                        try:
                            with transaction.atomic():
                                _create(**values)
                        except ValidationError as error:
                            errors.append(f"line {reader.line_num}: {_messages(error)}")
                        else:
                            created += 1
                    if errors:  # raised inside the transaction, so the valid rows are rolled back too
                        raise CommandError(
                            f"{len(errors)} invalid row(s) in {path}; nothing was created.\n" + "\n".join(errors)
                        )
            except (UnicodeDecodeError, csv.Error) as error:
                raise CommandError(
                    f"{path} is not a readable UTF-8 CSV file (line {reader.line_num}): {error}"
                ) from None
        return created
