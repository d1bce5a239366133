"""The editorial roles, the permissions each one holds, and the "Revisión" workflow.

Names live here so every app speaks of the same groups. Each app's migration creates
its own permissions and grants them with :func:`grant` (one rule, one place: the
permission, who holds it, and the code that asks for it all name the constant below).
:func:`ensure_roles_and_workflow` runs after every ``migrate`` and creates the groups,
the page and collection permissions and the workflow that are missing, leaving what
administrators changed alone.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

# Wagtail's own migrations create "Editors" and "Moderators"; they are reused.
EDITORS = "Editors"
REVIEWERS = "Reviewers"
MODERATORS = "Moderators"
GOVERNMENT = "Government"
TECHNICAL_TEAM = "Technical team"
GROUPS = (EDITORS, REVIEWERS, MODERATORS, GOVERNMENT, TECHNICAL_TEAM)
WORKFLOW = "Revisión"
REVIEW_TASK = "Aprobación de revisores"

# --- permissions, as Django names them ("app_label.codename") ----------------------------
#: Approve or remove held and reported contributions; the moderation queue and its live channel.
MODERATE_CONTRIBUTIONS = "discussions.moderate_contribution"
#: Record the government's reasoned response to a contribution.
RESPOND_TO_CONTRIBUTIONS = "discussions.respond_contribution"
#: Post a reply marked as the government's official reply.
REPLY_OFFICIALLY = "discussions.reply_officially"
#: Suspend a participant (who then can neither post nor edit).
SUSPEND_PARTICIPANTS = "accounts.suspend_participant"
#: Pin, lock, move and hide forum topics.
MODERATE_TOPICS = "forum.moderate_topic"
#: Participatory budgets: mark a proposal viable or not viable, with its public reason.
EVALUATE_PROPOSALS = "budgets.evaluate_proposal"
#: Participatory budgets: merge duplicate proposals, hide one, count the ballots, start the follow-up.
MANAGE_BUDGETS = "budgets.manage_budget"
#: Participatory budgets: enter a paper ballot (workshop, office, radio campaign) with the voter's DNI.
ENTER_PAPER_BALLOTS = "budgets.enter_paper_ballot"
#: Participatory budgets: annul a ballot, with a reason kept in its record.
ANNUL_BALLOTS = "budgets.annul_ballot"
#: Participatory budgets: post a dated update (status, progress, budget executed) on a winning project.
UPDATE_PROJECTS = "budgets.update_project"
#: Run a public hearing's live queue: put a question on air, record its answer in the
#: room, send it back to the queue, close the hearing; its console and live channel.
MODERATE_HEARINGS = "hearings.moderate_hearing"
#: Enter a hearing's questions received on paper, by phone, radio, WhatsApp or social media.
ENTER_HEARING_QUESTIONS = "hearings.enter_question"
#: Record the written answers to a hearing's questions not answered in the room.
ANSWER_HEARING_QUESTIONS = "hearings.answer_question"
#: See who registered for a hearing, confirm speakers, set their order and time.
MANAGE_HEARING_REGISTRATIONS = "hearings.manage_registration"

PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page"],
}
COLLECTION_PERMISSIONS = {
    EDITORS: ["add_document", "change_document", "choose_document", "add_image", "change_image", "choose_image"],
    REVIEWERS: ["add_document", "change_document", "choose_document", "choose_image"],
}


def grant(apps, model_label: str, permissions: dict[str, str], holders: dict[str, list[str]]) -> None:
    """From a data migration: create ``permissions`` (codename → name) of ``model_label``
    ("app.model") if missing, and grant them to groups (group name → codenames).

    Migrations run before Django's ``post_migrate`` creates permissions, so they are
    created here; ``apps`` is the migration's historical registry.
    """
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    app_label, model = model_label.lower().split(".")
    content_type, _ = content_type_model.objects.get_or_create(app_label=app_label, model=model)
    found = {}
    for codename, name in permissions.items():
        found[codename], _ = permission_model.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
    for group_name, codenames in holders.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        group.permissions.add(*(found[codename] for codename in codenames))


def revoke(apps, model_label: str, codenames: list[str], groups: list[str]) -> None:
    """From a data migration: take permissions back from groups (the rows stay)."""
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    app_label, model = model_label.lower().split(".")
    permissions = permission_model.objects.filter(
        content_type__app_label=app_label, content_type__model=model, codename__in=codenames
    )
    for group in group_model.objects.filter(name__in=groups):
        group.permissions.remove(*permissions)


def _permission(codename: str) -> Permission:
    app_label = {"document": "wagtaildocs", "image": "wagtailimages"}.get(codename.rsplit("_", 1)[-1], "wagtailcore")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def ensure_roles_and_workflow() -> None:
    admin_access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    groups, created_groups = {}, set()
    for name in GROUPS:
        group, created = Group.objects.get_or_create(name=name)
        group.permissions.add(admin_access)
        groups[name] = group
        if created:
            created_groups.add(name)

    root = Page.get_first_root_node()
    if root is None:  # an empty database, e.g. just flushed: nothing to attach permissions to
        return
    if REVIEWERS in created_groups:
        # Wagtail's default Moderators may publish pages; here moderators handle contributions,
        # and only Reviewers publish, through the workflow.
        GroupPagePermission.objects.filter(group=groups[MODERATORS]).delete()
    for name, codenames in PAGE_PERMISSIONS.items():
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(group=groups[name], page=root, permission=_permission(codename))
    collection = Collection.get_first_root_node()
    for name, codenames in COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=groups[name], collection=collection, permission=_permission(codename)
            )

    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    if created:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK)
        task.groups.set([groups[REVIEWERS]])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
