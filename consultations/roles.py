"""The editorial roles and the "Revisión" workflow every page goes through before publishing.

Run after every ``migrate`` (a ``post_migrate`` handler), and idempotent: it creates what
is missing and leaves what editors changed in the admin alone.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
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
WORKFLOW = "Revisión"
REVIEW_TASK = "Aprobación de revisores"

PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page"],
}
COLLECTION_PERMISSIONS = {
    EDITORS: ["add_document", "change_document", "choose_document", "add_image", "change_image", "choose_image"],
    REVIEWERS: ["add_document", "change_document", "choose_document", "choose_image"],
}


# Moderators handle the queue and the forum's topics; editors and government staff record
# reasoned responses, and editors keep the forum's categories. The screens edit
# contributions and topics through the services.
MODEL_PERMISSIONS = {
    EDITORS: [
        ("discussions", "change_contribution"),
        ("forum", "change_topic"),
        ("forum", "add_forumcategory"),
        ("forum", "change_forumcategory"),
    ],
    MODERATORS: [("discussions", "change_contribution"), ("forum", "change_topic")],
    GOVERNMENT: [("discussions", "change_contribution")],
}


def _permission(codename: str) -> Permission:
    app_label = {"document": "wagtaildocs", "image": "wagtailimages"}.get(codename.rsplit("_", 1)[-1], "wagtailcore")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def ensure_roles_and_workflow() -> None:
    admin_access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    groups, created_groups = {}, set()
    for name in (EDITORS, REVIEWERS, MODERATORS, GOVERNMENT):
        group, created = Group.objects.get_or_create(name=name)
        group.permissions.add(admin_access)
        for app_label, codename in MODEL_PERMISSIONS.get(name, ()):
            # Apps after this one in INSTALLED_APPS get their permissions at their own
            # post_migrate, later; create them now (idempotent).
            create_permissions(apps.get_app_config(app_label), verbosity=0)
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
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


def ensure_roles_after_migrate(sender, **kwargs) -> None:
    if ContentType.objects.filter(app_label="wagtailadmin").exists():
        ensure_roles_and_workflow()
