from wagtail.users.views.users import UserViewSet

from .forms import AcademyUserCreationForm, AcademyUserEditForm


class AcademyUserViewSet(UserViewSet):
    """Wagtail's user admin with the employee profile and the HR scope."""

    list_export = ["username", "matricule", "last_name", "first_name", "last_name_ar", "first_name_ar",
                   "email", "unit", "job_title"]

    def get_form_class(self, for_update=False):
        return AcademyUserEditForm if for_update else AcademyUserCreationForm
