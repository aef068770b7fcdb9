"""Wagtail admin: read-only views of enrolments and bulk enrolment jobs (platform admins).

Enrolments are written by the services only (self-enrolment, bulk jobs, the completion
engine), so the admin never adds, edits or deletes them."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from academy.accounts.selectors import user_is_platform_admin

from .models import BulkEnrollmentJob, Enrollment


class ReadOnlyForAdminsPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action == "view" and user_is_platform_admin(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class EnrollmentViewSet(ModelViewSet):
    model = Enrollment
    icon = "user"
    menu_label = _("Enrolments")
    list_display = ["user", "course", "status", "progress_percent", "enrolled_at", "completed_at"]
    list_filter = ["status", "source"]
    search_fields = ["user__username", "user__last_name", "user__matricule"]
    search_backend_name = None
    list_export = [
        "user",
        "course",
        "status",
        "progress_percent",
        "final_score",
        "enrolled_at",
        "completed_at",
        "unit_at_enrollment",
        "unit_at_completion",
    ]
    export_filename = "enrolments"
    inspect_view_enabled = True
    form_fields = []
    ordering = ["-enrolled_at"]

    def get_queryset(self, request):
        return Enrollment.objects.select_related("user", "course")


class BulkEnrollmentJobViewSet(ModelViewSet):
    model = BulkEnrollmentJob
    icon = "group"
    menu_label = _("Bulk enrolments")
    list_display = ["course", "kind", "status", "processed", "total", "requested_by", "created_at"]
    list_filter = ["status", "kind"]
    inspect_view_enabled = True
    form_fields = []
    ordering = ["-created_at"]


class LearnersViewSetGroup(ViewSetGroup):
    menu_label = _("Learning")
    menu_icon = "doc-full"
    menu_order = 800
    items = (EnrollmentViewSet("enrolments"), BulkEnrollmentJobViewSet("bulk_enrolments"))


register_permission_policy(Enrollment, ReadOnlyForAdminsPolicy(Enrollment))
register_permission_policy(BulkEnrollmentJob, ReadOnlyForAdminsPolicy(BulkEnrollmentJob))
