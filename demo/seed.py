"""``seed_demo``: every app's demonstration content, in the order they build on each other.

Every step is idempotent: running it again finds what exists and leaves it.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from . import budgets, consultations, discussions, forum, hearings, site


@transaction.atomic
def seed() -> site.AdminLogin:
    home = site.ensure_home_page()
    site.ensure_translation(home, "en", site.HOME_EN)
    plan = consultations.seed(home)
    discussions.seed(plan)
    forum.seed(home)
    budgets.seed(home)
    site.ensure_identity()
    login = site.ensure_admin()
    admin = get_user_model().objects.get(username=site.ADMIN_USERNAME)
    discussions.ensure_staff_participant(admin)
    hearings.seed(home, staff=admin)
    return login
