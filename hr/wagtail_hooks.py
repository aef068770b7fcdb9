from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import Campaign, ExportJob, StaffImportJob, StaffMember
from .viewsets import HRReadOnlyPolicy, HRViewSetGroup

for _model in (StaffMember, ExportJob, StaffImportJob, Campaign):
    register_permission_policy(_model, HRReadOnlyPolicy(_model))


@hooks.register("register_admin_viewset")
def register_hr_viewsets():
    return HRViewSetGroup()


@hooks.register("learner_dashboard_panels")
def assigned_training_panel(request):
    """Assigned courses first on the learner's dashboard, with due date and status."""
    from django.template.loader import render_to_string

    from .selectors.campaigns import assigned_training_for

    items = assigned_training_for(user=request.user, request=request)
    if not items:
        return ""
    return render_to_string("hr/campaigns/_assigned_panel.html", {"items": items}, request)
