"""Wagtail admin: a platform administrator erases one person's personal data on their request
(law 09-08), the screen equivalent of ``manage.py erase_personal_data``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.ui.menus import MenuItem

from .models import User
from .personal_data import user_personal_data_erase

URL_NAME = "erase_personal_data"
USERS_NAMESPACE = "wagtailusers_users"


def may_erase_personal_data(user) -> bool:
    """Only superusers, as for the command (``--by`` must name one)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def erase_button(*, user, request_user) -> list[MenuItem]:
    if not may_erase_personal_data(request_user) or user.pk == request_user.pk:
        return []
    return [
        MenuItem(
            _("Erase personal data"),
            url=reverse(f"{USERS_NAMESPACE}:{URL_NAME}", args=[user.pk]),
            icon_name="bin",
            priority=90,
        )
    ]


@require_http_methods(["GET", "POST"])
def erase_personal_data_view(request, pk):
    if not may_erase_personal_data(request.user):
        raise PermissionDenied
    person = get_object_or_404(User, pk=pk)
    if person.pk == request.user.pk:
        raise PermissionDenied
    if request.method == "POST":
        user_personal_data_erase(user=person, actor=request.user, request=request)
        messages.success(request, _("The personal data of this account was erased."))
        return redirect(f"{USERS_NAMESPACE}:index")
    return TemplateResponse(
        request,
        "accounts/admin_erase_personal_data.html",
        {
            "page_title": _("Erase personal data"),
            "person": person,
            "index_url": reverse(f"{USERS_NAMESPACE}:index"),
        },
    )
