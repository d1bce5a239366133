# The technical team evaluates proposals; the planning office (editors) manages editions
# (merging, hiding, counting, starting the follow-up), keeps the categories and annuls
# ballots; the government's staff enter paper ballots; editors and the technical team
# post project updates. And the categories a first edition starts with.

from django.db import migrations

from core.roles import EDITORS, GOVERNMENT, TECHNICAL_TEAM, grant

CATEGORIES = [
    ("agua-y-saneamiento", "Agua y saneamiento", "Water and sanitation"),
    ("vias-y-transporte", "Vías y transporte", "Roads and transport"),
    ("salud", "Salud", "Health"),
    ("educacion", "Educación", "Education"),
    ("agricultura-y-riego", "Agricultura y riego", "Agriculture and irrigation"),
    ("ambiente", "Ambiente y gestión de riesgos", "Environment and risk management"),
    ("electrificacion", "Electrificación", "Electrification"),
    ("seguridad-ciudadana", "Seguridad ciudadana", "Public safety"),
    ("desarrollo-economico", "Desarrollo económico y turismo", "Economic development and tourism"),
    ("cultura-y-deporte", "Cultura y deporte", "Culture and sport"),
]


def grant_roles(apps, schema_editor):
    grant(
        apps,
        "budgets.proposal",
        {"evaluate_proposal": "Can record the technical evaluation of a budget proposal"},
        {TECHNICAL_TEAM: ["evaluate_proposal"]},
    )
    grant(
        apps,
        "budgets.budgetprocesspage",
        {"manage_budget": "Can merge and hide proposals, count ballots and start the follow-up"},
        {EDITORS: ["manage_budget"]},
    )
    grant(
        apps,
        "budgets.ballot",
        {"enter_paper_ballot": "Can enter a paper ballot", "annul_ballot": "Can annul a ballot"},
        {GOVERNMENT: ["enter_paper_ballot"], EDITORS: ["annul_ballot"]},
    )
    grant(
        apps,
        "budgets.trackedproject",
        {"update_project": "Can post updates on a tracked budget project"},
        {EDITORS: ["update_project"], TECHNICAL_TEAM: ["update_project"]},
    )
    grant(
        apps,
        "budgets.budgetcategory",
        {"add_budgetcategory": "Can add budget category", "change_budgetcategory": "Can change budget category"},
        {EDITORS: ["add_budgetcategory", "change_budgetcategory"]},
    )


def add_categories(apps, schema_editor):
    category = apps.get_model("budgets", "BudgetCategory")
    for order, (slug, name, name_en) in enumerate(CATEGORIES):
        category.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
        migrations.RunPython(add_categories, migrations.RunPython.noop),
    ]
