from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from academy.accounts.selectors import user_is_platform_admin

from .models import Territory


class TerritoryPermissionPolicy(ModelPermissionPolicy):
    """Everyone with admin access may browse; only platform admins may correct a unit.

    Units are created and removed by ``load_territories`` only (the tree paths are the
    loader's job), so "add" and "delete" are refused to everyone here.
    """

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        if action == "change":
            return user_is_platform_admin(user)
        if action == "view":
            return user.is_active and (
                user.is_superuser or user.has_perm("wagtailadmin.access_admin")
            )
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)


class TerritoryViewSet(ModelViewSet):
    model = Territory
    icon = "site"
    menu_label = _("Territorial units")
    menu_order = 900
    add_to_admin_menu = True
    list_display = ["name_fr", "name_ar", "code", "level", "kind", "population_2014"]
    list_filter = ["level", "kind"]
    list_export = ["code", "level", "kind", "name_fr", "name_ar", "population_2014"]
    export_filename = "territorial-units"
    search_fields = ["name_fr", "name_ar", "code"]
    search_backend_name = None  # plain ORM search works in both scripts
    form_fields = ["name_fr", "name_ar", "kind", "population_2014"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "code",
        "level",
        "kind",
        "name_fr",
        "name_ar",
        "population_2014",
        "parent",
    ]
    ordering = ["path"]


territory_viewset = TerritoryViewSet("territories")

register_permission_policy(Territory, TerritoryPermissionPolicy(Territory))
