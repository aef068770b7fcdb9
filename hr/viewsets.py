"""Wagtail admin listings of the HR app, each limited by ``visibility_for(request.user)``."""

from django.contrib.admin.utils import unquote
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from academy.accounts.selectors import visibility_for

from .models import Campaign, ExportJob, StaffImportJob, StaffMember


class HRReadOnlyPolicy(ModelPermissionPolicy):
    """HR officers and platform admins with admin access may list; nobody edits here."""

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        if not (
            user.is_active and (user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
        ):
            return False
        return not visibility_for(user).nothing

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)


def scoped(model, field):
    """Index and inspect views whose queryset is cut to what the viewer may see."""

    def queryset_for(request):
        return model._default_manager.filter(visibility_for(request.user).q(field))

    class IndexView(generic.IndexView):
        def get_base_queryset(self):
            return queryset_for(self.request)

    class InspectView(generic.InspectView):
        def get_object(self, queryset=None):
            return get_object_or_404(queryset_for(self.request), pk=unquote(str(self.pk)))

    return IndexView, InspectView


StaffIndex, StaffInspect = scoped(StaffMember, "unit")
ExportIndex, ExportInspect = scoped(ExportJob, "unit")
ImportIndex, ImportInspect = scoped(StaffImportJob, "requested_by__hr_scope__unit")
CampaignIndex, CampaignInspect = scoped(Campaign, "unit")


class StaffViewSet(ModelViewSet):
    model = StaffMember
    icon = "group"
    index_view_class = StaffIndex
    inspect_view_class = StaffInspect
    inspect_view_enabled = True
    list_display = [
        "matricule",
        "last_name",
        "first_name",
        "last_name_ar",
        "first_name_ar",
        "unit",
        "job_title",
    ]
    search_fields = [
        "matricule",
        "last_name",
        "first_name",
        "last_name_ar",
        "first_name_ar",
        "email",
    ]
    search_backend_name = None
    inspect_view_fields = [
        "matricule",
        "last_name",
        "first_name",
        "last_name_ar",
        "first_name_ar",
        "email",
        "unit",
        "unit_since",
        "job_title",
    ]
    form_fields = ["job_title"]
    ordering = ["last_name", "first_name"]


class ExportJobViewSet(ModelViewSet):
    model = ExportJob
    icon = "download"
    index_view_class = ExportIndex
    inspect_view_class = ExportInspect
    inspect_view_enabled = True
    list_display = [
        "file_name",
        "exporter",
        "unit",
        "requested_by",
        "status",
        "percent",
        "rows",
        "created_at",
    ]
    list_filter = ["status", "exporter"]
    inspect_view_fields = [
        "exporter",
        "unit",
        "requested_by",
        "created_at",
        "status",
        "percent",
        "rows",
        "file_name",
        "message",
    ]
    form_fields = ["exporter"]
    ordering = ["-created_at"]


class StaffImportJobViewSet(ModelViewSet):
    model = StaffImportJob
    icon = "upload"
    index_view_class = ImportIndex
    inspect_view_class = ImportInspect
    inspect_view_enabled = True
    list_display = ["file_name", "requested_by", "created_at", "status", "applied", "percent"]
    list_filter = ["status", "applied"]
    inspect_view_fields = [
        "file_name",
        "requested_by",
        "created_at",
        "effective_on",
        "status",
        "applied",
        "percent",
        "message",
    ]
    form_fields = ["file_name"]
    ordering = ["-created_at"]


class CampaignViewSet(ModelViewSet):
    """Training campaigns of the officer's scope (created, launched and read on the HR pages:
    /hr/campaigns/)."""

    model = Campaign
    icon = "date"
    index_view_class = CampaignIndex
    inspect_view_class = CampaignInspect
    inspect_view_enabled = True
    list_display = ["title", "unit", "status", "due_mode", "due_date", "due_days", "created_at"]
    list_filter = ["status", "due_mode"]
    search_fields = ["title", "title_ar"]
    search_backend_name = None
    inspect_view_fields = [
        "title",
        "title_ar",
        "unit",
        "created_by",
        "status",
        "audience_unit",
        "job_titles",
        "matricules",
        "staff_file_name",
        "due_mode",
        "due_date",
        "due_days",
        "requires_valid_certificate",
        "reminder_days_before",
        "reminder_days_after",
        "created_at",
        "launched_at",
    ]
    form_fields = ["title"]
    ordering = ["-created_at"]


class HRViewSetGroup(ViewSetGroup):
    menu_label = _("HR")
    menu_icon = "group"
    menu_order = 800
    items = (
        StaffViewSet("hr_staff"),
        ExportJobViewSet("hr_exports"),
        StaffImportJobViewSet("hr_imports"),
        CampaignViewSet("hr_campaigns"),
    )
