"""Wagtail admin screens opened by named permissions: one for the whole screen, where
nothing is added or deleted, or some for each action."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies.base import ModelPermissionPolicy


class ScreenPermissionPolicy(ModelPermissionPolicy):
    """Every action a viewset asks about (view, change, inspect, export) needs
    ``codename`` on the model; adding, copying and deleting are never offered."""

    NEVER = frozenset({"add", "copy", "delete"})

    def __init__(self, model, codename: str):
        super().__init__(model)
        self.codename = codename

    def _get_permission_codename(self, action):
        return self.codename

    def user_has_permission(self, user, action):
        return action not in self.NEVER and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ActionPermissionPolicy(ModelPermissionPolicy):
    """Each action of a screen is opened by any of the permissions named for it (full
    names, as ``core.roles`` has them); an action not named is never allowed."""

    def __init__(self, model, actions: dict[str, tuple[str, ...]]):
        super().__init__(model)
        self.actions = actions

    def user_has_permission(self, user, action):
        if not (user.is_authenticated and user.is_active):
            return False
        return any(user.has_perm(permission) for permission in self.actions.get(action, ()))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)


class _ScreenPolicyViewSetMixin:
    """What both mixins below share: each view of the viewset gets the screen's policy
    (``screen_policy``), its menu item asks it, and the group editor lists the
    permissions it names (``get_permissions_to_register``)."""

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(permission_policy=self.screen_policy, **kwargs)

    @cached_property
    def menu_item_class(self):
        policy = self.screen_policy

        def is_shown(_self, request):
            return policy.user_has_permission(request.user, "view")

        return type(f"{self.name.title()}MenuItem", (MenuItem,), {"is_shown": is_shown})

    def register_permissions(self):
        hooks.register("register_permissions", self.get_permissions_to_register)


class ScreenPermissionViewSetMixin(_ScreenPolicyViewSetMixin):
    """For a ``ModelViewSet`` whose screens are opened by one named permission.

    Wagtail registers one permission policy per model; two screens of one model (the
    moderation queue and the responses, both of contributions) need their own.
    """

    screen_permission: str  # a codename of the model's own permissions

    @cached_property
    def screen_policy(self) -> ScreenPermissionPolicy:
        return ScreenPermissionPolicy(self.model, self.screen_permission)

    def get_permissions_to_register(self):
        return Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), codename=self.screen_permission
        )


class ActionPermissionViewSetMixin(_ScreenPolicyViewSetMixin):
    """For a ``ModelViewSet`` whose actions are opened by ``action_permissions``
    (action → full permission names; see ``ActionPermissionPolicy``)."""

    action_permissions: dict[str, tuple[str, ...]] = {}

    @cached_property
    def screen_policy(self) -> ActionPermissionPolicy:
        return ActionPermissionPolicy(self.model, self.action_permissions)

    def get_permissions_to_register(self):
        label = self.model._meta.app_label
        names = {name for names in self.action_permissions.values() for name in names}
        codenames = [name.split(".", 1)[1] for name in names if name.startswith(f"{label}.")]
        return Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
