import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from demo.seed import seed

#: The demonstration's people are examples: the mail its content would trigger (the
#: government's responses, say) goes nowhere.
NO_MAIL = "django.core.mail.backends.dummy.EmailBackend"


@contextmanager
def _quiet(verbosity: int):
    """Wagtail logs each page it creates and publishes: heard only with -v 2."""
    if verbosity >= 2:
        yield
        return
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def boxed(lines: list[str]) -> str:
    width = max(len(line) for line in lines)
    rule = "─" * (width + 2)
    return "\n".join([f"┌{rule}┐", *(f"│ {line.ljust(width)} │" for line in lines), f"└{rule}┘"])


class Command(BaseCommand):
    help = "Create demonstration content and an admin user. Safe to run again: nothing is duplicated."

    def add_arguments(self, parser):
        parser.add_argument(
            "--box", action="store_true", help="End with the site's address and the admin login in a box (make run)."
        )

    def handle(self, *args, verbosity=1, box=False, **options):
        with _quiet(verbosity), override_settings(EMAIL_BACKEND=NO_MAIL):
            login = seed()
        site = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        if login.password:
            password = f"  password: {login.password}   (shown only now; keep it)"
        else:
            password = (
                "  password: set when the account was created "
                f"(to choose a new one: python manage.py changepassword {login.username})"
            )
        lines = [f"Admin: {site}/admin/", f"  user:     {login.username}", password]
        if box:
            self.stdout.write(boxed([f"Cocrea is ready: {site}/", *lines, "Stop it with Ctrl+C."]))
        else:
            self.stdout.write(self.style.SUCCESS("Demo content is in place."))
            self.stdout.write("\n".join(lines))
