from django.conf import settings
from django.core.management.base import BaseCommand

from demo.seed import seed


class Command(BaseCommand):
    help = "Create demonstration content and an admin user. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        login = seed()
        admin_url = f"{settings.WAGTAILADMIN_BASE_URL}/admin/"
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
        self.stdout.write(f"Admin: {admin_url}")
        self.stdout.write(f"  user:     {login.username}")
        if login.password:
            self.stdout.write(f"  password: {login.password}   (shown only now; keep it)")
        else:
            self.stdout.write(
                "  password: set when the account was created "
                f"(to choose a new one: python manage.py changepassword {login.username})"
            )
