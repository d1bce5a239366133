from django.core.management.base import BaseCommand, CommandError

from core.sites import follow_site_url, site_url


class Command(BaseCommand):
    help = (
        "Give the default Wagtail Site the hostname and port of SITE_URL, which mail, feeds and the "
        "API build their addresses on (migrate does it too)."
    )

    def handle(self, *args, **options):
        try:
            result = follow_site_url()
        except ValueError as error:
            raise CommandError(f"SITE_URL: {error}") from None
        if result is None:
            raise CommandError("There is no default site yet: run migrate first.")
        site, changed = result
        state = "now" if changed else "already"
        self.stdout.write(f"The default site is {state} {site.root_url} (SITE_URL {site_url()}).")
