"""Wagtail admin: the audit log, read-only, filterable, for platform admins only."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from academy.accounts.lockouts import PlatformAdminOnlyPolicy

from .models import AuditEntry, RetentionFlag


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = gettext_lazy("Audit log")
    add_to_settings_menu = True
    list_display = ["timestamp", "actor_label", "action", "target_label", "client_ip"]
    list_filter = {"action": ["exact"], "timestamp": ["gte", "lte"], "actor_label": ["icontains"],
                   "client_ip": ["exact"]}  # fmt: skip
    search_fields = ["actor_label", "target_label", "client_ip"]
    search_backend_name = None
    ordering = ["-timestamp", "-id"]
    form_fields = ["action"]  # never used: editing is refused
    inspect_view_enabled = True
    inspect_view_fields = ["timestamp", "actor", "actor_label", "action", "target_type",
                           "target_id", "target_label", "client_ip", "data"]  # fmt: skip


class RetentionFlagViewSet(ModelViewSet):
    """Accounts flagged by ``flag_inactive_accounts``: erase (``erase_personal_data``) or keep."""

    model = RetentionFlag
    icon = "time"
    menu_label = gettext_lazy("Inactive accounts")
    add_to_settings_menu = True
    list_display = ["user", "last_activity", "flagged_at"]
    search_fields = ["user__username", "user__matricule"]
    search_backend_name = None
    form_fields = ["last_activity"]  # never used: editing is refused


audit_viewset = AuditEntryViewSet("audit_log")
retention_viewset = RetentionFlagViewSet("retention_flags")

register_permission_policy(AuditEntry, PlatformAdminOnlyPolicy(AuditEntry))

register_permission_policy(RetentionFlag, PlatformAdminOnlyPolicy(RetentionFlag))
