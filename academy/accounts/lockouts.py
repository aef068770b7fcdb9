"""Wagtail admin: sign-in lockouts (django-axes attempts), which platform admins can lift."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .selectors import user_is_platform_admin
from .services import login_lockout_clear

URL_NAMESPACE = "login_lockouts"


class PlatformAdminOnlyPolicy(ModelPermissionPolicy):
    """Only platform admins see these rows; nobody adds or edits them through the admin."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return bool(user.is_active and user_is_platform_admin(user))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)


class LockoutIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            MenuItem(
                _("Unlock"),
                url=reverse(f"{URL_NAMESPACE}:unlock", args=[instance.pk]),
                icon_name="lock-open",
                priority=10,
            )
        )
        return buttons


def unlock_view(request, pk):
    if not user_is_platform_admin(request.user):
        raise PermissionDenied
    attempt = get_object_or_404(AccessAttempt, pk=pk)
    if request.method == "POST":
        login_lockout_clear(attempt=attempt, actor=request.user, request=request)
        messages.success(request, _("Signing in is unlocked."))
        return redirect(f"{URL_NAMESPACE}:index")
    return TemplateResponse(
        request,
        "audit/admin_confirm.html",
        {
            "page_title": _("Unlock signing in"),
            "intro": _("Account “%(username)s”, address %(ip)s: %(failures)s failed attempts.")
            % {
                "username": attempt.username or "—",
                "ip": attempt.ip_address or "—",
                "failures": attempt.failures_since_start,
            },
            "submit_label": _("Unlock"),
            "index_url": reverse(f"{URL_NAMESPACE}:index"),
        },
    )


class LockoutViewSet(ModelViewSet):
    model = AccessAttempt
    icon = "lock"
    menu_label = gettext_lazy("Sign-in lockouts")
    add_to_settings_menu = True
    index_view_class = LockoutIndexView
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username", "ip_address"]
    search_backend_name = None
    ordering = ["-attempt_time"]
    form_fields = ["username"]  # never used: editing is refused

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("unlock/<int:pk>/", unlock_view, name="unlock")]


lockout_viewset = LockoutViewSet(URL_NAMESPACE)

register_permission_policy(AccessAttempt, PlatformAdminOnlyPolicy(AccessAttempt))
