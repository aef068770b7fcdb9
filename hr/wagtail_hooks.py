from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import ExportJob, StaffImportJob, StaffMember
from .viewsets import HRReadOnlyPolicy, HRViewSetGroup

for _model in (StaffMember, ExportJob, StaffImportJob):
    register_permission_policy(_model, HRReadOnlyPolicy(_model))


@hooks.register("register_admin_viewset")
def register_hr_viewsets():
    return HRViewSetGroup()
